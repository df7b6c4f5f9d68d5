/**
 * The default credentials (the Node provider chain) without touching the developer's AWS setup: the environment is
 * pointed at static test keys and away from ~/.aws before anything resolves, as inside Lambda.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { createGraphqlClient, defaultCredentialsProvider } from '../../../lambda/shared/graphql-client';
import { LIST_TODOS } from '../../../lambda/shared/operations';
import { isolatedAwsEnvironment } from '../../support/aws-isolation';
import { type FakeAppSync, startFakeAppSync } from '../../support/fake-appsync';

jest.mock('@aws-sdk/credential-provider-node', () => {
  const actual = jest.requireActual<typeof import('@aws-sdk/credential-provider-node')>('@aws-sdk/credential-provider-node');
  return { ...actual, defaultProvider: jest.fn(actual.defaultProvider) };
});

const ENV_CREDENTIALS = {
  accessKeyId: 'AKIDFROMENVIRONMENT1',
  secretAccessKey: 'env-secret-access-key/0123456789abcdef',
  sessionToken: 'env-session-token-0123456789abcdefghij',
};
const savedEnv = { ...process.env };
let server: FakeAppSync;

beforeAll(async () => {
  for (const name of Object.keys(process.env).filter((key) => key.startsWith('AWS_'))) {
    delete process.env[name];
  }
  Object.assign(process.env, {
    ...isolatedAwsEnvironment(),
    AWS_ACCESS_KEY_ID: ENV_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ENV_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: ENV_CREDENTIALS.sessionToken,
  });
  server = await startFakeAppSync({
    region: 'us-west-2',
    iamCredentials: {
      [ENV_CREDENTIALS.accessKeyId]: { secretAccessKey: ENV_CREDENTIALS.secretAccessKey, sessionToken: ENV_CREDENTIALS.sessionToken },
    },
  });
});

afterAll(async () => {
  await server.close();
  process.env = savedEnv;
});

it('is not created by importing the client nor by creating one; it is created once, on the first signed request', async () => {
  const client = createGraphqlClient({ endpoint: server.url, auth: { mode: 'AWS_IAM', region: 'us-west-2' } });
  expect(defaultProvider).not.toHaveBeenCalled();

  await client.request(LIST_TODOS, {});
  await client.request(LIST_TODOS, {});

  expect(defaultProvider).toHaveBeenCalledTimes(1);
  expect(server.requests.map((request) => request.auth)).toEqual([
    expect.objectContaining({ mode: 'AWS_IAM', accessKeyId: ENV_CREDENTIALS.accessKeyId }),
    expect.objectContaining({ mode: 'AWS_IAM', accessKeyId: ENV_CREDENTIALS.accessKeyId }),
  ]);
});

it('is shared by every client of the container', () => {
  expect(defaultCredentialsProvider()).toBe(defaultCredentialsProvider());
  expect(defaultProvider).toHaveBeenCalledTimes(1);
});
