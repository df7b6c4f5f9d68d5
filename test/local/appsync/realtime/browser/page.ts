/**
 * The page of the browser test (bundled by esbuild for Chromium): Amplify JS's own client, configured with the
 * local cloud's amplifyconfiguration.json as an app would be, subscribing to onCreateTodo. Nothing here knows it
 * talks to a local endpoint: Amplify derives wss://<host>/graphql/realtime itself.
 */
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { Hub } from 'aws-amplify/utils';

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
type Todo = { id: string; name: string | null };

interface PageApi {
  /** Every Todo received, by subscription name, with the page's clock when it arrived (ms since the epoch). */
  received: Array<{ subscription: string; todo: Todo; at: number }>;
  errors: Array<{ subscription: string; error: string }>;
  connectionStates: string[];
  configure(config: Record<string, unknown>): void;
  /** IAM requests sign with these from now on. */
  useCredentials(credentials: Credentials): void;
  subscribe(name: string, authMode: 'apiKey' | 'iam'): void;
  unsubscribe(name: string): void;
}

let credentials: Credentials | undefined;
const subscriptions = new Map<string, { unsubscribe(): void }>();
const ON_CREATE_TODO = 'subscription OnCreateTodo { onCreateTodo { id name } }';

const page: PageApi = {
  received: [],
  errors: [],
  connectionStates: [],
  configure(config) {
    Amplify.configure(config, {
      Auth: {
        credentialsProvider: {
          getCredentialsAndIdentityId: async () => {
            if (!credentials) throw new Error('no credentials given to the page');
            return { credentials: { ...credentials } };
          },
          clearCredentialsAndIdentityId: () => {},
        },
      },
    });
    Hub.listen('api', ({ payload }) => {
      const data = payload.data as { connectionState?: string } | undefined;
      if (payload.event === 'ConnectionStateChange' && data?.connectionState) page.connectionStates.push(data.connectionState);
    });
  },
  useCredentials(given) {
    credentials = given;
  },
  subscribe(name, authMode) {
    const observable = generateClient().graphql({ query: ON_CREATE_TODO, authMode }) as unknown as {
      subscribe(observer: { next(value: { data: { onCreateTodo: Todo } }): void; error(error: unknown): void }): { unsubscribe(): void };
    };
    subscriptions.set(
      name,
      observable.subscribe({
        next: ({ data }) => {
          page.received.push({ subscription: name, todo: data.onCreateTodo, at: Date.now() });
          show(`${name}: onCreateTodo ${data.onCreateTodo.id} "${data.onCreateTodo.name}"`);
        },
        error: (error) => {
          page.errors.push({ subscription: name, error: JSON.stringify(error) });
          show(`${name}: refused: ${JSON.stringify(error).slice(0, 120)}`);
        },
      }),
    );
  },
  unsubscribe(name) {
    subscriptions.get(name)?.unsubscribe();
    subscriptions.delete(name);
    show(`${name}: unsubscribed`);
  },
};

/** What happened, on the page itself (the test's screenshots show it). */
function show(line: string): void {
  const item = document.createElement('li');
  item.textContent = line;
  document.getElementById('log')?.append(item);
}

(window as unknown as { realtimeTest: PageApi }).realtimeTest = page;
document.body.dataset.ready = 'true';
