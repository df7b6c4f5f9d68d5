import * as fs from 'node:fs';
import { type InvokeResult, LambdaRuntime, LambdaServiceError, workerScript } from '../../../local/lambda/runtime';
import { ACCOUNT, createFixtures, eventually, type Fixtures, isAlive, json, REGION, workerChildren } from './fixtures';

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let fixtures: Fixtures;
let runtime: LambdaRuntime;
const logLines: string[] = [];
const seenPids = new Set<number>();
const savedEnv = { ...process.env };

function payloadOf(result: InvokeResult): any {
  return json(result.payload);
}

async function call(name: string, event: unknown = {}, options: Parameters<LambdaRuntime['invoke']>[2] = {}): Promise<InvokeResult> {
  const result = await runtime.invoke(name, Buffer.from(JSON.stringify(event)), options);
  for (const worker of runtime.listWorkers()) if (worker.pid) seenPids.add(worker.pid);
  return result;
}

function tail(result: InvokeResult): string {
  return Buffer.from(result.logResult ?? '', 'base64').toString('utf8');
}

beforeAll(() => {
  // The parent's AWS settings must not reach the functions.
  process.env.AWS_ACCESS_KEY_ID = 'PARENT-KEY';
  process.env.AWS_SECRET_ACCESS_KEY = 'parent-secret';
  process.env.AWS_SESSION_TOKEN = 'parent-token';
  process.env.AWS_PROFILE = 'parent-profile';
  process.env.AWS_LEAKY_SETTING = 'leak';
  process.env.SOME_PARENT_VARIABLE = 'leak';
  fixtures = createFixtures();
  const withRole = { credentials: { accessKeyId: 'ASIALOCALROLE', secretAccessKey: 'role-secret', sessionToken: 'role-token' } };
  runtime = new LambdaRuntime({
    region: REGION,
    accountId: ACCOUNT,
    extraEnvironment: { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' },
    log: (line) => logLines.push(line),
    functions: [
      fixtures.def('echo-esm', { ...withRole, environment: { FIXTURE: 'echo-esm', TABLE_NAME: 'todos', NODE_OPTIONS: '--enable-source-maps' } }),
      fixtures.def('echo-cjs', { credentials: { accessKeyId: 'AKIANOTOKEN', secretAccessKey: 'secret-without-token' } }),
      fixtures.def('imports-esm'),
      fixtures.def('imports-cjs'),
      fixtures.def('throws'),
      fixtures.def('exits'),
      fixtures.def('sleeps', { timeoutSeconds: 1 }),
      fixtures.def('malformed'),
      fixtures.def('callback'),
      fixtures.def('noisy'),
      fixtures.def('sometimes-silent'),
      fixtures.def('missing-package-esm'),
      fixtures.def('missing-package-cjs'),
      fixtures.def('syntax-error'),
      fixtures.def('no-handler'),
      fixtures.def('no-file'),
    ],
  });
});

afterAll(async () => {
  await runtime?.close();
  fixtures?.remove();
  process.env = savedEnv;
});

describe('running a bundle', () => {
  test('an ES module bundle gets the event, the Lambda context and the Lambda environment', async () => {
    const result = await call('fixture-echo-esm', { hello: 'world' });
    expect(result.statusCode).toBe(200);
    expect(result.functionError).toBeUndefined();
    expect(result.executedVersion).toBe('$LATEST');
    const body = payloadOf(result);
    expect(body.event).toEqual({ hello: 'world' });
    expect(body.context).toMatchObject({
      functionName: 'fixture-echo-esm',
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fixture-echo-esm`,
      memoryLimitInMB: '128',
      awsRequestId: result.requestId,
      logGroupName: '/aws/lambda/fixture-echo-esm',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(result.requestId).toMatch(REQUEST_ID);
    expect(body.context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(body.context.remaining).toBeGreaterThan(4000);
    expect(body.context.remaining).toBeLessThanOrEqual(5000);
    expect(body.cwd).toBe(fs.realpathSync(fixtures.def('echo-esm').codeDir));
    expect(body.env).toMatchObject({
      TABLE_NAME: 'todos',
      FIXTURE: 'echo-esm',
      NODE_OPTIONS: '--enable-source-maps',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_LAMBDA_FUNCTION_NAME: 'fixture-echo-esm',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/fixture-echo-esm',
      AWS_LAMBDA_LOG_STREAM_NAME: body.context.logStreamName,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      LAMBDA_TASK_ROOT: fixtures.def('echo-esm').codeDir,
      _HANDLER: 'index.handler',
      TZ: ':UTC',
      AWS_ACCESS_KEY_ID: 'ASIALOCALROLE',
      AWS_SECRET_ACCESS_KEY: 'role-secret',
      AWS_SESSION_TOKEN: 'role-token',
      AWS_EC2_METADATA_DISABLED: 'true',
      PATH: process.env.PATH,
    });
    expect(body.env._X_AMZN_TRACE_ID).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
  });

  test('no parent AWS_* variable, profile or config file leaks into a worker', async () => {
    const { env } = payloadOf(await call('fixture-echo-cjs'));
    expect(env.AWS_ACCESS_KEY_ID).toBe('AKIANOTOKEN');
    expect(env.AWS_SECRET_ACCESS_KEY).toBe('secret-without-token');
    // Without a session token in the role credentials there is none at all, not the parent's.
    expect(env).not.toHaveProperty('AWS_SESSION_TOKEN');
    expect(env).not.toHaveProperty('AWS_PROFILE');
    expect(env).not.toHaveProperty('AWS_LEAKY_SETTING');
    expect(env).not.toHaveProperty('SOME_PARENT_VARIABLE');
    expect(env).not.toHaveProperty('NODE_OPTIONS');
    expect(fs.existsSync(env.AWS_SHARED_CREDENTIALS_FILE)).toBe(false);
    expect(fs.existsSync(env.AWS_CONFIG_FILE)).toBe(false);
    for (const [name, value] of Object.entries(env)) {
      expect([name, value]).not.toEqual([name, 'leak']);
      expect(String(value)).not.toMatch(/parent-/);
    }
  });

  test('a CommonJS bundle runs warm: same process, module state kept across invocations', async () => {
    const first = payloadOf(await call('fixture-echo-cjs', { n: 1 }));
    const second = payloadOf(await call('fixture-echo-cjs', { n: 2 }));
    expect(second.pid).toBe(first.pid);
    expect(second.count).toBe(first.count + 1);
    expect(second.event).toEqual({ n: 2 });
    expect(runtime.listWorkers().filter((w) => w.functionName === 'fixture-echo-cjs')).toHaveLength(1);
  });

  test('bare imports resolve from the project node_modules, for ES modules and CommonJS', async () => {
    const { version } = require('graphql') as { version: string };
    expect(payloadOf(await call('fixture-imports-esm'))).toEqual({ graphql: version });
    expect(payloadOf(await call('fixture-imports-cjs'))).toEqual({ graphql: version });
  });

  test('an empty payload is the event {}; any JSON value is an event', async () => {
    const empty = await runtime.invoke('fixture-echo-esm', Buffer.alloc(0));
    expect(payloadOf(empty).event).toEqual({});
    expect(payloadOf(await call('fixture-echo-esm', 'just text')).event).toBe('just text');
    expect(payloadOf(await call('fixture-echo-esm', null)).event).toBeNull();
  });

  test('a handler returning undefined answers null', async () => {
    const result = await call('fixture-malformed', { kind: 'undefined' });
    expect(result.functionError).toBeUndefined();
    expect(result.payload.toString()).toBe('null');
  });
});

describe('function errors', () => {
  test('a thrown error is an Unhandled function error with type, message and trace; the worker stays warm', async () => {
    const warm = payloadOf(await call('fixture-throws', { ok: true }));
    const result = await call('fixture-throws');
    expect(result.statusCode).toBe(200);
    expect(result.functionError).toBe('Unhandled');
    const error = payloadOf(result);
    expect(error).toEqual({ errorType: 'ValidationError', errorMessage: 'the name is too long', trace: expect.any(Array) });
    expect(error.trace[0]).toBe('ValidationError: the name is too long');
    expect(error.trace[1]).toMatch(/^ {4}at .*index\.mjs/);
    expect(payloadOf(await call('fixture-throws', { ok: true })).pid).toBe(warm.pid);
  });

  test('a thrown non-Error is described by its type, as the Node.js runtime does', async () => {
    const result = await call('fixture-throws', { kind: 'string' });
    expect(payloadOf(result)).toEqual({ errorType: 'string', errorMessage: 'just a string', trace: [] });
  });

  test('process.exit(1) is Runtime.ExitError; the worker is replaced and the next call succeeds', async () => {
    const before = payloadOf(await call('fixture-exits')).pid;
    const result = await call('fixture-exits', { action: 'exit', code: 1 });
    expect(result.functionError).toBe('Unhandled');
    expect(payloadOf(result)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${result.requestId} Error: Runtime exited with error: exit status 1`,
    });
    expect(isAlive(before)).toBe(false);
    const after = await call('fixture-exits');
    expect(after.functionError).toBeUndefined();
    expect(payloadOf(after).pid).not.toBe(before);
  });

  test('a clean exit and a signal are worded as Lambda words them', async () => {
    const clean = await call('fixture-exits', { action: 'exit', code: 0 });
    expect(payloadOf(clean).errorMessage).toBe(`RequestId: ${clean.requestId} Error: Runtime exited without providing a reason`);
    const killed = await call('fixture-exits', { action: 'kill' });
    expect(payloadOf(killed).errorMessage).toBe(`RequestId: ${killed.requestId} Error: Runtime exited with error: signal: killed`);
    expect((await call('fixture-exits')).functionError).toBeUndefined();
  });

  test('an exception thrown from a timer fails the invocation and ends the worker', async () => {
    const result = await call('fixture-exits', { action: 'late-throw' });
    expect(payloadOf(result)).toMatchObject({ errorType: 'Error', errorMessage: 'thrown from a timer' });
    const next = await call('fixture-exits');
    expect(next.functionError).toBeUndefined();
  });

  test('an unhandled rejection fails the invocation with Runtime.UnhandledPromiseRejection', async () => {
    const result = await call('fixture-exits', { action: 'reject' });
    expect(payloadOf(result)).toMatchObject({
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: 'Error: nobody catches this',
    });
    expect((await call('fixture-exits')).functionError).toBeUndefined();
  });

  test('past its timeout the worker is killed, the caller gets Sandbox.Timedout, and the next call succeeds', async () => {
    const warm = payloadOf(await call('fixture-sleeps', { ms: 0 })).pid;
    const started = Date.now();
    const result = await call('fixture-sleeps', { ms: 5000 }, { logType: 'Tail' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(2500);
    expect(result.functionError).toBe('Unhandled');
    expect(payloadOf(result)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${result.requestId} Error: Task timed out after 1.00 seconds`,
    });
    expect(tail(result)).toMatch(new RegExp(`Z ${result.requestId} Task timed out after 1.00 seconds\\n`));
    expect(tail(result)).toMatch(/REPORT RequestId: \S+\tDuration: [\d.]+ ms.*\tStatus: timeout\n$/);
    expect(await eventually(() => !isAlive(warm), 1000)).toBe(true);
    const next = await call('fixture-sleeps', { ms: 10 });
    expect(next.functionError).toBeUndefined();
    expect(payloadOf(next).pid).not.toBe(warm);
  });

  test('a result JSON cannot represent (circular, BigInt) is Runtime.JSONStringifyError; the worker stays warm', async () => {
    const warm = payloadOf(await call('fixture-malformed')).pid;
    for (const kind of ['circular', 'bigint']) {
      const result = await call('fixture-malformed', { kind });
      expect(result.functionError).toBe('Unhandled');
      expect(payloadOf(result)).toMatchObject({ errorType: 'Runtime.JSONStringifyError', errorMessage: 'Unable to stringify response body' });
    }
    expect(payloadOf(await call('fixture-malformed')).pid).toBe(warm);
  });

  test('a response over the 6 MB limit is Function.ResponseSizeTooLarge', async () => {
    const result = await call('fixture-malformed', { kind: 'huge' });
    expect(result.functionError).toBe('Unhandled');
    expect(payloadOf(result)).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size (7340034 bytes) exceeded maximum allowed payload size (6291556 bytes).',
    });
  });
});

describe('callback handlers', () => {
  test('the callback result is the response', async () => {
    const result = await call('fixture-callback', { a: 1 });
    expect(payloadOf(result)).toEqual({ via: 'callback', event: { a: 1 } });
  });

  test('a callback error is an Unhandled function error', async () => {
    const result = await call('fixture-callback', { fail: true });
    expect(result.functionError).toBe('Unhandled');
    expect(payloadOf(result)).toMatchObject({ errorType: 'Error', errorMessage: 'callback failure' });
  });

  test('the response waits for the event loop unless callbackWaitsForEmptyEventLoop is false', async () => {
    let started = Date.now();
    await call('fixture-callback', { pendingTimerMs: 400 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    started = Date.now();
    const quick = await call('fixture-callback', { pendingTimerMs: 400, dontWait: true });
    expect(Date.now() - started).toBeLessThan(300);
    expect(payloadOf(quick).via).toBe('callback');
  });

  test('a non-async handler that returns without calling back answers null once the event loop is empty', async () => {
    const result = await call('fixture-callback', { syncReturn: true });
    expect(result.payload.toString()).toBe('null');
  });
});

describe('init errors', () => {
  test('CommonJS requiring a missing package: Runtime.ImportModuleError', async () => {
    const result = await call('fixture-missing-package-cjs');
    expect(result.functionError).toBe('Unhandled');
    const error = payloadOf(result);
    expect(error.errorType).toBe('Runtime.ImportModuleError');
    expect(error.errorMessage).toMatch(/^Error: Cannot find module 'no-such-package-anywhere'\nRequire stack:\n- .*index\.js/);
    expect(error.trace[0]).toBe("Runtime.ImportModuleError: Error: Cannot find module 'no-such-package-anywhere'");
  });

  test('an ES module importing a missing package: the plain Error the Node.js runtime lets through', async () => {
    const error = payloadOf(await call('fixture-missing-package-esm'));
    expect(error.errorType).toBe('Error');
    expect(error.errorMessage).toMatch(/^Cannot find package 'no-such-package-anywhere' imported from .*index\.mjs$/);
  });

  test('a syntax error: Runtime.UserCodeSyntaxError', async () => {
    const error = payloadOf(await call('fixture-syntax-error'));
    expect(error.errorType).toBe('Runtime.UserCodeSyntaxError');
    expect(error.errorMessage).toMatch(/^SyntaxError: Unexpected token/);
  });

  test('a module without the handler export: Runtime.HandlerNotFound', async () => {
    expect(payloadOf(await call('fixture-no-handler'))).toMatchObject({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'index.handler is undefined or not exported',
    });
  });

  test('an asset without the handler file: Runtime.ImportModuleError, every time (init is retried)', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await call('fixture-no-file', {}, { logType: 'Tail' });
      const error = payloadOf(result);
      expect(error.errorType).toBe('Runtime.ImportModuleError');
      expect(error.errorMessage).toMatch(/^Error: Cannot find module 'index'\nRequire stack:/);
      expect(tail(result)).toMatch(/INIT_REPORT Init Duration: [\d.]+ ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError/);
      expect(tail(result)).toMatch(/\tundefined\tERROR\tUncaught Exception \t\{"errorType":"Runtime.ImportModuleError"/);
    }
    expect(await eventually(() => runtime.listWorkers().every((w) => w.functionName !== 'fixture-no-file'), 1000)).toBe(true);
  });
});

describe('logs', () => {
  test('each invocation is framed by START, END and REPORT; Init Duration only on a cold start', async () => {
    const cold = await call('fixture-noisy', { lines: 1 }, { logType: 'Tail' });
    const warm = await call('fixture-noisy', { lines: 1 }, { logType: 'Tail' });
    const coldLog = tail(cold);
    const id = cold.requestId;
    expect(coldLog).toContain(`START RequestId: ${id} Version: $LATEST\n`);
    expect(coldLog).toMatch(new RegExp(`\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${id}\\tINFO\\tline 0 (é){40}\\n`));
    expect(coldLog).toContain('to stderr\n');
    expect(coldLog).toContain(`END RequestId: ${id}\n`);
    expect(coldLog).toMatch(
      new RegExp(
        `REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d\\d ms\\n$`,
      ),
    );
    expect(tail(warm)).not.toContain('Init Duration');
    expect(tail(warm)).not.toContain(id);
    expect(cold.logResult).toBeDefined();
    expect((await call('fixture-noisy', { lines: 1 })).logResult).toBeUndefined();
  });

  test('an invocation that writes nothing logs START, END and REPORT alone, and the next one that writes keeps its lines', async () => {
    await call('fixture-sometimes-silent', {});
    const silent = await call('fixture-sometimes-silent', {}, { logType: 'Tail' });
    const spoke = await call('fixture-sometimes-silent', { say: 'spoken line' }, { logType: 'Tail' });
    const silentAgain = await call('fixture-sometimes-silent', {}, { logType: 'Tail' });
    expect(payloadOf(silent)).toEqual({ said: null });
    for (const result of [silent, silentAgain]) {
      const id = result.requestId;
      expect(tail(result)).toMatch(new RegExp(`^START RequestId: ${id} Version: \\$LATEST\nEND RequestId: ${id}\nREPORT RequestId: ${id}\t[^\n]+\n$`));
    }
    expect(tail(spoke)).toMatch(new RegExp(`\tINFO\tspoken line\nEND RequestId: ${spoke.requestId}\n`));
  });

  test('a line written straight to file descriptor 1 by an otherwise silent invocation is still logged', async () => {
    const result = await call('fixture-sometimes-silent', { raw: 'straight to fd 1' });
    expect(result.statusCode).toBe(200);
    expect(await eventually(() => logLines.includes('[fixture-sometimes-silent] straight to fd 1'), 10_000)).toBe(true);
  });

  test('the tail is the last 4 KB, ending with the REPORT line', async () => {
    const result = await call('fixture-noisy', { lines: 200 }, { logType: 'Tail' });
    const bytes = Buffer.from(result.logResult ?? '', 'base64');
    expect(bytes.length).toBeLessThanOrEqual(4096);
    expect(bytes.length).toBeGreaterThan(4000);
    expect(bytes.toString('utf8')).toContain('line 199');
    expect(bytes.toString('utf8')).not.toContain('START RequestId');
    expect(bytes.toString('utf8')).toMatch(/REPORT RequestId: [^\n]+\n$/);
  });

  test('output written just before returning still belongs to the invocation, even a lot of it', async () => {
    const result = await call('fixture-noisy', { lines: 4000 }, { logType: 'Tail' });
    const log = tail(result);
    expect(log).toMatch(/line 3999 (é){40}\n(to stderr\n)?END RequestId: /);
    const mine = logLines.filter((line) => line.startsWith('[fixture-noisy] '));
    expect(mine.findIndex((line) => line.includes('line 3999 '))).toBeLessThan(mine.indexOf(`[fixture-noisy] END RequestId: ${result.requestId}`));
  });

  test('every line goes to the logger, prefixed with the function name, init logs first', async () => {
    const result = await call('fixture-echo-esm', { logged: true });
    const mine = logLines.filter((line) => line.startsWith('[fixture-echo-esm] '));
    expect(mine[0]).toMatch(/^\[fixture-echo-esm\] INIT_START Runtime Version: nodejs:24\.local\tNode\.js: v24\.\d+\.\d+$/);
    expect(mine[1]).toMatch(/^\[fixture-echo-esm\] \S+Z\tundefined\tINFO\techo-esm initialising$/);
    const start = mine.indexOf(`[fixture-echo-esm] START RequestId: ${result.requestId} Version: $LATEST`);
    expect(start).toBeGreaterThan(1);
    expect(mine[start + 1]).toMatch(new RegExp(`\\t${result.requestId}\\tINFO\\techo-esm got \\{"logged":true\\}$`));
    expect(mine[start + 2]).toBe(`[fixture-echo-esm] END RequestId: ${result.requestId}`);
    expect(mine[start + 3]).toMatch(/^\[fixture-echo-esm\] REPORT RequestId: /);
  });
});

describe('requests refused before running', () => {
  test('unknown functions, malformed names and qualifiers other than $LATEST are refused as Lambda refuses them', async () => {
    await expect(runtime.invoke('nope', Buffer.from('{}'))).rejects.toMatchObject({
      statusCode: 404,
      errorType: 'ResourceNotFoundException',
      message: `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:nope`,
    });
    await expect(runtime.invoke('fixture-echo-esm:live', Buffer.from('{}'))).rejects.toMatchObject({
      statusCode: 404,
      message: `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:fixture-echo-esm:live`,
    });
    await expect(runtime.invoke(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:fixture-echo-esm`, Buffer.from('{}'))).rejects.toMatchObject({
      statusCode: 404,
      message: `Function not found: arn:aws:lambda:us-east-1:${ACCOUNT}:function:fixture-echo-esm`,
    });
    await expect(runtime.invoke('bad name!', Buffer.from('{}'))).rejects.toMatchObject({ statusCode: 400, errorType: 'ValidationException' });
    await expect(runtime.invoke('fixture-echo-esm:a', Buffer.from('{}'), { qualifier: 'b' })).rejects.toMatchObject({
      statusCode: 400,
      errorType: 'InvalidParameterValueException',
    });
  });

  test('payloads: not JSON → 400, over 6 MB → 413 (1 MB for Event)', async () => {
    const notJson = runtime.invoke('fixture-echo-esm', Buffer.from('meow'));
    await expect(notJson).rejects.toBeInstanceOf(LambdaServiceError);
    await expect(notJson).rejects.toMatchObject({
      statusCode: 400,
      errorType: 'InvalidRequestContentException',
      message: expect.stringMatching(/^Could not parse request body into json: Could not parse payload into json: /),
    });
    const big = Buffer.from(JSON.stringify('x'.repeat(6_291_456)));
    await expect(runtime.invoke('fixture-echo-esm', big)).rejects.toMatchObject({
      statusCode: 413,
      errorType: 'RequestEntityTooLargeException',
      message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    });
    const justUnder = Buffer.from(JSON.stringify('x'.repeat(6_291_456 - 2)));
    expect((await runtime.invoke('fixture-malformed', justUnder)).functionError).toBeUndefined();
    const eventPayload = Buffer.from(JSON.stringify('x'.repeat(1_048_576)));
    await expect(runtime.invoke('fixture-echo-esm', eventPayload, { invocationType: 'Event' })).rejects.toMatchObject({
      statusCode: 413,
      message: '1048578 byte payload is too large for the Event invocation type (limit 1048576 bytes)',
    });
  });

  test('an event in memory (invokeEvent, as AppSync invokes) arrives whole, with the same size limits as a payload', async () => {
    const event = { text: 'quote " backslash \\ é 日本 🎉', list: [1, null, true], nested: { deep: { deeper: 'x' } } };
    expect(payloadOf(await runtime.invokeEvent('fixture-echo-esm', event)).event).toEqual(event);
    await expect(runtime.invokeEvent('fixture-echo-esm', 'x'.repeat(6_291_456))).rejects.toMatchObject({
      statusCode: 413,
      errorType: 'RequestEntityTooLargeException',
      message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    });
    await expect(runtime.invokeEvent('no-such-fn', {})).rejects.toMatchObject({ statusCode: 404, errorType: 'ResourceNotFoundException' });
  });

  test('DryRun answers 204 without running anything; Event answers 202 and runs in the background', async () => {
    const dry = await runtime.invoke('fixture-noisy', Buffer.from('{}'), { invocationType: 'DryRun' });
    expect(dry).toMatchObject({ statusCode: 204, executedVersion: '$LATEST' });
    expect(dry.payload.length).toBe(0);
    const marker = `background-${Date.now()}`;
    const queued = await runtime.invoke('fixture-echo-esm', Buffer.from(JSON.stringify({ marker })), { invocationType: 'Event' });
    expect(queued.statusCode).toBe(202);
    expect(queued.payload.length).toBe(0);
    expect(await eventually(() => logLines.some((line) => line.includes(marker)), 3000)).toBe(true);
    await expect(runtime.invoke('fixture-echo-esm', Buffer.from('{}'), { invocationType: 'Bogus' as 'Event' })).rejects.toMatchObject({
      statusCode: 400,
      errorType: 'ValidationException',
    });
  });

  test('findFunction accepts a name, an ARN and a partial ARN', () => {
    const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fixture-throws`;
    expect(runtime.findFunction('fixture-throws')?.arn).toBe(arn);
    expect(runtime.findFunction(arn)?.name).toBe('fixture-throws');
    expect(runtime.findFunction(`${arn}:$LATEST`)?.name).toBe('fixture-throws');
    expect(runtime.findFunction(`${ACCOUNT}:function:fixture-throws`)?.name).toBe('fixture-throws');
    expect(runtime.findFunction(`999999999999:function:fixture-throws`)).toBeUndefined();
    expect(runtime.findFunction('fixture-throws:prod')).toBeUndefined();
    expect(runtime.findFunction('nothing')).toBeUndefined();
  });
});

describe('concurrency', () => {
  test('concurrent calls start more workers up to the cap, then queue; workers are reused', async () => {
    const capped = new LambdaRuntime({ region: REGION, accountId: ACCOUNT, maxWorkersPerFunction: 3, functions: [fixtures.def('sleeps')] });
    try {
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 5 }, () => capped.invoke('fixture-sleeps', Buffer.from('{"ms":400}'))));
      const elapsed = Date.now() - started;
      const pids = results.map((result) => payloadOf(result).pid as number);
      for (const pid of pids) seenPids.add(pid);
      expect(new Set(pids).size).toBe(3);
      // Five calls of 400 ms on three workers: two rounds.
      expect(elapsed).toBeGreaterThanOrEqual(800);
      expect(capped.listWorkers()).toHaveLength(3);
      expect(capped.listWorkers().reduce((sum, worker) => sum + worker.invocations, 0)).toBe(5);
      const again = await Promise.all([1, 2].map(() => capped.invoke('fixture-sleeps', Buffer.from('{"ms":50}'))));
      expect(again.every((result) => pids.includes(payloadOf(result).pid))).toBe(true);
    } finally {
      await capped.close();
    }
    expect(capped.listWorkers()).toEqual([]);
  });
});

describe('shutting down', () => {
  test('close() kills busy and idle workers, refuses new calls, and leaves no process behind', async () => {
    const own = new LambdaRuntime({ region: REGION, accountId: ACCOUNT, functions: [fixtures.def('spins', { timeoutSeconds: 30 }), fixtures.def('echo-esm')] });
    await own.invoke('fixture-echo-esm', Buffer.from('{}'));
    const spinning = own.invoke('fixture-spins', Buffer.from('{}'));
    expect(await eventually(() => own.listWorkers().some((w) => w.functionName === 'fixture-spins' && w.state === 'busy'), 3000)).toBe(true);
    const pids = own.listWorkers().map((worker) => worker.pid!);
    for (const pid of pids) seenPids.add(pid);
    expect(pids).toHaveLength(2);
    await own.close();
    expect(pids.filter(isAlive)).toEqual([]);
    expect(payloadOf(await spinning).errorType).toBe('Runtime.ExitError');
    await expect(own.invoke('fixture-echo-esm', Buffer.from('{}'))).rejects.toMatchObject({ statusCode: 503 });
  });
});

describe('no worker survives', () => {
  test('after close(), every worker this suite started is gone', async () => {
    await runtime.close();
    expect(seenPids.size).toBeGreaterThan(10);
    expect([...seenPids].filter(isAlive)).toEqual([]);
    expect(workerChildren()).toEqual([]);
    expect(fs.existsSync(workerScript())).toBe(true);
  });
});
