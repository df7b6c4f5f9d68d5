/**
 * Local cloud hygiene: it listens on 127.0.0.1 unless told otherwise, writes the files holding secrets for its owner
 * only, compares keys, signatures and session tokens in constant time, bounds what a request may send, and no log line
 * of a full run (every service, successes and refusals) holds the API key, a secret key, a session token or a
 * signature.
 */

import * as crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createSigV4Signer } from '../../lambda/shared/sigv4';
import { parseStartOptions } from '../../local/cli-options';
import * as sigv4 from '../../local/iam/sigv4';
import { startCloudProcess } from '../support/cloud-process';
import { apiKeyClient, post, signedPost, withLastCharacterChanged } from '../support/hardening';
import { type LocalCloudHandle, startTestCloud } from '../support/local-cloud-harness';
import { sharedAssembly } from '../support/shared-assembly';

// timingSafeEqual, observed (node:crypto's exports cannot be spied on); it still compares.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

const LIST = 'query LIST_TODOS($limit: Int, $nextToken: String) { listTodos(limit: $limit, nextToken: $nextToken) { items { id name } nextToken } }';
const CREATE = 'mutation CREATE_TODO($input: CreateTodoInput!) { createTodo(input: $input) { id name } }';
const MiB = 1024 * 1024;

let assemblyDir: string;
let stateDir: string;
let local: LocalCloudHandle;
let gql: ReturnType<typeof apiKeyClient>;

beforeAll(async () => {
  assemblyDir = sharedAssembly();
  stateDir = mkdtempSync(path.join(tmpdir(), 'hygiene-'));
  // A persistent state directory, as `npm start` uses, with an --outputs-file copy.
  local = await startTestCloud({ assemblyDir, stateDir, outputsFile: path.join(stateDir, 'copy', 'outputs.json') });
  gql = apiKeyClient(local.graphqlUrl, local.apiKey);
});

afterAll(async () => {
  await local?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Local addresses of the listening TCP sockets on a port (from /proc/net/tcp and tcp6). */
function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue; // 0A = LISTEN
      const [hexAddress, hexPort] = local.split(':');
      if (parseInt(hexPort, 16) !== port) continue;
      found.push(
        hexAddress.length === 8
          ? hexAddress
              .match(/../g)!
              .reverse()
              .map((byte) => parseInt(byte, 16))
              .join('.')
          : `ipv6:${hexAddress}`,
      );
    }
  }
  return found;
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const ports = () => [local.graphqlUrl, local.cloud.endpoints.lambda, local.cloud.endpoints.dynamodb].map((url) => Number(new URL(url).port));

describe('listening', () => {
  test('npm start listens on 127.0.0.1 unless --host says otherwise', () => {
    expect(parseStartOptions([], {}).host).toBe('127.0.0.1');
    expect(parseStartOptions(['--host', '0.0.0.0'], {}).host).toBe('0.0.0.0');
  });

  test('every service (GraphQL, Lambda, DynamoDB) listens on 127.0.0.1 only', async () => {
    for (const url of [local.graphqlUrl, local.cloud.endpoints.lambda, local.cloud.endpoints.dynamodb]) expect(new URL(url).hostname).toBe('127.0.0.1');
    for (const port of ports()) expect(listeningAddresses(port)).toEqual(['127.0.0.1']);
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && !address.internal && address.family === 'IPv4');
    for (const port of ports()) {
      expect(await connects('127.0.0.1', port)).toBe(true);
      if (outside)
        expect({ port, from: outside.address, connects: await connects(outside.address, port) }).toEqual({ port, from: outside.address, connects: false });
    }
  });
});

describe('files', () => {
  test('the files holding keys and credentials are readable by their owner only', () => {
    const secretFiles = [
      local.cloud.files.credentials,
      local.cloud.files.config,
      local.cloud.files.outputs,
      path.join(stateDir, 'identity.json'),
      path.join(stateDir, 'copy', 'outputs.json'),
      // The local certificate authority's key and the TLS server's.
      path.join(stateDir, 'tls', 'ca-key.pem'),
      path.join(stateDir, 'tls', 'server-key.pem'),
    ];
    for (const file of secretFiles) expect({ file, mode: (statSync(file).mode & 0o777).toString(8) }).toEqual({ file, mode: '600' });
    // endpoints.json holds no secret.
    expect(readFileSync(local.cloud.files.endpoints, 'utf8')).not.toContain(local.apiKey);
  });
});

