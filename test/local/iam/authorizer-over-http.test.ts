/**
 * The authorizer as callers meet it, over real HTTP on loopback with real SigV4: the local GraphQL endpoint refuses a
 * role whose Deny is conditioned on aws:SourceIp 127.0.0.1 (the review found such a Deny set aside and the request
 * allowed), and the Lambda Invoke API honours a Deny on aws:PrincipalArn, answering Lambda's AccessDeniedException as
 * IAM words it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createAppSyncRequestHandler } from '../../../local/appsync';
import type { LocalDeployment } from '../../../local/deployment';
import type { LocalRole, PolicyStatement } from '../../../local/iam/model';
import { PrincipalStore } from '../../../local/iam/principals';
import { type RunningInvokeApi, startInvokeApi } from '../../../local/lambda/invoke-api';
import { LambdaRuntime } from '../../../local/lambda/runtime';
import { authenticateLambdaRequest, invokeAuthorizer } from '../../../local/services';
import { servingDeployment as appsyncDeployment, NOW, TODO_API_ARN, todoApi } from '../appsync/fixture';
import { fakeLambda, send, signRequest } from '../appsync/harness';
import { createFixtures, type Fixtures } from '../lambda/fixtures';
import { ACCOUNT, deploymentWith, named, REGION, statement } from './support';

function role(logicalId: string, index: number, statements: PolicyStatement[]): LocalRole {
  const roleName = `Test-${logicalId}`;
  return {
    stackName: 'Test',
    logicalId,
    roleName,
    arn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`,
    policies: [named(`Test/${logicalId}/Policy`, statements)],
    credentials: {
      accessKeyId: `ASIAHTTPTEST0000000${index}`,
      secretAccessKey: `httpTestSecret${index}/abcdefghijklmnopqrstuvwxy`,
      sessionToken: `IQoJb3JpZ2luX2VjEhttpTestToken${index}`,
    },
  };
}

describe('the local GraphQL endpoint (SigV4)', () => {
  const allowApi = statement('Allow', { Resource: `${TODO_API_ARN}/*` });
  const fromLoopback = role('DeniedFromLoopback', 1, [
    allowApi,
    statement('Deny', { Resource: `${TODO_API_ARN}/*`, Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.1' } } }),
  ]);
  const fromElsewhere = role('DeniedFromElsewhere', 2, [
    allowApi,
    statement('Deny', { Resource: `${TODO_API_ARN}/*`, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }),
  ]);
  let server: http.Server;
  let base: string;
  const logs: string[] = [];

  beforeAll(async () => {
    const base0 = appsyncDeployment();
    const deployment: LocalDeployment = { ...base0, roles: [...base0.roles, fromLoopback, fromElsewhere] };
    server = http.createServer(
      createAppSyncRequestHandler({
        apis: [todoApi()],
        principals: PrincipalStore.fromDeployment(deployment),
        invokeLambda: fakeLambda([]),
        log: (line) => logs.push(line),
        now: () => NOW,
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const listTodos = async (caller: LocalRole) => {
    const body = JSON.stringify({ query: '{ listTodos { items { id } } }' });
    return send(await signRequest(`${base}/graphql`, { credentials: caller.credentials, body, signingDate: NOW }));
  };

  test('a Deny conditioned on aws:SourceIp 127.0.0.1 refuses a caller on 127.0.0.1', async () => {
    const response = await listTodos(fromLoopback);
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'Permission denied' }] });
    expect(logs.join('\n')).toContain('Query.listTodos explicitly denied by Test/DeniedFromLoopback/Policy (statement 1)');
  });

  test('the same Deny on another range leaves the caller allowed', async () => {
    const response = await listTodos(fromElsewhere);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ data: { listTodos: { items: [{ id: 't1' }] } } });
  });
});

describe('the Lambda Invoke API (SigV4, SDK client)', () => {
  let fixtures: Fixtures;
  let runtime: LambdaRuntime;
  let api: RunningInvokeApi;
  const logs: string[] = [];
  const clients: LambdaClient[] = [];
  const invokeAll = statement('Allow', { Action: 'lambda:InvokeFunction', Resource: '*' });
  const caller = role('Caller', 3, [invokeAll]);
  const denied = role('DeniedByArn', 4, [invokeAll]);
  // The Deny names the role (aws:PrincipalArn holds the role's ARN for a session, not the session's).
  denied.policies.push(
    named('Test/DeniedByArn/Deny', statement('Deny', { Action: 'lambda:*', Resource: '*', Condition: { ArnEquals: { 'aws:PrincipalArn': denied.arn } } })),
  );

  beforeAll(async () => {
    fixtures = createFixtures();
    const echo = fixtures.def('echo-esm');
    runtime = new LambdaRuntime({ region: REGION, accountId: ACCOUNT, functions: [echo] });
    const deployment: LocalDeployment = { ...deploymentWith(), functions: [], roles: [caller, denied] };
    const principals = PrincipalStore.fromDeployment(deployment);
    const now = () => new Date();
    api = await startInvokeApi({
      runtime,
      authenticate: (request) => authenticateLambdaRequest(request, principals, REGION, now()),
      authorize: invokeAuthorizer(principals, REGION, now, (line) => logs.push(line)),
    });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await api?.close();
    await runtime?.close();
    fixtures?.remove();
  });

  const invoke = (as: LocalRole) => {
    const client = new LambdaClient({ endpoint: api.url, region: REGION, credentials: as.credentials, maxAttempts: 1 });
    clients.push(client);
    return client.send(new InvokeCommand({ FunctionName: 'fixture-echo-esm', Payload: Buffer.from('{"hello":"iam"}') }));
  };

  test('a role its policies allow invokes the function', async () => {
    const result = await invoke(caller);
    expect(result.StatusCode).toBe(200);
    expect(JSON.parse(Buffer.from(result.Payload!).toString('utf8')).event).toEqual({ hello: 'iam' });
  });

  test('a Deny on aws:PrincipalArn refuses the role, with the session ARN and an explicit-deny message', async () => {
    const session = `arn:aws:sts::${ACCOUNT}:assumed-role/${denied.roleName}/${denied.roleName}`;
    const functionArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fixture-echo-esm`;
    await expect(invoke(denied)).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
      message: `User: ${session} is not authorized to perform: lambda:InvokeFunction on resource: ${functionArn} with an explicit deny in an identity-based policy`,
    });
    expect(logs).toContain(`lambda: role Test/DeniedByArn lambda:InvokeFunction ${functionArn}: explicitly denied by Test/DeniedByArn/Deny (statement 0)`);
  });
});
