/**
 * The local DynamoDB endpoint on loopback with hand-made principals, driven by the real AWS SDK client and raw signed
 * HTTP: it refuses everything until it is given its principals, answers what is not a DynamoDB call as DynamoDB does,
 * and asks IAM about every table and index a call touches (batches and transactions included) before the store sees it.
 */
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { type LocalDynamoDb, StoreNotReadyError, startLocalDynamoDb } from '../../../local/dynamodb';
import { authorize } from '../../../local/iam/authorizer';
import type { LocalRole, PolicyStatement } from '../../../local/iam/model';
import { PrincipalStore } from '../../../local/iam/principals';
import { post, signedPost } from '../../support/hardening';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const ADMIN = { accessKeyId: 'AKIASTOREADMIN000001', secretAccessKey: 'store/admin/secret/0123456789abcdefghijklm' };
const tableArn = (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
const TODO = tableArn('Todo');
const OTHER = tableArn('Other');

function role(logicalId: string, index: number, statements: PolicyStatement[]): LocalRole {
  return {
    stackName: 'Store-test',
    logicalId,
    roleName: `Store-test-${logicalId}`,
    arn: `arn:aws:iam::${ACCOUNT}:role/Store-test-${logicalId}`,
    policies: [{ source: `Store-test/${logicalId}/Policy`, document: { Version: '2012-10-17', Statement: statements } }],
    credentials: {
      accessKeyId: `ASIASTOREROLE0000${index}`,
      secretAccessKey: `storeRoleSecret${index}/abcdefghijklmnopqrstuvwxyz012345`,
      sessionToken: `IQoJb3JpZ2luX2VjEstoreToken${index}abcdefghijklmnopqrstuvwxyz`,
    },
  };
}

const READER = role('Reader', 1, [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: TODO }]);
const INDEX_READER = role('IndexReader', 2, [{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: `${TODO}/index/*` }]);
const NO_DELETE = role('NoDelete', 3, [
  { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' },
  { Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: TODO },
]);
const TODO_WRITER = role('TodoWriter', 4, [
  { Effect: 'Allow', Action: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: TODO },
]);
const ROLES = [READER, INDEX_READER, NO_DELETE, TODO_WRITER];

const principals = PrincipalStore.fromDeployment({
  region: REGION,
  accountId: ACCOUNT,
  stacks: [],
  functions: [],
  graphqlApis: [],
  tables: [],
  roles: ROLES,
  adminCredentials: ADMIN,
  skipped: [],
  notEmulated: [],
});
const arnOf = (r: LocalRole) => principals.principal(r.credentials.accessKeyId)!.principalArn;

let store: LocalDynamoDb;
let clock = () => new Date();
const logs: string[] = [];
const clients: DynamoDBClient[] = [];

function clientFor(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region = REGION): DynamoDBClient {
  const client = new DynamoDBClient({ endpoint: store.url, region, credentials, maxAttempts: 1 });
  clients.push(client);
  return client;
}
const admin = () => clientFor(ADMIN);
const as = (r: LocalRole) => clientFor(r.credentials);
const rawHeaders = (target: string) => ({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${target}` });

beforeAll(async () => {
  store = await startLocalDynamoDb({ host: '127.0.0.1', port: 0, region: REGION, now: () => clock(), log: (line) => logs.push(line) });
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await store?.close();
});

afterEach(() => {
  clock = () => new Date();
});

describe('before it is given its principals', () => {
  test('a signed call is refused with 503, which the SDKs retry', async () => {
    const reply = await signedPost(store.url, JSON.stringify({}), ADMIN, { service: 'dynamodb', region: REGION, headers: rawHeaders('ListTables') });
    expect(reply.status).toBe(503);
    expect(reply.json).toEqual({ __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable', message: expect.stringMatching(/starting/) });
  });

  test('an unsigned call is still MissingAuthenticationTokenException', async () => {
    const reply = await post(store.url, '{}', rawHeaders('ListTables'));
    expect(reply.json).toEqual({
      __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
  });

  test('its own client and createTables say why they cannot work yet', async () => {
    expect(() => store.client).toThrow(StoreNotReadyError);
    await expect(store.createTables([])).rejects.toThrow(StoreNotReadyError);
  });
});

describe('once it has its principals', () => {
  beforeAll(async () => {
    store.authorizeWith(principals, authorize);
    await admin().send(
      new CreateTableCommand({
        TableName: 'Todo',
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'name', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [{ IndexName: 'byName', KeySchema: [{ AttributeName: 'name', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await store.createTables([
      {
        stackName: 'Store-test',
        logicalId: 'Other',
        tableName: 'Other',
        arn: OTHER,
        properties: {
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        },
      },
    ]);
    await admin().send(new PutItemCommand({ TableName: 'Todo', Item: { id: { S: 't1' }, name: { S: 'first' } } }));
  });

  test('a role reads what its policy allows', async () => {
    expect((await as(READER).send(new GetItemCommand({ TableName: 'Todo', Key: { id: { S: 't1' } } }))).Item?.name).toEqual({ S: 'first' });
  });

  test('a Query on an index needs the index ARN: the table alone does not grant it', async () => {
    const query = new QueryCommand({
      TableName: 'Todo',
      IndexName: 'byName',
      KeyConditionExpression: '#n = :n',
      ExpressionAttributeNames: { '#n': 'name' },
      ExpressionAttributeValues: { ':n': { S: 'first' } },
    });
    await expect(as(READER).send(query)).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${arnOf(READER)} is not authorized to perform: dynamodb:Query on resource: ${TODO}/index/byName because no identity-based policy allows the dynamodb:Query action`,
    });
    expect((await as(INDEX_READER).send(query)).Count).toBe(1);
    // ... and the index does not grant the table.
    await expect(as(INDEX_READER).send(new ScanCommand({ TableName: 'Todo' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  test('a Deny wins over dynamodb:* on *, in the words of an explicit deny', async () => {
    await expect(as(NO_DELETE).send(new DeleteItemCommand({ TableName: 'Todo', Key: { id: { S: 't1' } } }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${arnOf(NO_DELETE)} is not authorized to perform: dynamodb:DeleteItem on resource: ${TODO} with an explicit deny in an identity-based policy`,
    });
    expect((await admin().send(new GetItemCommand({ TableName: 'Todo', Key: { id: { S: 't1' } } }))).Item).toBeDefined();
    // The same role may delete elsewhere.
    await as(NO_DELETE).send(new DeleteItemCommand({ TableName: 'Other', Key: { id: { S: 'none' } } }));
  });

  test('a BatchWriteItem is refused whole when one of its tables is not allowed', async () => {
    const batch = new BatchWriteItemCommand({
      RequestItems: {
        Todo: [{ PutRequest: { Item: { id: { S: 'batched' }, name: { S: 'batched' } } } }],
        Other: [{ PutRequest: { Item: { id: { S: 'batched' } } } }],
      },
    });
    await expect(as(TODO_WRITER).send(batch)).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`dynamodb:BatchWriteItem on resource: ${OTHER}`),
    });
    expect((await admin().send(new GetItemCommand({ TableName: 'Todo', Key: { id: { S: 'batched' } } }))).Item).toBeUndefined();
  });

  test('a TransactWriteItems needs the action of each of its items on its table', async () => {
    const transaction = new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: 'Todo', Item: { id: { S: 'tx' } } } },
        { ConditionCheck: { TableName: 'Todo', Key: { id: { S: 't1' } }, ConditionExpression: 'attribute_exists(id)' } },
      ],
    });
    await expect(as(TODO_WRITER).send(transaction)).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`dynamodb:ConditionCheckItem on resource: ${TODO}`),
    });
    // Allowed, it reaches the store, which does not emulate transactions (dynalite 4 has no TransactWriteItems).
    await expect(as(NO_DELETE).send(transaction)).rejects.toMatchObject({ name: 'UnknownOperationException' });
  });

  test('a table with a ResourcePolicy (not evaluated) is refused to every role, even one allowed dynamodb:* on *', async () => {
    await store.createTables([
      {
        stackName: 'Store-test',
        logicalId: 'Guarded',
        tableName: 'Guarded',
        arn: tableArn('Guarded'),
        properties: {
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
          ResourcePolicy: { PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'dynamodb:*', Resource: '*' }] } },
        },
      },
    ]);
    await expect(as(NO_DELETE).send(new ScanCommand({ TableName: 'Guarded' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${arnOf(NO_DELETE)} is not authorized to perform: dynamodb:Scan on resource: ${tableArn('Guarded')} because the local cloud does not evaluate the table's resource-based policy (ResourcePolicy): only the admin profile may use this table locally`,
    });
    expect((await admin().send(new ScanCommand({ TableName: 'Guarded' }))).Count).toBe(0);
  });

  test('the admin may do anything', async () => {
    expect((await admin().send(new ScanCommand({ TableName: 'Other' }))).$metadata.httpStatusCode).toBe(200);
  });

  test('a signature scoped to another region or service, or made too long ago, is InvalidSignatureException', async () => {
    await expect(clientFor(ADMIN, 'eu-west-1').send(new ScanCommand({ TableName: 'Todo' }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: "Credential should be scoped to a valid region, not 'eu-west-1'.",
    });
    const lambdaSigned = await signedPost(store.url, '{}', ADMIN, { service: 'lambda', region: REGION, headers: rawHeaders('ListTables') });
    expect(lambdaSigned.json).toEqual({
      __type: 'com.amazon.coral.service#InvalidSignatureException',
      message: "Credential should be scoped to correct service: 'dynamodb'.",
    });
    clock = () => new Date(Date.now() + 6 * 60 * 1000);
    await expect(admin().send(new ScanCommand({ TableName: 'Todo' }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringMatching(/^Signature expired: /),
    });
  });

  test('an empty body from a known caller is SerializationException', async () => {
    const reply = await signedPost(store.url, '', ADMIN, { service: 'dynamodb', region: REGION, headers: rawHeaders('ListTables') });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ __type: 'com.amazon.coral.service#SerializationException' });
  });

  test('a malformed table name is refused with ValidationException before IAM is asked', async () => {
    const reply = await signedPost(store.url, JSON.stringify({ TableName: 'Todo*' }), READER.credentials, {
      service: 'dynamodb',
      region: REGION,
      headers: rawHeaders('Scan'),
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ __type: 'com.amazon.coral.validate#ValidationException', message: expect.stringContaining("at 'tableName'") });
  });

  test('an Authorization header of another scheme is no signature; a header and a presigned query are two', async () => {
    const basic = await post(store.url, '{}', { ...rawHeaders('ListTables'), authorization: 'Basic YWRtaW46YWRtaW4=' });
    expect(basic.json).toMatchObject({ __type: 'com.amazon.coral.service#MissingAuthenticationTokenException' });
    const both = await signedPost(`${store.url}/?X-Amz-Algorithm=AWS4-HMAC-SHA256`, '{}', ADMIN, {
      service: 'dynamodb',
      region: REGION,
      headers: rawHeaders('ListTables'),
    });
    expect(both.json).toEqual({
      __type: 'com.amazon.coral.service#InvalidSignatureException',
      message: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    });
  });

  test('refusals are logged once each, with the reason and no secret', () => {
    const refusals = logs.filter((line) => line.startsWith('dynamodb '));
    expect(refusals.some((line) => line.includes(arnOf(READER)) && line.includes('dynamodb:Query on') && line.includes('/index/byName'))).toBe(true);
    for (const secret of [ADMIN.secretAccessKey, ...ROLES.flatMap((r) => [r.credentials.secretAccessKey, r.credentials.sessionToken])]) {
      expect(logs.join('\n')).not.toContain(secret);
    }
  });
});

describe('what is not a DynamoDB call', () => {
  test.each([
    ['a GET: the health line', 'GET', {}, undefined, 200, 'healthy: dynamodb.us-east-1.amazonaws.com '],
    ['an OPTIONS without Origin', 'OPTIONS', {}, undefined, 404, '<UnknownOperationException/>\n'],
    ['a PUT', 'PUT', {}, '{}', 404, '<UnknownOperationException/>\n'],
    ['a body of another content type', 'POST', { 'content-type': 'text/plain' }, 'hi', 404, '<UnknownOperationException/>\n'],
    ['a body that is not JSON', 'POST', { 'content-type': 'application/json' }, 'hi', 400, '{"__type":"com.amazon.coral.service#SerializationException"}'],
    ['no X-Amz-Target', 'POST', { 'content-type': 'application/json' }, '{}', 400, '{"__type":"com.amazon.coral.service#UnknownOperationException"}'],
    [
      'an operation the endpoint does not serve',
      'POST',
      { 'content-type': 'application/json', 'x-amz-target': 'DynamoDB_20120810.ExecuteStatement' },
      '{}',
      400,
      '{"__type":"com.amazon.coral.service#UnknownOperationException"}',
    ],
  ])('%s', async (_what, method, headers, body, status, text) => {
    const response = await fetch(store.url, { method, headers, body });
    expect(response.status).toBe(status);
    expect(await response.text()).toBe(text);
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9A-Z]{52}$/);
  });

  test('a preflight is answered as DynamoDB answers it: any origin, the requested method and headers, no credentials', async () => {
    const response = await fetch(store.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-amz-target' },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect(Object.fromEntries([...(response.headers as unknown as Iterable<[string, string]>)].filter(([name]) => name.startsWith('access-control-')))).toEqual(
      {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type, x-amz-target',
        'access-control-max-age': '172800',
      },
    );
  });
});
