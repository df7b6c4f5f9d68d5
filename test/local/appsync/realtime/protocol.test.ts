/**
 * AppSync's real-time protocol, spoken by hand over a raw WebSocket: connect auth (API key and SigV4, both header
 * forms), connection_ack and ka, start/start_ack/data/stop/complete, argument filters, per-field rules, AppSync's
 * errors for what it refuses, and the server letting go of what it held.
 */
import type { InvokeLambda } from '../../../../local/appsync';
import type { LocalGraphqlApi } from '../../../../local/appsync/model';
import { ADMIN, EXPIRED_KEY, LIST_ONLY_ROLE, NOW, QUERY_WILDCARD_ROLE, todoApi, VALID_KEY } from '../fixture';
import { fakeLambda, gql, post } from '../harness';
import { apiKeyHeader, base64Json, base64UrlJson, eventually, RawClient, type RealtimeTestServer, signedHeaders, startRealtimeServer } from './harness';

const FEED_API_ID = 'feedapiid0123456789abcdefgh';
const FEED_FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:FeedFunction';
const FEED_SCHEMA = `
type Item @aws_api_key @aws_iam {
  id: ID!
  owner: String
  kind: String
  label: String!
}
type Query { ping: String }
type Mutation {
  createItem(id: ID!, owner: String, kind: String, label: String!): Item
}
type Subscription {
  onCreateItem(owner: String, kind: String): Item @aws_subscribe(mutations: ["createItem"])
  onSecretItem: Item @aws_subscribe(mutations: ["createItem"]) @aws_iam
}
`;

function feedApi(): LocalGraphqlApi {
  return {
    ...todoApi(),
    stackName: 'Feed-test',
    logicalId: 'FeedApi',
    apiId: FEED_API_ID,
    name: 'FeedApi',
    arn: `arn:aws:appsync:us-east-1:000000000000:apis/${FEED_API_ID}`,
    url: `http://127.0.0.1:0/apis/${FEED_API_ID}/graphql`,
    schema: FEED_SCHEMA,
    resolvers: [{ typeName: 'Mutation', fieldName: 'createItem', dataSourceName: 'Feed', kind: 'UNIT', lambdaFunctionArn: FEED_FUNCTION_ARN }],
  };
}

/** The Todo fake, and an echo for the feed's createItem. */
function invokeLambda(): InvokeLambda {
  const todo = fakeLambda([]);
  return async (functionArn, event) =>
    functionArn === FEED_FUNCTION_ARN ? { ok: true, payload: (event as { arguments: unknown }).arguments } : todo(functionArn, event);
}

let server: RealtimeTestServer;
const clients: RawClient[] = [];
beforeEach(async () => {
  server = await startRealtimeServer([todoApi(), feedApi()], { now: () => NOW, invokeLambda: invokeLambda(), keepAliveIntervalMs: 60_000 });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await server?.close();
});

const todoGraphql = () => `${server.base}/apis/todoapiid0123456789abcdefg/graphql`;
const feedGraphql = () => `${server.base}/apis/${FEED_API_ID}/graphql`;
const wsUrl = (graphqlUrl: string, query = '') => `${graphqlUrl.replace(/^http/, 'ws')}/realtime${query}`;

async function open(url: string, protocols?: string[]): Promise<RawClient> {
  const client = await RawClient.open(url, protocols);
  clients.push(client);
  return client;
}

/** Connects with the API key as Amplify JS 6 does: the header as a `header-<base64url>` subprotocol. */
async function connectWithKey(graphqlUrl: string, apiKey = VALID_KEY): Promise<RawClient> {
  const client = await open(wsUrl(graphqlUrl), ['graphql-ws', `header-${base64UrlJson(apiKeyHeader(server.base, apiKey))}`]);
  expect(await client.init()).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300_000 } });
  return client;
}

