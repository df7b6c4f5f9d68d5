/**
 * The exported `handler`s as Lambda loads them: settings from process.env, built once per container (module
 * instance), IAM credentials from the default provider chain, fed here by environment variables as inside Lambda.
 * HOME and the AWS config paths point into an empty folder, so nothing here can read the developer's ~/.aws.
 */
import { isolatedAwsEnvironment } from '../../support/aws-isolation';
import { callerEnvironment, invoke, logRecord, TEST_CREDENTIALS, useCallerHarness } from '../../support/caller-harness';

type HandlerModule = typeof import('../../../lambda/callers/list-todos');
type CreateModule = typeof import('../../../lambda/callers/create-todo');

const savedEnv = process.env;
const harness = useCallerHarness();
let baseEnv: NodeJS.ProcessEnv;

beforeAll(() => {
  baseEnv = { PATH: savedEnv.PATH, ...isolatedAwsEnvironment() };
});

afterEach(() => {
  process.env = savedEnv;
});

/** A fresh module instance: a new Lambda container. */
function coldStart<T>(modulePath: string): T {
  let loaded: T | undefined;
  jest.isolateModules(() => {
    loaded = require(modulePath) as T;
  });
  return loaded as T;
}

it('list-todos reads its API-key settings from the environment once per container', async () => {
  process.env = { ...baseEnv, ...callerEnvironment('API_KEY', harness.server.url) };
  const { handler } = coldStart<HandlerModule>('../../../lambda/callers/list-todos');

  const first = await invoke(harness, handler, { limit: 10 });
  expect(first.statusCode).toBe(200);

  // A container keeps what it read at its first invocation.
  process.env = { ...baseEnv };
  const second = await invoke(harness, handler, {});
  expect(second.statusCode).toBe(200);
  expect(harness.server.requests.map((request) => request.auth)).toEqual([{ mode: 'API_KEY' }, { mode: 'API_KEY' }]);
});

it('create-todo signs with the credentials the default provider chain finds in the environment', async () => {
  process.env = {
    ...baseEnv,
    ...callerEnvironment('AWS_IAM', harness.server.url),
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: TEST_CREDENTIALS.sessionToken,
  };
  const { handler } = coldStart<CreateModule>('../../../lambda/callers/create-todo');

  const invocation = await invoke(harness, handler, { name: 'From IAM' });

  expect(invocation.statusCode).toBe(200);
  expect(harness.server.requests[0].auth).toMatchObject({ mode: 'AWS_IAM', accessKeyId: TEST_CREDENTIALS.accessKeyId });
  expect(logRecord(invocation)).toMatchObject({ authMode: 'AWS_IAM', apiName: 'TODOAPI', statusCode: 200 });
});

it('a container without its settings answers 500 naming the missing variable', async () => {
  process.env = { ...baseEnv, REGION: 'eu-central-1' };
  const { handler } = coldStart<HandlerModule>('../../../lambda/callers/list-todos');

  const invocation = await invoke(harness, handler, {});
  expect(invocation).toMatchObject({
    statusCode: 500,
    body: { errorType: 'SettingsError', message: expect.stringContaining('API_<NAME>_GRAPHQLAPIENDPOINTOUTPUT') },
  });
});
