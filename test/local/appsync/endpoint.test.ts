/**
 * The local AppSync endpoint over real HTTP: API key and SigV4 auth, IAM policies, @aws_* directives, body handling,
 * validation, scalars, Lambda errors and timeouts, the Lambda event, and the log lines. Statuses and bodies are
 * compared byte for byte where appsync-wire-facts.md gives them.
 */
import {
  ADMIN,
  allSecrets,
  DEFAULT_EXPIRY_KEY,
  DENY_DELETE_ROLE,
  EXPIRED_KEY,
  EXTRA_API_ID,
  extraApi,
  LIST_ONLY_ROLE,
  NOW,
  QUERY_WILDCARD_ROLE,
  TODO_API_ARN,
  TODO_API_ID,
  todoApi,
  VALID_KEY,
} from './fixture';
import { type Credentials, gql, type PreparedRequest, post, send, signRequest, startServer, type TestServer } from './harness';

const LIST_TODOS = 'query LIST_TODOS { listTodos { items { id name description } } }';
const CREATE_TODO = 'mutation CREATE_TODO($input: CreateTodoInput!) { createTodo(input: $input) { id name createdAt } }';

const UNAUTHORIZED = '{"errors":[{"errorType":"UnauthorizedException","message":"You are not authorized to make this call."}]}';
const MISSING_AUTH = '{"errors":[{"errorType":"UnauthorizedException","message":"Missing authorization header"}]}';
const PERMISSION_DENIED = '{"errors":[{"errorType":"UnauthorizedException","message":"Permission denied"}]}';
const INVALID_TOKEN = '{"errors":[{"errorType":"UnrecognizedClientException","message":"The security token included in the request is invalid."}]}';
const EMPTY_BODY = '{"errors":[{"message":"Request body is empty.","errorType":"MalformedHttpRequestException"}]}';
const UNPARSABLE = '{"errors":[{"message":"Unable to parse GraphQL query.","errorType":"MalformedHttpRequestException"}]}';
const MISMATCH_PREFIX =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

let todo: TestServer;
let extra: TestServer;
let extraClock = NOW;
/** Every Authorization header sent, to check that no signature reaches a log line. */
const signatures: string[] = [];

beforeAll(async () => {
  todo = await startServer([todoApi()], { now: () => NOW });
  extra = await startServer([extraApi()], { now: () => extraClock, executionTimeoutMs: 300, maxBodyBytes: 4096 });
});

afterAll(async () => {
  await todo?.close();
  await extra?.close();
});

const todoUrl = () => `${todo.base}/graphql`;
const extraUrl = () => `${extra.base}/apis/${EXTRA_API_ID}/graphql`;
const withKey = (url: string, body: string | Uint8Array | undefined, key = VALID_KEY) => post(url, body, { 'x-api-key': key });

async function signed(
  url: string,
  body: string | undefined,
  credentials: Credentials,
  options: { signingDate?: Date; method?: string; headers?: Record<string, string> } = {},
): Promise<PreparedRequest> {
  const request = await signRequest(url, { credentials, body, signingDate: options.signingDate ?? NOW, method: options.method, headers: options.headers });
  signatures.push(/Signature=([0-9a-f]+)/.exec(request.headers.authorization)?.[1] ?? '');
  return request;
}
const role = (r: typeof LIST_ONLY_ROLE): Credentials => r.credentials;
const lastLog = (server: TestServer) => server.logs[server.logs.length - 1];