let ids = 0;
async function startWithKey(client: RawClient, query: string, variables: Record<string, unknown> = {}, apiKey = VALID_KEY) {
  const id = `sub-${++ids}`;
  client.send({
    id,
    type: 'start',
    payload: { data: JSON.stringify({ query, variables }), extensions: { authorization: apiKeyHeader(server.base, apiKey) } },
  });
  return { id, answer: await client.next() };
}

async function startWithIam(client: RawClient, graphqlUrl: string, query: string, credentials: Parameters<typeof signedHeaders>[2]) {
  const id = `sub-${++ids}`;
  const data = JSON.stringify({ query, variables: {} });
  client.send({
    id,
    type: 'start',
    payload: { data, extensions: { authorization: { ...(await signedHeaders(graphqlUrl, data, credentials, NOW)), 'x-amz-user-agent': 'test' } } },
  });
  return { id, answer: await client.next() };
}

const createItem = (fields: string, input: string) => post(feedGraphql(), gql(`mutation { createItem(${input}) { ${fields} } }`), { 'x-api-key': VALID_KEY });

describe('connect', () => {
  test('GIVEN the API key in the header- subprotocol WHEN connection_init THEN connection_ack announces AppSync 5-minute timeout, and a ka follows at once', async () => {
    const client = await connectWithKey(todoGraphql());
    expect(client.ws.protocol).toBe('graphql-ws');
    expect(await client.next({ skipKeepAlive: false })).toEqual({ type: 'ka' });
  });

  test('GIVEN the developer guide form (header and payload query parameters) WHEN connection_init THEN it is acknowledged', async () => {
    const client = await open(wsUrl(todoGraphql(), `?header=${encodeURIComponent(base64Json(apiKeyHeader(server.base, VALID_KEY)))}&payload=e30=`));
    expect(await client.init()).toMatchObject({ type: 'connection_ack' });
  });

  test('GIVEN the realtime host path form (the GraphQL path itself) WHEN connection_init THEN it is acknowledged', async () => {
    const client = await open(todoGraphql().replace(/^http/, 'ws'), ['graphql-ws', `header-${base64UrlJson(apiKeyHeader(server.base, VALID_KEY))}`]);
    expect(await client.init()).toMatchObject({ type: 'connection_ack' });
  });

  test.each([
    ['an unknown key', { 'x-api-key': 'da2-unknownkey0123456789abcdef' }, 'You are not authorized to make this call.'],
    ['an expired key', { 'x-api-key': EXPIRED_KEY }, 'You are not authorized to make this call.'],
    ['no credentials at all', {}, 'Missing authorization header'],
  ])('GIVEN %s WHEN connection_init THEN connection_error 401 UnauthorizedException and the socket closes', async (_what, credentials, message) => {
    const client = await open(wsUrl(todoGraphql()), ['graphql-ws', `header-${base64UrlJson({ host: new URL(server.base).host, ...credentials })}`]);
    expect(await client.init()).toEqual({ type: 'connection_error', payload: { errors: [{ errorType: 'UnauthorizedException', message, errorCode: 401 }] } });
    await client.closed;
    expect(server.logs.join('\n')).not.toContain(VALID_KEY);
  });

  test('GIVEN a SigV4 signature of POST /connect with {} WHEN connection_init THEN it is acknowledged; a tampered one is refused with 403', async () => {
    const connectUrl = `${todoGraphql()}/connect`;
    const headers = await signedHeaders(connectUrl, '{}', LIST_ONLY_ROLE.credentials, NOW);
    const good = await open(wsUrl(todoGraphql()), ['graphql-ws', `header-${base64UrlJson(headers)}`]);
    expect(await good.init()).toMatchObject({ type: 'connection_ack' });

    const tampered = { ...headers, 'x-amz-date': '20240501T120001Z' };
    const bad = await open(wsUrl(todoGraphql()), ['graphql-ws', `header-${base64UrlJson(tampered)}`]);
    expect(await bad.init()).toMatchObject({
      type: 'connection_error',
      payload: { errors: [{ errorType: 'InvalidSignatureException', errorCode: 403 }] },
    });
  });

  test('GIVEN no graphql-ws subprotocol WHEN connection_init THEN SubProtocolNotSupportedError (400), as AppSync answers', async () => {
    const client = await open(wsUrl(todoGraphql(), `?header=${base64Json(apiKeyHeader(server.base, VALID_KEY))}&payload=e30=`), []);
    expect(await client.init()).toEqual({ type: 'connection_error', payload: { errors: [{ message: 'SubProtocolNotSupportedError', errorCode: 400 }] } });
  });

  test('GIVEN a header that is not base64 JSON WHEN connection_init THEN connection_error 400 says what to fix', async () => {
    const client = await open(wsUrl(todoGraphql(), '?header=%25%25%25&payload=e30='));
    const answer = await client.init();
    expect(answer).toMatchObject({ type: 'connection_error', payload: { errors: [{ errorType: 'BadRequestException', errorCode: 400 }] } });
    expect(JSON.stringify(answer)).toContain('base64');
  });

  test('GIVEN a path no API is served at WHEN the client upgrades THEN it gets a 404, not a socket', async () => {
    await expect(RawClient.open(`${server.base.replace(/^http/, 'ws')}/nothing/realtime`)).rejects.toThrow('HTTP 404');
  });
});

