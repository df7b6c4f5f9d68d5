/**
 * The real local AppSync endpoint (local/appsync: its service, handler, authenticators, execution and error shapes)
 * for one API with the project's schema (schema/schema.graphql), behind a fault-injecting front, both on 127.0.0.1
 * (port 0). Only the resolver Lambda is a stand-in: an in-memory Todo store, invoked as a direct Lambda resolver.
 *
 * The front (what `url` names) records every request, authenticates it with the endpoint's own authenticators (so
 * that scripted replies go only to requests that pass), then either answers what the test scripted (a status, a hang,
 * a dropped connection, garbage, a delay; optionally after the endpoint has handled the request, e.g. stored a
 * create) or forwards the request as received (method, target, headers with Host, body bytes: the signature still
 * verifies) and relays the endpoint's status, headers and body.
 */

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { AuthMode, InvokeLambda } from '../../local/appsync';
import { type AuthTarget, authenticateRequest, authRequestOf, emulatedAuthenticators } from '../../local/appsync/auth';
import type { LocalGraphqlApi } from '../../local/appsync/model';
import { type AppSyncService, startAppSyncService } from '../../local/appsync/service';
import type { LocalDeployment } from '../../local/deployment';
import { firstValue, type HttpListener, listen, parseQuery, readBody, splitTarget } from '../../local/http';
import type { LocalRole } from '../../local/iam/model';
import { PrincipalStore } from '../../local/iam/principals';
import type { SigningSecret } from '../../local/iam/sigv4';
import { loadProjectSchema, PROJECT_SCHEMA_PATH } from './appsync-schema';

export interface FakeAppSyncOptions {
  /** The API key accepted in x-api-key; API-key requests are refused when unset. */
  readonly apiKey?: string;
  /** Access key id → secret (and session token) accepted for IAM; IAM requests are refused when unset. */
  readonly iamCredentials?: Readonly<Record<string, SigningSecret>>;
  /** The API's region, which the signature must be scoped to. @default 'us-east-1' */
  readonly region?: string;
  /** The server's clock, for the 5-minute skew check. */
  readonly now?: () => Date;
}

export type AuthResult = { readonly mode: 'API_KEY' } | { readonly mode: 'AWS_IAM'; readonly accessKeyId: string; readonly signedHeaders: readonly string[] };

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
      /** Let the endpoint handle the request first (a create is stored), then answer this instead of its answer. */
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

