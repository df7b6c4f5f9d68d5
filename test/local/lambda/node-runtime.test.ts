/**
 * Local functions on the Node.js of their template's runtime (local/lambda/node-runtime.ts): the binary of the major
 * the runtime names, the arguments and NODE_PATH Lambda's bootstrap gives it, the host's Node.js only as a fallback
 * with a one-line warning. Real processes throughout; the npm fetch is real too (from npm's cache after the first run
 * on a machine: `npm test` fetches the app's runtime before the tests, `npm run lambda-node`).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TodoFunction } from '../../../lib/todo-function';
import {
  cachedBinaryPath,
  distributionFor,
  fetchDistribution,
  hostNodeBinary,
  lambdaNodeArguments,
  NODE_DISTRIBUTIONS,
  NodeIntegrityError,
  nodeBinaryFor,
} from '../../../local/lambda/node-runtime';
import { LambdaRuntime } from '../../../local/lambda/runtime';
import type { LocalFunctionDefinition } from '../../../local/lambda/types';
import { type LocalCloudHandle, startTestCloud } from '../../support/local-cloud-harness';
import { sharedAssembly } from '../../support/shared-assembly';

const REGION = 'eu-west-3';
const ACCOUNT = '123456789012';
const HOST_MAJOR = Number(process.versions.node.split('.')[0]);

/** A function that reports the process it runs in. */
const REPORTER = `export const handler = async () => ({
  version: process.version,
  execArgv: process.execArgv,
  gc: typeof globalThis.gc,
  nodePath: process.env.NODE_PATH,
  executionEnv: process.env.AWS_EXECUTION_ENV,
});\n`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-runtime-'));
fs.writeFileSync(path.join(dir, 'index.mjs'), REPORTER);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function reporter(runtime: string, memorySize = 512): LocalFunctionDefinition {
  const name = `reporter-${runtime.replace(/\W/g, '')}`;
  return {
    name,
    arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    codeDir: dir,
    handler: 'index.handler',
    runtime,
    timeoutSeconds: 30,
    memorySize,
    environment: {},
  };
}

async function report(runtime: LambdaRuntime, fn: LocalFunctionDefinition): Promise<Record<string, unknown>> {
  const result = await runtime.invoke(fn.name, Buffer.from('{}'));
  expect(result.functionError).toBeUndefined();
  return JSON.parse(result.payload.toString('utf8')) as Record<string, unknown>;
}

