/**
 * The page's client of the console's API (handler.ts): every request carries this start's token in its header (the
 * page reads it from the meta element the server put in it), same-origin, and never a secret.
 */
import type { FunctionDescription } from '../functions';
import type { ApiDescription, ConsoleAuthMode, GraphqlAnswer, ProfileDescription } from '../graphql';
import type { ExecutionResult } from '../invoke';
import type { ItemsPage, TableDescription } from '../tables';
import type { TestEventList } from '../test-events';

/** The token meta element's name (assets.ts TOKEN_META_NAME) and the API's header (gate.ts TOKEN_HEADER). */
const TOKEN_META_NAME = 'local-console-token';
const TOKEN_HEADER = 'x-local-console-token';

/** An answer of the console's API that is not a success: its message says what was wrong. */
export class ConsoleApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleApiError';
  }
}

function token(): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${TOKEN_META_NAME}"]`)?.content ?? '';
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/console/api/${path}`, {
      method,
      headers: { [TOKEN_HEADER]: token(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ConsoleApiError(0, 'Unreachable', 'The local cloud does not answer: is npm start still running?');
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ConsoleApiError(response.status, 'NotJson', `The console answered HTTP ${response.status} with something that is not JSON.`);
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ConsoleApiError(response.status, error?.code ?? 'Unknown', error?.message ?? `HTTP ${response.status}`);
  }
  return parsed as T;
}

const segment = encodeURIComponent;

export const consoleApi = {
  apis: () => call<{ apis: ApiDescription[]; profiles: ProfileDescription[] }>('GET', 'apis'),
  graphql: (request: {
    apiId: string;
    authMode: ConsoleAuthMode;
    profile?: string;
    query: string;
    variables?: Record<string, unknown> | null;
    operationName?: string | null;
  }) => call<GraphqlAnswer>('POST', 'graphql', request),
  functions: () => call<{ functions: FunctionDescription[] }>('GET', 'functions'),
  testEvents: (functionName: string) => call<TestEventList>('GET', `functions/${segment(functionName)}/test-events`),
  saveTestEvent: (functionName: string, name: string, eventText: string) =>
    call<TestEventList>('PUT', `functions/${segment(functionName)}/test-events/${segment(name)}`, { event: eventText }),
  deleteTestEvent: (functionName: string, name: string) => call<TestEventList>('DELETE', `functions/${segment(functionName)}/test-events/${segment(name)}`),
  invoke: (functionName: string, eventText: string) => call<ExecutionResult>('POST', `functions/${segment(functionName)}/invoke`, { event: eventText }),
  tables: () => call<{ tables: TableDescription[] }>('GET', 'tables'),
  items: (tableName: string, limit: number, cursor?: string) =>
    call<ItemsPage>('GET', `tables/${segment(tableName)}/items?limit=${limit}${cursor ? `&cursor=${segment(cursor)}` : ''}`),
};
