/**
 * A function's environment, built in one place with a stated precedence: defaults < the function's variables < the
 * other services' variables < Lambda's reserved variables and the role's credentials.
 */
import { functionEnvironment, UNROUTED_AWS_ENDPOINT } from '../../../local/lambda/environment';
import type { LocalFunctionDefinition } from '../../../local/lambda/types';

const REGION = 'eu-west-3';

function fn(overrides: Partial<LocalFunctionDefinition> = {}): LocalFunctionDefinition {
  return {
    name: 'my-fn',
    arn: `arn:aws:lambda:${REGION}:123456789012:function:my-fn`,
    codeDir: '/srv/asset.abc',
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    timeoutSeconds: 3,
    memorySize: 256,
    environment: {},
    ...overrides,
  };
}

test("built from scratch: Lambda's variables, the defaults, and nothing of this process's environment but PATH", () => {
  const previous = process.env.SOME_PARENT_SECRET;
  process.env.SOME_PARENT_SECRET = 'leak';
  try {
    const env = functionEnvironment(fn(), { region: REGION, extraEnvironment: {} });
    expect(env.SOME_PARENT_SECRET).toBeUndefined();
    expect(env).toMatchObject({
      PATH: process.env.PATH,
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      AWS_ENDPOINT_URL: UNROUTED_AWS_ENDPOINT,
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_LAMBDA_FUNCTION_NAME: 'my-fn',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/my-fn',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: '/srv/asset.abc',
      _HANDLER: 'index.handler',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/.aws/credentials',
      AWS_CONFIG_FILE: '/nonexistent/.aws/config',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(env.AWS_ACCESS_KEY_ID).toBeUndefined();
  } finally {
    if (previous === undefined) delete process.env.SOME_PARENT_SECRET;
    else process.env.SOME_PARENT_SECRET = previous;
  }
});

test("the function's variables override the defaults; the other services' variables override the function's", () => {
  const env = functionEnvironment(fn({ environment: { LANG: 'fr_FR.UTF-8', TABLE: 't', AWS_ENDPOINT_URL_DYNAMODB: 'http://mine' } }), {
    region: REGION,
    extraEnvironment: { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' },
  });
  expect(env).toMatchObject({ LANG: 'fr_FR.UTF-8', TABLE: 't', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' });
});

test('AWS_ENDPOINT_URL set to the empty string (by the function or another service) leaves it unset', () => {
  expect(functionEnvironment(fn({ environment: { AWS_ENDPOINT_URL: '' } }), { region: REGION, extraEnvironment: {} })).not.toHaveProperty('AWS_ENDPOINT_URL');
  expect(functionEnvironment(fn(), { region: REGION, extraEnvironment: { AWS_ENDPOINT_URL: '' } })).not.toHaveProperty('AWS_ENDPOINT_URL');
  expect(functionEnvironment(fn(), { region: REGION, extraEnvironment: { AWS_ENDPOINT_URL: 'http://elsewhere' } }).AWS_ENDPOINT_URL).toBe('http://elsewhere');
});

test('reserved variables cannot be overridden, and credentials come from the role only', () => {
  const reservedAttempt = {
    AWS_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: 'other',
    LAMBDA_TASK_ROOT: '/elsewhere',
    _HANDLER: 'x.y',
    TZ: 'Europe/Paris',
    AWS_CONFIG_FILE: '/home/me/.aws/config',
    AWS_ACCESS_KEY_ID: 'AKIAFROMCONFIG',
    AWS_ACCESS_KEY: 'AKIAFROMCONFIG',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SESSION_TOKEN: 'token',
    AWS_PROFILE: 'prod',
  };
  const env = functionEnvironment(fn({ environment: reservedAttempt }), { region: REGION, extraEnvironment: reservedAttempt });
  expect(env).toMatchObject({
    AWS_REGION: REGION,
    AWS_LAMBDA_FUNCTION_NAME: 'my-fn',
    LAMBDA_TASK_ROOT: '/srv/asset.abc',
    _HANDLER: 'index.handler',
    TZ: ':UTC',
  });
  expect(env.AWS_CONFIG_FILE).toBe('/nonexistent/.aws/config');
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) expect(env).not.toHaveProperty(name);

  const withRole = functionEnvironment(
    fn({ environment: reservedAttempt, credentials: { accessKeyId: 'AKIAROLE', secretAccessKey: 'role-secret', sessionToken: 'role-token' } }),
    {
      region: REGION,
      extraEnvironment: {},
    },
  );
  expect(withRole).toMatchObject({ AWS_ACCESS_KEY_ID: 'AKIAROLE', AWS_SECRET_ACCESS_KEY: 'role-secret', AWS_SESSION_TOKEN: 'role-token' });
  expect(withRole).not.toHaveProperty('AWS_PROFILE');
});

test('each worker gets its own log stream', () => {
  const first = functionEnvironment(fn(), { region: REGION, extraEnvironment: {} });
  const second = functionEnvironment(fn(), { region: REGION, extraEnvironment: {} });
  expect(first.AWS_LAMBDA_LOG_STREAM_NAME).not.toBe(second.AWS_LAMBDA_LOG_STREAM_NAME);
});