describe('API key', () => {
  test('a valid key runs the Amplify LIST_TODOS document', async () => {
    const response = await withKey(todoUrl(), gql(LIST_TODOS));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ data: { listTodos: { items: [{ id: 't1', name: 'first', description: 'the first todo' }] } } });
    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(response.text)));
    expect(lastLog(todo)).toMatch(/mode=API_KEY key=da2-vali… .*op="query LIST_TODOS".* -> 200/);
    expect(lastLog(todo)).toContain('Query.listTodos open to API_KEY (@aws_api_key @aws_iam on field Query.listTodos)');
  });

  test('the Amplify CREATE_TODO document validates and runs', async () => {
    const response = await withKey(todoUrl(), gql(CREATE_TODO, { input: { name: 'buy milk', description: 'semi-skimmed' } }));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      data: { createTodo: { id: expect.stringMatching(/^todo-\d+$/), name: 'buy milk', createdAt: '2024-05-01T12:00:00.000Z' } },
    });
  });

  test('an unknown key: 401', async () => {
    const response = await withKey(todoUrl(), gql(LIST_TODOS), 'da2-unknownkey0123456789abcdef');
    expect(response.status).toBe(401);
    expect(response.text).toBe(UNAUTHORIZED);
    expect(lastLog(todo)).toContain('key=da2-unkn… refused: unknown API key');
  });

  test('an expired key: 401', async () => {
    const response = await withKey(todoUrl(), gql(LIST_TODOS), EXPIRED_KEY);
    expect(response.status).toBe(401);
    expect(response.text).toBe(UNAUTHORIZED);
    expect(lastLog(todo)).toContain('refused: API key expired at 2024-05-01T11:00:00.000Z');
  });

  test('a key the template gave no Expires lasts 7 days (rounded down to the hour), then 401', async () => {
    expect((await withKey(extraUrl(), gql('{ open }'), DEFAULT_EXPIRY_KEY)).status).toBe(200);
    try {
      extraClock = new Date(NOW.getTime() + 7 * 86_400_000 - 1000);
      expect((await withKey(extraUrl(), gql('{ open }'), DEFAULT_EXPIRY_KEY)).status).toBe(200);
      extraClock = new Date(NOW.getTime() + 7 * 86_400_000);
      const response = await withKey(extraUrl(), gql('{ open }'), DEFAULT_EXPIRY_KEY);
      expect(response.status).toBe(401);
      expect(response.text).toBe(UNAUTHORIZED);
    } finally {
      extraClock = NOW;
    }
  });

  test('no auth at all: 401 Missing authorization header, with x-amzn-ErrorType', async () => {
    const response = await post(todoUrl(), gql(LIST_TODOS));
    expect(response.status).toBe(401);
    expect(response.text).toBe(MISSING_AUTH);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
  });

  test('an Authorization header that is not SigV4 (a JWT): 401, Cognito/OIDC are not emulated', async () => {
    const response = await post(todoUrl(), gql(LIST_TODOS), { authorization: 'eyJhbGciOiJIUzI1NiJ9.e30.sig' });
    expect(response.status).toBe(401);
    expect(response.text).toBe(UNAUTHORIZED);
  });

  test('a mode the API does not enable: 401', async () => {
    const iamOnly = await startServer([{ ...todoApi(), authenticationType: 'AWS_IAM', additionalAuthenticationTypes: [] }], { now: () => NOW });
    try {
      const response = await withKey(`${iamOnly.base}/graphql`, gql(LIST_TODOS));
      expect(response.status).toBe(401);
      expect(response.text).toBe(UNAUTHORIZED);
      expect(lastLog(iamOnly)).toContain('the API does not enable API_KEY');
    } finally {
      await iamOnly.close();
    }
  });
});

