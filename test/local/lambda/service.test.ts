/**
 * startLambdaService: the runtime and its Invoke API started as one local service (endpoint, environment, close),
 * and the build step that compiles its worker.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FunctionNotFoundError } from '../../../local/lambda/errors';
import { type LambdaService, startLambdaService } from '../../../local/lambda/service';
import { locateWorkerScript } from '../../../local/lambda/worker-script';
import { ACCOUNT, createFixtures, type Fixtures, isAlive, json, PROJECT_ROOT, REGION, workerChildren } from './fixtures';

let fixtures: Fixtures;
const services: LambdaService[] = [];

beforeAll(() => {
  fixtures = createFixtures();
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
});

afterAll(() => fixtures?.remove());

async function start(port = 0): Promise<LambdaService> {
  const service = await startLambdaService({
    region: REGION,
    accountId: ACCOUNT,
    functions: [fixtures.def('echo-esm')],
    port,
    authenticate: async (request) =>
      request.headers['x-test-principal'] ? { ok: true, principal: request.headers['x-test-principal'] } : { ok: false, status: 403, body: '{"message":"no"}' },
    authorize: (principal) => principal === 'allowed',
  });
  services.push(service);
  return service;
}

describe('startLambdaService', () => {
  test('is a LocalService: its endpoint serves Invoke, its environment points a Lambda client at it', async () => {
    const service = await start();
    expect(service.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(service.environment).toEqual({ AWS_ENDPOINT_URL_LAMBDA: service.endpoint });

    const response = await fetch(`${service.endpoint}/2015-03-31/functions/fixture-echo-esm/invocations`, {
      method: 'POST',
      headers: { 'x-test-principal': 'allowed' },
      body: '{"over":"http"}',
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { event: unknown }).event).toEqual({ over: 'http' });

    const denied = await fetch(`${service.endpoint}/2015-03-31/functions/fixture-echo-esm/invocations`, {
      method: 'POST',
      headers: { 'x-test-principal': 'other' },
      body: '{}',
    });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
  });

  test('invokes in process too, and answers the catalogue errors', async () => {
    const service = await start();
    const result = await service.invoke('fixture-echo-esm', Buffer.from('{"in":"process"}'));
    expect(json(result.payload).event).toEqual({ in: 'process' });
    expect(service.targetArn('fixture-echo-esm')).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:fixture-echo-esm`);
    await expect(service.invoke('missing', Buffer.from('{}'))).rejects.toBeInstanceOf(FunctionNotFoundError);
    expect(service.listWorkers()).toHaveLength(1);
  });

  test('close() stops the endpoint and every worker; twice is fine', async () => {
    const service = await start();
    await service.invoke('fixture-echo-esm', Buffer.from('{}'));
    const pids = service.listWorkers().map((worker) => worker.pid!);
    await Promise.all([service.close(), service.close()]);
    await service.close();
    expect(pids.filter(isAlive)).toEqual([]);
    await expect(fetch(`${service.endpoint}/2015-03-31/functions/fixture-echo-esm/invocations`, { method: 'POST', body: '{}' })).rejects.toThrow();
    await expect(service.invoke('fixture-echo-esm', Buffer.from('{}'))).rejects.toMatchObject({ statusCode: 503 });
  });

  test('a port already taken fails the start, leaving no worker behind', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as net.AddressInfo).port;
      await expect(start(port)).rejects.toThrow();
      expect(workerChildren()).toEqual([]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('npm run build:worker', () => {
  let copy: string;

  beforeAll(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'local-lambda-build-'));
    for (const file of ['build-worker.mjs', 'worker.ts', 'worker-protocol.ts'])
      fs.copyFileSync(path.join(PROJECT_ROOT, 'local/lambda', file), path.join(copy, file));
    // esbuild from the project, as `npm run` would find it.
    fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  });

  afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

  test('compiles the worker to dist/worker.mjs, which the runtime then accepts as current', () => {
    execFileSync(process.execPath, [path.join(copy, 'build-worker.mjs')], { stdio: 'pipe' });
    const compiled = path.join(copy, 'dist', 'worker.mjs');
    expect(locateWorkerScript(copy)).toBe(compiled);
    const text = fs.readFileSync(compiled, 'utf8');
    expect(text).toMatch(/^\/\/ Compiled from local\/lambda\/worker\.ts/);
    // Only Node.js built-ins are imported.
    const imports = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((match) => match[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.every((specifier) => specifier.startsWith('node:'))).toBe(true);
    expect(fs.readdirSync(path.join(copy, 'dist'))).toEqual(['worker.mjs']);
  });

  test('refuses a worker that imports anything but a Node.js built-in', () => {
    const source = path.join(copy, 'worker.ts');
    const original = fs.readFileSync(source, 'utf8');
    fs.writeFileSync(source, `import 'graphql';\n${original}`);
    try {
      const result = spawnSync(process.execPath, [path.join(copy, 'build-worker.mjs')], { encoding: 'utf8' });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('The local Lambda worker may import Node.js built-ins only, not "graphql"');
    } finally {
      fs.writeFileSync(source, original);
    }
  });
});
