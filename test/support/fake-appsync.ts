/**
 * A real HTTP server on 127.0.0.1 (port 0) that answers like AppSync's /graphql endpoint for the Todo schema:
 * it checks the API key, verifies the SigV4 signature of every IAM request (with the local cloud's verifier,
 * local/iam/sigv4.ts), executes the operation with graphql-js against schema/schema.graphql over an in-memory store,
 * and answers errors in AppSync's shapes and words (/work/shared/appsync-wire-facts.md; the bodies and messages are the
 * local AppSync endpoint's own, local/appsync). Tests script failures per request: status codes, hangs, dropped
 * connections, garbage, each optionally after the operation was applied.
 */
import { type ExecutionResult, type GraphQLError, type GraphQLSchema, graphql } from 'graphql';
import { randomUUID } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authErrorBody, requestErrorBody } from '../../local/appsync/errors';
import { EMPTY_BODY_MESSAGE, MISSING_AUTH_MESSAGE, NOT_AUTHORIZED_MESSAGE, UNPARSABLE_MESSAGE } from '../../local/appsync/handler';
import { type SigningSecret, verifySigV4 } from '../../local/iam/sigv4';
import { loadProjectSchema } from './appsync-schema';

export interface FakeAppSyncOptions {
  /** The API key accepted in x-api-key; API-key requests are refused when unset. */
  readonly apiKey?: string;
  /** Access key id → secret (and session token) accepted for IAM; IAM requests are refused when unset. */
  readonly iamCredentials?: Readonly<Record<string, SigningSecret>>;
  /** The region the signature must be scoped to. */
  readonly region?: string;
  /** The server's clock, for the 5-minute skew check. */
  readonly now?: () => Date;
}

export type AuthResult =
  | { readonly mode: 'API_KEY' }
  | { readonly mode: 'AWS_IAM'; readonly accessKeyId: string; readonly signedHeaders: readonly string[] };

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Undefined when authentication failed. */
  readonly auth: AuthResult | undefined;
  readonly authFailure: string | undefined;
  readonly operationName: string | undefined;
  readonly variables: unknown;
  /** The scripted reply this request got, if any. */
  readonly scripted: ScriptedReply['kind'] | undefined;
}

export type ScriptedReply =
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly body?: string | ((request: RecordedRequest) => string);
      readonly headers?: Readonly<Record<string, string>>;
      /** Execute the operation first (a create is stored), then answer this instead of its result. */
      readonly afterHandling?: boolean;
    }
  /** Never answer; the connection stays open until the client gives up or the server closes. */
  | { readonly kind: 'hang'; readonly afterHandling?: boolean }
  /** Close the connection without an answer. */
  | { readonly kind: 'destroy'; readonly afterHandling?: boolean }
  /** 200 with a body that is not JSON. */
  | { readonly kind: 'garbage' }
  /** Answer normally, but only after `ms`. */
  | { readonly kind: 'delay'; readonly ms: number };

export interface StoredTodo {
  readonly id: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface FakeAppSync {
  /** http://127.0.0.1:<port>/graphql */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  readonly todos: ReadonlyMap<string, StoredTodo>;
  /** How many Todos createTodo actually wrote (a duplicate create does not count). */
  readonly createdCount: number;
  /** Queues replies for the next requests that pass authentication, one each, in order. */
  script(...replies: ScriptedReply[]): void;
  /** Adds a Todo directly, as if created earlier by someone else. */
  seed(todo: Omit<StoredTodo, 'createdAt' | 'updatedAt'>): StoredTodo;
  close(): Promise<void>;
}

type JsonBody = { readonly [key: string]: unknown };

/** Thrown by resolvers: AppSync reports a Lambda resolver's error as `errorType: Lambda:Unhandled`. */
class ResolverError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = 'ResolverError';
  }
}

let cachedSchema: GraphQLSchema | undefined;