const ACCOUNT = '000000000000';
const API_ID = 'fakeappsyncapi0123456789ab';
const TODO_FUNCTION_ARN = (region: string) => `arn:aws:lambda:${region}:${ACCOUNT}:function:TodoResolver`;
const DATA_SOURCE_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/FakeAppSync-DataSourceRole`;
/** The API key never expires during a test (2100-01-01). */
const KEY_EXPIRES = 4_102_444_800;
/** The front reads whole bodies; the endpoint behind it applies AppSync's limit. */
const MAX_FRONT_BODY_BYTES = 64 * 1024 * 1024;

let cachedSdl: string | undefined;
let cachedSchema: GraphQLSchema | undefined;

export async function startFakeAppSync(options: FakeAppSyncOptions = {}): Promise<FakeAppSync> {
  const now = options.now ?? (() => new Date());
  const region = options.region ?? 'us-east-1';
  const requests: RecordedRequest[] = [];
  const replies: ScriptedReply[] = [];
  const todos = new Map<string, StoredTodo>();
  const counter = { created: 0 };

  const api = todoApi(region, options);
  const principals = PrincipalStore.fromDeployment(deploymentWith(api, options.iamCredentials ?? {}));
  // The endpoint's own authenticators, over what they need of the API (its keys, modes and region).
  const authenticators = emulatedAuthenticators({ principals, now });
  const authTarget: AuthTarget = { api, region, modes: new Set([api.authenticationType, ...api.additionalAuthenticationTypes] as AuthMode[]) };

  const endpoint: AppSyncService = await startAppSyncService({ host: '127.0.0.1', port: 0, log: () => undefined });
  endpoint.serve({ apis: [api], principals, invokeLambda: todoResolver(todos, now, counter), log: () => undefined, now });
  const endpointPort = Number(new URL(endpoint.endpoint).port);
  const agent = new http.Agent({ keepAlive: false });

  let front: HttpListener;
  try {
    front = await listen(
      (req, res) => {
        void handle(req, res).catch(() => res.destroy());
      },
      { host: '127.0.0.1', port: 0 },
    );
  } catch (error) {
    await endpoint.close();
    throw error;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const read = await readBody(req, { maxBytes: MAX_FRONT_BODY_BYTES, maxDrainedBytes: MAX_FRONT_BODY_BYTES });
    if (read.kind !== 'complete') {
      res.destroy();
      return;
    }
    const received = read.body;
    const { path, rawQuery } = splitTarget(req.url);
    const authentication = await authenticateRequest(authenticators, authRequestOf(req, { path, rawQuery }, received), authTarget, []);
    const scripted = authentication.ok ? replies.shift() : undefined;
    const operation = operationOf(req.method ?? 'GET', rawQuery, received);
    const record: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: received.toString('utf8'),
      auth: authentication.ok
        ? authentication.auth.mode === 'AWS_IAM'
          ? iamResult(req, authentication.auth.principal?.accessKeyId)
          : { mode: 'API_KEY' }
        : undefined,
      authFailure: authentication.ok ? undefined : authentication.message,
      ...operation,
      scripted: scripted?.kind,
    };
    requests.push(record);

    if (scripted !== undefined && 'afterHandling' in scripted && scripted.afterHandling === true) {
      await forward(req, received);
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
    const answer = await forward(req, received);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  /** The request as received, to the endpoint; its whole answer, without the hop-by-hop headers. */
  function forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: string[]; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const outgoing = http.request(
        { host: '127.0.0.1', port: endpointPort, method: req.method, path: req.url, headers: req.rawHeaders, agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: endToEndHeaders(response.rawHeaders), body: Buffer.concat(chunks) }));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  let closed: Promise<void> | undefined;
  return {
    url: `${front.url}/graphql`,
    requests,
    todos,
    get createdCount() {
      return counter.created;
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
      (closed ??= (async () => {
        await front.close();
        await endpoint.close();
        agent.destroy();
      })()),
  };
}

/** One API: API_KEY when a key is given, AWS_IAM when credentials are; every Query and Mutation field a direct Lambda resolver. */
function todoApi(region: string, options: FakeAppSyncOptions): LocalGraphqlApi {
  const modes = [...(options.apiKey !== undefined ? ['API_KEY'] : []), ...(options.iamCredentials !== undefined ? ['AWS_IAM'] : [])];
  const schema = (cachedSchema ??= loadProjectSchema());
  const resolvers = [schema.getQueryType(), schema.getMutationType()].flatMap((type) =>
    type
      ? Object.keys(type.getFields()).map((fieldName) => ({
          typeName: type.name,
          fieldName,
          dataSourceName: 'TodoLambda',
          kind: 'UNIT',
          lambdaFunctionArn: TODO_FUNCTION_ARN(region),
          serviceRoleArn: DATA_SOURCE_ROLE_ARN,
        }))
      : [],
  );
  return {
    stackName: 'FakeAppSync',
    logicalId: 'TodoApi',
    apiId: API_ID,
    name: 'TodoApi',
    arn: `arn:aws:appsync:${region}:${ACCOUNT}:apis/${API_ID}`,
    url: 'http://127.0.0.1:0/graphql',
    schema: (cachedSdl ??= readFileSync(PROJECT_SCHEMA_PATH, 'utf8')),
    // With neither, API_KEY without keys: every request is refused.
    authenticationType: modes[0] ?? 'API_KEY',
    additionalAuthenticationTypes: modes.slice(1),
    apiKeys: options.apiKey !== undefined ? [{ id: 'fake-appsync-key', value: options.apiKey, expires: KEY_EXPIRES }] : [],
    resolvers,
  };
}

/**
 * A deployment with just what the principal store reads: each access key a role allowed `appsync:GraphQL` on
 * everything. A key given without a session token stays without one in the store, so that requests signed with it
 * must carry none, as with long-term keys (hence the cast). The admin gets random keys nobody uses.
 */
function deploymentWith(api: LocalGraphqlApi, credentials: Readonly<Record<string, SigningSecret>>): LocalDeployment {
  const region = api.arn.split(':')[3];
  const roles = Object.entries(credentials).map(
    ([accessKeyId, secret], index): LocalRole => ({
      stackName: 'FakeAppSync',
      logicalId: `Caller${index}`,
      roleName: `FakeAppSync-Caller${index}`,
      arn: `arn:aws:iam::${ACCOUNT}:role/FakeAppSync-Caller${index}`,
      policies: [
        { source: 'FakeAppSync/AllowGraphQL', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'appsync:GraphQL', Resource: '*' }] } },
      ],
      credentials: { accessKeyId, secretAccessKey: secret.secretAccessKey, sessionToken: secret.sessionToken as string },
    }),
  );
  // The role the data source names, allowed to invoke the resolver, as the app's own is.
  const dataSourceRole: LocalRole = {
    stackName: 'FakeAppSync',
    logicalId: 'DataSourceRole',
    roleName: 'FakeAppSync-DataSourceRole',
    arn: DATA_SOURCE_ROLE_ARN,
    policies: [
      {
        source: 'FakeAppSync/InvokeResolver',
        document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: TODO_FUNCTION_ARN(region) }] },
      },
    ],
    credentials: { accessKeyId: `ASIA${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`, secretAccessKey: randomUUID(), sessionToken: randomUUID() },
  };
  return {
    region,
    accountId: ACCOUNT,
    stacks: [],
    functions: [],
    graphqlApis: [api],
    tables: [],
    roles: [...roles, dataSourceRole],
    adminCredentials: { accessKeyId: `AKIA${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`, secretAccessKey: randomUUID() },
    skipped: [],
    notEmulated: [],
  };
}

interface ResolverEvent {
  readonly arguments: Record<string, unknown>;
  readonly info: { readonly fieldName: string };
}

/** The resolver Lambda: getTodo, listTodos (nextToken = the next offset, base64) and createTodo over `todos`. */
function todoResolver(todos: Map<string, StoredTodo>, now: () => Date, counter: { created: number }): InvokeLambda {
  return async (_functionArn, rawEvent) => {
    const event = rawEvent as ResolverEvent;
    const args = event.arguments;
    switch (event.info.fieldName) {
      case 'getTodo':
        return { ok: true, payload: todos.get(String(args.id)) ?? null };
      case 'listTodos': {
        const all = [...todos.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
        const nextToken = typeof args.nextToken === 'string' ? args.nextToken : undefined;
        const start = nextToken === undefined ? 0 : Number(Buffer.from(nextToken, 'base64').toString('utf8'));
        const end = start + (typeof args.limit === 'number' ? args.limit : 100);
        return { ok: true, payload: { items: all.slice(start, end), nextToken: end < all.length ? Buffer.from(String(end)).toString('base64') : null } };
      }
      case 'createTodo': {
        const input = args.input as { id?: string | null; name?: string | null; description?: string | null };
        const id = input.id ?? randomUUID();
        if (todos.has(id)) {
          // The project's resolver words it this way (lambda/resolver/errors.ts); AppSync keeps only the message.
          return {
            ok: false,
            errorType: 'Lambda:Unhandled',
            errorMessage: `ConditionalCheckFailedException: The conditional request failed: a Todo with id '${id}' already exists`,
          };
        }
        const timestamp = now().toISOString();
        const todo: StoredTodo = { id, name: input.name ?? null, description: input.description ?? null, createdAt: timestamp, updatedAt: timestamp };
        todos.set(id, todo);
        counter.created += 1;
        return { ok: true, payload: todo };
      }
      default:
        return { ok: false, errorType: 'Lambda:Unhandled', errorMessage: `The test resolver does not serve ${event.info.fieldName}.` };
    }
  };
}

/** What the front records of an IAM request that passed: its access key and the headers it signed. */
function iamResult(req: IncomingMessage, accessKeyId: string | undefined): AuthResult {
  const signedHeaders = /SignedHeaders=([^,\s]+)/.exec(req.headers.authorization ?? '')?.[1].split(';') ?? [];
  return { mode: 'AWS_IAM', accessKeyId: accessKeyId ?? '', signedHeaders };
}

/** operationName and variables, from the JSON body (POST) or the query string (GET); undefined when not there. */
function operationOf(method: string, rawQuery: string, body: Buffer): Pick<RecordedRequest, 'operationName' | 'variables'> {
  let operationName: unknown;
  let variables: unknown;
  try {
    if (method.toUpperCase() === 'GET') {
      const params = parseQuery(rawQuery);
      operationName = firstValue(params, 'operationName');
      const text = firstValue(params, 'variables');
      variables = text === undefined ? undefined : JSON.parse(text);
    } else {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && typeof (parsed as { query?: unknown }).query === 'string') {
        ({ operationName, variables } = parsed as { operationName?: unknown; variables?: unknown });
      }
    }
  } catch {
    // Not a GraphQL request: nothing to record.
  }
  return { operationName: typeof operationName === 'string' ? operationName : undefined, variables };
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

function endToEndHeaders(rawHeaders: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (!HOP_BY_HOP.has(rawHeaders[i].toLowerCase())) kept.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  return kept;
}
