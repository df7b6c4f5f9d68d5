/**
 * Bad input, end to end through the local cloud running the real app (a real synth, real bundles): every client
 * mistake gets a clear 4xx or a GraphQL error naming the problem, never a 5xx, and the local cloud keeps serving
 * after each one. Table-driven cases first, then property-based ones (fast-check; FC_RUNS scales the run counts, a
 * failure prints the seed to replay it with FC_SEED).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { apiKeyClient, type GraphqlReply, post, signedPost } from '../support/hardening';
import { type LocalCloudHandle, startTestCloud } from '../support/local-cloud-harness';
import { sharedAssembly } from '../support/shared-assembly';

const RUNS = Number(process.env.FC_RUNS ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * RUNS));
const fcOptions = (numRuns: number) => ({ numRuns: runs(numRuns), ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) });

const LIST =
  'query LIST_TODOS($filter: ModelTodoFilterInput, $limit: Int, $nextToken: String) { listTodos(filter: $filter, limit: $limit, nextToken: $nextToken) { items { id name } nextToken } }';
const CREATE = 'mutation CREATE_TODO($input: CreateTodoInput!) { createTodo(input: $input) { id name description } }';
const GET = 'query GET_TODO($id: ID!) { getTodo(id: $id) { id name } }';
const MiB = 1024 * 1024;

let stateDir: string;
let local: LocalCloudHandle;
let gql: ReturnType<typeof apiKeyClient>;
/** nextTokens the API issued, for forging. */
let issuedTokens: string[];

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), 'bad-input-'));
  local = await startTestCloud({ assemblyDir: sharedAssembly(), stateDir, inMemory: true });
  gql = apiKeyClient(local.graphqlUrl, local.apiKey);
  for (const name of ['one', 'two', 'three', 'four']) expect((await gql.query(CREATE, { input: { name } })).json.errors).toBeUndefined();
  issuedTokens = [];
  let nextToken: string | null = null;
  do {
    const page: GraphqlReply = await gql.query(LIST, { limit: 1, nextToken });
    nextToken = page.json.data.listTodos.nextToken;
    if (nextToken) issuedTokens.push(nextToken);
  } while (nextToken);
  expect(issuedTokens.length).toBeGreaterThanOrEqual(3);
});