describe('IAM (SigV4)', () => {
  test('the admin runs LIST_TODOS; the Lambda sees the IAM identity', async () => {
    const response = await send(await signed(todoUrl(), gql(LIST_TODOS), ADMIN));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ data: { listTodos: { items: expect.any(Array) } } });
    const event = todo.invocations[todo.invocations.length - 1].event;
    expect(event.identity).toEqual({
      accountId: '000000000000',
      cognitoIdentityAuthProvider: null,
      cognitoIdentityAuthType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      sourceIp: ['127.0.0.1'],
      userArn: 'arn:aws:iam::000000000000:root',
      username: '000000000000',
    });
    expect(lastLog(todo)).toMatch(/mode=AWS_IAM principal=arn:aws:iam::000000000000:root \(admin\).*Query\.listTodos allowed: admin.* -> 200/);
  });

  test('a role runs CREATE_TODO as an assumed-role session', async () => {
    const response = await send(await signed(todoUrl(), gql(CREATE_TODO, { input: { name: 'iam todo' } }), role(DENY_DELETE_ROLE)));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ data: { createTodo: { id: expect.any(String), name: 'iam todo', createdAt: '2024-05-01T12:00:00.000Z' } } });
    const identity = todo.invocations[todo.invocations.length - 1].event.identity as Record<string, unknown>;
    expect(identity.userArn).toBe(`arn:aws:sts::000000000000:assumed-role/${DENY_DELETE_ROLE.roleName}/${DENY_DELETE_ROLE.roleName}`);
    expect(identity.username).toMatch(/^AROA[A-Z2-7]{17}:/);
  });

  const tamperings: Array<[string, (request: PreparedRequest) => PreparedRequest]> = [
    ['the body', (r) => ({ ...r, body: gql('query LIST_TODOS { listTodos { items { id } } }') })],
    ['a signed header', (r) => ({ ...r, headers: { ...r.headers, 'x-client': 'tampered' } })],
    ['the path', (r) => ({ ...r, url: r.url.replace('/graphql', `/apis/${TODO_API_ID}/graphql`) })],
    ['the query', (r) => ({ ...r, url: `${r.url.split('?')[0]}?page=2` })],
    ['X-Amz-Date', (r) => ({ ...r, headers: { ...r.headers, 'x-amz-date': '20240501T120001Z' } })],
  ];
  test.each(tamperings)('a request whose %s changed after signing: 403 InvalidSignatureException', async (_what, tamper) => {
    const request = await signed(`${todoUrl()}?page=1`, gql(LIST_TODOS), role(DENY_DELETE_ROLE), { headers: { 'x-client': 'original' } });
    const response = await send(tamper(request));
    expect(response.status).toBe(403);
    const body = response.json as { errors: Array<Record<string, string>> };
    expect(Object.keys(body)).toEqual(['errors']);
    expect(Object.keys(body.errors[0])).toEqual(['errorType', 'message']);
    expect(body.errors[0].errorType).toBe('InvalidSignatureException');
    expect(body.errors[0].message.startsWith(MISMATCH_PREFIX)).toBe(true);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    // The canonical request AWS quotes back has the session token redacted.
    expect(response.text).not.toContain(DENY_DELETE_ROLE.credentials.sessionToken);
    expect(response.text).toContain('x-amz-security-token:<redacted>');
  });

  test('signed with the wrong secret: 403 InvalidSignatureException', async () => {
    const response = await send(await signed(todoUrl(), gql(LIST_TODOS), { ...ADMIN, secretAccessKey: 'wrong/secret' }));
    expect(response.status).toBe(403);
    expect((response.json as { errors: Array<{ errorType: string; message: string }> }).errors[0]).toMatchObject({
      errorType: 'InvalidSignatureException',
      message: expect.stringMatching(/^The request signature we calculated does not match/),
    });
  });

  test.each([
    ['a wrong session token', { ...role(LIST_ONLY_ROLE), sessionToken: 'IQoJforged' }],
    ['no session token', { accessKeyId: LIST_ONLY_ROLE.credentials.accessKeyId, secretAccessKey: LIST_ONLY_ROLE.credentials.secretAccessKey }],
    ['an unknown access key', { accessKeyId: 'AKIAUNKNOWNEXAMPLE01', secretAccessKey: 'whatever' }],
    ["the admin's keys with a session token", { ...ADMIN, sessionToken: 'IQoJnotneeded' }],
  ])('%s: 403 UnrecognizedClientException', async (_what, credentials) => {
    const response = await send(await signed(todoUrl(), gql(LIST_TODOS), credentials));
    expect(response.status).toBe(403);
    expect(response.text).toBe(INVALID_TOKEN);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnrecognizedClientException');
  });

  test('signed 6 minutes before the server clock: 403 Signature expired', async () => {
    const response = await send(await signed(todoUrl(), gql(LIST_TODOS), ADMIN, { signingDate: new Date(NOW.getTime() - 6 * 60_000) }));
    expect(response.status).toBe(403);
    expect(response.text).toBe(
      '{"errors":[{"errorType":"InvalidSignatureException","message":"Signature expired: 20240501T115400Z is now earlier than 20240501T115500Z (20240501T120000Z - 5 min.)"}]}',
    );
  });

  test('signed 6 minutes after the server clock: 403 Signature not yet current', async () => {
    const response = await send(await signed(todoUrl(), gql(LIST_TODOS), ADMIN, { signingDate: new Date(NOW.getTime() + 6 * 60_000) }));
    expect(response.status).toBe(403);
    expect(response.text).toBe(
      '{"errors":[{"errorType":"InvalidSignatureException","message":"Signature not yet current: 20240501T120600Z is still later than 20240501T120500Z (20240501T120000Z + 5 min.)"}]}',
    );
  });

  test('a GET query signed with its query string works', async () => {
    const url = `${todoUrl()}?query=${encodeURIComponent('{ listTodos { items { id } } }')}`;
    const response = await send(await signed(url, undefined, ADMIN, { method: 'GET' }));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ data: { listTodos: { items: expect.arrayContaining([{ id: 't1' }]) } } });
    expect(lastLog(todo)).toMatch(/ GET \/graphql .*principal=arn:aws:iam::000000000000:root/);
  });
});

