/**
 * The exported `handler`s as Lambda loads them: settings from process.env, built once per container (module
 * instance), IAM credentials from the default provider chain, fed here by environment variables as inside Lambda.
 * HOME and the AWS config paths point into an empty folder, so nothing here can read the developer's ~/.aws.
 */
import { callerEnvironment, coldStart, invoke, logRecord, TEST_CREDENTIALS, useCallerHarness, useLambdaProcessEnvironment } from '../../support/caller-harness';

type HandlerModule = typeof import('../../../lambda/callers/list-todos');
type CreateModule = typeof import('../../../lambda/callers/create-todo');

const harness = useCallerHarness();
const lambdaEnv = useLambdaProcessEnvironment();

it('list-todos reads its API-key settings from the environment once per container', async () => {
  process.env = { ...lambdaEnv.base(), ...callerEnvironment('API_KEY', harness.server.url) };
  const { handler } = coldStart<HandlerModule>('list-todos');

  const first = await invoke(harness, handler, { limit: 10 });
  expect(first.statusCode).toBe(200);

  // A container keeps what it read at its first invocation.
  process.env = { ...lambdaEnv.base() };
  const second = await invoke(harness, handler, {});
  expect(second.statusCode).toBe(200);
  expect(harness.server.requests.map((request) => request.auth)).toEqual([{ mode: 'API_KEY' }, { mode: 'API_KEY' }]);
});

it('create-todo signs with the credentials the default provider chain finds in the environment', async () => {
  process.env = {
    ...lambdaEnv.base(),
    ...callerEnvironment('AWS_IAM', harness.server.url),
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: TEST_CREDENTIALS.sessionToken,
  };
  const { handler } = coldStart<CreateModule>('create-todo');

  const invocation = await invoke(harness, handler, { name: 'From IAM' });

  expect(invocation.statusCode).toBe(200);
  expect(harness.server.requests[0].auth).toMatchObject({ mode: 'AWS_IAM', accessKeyId: TEST_CREDENTIALS.accessKeyId });
  expect(logRecord(invocation)).toMatchObject({ authMode: 'AWS_IAM', apiName: 'TODOAPI', statusCode: 200 });
});

it('a container without its settings answers 500 naming the missing variable', async () => {
  process.env = { ...lambdaEnv.base(), REGION: 'eu-central-1' };
  const { handler } = coldStart<HandlerModule>('list-todos');

  const invocation = await invoke(harness, handler, {});
  expect(invocation).toMatchObject({
    statusCode: 500,
    body: { errorType: 'SettingsError', message: expect.stringContaining('API_<NAME>_GRAPHQLAPIENDPOINTOUTPUT') },
  });
});