describe('subscribe and receive', () => {
  test('GIVEN onCreateTodo with the API key WHEN a Todo is created over HTTP THEN start_ack, then data with the subscription selection of the mutation result', async () => {
    const client = await connectWithKey(todoGraphql());
    const { id, answer } = await startWithKey(client, 'subscription { onCreateTodo { id name } }');
    expect(answer).toEqual({ id, type: 'start_ack' });

    await post(todoGraphql(), gql('mutation { createTodo(input: { id: "rt1", name: "live" }) { id name description } }'), { 'x-api-key': VALID_KEY });
    expect(await client.next()).toEqual({ id, type: 'data', payload: { data: { onCreateTodo: { id: 'rt1', name: 'live' } } } });
  });

  test('GIVEN the mutation selects less than the subscription WHEN it runs THEN the missing fields are null, a non-null one with AppSync error', async () => {
    const client = await connectWithKey(todoGraphql());
    const { id } = await startWithKey(client, 'subscription { onCreateTodo { id name createdAt } }');
    await post(todoGraphql(), gql('mutation { createTodo(input: { id: "rt2", name: "thin" }) { id } }'), { 'x-api-key': VALID_KEY });
    expect(await client.next()).toEqual({
      id,
      type: 'data',
      payload: {
        data: { onCreateTodo: null },
        errors: [
          {
            path: ['onCreateTodo', 'createdAt'],
            locations: null,
            message: "Cannot return null for non-nullable type: 'AWSDateTime' within parent 'Todo' (/onCreateTodo/createdAt)",
          },
        ],
      },
    });
  });

  test('GIVEN onCreateTodo with IAM (a role granted it) WHEN a Todo is created THEN the role receives it', async () => {
    const client = await connectWithKey(todoGraphql());
    const { id, answer } = await startWithIam(client, todoGraphql(), 'subscription { onCreateTodo { id } }', ADMIN);
    expect(answer).toEqual({ id, type: 'start_ack' });
    await post(todoGraphql(), gql('mutation { createTodo(input: { id: "rt3" }) { id } }'), { 'x-api-key': VALID_KEY });
    expect(await client.next()).toEqual({ id, type: 'data', payload: { data: { onCreateTodo: { id: 'rt3' } } } });
  });

  test('GIVEN arguments WHEN mutations run THEN only results whose fields equal every argument are delivered, and an argument the mutation did not select never matches', async () => {
    const client = await connectWithKey(feedGraphql());
    const mine = await startWithKey(client, 'subscription S($owner: String) { onCreateItem(owner: $owner) { id } }', { owner: 'ann' });
    const both = await startWithKey(client, 'subscription { onCreateItem(owner: "ann", kind: "note") { id } }');
    const any = await startWithKey(client, 'subscription { onCreateItem(owner: null) { id } }');
    for (const start of [mine, both, any]) expect(start.answer).toMatchObject({ type: 'start_ack' });

    await createItem('id owner kind', 'id: "i1", owner: "bob", kind: "note", label: "x"');
    await createItem('id owner kind', 'id: "i2", owner: "ann", kind: "todo", label: "x"');
    await createItem('id kind', 'id: "i3", owner: "ann", kind: "note", label: "x"');
    await createItem('id owner kind', 'id: "i4", owner: "ann", kind: "note", label: "x"');

    const delivered: string[] = [];
    for (let i = 0; i < 7; i++) {
      const message = await client.next();
      delivered.push(`${message.id}:${(message.payload as { data: { onCreateItem: { id: string } } }).data.onCreateItem.id}`);
    }
    expect(delivered).toEqual([`${any.id}:i1`, `${mine.id}:i2`, `${any.id}:i2`, `${any.id}:i3`, `${mine.id}:i4`, `${both.id}:i4`, `${any.id}:i4`]);
  });

  test('GIVEN a subscription field open to IAM only WHEN the API key starts it THEN Unauthorized, as AppSync words it', async () => {
    const client = await connectWithKey(feedGraphql());
    const { id, answer } = await startWithKey(client, 'subscription { onSecretItem { id } }');
    expect(answer).toEqual({
      id,
      type: 'error',
      payload: { errors: [{ errorType: 'Unauthorized', message: 'Not Authorized to access onSecretItem on type Subscription' }] },
    });
  });

  test('GIVEN a role not granted appsync:GraphQL on Subscription/fields/onCreateTodo WHEN it starts onCreateTodo THEN Permission denied', async () => {
    const client = await connectWithKey(todoGraphql());
    for (const role of [LIST_ONLY_ROLE, QUERY_WILDCARD_ROLE]) {
      const { id, answer } = await startWithIam(client, todoGraphql(), 'subscription { onCreateTodo { id } }', role.credentials);
      expect(answer).toEqual({ id, type: 'error', payload: { errors: [{ errorType: 'UnauthorizedException', message: 'Permission denied' }] } });
    }
    expect(server.endpoint.state().subscriptions).toBe(0);
    expect(server.logs.join('\n')).toContain(
      'implicitly denied: no statement allows appsync:GraphQL on arn:aws:appsync:us-east-1:000000000000:apis/todoapiid0123456789abcdefg/types/Subscription/fields/onCreateTodo',
    );
  });

  test('GIVEN a start signed for another body WHEN it is checked THEN InvalidSignatureException', async () => {
    const client = await connectWithKey(todoGraphql());
    const signedFor = JSON.stringify({ query: 'subscription { onCreateTodo { id } }', variables: {} });
    const sent = JSON.stringify({ query: 'subscription { onCreateTodo { id name } }', variables: {} });
    client.send({
      id: 'forged',
      type: 'start',
      payload: { data: sent, extensions: { authorization: await signedHeaders(todoGraphql(), signedFor, ADMIN, NOW) } },
    });
    expect(await client.next()).toMatchObject({ id: 'forged', type: 'error', payload: { errors: [{ errorType: 'InvalidSignatureException' }] } });
  });
});

