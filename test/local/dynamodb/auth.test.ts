/**
 * The local DynamoDB endpoint behind SigV4 and IAM, with the real synthesized app and the real AWS SDK client: an
 * invented key, a wrong secret and an unsigned request are refused as DynamoDB refuses them; each role's profile may do
 * exactly what its policies allow (the caller roles no dynamodb: action at all, the resolver's role its table's item
 * actions, nothing else); the admin profile may do anything; a cross-origin preflight grants nothing to the origin;
 * and the app keeps working end to end (the resolver's own role signs its calls).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DeleteTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { apiKeyClient, eventually, post, signedPost, withLastCharacterChanged } from '../../support/hardening';
import { type LocalCloudHandle, startTestCloud } from '../../support/local-cloud-harness';
import { sharedAssembly } from '../../support/shared-assembly';

const CREATE = 'mutation CREATE_TODO($input: CreateTodoInput!) { createTodo(input: $input) { id name } }';
const GET = 'query GET_TODO($id: ID!) { getTodo(id: $id) { id name } }';

let stateDir: string;
let local: LocalCloudHandle;
const clients: DynamoDBClient[] = [];

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), 'dynamodb-auth-'));
  local = await startTestCloud({ assemblyDir: sharedAssembly(), stateDir, inMemory: true });
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await local?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const table = () => local.cloud.deployment.tables[0];
const region = () => local.cloud.deployment.region;

/** A client with explicit credentials (never the default chain, never AWS). */
function clientWith(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): DynamoDBClient {
  const client = new DynamoDBClient({ endpoint: local.cloud.endpoints.dynamodb, region: region(), credentials, maxAttempts: 1 });
  clients.push(client);
  return client;
}

/** The role whose logical id starts with `prefix`, its principal and its profile. */
function role(prefix: string) {
  const found = local.cloud.deployment.roles.find((candidate) => candidate.logicalId.startsWith(prefix));
  if (!found) throw new Error(`no role ${prefix}`);
  const principal = local.cloud.services.principals.principal(found.credentials.accessKeyId);
  if (!principal) throw new Error(`no principal for ${prefix}`);
  return { role: found, principal };
}

