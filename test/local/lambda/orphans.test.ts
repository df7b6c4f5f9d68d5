/**
 * Workers must not outlive the process that runs the local cloud, however it ends. A separate Node.js process plays
 * that part here: it starts an idle worker, a busy one (a handler spinning in a synchronous loop) and one stuck in a
 * loop at module load, then dies.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ACCOUNT, createFixtures, eventually, type Fixtures, isAlive, PROJECT_ROOT, REGION } from './fixtures';

let fixtures: Fixtures;
let script: string;
const parents: ChildProcess[] = [];

const PARENT_SCRIPT = `
const { LambdaRuntime } = require(process.env.RUNTIME_MODULE);
(async () => {
  const runtime = new LambdaRuntime({ region: process.env.REGION, accountId: process.env.ACCOUNT, functions: JSON.parse(process.env.FUNCTIONS) });
  await runtime.invoke('fixture-echo-esm', Buffer.from('{}'));
  runtime.invoke('fixture-spins', Buffer.from('{}')).catch(() => undefined);
  runtime.invoke('fixture-spins-at-init', Buffer.from('{}')).catch(() => undefined);
  while (!runtime.listWorkers().some((w) => w.functionName === 'fixture-spins' && w.state === 'busy')) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // Give the other one time to get stuck in its module's top-level loop.
  await new Promise((resolve) => setTimeout(resolve, 300));
  process.stdout.write(JSON.stringify(runtime.listWorkers().map((w) => w.pid)) + '\\n');
  if (process.env.MODE === 'exit') process.exit(0); // without closing the runtime
  setInterval(() => undefined, 1000);
})();
`;

/** Starts the stand-in local cloud; resolves with its process and the pids of its three workers (idle, busy, stuck in init). */
function startParent(mode: 'exit' | 'killed'): Promise<{ parent: ChildProcess; workers: number[] }> {
  const parent = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      TS_NODE_PROJECT: path.join(PROJECT_ROOT, 'tsconfig.json'),
      RUNTIME_MODULE: path.join(PROJECT_ROOT, 'local/lambda/runtime.ts'),
      REGION,
      ACCOUNT,
      MODE: mode,
      FUNCTIONS: JSON.stringify([
        fixtures.def('echo-esm'),
        fixtures.def('spins', { timeoutSeconds: 60 }),
        fixtures.def('spins-at-init', { timeoutSeconds: 60 }),
      ]),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  parents.push(parent);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    parent.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ parent, workers: JSON.parse(line) as number[] });
    });
    parent.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    parent.on('exit', (code) => {
      if (!out.includes('\n')) reject(new Error(`the parent exited (${code}) before starting its workers: ${err}`));
    });
  });
}

beforeAll(() => {
  fixtures = createFixtures();
  script = path.join(fixtures.dir, 'parent.js');
  fs.writeFileSync(script, PARENT_SCRIPT);
});

afterAll(() => {
  for (const parent of parents) if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
  fixtures?.remove();
});

test('a parent killed with SIGKILL takes its workers with it, even ones stuck in a synchronous loop', async () => {
  const { parent, workers } = await startParent('killed');
  expect(workers).toHaveLength(3);
  expect(workers.every(isAlive)).toBe(true);
  parent.kill('SIGKILL');
  expect(await eventually(() => workers.every((pid) => !isAlive(pid)), 5000)).toBe(true);
});

test('a parent that exits without closing its runtime takes its workers with it', async () => {
  const { parent, workers } = await startParent('exit');
  expect(workers).toHaveLength(3);
  await new Promise((resolve) => (parent.exitCode !== null ? resolve(undefined) : parent.once('exit', resolve)));
  // Killed at once by the runtime's exit hook, not up to a second later by the workers' own watchdogs.
  expect(await eventually(() => workers.every((pid) => !isAlive(pid)), 150, 10)).toBe(true);
});
