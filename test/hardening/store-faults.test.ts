/**
 * The store unavailable: the local cloud's DynamoDB (dynalite) is closed under the running app. Every operation that
 * needs it is answered with a GraphQL error naming the cause (never a 5xx, never a crash), everything else keeps being
 * served, and once a store listens on the same port again the app works again without a restart.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../local/dynamodb';
import { authorize } from '../../local/iam/authorizer';
import { apiKeyClient } from '../support/hardening';
import { type LocalCloudHandle, startTestCloud } from '../support/local-cloud-harness';
import { sharedAssembly } from '../support/shared-assembly';

const LIST = 'query LIST_TODOS { listTodos(limit: 10) { items { id name } nextToken } }';
const CREATE = 'mutation CREATE_TODO($input: CreateTodoInput!) { createTodo(input: $input) { id name } }';
const GET = 'query GET_TODO($id: ID!) { getTodo(id: $id) { id name } }';

let stateDir: string;
let local: LocalCloudHandle;
let gql: ReturnType<typeof apiKeyClient>;
let replacement: LocalDynamoDb | undefined;

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), 'store-faults-'));
  local = await startTestCloud({ assemblyDir: sharedAssembly(), stateDir, inMemory: true });
  gql = apiKeyClient(local.graphqlUrl, local.apiKey);
  const created = await gql.query(CREATE, { input: { id: 'before', name: 'written before the outage' } });
  expect(created.json).toEqual({ data: { createTodo: { id: 'before', name: 'written before the outage' } } });
});

afterAll(async () => {
  await local?.close();
  await replacement?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('with the store closed', () => {
  beforeAll(async () => {
    await local.cloud.dynamodb.close();
  });

  test.each([
    ['createTodo', CREATE, { input: { id: 'during', name: 'written during the outage' } }],
    ['listTodos', LIST, undefined],
    ['getTodo', GET, { id: 'before' }],
  ])('%s: 200 with a GraphQL error naming the unreachable store, within seconds', async (field, query, variables) => {
    const started = Date.now();
    const reply = await gql.query(query, variables);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(reply.status).toBe(200);
    expect(reply.json.data).toEqual({ [field]: null });
    expect(reply.json.errors).toEqual([
      expect.objectContaining({
        path: [field],
        errorType: 'Lambda:Unhandled',
        message: expect.stringMatching(/ECONNREFUSED|connect|socket hang up|ECONNRESET/),
      }),
    ]);
  });

  test('a caller answers with a status, not a crash', async () => {
    const result = await local.invokeCaller('CreateTodoApiKeyFunctionName', { name: 'through a caller', id: 'caller-during' });
    expect(result.functionError).toBeUndefined();
    expect(result.statusCode).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(result.body)).toMatch(/ECONNREFUSED|connect/);
  });

  test('what does not need the store keeps being served', async () => {
    expect((await gql.query('{ __typename }')).json).toEqual({ data: { __typename: 'Query' } });
    expect((await local.signedGraphql(JSON.stringify({ query: '{ __typename }' }))).status).toBe(200);
    expect((await local.graphql(LIST, { 'content-type': 'application/json', 'x-api-key': 'da2-wrongwrongwrongwrongwrongwr' })).status).toBe(401);
    await expect(local.lambdaClient().send(new InvokeCommand({ FunctionName: 'no-such-function' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(local.logLines.join('\n')).not.toMatch(/internal error|InternalFailure|ServiceException/);
  });
});

describe('once a store listens on the same port again', () => {
  test('the app works again, without restarting the local cloud or its workers', async () => {
    const workersBefore = local.cloud.services.runtime.listWorkers().map((worker) => worker.pid);
    const url = new URL(local.cloud.endpoints.dynamodb);
    replacement = await startLocalDynamoDb({ host: url.hostname, port: Number(url.port), region: local.cloud.deployment.region });
    replacement.authorizeWith(local.cloud.services.principals, authorize);
    await replacement.createTables(local.cloud.deployment.tables);

    const created = await gql.query(CREATE, { input: { id: 'after', name: 'written after the outage' } });
    expect(created.json).toEqual({ data: { createTodo: { id: 'after', name: 'written after the outage' } } });
    expect((await gql.query(GET, { id: 'after' })).json).toEqual({ data: { getTodo: { id: 'after', name: 'written after the outage' } } });
    const caller = await local.invokeCaller('ListTodosIamFunctionName', { limit: 10 });
    expect(caller.statusCode).toBe(200);
    // The same warm workers served it: they reconnected on their own.
    expect(local.cloud.services.runtime.listWorkers().map((worker) => worker.pid)).toEqual(expect.arrayContaining(workersBefore));
  });
});
