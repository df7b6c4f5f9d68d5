/**
 * Amplify JS's own subscription client (aws-amplify 6.22.1, the version examples/nextjs uses) against the local
 * real-time endpoint in Node: `generateClient().graphql({ query: onCreateTodo }).subscribe(...)` receives a Todo
 * created through the API, with the API key and with IAM, and the server lets go of the subscription and the
 * connection after unsubscribe.
 *
 * What Amplify dials is recorded, not assumed: for an `http://` GraphQL URL it derives `wss://<host>/graphql/realtime`
 * (its custom-domain rule). Node 20 has no global WebSocket, so, as any Node app using Amplify subscriptions must, the
 * test provides one (`ws`), which here also takes that URL to the plain `ws://` the endpoint serves without TLS; the
 * README (Subscriptions) shows the same for apps.
 */
import { GraphQLAPI } from '@aws-amplify/api-graphql';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import WebSocket from 'ws';
import { DENY_DELETE_ROLE, LIST_ONLY_ROLE, todoApi, VALID_KEY } from '../fixture';
import { eventually, type RealtimeTestServer, startRealtimeServer } from './harness';

const dialed: string[] = [];
/** A WebSocket for Amplify in Node: `ws`, with the local wss:// URL taken to ws://. */
class LocalWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    dialed.push(String(url));
    super(String(url).replace(/^wss:\/\/127\.0\.0\.1:/, 'ws://127.0.0.1:'), protocols);
  }
}

// Amplify arms a 15 s timer per connection to check for connection_ack and never clears it (AWSWebSocketProvider,
// _initiateHandshake): unref'd here, timers of this file only, so that the worker exits when the tests are done.
const armTimer = globalThis.setTimeout;
globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) =>
  armTimer(callback, ms, ...args).unref()) as unknown as typeof setTimeout;

let server: RealtimeTestServer;
let credentials = { accessKeyId: '', secretAccessKey: '', sessionToken: undefined as string | undefined };
const globals = globalThis as { WebSocket?: unknown };
const originalWebSocket = globals.WebSocket;

beforeAll(async () => {
  // The server's clock is the real one: Amplify signs with the current time.
  // The fixture's key expires a day after its fixed clock; this one lives AppSync's default 7 days from now.
  server = await startRealtimeServer([{ ...todoApi(), apiKeys: [{ id: VALID_KEY, value: VALID_KEY }] }], { now: () => new Date() });
  globals.WebSocket = LocalWebSocket;
  Amplify.configure(
    { API: { GraphQL: { endpoint: `${server.base}/graphql`, region: 'us-east-1', defaultAuthMode: 'apiKey', apiKey: VALID_KEY } } },
    {
      Auth: {
        credentialsProvider: {
          getCredentialsAndIdentityId: async () => ({ credentials: { ...credentials } }),
          clearCredentialsAndIdentityId: () => {},
        },
      },
    },
  );
});
afterAll(async () => {
  // Amplify keeps one real-time provider per endpoint; after an auth refusal its reconnection monitor has a timer
  // that close() does not clear (Amplify's own leak), so it is halted first and the process can exit.
  type Provider = { close(): Promise<void>; reconnectionMonitor: { record(event: string): void } };
  const providers = (GraphQLAPI as unknown as { appSyncRealTime: Map<string, Provider> }).appSyncRealTime;
  for (const provider of providers.values()) provider.reconnectionMonitor.record('HALT_RECONNECT');
  await Promise.all([...providers.values()].map((provider) => provider.close().catch(() => undefined)));
  await server?.close();
  globals.WebSocket = originalWebSocket;
  globalThis.setTimeout = armTimer;
});

const ON_CREATE_TODO = 'subscription OnCreateTodo { onCreateTodo { id name } }';
const CREATE_TODO = 'mutation CreateTodo($input: CreateTodoInput!) { createTodo(input: $input) { id name } }';

type Todo = { id: string; name: string | null };

/** Subscribes with Amplify; resolves once the server holds the subscription (Amplify got its start_ack). */
async function subscribe(authMode: 'apiKey' | 'iam') {
  const client = generateClient();
  const received: Todo[] = [];
  const errors: unknown[] = [];
  let wake: (() => void) | undefined;
  const before = server.endpoint.state().subscriptions;
  const observable = client.graphql({ query: ON_CREATE_TODO, authMode }) as unknown as {
    subscribe(observer: { next(value: { data: { onCreateTodo: Todo } }): void; error(error: unknown): void }): { unsubscribe(): void };
  };
  const subscription = observable.subscribe({
    next: ({ data }) => {
      received.push(data.onCreateTodo);
      wake?.();
    },
    error: (error) => {
      errors.push(error);
      wake?.();
    },
  });
  const next = (timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nothing received in ${timeoutMs} ms; errors: ${JSON.stringify(errors)}`)), timeoutMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  return { client, received, errors, subscription, next, before };
}

test('GIVEN the API key WHEN Amplify subscribes to onCreateTodo and a Todo is created through the API THEN Amplify receives it, and nothing is held after unsubscribe', async () => {
  const subscriber = await subscribe('apiKey');
  await eventually('the subscription to be registered', () => server.endpoint.state().subscriptions === subscriber.before + 1 || subscriber.errors.length > 0);
  expect(subscriber.errors).toEqual([]);
  expect(dialed[0]).toBe(`${server.base.replace('http://', 'wss://')}/graphql/realtime`);

  const arrived = subscriber.next();
  await subscriber.client.graphql({ query: CREATE_TODO, variables: { input: { id: 'amp1', name: 'from amplify' } } });
  await arrived;
  expect(subscriber.received).toEqual([{ id: 'amp1', name: 'from amplify' }]);

  subscriber.subscription.unsubscribe();
  await eventually('the server to drop the subscription and, a second later, the connection', () => {
    const state = server.endpoint.state();
    return state.subscriptions === 0 && state.connections === 0;
  });
  await subscriber.client.graphql({ query: CREATE_TODO, variables: { input: { id: 'amp2', name: 'after unsubscribe' } } });
  expect(subscriber.received).toHaveLength(1);
});

test('GIVEN IAM credentials of a role granted the API WHEN Amplify subscribes THEN it receives the Todo; a role without the field is refused on start', async () => {
  credentials = { ...DENY_DELETE_ROLE.credentials };
  const subscriber = await subscribe('iam');
  await eventually('the subscription to be registered', () => server.endpoint.state().subscriptions === 1 || subscriber.errors.length > 0);
  expect(subscriber.errors).toEqual([]);
  const arrived = subscriber.next();
  await subscriber.client.graphql({ query: CREATE_TODO, variables: { input: { id: 'amp3', name: 'signed' } }, authMode: 'apiKey' });
  await arrived;
  expect(subscriber.received).toEqual([{ id: 'amp3', name: 'signed' }]);
  subscriber.subscription.unsubscribe();
  await eventually('the server to let go', () => server.endpoint.state().subscriptions === 0);

  credentials = { ...LIST_ONLY_ROLE.credentials };
  const refused = await subscribe('iam');
  await refused.next();
  // Amplify reports every auth refusal of a start as "Unauthorized" (and reconnects with fresh credentials); the
  // server's log says why.
  expect(JSON.stringify(refused.errors)).toContain('Unauthorized');
  expect(server.logs.join('\n')).toMatch(/start id=\S+ refused \[.*Subscription\.onCreateTodo implicitly denied/);
  expect(server.endpoint.state().subscriptions).toBe(0);
});
