/**
 * The entry points the API-key callers are built from (`*.api-key.ts`), as Lambda loads them: they answer like the
 * plain handlers with the key, refuse a configuration without it (their bundle has no signer), and neither they nor
 * the IAM handlers inside Lambda load the Node credential provider chain.
 */
import { callerEnvironment, coldStart, invoke, logRecord, TEST_CREDENTIALS, useCallerHarness, useLambdaProcessEnvironment } from '../../support/caller-harness';

/** How many times the Node provider chain was created, whichever module instance (jest.isolateModules) created it. */
const mockChainCreations = { count: 0 };
jest.mock('@aws-sdk/credential-provider-node', () => {
  const actual = jest.requireActual<typeof import('@aws-sdk/credential-provider-node')>('@aws-sdk/credential-provider-node');
  return {
    ...actual,
    defaultProvider: (...args: Parameters<typeof actual.defaultProvider>) => {
      mockChainCreations.count += 1;
      return actual.defaultProvider(...args);
    },
  };
});

type Handler = typeof import('../../../lambda/callers/list-todos').handler;

const harness = useCallerHarness();
const lambdaEnv = useLambdaProcessEnvironment();

/** A new Lambda container of a caller, counting the provider chains it creates from now on. */
function coldStartCounted(callerModule: string): { handler: Handler } {
  mockChainCreations.count = 0;
  return coldStart<{ handler: Handler }>(callerModule);
}

it.each(['list-todos', 'create-todo'])('%s.api-key calls with the API key', async (name) => {
  process.env = { ...lambdaEnv.base(), ...callerEnvironment('API_KEY', harness.server.url) };
  const { handler } = coldStartCounted(`${name}.api-key`);

  const invocation = await invoke(harness, handler, name === 'list-todos' ? { limit: 3 } : { name: 'from the API-key entry' });

  expect(invocation.statusCode).toBe(200);
  expect(harness.server.requests.map((request) => request.auth)).toEqual([{ mode: 'API_KEY' }]);
  expect(logRecord(invocation)).toMatchObject({ authMode: 'API_KEY', statusCode: 200 });
  expect(mockChainCreations.count).toBe(0);
});

it('an API-key entry point without the key answers 500 naming the variable, and sends nothing', async () => {
  process.env = {
    ...lambdaEnv.base(),
    ...callerEnvironment('AWS_IAM', harness.server.url),
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  };
  const { handler } = coldStartCounted('list-todos.api-key');

  const invocation = await invoke(harness, handler, {});

  expect(invocation).toMatchObject({
    statusCode: 500,
    body: { errorType: 'SettingsError', message: expect.stringContaining('API_TODOAPI_GRAPHQLAPIKEYOUTPUT') },
  });
  expect(harness.server.requests).toHaveLength(0);
});

it('inside Lambda, an IAM caller signs with the role credentials from the environment without loading the provider chain', async () => {
  process.env = {
    ...lambdaEnv.base(),
    ...callerEnvironment('AWS_IAM', harness.server.url),
    AWS_LAMBDA_FUNCTION_NAME: 'listTodosIam',
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: TEST_CREDENTIALS.sessionToken,
  };
  const { handler } = coldStartCounted('list-todos');

  const first = await invoke(harness, handler, { limit: 3 });
  const second = await invoke(harness, handler, {});

  expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
  expect(harness.server.requests.map((request) => request.auth)).toEqual([
    expect.objectContaining({ mode: 'AWS_IAM', accessKeyId: TEST_CREDENTIALS.accessKeyId }),
    expect.objectContaining({ mode: 'AWS_IAM', accessKeyId: TEST_CREDENTIALS.accessKeyId }),
  ]);
  expect(mockChainCreations.count).toBe(0);
});

it('inside Lambda without credentials in the environment, an IAM caller falls back to the provider chain', async () => {
  process.env = { ...lambdaEnv.base(), ...callerEnvironment('AWS_IAM', harness.server.url), AWS_LAMBDA_FUNCTION_NAME: 'listTodosIam' };
  const { handler } = coldStartCounted('list-todos');

  const invocation = await invoke(harness, handler, {});

  // Nothing to find in an isolated environment (no files, no instance metadata): the chain was asked, and failed.
  expect(mockChainCreations.count).toBe(1);
  expect(invocation).toMatchObject({ statusCode: 500, body: { errorType: 'CredentialsUnavailableError' } });
  expect(harness.server.requests).toHaveLength(0);
});