describe('IAM policies (appsync:GraphQL per top-level field)', () => {
  test('a role allowed listTodos only: listTodos runs', async () => {
    const response = await send(await signed(todoUrl(), gql(LIST_TODOS), role(LIST_ONLY_ROLE)));
    expect(response.status).toBe(200);
    expect(lastLog(todo)).toContain('Query.listTodos allowed by Callers-test/ListOnlyRole/DefaultPolicy (Sid ListTodos, statement 0)');
  });

  test('a role allowed listTodos only: getTodo is 401 Permission denied', async () => {
    const response = await send(await signed(todoUrl(), gql('{ getTodo(id: "t1") { id } }'), role(LIST_ONLY_ROLE)));
    expect(response.status).toBe(401);
    expect(response.text).toBe(PERMISSION_DENIED);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    expect(lastLog(todo)).toContain(`Query.getTodo implicitly denied: no statement allows appsync:GraphQL on ${TODO_API_ARN}/types/Query/fields/getTodo`);
  });

  test('one refused field refuses the whole request (nothing runs)', async () => {
    const before = todo.invocations.length;
    const response = await send(await signed(todoUrl(), gql('{ listTodos { items { id } } getTodo(id: "t1") { id } }'), role(LIST_ONLY_ROLE)));
    expect(response.status).toBe(401);
    expect(response.text).toBe(PERMISSION_DENIED);
    expect(todo.invocations.length).toBe(before);
  });

  test('fields reached through fragments are checked too', async () => {
    const response = await send(await signed(todoUrl(), gql('query { ...F } fragment F on Query { getTodo(id: "t1") { id } }'), role(LIST_ONLY_ROLE)));
    expect(response.status).toBe(401);
  });

  test('an explicit Deny wins over an allowing wildcard', async () => {
    const response = await send(await signed(todoUrl(), gql('mutation { deleteTodo(input: { id: "nope" }) { id } }'), role(DENY_DELETE_ROLE)));
    expect(response.status).toBe(401);
    expect(response.text).toBe(PERMISSION_DENIED);
    expect(lastLog(todo)).toContain('Mutation.deleteTodo explicitly denied by Callers-test/DenyDeleteRole/NoDelete (Sid NoDelete, statement 0)');
  });

  test('a .../types/Query/* wildcard allows every query and no mutation', async () => {
    expect((await send(await signed(todoUrl(), gql('{ getTodo(id: "t1") { id } listTodos { nextToken } }'), role(QUERY_WILDCARD_ROLE)))).status).toBe(200);
    const response = await send(await signed(todoUrl(), gql(CREATE_TODO, { input: { name: 'x' } }), role(QUERY_WILDCARD_ROLE)));
    expect(response.status).toBe(401);
    expect(response.text).toBe(PERMISSION_DENIED);
  });
});

