/**
 * The GraphQL client against a real HTTP server (test/support/fake-appsync.ts) that checks the API key and verifies
 * every SigV4 signature. Waits are recorded and shortened, never skipped: the server sees real retries.
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import { type ClientAuth, createGraphqlClient, type GraphqlClientConfig } from '../../../lambda/shared/graphql-client';
import {
  ApiTimeoutError,
  ApiUnreachableError,
  CredentialsUnavailableError,
  GraphqlHttpError,
  GraphqlResponseError,
  UnexpectedResponseError,
} from '../../../lambda/shared/graphql-errors';
import { CREATE_TODO, GET_TODO, LIST_TODOS } from '../../../lambda/shared/operations';
import { closedPort } from '../../support/closed-port';
import { type FakeAppSync, type RecordedRequest, startFakeAppSync } from '../../support/fake-appsync';

const API_KEY = 'da2-abcdefghijklmnopqrstuvwxyz';
const REGION = 'eu-west-1';
const CREDENTIALS: AwsCredentialIdentity = {
  accessKeyId: 'AKIDCLIENTTEST00001',
  secretAccessKey: 'client-test-secret/0123456789abcdefABCDEF',
  sessionToken: 'client-test-session-token-0123456789abcdefghijklmnop',
};
const ROTATED: AwsCredentialIdentity = {
  accessKeyId: 'AKIDCLIENTTEST00002',
  secretAccessKey: 'client-test-secret-rotated/9876543210zyxwv',
  sessionToken: 'client-test-session-token-rotated-9876543210',
};

let server: FakeAppSync;
let sleeps: number[];

beforeEach(async () => {
  sleeps = [];
  server = await startFakeAppSync({
    apiKey: API_KEY,
    region: REGION,
    iamCredentials: {
      [CREDENTIALS.accessKeyId]: { secretAccessKey: CREDENTIALS.secretAccessKey, sessionToken: CREDENTIALS.sessionToken },
      [ROTATED.accessKeyId]: { secretAccessKey: ROTATED.secretAccessKey, sessionToken: ROTATED.sessionToken },
    },
  });
});

afterEach(async () => {
  await server.close();
});

/** Real (short) waits, recorded, so tests can check the backoff the client chose. */
async function recordingSleep(ms: number): Promise<void> {
  sleeps.push(ms);
  await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20)));
}

function client(auth: ClientAuth, overrides: Partial<GraphqlClientConfig> = {}) {
  return createGraphqlClient({
    endpoint: server.url,
    auth,
    requestTimeoutMs: 2_000,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
    minAttemptMs: 0,
    random: () => 0.5,
    sleep: recordingSleep,
    ...overrides,
  });
}

const apiKeyAuth: ClientAuth = { mode: 'API_KEY', apiKey: API_KEY };
type IamCredentials = Extract<ClientAuth, { mode: 'AWS_IAM' }>['credentials'];
const iamAuth = (credentials: IamCredentials = CREDENTIALS): ClientAuth => ({
  mode: 'AWS_IAM',
  region: REGION,
  credentials,
});

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('API key', () => {
  it('sends the key in x-api-key, which the server checks, and returns the data', async () => {
    server.seed({ id: 't1', name: 'Buy milk', description: null });
    const result = await client(apiKeyAuth).request(LIST_TODOS, { limit: 5 });

    expect(result).toEqual({ data: { listTodos: { items: [expect.objectContaining({ id: 't1', name: 'Buy milk' })], nextToken: null } }, attempts: 1 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ auth: { mode: 'API_KEY' }, operationName: 'ListTodos', variables: { limit: 5 } });
    expect(server.requests[0].headers['x-api-key']).toBe(API_KEY);
    expect(server.requests[0].headers.authorization).toBeUndefined();
  });

  it('fails with the HTTP status and AppSync error type for a wrong key, without retrying or echoing the key', async () => {
    const wrongKey = 'da2-zzzzzzzzzzzzzzzzzzzzzzzzzz';
    const error = await caught(client({ mode: 'API_KEY', apiKey: wrongKey }).request(LIST_TODOS, {}));

    expect(error).toBeInstanceOf(GraphqlHttpError);
    expect(error).toMatchObject({
      name: 'GraphqlHttpError',
      status: 401,
      errorType: 'UnauthorizedException',
      apiMessage: 'You are not authorized to make this call.',
      attempts: 1,
      isAuthFailure: true,
    });
    expect(server.requests).toHaveLength(1);
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain(wrongKey);
  });
});