afterAll(async () => {
  await local?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

/** The local cloud still answers a normal query, after whatever came before. */
async function stillServing(): Promise<void> {
  const reply = await gql.query(LIST, { limit: 1 });
  expect(reply.status).toBe(200);
  expect(reply.json.errors).toBeUndefined();
}

/** Every message of a reply's errors, joined (what a client reads). */
const messages = (reply: GraphqlReply): string => ((reply.json?.errors ?? []) as Array<{ message?: string }>).map((error) => error.message).join('\n');

function expectClientError(reply: GraphqlReply): void {
  expect(reply.status).toBeLessThan(500);
  expect(reply.json).toEqual(expect.objectContaining({ errors: expect.any(Array) }));
  expect(messages(reply).length).toBeGreaterThan(0);
}

/** Valid Unicode (no lone surrogate), which survives UTF-8 on the way to the store and back. */
function wellFormed(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** What a caller's 400 says: its message, and the GraphQL errors it passes on. */
function callerMessages(body: Record<string, unknown>): string {
  const errors = (body.errors ?? []) as Array<{ message?: string }>;
  return [String(body.message ?? ''), ...errors.map((error) => String(error.message))].join('\n');
}

/** `{ ...F0 } fragment F0 on Query { __typename ...F1 } …`: nested through fragments, without deep brackets. */
function fragmentChain(length: number): string {
  const fragments = Array.from({ length }, (_, index) => `fragment F${index} on Query { __typename ...F${index + 1} }`);
  return `{ ...F0 } ${fragments.join(' ')} fragment F${length} on Query { __typename }`;
}

const nest = (depth: number, open: string, inner: string, close: string) => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

describe('GraphQL request bodies', () => {
  const UNPARSABLE = 'Unable to parse GraphQL query.';
  const EMPTY = 'Request body is empty.';
  const valid = JSON.stringify({ query: '{ listTodos { nextToken } }' });
  test.each<[string, number, string | Uint8Array, Record<string, string>, string | RegExp]>([
    ['empty', 400, '', {}, EMPTY],
    ['only whitespace', 400, ' \n\t ', {}, EMPTY],
    ['not JSON', 400, 'meow', {}, UNPARSABLE],
    ['truncated JSON', 400, valid.slice(0, -3), {}, UNPARSABLE],
    ['JSON null', 400, 'null', {}, UNPARSABLE],
    ['a JSON number', 400, '42', {}, UNPARSABLE],
    ['a JSON string holding the query', 400, JSON.stringify('{ listTodos { nextToken } }'), {}, UNPARSABLE],
    ['an empty batch', 400, '[]', {}, UNPARSABLE],
    ['a batch of one request', 400, `[${valid}]`, {}, UNPARSABLE],
    ['a batch of two requests', 400, `[${valid},${valid}]`, {}, UNPARSABLE],
    ['an empty object', 400, '{}', {}, UNPARSABLE],
    ['query null', 400, '{"query":null}', {}, UNPARSABLE],
    ['query a number', 400, '{"query":42}', {}, UNPARSABLE],
    ['query an object', 400, '{"query":{"listTodos":true}}', {}, UNPARSABLE],
    ['query empty', 400, '{"query":""}', {}, UNPARSABLE],
    ['variables an array', 400, JSON.stringify({ query: LIST, variables: [1] }), {}, UNPARSABLE],
    ['variables a number', 400, JSON.stringify({ query: LIST, variables: 42 }), {}, UNPARSABLE],
    ['variables a string that is not JSON', 400, JSON.stringify({ query: LIST, variables: '{limit:1' }), {}, UNPARSABLE],
    ['operationName a number', 400, JSON.stringify({ query: LIST, operationName: 42 }), {}, UNPARSABLE],
    [
      'invalid UTF-8',
      400,
      Uint8Array.from([...Buffer.from('{"query":"{ listTodos { nextToken } }", "x":"'), 0xc3, 0x28, 0xff, ...Buffer.from('"}')]),
      {},
      UNPARSABLE,
    ],
    [
      'a lone UTF-16 surrogate in UTF-8 (CESU)',
      400,
      Uint8Array.from([...Buffer.from('{"query":"{ listTodos { nextToken } }#'), 0xed, 0xa0, 0x80, ...Buffer.from('"}')]),
      {},
      UNPARSABLE,
    ],
    [
      'a form-encoded body',
      400,
      `query=${encodeURIComponent('{ listTodos { nextToken } }')}`,
      { 'content-type': 'application/x-www-form-urlencoded' },
      UNPARSABLE,
    ],
    ['a bare query as application/graphql', 400, '{ listTodos { nextToken } }', { 'content-type': 'application/graphql' }, UNPARSABLE],
    [
      'a multipart body',
      400,
      '--b\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ listTodos { nextToken } }\r\n--b--\r\n',
      { 'content-type': 'multipart/form-data; boundary=b' },
      UNPARSABLE,
    ],
    [
      'one byte over the 1 MiB limit',
      413,
      JSON.stringify({ query: `{ listTodos { nextToken } }${' '.repeat(MiB)}` }).slice(0, MiB + 1),
      {},
      /^Request body is too large: the local AppSync endpoint accepts at most 1048576 bytes\.$/,
    ],
    ['20 MiB', 413, new Uint8Array(20 * MiB).fill(0x20), {}, /too large/],
  ])('%s → %i', async (_name, status, body, headers, message) => {
    const reply = await gql.raw(body, headers);
    expect(reply.status).toBe(status);
    expect(reply.json).toEqual({ errors: [expect.objectContaining({ message: typeof message === 'string' ? message : expect.stringMatching(message) })] });
    await stillServing();
  });

  test('a body of exactly 1 MiB is served', async () => {
    const base = JSON.stringify({ query: '{ listTodos(limit: 1) { nextToken } }', pad: '' });
    const body = base.replace('"pad":""', `"pad":"${' '.repeat(MiB - base.length)}"`);
    expect(Buffer.byteLength(body)).toBe(MiB);
    const reply = await gql.raw(body);
    expect(reply.status).toBe(200);
    expect(reply.json.errors).toBeUndefined();
  });

  test('a 20 MiB body streamed without Content-Length is refused with 413 too', async () => {
    const chunk = new Uint8Array(MiB).fill(0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(local.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': local.apiKey },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    await response.text();
    await stillServing();
  });

  test('a JSON body sent as text/plain, or without a content type, is served (the content type is not checked)', async () => {
    for (const headers of [{ 'content-type': 'text/plain' }, {}] as Array<Record<string, string>>) {
      const reply = await post(local.graphqlUrl, JSON.stringify({ query: '{ listTodos(limit: 1) { nextToken } }' }), { 'x-api-key': local.apiKey, ...headers });
      expect(reply.status).toBe(200);
      expect(reply.json.errors).toBeUndefined();
    }
  });
});

describe('GraphQL documents', () => {
  test.each<[string, string, unknown, string | undefined, RegExp]>([
    ['a syntax error', '{ listTodos { items { id }', undefined, undefined, /^Invalid Syntax : offending token/],
    [
      'an unknown field',
      '{ listTodoz { nextToken } }',
      undefined,
      undefined,
      /^Validation error of type FieldUndefined: Field 'listTodoz' in type 'Query' is undefined/,
    ],
    ['an unknown operation name', LIST, undefined, 'NOPE', /^Unknown operation named 'NOPE'\.$/],
    ['two operations and no operation name', `${LIST} ${GET}`, undefined, undefined, /^Must provide operation name if query contains multiple operations\.$/],
    ['a subscription over HTTP', 'subscription { onCreateTodo { id } }', undefined, undefined, /^Subscriptions are not supported over HTTP/],
    ['a missing required variable', GET, {}, undefined, /^Variable 'id' has coerced Null value for NonNull type 'ID!'$/],
    [
      'an unknown input field',
      CREATE,
      { input: { name: 'x', done: true } },
      undefined,
      /contains a field name 'done' that is not defined for input object type 'CreateTodoInput'/,
    ],
    [
      'an unknown filter operator',
      LIST,
      { filter: { name: { like: 'x' } } },
      undefined,
      /field name 'like' that is not defined for input object type 'ModelStringInput'/,
    ],
    [
      'more than 100,000 tokens',
      `{ listTodos { ${'nextToken '.repeat(100_001)} } }`,
      undefined,
      undefined,
      /^Invalid Syntax : More than 100000 'grammar' tokens have been presented/,
    ],
    ['a chain of 9,000 fragments, each spreading the next', fragmentChain(9000), undefined, undefined, /^Query is too complex to process/],
    ['selections nested 5,000 deep', nest(5000, '{ a ', '', '}'), undefined, undefined, /nested too deeply/],
    ['selections nested 600 deep', `{ listTodos ${nest(600, '{ items ', 'id', '}')} }`, undefined, undefined, /nested too deeply/],
    ['a list literal nested 5,000 deep', `{ getTodo(id: ${nest(5000, '[', '1', ']')}) { id } }`, undefined, undefined, /nested too deeply/],
    [
      'an object literal nested 2,000 deep',
      `{ listTodos(filter: ${nest(2000, '{ not: ', '{ name: { eq: "x" } }', ' }')}) { nextToken } }`,
      undefined,
      undefined,
      /nested too deeply/,
    ],
    [
      'a filter nested 60 deep (the resolver allows 50)',
      LIST,
      { filter: JSON.parse(nest(60, '{"not":', '{"name":{"eq":"x"}}', '}')) as unknown },
      undefined,
      /ValidationException: .*nest/i,
    ],
  ])('%s: a GraphQL error saying so', async (_name, query, variables, operationName, message) => {
    const reply = await gql.raw(JSON.stringify({ query, variables, operationName }));
    expect(reply.status).toBe(200);
    expectClientError(reply);
    expect(messages(reply)).toMatch(message);
    await stillServing();
  });

  test('at the limit (500 levels) a document is processed as usual', async () => {
    // `{` + `(` + 498 `[`: exactly 500 levels; an ID cannot be a list, which validation says.
    const reply = await gql.query(`{ getTodo(id: ${nest(498, '[', '"x"', ']')}) { id } }`);
    expect(reply.status).toBe(200);
    expect(messages(reply)).toMatch(/^Validation error of type WrongType: argument 'id'/);
  });

  test('variables nested 100,000 deep (a raw JSON body): a GraphQL error naming the variable', async () => {
    const filter = nest(100_000, '{"not":', '{"name":{"eq":"x"}}', '}');
    const reply = await gql.raw(`{"query":${JSON.stringify(LIST)},"variables":{"filter":${filter}}}`);
    expect(reply.status).toBe(200);
    expect(messages(reply)).toMatch(/^Variable 'filter' .*nested too deeply/);
    await stillServing();
  });

  test('an unused variable nested 100,000 deep is refused too (it would reach the resolver in info.variables)', async () => {
    const junk = nest(100_000, '[', '1', ']');
    const reply = await gql.raw(`{"query":${JSON.stringify(LIST)},"variables":{"junk":${junk}}}`);
    expect(reply.status).toBe(200);
    expect(messages(reply)).toMatch(/^Variable 'junk' .*nested too deeply/);
    await stillServing();
  });

  test('10,000 fields in one request (aliases) are answered, within the token limit', async () => {
    const query = `{ ${Array.from({ length: 10_000 }, (_, index) => `a${index}: __typename`).join(' ')} }`;
    const reply = await gql.query(query);
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.json.data)).toHaveLength(10_000);
  });
});

describe('arguments', () => {
  test.each<[string, (tokens: string[]) => string]>([
    ['garbage', () => 'garbage'],
    ['empty', () => ''],
    ['one character of the MAC changed', ([token]) => token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1)],
    ['one character of the payload changed', ([token]) => (token[0] === 'e' ? 'f' : 'e') + token.slice(1)],
    ['truncated', ([token]) => token.slice(0, token.length - 5)],
    ['extended', ([token]) => `${token}A`],
    ["another token's payload with this token's MAC", ([a, b]) => `${b.split('.')[0]}.${a.split('.')[1]}`],
    ['a forged payload with a made-up MAC', () => `${Buffer.from(JSON.stringify({ v: 1, id: 'one' })).toString('base64url')}.${'A'.repeat(43)}`],
    ['padded (standard base64 spelling)', ([token]) => `${token.split('.')[0]}=.${token.split('.')[1]}`],
    ['percent-encoded', ([token]) => encodeURIComponent(token).replace('.', '%2E')],
    ['10 KB long', () => 'A'.repeat(10_000)],
    ['control characters and emoji', () => 'tok\u0000en\u202e🙂'],
  ])('a %s nextToken: InvalidNextTokenException', async (_name, forge) => {
    const reply = await gql.query(LIST, { limit: 1, nextToken: forge(issuedTokens) });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      data: { listTodos: null },
      errors: [
        expect.objectContaining({
          path: ['listTodos'],
          errorType: 'Lambda:Unhandled',
          message: expect.stringMatching(/^InvalidNextTokenException: nextToken (is malformed|failed its integrity check)/),
        }),
      ],
    });
    await stillServing();
  });

  test.each<[unknown, RegExp]>([
    [0, /^ValidationException: limit must be an integer from 1 to 1000 \(got 0\)/],
    [-1, /^ValidationException: limit must be an integer from 1 to 1000 \(got -1\)/],
    [1001, /^ValidationException: limit must be an integer from 1 to 1000 \(got 1001\)/],
    [2_147_483_647, /^ValidationException: limit must be an integer from 1 to 1000/],
    [-2_147_483_648, /^ValidationException: limit must be an integer from 1 to 1000/],
    [2_147_483_648, /^Variable 'limit' has an invalid value\..*2147483648/],
    [1.5, /^Variable 'limit' has an invalid value\./],
    ['10', /^Variable 'limit' has an invalid value\./],
    [true, /^Variable 'limit' has an invalid value\./],
    [[10], /^Variable 'limit' has an invalid value\./],
    [{ value: 10 }, /^Variable 'limit' has an invalid value\./],
  ])('limit %j: an error naming limit', async (limit, message) => {
    const reply = await gql.query(LIST, { limit });
    expect(reply.status).toBe(200);
    expectClientError(reply);
    expect(messages(reply)).toMatch(message);
    await stillServing();
  });

  test.each<[string, string, unknown, RegExp]>([
    ['getTodo', GET, { id: '' }, /^ValidationException: id must be a non-empty string/],
    ['getTodo', GET, { id: { id: 'one' } }, /^Variable 'id' has an invalid value\./],
    ['getTodo', GET, { id: true }, /^Variable 'id' has an invalid value\./],
    ['getTodo', GET, { id: 1.5 }, /^Variable 'id' has an invalid value\./],
    ['getTodo', GET, { id: 'x'.repeat(3000) }, /^ValidationException: .*(key|size|length)/i],
    ['createTodo', CREATE, { input: { id: '', name: 'x' } }, /^ValidationException: input\.id must be a non-empty string/],
    ['createTodo', CREATE, { input: { id: 'x'.repeat(3000), name: 'x' } }, /^ValidationException: .*(key|size|length)/i],
    ['createTodo', CREATE, { input: { name: 'x'.repeat(500_000) } }, /^ValidationException: .*size/i],
    ['createTodo', CREATE, { input: null }, /^Variable 'input' has coerced Null value for NonNull type 'CreateTodoInput!'$/],
    ['createTodo', CREATE, { input: 'x' }, /^Variable 'input' has an invalid value\./],
  ])('%s with %j: an error naming the problem', async (_field, query, variables, message) => {
    const reply = await gql.query(query, variables);
    expect(reply.status).toBe(200);
    expectClientError(reply);
    expect(messages(reply)).toMatch(message);
    await stillServing();
  });

  test('createTodo with an id that exists: ConditionalCheckFailedException saying so, and the Todo is unchanged', async () => {
    const first = await gql.query(CREATE, { input: { id: 'taken', name: 'first' } });
    expect(first.json.errors).toBeUndefined();
    const second = await gql.query(CREATE, { input: { id: 'taken', name: 'second' } });
    expect(messages(second)).toMatch(/^ConditionalCheckFailedException: The conditional request failed: a Todo with id 'taken' already exists/);
    expect((await gql.query(GET, { id: 'taken' })).json).toEqual({ data: { getTodo: { id: 'taken', name: 'first' } } });
  });
});