describe('@aws_* directives (per field, every level)', () => {
  test('a field with only @aws_iam, asked with the API key: null and an Unauthorized error; the rest resolves', async () => {
    const response = await withKey(extraUrl(), gql('{ open secret }'));
    expect(response.status).toBe(200);
    expect(response.text).toBe(
      '{"data":{"open":"open!","secret":null},"errors":[{"path":["secret"],"data":null,"errorType":"Unauthorized","errorInfo":null,"locations":[{"line":1,"column":8,"sourceName":null}],"message":"Not Authorized to access secret on type Query"}]}',
    );
    expect(lastLog(extra)).toContain('field Query.secret refused to API_KEY (@aws_iam on field Query.secret)');
  });

  test('the same field with IAM resolves; a field with no directive is open to the default mode only', async () => {
    const response = await send(await signed(extraUrl(), gql('{ secret open }'), ADMIN));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      data: { secret: 'secret!', open: null },
      errors: [
        {
          path: ['open'],
          data: null,
          errorType: 'Unauthorized',
          errorInfo: null,
          locations: [{ line: 1, column: 10, sourceName: null }],
          message: 'Not Authorized to access open on type Query',
        },
      ],
    });
  });

  test('nested fields: the field directive overrides its type, the type directive covers the rest', async () => {
    const response = await withKey(extraUrl(), gql('{ nested { visible hidden inner { x } } }'));
    expect(response.json).toEqual({
      data: { nested: { visible: 'v', hidden: null, inner: { x: null } } },
      errors: [
        {
          path: ['nested', 'hidden'],
          data: null,
          errorType: 'Unauthorized',
          errorInfo: null,
          locations: [{ line: 1, column: 20, sourceName: null }],
          message: 'Not Authorized to access hidden on type Outer',
        },
        {
          path: ['nested', 'inner', 'x'],
          data: null,
          errorType: 'Unauthorized',
          errorInfo: null,
          locations: [{ line: 1, column: 35, sourceName: null }],
          message: 'Not Authorized to access x on type Inner',
        },
      ],
    });
  });
});

describe('request bodies', () => {
  test('empty body: 400', async () => {
    const response = await withKey(todoUrl(), '');
    expect(response.status).toBe(400);
    expect(response.text).toBe(EMPTY_BODY);
  });

  test.each([
    ['meow'],
    ['{}'],
    ['[]'],
    [JSON.stringify([{ query: '{ listTodos { nextToken } }' }])],
    ['{"query": 42}'],
    ['{"query":"{ listTodos { nextToken } }","variables":[1]}'],
    ['null'],
  ])('not a GraphQL request (%s): 400', async (body) => {
    const response = await withKey(todoUrl(), body);
    expect(response.status).toBe(400);
    expect(response.text).toBe(UNPARSABLE);
  });

  test('invalid UTF-8: 400', async () => {
    // A well-formed request but for one byte that is not UTF-8 (inside a GraphQL comment).
    const body = Buffer.concat([Buffer.from('{"query":"{ listTodos { nextToken } } #'), Buffer.from([0xff]), Buffer.from('"}')]);
    const response = await withKey(todoUrl(), new Uint8Array(body));
    expect(response.status).toBe(400);
    expect(response.text).toBe(UNPARSABLE);
  });

  test('a body over the limit: 413', async () => {
    const response = await withKey(extraUrl(), gql(`{ open } # ${'x'.repeat(8000)}`));
    expect(response.status).toBe(413);
    expect(response.json).toEqual({
      errors: [{ message: 'Request body is too large: the local AppSync endpoint accepts at most 4096 bytes.', errorType: 'PayloadTooLargeException' }],
    });
  });

  test('variables as a JSON string are accepted; the content type is not checked', async () => {
    const body = JSON.stringify({ query: 'query Q($id: ID!) { getTodo(id: $id) { id } }', variables: JSON.stringify({ id: 't1' }) });
    const response = await post(todoUrl(), body, { 'x-api-key': VALID_KEY, 'content-type': 'text/plain' });
    expect(response.json).toEqual({ data: { getTodo: { id: 't1' } } });
  });

  test('GET /graphql?query=… runs a query; a mutation over GET is refused', async () => {
    const query = encodeURIComponent('{ getTodo(id: "t1") { name } }');
    const ok = await send({ url: `${todoUrl()}?query=${query}`, method: 'GET', headers: { 'x-api-key': VALID_KEY }, body: undefined });
    expect(ok.json).toEqual({ data: { getTodo: { name: 'first' } } });
    const mutation = encodeURIComponent('mutation { deleteTodo(input: { id: "t1" }) { id } }');
    const refused = await send({ url: `${todoUrl()}?query=${mutation}`, method: 'GET', headers: { 'x-api-key': VALID_KEY }, body: undefined });
    expect(refused.status).toBe(405);
  });

  test('routes: /apis/<id>/graphql always, /graphql with one API, anything else 404', async () => {
    expect((await withKey(`${todo.base}/apis/${TODO_API_ID}/graphql`, gql('{ listTodos { nextToken } }'))).json).toEqual({
      data: { listTodos: { nextToken: null } },
    });
    expect((await withKey(`${todo.base}/apis/unknown/graphql`, gql('{ listTodos { nextToken } }'))).status).toBe(404);
    expect((await withKey(`${todo.base}/nope`, gql('{ listTodos { nextToken } }'))).status).toBe(404);
  });

  test('OPTIONS answers the CORS preflight; PUT is 405', async () => {
    const preflight = await send({ url: todoUrl(), method: 'OPTIONS', headers: {}, body: undefined });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-api-key');
    expect((await send({ url: todoUrl(), method: 'PUT', headers: { 'x-api-key': VALID_KEY }, body: '{}' })).status).toBe(405);
  });
});

