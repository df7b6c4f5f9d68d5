import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { readCloudAssembly } from '../../local/cloudformation/cloud-assembly';
import { TEST_API_KEY, TEST_CREDENTIALS, TEST_REGION } from '../support/caller-harness';
import { captureConsole } from '../support/console-capture';
import { type FakeAppSync, startFakeAppSync } from '../support/fake-appsync';
import { fakeLambdaContext } from '../support/lambda-context';
import { synthApp } from '../support/synth';

// Inside the project, so the bundle resolves the packages it leaves to the Lambda runtime (`@aws-sdk/*`) the way
// it does in Lambda: from a node_modules above it.
const OUTDIR = path.join(__dirname, '..', '..', '.local', 'test-assemblies', `commonjs-${process.pid}`);

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;

/** The synthesized bundle of one caller, found through the template as `cdk deploy` would upload it. */
function callerBundle(callerLogicalIdPrefix: string): string {
  const stack = readCloudAssembly(OUTDIR).find((candidate) => candidate.id === 'TodoCallersStack');
  const [, fn] = Object.entries(stack!.template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(callerLogicalIdPrefix))!;
  const code = fn.Properties!.Code as { S3Key: string };
  return stack!.assetsByObjectKey.get(code.S3Key)!;
}

/** Loads the bundle fresh with a Lambda-like environment, runs one invocation, and puts the environment back. */
async function invokeBundle(bundleDir: string, env: Record<string, string>, event: unknown): Promise<{ statusCode: number; body: string }> {
  const saved = process.env;
  process.env = { ...saved, ...env };
  const console = captureConsole();
  try {
    let handler: Handler | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      handler = (require(path.join(bundleDir, 'index.js')) as { handler: Handler }).handler;
    });
    return await handler!(event, fakeLambdaContext());
  } finally {
    console.restore();
    process.env = saved;
  }
}

describe('a caller built as CommonJS', () => {
  let server: FakeAppSync;
  beforeAll(async () => {
    synthApp({ bundle: true, outdir: OUTDIR, callerModuleFormat: 'cjs' }).app.synth();
    server = await startFakeAppSync({
      apiKey: TEST_API_KEY,
      region: TEST_REGION,
      iamCredentials: { [TEST_CREDENTIALS.accessKeyId]: { secretAccessKey: TEST_CREDENTIALS.secretAccessKey, sessionToken: TEST_CREDENTIALS.sessionToken } },
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(OUTDIR, { recursive: true, force: true });
  });

  test('is synthesized as a CommonJS bundle (index.js, no index.mjs)', () => {
    const dir = callerBundle('listTodosApiKey');
    expect(existsSync(path.join(dir, 'index.js'))).toBe(true);
    expect(existsSync(path.join(dir, 'index.mjs'))).toBe(false);
  });

  test('the synthesized API-key bundle creates a Todo through a real HTTP endpoint', async () => {
    const response = await invokeBundle(
      callerBundle('createTodoApiKey'),
      {
        API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT: server.url,
        API_TODOAPI_GRAPHQLAPIIDOUTPUT: 'localapiid',
        API_TODOAPI_GRAPHQLAPIKEYOUTPUT: TEST_API_KEY,
        ENV: 'test',
        REGION: TEST_REGION,
      },
      { name: 'from the CommonJS bundle' },
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ data: { createTodo: { name: 'from the CommonJS bundle' } } });
    expect(server.requests.at(-1)?.auth).toEqual({ mode: 'API_KEY' });
  });

  test('the synthesized IAM bundle signs with the credentials Lambda puts in its environment', async () => {
    const response = await invokeBundle(
      callerBundle('listTodosIam'),
      {
        API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT: server.url,
        API_TODOAPI_GRAPHQLAPIIDOUTPUT: 'localapiid',
        ENV: 'test',
        REGION: TEST_REGION,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_SESSION_TOKEN: TEST_CREDENTIALS.sessionToken,
      },
      { limit: 5 },
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ data: { listTodos: { items: expect.any(Array) } } });
    expect(server.requests.at(-1)?.auth).toMatchObject({ mode: 'AWS_IAM', accessKeyId: TEST_CREDENTIALS.accessKeyId });
  });
});
