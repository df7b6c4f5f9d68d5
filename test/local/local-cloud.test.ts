import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { startupReport } from '../../local/outputs';
import { type LocalCloudHandle, startTestCloud, synthAssembly } from '../support/local-cloud-harness';

const LIST_TODOS = JSON.stringify({ query: 'query LIST_TODOS { listTodos { items { id name description } } }' });
const createTodo = (name: string) =>
  JSON.stringify({
    query: 'mutation CREATE_TODO($input: CreateTodoInput!) { createTodo(input: $input) { id name createdAt } }',
    variables: { input: { name } },
  });

describe('the local cloud, started from a real synth', () => {
  let assembly: ReturnType<typeof synthAssembly>;
  let stateDir: string;
  let local: LocalCloudHandle;
  let clock: () => Date = () => new Date();
  const apiId = () => local.output('TodoApi-dev', 'GraphQLAPIIdOutput');

  beforeAll(async () => {
    assembly = synthAssembly('local-cloud');
    stateDir = mkdtempSync(path.join(tmpdir(), 'local-cloud-state-'));
    local = await startTestCloud({ assemblyDir: assembly.dir, stateDir, now: () => clock() });
  });
  afterAll(async () => {
    await local?.close();
    assembly?.remove();
    rmSync(stateDir, { recursive: true, force: true });
  });
  afterEach(() => {
    clock = () => new Date();
  });

  test('the outputs carry local values: endpoint, API id, key and function names', () => {
    expect(local.graphqlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(local.output('TodoApi-dev', 'GraphQLAPIIdOutput')).toMatch(/^[a-z0-9]{26}$/);
    expect(local.apiKey).toMatch(/^da2-[a-z0-9]{26}$/);
    expect(local.output('TodoCallers-dev', 'ListTodosIamFunctionName')).toMatch(/^TodoCallers-dev-listTodosIam/);
  });

  test("Amplify's documents work with the API key", async () => {
    const created = await local.graphql(createTodo('with the key'));
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ data: { createTodo: { id: expect.any(String), name: 'with the key', createdAt: expect.any(String) } } });
    const listed = await local.graphql(LIST_TODOS);
    expect(listed.json).toMatchObject({ data: { listTodos: { items: expect.arrayContaining([expect.objectContaining({ name: 'with the key' })]) } } });
  });

  test('a SigV4-signed request from the local profile is served', async () => {
    const response = await local.signedGraphql(LIST_TODOS);
    expect(response.status).toBe(200);
    // Arrays parsed by fetch come from another realm than jest's, so no expect.any(Array) here.
    expect(Array.isArray((response.json as { data: { listTodos: { items: unknown } } }).data.listTodos.items)).toBe(true);
  });

  test.each([
    ['body', (r: { url: string; headers: Record<string, string>; body: string }) => ({ ...r, body: r.body.replace('items', 'items ') })],
    [
      'header',
      (r: { url: string; headers: Record<string, string>; body: string }) => ({
        ...r,
        headers: { ...r.headers, 'content-type': 'application/json; charset=latin1' },
      }),
    ],
    // Signed for /graphql, sent to the API's other route: served, so only the signature can refuse it.
    ['path', (r: { url: string; headers: Record<string, string>; body: string }) => ({ ...r, url: r.url.replace('/graphql', `/apis/${apiId()}/graphql`) })],
    ['query', (r: { url: string; headers: Record<string, string>; body: string }) => ({ ...r, url: `${r.url}?extra=1` })],
    [
      'date',
      (r: { url: string; headers: Record<string, string>; body: string }) => ({
        ...r,
        headers: { ...r.headers, 'x-amz-date': r.headers['x-amz-date'].replace(/\d(Z)$/, (_d, z: string) => `${(Number(_d[0]) + 1) % 10}${z}`) },
      }),
    ],
  ])('a request whose %s was changed after signing is refused with 403 InvalidSignatureException', async (_what, tamper) => {
    const response = await local.signedGraphql(LIST_TODOS, { tamper });
    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({
      errors: [
        {
          errorType: 'InvalidSignatureException',
          message: expect.stringMatching(/^The request signature we calculated does not match the signature you provided/),
        },
      ],
    });
  });

  test('a request signed with the wrong secret is refused with 403', async () => {
    const response = await local.signedGraphql(LIST_TODOS, {
      tamper: (request) => ({
        ...request,
        headers: {
          ...request.headers,
          authorization: request.headers.authorization.replace(/Signature=([0-9a-f])/, (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`),
        },
      }),
    });
    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({ errors: [{ errorType: 'InvalidSignatureException' }] });
  });

  test('a request signed more than 5 minutes ago is refused with Signature expired', async () => {
    const response = await local.signedGraphql(LIST_TODOS, { signingDate: new Date(Date.now() - 6 * 60 * 1000) });
    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({
      errors: [{ errorType: 'InvalidSignatureException', message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than/) }],
    });
  });

  test("a role is refused, per field, what its policies do not grant (the callers' own roles)", async () => {
    const listRole = local.cloud.deployment.roles.find((role) => role.logicalId.startsWith('listTodosIamFunctionServiceRole'))!;
    const profile = local.cloud.services.principals.principal(listRole.credentials.accessKeyId)!.profileName;
    const allowed = await local.signedGraphql(LIST_TODOS, { profile });
    expect(allowed.status).toBe(200);
    const refused = await local.signedGraphql(createTodo('not allowed'), { profile });
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'Permission denied' }] });
    expect(local.logLines.join('\n')).toMatch(/createTodo/);
  });

  test('a request with no auth header is refused with 401', async () => {
    const response = await local.graphql(LIST_TODOS, { 'content-type': 'application/json' });
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'Missing authorization header' }] });
    expect(response.headers.get('x-amzn-ErrorType')).toBe('UnauthorizedException');
  });

  test('an unknown API key is refused with 401', async () => {
    const response = await local.graphql(LIST_TODOS, { 'content-type': 'application/json', 'x-api-key': 'da2-unknownunknownunknownunkn' });
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] });
  });

  test('the API key is refused once the expiry from the template has passed', async () => {
    clock = () => new Date(Date.now() + 366 * 24 * 60 * 60 * 1000);
    const response = await local.graphql(LIST_TODOS);
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] });
  });

  test('a body that is not a GraphQL request is refused with 400', async () => {
    const response = await local.graphql('meow');
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ errors: [{ message: 'Unable to parse GraphQL query.', errorType: 'MalformedHttpRequestException' }] });
  });

  test.each([
    ['createTodoApiKey', 'CreateTodoApiKeyFunctionName'],
    ['createTodoIam', 'CreateTodoIamFunctionName'],
  ])('%s creates a Todo through the Invoke API (AWS SDK, generated profile)', async (caller, outputName) => {
    const result = await local.invokeCaller(outputName, { name: `created by ${caller}` });
    expect(result.functionError).toBeUndefined();
    expect(result.statusCode).toBe(200);
    expect(result.body).toMatchObject({ data: { createTodo: { name: `created by ${caller}` } } });
    const stored = await local.allTodos();
    expect(stored.map((item) => (item.name as { S: string }).S)).toContain(`created by ${caller}`);
  });

  test.each([
    ['listTodosApiKey', 'ListTodosApiKeyFunctionName'],
    ['listTodosIam', 'ListTodosIamFunctionName'],
  ])('%s lists the Todos through the Invoke API', async (_caller, outputName) => {
    await local.invokeCaller('CreateTodoApiKeyFunctionName', { name: 'to be listed' });
    const result = await local.invokeCaller(outputName, { limit: 1000 });
    expect(result.statusCode).toBe(200);
    const items = (result.body as { data: { listTodos: { items: Array<{ name: string }> } } }).data.listTodos.items;
    expect(items.map((item) => item.name)).toContain('to be listed');
  });

  test('a caller answers 400 naming the wrong field of a bad event', async () => {
    const result = await local.invokeCaller('ListTodosIamFunctionName', { limit: 'many' });
    expect(result.statusCode).toBe(400);
    expect(JSON.stringify(result.body)).toMatch(/limit/);
  });

  test("the Invoke API refuses an unknown function with Lambda's 404", async () => {
    await expect(local.lambdaClient().send(new InvokeCommand({ FunctionName: 'no-such-function' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function',
    });
  });

  test('a role profile may invoke only what its policies allow', async () => {
    const listRole = local.cloud.deployment.roles.find((role) => role.logicalId.startsWith('listTodosIamFunctionServiceRole'))!;
    const profile = local.cloud.services.principals.principal(listRole.credentials.accessKeyId)!.profileName;
    await expect(local.invokeCaller('ListTodosIamFunctionName', {}, profile)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  test("what the app's templates set and the local cloud does not emulate is listed in the report and in endpoints.json", () => {
    const endpoints = JSON.parse(readFileSync(local.cloud.files.endpoints, 'utf8')) as { notEmulated: Array<{ resource: string; element: string }> };
    const api = local.cloud.deployment.graphqlApis[0];
    const apiResource = `${api.stackName}/${api.logicalId}`;
    expect(endpoints.notEmulated).toEqual(local.cloud.deployment.notEmulated);
    expect(endpoints.notEmulated.filter((gap) => gap.resource === apiResource).map((gap) => gap.element)).toEqual([
      'Properties.LogConfig',
      'Properties.XrayEnabled',
    ]);
    // The data source names a role of the app allowed to invoke the resolver: nothing to report there.
    expect(endpoints.notEmulated.filter((gap) => gap.element === 'Properties.ServiceRoleArn')).toEqual([]);
    const report = startupReport(local.cloud.deployment, local.cloud.endpoints, local.cloud.files, local.cloud.clientConfigSkipped);
    expect(report).toContain(`  ${apiResource} Properties.XrayEnabled: ignored: no X-Ray traces are recorded`);
  });

  test('the credentials file is readable by its owner only', () => {
    expect(statSync(local.cloud.files.credentials).mode & 0o777).toBe(0o600);
  });

  test('no log line holds the API key or any secret', () => {
    const secrets = [
      local.apiKey,
      local.cloud.deployment.adminCredentials.secretAccessKey,
      ...local.cloud.deployment.roles.flatMap((role) => [role.credentials.secretAccessKey, role.credentials.sessionToken]),
    ];
    const logs = local.logLines.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });

  describe('after a restart on the same state directory', () => {
    test('the data, the API key, the ids and the credentials are the same', async () => {
      const created = await local.graphql(createTodo('survives a restart'));
      const id = (created.json as { data: { createTodo: { id: string } } }).data.createTodo.id;
      const before = {
        key: local.apiKey,
        apiId: local.output('TodoApi-dev', 'GraphQLAPIIdOutput'),
        fn: local.output('TodoCallers-dev', 'ListTodosIamFunctionName'),
        admin: local.cloud.deployment.adminCredentials,
      };
      await local.close();

      local = await startTestCloud({ assemblyDir: assembly.dir, stateDir, now: () => clock() });
      expect({
        key: local.apiKey,
        apiId: local.output('TodoApi-dev', 'GraphQLAPIIdOutput'),
        fn: local.output('TodoCallers-dev', 'ListTodosIamFunctionName'),
        admin: local.cloud.deployment.adminCredentials,
      }).toEqual(before);
      const got = await local.graphql(JSON.stringify({ query: 'query ($id: ID!) { getTodo(id: $id) { id name } }', variables: { id } }));
      expect(got.json).toEqual({ data: { getTodo: { id, name: 'survives a restart' } } });
    });
  });
});