describe('IAM (SigV4)', () => {
  it('signs host, content-type and the body with service appsync and the region; the server verifies the signature', async () => {
    await client(iamAuth()).request(GET_TODO, { id: 'missing' });

    const [request] = server.requests;
    expect(request.auth).toEqual({
      mode: 'AWS_IAM',
      accessKeyId: CREDENTIALS.accessKeyId,
      signedHeaders: ['content-type', 'host', 'x-amz-date', 'x-amz-security-token'],
    });
    expect(request.headers.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/\\d{8}/${REGION}/appsync/aws4_request, `),
    );
    expect(request.headers['x-api-key']).toBeUndefined();
  });

  it('sends the session token as X-Amz-Security-Token when the credentials have one, and none otherwise', async () => {
    await client(iamAuth()).request(GET_TODO, { id: 'a' });
    expect(server.requests[0].headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);

    const longTerm = { accessKeyId: 'AKIDLONGTERM0000001', secretAccessKey: 'long-term-secret-0123456789abcdef' };
    const other = await startFakeAppSync({ region: REGION, iamCredentials: { [longTerm.accessKeyId]: { secretAccessKey: longTerm.secretAccessKey } } });
    try {
      await createGraphqlClient({ endpoint: other.url, auth: { mode: 'AWS_IAM', region: REGION, credentials: longTerm } }).request(GET_TODO, { id: 'a' });
      expect(other.requests[0].headers['x-amz-security-token']).toBeUndefined();
      expect(other.requests[0].auth).toMatchObject({ mode: 'AWS_IAM', accessKeyId: longTerm.accessKeyId });
    } finally {
      await other.close();
    }
  });

  it('asks the credentials provider at call time, once per attempt, and signs each attempt with what it returns', async () => {
    const provided = [CREDENTIALS, ROTATED];
    let calls = 0;
    const provider = jest.fn(async (): Promise<AwsCredentialIdentity> => provided[Math.min(calls++, 1)]);
    const iamClient = client(iamAuth(provider));
    expect(provider).not.toHaveBeenCalled();

    server.script({ kind: 'status', status: 500, body: '{}' });
    await iamClient.request(LIST_TODOS, {});

    expect(provider).toHaveBeenCalledTimes(2);
    expect(server.requests.map((request) => request.auth)).toEqual([
      expect.objectContaining({ accessKeyId: CREDENTIALS.accessKeyId }),
      expect.objectContaining({ accessKeyId: ROTATED.accessKeyId }),
    ]);
  });

  it('is refused with 403 InvalidSignatureException when signed with a wrong secret, without retrying', async () => {
    const wrongSecret = { ...CREDENTIALS, secretAccessKey: 'not-the-secret-0123456789abcdef' };
    const error = await caught(client(iamAuth(wrongSecret)).request(LIST_TODOS, {}));

    expect(error).toMatchObject({ name: 'GraphqlHttpError', status: 403, errorType: 'InvalidSignatureException', attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('is refused with 403 UnrecognizedClientException when the session token is not the one issued', async () => {
    const error = await caught(client(iamAuth({ ...CREDENTIALS, sessionToken: 'stale-session-token-0123456789' })).request(LIST_TODOS, {}));
    expect(error).toMatchObject({ status: 403, errorType: 'UnrecognizedClientException' });
  });

  it('reports a failing credentials provider as CredentialsUnavailableError without sending anything', async () => {
    const provider = async (): Promise<AwsCredentialIdentity> => {
      throw new Error('Could not load credentials from any providers');
    };
    const error = await caught(client(iamAuth(provider)).request(LIST_TODOS, {}));

    expect(error).toBeInstanceOf(CredentialsUnavailableError);
    expect(error).toMatchObject({ attempts: 1 });
    expect(server.requests).toHaveLength(0);
  });
});

describe('retries', () => {
  it('retries 500 and 429 with full-jitter backoff, then returns the data', async () => {
    server.script({ kind: 'status', status: 500, body: '{}' }, { kind: 'status', status: 429, body: '{}' });
    const result = await client(apiKeyAuth, { random: () => 0.75 }).request(LIST_TODOS, {});

    expect(result.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
    // random × min(cap 40, base 10 × 2^retry): 0.75 × 10, 0.75 × 20.
    expect(sleeps).toEqual([7, 15]);
  });

  it('keeps every wait between 0 and the capped exponential, whatever the random draw', async () => {
    const draws = [0, 0.999999, 0.5, 0.999999, 0.25];
    let next = 0;
    const random = () => draws[next++ % draws.length];
    server.script(...Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 503, body: '{}' })));
    const result = await client(apiKeyAuth, { random, retry: { maxAttempts: 6, baseDelayMs: 10, maxDelayMs: 40 } }).request(LIST_TODOS, {});

    expect(result.attempts).toBe(6);
    const ceilings = [10, 20, 40, 40, 40];
    sleeps.forEach((delay, retry) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(ceilings[retry]);
    });
    expect(sleeps).toEqual([0, 19, 20, 39, 10]);
  });

  it('honours Retry-After within the cap', async () => {
    server.script(
      { kind: 'status', status: 429, body: '{}', headers: { 'retry-after': '0.025' } },
      { kind: 'status', status: 503, body: '{}', headers: { 'retry-after': '120' } },
    );
    await client(apiKeyAuth).request(LIST_TODOS, {});
    expect(sleeps).toEqual([25, 40]);
  });

  it('gives up after maxAttempts with the last HTTP status and AppSync error type', async () => {
    const unavailable = JSON.stringify({ errors: [{ errorType: 'ServiceUnavailableException', message: 'try later' }] });
    server.script(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 503, body: unavailable })));
    const error = await caught(client(apiKeyAuth).request(LIST_TODOS, {}));

    expect(error).toMatchObject({ name: 'GraphqlHttpError', status: 503, errorType: 'ServiceUnavailableException', apiMessage: 'try later', attempts: 3 });
    expect(server.requests).toHaveLength(3);
  });

  it('retries a dropped connection for a query', async () => {
    server.script({ kind: 'destroy' });
    const result = await client(apiKeyAuth).request(LIST_TODOS, {});
    expect(result.attempts).toBe(2);
  });

  it('does not retry a mutation that is not declared idempotent, whatever the failure', async () => {
    server.script({ kind: 'status', status: 500, body: '{}' });
    await expect(client(apiKeyAuth).request(CREATE_TODO, { input: { name: 'a' } })).rejects.toMatchObject({ status: 500, attempts: 1 });

    server.script({ kind: 'destroy', afterHandling: true });
    await expect(client(apiKeyAuth).request(CREATE_TODO, { input: { name: 'b' } })).rejects.toBeInstanceOf(ApiUnreachableError);

    expect(server.requests).toHaveLength(2);
    expect(server.createdCount).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('retries an idempotent create whose answer was lost; the retry finds it written, and nothing is duplicated', async () => {
    server.script({ kind: 'destroy', afterHandling: true });
    const error = await caught(client(apiKeyAuth).request(CREATE_TODO, { input: { id: 'fixed-id', name: 'a' } }, { idempotent: true }));

    expect(error).toBeInstanceOf(GraphqlResponseError);
    expect(error).toMatchObject({ attempts: 2, earlierAttemptMayHaveApplied: true });
    expect((error as GraphqlResponseError).errors[0].message).toMatch(/^ConditionalCheckFailedException/);
    expect(server.requests).toHaveLength(2);
    expect(server.createdCount).toBe(1);
  });

  it('does not count a refused connection or a 429 as possibly applied', async () => {
    server.script({ kind: 'status', status: 429, body: '{}' });
    server.seed({ id: 'taken', name: 'x', description: null });
    const error = await caught(client(apiKeyAuth).request(CREATE_TODO, { input: { id: 'taken', name: 'a' } }, { idempotent: true }));
    expect(error).toMatchObject({ name: 'GraphqlResponseError', attempts: 2, earlierAttemptMayHaveApplied: false });
  });
});

describe('answers that are not data', () => {
  it('turns GraphQL errors in a 200 into GraphqlResponseError with errors and data, without retrying', async () => {
    server.seed({ id: 'dup', name: 'x', description: null });
    const error = await caught(client(apiKeyAuth).request(CREATE_TODO, { input: { id: 'dup', name: 'y' } }, { idempotent: true }));

    expect(error).toBeInstanceOf(GraphqlResponseError);
    expect(error).toMatchObject({
      attempts: 1,
      data: { createTodo: null },
      errors: [
        { errorType: 'Lambda:Unhandled', path: ['createTodo'], message: expect.stringMatching(/^ConditionalCheckFailedException: .*'dup' already exists$/) },
      ],
    });
    expect(server.requests).toHaveLength(1);
  });

  it('reports a body that is not JSON as UnexpectedResponseError, without retrying', async () => {
    server.script({ kind: 'garbage' });
    const error = await caught(client(apiKeyAuth).request(LIST_TODOS, {}));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error).toMatchObject({ status: 200, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('reports JSON without data or errors as UnexpectedResponseError', async () => {
    server.script({ kind: 'status', status: 200, body: '{"hello":"world"}' });
    await expect(client(apiKeyAuth).request(LIST_TODOS, {})).rejects.toBeInstanceOf(UnexpectedResponseError);
  });

  it('reports a non-2xx without an AppSync body by status and x-amzn-ErrorType header', async () => {
    server.script({ kind: 'status', status: 400, body: 'nope', headers: { 'x-amzn-ErrorType': 'BadRequestException:http://internal/' } });
    await expect(client(apiKeyAuth).request(LIST_TODOS, {})).rejects.toMatchObject({ status: 400, errorType: 'BadRequestException', apiMessage: undefined });
  });
});

describe('time limits', () => {
  it('times out a hanging request per attempt and retries it, then reports ApiTimeoutError', async () => {
    server.script({ kind: 'hang' }, { kind: 'hang' });
    const started = Date.now();
    const error = await caught(client(apiKeyAuth, { requestTimeoutMs: 150, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }).request(LIST_TODOS, {}));

    expect(error).toBeInstanceOf(ApiTimeoutError);
    expect(error).toMatchObject({ timeoutCause: 'request-timeout', timeoutMs: 150, attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('times out a response whose body stalls after the headers', async () => {
    server.script({ kind: 'delay', ms: 400 });
    await expect(client(apiKeyAuth, { requestTimeoutMs: 100, retry: { maxAttempts: 1 } }).request(LIST_TODOS, {})).rejects.toBeInstanceOf(ApiTimeoutError);
  });

  it('cuts the last attempt short at the deadline', async () => {
    server.script({ kind: 'hang' });
    const started = Date.now();
    const error = await caught(client(apiKeyAuth, { requestTimeoutMs: 5_000 }).request(LIST_TODOS, {}, { deadline: started + 250 }));

    expect(error).toMatchObject({ name: 'ApiTimeoutError', timeoutCause: 'deadline', attempts: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('does not start a retry whose wait would pass the deadline', async () => {
    server.script({ kind: 'status', status: 500, body: '{}' });
    const slowBackoff = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 1_000 };
    const started = Date.now();
    const error = await caught(
      client(apiKeyAuth, { retry: slowBackoff, random: () => 0.9, minAttemptMs: 100 }).request(LIST_TODOS, {}, { deadline: started + 500 }),
    );

    expect(error).toMatchObject({ name: 'GraphqlHttpError', status: 500, attempts: 1 });
    expect(sleeps).toEqual([]);
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('sends nothing when the deadline has already passed', async () => {
    const error = await caught(client(apiKeyAuth).request(LIST_TODOS, {}, { deadline: Date.now() - 1 }));
    expect(error).toMatchObject({ name: 'ApiTimeoutError', timeoutCause: 'deadline', attempts: 0 });
    expect(server.requests).toHaveLength(0);
  });
});

describe('unreachable API', () => {
  it('reports a closed port as ApiUnreachableError with the system code, after the retries a query allows', async () => {
    const port = await closedPort();
    const unreachable = createGraphqlClient({
      endpoint: `http://127.0.0.1:${port}/graphql`,
      auth: apiKeyAuth,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      sleep: recordingSleep,
    });
    const error = await caught(unreachable.request(LIST_TODOS, {}));

    expect(error).toBeInstanceOf(ApiUnreachableError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', attempts: 2, earlierAttemptMayHaveApplied: false });
    expect(sleeps).toHaveLength(1);
  });
});