describe('the Lambda Invoke API', () => {
  const invokeUrl = (name: string, query = '') => `${local.cloud.endpoints.lambda}/2015-03-31/functions/${encodeURIComponent(name)}/invocations${query}`;
  const admin = () => local.cloud.deployment.adminCredentials;
  const listCaller = () => local.output('TodoCallers-dev', 'ListTodosIamFunctionName');
  const invoke = (name: string, body: string | Uint8Array, headers: Record<string, string> = {}, query = '') =>
    signedPost(invokeUrl(name, query), body, admin(), { service: 'lambda', region: local.cloud.deployment.region, headers });
  async function lambdaStillServing(): Promise<void> {
    const reply = await invoke(listCaller(), '{"limit":1}');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-amz-function-error')).toBeNull();
    expect(reply.json.statusCode).toBe(200);
  }

  test.each<[string, number, string, () => Promise<GraphqlReply>, RegExp]>([
    ['a payload that is not JSON', 400, 'InvalidRequestContentException', () => invoke(listCaller(), 'limit=1'), /^Could not parse request body into json/],
    ['a truncated JSON payload', 400, 'InvalidRequestContentException', () => invoke(listCaller(), '{"limit":'), /^Could not parse request body into json/],
    [
      'a payload of invalid UTF-8',
      400,
      'InvalidRequestContentException',
      () => invoke(listCaller(), Uint8Array.from([0x22, 0xff, 0x22])),
      /^Could not parse request body into json/,
    ],
    [
      'an unknown function',
      404,
      'ResourceNotFoundException',
      () => invoke('no-such-function', '{}'),
      /^Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function$/,
    ],
    [
      'a function of another region',
      404,
      'ResourceNotFoundException',
      () => invoke(`arn:aws:lambda:eu-west-1:000000000000:function:${listCaller()}`, '{}'),
      /^Function not found: arn:aws:lambda:eu-west-1:/,
    ],
    ['a malformed function name', 400, 'ValidationException', () => invoke('bad name!', '{}'), /bad name!/],
    ['a version that does not exist', 404, 'ResourceNotFoundException', () => invoke(listCaller(), '{}', {}, '?Qualifier=7'), /^Function not found: .*:7$/],
    ['an unknown invocation type', 400, 'ValidationException', () => invoke(listCaller(), '{}', { 'x-amz-invocation-type': 'Later' }), /invocationType/],
    ['an unknown log type', 400, 'ValidationException', () => invoke(listCaller(), '{}', { 'x-amz-log-type': 'All' }), /logType/],
    [
      'a client context that is not base64 JSON',
      400,
      'InvalidRequestContentException',
      () => invoke(listCaller(), '{}', { 'x-amz-client-context': '{not base64}' }),
      /Client context/,
    ],
    [
      'a payload one byte over 6 MB',
      413,
      'RequestEntityTooLargeException',
      () => invoke(listCaller(), `"${'x'.repeat(6_291_456 - 1)}"`),
      /^Request must be smaller than 6291456 bytes/,
    ],
    [
      'a 20 MB payload, unsigned',
      413,
      'RequestEntityTooLargeException',
      () => post(invokeUrl(listCaller()), new Uint8Array(20 * MiB).fill(0x20), {}),
      /^Request must be smaller than 6291456 bytes/,
    ],
    [
      'an Event payload over 1 MB',
      413,
      'RequestEntityTooLargeException',
      () => invoke(listCaller(), `"${'x'.repeat(MiB)}"`, { 'x-amz-invocation-type': 'Event' }),
      /too large for the Event invocation type/,
    ],
    ['no signature at all', 403, 'MissingAuthenticationTokenException', () => post(invokeUrl(listCaller()), '{}', {}), /^Missing Authentication Token$/],
  ])('%s → %i %s', async (_name, status, errorType, send, message) => {
    const reply = await send();
    expect(reply.status).toBe(status);
    expect(reply.headers.get('x-amzn-errortype')).toBe(errorType);
    expect(reply.json.Message ?? reply.json.message).toMatch(message);
    await lambdaStillServing();
  });

  test('a payload of exactly 6 MB is accepted and reaches the function, which refuses the event by name', async () => {
    const reply = await invoke(listCaller(), `"${'x'.repeat(6_291_456 - 2)}"`);
    expect(reply.status).toBe(200);
    expect(reply.json.statusCode).toBe(400);
    expect(JSON.parse(reply.json.body).message).toMatch(/the event must be a JSON object/);
    await lambdaStillServing();
  });
});