describe('GraphQL errors', () => {
  test('unknown field: AppSync validation error, data null', async () => {
    const response = await withKey(todoUrl(), gql('{x}'));
    expect(response.status).toBe(200);
    expect(response.text).toBe(
      '{"data":null,"errors":[{"path":null,"locations":[{"line":1,"column":2,"sourceName":null}],"message":"Validation error of type FieldUndefined: Field \'x\' in type \'Query\' is undefined @ \'x\'"}]}',
    );
  });

  test('an unknown nested field names its path', async () => {
    const response = await withKey(todoUrl(), gql('{ listTodos { items { colour } } }'));
    expect((response.json as { errors: Array<{ message: string }> }).errors[0].message).toBe(
      "Validation error of type FieldUndefined: Field 'colour' in type 'Todo' is undefined @ 'listTodos/items/colour'",
    );
  });

  test.each([
    ['{ getTodo { id } }', "Validation error of type MissingFieldArgument: Missing field argument id @ 'getTodo'"],
    ['{ getTodo(id: "1", x: 1) { id } }', "Validation error of type UnknownArgument: Unknown field argument x @ 'getTodo'"],
    ['{ getTodo(id: "1") }', "Validation error of type SubSelectionRequired: Sub selection required for type Todo of field getTodo @ 'getTodo'"],
    ['query Q($n: Int) { listTodos { nextToken } }', 'Validation error of type UnusedVariable: Unused variable n'],
    [
      '{ listTodos(limit: "ten") { nextToken } }',
      "Validation error of type WrongType: argument 'limit' with value 'StringValue{value='ten'}' is not a valid 'Int' @ 'listTodos'",
    ],
  ])('%s → %s', async (query, message) => {
    const response = await withKey(todoUrl(), gql(query));
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ data: null, errors: [{ path: null, message }] });
  });

  test('a syntax error', async () => {
    const response = await withKey(todoUrl(), gql('{ listTodos { '));
    expect(response.json).toEqual({
      data: null,
      errors: [{ path: null, locations: [{ line: 1, column: 15, sourceName: null }], message: "Invalid Syntax : offending token '<EOF>' at line 1 column 15" }],
    });
  });

  test('an invalid AWSDateTime variable is refused as AppSync does', async () => {
    const response = await withKey(extraUrl(), gql('query Q($at: AWSDateTime!) { when(at: $at) }', { at: '2024-05-01 12:00' }));
    expect(response.status).toBe(200);
    expect(response.text).toBe(
      '{"data":null,"errors":[{"path":null,"locations":[{"line":1,"column":9,"sourceName":null}],"message":"Variable \'at\' has an invalid value. Unable to parse `2024-05-01 12:00` as a valid DateTime Object."}]}',
    );
  });

  test('an invalid AWSDateTime literal is a WrongType validation error', async () => {
    const response = await withKey(extraUrl(), gql('{ when(at: "2024-02-30T00:00:00Z") }'));
    expect(response.json).toEqual({
      data: null,
      errors: [
        {
          path: null,
          locations: [{ line: 1, column: 12, sourceName: null }],
          message:
            "Validation error of type WrongType: argument 'at' with value 'StringValue{value='2024-02-30T00:00:00Z'}' is not a valid 'AWSDateTime' @ 'when'",
        },
      ],
    });
  });

  test('valid AWS scalars pass; AWSJSON reaches the Lambda parsed', async () => {
    const response = await withKey(
      extraUrl(),
      gql(
        'query Q($data: AWSJSON) { when(at: "2024-05-01T12:00+02:00") echo(text: "t", data: $data, day: "2024-02-29Z", mail: "a@b.c", phone: "+44 20 7946 0958", ip: "10.0.0.0/8", url: "https://example.com/a", ts: 1714564800, time: "12:30:00.123Z") }',
        {
          data: '{"a":[1,2]}',
        },
      ),
    );
    expect(response.status).toBe(200);
    const data = (response.json as { data: { when: string; echo: string } }).data;
    expect(data.when).toBe('at 2024-05-01T12:00+02:00');
    expect(JSON.parse(data.echo)).toEqual({
      text: 't',
      count: null,
      data: { a: [1, 2] },
      day: '2024-02-29Z',
      mail: 'a@b.c',
      phone: '+44 20 7946 0958',
      ip: '10.0.0.0/8',
      url: 'https://example.com/a',
      ts: 1714564800,
      time: '12:30:00.123Z',
    });
  });

  test('a value the Lambda returns for an AWSDateTime that is not one: a serialization error', async () => {
    const response = await withKey(extraUrl(), gql('{ badDate open }'));
    expect(response.json).toEqual({
      data: { badDate: null, open: 'open!' },
      errors: [
        { path: ['badDate'], locations: null, message: "Can't serialize value (/badDate) : Unable to serialize `yesterday` as a valid DateTime Object." },
      ],
    });
  });

  test('unknown operationName', async () => {
    const response = await withKey(todoUrl(), gql(LIST_TODOS, undefined, 'NOPE'));
    expect(response.json).toEqual({ data: null, errors: [{ path: null, locations: null, message: "Unknown operation named 'NOPE'." }] });
  });

  test('a subscription over HTTP is answered with an error', async () => {
    const response = await withKey(extraUrl(), gql('subscription { onTouch }'));
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ data: null, errors: [{ errorType: 'UnsupportedOperation', message: expect.stringContaining('real-time') }] });
  });

  test('a resolver the local cloud cannot run: a field error saying so', async () => {
    const response = await withKey(extraUrl(), gql('{ unsupported open }'));
    expect(response.json).toEqual({
      data: { unsupported: null, open: 'open!' },
      errors: [
        {
          path: ['unsupported'],
          data: null,
          errorType: 'UnsupportedResolver',
          errorInfo: null,
          locations: [{ line: 1, column: 3, sourceName: null }],
          message:
            'The resolver of Query.unsupported cannot run in the local cloud: resolvers with mapping templates or code are not emulated (direct Lambda resolvers are).',
        },
      ],
    });
  });
});