describe('secrets', () => {
  it('never puts the API key into an error, even when the server echoes it', async () => {
    server.script({
      kind: 'status',
      status: 401,
      body: (request) => JSON.stringify({ errors: [{ errorType: 'UnauthorizedException', message: `bad key ${String(request.headers['x-api-key'])}` }] }),
    });
    const error = await caught(client(apiKeyAuth).request(LIST_TODOS, {}));
    expect(describeError(error)).not.toContain(API_KEY);
    expect((error as GraphqlHttpError).apiMessage).toBe('bad key [REDACTED]');
  });

  it('never puts the secret key, session token or signature into an error, even when the server echoes the request', async () => {
    // AWS's signature-mismatch message quotes the canonical request, session-token header included.
    const echo = (request: RecordedRequest) =>
      JSON.stringify({
        errors: [
          {
            errorType: 'InvalidSignatureException',
            message: `mismatch. The Canonical String should have been 'x-amz-security-token:${String(request.headers['x-amz-security-token'])}' for ${String(request.headers.authorization)} secret=${CREDENTIALS.secretAccessKey}`,
          },
        ],
      });
    server.script({ kind: 'status', status: 403, body: echo });
    const error = await caught(client(iamAuth()).request(LIST_TODOS, {}));

    const signature = /Signature=([0-9a-f]{64})/.exec(String(server.requests[0].headers.authorization))?.[1];
    expect(signature).toBeDefined();
    const text = describeError(error);
    for (const secret of [CREDENTIALS.secretAccessKey, CREDENTIALS.sessionToken, signature]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('InvalidSignatureException');
  });

  it('redacts echoed secrets in GraphQL error messages too', async () => {
    server.script({
      kind: 'status',
      status: 200,
      body: (request) => JSON.stringify({ data: null, errors: [{ message: `key was ${String(request.headers['x-api-key'])}` }] }),
    });
    const error = await caught(client(apiKeyAuth).request(LIST_TODOS, {}));
    expect(error).toBeInstanceOf(GraphqlResponseError);
    expect(describeError(error)).not.toContain(API_KEY);
  });
});

/** Everything an error would show in a log: message, stack and own properties. */
function describeError(error: unknown): string {
  const asError = error as Error;
  return `${asError.message}\n${asError.stack ?? ''}\n${JSON.stringify(error)}`;
}