describe('caller events of every wrong shape, through the Invoke API', () => {
  const LIST_CALLERS = ['ListTodosApiKeyFunctionName', 'ListTodosIamFunctionName'];
  const CREATE_CALLERS = ['CreateTodoApiKeyFunctionName', 'CreateTodoIamFunctionName'];
  test.each<[string, unknown, RegExp]>([
    ['an array', [], /event must be a JSON object/],
    ['a number', 42, /event must be a JSON object/],
    ['a string', 'limit=1', /event must be a JSON object/],
    ['a boolean', true, /event must be a JSON object/],
    ['limit 0', { limit: 0 }, /limit must be an integer from 1 to 1000/],
    ['limit 1001', { limit: 1001 }, /limit must be an integer from 1 to 1000/],
    ['limit 1.5', { limit: 1.5 }, /limit must be an integer/],
    ['limit as a string', { limit: '10' }, /limit must be an integer/],
    ['nextToken a number', { nextToken: 5 }, /nextToken must be a string/],
    ['a garbled nextToken', { nextToken: 'garbage' }, /nextToken is malformed/],
    [
      'a forged nextToken',
      { nextToken: `${Buffer.from('{"v":1,"id":"one"}').toString('base64url')}.${'A'.repeat(43)}` },
      /nextToken failed its integrity check/,
    ],
    ['filter a string', { filter: 'name=milk' }, /filter must be a ModelTodoFilterInput object/],
    ['filter an array', { filter: [{ name: { eq: 'x' } }] }, /filter must be a ModelTodoFilterInput object/],
    ['a filter with an unknown field', { filter: { colour: { eq: 'red' } } }, /colour/],
    ['an unknown field', { limt: 10 }, /unknown field "limt"/],
  ])('list callers, %s: 400 naming the problem', async (_name, event, message) => {
    for (const caller of LIST_CALLERS) {
      const result = await local.invokeCaller(caller, event);
      expect(result.functionError).toBeUndefined();
      expect({ caller, statusCode: result.statusCode }).toEqual({ caller, statusCode: 400 });
      expect(callerMessages(result.body)).toMatch(message);
    }
  });

  test.each<[string, unknown, RegExp]>([
    ['null', null, /event must be a JSON object/],
    ['an array', [{ name: 'x' }], /event must be a JSON object/],
    ['a string', 'Buy milk', /event must be a JSON object/],
    ['no name', {}, /name must be a non-empty string, got nothing/],
    ['an empty name', { name: '' }, /name must be a non-empty string/],
    ['a blank name', { name: '   ' }, /name must be a non-empty string/],
    ['a number for name', { name: 5 }, /name must be a non-empty string, got the number 5/],
    ['an empty id', { name: 'x', id: '' }, /id must be a non-empty string/],
    ['a number for id', { name: 'x', id: 5 }, /id must be a non-empty string/],
    ['a number for description', { name: 'x', description: 5 }, /description must be a string/],
    ['an unknown field', { name: 'x', done: true }, /unknown field "done"/],
    ['a name too large for the table', { name: 'x'.repeat(500_000) }, /ValidationException: .*size/i],
  ])('create callers, %s: 400 naming the problem', async (_name, event, message) => {
    for (const caller of CREATE_CALLERS) {
      const result = await local.invokeCaller(caller, event);
      expect(result.functionError).toBeUndefined();
      expect({ caller, statusCode: result.statusCode }).toEqual({ caller, statusCode: 400 });
      expect(callerMessages(result.body)).toMatch(message);
    }
  });
});