describe('authentication', () => {
  test('an invented access key is refused with UnrecognizedClientException', async () => {
    const invented = clientWith({ accessKeyId: 'AKIAINVENTED00000000', secretAccessKey: 'invented/secret/key/0123456789abcdefghij' });
    await expect(invented.send(new ScanCommand({ TableName: table().tableName }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      $metadata: { httpStatusCode: 400 },
    });
  });

  test("DynamoDB's JSON 1.0 body for an invented key", async () => {
    const reply = await signedPost(
      local.cloud.endpoints.dynamodb,
      JSON.stringify({ TableName: table().tableName }),
      { accessKeyId: 'AKIAINVENTED00000000', secretAccessKey: 'invented/secret/key/0123456789abcdefghij' },
      { service: 'dynamodb', region: region(), headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.Scan' } },
    );
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      __type: 'com.amazon.coral.service#UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
    expect(reply.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(reply.headers.get('x-amzn-requestid')).toMatch(/\S/);
  });

  test("the admin's key with a wrong secret is refused with InvalidSignatureException", async () => {
    const admin = local.cloud.deployment.adminCredentials;
    const wrong = clientWith({ accessKeyId: admin.accessKeyId, secretAccessKey: withLastCharacterChanged(admin.secretAccessKey) });
    await expect(wrong.send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringMatching(/^The request signature we calculated does not match the signature you provided\./),
      $metadata: { httpStatusCode: 400 },
    });
  });

  test('a role key without its session token is refused with UnrecognizedClientException', async () => {
    const { role: resolverRole } = role('TodoApiResolverFunctionServiceRole');
    const { sessionToken: _dropped, ...withoutToken } = resolverRole.credentials;
    await expect(clientWith(withoutToken).send(new ScanCommand({ TableName: table().tableName }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
  });

  test('an unsigned request is refused with MissingAuthenticationTokenException', async () => {
    const reply = await post(local.cloud.endpoints.dynamodb, JSON.stringify({ TableName: table().tableName }), {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.Scan',
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
  });
});

describe("each role's profile may do what its policies allow, and nothing else", () => {
  test('a caller role (no dynamodb: permission) is refused with AccessDeniedException in AWS words', async () => {
    const { principal } = role('listTodosIamFunctionServiceRole');
    const caller = local.dynamoDbClient(principal.profileName);
    await expect(caller.send(new ScanCommand({ TableName: table().tableName }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${principal.principalArn} is not authorized to perform: dynamodb:Scan on resource: ${table().arn} because no identity-based policy allows the dynamodb:Scan action`,
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      caller.send(new PutItemCommand({ TableName: table().tableName, Item: { id: { S: 'written-by-a-caller' }, name: { S: 'x' } } })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    // Nothing was written around the resolver's validation.
    expect((await local.allTodos()).map((item) => item.id)).not.toContainEqual({ S: 'written-by-a-caller' });
  });

  test("the resolver's role may read and write its table's items", async () => {
    const { principal } = role('TodoApiResolverFunctionServiceRole');
    const resolver = local.dynamoDbClient(principal.profileName);
    await resolver.send(new PutItemCommand({ TableName: table().tableName, Item: { id: { S: 'by-the-resolver-role' } } }));
    const read = await resolver.send(new GetItemCommand({ TableName: table().tableName, Key: { id: { S: 'by-the-resolver-role' } } }));
    expect(read.Item?.id).toEqual({ S: 'by-the-resolver-role' });
  });

  test("the resolver's role may not list tables or delete its table", async () => {
    const { principal } = role('TodoApiResolverFunctionServiceRole');
    const resolver = local.dynamoDbClient(principal.profileName);
    await expect(resolver.send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${principal.principalArn} is not authorized to perform: dynamodb:ListTables on resource: * because no identity-based policy allows the dynamodb:ListTables action`,
    });
    await expect(resolver.send(new DeleteTableCommand({ TableName: table().tableName }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`dynamodb:DeleteTable on resource: ${table().arn}`),
    });
  });

  test('the admin profile may do anything', async () => {
    const admin = local.dynamoDbClient('local');
    expect((await admin.send(new ListTablesCommand({}))).TableNames).toContain(table().tableName);
    expect((await admin.send(new ScanCommand({ TableName: table().tableName, Limit: 1 }))).$metadata.httpStatusCode).toBe(200);
  });

  test('each refusal is logged with the principal and the reason, never a secret', async () => {
    const { principal } = role('createTodoIamFunctionServiceRole');
    await expect(local.dynamoDbClient(principal.profileName).send(new ScanCommand({ TableName: table().tableName }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    // The store answers from its own thread, whose log lines reach the main thread's log a moment later.
    const refusalLogged = () => local.logLines.find((entry) => entry.startsWith('dynamodb ') && entry.includes(principal.principalArn));
    await eventually(() => refusalLogged() !== undefined, 10_000);
    const line = refusalLogged();
    expect(line).toMatch(/Scan by .*AccessDeniedException, dynamodb:Scan on arn:aws:dynamodb:.* -> 400/);
    const secrets = local.cloud.deployment.roles.flatMap((r) => [r.credentials.secretAccessKey, r.credentials.sessionToken]);
    for (const secret of secrets) expect(local.logLines.join('\n')).not.toContain(secret);
  });
});

describe('CORS', () => {
  test('an unsigned preflight from a foreign origin is not granted to that origin', async () => {
    const response = await fetch(local.cloud.endpoints.dynamodb, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-amz-target,authorization,x-amz-date',
        'access-control-request-private-network': 'true',
      },
    });
    await response.arrayBuffer();
    expect(response.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    // Chrome's Private Network Access: a public page may reach a loopback server only when it says yes.
    expect(response.headers.get('access-control-allow-private-network')).toBeNull();
  });

  test('a cross-origin request signed with an invented key is refused', async () => {
    const reply = await signedPost(
      local.cloud.endpoints.dynamodb,
      JSON.stringify({ TableName: table().tableName }),
      { accessKeyId: 'AKIAINVENTED00000000', secretAccessKey: 'invented/secret/key/0123456789abcdefghij' },
      {
        service: 'dynamodb',
        region: region(),
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.Scan', origin: 'https://evil.example' },
      },
    );
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ __type: 'com.amazon.coral.service#UnrecognizedClientException' });
    expect(reply.text).not.toContain('"Items"');
  });
});

describe('the app', () => {
  test('works end to end: the resolver signs its calls with its own role, which its policy allows', async () => {
    const gql = apiKeyClient(local.graphqlUrl, local.apiKey);
    const created = await gql.query(CREATE, { input: { id: 'end-to-end', name: 'through the resolver' } });
    expect(created.json).toEqual({ data: { createTodo: { id: 'end-to-end', name: 'through the resolver' } } });
    expect((await gql.query(GET, { id: 'end-to-end' })).json).toEqual({ data: { getTodo: { id: 'end-to-end', name: 'through the resolver' } } });
  });
});
