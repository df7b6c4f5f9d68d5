import * as fs from 'node:fs';
import { request as httpRequest } from 'node:http';
import * as path from 'node:path';
import { type InvokeApiRequest, type RunningInvokeApi, startInvokeApi } from '../../../local/lambda/invoke-api';
import { LambdaRuntime } from '../../../local/lambda/runtime';
import { ACCOUNT, createFixtures, type Fixtures, isAlive, PROJECT_ROOT, REGION, workerChildren } from './fixtures';

let fixtures: Fixtures;
let runtime: LambdaRuntime;
let api: RunningInvokeApi;
const authenticated: InvokeApiRequest[] = [];
const authorized: Array<[string, string, string]> = [];
const seenPids = new Set<number>();

const ECHO_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fixture-echo-esm`;

function invocationsPath(functionName: string, query = ''): string {
  return `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations${query}`;
}

async function post(
  functionName: string,
  body: string | Buffer = '{}',
  headers: Record<string, string> = {},
  query = '',
): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const response = await fetch(`${api.url}${invocationsPath(functionName, query)}`, {
    method: 'POST',
    headers: { authorization: 'Test alice', ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  for (const worker of runtime.listWorkers()) if (worker.pid) seenPids.add(worker.pid);
  return { status: response.status, headers: response.headers, text, json: parsed };
}

beforeAll(async () => {
  fixtures = createFixtures();
  runtime = new LambdaRuntime({
    region: REGION,
    accountId: ACCOUNT,
    functions: [
      fixtures.def('echo-esm'),
      fixtures.def('throws'),
      fixtures.def('noisy'),
      fixtures.def('forbidden-echo', { name: 'forbidden-echo', codeDir: fixtures.def('echo-esm').codeDir }),
    ],
  });
  api = await startInvokeApi({
    runtime,
    port: 0,
    // A stand-in for the SigV4 verifier: "Test <principal>".
    authenticate: async (request) => {
      authenticated.push(request);
      const match = /^Test (\S+)$/.exec(request.headers.authorization ?? '');
      if (!match) {
        return {
          ok: false,
          status: 403,
          body: JSON.stringify({ message: 'The security token included in the request is invalid.' }),
          headers: { 'x-amzn-ErrorType': 'UnrecognizedClientException', 'content-type': 'application/json' },
        };
      }
      return { ok: true, principal: `arn:aws:iam::${ACCOUNT}:user/${match[1]}` };
    },
    authorize: (principal, action, resource) => {
      authorized.push([principal, action, resource]);
      return !principal.endsWith('/mallory') && !resource.includes('forbidden');
    },
  });
});

afterAll(async () => {
  await api?.close();
  await runtime?.close();
  fixtures?.remove();
});

describe('RequestResponse', () => {
  test('200 with the payload, the executed version and a request id', async () => {
    const response = await post('fixture-echo-esm', '{"hello":"http"}');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-executed-version')).toBe('$LATEST');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-amzn-requestid')).toBe(response.json.context.awsRequestId);
    expect(response.headers.get('x-amz-function-error')).toBeNull();
    expect(response.headers.get('x-amz-log-result')).toBeNull();
    expect(response.json.event).toEqual({ hello: 'http' });
    expect(response.json.context.invokedFunctionArn).toBe(ECHO_ARN);
  });

  test('the function may be named by ARN, partial ARN or URL-encoded name, with Qualifier=$LATEST', async () => {
    for (const name of [ECHO_ARN, `${ACCOUNT}:function:fixture-echo-esm`, `${ECHO_ARN}:$LATEST`]) {
      const response = await post(name);
      expect(response.status).toBe(200);
      expect(response.json.context.invokedFunctionArn).toBe(name.startsWith('arn:') ? name : ECHO_ARN);
    }
    expect((await post('fixture-echo-esm', '{}', {}, '?Qualifier=%24LATEST')).status).toBe(200);
    // Raw, not encoded: colons are legal in a path segment.
    const raw = await fetch(`${api.url}/2015-03-31/functions/${ECHO_ARN}/invocations`, {
      method: 'POST',
      headers: { authorization: 'Test alice' },
      body: '{}',
    });
    expect(raw.status).toBe(200);
  });

  test('X-Amz-Log-Type: Tail returns the log tail, base64, in X-Amz-Log-Result', async () => {
    const response = await post('fixture-noisy', '{"lines":3}', { 'X-Amz-Log-Type': 'Tail' });
    const log = Buffer.from(response.headers.get('x-amz-log-result') ?? '', 'base64').toString('utf8');
    expect(log).toContain(`START RequestId: ${response.headers.get('x-amzn-requestid')} Version: $LATEST`);
    expect(log).toContain('line 2');
    expect(log).toMatch(/REPORT RequestId: .*\n$/);
  });

  test('a function error: 200, X-Amz-Function-Error: Unhandled, the error document as body', async () => {
    const response = await post('fixture-throws');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(response.headers.get('x-amz-executed-version')).toBe('$LATEST');
    expect(response.json).toMatchObject({ errorType: 'ValidationError', errorMessage: 'the name is too long' });
    expect(response.json.trace[0]).toBe('ValidationError: the name is too long');
  });

  test('an empty body is the event {}', async () => {
    const response = await post('fixture-echo-esm', '');
    expect(response.status).toBe(200);
    expect(response.json.event).toEqual({});
  });
});

describe('other invocation types', () => {
  test('Event → 202 with no body, the function runs in the background', async () => {
    const response = await post('fixture-echo-esm', '{"async":true}', { 'X-Amz-Invocation-Type': 'Event' });
    expect(response.status).toBe(202);
    expect(response.text).toBe('');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('DryRun → 204 with no body', async () => {
    const response = await post('fixture-echo-esm', '{}', { 'X-Amz-Invocation-Type': 'DryRun' });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
  });

  test('an unknown invocation type → 400 ValidationException', async () => {
    const response = await post('fixture-echo-esm', '{}', { 'X-Amz-Invocation-Type': 'Later' });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(response.json.Message).toContain('[Event, RequestResponse, DryRun]');
  });
});

describe('refusals', () => {
  test('unknown function → 404 ResourceNotFoundException with Lambda’s body', async () => {
    const response = await post('no-such-function');
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.json).toEqual({ Type: 'User', Message: `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:no-such-function` });
  });

  test('a qualifier other than $LATEST → 404, like an alias that does not exist', async () => {
    const response = await post('fixture-echo-esm', '{}', {}, '?Qualifier=prod');
    expect(response.status).toBe(404);
    expect(response.json).toEqual({ Type: 'User', Message: `Function not found: ${ECHO_ARN}:prod` });
    expect((await post('fixture-echo-esm:7')).json.Message).toBe(`Function not found: ${ECHO_ARN}:7`);
  });

  test('a payload that is not JSON → 400 InvalidRequestContentException', async () => {
    const response = await post('fixture-echo-esm', 'meow');
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
    expect(response.json.Type).toBe('User');
    expect(response.json.Message).toMatch(/^Could not parse request body into json: Could not parse payload into json: /);
  });

  test('a body over 6 MB → 413 RequestEntityTooLargeException, and the server keeps serving', async () => {
    const before = authenticated.length;
    const response = await post('fixture-echo-esm', Buffer.alloc(6_291_457, 0x20));
    expect(response.status).toBe(413);
    // Refused while reading: the body was never handed on, not even to the authenticator.
    expect(authenticated.length).toBe(before);
    expect(response.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException');
    expect(response.json).toEqual({ Type: 'User', Message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' });
    expect((await post('fixture-echo-esm', Buffer.alloc(6_291_456, 0x20))).status).toBe(400); // at the limit: read, then not JSON
    expect((await post('fixture-echo-esm', '{"still":"serving"}')).json.event).toEqual({ still: 'serving' });
  });

  test('a failed authentication is answered as the authenticator says, before anything else', async () => {
    const before = authorized.length;
    const response = await post('no-such-function', '{}', { authorization: 'AWS4-HMAC-SHA256 garbage' });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnrecognizedClientException');
    expect(response.json).toEqual({ message: 'The security token included in the request is invalid.' });
    expect(authorized.length).toBe(before);
  });

  test('the authenticator sees method, raw path, decoded query, lower-case headers and the body', async () => {
    await post(ECHO_ARN, '{"seen":1}', { 'X-Amz-Log-Type': 'None' }, '?Qualifier=%24LATEST');
    const seen = authenticated[authenticated.length - 1];
    expect(seen.method).toBe('POST');
    expect(seen.path).toBe(invocationsPath(ECHO_ARN));
    expect(seen.path).toContain('%3A');
    expect(seen.query).toEqual({ Qualifier: '$LATEST' });
    expect(seen.headers['x-amz-log-type']).toBe('None');
    expect(seen.body.toString()).toBe('{"seen":1}');
  });

  test('not authorized → 403 AccessDeniedException with Lambda’s message, checked against the function ARN', async () => {
    const response = await post('fixture-echo-esm', '{}', { authorization: 'Test mallory' });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(response.json).toEqual({
      Type: 'User',
      Message: `User: arn:aws:iam::${ACCOUNT}:user/mallory is not authorized to perform: lambda:InvokeFunction on resource: ${ECHO_ARN} because no identity-based policy allows the lambda:InvokeFunction action`,
    });
    expect(authorized[authorized.length - 1]).toEqual([`arn:aws:iam::${ACCOUNT}:user/mallory`, 'lambda:InvokeFunction', ECHO_ARN]);
    const forbidden = await post('forbidden-echo');
    expect(forbidden.status).toBe(403);
  });

  test('other paths and methods → a JSON 404 saying what is served', async () => {
    for (const [method, url] of [
      ['GET', '/'],
      ['GET', invocationsPath('fixture-echo-esm')],
      ['POST', '/2015-03-31/functions/fixture-echo-esm'],
      ['POST', '/2015-03-31/functions//invocations'],
      ['PUT', '/graphql'],
    ]) {
      const response = await fetch(`${api.url}${url}`, { method, ...(method === 'GET' ? {} : { body: '{}' }) });
      expect([method, url, response.status]).toEqual([method, url, 404]);
      expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
      const body = (await response.json()) as { Message: string };
      expect(body.Message).toContain('POST /2015-03-31/functions/{FunctionName}/invocations');
    }
  });

  test('a malformed name → 400, never 5xx', async () => {
    const badEncoding = await fetch(`${api.url}/2015-03-31/functions/%E0%A4%A/invocations`, {
      method: 'POST',
      headers: { authorization: 'Test alice' },
      body: '{}',
    });
    expect(badEncoding.status).toBe(400);
    expect(badEncoding.headers.get('x-amzn-errortype')).toBe('ValidationException');
    const badName = await post('bad name!');
    expect(badName.status).toBe(400);
    expect(badName.headers.get('x-amzn-errortype')).toBe('ValidationException');
    const conflicting = await post('fixture-echo-esm:1', '{}', {}, '?Qualifier=2');
    expect(conflicting.status).toBe(400);
    expect(conflicting.headers.get('x-amzn-errortype')).toBe('InvalidParameterValueException');
    const badContext = await post('fixture-echo-esm', '{}', { 'X-Amz-Client-Context': '%%%' });
    expect(badContext.status).toBe(400);
  });

  test('a client that goes away mid-body or sends garbage does not hurt the server', async () => {
    const { port } = new URL(api.url);
    const before = authenticated.length;
    await new Promise<void>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: invocationsPath('fixture-echo-esm'), headers: { 'content-length': '1000' } });
      req.on('error', () => resolve());
      req.write('{"partial":');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The truncated request went no further.
    expect(authenticated.length).toBe(before);
    const net = await import('node:net');
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      socket.on('data', () => undefined);
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    expect((await post('fixture-echo-esm', '{"after":"abuse"}')).json.event).toEqual({ after: 'abuse' });
  });
});

describe('client context', () => {
  test('X-Amz-Client-Context reaches context.clientContext', async () => {
    const clientContext = { custom: { tenant: 'acme' }, env: { locale: 'fr' } };
    const response = await post('fixture-echo-esm', '{}', { 'X-Amz-Client-Context': Buffer.from(JSON.stringify(clientContext)).toString('base64') });
    expect(response.json.context.clientContext).toEqual(clientContext);
  });
});

describe('AWS SDK v3', () => {
  const sdkInstalled = fs.existsSync(path.join(PROJECT_ROOT, 'node_modules/@aws-sdk/client-lambda/package.json'));
  (sdkInstalled ? test : test.skip)('@aws-sdk/client-lambda invokes through the local endpoint', async () => {
    // Loaded dynamically: the package is optional and not a dependency of the project.
    const sdk = require('@aws-sdk/client-lambda') as any;
    const client = new sdk.LambdaClient({
      region: REGION,
      endpoint: api.url,
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'secret' },
    });
    // The fake authenticator wants "Test <principal>": swap the signature for it.
    client.middlewareStack.add(
      (next: (args: any) => Promise<unknown>) => async (args: any) => {
        args.request.headers.authorization = 'Test sdk-user';
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'testAuthorization' },
    );
    try {
      const ok = await client.send(new sdk.InvokeCommand({ FunctionName: ECHO_ARN, Payload: Buffer.from('{"via":"sdk"}'), LogType: 'Tail' }));
      expect(ok.StatusCode).toBe(200);
      expect(ok.ExecutedVersion).toBe('$LATEST');
      expect(JSON.parse(Buffer.from(ok.Payload).toString()).event).toEqual({ via: 'sdk' });
      expect(Buffer.from(ok.LogResult, 'base64').toString()).toContain('REPORT RequestId');
      const failed = await client.send(new sdk.InvokeCommand({ FunctionName: 'fixture-throws' }));
      expect(failed.FunctionError).toBe('Unhandled');
      await expect(client.send(new sdk.InvokeCommand({ FunctionName: 'nope' }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:nope`,
      });
    } finally {
      client.destroy();
    }
  });
});

describe('no worker survives', () => {
  test('after the server and the runtime close, no worker process is left', async () => {
    await api.close();
    await runtime.close();
    expect(seenPids.size).toBeGreaterThan(0);
    expect([...seenPids].filter(isAlive)).toEqual([]);
    expect(workerChildren()).toEqual([]);
  });
});
