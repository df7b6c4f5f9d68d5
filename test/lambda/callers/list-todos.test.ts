/** The listTodos caller, in both auth modes, against the fake AppSync: every status code it answers. */
import { createListTodosHandler } from '../../../lambda/callers/list-todos';
import { AUTH_MODES, callerEnvironment, FAST_RUNTIME, invoke, logRecord, runtimeFor, TEST_CREDENTIALS, useCallerHarness } from '../../support/caller-harness';
import { closedPort } from '../../support/closed-port';

const harness = useCallerHarness();

describe.each(AUTH_MODES)('with %s', (mode) => {
  const handler = () => createListTodosHandler(runtimeFor(callerEnvironment(mode, harness.server.url)));

  it('answers 200 with the GraphQL data, passing limit, nextToken and filter through', async () => {
    harness.server.seed({ id: 'a', name: 'first', description: null });
    harness.server.seed({ id: 'b', name: 'second', description: 'x' });
    const filter = { name: { contains: 's' } };
    const invocation = await invoke(harness, handler(), { limit: 1, filter });

    expect(invocation.statusCode).toBe(200);
    expect(invocation.body).toEqual({
      data: { listTodos: { items: [expect.objectContaining({ id: 'a', name: 'first' })], nextToken: expect.any(String) } },
    });
    expect(harness.server.requests[0]).toMatchObject({ auth: { mode }, operationName: 'ListTodos', variables: { limit: 1, filter } });

    const nextPage = await invoke(harness, handler(), {
      limit: 1,
      nextToken: (invocation.body.data as { listTodos: { nextToken: string } }).listTodos.nextToken,
    });
    expect(nextPage.body).toMatchObject({ data: { listTodos: { items: [expect.objectContaining({ id: 'b' })], nextToken: null } } });
  });

  it('logs one structured line per invocation, without secrets', async () => {
    const invocation = await invoke(harness, handler(), {});
    expect(logRecord(invocation)).toEqual({
      level: 'INFO',
      message: 'graphql caller invocation',
      operation: 'ListTodos',
      authMode: mode,
      apiName: 'TODOAPI',
      statusCode: 200,
      attempts: 1,
      durationMs: expect.any(Number),
      requestId: expect.stringMatching(/^req-/),
    });
  });

  it('answers 400 naming the wrong field for an invalid event, without calling the API', async () => {
    const invocation = await invoke(harness, handler(), { limit: 0, page: 2 });

    expect(invocation.statusCode).toBe(400);
    expect(invocation.body).toEqual({
      errorType: 'InvalidEvent',
      message:
        'Invalid ListTodos event: unknown field "page": the event accepts only limit, nextToken, filter; ' +
        'limit must be an integer from 1 to 1000, got the number 0',
    });
    expect(harness.server.requests).toHaveLength(0);
    expect(logRecord(invocation)).toMatchObject({ level: 'WARN', statusCode: 400, attempts: 0, errorName: 'InvalidEventError' });
  });

  it('answers 400 with the errors when the API answers GraphQL errors', async () => {
    const errors = [
      { path: ['listTodos'], data: null, errorType: 'Lambda:Unhandled', errorInfo: null, locations: [], message: 'InvalidNextTokenException: bad token' },
    ];
    harness.server.script({ kind: 'status', status: 200, body: JSON.stringify({ data: { listTodos: null }, errors }) });
    const invocation = await invoke(harness, handler(), { nextToken: 'bogus' });

    expect(invocation.statusCode).toBe(400);
    expect(invocation.body).toEqual({
      errorType: 'GraphqlErrors',
      message: 'ListTodos returned 1 GraphQL error: Lambda:Unhandled: InvalidNextTokenException: bad token',
      errors,
      data: { listTodos: null },
    });
  });

  it('answers 502 when the API keeps answering 5xx, after the retries', async () => {
    harness.server.script(
      ...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 500, body: '{"errors":[{"errorType":"InternalFailure","message":"boom"}]}' })),
    );
    const invocation = await invoke(harness, handler(), {});

    expect(invocation.statusCode).toBe(502);
    expect(invocation.body).toEqual({ errorType: 'ApiHttpError', message: 'ListTodos got HTTP 500 (InternalFailure: boom) after 3 attempts' });
    expect(logRecord(invocation)).toMatchObject({ level: 'ERROR', statusCode: 502, attempts: 3, errorName: 'GraphqlHttpError' });
  });

  it('answers 200 when a retry succeeds after a 5xx', async () => {
    harness.server.script({ kind: 'status', status: 503, body: '{}' });
    const invocation = await invoke(harness, handler(), {});
    expect(invocation.statusCode).toBe(200);
    expect(logRecord(invocation)).toMatchObject({ statusCode: 200, attempts: 2 });
  });

  it('answers 502 when the API answers something that is not a GraphQL response', async () => {
    harness.server.script({ kind: 'garbage' });
    const invocation = await invoke(harness, handler(), {});
    expect(invocation.statusCode).toBe(502);
    expect(invocation.body).toEqual({ errorType: 'UnexpectedResponseError', message: 'ListTodos got HTTP 200 with a body that is not JSON (41 bytes)' });
  });

  it('answers 502 when the API cannot be reached', async () => {
    const unreachable = createListTodosHandler(runtimeFor(callerEnvironment(mode, `http://127.0.0.1:${await closedPort()}/graphql`)));
    const invocation = await invoke(harness, unreachable, {});

    expect(invocation.statusCode).toBe(502);
    expect(invocation.body).toEqual({ errorType: 'ApiUnreachableError', message: 'ListTodos could not reach the API (ECONNREFUSED) after 3 attempts' });
  });

  it('answers 504 when the API does not answer within the invocation time', async () => {
    harness.server.script({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
    const started = Date.now();
    // 1.4 s left: the handler keeps a 1 s margin, so the call gets 0.4 s in all.
    const invocation = await invoke(harness, handler(), {}, 1_400);

    expect(invocation.statusCode).toBe(504);
    expect(invocation.body).toMatchObject({ errorType: 'ApiTimeoutError', message: expect.stringMatching(/^ListTodos ran out of its deadline/) });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

it('answers 502 for a refused API key, saying which variable to check, never the key', async () => {
  const env = { ...callerEnvironment('API_KEY', harness.server.url), API_TODOAPI_GRAPHQLAPIKEYOUTPUT: 'da2-expiredkeyexpiredkey0123456' };
  const invocation = await invoke(harness, createListTodosHandler(runtimeFor(env)), {});

  expect(invocation.statusCode).toBe(502);
  expect(invocation.body).toEqual({
    errorType: 'ApiRefusedCredentials',
    message: expect.stringMatching(
      /^ListTodos got HTTP 401 \(UnauthorizedException: You are not authorized to make this call\.\) after 1 attempt\. Check that API_TODOAPI_GRAPHQLAPIKEYOUTPUT holds a current API key/,
    ),
  });
  expect(invocation.rawBody).not.toContain('da2-expiredkey');
  expect(invocation.logLines.join('\n')).not.toContain('da2-expiredkey');
});

it('answers 502 for a refused signature, pointing at the role, the region and the endpoint, never the secret', async () => {
  const wrongSecret = { ...TEST_CREDENTIALS, secretAccessKey: 'wrong-secret-access-key-0123456789abcd' };
  const runtime = runtimeFor(callerEnvironment('AWS_IAM', harness.server.url), { ...FAST_RUNTIME, credentials: wrongSecret });
  const invocation = await invoke(harness, createListTodosHandler(runtime), {});

  expect(invocation.statusCode).toBe(502);
  expect(invocation.body).toEqual({
    errorType: 'ApiRefusedCredentials',
    // AWS's mismatch message goes on over several lines (it quotes the canonical request): hence the `s` flag.
    message: expect.stringMatching(
      /^ListTodos got HTTP 403 \(InvalidSignatureException: The request signature we calculated does not match.*\) after 1 attempt\. Check that the function's execution role is allowed appsync:GraphQL on the fields it calls, that REGION \(eu-central-1\) is the API's region, and that API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT is this API\.$/s,
    ),
  });
  for (const secret of [wrongSecret.secretAccessKey, ...harness.signaturesSeen()]) {
    expect(invocation.rawBody).not.toContain(secret);
    expect(invocation.logLines.join('\n')).not.toContain(secret);
  }
});

it('answers 500 naming the variable when the settings are wrong, on every invocation', async () => {
  const handler = createListTodosHandler(runtimeFor({ REGION: 'eu-central-1' }));
  for (let invocationNumber = 0; invocationNumber < 2; invocationNumber += 1) {
    const invocation = await invoke(harness, handler, {});
    expect(invocation.statusCode).toBe(500);
    expect(invocation.body).toEqual({
      errorType: 'SettingsError',
      message: expect.stringMatching(/^No API_<NAME>_GRAPHQLAPIENDPOINTOUTPUT variable is set: set it to the https URL/),
    });
    expect(logRecord(invocation)).toMatchObject({ level: 'ERROR', authMode: 'unknown', statusCode: 500, errorName: 'SettingsError' });
  }
});

it('answers 500 without details for an unexpected failure, and logs what broke', async () => {
  const broken = createListTodosHandler(() => {
    throw new TypeError('cannot read properties of undefined');
  });
  const invocation = await invoke(harness, broken, {});
  expect(invocation).toMatchObject({ statusCode: 500, body: { errorType: 'InternalError', message: 'The caller failed unexpectedly (TypeError)' } });
  expect(logRecord(invocation)).toMatchObject({ errorName: 'TypeError', error: 'cannot read properties of undefined' });
});