describe('stop and close', () => {
  test('GIVEN two subscriptions WHEN one is stopped THEN complete, and the next Todo reaches only the other; the server holds one', async () => {
    const client = await connectWithKey(todoGraphql());
    const stopped = await startWithKey(client, 'subscription { onCreateTodo { id } }');
    const kept = await startWithKey(client, 'subscription { onCreateTodo { name } }');
    expect(server.endpoint.state()).toEqual({ connections: 1, subscriptions: 2 });

    client.send({ type: 'stop', id: stopped.id });
    expect(await client.next()).toEqual({ id: stopped.id, type: 'complete' });
    expect(server.endpoint.state()).toEqual({ connections: 1, subscriptions: 1 });

    await post(todoGraphql(), gql('mutation { createTodo(input: { id: "rt4", name: "after" }) { id name } }'), { 'x-api-key': VALID_KEY });
    // Messages arrive in order: had the stopped one been sent to, it would come before or right after this one.
    expect(await client.next()).toEqual({ id: kept.id, type: 'data', payload: { data: { onCreateTodo: { name: 'after' } } } });
    await post(todoGraphql(), gql('mutation { createTodo(input: { id: "rt5", name: "again" }) { id name } }'), { 'x-api-key': VALID_KEY });
    expect(await client.next()).toMatchObject({ id: kept.id, type: 'data' });
  });

  test('GIVEN a connection with subscriptions WHEN the client closes it THEN the server holds no connection and no subscription', async () => {
    const client = await connectWithKey(todoGraphql());
    await startWithKey(client, 'subscription { onCreateTodo { id } }');
    await startWithKey(client, 'subscription { onDeleteTodo { id } }');
    expect(server.endpoint.state()).toEqual({ connections: 1, subscriptions: 2 });
    await client.close();
    await eventually('the server to let go', () => server.endpoint.state().connections === 0);
    expect(server.endpoint.state()).toEqual({ connections: 0, subscriptions: 0 });
  });

  test('GIVEN open connections WHEN the endpoint closes THEN every client gets 1001 and nothing is held', async () => {
    const first = await connectWithKey(todoGraphql());
    const second = await connectWithKey(feedGraphql());
    await startWithKey(first, 'subscription { onCreateTodo { id } }');
    await server.endpoint.close();
    expect((await first.closed).code).toBe(1001);
    expect((await second.closed).code).toBe(1001);
    expect(server.endpoint.state()).toEqual({ connections: 0, subscriptions: 0 });
  });
});

