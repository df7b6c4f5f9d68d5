/**
 * Runs the local AppSync handler on a real node:http server (127.0.0.1, port 0) with an in-memory fake of the Lambda
 * runtime, and drives it with fetch and real SigV4 signing (@smithy/signature-v4, service appsync).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSigV4Signer } from '../../../lambda/shared/sigv4';
import { createAppSyncRequestHandler, type InvokeLambda, type MutationEvent } from '../../../local/appsync';
import type { LocalGraphqlApi } from '../../../local/appsync/model';
import { PrincipalStore } from '../../../local/iam/principals';
import { EXTRA_FUNCTION_ARN, REGION, servingDeployment, TODO_FUNCTION_ARN } from './fixture';

export interface Invocation {
  readonly functionArn: string;
  readonly event: LambdaEvent;
}

export interface LambdaEvent {
  arguments: Record<string, unknown>;
  identity: unknown;
  source: unknown;
  request: { headers: Record<string, string>; domainName: unknown };
  info: { fieldName: string; parentTypeName: string; variables: Record<string, unknown>; selectionSetList: string[]; selectionSetGraphQL: string };
  prev: unknown;
  stash: unknown;
}

export interface TestServer {
  readonly base: string;
  readonly logs: string[];
  readonly invocations: Invocation[];
  /** What the mutation hook heard, in order. */
  readonly mutations: MutationEvent[];
  close(): Promise<void>;
}

interface Todo {
  id: string;
  name: string | null;
  description: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

/** A stand-in for the Todo Lambda and the extra API's Lambda: an in-memory store and scripted behaviours. */
export function fakeLambda(invocations: Invocation[]): InvokeLambda {
  const todos = new Map<string, Todo>([
    ['t1', { id: 't1', name: 'first', description: 'the first todo', createdAt: '2024-05-01T10:00:00.000Z', updatedAt: '2024-05-01T10:00:00.000Z' }],
    // Stored without its (non-null) createdAt: the field's null bubbles up to getTodo.
    ['broken', { id: 'broken', name: 'broken', description: null, createdAt: null, updatedAt: null }],
  ]);
  let sequence = 0;
  return async (functionArn, rawEvent) => {
    const event = rawEvent as LambdaEvent;
    invocations.push({ functionArn, event: JSON.parse(JSON.stringify(event)) as LambdaEvent });
    const args = event.arguments;
    if (functionArn === TODO_FUNCTION_ARN) {
      switch (event.info.fieldName) {
        case 'getTodo':
          if (args.id === 'boom') return { ok: false, errorType: 'TodoError', errorMessage: 'Todo boom exploded' };
          return { ok: true, payload: todos.get(String(args.id)) ?? null };
        case 'listTodos':
          return { ok: true, payload: { items: [...todos.values()].filter((todo) => todo.createdAt !== null), nextToken: null } };
        case 'createTodo': {
          const input = args.input as Partial<Todo>;
          const todo: Todo = {
            id: input.id ?? `todo-${++sequence}`,
            name: input.name ?? null,
            description: input.description ?? null,
            createdAt: '2024-05-01T12:00:00.000Z',
            updatedAt: '2024-05-01T12:00:00.000Z',
          };
          todos.set(todo.id, todo);
          return { ok: true, payload: todo };
        }
        case 'deleteTodo': {
          const id = String((args.input as { id: string }).id);
          const todo = todos.get(id) ?? null;
          todos.delete(id);
          return { ok: true, payload: todo };
        }
        default:
          return { ok: false, errorType: 'Error', errorMessage: `unexpected field ${event.info.fieldName}` };
      }
    }
    if (functionArn === EXTRA_FUNCTION_ARN) {
      switch (event.info.fieldName) {
        case 'open':
          return { ok: true, payload: 'open!' };
        case 'secret':
          return { ok: true, payload: 'secret!' };
        case 'slow':
          return new Promise((resolve) => setTimeout(() => resolve({ ok: true, payload: 'too late' }), 3000).unref());
        case 'boom':
          return { ok: false, errorType: 'Error', errorMessage: 'boom' };
        case 'when':
          return { ok: true, payload: `at ${String(args.at)}` };
        case 'echo':
          return { ok: true, payload: JSON.stringify(args) };
        case 'nested':
          return { ok: true, payload: { visible: 'v', hidden: 'h', inner: { x: 'x' } } };
        case 'badDate':
          return { ok: true, payload: 'yesterday' };
        default:
          return { ok: false, errorType: 'Error', errorMessage: `unexpected field ${event.info.fieldName}` };
      }
    }
    throw new Error(`no function ${functionArn}`);
  };
}

export async function startServer(
  apis: LocalGraphqlApi[],
  options: { now: () => Date; executionTimeoutMs?: number; maxBodyBytes?: number },
): Promise<TestServer> {
  const logs: string[] = [];
  const invocations: Invocation[] = [];
  const mutations: MutationEvent[] = [];
  const handler = createAppSyncRequestHandler({
    onMutation: (event) => mutations.push(event),
    apis,
    principals: PrincipalStore.fromDeployment(servingDeployment()),
    invokeLambda: fakeLambda(invocations),
    log: (line) => logs.push(line),
    now: options.now,
    executionTimeoutMs: options.executionTimeoutMs,
    maxBodyBytes: options.maxBodyBytes,
  });
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    logs,
    invocations,
    mutations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface PreparedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * Signs a request the way the SDK does (service appsync, x-amz-content-sha256 sent), with the SigV4 core, for fetch to
 * send as is — or after a test tampers with it.
 */
export async function signRequest(
  url: string,
  options: { credentials: Credentials; body?: string; method?: string; headers?: Record<string, string>; signingDate: Date; region?: string },
): Promise<PreparedRequest> {
  const target = new URL(url);
  const signer = createSigV4Signer({ service: 'appsync', region: options.region ?? REGION, credentials: options.credentials, applyChecksum: true });
  const query: Record<string, string> = {};
  target.searchParams.forEach((value, key) => {
    query[key] = value;
  });
  const method = options.method ?? 'POST';
  const signed = await signer.sign(
    {
      method,
      protocol: target.protocol,
      hostname: target.hostname,
      port: Number(target.port),
      path: target.pathname,
      query,
      headers: { host: target.host, ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: options.body,
    },
    { signingDate: options.signingDate },
  );
  const { host: _host, ...headers } = signed.headers;
  return { url, method, headers, body: options.body };
}

export interface Response {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

export async function send(request: PreparedRequest): Promise<Response> {
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function post(url: string, body: string | Uint8Array | undefined, headers: Record<string, string> = {}): Promise<Response> {
  return send({ url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body as string });
}

export const gql = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
  JSON.stringify({ query, ...(variables !== undefined ? { variables } : {}), ...(operationName !== undefined ? { operationName } : {}) });
