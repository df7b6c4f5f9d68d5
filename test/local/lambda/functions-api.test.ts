/**
 * ListFunctions, GetFunction and GetFunctionConfiguration of the local Lambda API, called with the AWS SDK's own
 * commands (so its parsers accept the shapes), on the real deployment: the environment as configured in the template
 * (nothing the runtime adds), refusals as Lambda answers them, and IAM as for Invoke. Before, every one of these was
 * answered UnknownOperationException.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetFunctionCommand, GetFunctionConfigurationCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { TodoFunction } from '../../../lib/todo-function';
import { type LocalCloudHandle, startTestCloud } from '../../support/local-cloud-harness';
import { sharedAssembly } from '../../support/shared-assembly';

let stateDir: string;
let local: LocalCloudHandle;

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), 'functions-api-'));
  local = await startTestCloud({ assemblyDir: sharedAssembly(), stateDir, inMemory: true });
});

afterAll(async () => {
  await local?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const roleProfile = (prefix: string) => {
  const role = local.cloud.deployment.roles.find((candidate) => candidate.logicalId.startsWith(prefix))!;
  return local.cloud.services.principals.principal(role.credentials.accessKeyId)!.profileName;
};

test('ListFunctions lists every function of the deployment, in pages with NextMarker', async () => {
  const names = local.cloud.deployment.functions.map((fn) => fn.name);
  const all = await local.lambdaClient().send(new ListFunctionsCommand({}));
  expect(all.Functions?.map((fn) => fn.FunctionName)).toEqual(names);
  expect(all.NextMarker).toBeUndefined();

  const paged: string[] = [];
  let marker: string | undefined;
  do {
    const page = await local.lambdaClient().send(new ListFunctionsCommand({ MaxItems: 2, Marker: marker }));
    expect(page.Functions!.length).toBeLessThanOrEqual(2);
    paged.push(...page.Functions!.map((fn) => fn.FunctionName!));
    marker = page.NextMarker;
  } while (marker);
  expect(paged).toEqual(names);
});

test("GetFunctionConfiguration: the template's settings, and its environment as AWS shows it", async () => {
  const fn = local.cloud.deployment.functions.find((candidate) => candidate.logicalId.startsWith('listTodosApiKeyFunction'))!;
  const configuration = await local.lambdaClient().send(new GetFunctionConfigurationCommand({ FunctionName: fn.name }));
  expect(configuration).toMatchObject({
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: TodoFunction.RUNTIME.name,
    Role: fn.roleArn,
    Handler: fn.handler,
    Timeout: fn.timeoutSeconds,
    MemorySize: fn.memorySize,
    Version: '$LATEST',
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: ['arm64'],
    TracingConfig: { Mode: 'Active' },
    LastModified: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/),
    CodeSha256: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
    RevisionId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  });
  expect(configuration.CodeSize).toBeGreaterThan(1000);
  // What the template configures, exactly: the API key caller holds the key (README, "Where the API key is visible").
  expect(configuration.Environment?.Variables).toEqual(fn.environment);
  expect(configuration.Environment?.Variables?.API_TODOAPI_GRAPHQLAPIKEYOUTPUT).toBe(local.apiKey);
  for (const added of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_LAMBDA_FUNCTION_NAME']) {
    expect(configuration.Environment?.Variables).not.toHaveProperty(added);
  }
});

test('GetFunction: the configuration, where the code is, and the tags CloudFormation puts on it; by ARN too', async () => {
  const fn = local.cloud.deployment.functions[0];
  const answer = await local.lambdaClient().send(new GetFunctionCommand({ FunctionName: fn.arn }));
  expect(answer.Configuration?.FunctionName).toBe(fn.name);
  expect(answer.Code).toEqual({ RepositoryType: 'S3', Location: expect.stringMatching(/^file:\/\/\/.+asset\./) });
  expect(answer.Tags).toMatchObject({ 'aws:cloudformation:stack-name': fn.stackName, 'aws:cloudformation:logical-id': fn.logicalId });
});

test('an unknown function, a version, a bad MaxItems: refused as Lambda refuses them', async () => {
  await expect(local.lambdaClient().send(new GetFunctionConfigurationCommand({ FunctionName: 'no-such-function' }))).rejects.toMatchObject({
    name: 'ResourceNotFoundException',
    message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function',
  });
  const fn = local.cloud.deployment.functions[0];
  await expect(local.lambdaClient().send(new GetFunctionCommand({ FunctionName: fn.name, Qualifier: '7' }))).rejects.toMatchObject({
    name: 'ResourceNotFoundException',
  });
  await expect(local.lambdaClient().send(new ListFunctionsCommand({ MaxItems: 0 }))).rejects.toMatchObject({
    name: 'ValidationException',
    message: expect.stringMatching(/Value '0' at 'maxItems' failed to satisfy constraint/),
  });
});

test('a role is allowed only what its policies grant: no ListFunctions, no GetFunction, AccessDenied naming the action', async () => {
  const profile = roleProfile('listTodosIamFunctionServiceRole');
  await expect(local.lambdaClient(profile).send(new ListFunctionsCommand({}))).rejects.toMatchObject({
    name: 'AccessDeniedException',
    message: expect.stringMatching(/is not authorized to perform: lambda:ListFunctions on resource: \* because no identity-based policy allows/),
  });
  const fn = local.cloud.deployment.functions[0];
  await expect(local.lambdaClient(profile).send(new GetFunctionConfigurationCommand({ FunctionName: fn.name }))).rejects.toMatchObject({
    name: 'AccessDeniedException',
    message: expect.stringContaining(`lambda:GetFunctionConfiguration on resource: ${fn.arn}`),
  });
  // Not even whether a function exists.
  await expect(local.lambdaClient(profile).send(new GetFunctionCommand({ FunctionName: 'no-such-function' }))).rejects.toMatchObject({
    name: 'AccessDeniedException',
  });
});

test('unsigned: refused before anything is looked up', async () => {
  const response = await fetch(`${local.cloud.endpoints.lambda}/2015-03-31/functions/`);
  expect(response.status).toBe(403);
  expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
});