describe('property-based (fast-check)', () => {
  test('any bytes as a GraphQL body: 200, 400 or 413 with errors, never 5xx, and the endpoint keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        const reply = await gql.raw(bytes);
        expect([200, 400, 413]).toContain(reply.status);
        expect(Array.isArray(reply.json?.errors) || reply.json?.data !== undefined).toBe(true);
      }),
      fcOptions(150),
    );
    await stillServing();
  });

  test('any JSON value as a GraphQL body: 400 Unable to parse unless it is a request object; never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        const reply = await gql.raw(JSON.stringify(value));
        expect(reply.status).toBeLessThan(500);
        const isRequest = typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { query?: unknown }).query === 'string';
        if (!isRequest)
          expect(reply.json).toEqual({
            errors: [
              { message: expect.stringMatching(/^(Unable to parse GraphQL query\.|Request body is empty\.)$/), errorType: 'MalformedHttpRequestException' },
            ],
          });
      }),
      fcOptions(150),
    );
    await stillServing();
  });

  test('any GraphQL-looking document, variables and operation name: a GraphQL answer, never 5xx', async () => {
    const token = fc.constantFrom(
      '{',
      '}',
      '(',
      ')',
      '[',
      ']',
      ':',
      '!',
      '$',
      '...',
      '@',
      '=',
      '|',
      '&',
      '"x"',
      '"""block"""',
      '#c\n',
      '1',
      '-2',
      '3.5e1',
      'true',
      'null',
      'query',
      'mutation',
      'subscription',
      'fragment',
      'on',
      'Query',
      'Todo',
      'listTodos',
      'getTodo',
      'createTodo',
      'items',
      'id',
      'name',
      'nextToken',
      'limit',
      'input',
      'filter',
      'ID',
      'Int',
      'String',
      '__typename',
      '__schema',
      '@skip',
      '@include',
      'if',
      'ModelTodoFilterInput',
      '\u00e9',
    );
    const document = fc.array(token, { maxLength: 40 }).map((tokens) => tokens.join(' '));
    const variables = fc.option(fc.dictionary(fc.constantFrom('id', 'limit', 'input', 'filter', 'nextToken', 'x'), fc.jsonValue({ maxDepth: 3 })), {
      nil: undefined,
    });
    const operationName = fc.option(fc.oneof(fc.constantFrom('LIST_TODOS', 'Q'), fc.string({ maxLength: 10 })), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(document, variables, operationName, async (query, vars, name) => {
        const reply = await gql.raw(JSON.stringify({ query, variables: vars, operationName: name }));
        expect(reply.status).toBeLessThan(500);
        if (reply.status === 200) expect(reply.json).toHaveProperty('data');
        else expectClientError(reply);
      }),
      fcOptions(200),
    );
    await stillServing();
  });

  test('listTodos with any limit and nextToken: a page, or an error naming the wrong argument', async () => {
    const limit = fc.oneof(
      fc.constant(null),
      fc.integer({ min: 1, max: 1000 }),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.constantFrom(0, 1001, 2 ** 31, -(2 ** 31) - 1),
      fc.double(),
      fc.string({ maxLength: 5 }),
      fc.boolean(),
    );
    const nextToken = fc.oneof(
      fc.constant(null),
      fc.constant('issued'),
      fc.string({ maxLength: 100 }),
      fc.base64String({ maxLength: 120 }),
      fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, code]) => `mutated:${at}:${code}`),
    );
    await fc.assert(
      fc.asyncProperty(limit, nextToken, async (limitValue, tokenValue) => {
        let token: string | null = tokenValue;
        if (tokenValue === 'issued') token = issuedTokens[0];
        else if (tokenValue?.startsWith('mutated:')) {
          const [, at, code] = tokenValue.split(':').map(Number);
          const base = issuedTokens[0];
          const index = at % base.length;
          const replacement = String.fromCharCode(code) === base[index] ? String.fromCharCode((code + 1) % 256) : String.fromCharCode(code);
          token = base.slice(0, index) + replacement + base.slice(index + 1);
        }
        const reply = await gql.query(LIST, { limit: limitValue, nextToken: token });
        expect(reply.status).toBe(200);
        // What was sent (NaN and Infinity travel as null, -0 as 0).
        const sent = JSON.parse(JSON.stringify({ limit: limitValue })).limit as unknown;
        const limitOk = sent === null || (Number.isInteger(sent) && (sent as number) >= 1 && (sent as number) <= 1000);
        const tokenOk = token === null || token === issuedTokens[0];
        if (limitOk && tokenOk) {
          expect(reply.json.errors).toBeUndefined();
          expect(reply.json.data.listTodos.items.length).toBeLessThanOrEqual((sent as number | null) ?? 100);
        } else {
          expect(reply.json.data?.listTodos ?? null).toBeNull();
          expect(messages(reply)).toMatch(limitOk ? /nextToken/ : /limit/);
        }
      }),
      fcOptions(150),
    );
    await stillServing();
  });

  test('createTodo with any input: the Todo as given, or an error naming the problem; never 5xx', async () => {
    let run = 0;
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 50 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom('', ' ', '\u0000', 'é', '🙂'),
    );
    const input = fc.record(
      {
        id: fc.oneof(fc.constant(null), fc.uuid(), text, fc.integer()),
        name: fc.oneof(fc.constant(null), text),
        description: fc.oneof(fc.constant(null), text),
        extra: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: ['name'] },
    );
    await fc.assert(
      fc.asyncProperty(input, async (raw) => {
        run++;
        const given = { ...raw } as Record<string, unknown>;
        // Unique ids across runs, so that a repeated draw is not a (correct) TodoAlreadyExists.
        if (typeof given.id === 'string' && given.id !== '') given.id = `run${run}-${given.id}`;
        const reply = await gql.query(CREATE, { input: given });
        expect(reply.status).toBe(200);
        if (reply.json.errors) {
          expect(reply.json.data?.createTodo ?? null).toBeNull();
          expect(messages(reply)).toMatch(/extra|id|name|description|input|ValidationException|surrogate|UTF/i);
          return;
        }
        expect('extra' in given).toBe(false);
        const todo = reply.json.data.createTodo as { id: string; name: string | null; description: string | null };
        if (given.id !== null && given.id !== undefined) expect(todo.id).toBe(String(given.id));
        // Text that is valid Unicode comes back as sent.
        if (typeof given.name === 'string' && wellFormed(given.name)) expect(todo.name).toBe(given.name);
        if (typeof given.description === 'string' && wellFormed(given.description)) expect(todo.description).toBe(given.description);
      }),
      fcOptions(120),
    );
    await stillServing();
  });

  test('any JSON event to each caller: 200, or 400 naming the problem; never a function error or a 5xx', async () => {
    const callers = ['ListTodosApiKeyFunctionName', 'ListTodosIamFunctionName', 'CreateTodoApiKeyFunctionName', 'CreateTodoIamFunctionName'];
    const event = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record(
        { limit: fc.jsonValue({ maxDepth: 1 }), nextToken: fc.jsonValue({ maxDepth: 1 }), filter: fc.jsonValue({ maxDepth: 2 }) },
        { requiredKeys: [] },
      ),
      fc.record(
        {
          name: fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })),
          description: fc.jsonValue({ maxDepth: 1 }),
          id: fc.jsonValue({ maxDepth: 1 }),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...callers), event, async (caller, value) => {
        const result = await local.invokeCaller(caller, value);
        expect(result.functionError).toBeUndefined();
        expect([200, 400]).toContain(result.statusCode);
        if (result.statusCode === 400) expect(String(result.body.message ?? '')).not.toBe('');
      }),
      fcOptions(100),
    );
  });
});
