/**
 * Per-request isolation of IAM credentials (src/utils/amplify-iam.ts), against a loopback GraphQL endpoint that
 * reads who signed each request: many concurrent requests, each with credentials of its own that resolve after a
 * random delay and whose answers come back in random order, are each signed with their own credentials only, by
 * Amplify's signer (a SigV4 Authorization header, the session token alongside), and the process-wide Amplify holds
 * none of them afterwards.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Amplify } from 'aws-amplify';
import { fetchAuthSession } from 'aws-amplify/auth';
import { createIamServerRunner, type AwsCredentials } from '../src/utils/amplify-iam';

const QUERY = 'query WhoAmI { listTodos { items { id name } } }';

interface Seen {
  readonly accessKeyId: string;
  readonly sessionToken: string | undefined;
  readonly requestId: string;
}

let server: Server;
let url: string;
const seen: Seen[] = [];
/** Session token of every access key the test handed out: a request signed with one key and another's token is a leak. */
const tokenOf = new Map<string, string>();

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  server = createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as { variables?: { requestId?: string } };
    const authorization = req.headers.authorization ?? '';
    const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/us-east-1\/appsync\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.exec(authorization);
    if (!match) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ errorType: 'UnauthorizedException', message: `not SigV4: ${authorization}` }] }));
      return;
    }
    const token = req.headers['x-amz-security-token'];
    const entry: Seen = { accessKeyId: match[1], sessionToken: typeof token === 'string' ? token : undefined, requestId: body.variables?.requestId ?? '' };
    seen.push(entry);
    // Answer in a random order, so that requests overlap and finish out of order.
    await delay(Math.random() * 40);
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({ data: { listTodos: { __typename: 'ModelTodoConnection', items: [{ __typename: 'Todo', id: entry.accessKeyId, name: entry.sessionToken ?? null }] } } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function identity(n: number): AwsCredentials {
  const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}${n}`;
  const sessionToken = `token-${n}-${randomBytes(16).toString('hex')}`;
  tokenOf.set(accessKeyId, sessionToken);
  return { accessKeyId, secretAccessKey: randomBytes(20).toString('base64'), sessionToken, expiration: new Date(Date.now() + 3_600_000) };
}

function config() {
  return {
    aws_project_region: 'us-east-1',
    aws_appsync_graphqlEndpoint: url,
    aws_appsync_region: 'us-east-1',
    aws_appsync_authenticationType: 'API_KEY',
    aws_appsync_apiKey: 'da2-not-used-by-iam',
  };
}

describe('IAM credentials, one Amplify context per request', () => {
  test('concurrent requests with different credentials are each signed with their own, never another\'s', async () => {
    const identities = Array.from({ length: 8 }, (_, n) => identity(n));
    const serverCredentials = identity(99);
    let serverCalls = 0;
    const { runWithIamServerContext, iamClient } = createIamServerRunner({
      config: config(),
      credentials: async () => {
        serverCalls++;
        await delay(Math.random() * 20);
        return serverCredentials;
      },
    });
    const calls: Array<{ expected: AwsCredentials; requestId: string; sourceCalls: () => number; result: Promise<unknown> }> = [];
    // 64 requests at once: 8 identities, interleaved, plus the server's own (no per-request credentials) every 4th.
    for (let i = 0; i < 64; i++) {
      const own = i % 4 === 3 ? undefined : identities[i % identities.length];
      const requestId = `r${i}`;
      let calledTimes = 0;
      const credentials = own
        ? async () => {
            calledTimes++;
            await delay(Math.random() * 20);
            return own;
          }
        : undefined;
      calls.push({
        expected: own ?? serverCredentials,
        requestId,
        sourceCalls: () => calledTimes,
        result: runWithIamServerContext(
          (contextSpec) => iamClient.graphql(contextSpec, { query: QUERY, variables: { requestId } }) as Promise<unknown>,
          credentials ? { credentials } : {},
        ),
      });
    }
    const results = await Promise.all(calls.map((call) => call.result));
    results.forEach((result, index) => {
      const { expected, requestId, sourceCalls } = calls[index];
      const item = (result as { data: { listTodos: { items: Array<{ id: string; name: string }> } } }).data.listTodos.items[0];
      assert.equal(item.id, expected.accessKeyId, `request ${requestId} was signed with another request's access key`);
      assert.equal(item.name, expected.sessionToken, `request ${requestId} carried another request's session token`);
      const record = seen.find((s) => s.requestId === requestId);
      assert.ok(record, `request ${requestId} reached the endpoint`);
      assert.equal(record.accessKeyId, expected.accessKeyId);
      // Each request's context resolves its own credentials once (Amplify asks twice: the auth check and the signer).
      if (expected !== serverCredentials) assert.equal(sourceCalls(), 1, `request ${requestId} resolved its credentials ${sourceCalls()} times`);
    });
    for (const record of seen) assert.equal(record.sessionToken, tokenOf.get(record.accessKeyId), 'an access key went with another key\'s session token');
    assert.equal(serverCalls, 16, 'the server\'s credentials are resolved once per request that uses them');
  });

  test('nothing is left in the process-wide Amplify: no configuration, no credentials', async () => {
    assert.deepEqual(Amplify.getConfig(), {});
    const session = await fetchAuthSession();
    assert.equal(session.credentials, undefined);
  });

  test('credentials that cannot be resolved fail that request only, with the reason', async () => {
    const { runWithIamServerContext, iamClient } = createIamServerRunner({ config: config(), credentials: async () => identity(7) });
    const failing = runWithIamServerContext((contextSpec) => iamClient.graphql(contextSpec, { query: QUERY }) as Promise<unknown>, {
      credentials: async () => {
        throw new Error('Could not load credentials from any providers');
      },
    });
    const working = runWithIamServerContext((contextSpec) => iamClient.graphql(contextSpec, { query: QUERY }) as Promise<unknown>);
    await assert.rejects(failing);
    const result = (await working) as { data: { listTodos: { items: Array<{ id: string }> } } };
    assert.match(result.data.listTodos.items[0].id, /^ASIA/);
  });
});