describe('comparisons', () => {
  test('a presented API key is compared in constant time with every key of the API', async () => {
    const compare = jest.spyOn(sigv4, 'constantTimeEqual');
    const nearMiss = withLastCharacterChanged(local.apiKey);
    const reply = await post(local.graphqlUrl, JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'application/json', 'x-api-key': nearMiss });
    expect(reply.status).toBe(401);
    expect(compare).toHaveBeenCalledWith(local.apiKey, nearMiss);
    compare.mockRestore();
  });

  test('a signature and a session token are compared in constant time (through their digests, with timingSafeEqual)', async () => {
    const compare = jest.mocked(crypto.timingSafeEqual);
    compare.mockClear();
    const digest = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest();
    const compared = (text: string) => compare.mock.calls.some(([, b]) => Buffer.from(b as Uint8Array).equals(digest(text)));

    let presented = '';
    const tampered = await local.signedGraphql(JSON.stringify({ query: '{ __typename }' }), {
      tamper: (request) => {
        const authorization = request.headers.authorization.replace(/Signature=(.)/, (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`);
        presented = /Signature=([0-9a-f]+)/.exec(authorization)![1];
        return { ...request, headers: { ...request.headers, authorization } };
      },
    });
    expect(tampered.status).toBe(403);
    expect(compared(presented)).toBe(true);

    const role = local.cloud.deployment.roles[0];
    const forgedToken = withLastCharacterChanged(role.credentials.sessionToken);
    const signer = createSigV4Signer({
      service: 'appsync',
      region: local.cloud.deployment.region,
      credentials: { ...role.credentials, sessionToken: forgedToken },
      applyChecksum: true,
    });
    const url = new URL(local.graphqlUrl);
    const body = JSON.stringify({ query: '{ __typename }' });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: {},
      headers: { host: url.host, 'content-type': 'application/json' },
      body,
    });
    const refused = await post(local.graphqlUrl, body, signed.headers as Record<string, string>);
    expect(refused.status).toBe(403);
    expect(compared(forgedToken)).toBe(true);
  });

  test('constantTimeEqual is right for equal, unequal and different-length strings', () => {
    expect(sigv4.constantTimeEqual('da2-abc', 'da2-abc')).toBe(true);
    expect(sigv4.constantTimeEqual('da2-abc', 'da2-abd')).toBe(false);
    expect(sigv4.constantTimeEqual('da2-abc', 'da2-ab')).toBe(false);
    expect(sigv4.constantTimeEqual('', '')).toBe(true);
    expect(sigv4.constantTimeEqual('é', 'e\u0301')).toBe(false);
  });
});

describe('request limits', () => {
  test.each([
    ['GraphQL', 1 * MiB, 413, () => local.graphqlUrl],
    ['Lambda Invoke API', 6 * MiB, 413, () => `${local.cloud.endpoints.lambda}/2015-03-31/functions/x/invocations`],
    ['DynamoDB', 16 * MiB, 413, () => local.cloud.endpoints.dynamodb],
  ])('%s: a body over %i bytes is refused with %i, and the service keeps serving', async (_name, limit, status, url) => {
    const reply = await post(url(), new Uint8Array(limit + 1).fill(0x20), { 'content-type': 'application/json', 'x-api-key': local.apiKey });
    expect(reply.status).toBe(status);
    expect((await gql.query(LIST, { limit: 1 })).status).toBe(200);
    expect(
      (await local.dynamoDbClient().send(new ScanCommand({ TableName: local.cloud.deployment.tables[0].tableName, Limit: 1 }))).$metadata.httpStatusCode,
    ).toBe(200);
  });

  test.each(['GraphQL', 'Lambda Invoke API', 'DynamoDB'])('%s: 64 KB of headers are refused (431, or 400 from the Invoke API)', async (name) => {
    const url = {
      GraphQL: local.graphqlUrl,
      'Lambda Invoke API': `${local.cloud.endpoints.lambda}/2015-03-31/functions/x/invocations`,
      DynamoDB: local.cloud.endpoints.dynamodb,
    }[name]!;
    const reply = await post(url, '{}', { 'content-type': 'application/json', 'x-padding': 'x'.repeat(64 * 1024) });
    expect(name === 'Lambda Invoke API' ? [400, 431] : [431]).toContain(reply.status);
    expect((await gql.query(LIST, { limit: 1 })).status).toBe(200);
  });
});

describe('secrets in logs', () => {
  /** Everything a run may not write anywhere: the API key, every secret key and session token, the identity seed. */
  const secrets = () => {
    const { deployment } = local.cloud;
    return [
      local.apiKey,
      deployment.adminCredentials.secretAccessKey,
      ...deployment.roles.flatMap((role) => [role.credentials.secretAccessKey, role.credentials.sessionToken]),
      (JSON.parse(readFileSync(path.join(stateDir, 'identity.json'), 'utf8')) as { seed: string }).seed,
    ];
  };
  const signatures: string[] = [];
  const tails: string[] = [];

  test('a full run through every service, with successes and refusals', async () => {
    const { deployment } = local.cloud;
    // GraphQL with the API key: every operation, and mistakes.
    const created = await gql.query(CREATE, { input: { name: 'full run' } });
    const id = created.json.data.createTodo.id as string;
    await gql.query('mutation ($input: UpdateTodoInput!) { updateTodo(input: $input) { id } }', { input: { id, name: 'renamed' } });
    await gql.query('query ($id: ID!) { getTodo(id: $id) { id } }', { id });
    await gql.query(LIST, { limit: 1 });
    await gql.query(LIST, { nextToken: 'garbage' });
    await gql.query('mutation ($input: DeleteTodoInput!) { deleteTodo(input: $input) { id } }', { input: { id } });
    await gql.raw('not json');
    await post(local.graphqlUrl, JSON.stringify({ query: '{ __typename }' }), {
      'content-type': 'application/json',
      'x-api-key': withLastCharacterChanged(local.apiKey),
    });
    await post(local.graphqlUrl, JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'application/json', authorization: `Bearer ${local.apiKey}` });
    await post(`${local.graphqlUrl}?x-api-key=${local.apiKey}`, JSON.stringify({ query: '{ __typename }' }), { 'content-type': 'application/json' });

    // GraphQL with SigV4: the admin and every role, allowed and refused, tampered, with a forged session token.
    const body = JSON.stringify({ query: LIST, variables: { limit: 1 } });
    for (const principal of local.cloud.services.principals.list()) {
      await local.signedGraphql(body, {
        profile: principal.profileName,
        tamper: (request) => {
          signatures.push(/Signature=([0-9a-f]+)/.exec(request.headers.authorization)?.[1] ?? '');
          return request;
        },
      });
      await local.signedGraphql(JSON.stringify({ query: CREATE, variables: { input: { name: 'by a role' } } }), { profile: principal.profileName });
      await local.signedGraphql(body, { profile: principal.profileName, tamper: (request) => ({ ...request, body: request.body.replace('1', '2') }) });
    }
    await local.signedGraphql(body, { signingDate: new Date(Date.now() - 10 * 60 * 1000) });

    // The Lambda Invoke API: every caller, with the log tail; refusals.
    const lambda = local.lambdaClient();
    for (const output of ['ListTodosApiKeyFunctionName', 'ListTodosIamFunctionName', 'CreateTodoApiKeyFunctionName', 'CreateTodoIamFunctionName']) {
      for (const payload of [{ name: 'via caller', limit: undefined }, { bogus: true }]) {
        const result = await lambda.send(
          new InvokeCommand({
            FunctionName: local.output('TodoCallers-dev', output),
            LogType: 'Tail',
            Payload: Buffer.from(JSON.stringify(output.startsWith('List') ? { limit: 2, ...('bogus' in payload ? payload : {}) } : payload)),
          }),
        );
        tails.push(Buffer.from(result.LogResult ?? '', 'base64').toString('utf8'));
      }
    }
    const resolverName = deployment.functions.find((fn) => fn.logicalId.startsWith('TodoApiResolverFunction'))!.name;
    await lambda
      .send(new InvokeCommand({ FunctionName: resolverName, LogType: 'Tail', Payload: Buffer.from('{"not":"an AppSync event"}') }))
      .then((result) => tails.push(Buffer.from(result.LogResult ?? '', 'base64').toString('utf8')));
    await signedPost(
      `${local.cloud.endpoints.lambda}/2015-03-31/functions/${resolverName}/invocations`,
      '{}',
      { ...deployment.adminCredentials, secretAccessKey: 'wrong'.repeat(8) },
      { service: 'lambda', region: deployment.region },
    );
    const role = deployment.roles[0];
    const asRole = new LambdaClient({ endpoint: local.cloud.endpoints.lambda, region: deployment.region, credentials: role.credentials, maxAttempts: 1 });
    await asRole.send(new InvokeCommand({ FunctionName: resolverName, Payload: Buffer.from('{}') })).catch(() => undefined);
    asRole.destroy();

    // DynamoDB through the SDK.
    await local.dynamoDbClient().send(new GetItemCommand({ TableName: deployment.tables[0].tableName, Key: { id: { S: 'nothing' } } }));
    expect(local.logLines.length).toBeGreaterThan(50);
  });

  test('no log line, and no log tail returned to a client, holds a secret or a signature', () => {
    const logs = [...local.logLines, ...tails].join('\n');
    for (const secret of [...secrets(), ...signatures.filter((signature) => signature.length === 64)]) {
      expect({ secret: `${secret.slice(0, 6)}…`, found: logs.includes(secret) }).toEqual({ secret: `${secret.slice(0, 6)}…`, found: false });
    }
    // What the lines do say: which key, by its first characters only.
    expect(logs).toMatch(new RegExp(`key=${local.apiKey.slice(0, 8)}…`));
  });

  // A presigned Invoke URL (which authenticateLambdaRequest in local/services.ts accepts) carries X-Amz-Signature and,
  // for a role, X-Amz-Security-Token in its query: the Invoke API's log line must name the path only.
  test('a presigned Invoke URL does not put its session token into the log', async () => {
    const { deployment } = local.cloud;
    const role = deployment.roles[0];
    const url = new URL(`${local.cloud.endpoints.lambda}/2015-03-31/functions/no-such-function/invocations`);
    const signer = createSigV4Signer({ service: 'lambda', region: deployment.region, credentials: role.credentials, applyChecksum: true });
    const presigned = await signer.presign(
      { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers: { host: url.host } },
      { expiresIn: 300 },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
    await post(`${url.toString()}?${query}`, '{}', {});
    expect(local.logLines.join('\n').includes(role.credentials.sessionToken)).toBe(false);
  });

  test('npm start: its log (stderr) holds no secret; its report (stdout) shows the API key only as the stack output and in its curl example', async () => {
    const processState = mkdtempSync(path.join(tmpdir(), 'hygiene-process-'));
    const cloud = await startCloudProcess({ assemblyDir, stateDir: processState });
    try {
      const client = apiKeyClient(cloud.graphqlUrl, cloud.apiKey);
      await client.query(CREATE, { input: { name: 'through npm start' } });
      await client.query(LIST, { nextToken: 'garbage' });
      await post(cloud.graphqlUrl, '{}', { 'x-api-key': `${cloud.apiKey}x` });
      const outputs = JSON.parse(readFileSync(path.join(processState, 'outputs.json'), 'utf8')) as Record<string, Record<string, string>>;
      expect(outputs['TodoApi-dev'].GraphQLAPIKeyOutput).toBe(cloud.apiKey);
      const credentials = readFileSync(path.join(processState, 'credentials'), 'utf8');
      const processSecrets = [cloud.apiKey, ...[...credentials.matchAll(/^aws_(?:secret_access_key|session_token) = (\S+)$/gm)].map((match) => match[1])];
      expect(processSecrets.length).toBeGreaterThan(4);
      expect(await cloud.stop()).toBe(0);
      for (const secret of processSecrets)
        expect({ secret: `${secret.slice(0, 6)}…`, inLog: cloud.stderr().includes(secret) }).toEqual({ secret: `${secret.slice(0, 6)}…`, inLog: false });
      // As `cdk deploy` prints its outputs: the key appears on its output's line, and in the example that uses it.
      const linesWithKey = cloud
        .stdout()
        .split('\n')
        .filter((line) => line.includes(cloud.apiKey));
      expect(linesWithKey.length).toBeGreaterThan(0);
      for (const line of linesWithKey) expect(line).toMatch(/GraphQLAPIKeyOutput = da2-|x-api-key: da2-/);
      for (const secret of processSecrets.slice(1)) expect(cloud.stdout()).not.toContain(secret);
    } finally {
      await cloud.kill9().catch(() => undefined);
      rmSync(processState, { recursive: true, force: true });
    }
  });
});