describe("what AppSync refuses, with AppSync's errors", () => {
  const unsupported = (what: string) => ({ errors: [{ errorType: 'UnsupportedOperation', message: `${what} not supported through the realtime channel` }] });

  test.each([
    ['text that is not JSON', 'meow', '', unsupported('unknown')],
    ['a message type AppSync does not know', { id: 'x1', type: 'subscribe', payload: {} }, 'x1', unsupported('subscribe')],
    [
      'a start without data (graphql-ws style)',
      { id: 'x2', type: 'start', payload: { query: 'subscription { onCreateTodo { id } }' } },
      'x2',
      unsupported('unknown'),
    ],
    [
      'a stop of an unknown id',
      { id: 'x3', type: 'stop' },
      'x3',
      { errors: [{ errorType: 'BadRequestException', message: 'No subscription with id x3 on this connection.' }] },
    ],
  ])('GIVEN %s WHEN it is sent THEN an error message, and the connection stays open', async (_what, message, id, payload) => {
    const client = await connectWithKey(todoGraphql());
    client.send(message);
    expect(await client.next()).toEqual({ id, type: 'error', payload });
    const { answer } = await startWithKey(client, 'subscription { onCreateTodo { id } }');
    expect(answer).toMatchObject({ type: 'start_ack' });
  });

  test('GIVEN a query over the real-time channel WHEN started THEN UnsupportedOperation names it', async () => {
    const client = await connectWithKey(todoGraphql());
    const { id, answer } = await startWithKey(client, 'query { listTodos { items { id } } }');
    expect(answer).toEqual({ id, type: 'error', payload: unsupported('query') });
  });

  test('GIVEN an unknown field WHEN started THEN the validation error the HTTP endpoint gives', async () => {
    const client = await connectWithKey(todoGraphql());
    const { id, answer } = await startWithKey(client, 'subscription { onCreateTodo { nope } }');
    expect(answer).toEqual({
      id,
      type: 'error',
      payload: {
        errors: [
          {
            path: null,
            locations: [{ line: 1, column: 31, sourceName: null }],
            message: "Validation error of type FieldUndefined: Field 'nope' in type 'Todo' is undefined @ 'onCreateTodo/nope'",
          },
        ],
      },
    });
  });

  test('GIVEN a start with the API key of another mode or none WHEN started THEN UnauthorizedException', async () => {
    const client = await connectWithKey(todoGraphql());
    expect((await startWithKey(client, 'subscription { onCreateTodo { id } }', {}, 'da2-unknownkey0123456789abcdef')).answer).toMatchObject({
      type: 'error',
      payload: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] },
    });
    client.send({ id: 'noauth', type: 'start', payload: { data: JSON.stringify({ query: 'subscription { onCreateTodo { id } }' }), extensions: {} } });
    expect(await client.next()).toEqual({
      id: 'noauth',
      type: 'error',
      payload: { errors: [{ errorType: 'UnauthorizedException', message: 'Missing authorization header' }] },
    });
  });

  test('GIVEN an id already in use WHEN started again THEN DuplicatedOperationError', async () => {
    const client = await connectWithKey(todoGraphql());
    const start = (id: string) =>
      client.send({
        id,
        type: 'start',
        payload: {
          data: JSON.stringify({ query: 'subscription { onCreateTodo { id } }' }),
          extensions: { authorization: apiKeyHeader(server.base, VALID_KEY) },
        },
      });
    start('same');
    expect(await client.next()).toEqual({ id: 'same', type: 'start_ack' });
    start('same');
    expect(await client.next()).toMatchObject({ id: 'same', type: 'error', payload: { errors: [{ errorType: 'DuplicatedOperationError' }] } });
    expect(server.endpoint.state().subscriptions).toBe(1);
  });

  test('GIVEN no connection_init yet WHEN a start arrives THEN it is refused', async () => {
    const client = await open(wsUrl(todoGraphql()), ['graphql-ws', `header-${base64UrlJson(apiKeyHeader(server.base, VALID_KEY))}`]);
    const { answer } = await startWithKey(client, 'subscription { onCreateTodo { id } }');
    expect(answer).toMatchObject({ type: 'error', payload: { errors: [{ errorType: 'BadRequestException' }] } });
  });
});