describe('the Node.js a local function runs on', () => {
  const logLines: string[] = [];
  let runtime: LambdaRuntime;
  const app = reporter(TodoFunction.RUNTIME.name);
  const host = reporter(`nodejs${HOST_MAJOR}.x`, 128);
  const unknown = reporter('nodejs99.x');

  beforeAll(async () => {
    runtime = new LambdaRuntime({ region: REGION, accountId: ACCOUNT, functions: [app, host, unknown], log: (line) => logLines.push(line) });
    await runtime.prepare();
  });
  afterAll(() => runtime.close());

  test(`a ${TodoFunction.RUNTIME.name} function sees process.version of Node.js ${TodoFunction.NODE_MAJOR}, whatever the host's`, async () => {
    const seen = await report(runtime, app);
    expect(seen.version).toMatch(new RegExp(`^v${TodoFunction.NODE_MAJOR}\\.`));
    expect(seen.executionEnv).toBe(`AWS_Lambda_${TodoFunction.RUNTIME.name}`);
  });

  test('the INIT_START line and the start-up line name the Node.js version', () => {
    expect(logLines).toContainEqual(expect.stringMatching(new RegExp(`^\\[${app.name}\\] INIT_START Runtime Version: nodejs:24\\.local\\tNode\\.js: v24\\.`)));
    expect(logLines).toContainEqual(expect.stringMatching(/^\[lambda\] nodejs24\.x functions run on Node\.js v24\.\d+\.\d+ \(/));
  });

  test("it starts with the bootstrap's arguments: --expose-gc, the header limit and heap limits from its memory", async () => {
    const seen = await report(runtime, app);
    // 512 MB: new space 51 MB, semi-space 25 MB, old space 461 MB.
    expect(seen.execArgv).toEqual(['--expose-gc', '--max-http-header-size=81920', '--max-semi-space-size=25', '--max-old-space-size=461']);
    expect(seen.gc).toBe('function');
    expect(String(seen.nodePath).split(path.delimiter)).toEqual([
      '/opt/nodejs/node24/node_modules',
      '/opt/nodejs/node_modules',
      expect.stringMatching(/node_modules$/),
      dir,
    ]);
  });

  test("a runtime of the host's own major runs on the host's Node.js, without a warning", async () => {
    expect((await report(runtime, host)).version).toBe(process.version);
    expect(logLines.filter((line) => line.includes(`nodejs${HOST_MAJOR}.x`) && line.includes('warning'))).toEqual([]);
  });

  test("a runtime no Node.js can be had for runs on the host's, with one warning line saying why", async () => {
    expect((await report(runtime, unknown)).version).toBe(process.version);
    await report(runtime, unknown);
    const warnings = logLines.filter((line) => line.includes('warning: nodejs99.x'));
    expect(warnings).toEqual([
      `[lambda] warning: nodejs99.x functions run on this machine's Node.js ${process.version} instead: no npm package of Node.js 99 for ${process.platform}-${process.arch} is pinned in local/lambda/node-runtime.ts`,
    ]);
  });
});

describe('lambdaNodeArguments', () => {
  test.each([
    [128, ['--max-semi-space-size=6', '--max-old-space-size=116']],
    [256, ['--max-semi-space-size=12', '--max-old-space-size=231']],
    [1024, ['--max-semi-space-size=51', '--max-old-space-size=922']],
  ])('%i MB', (memory, heap) => {
    expect(lambdaNodeArguments(memory)).toEqual(['--expose-gc', '--max-http-header-size=81920', ...heap]);
  });

  test('heap limits set in NODE_OPTIONS are left to it, as the bootstrap does', () => {
    expect(lambdaNodeArguments(1024, '--enable-source-maps --max-old-space-size=300')).toEqual(['--expose-gc', '--max-http-header-size=81920']);
    expect(lambdaNodeArguments(1024, '--max_semi_space_size=8')).toEqual(['--expose-gc', '--max-http-header-size=81920']);
    expect(lambdaNodeArguments(1024, '--enable-source-maps')).toHaveLength(4);
  });
});

describe('nodeBinaryFor', () => {
  let cacheDir: string;
  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-cache-'));
  });
  afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  test('LOCAL_LAMBDA_NODE=host: the host, as a fallback that says so', async () => {
    expect(await nodeBinaryFor('nodejs24.x', { cacheDir, env: { LOCAL_LAMBDA_NODE: 'host' } })).toEqual(hostNodeBinary('LOCAL_LAMBDA_NODE=host'));
  });

  test('LOCAL_LAMBDA_NODE=<path>: that binary, a fallback when its major is not the runtime’s', async () => {
    const chosen = await nodeBinaryFor(`nodejs${HOST_MAJOR}.x`, { cacheDir, env: { LOCAL_LAMBDA_NODE: process.execPath } });
    expect(chosen).toEqual({ path: process.execPath, version: process.version, fallback: false });
    const wrong = await nodeBinaryFor('nodejs99.x', { cacheDir, env: { LOCAL_LAMBDA_NODE: process.execPath } });
    expect(wrong).toMatchObject({ fallback: true, reason: `LOCAL_LAMBDA_NODE=${process.execPath} is Node.js ${process.version}, not 99` });
    const missing = await nodeBinaryFor('nodejs24.x', { cacheDir, env: { LOCAL_LAMBDA_NODE: path.join(cacheDir, 'no-node') } });
    expect(missing).toMatchObject({ path: process.execPath, fallback: true, reason: expect.stringMatching(/no-node cannot be run/) });
  });

  test('a platform without a pinned package: the host, naming the platform', async () => {
    const chosen = await nodeBinaryFor('nodejs24.x', { cacheDir, env: {}, platform: 'aix-ppc64' });
    expect(chosen).toEqual(hostNodeBinary('no npm package of Node.js 24 for aix-ppc64 is pinned in local/lambda/node-runtime.ts'));
  });

  test('fetched with npm into the cache (the binary only), checked, then found there', async () => {
    const distribution = distributionFor(24);
    const first = await nodeBinaryFor('nodejs24.x', { cacheDir, env: process.env });
    expect(first).toEqual({ path: cachedBinaryPath(distribution, cacheDir), version: `v${distribution.version}`, fallback: false });
    expect(execFileSync(first.path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()).toBe(distribution.version);
    expect(fs.readdirSync(cacheDir)).toEqual([`${distribution.packageName}-${distribution.version}`]);
    expect(await nodeBinaryFor('nodejs24.x', { cacheDir, env: process.env })).toEqual(first);
  });

  test('a tarball whose integrity is not the pinned one is refused, and nothing is kept', async () => {
    const pinned = distributionFor(24);
    const tampered = { ...pinned, integrity: `sha512-${Buffer.alloc(64).toString('base64')}` };
    await expect(fetchDistribution(tampered, cacheDir, () => undefined)).rejects.toThrow(NodeIntegrityError);
    expect(fs.readdirSync(cacheDir)).toEqual([]);
    const chosen = await nodeBinaryFor('nodejs24.x', {
      cacheDir,
      env: process.env,
      distributions: { 24: { [`${process.platform}-${process.arch}`]: tampered } },
    });
    expect(chosen).toMatchObject({ path: process.execPath, fallback: true, reason: expect.stringMatching(/integrity .* not the .* pinned/) });
  });

  test('every pinned package is an npm platform package of its major', () => {
    for (const [major, platforms] of Object.entries(NODE_DISTRIBUTIONS)) {
      for (const distribution of Object.values(platforms)) {
        expect(distribution.version.split('.')[0]).toBe(major);
        expect(distribution.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
      }
    }
  });
});

describe('the local cloud', () => {
  let local: LocalCloudHandle;
  let stateDir: string;
  beforeAll(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-runtime-cloud-'));
    local = await startTestCloud({ assemblyDir: sharedAssembly(), stateDir, inMemory: true });
  });
  afterAll(async () => {
    await local?.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  test(`runs the synthesized callers and resolver on Node.js ${TodoFunction.NODE_MAJOR}, and says so`, async () => {
    const result = await local.invokeCaller('ListTodosApiKeyFunctionName', { limit: 1 });
    expect(result.statusCode).toBe(200);
    expect(local.logLines).toContainEqual(expect.stringMatching(/nodejs24\.x functions run on Node\.js v24\./));
    const initLines = local.logLines.filter((line) => line.includes('INIT_START'));
    expect(initLines.length).toBeGreaterThanOrEqual(2);
    for (const line of initLines) expect(line).toMatch(/INIT_START Runtime Version: nodejs:24\.local\tNode\.js: v24\./);
  });
});