export async function startFakeAppSync(options: FakeAppSyncOptions = {}): Promise<FakeAppSync> {
  const schema = (cachedSchema ??= loadProjectSchema());
  const now = options.now ?? (() => new Date());
  const requests: RecordedRequest[] = [];
  const replies: ScriptedReply[] = [];
  const todos = new Map<string, StoredTodo>();
  let createdCount = 0;

  const rootValue = {
    getTodo: ({ id }: { id: string }) => todos.get(id) ?? null,
    listTodos: ({ limit, nextToken }: { limit?: number | null; nextToken?: string | null }) => {
      const all = [...todos.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
      const start = nextToken === undefined || nextToken === null ? 0 : Number(Buffer.from(nextToken, 'base64').toString('utf8'));
      const end = start + (limit ?? 100);
      return { items: all.slice(start, end), nextToken: end < all.length ? Buffer.from(String(end)).toString('base64') : null };
    },
    createTodo: ({ input }: { input: { id?: string | null; name?: string | null; description?: string | null } }) => {
      const id = input.id ?? randomUUID();
      if (todos.has(id)) {
        // The project's resolver words it this way (lambda/resolver/errors.ts); AppSync keeps only the message.
        throw new ResolverError(
          'Lambda:Unhandled',
          `ConditionalCheckFailedException: The conditional request failed: a Todo with id '${id}' already exists`,
        );
      }
      const timestamp = now().toISOString();
      const todo: StoredTodo = { id, name: input.name ?? null, description: input.description ?? null, createdAt: timestamp, updatedAt: timestamp };
      todos.set(id, todo);
      createdCount += 1;
      return todo;
    },
  };

  async function execute(body: JsonBody): Promise<{ status: number; payload: JsonBody }> {
    const result = await graphql({
      schema,
      source: String(body.query),
      rootValue,
      variableValues: isObject(body.variables) ? body.variables : undefined,
      operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
    });
    return { status: 200, payload: toAppSyncResult(result) };
  }

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(JSON.stringify({ errors: [{ errorType: 'InternalFailure', message: String(error) }] }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const received = await readBody(req);
    const body = received.toString('utf8');
    const [path, query = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
    const authentication = await authenticate(req, path, query, received);
    const parsed = parseGraphqlBody(body);
    const scripted = authentication.ok ? replies.shift() : undefined;
    const record: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body,
      auth: authentication.ok ? authentication.auth : undefined,
      authFailure: authentication.ok ? undefined : authentication.message,
      operationName: parsed.ok && typeof parsed.body.operationName === 'string' ? parsed.body.operationName : undefined,
      variables: parsed.ok ? parsed.body.variables : undefined,
      scripted: scripted?.kind,
    };
    requests.push(record);

    if (!authentication.ok) {
      return sendText(res, authentication.status, authErrorBody(authentication.errorType, authentication.message), {
        'x-amzn-ErrorType': authentication.errorType,
      });
    }
    if (scripted !== undefined && 'afterHandling' in scripted && scripted.afterHandling === true && parsed.ok) {
      await execute(parsed.body);
    }
    switch (scripted?.kind) {
      case 'status': {
        const text = typeof scripted.body === 'function' ? scripted.body(record) : (scripted.body ?? '');
        res.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers });
        res.end(text);
        return;
      }
      case 'hang':
        return;
      case 'destroy':
        req.socket.destroy();
        return;
      case 'garbage':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>502 Bad Gateway</body></html>');
        return;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, scripted.ms));
        break;
      default:
        break;
    }
    if (!parsed.ok) {
      return sendText(res, 400, requestErrorBody(parsed.message, 'MalformedHttpRequestException'));
    }
    const { status, payload } = await execute(parsed.body);
    send(res, status, payload);
  }

  type Authentication =
    | { readonly ok: true; readonly auth: AuthResult }
    | { readonly ok: false; readonly status: number; readonly errorType: string; readonly message: string };

  async function authenticate(req: IncomingMessage, path: string, query: string, body: Buffer): Promise<Authentication> {
    const apiKey = req.headers['x-api-key'];
    if (typeof apiKey === 'string') {
      return options.apiKey !== undefined && apiKey === options.apiKey
        ? { ok: true, auth: { mode: 'API_KEY' } }
        : { ok: false, status: 401, errorType: 'UnauthorizedException', message: NOT_AUTHORIZED_MESSAGE };
    }
    if (req.headers.authorization === undefined) {
      return { ok: false, status: 401, errorType: 'UnauthorizedException', message: MISSING_AUTH_MESSAGE };
    }
    const credentials = options.iamCredentials ?? {};
    const verdict = await verifySigV4(
      { method: req.method ?? '', path, query, headers: req.headersDistinct, body },
      (accessKeyId) => credentials[accessKeyId],
      // AppSync's HTTP endpoint takes no presigned URLs.
      { now: now(), service: 'appsync', region: options.region, allowPresigned: false },
    );
    if (!verdict.ok) {
      return { ok: false, status: verdict.status, errorType: verdict.errorType, message: verdict.message };
    }
    return { ok: true, auth: { mode: 'AWS_IAM', accessKeyId: verdict.accessKeyId, signedHeaders: verdict.signedHeaders } };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    todos,
    get createdCount() {
      return createdCount;
    },
    script: (...next) => {
      replies.push(...next);
    },
    seed: (todo) => {
      const timestamp = now().toISOString();
      const stored = { ...todo, createdAt: timestamp, updatedAt: timestamp };
      todos.set(todo.id, stored);
      return stored;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The body as received: the signature covers its bytes. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

type ParsedBody = { readonly ok: true; readonly body: JsonBody } | { readonly ok: false; readonly message: string };

function parseGraphqlBody(text: string): ParsedBody {
  if (text === '') {
    return { ok: false, message: EMPTY_BODY_MESSAGE };
  }
  try {
    const body: unknown = JSON.parse(text);
    if (isObject(body) && typeof body.query === 'string') {
      return { ok: true, body };
    }
  } catch {
    // Falls through to AppSync's answer for anything that is not a GraphQL request.
  }
  return { ok: false, message: UNPARSABLE_MESSAGE };
}

/** graphql-js puts extras under `extensions`; AppSync puts errorType, data and errorInfo on the error itself. */
function toAppSyncResult(result: ExecutionResult): JsonBody {
  if (result.errors === undefined || result.errors.length === 0) {
    return { data: result.data ?? null };
  }
  return { data: result.data ?? null, errors: result.errors.map(toAppSyncError) };
}

function toAppSyncError(error: GraphQLError): JsonBody {
  const original = error.originalError;
  return {
    path: error.path ?? null,
    data: null,
    ...(original instanceof ResolverError ? { errorType: original.errorType, errorInfo: null } : {}),
    locations: error.locations?.map(({ line, column }) => ({ line, column, sourceName: null })) ?? null,
    message: error.message,
  };
}

function send(res: ServerResponse, status: number, payload: JsonBody): void {
  sendText(res, status, JSON.stringify(payload));
}

function sendText(res: ServerResponse, status: number, text: string, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

function isObject(value: unknown): value is { readonly [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