describe('timing and quotas', () => {
  test('GIVEN a short keep-alive interval WHEN connected THEN ka keeps coming', async () => {
    await server.close();
    server = await startRealtimeServer([todoApi()], { now: () => NOW, keepAliveIntervalMs: 100 });
    const client = await connectWithKey(`${server.base}/graphql`);
    for (let i = 0; i < 3; i++) expect(await client.next({ skipKeepAlive: false })).toEqual({ type: 'ka' });
  });

  test('GIVEN a client that never sends connection_init WHEN the init timeout passes THEN the server closes the connection', async () => {
    await server.close();
    server = await startRealtimeServer([todoApi()], { now: () => NOW, connectionInitTimeoutMs: 200 });
    const client = await open(wsUrl(`${server.base}/graphql`), ['graphql-ws', `header-${base64UrlJson(apiKeyHeader(server.base, VALID_KEY))}`]);
    expect(await client.closed).toEqual({ code: 1000, reason: 'connection_init was not received in time' });
    await eventually('the server to let go', () => server.endpoint.state().connections === 0);
  });

  test('GIVEN the subscriptions quota WHEN one more is started THEN MaxSubscriptionsReachedError', async () => {
    await server.close();
    server = await startRealtimeServer([todoApi()], { now: () => NOW, maxSubscriptionsPerConnection: 2 });
    const client = await connectWithKey(`${server.base}/graphql`);
    await startWithKey(client, 'subscription { onCreateTodo { id } }');
    await startWithKey(client, 'subscription { onUpdateTodo { id } }');
    const { answer } = await startWithKey(client, 'subscription { onDeleteTodo { id } }');
    expect(answer).toMatchObject({
      type: 'error',
      payload: { errors: [{ errorType: 'MaxSubscriptionsReachedError', message: 'Max number of 2 subscriptions reached' }] },
    });
  });
});