describe('Lambda resolvers', () => {
  test('a Lambda error: the field is null with Lambda:Unhandled, the other fields resolve', async () => {
    const response = await withKey(todoUrl(), gql('query { a: getTodo(id: "boom") { id } b: getTodo(id: "t1") { id } }'));
    expect(response.status).toBe(200);
    expect(response.text).toBe(
      '{"data":{"a":null,"b":{"id":"t1"}},"errors":[{"path":["a"],"data":null,"errorType":"Lambda:Unhandled","errorInfo":null,"locations":[{"line":1,"column":9,"sourceName":null}],"message":"Todo boom exploded"}]}',
    );
  });

  test('a null in a non-null field bubbles up to the nearest nullable parent', async () => {
    const response = await withKey(todoUrl(), gql('{ getTodo(id: "broken") { id createdAt } }'));
    expect(response.json).toEqual({
      data: { getTodo: null },
      errors: [
        {
          path: ['getTodo', 'createdAt'],
          locations: null,
          message: "Cannot return null for non-nullable type: 'AWSDateTime' within parent 'Todo' (/getTodo/createdAt)",
        },
      ],
    });
  });

  test('the execution limit: a slow field times out, the others resolve', async () => {
    const started = Date.now();
    const response = await withKey(extraUrl(), gql('{ slow open }'));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(response.text).toBe(
      '{"data":{"slow":null,"open":"open!"},"errors":[{"path":["slow"],"data":null,"errorType":"Lambda:ExecutionTimeoutException","errorInfo":null,"locations":[{"line":1,"column":3,"sourceName":null}],"message":"Execution timed out."}]}',
    );
  });

  test('the event: every key of the direct Lambda resolver event (API key: identity null, omitted arguments null)', async () => {
    await withKey(todoUrl(), gql('query LIST($limit: Int) { listTodos(limit: $limit) { items { id name } nextToken } }', { limit: 5 }), VALID_KEY);
    const { functionArn, event } = todo.invocations[todo.invocations.length - 1];
    expect(functionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:TodoFunction');
    expect(Object.keys(event)).toEqual(['arguments', 'identity', 'source', 'request', 'info', 'prev', 'stash']);
    expect(event.arguments).toEqual({ filter: null, limit: 5, nextToken: null });
    expect(event.identity).toBeNull();
    expect(event.source).toBeNull();
    expect(Object.keys(event.request)).toEqual(['headers', 'domainName']);
    expect(event.request.domainName).toBeNull();
    expect(event.request.headers).toMatchObject({ 'x-api-key': VALID_KEY, 'content-type': 'application/json', host: todo.base.replace('http://', '') });
    expect(event.info).toEqual({
      fieldName: 'listTodos',
      parentTypeName: 'Query',
      variables: { limit: 5 },
      selectionSetList: ['items', 'items/id', 'items/name', 'nextToken'],
      selectionSetGraphQL: '{\n  items {\n    id\n    name\n  }\n  nextToken\n}',
    });
    expect(event.prev).toBeNull();
    expect(event.stash).toEqual({});
  });

  test('the event of a mutation with variables', async () => {
    await withKey(todoUrl(), gql(CREATE_TODO, { input: { name: 'n' } }));
    const { event } = todo.invocations[todo.invocations.length - 1];
    expect(event.arguments).toEqual({ input: { name: 'n' }, condition: null });
    expect(event.info).toMatchObject({
      fieldName: 'createTodo',
      parentTypeName: 'Mutation',
      variables: { input: { name: 'n' } },
      selectionSetList: ['id', 'name', 'createdAt'],
    });
  });
});

describe('log lines', () => {
  test('one line per request, and no secret, token, API key or signature in any of them', () => {
    const lines = [...todo.logs, ...extra.logs];
    expect(lines.length).toBeGreaterThan(40);
    for (const line of lines) {
      expect(line).toMatch(/^appsync [0-9a-f-]{36} [A-Z]+ \S+ .* -> \d{3} \(\d+ ms\)$/);
      expect(line).not.toContain('\n');
      for (const secret of [...allSecrets(), ...signatures.filter((s) => s !== '')]) expect(line).not.toContain(secret);
    }
  });
});
