/**
 * `npm start` as a user runs it (npm → node → Lambda workers), stopped at each level: SIGINT, SIGTERM or SIGHUP
 * (what `timeout`, an IDE's stop button, a process manager or a closed terminal sends) or SIGKILL, to the npm process
 * alone or to the node process alone. Every time, every process of the tree is gone and no port is left listening.
 * Before, SIGTERM to npm alone left the local cloud listening on all three ports, re-parented to init.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isolatedAwsEnvironment } from '../support/aws-isolation';
import { apiKeyClient, eventually, isAlive } from '../support/hardening';
import { sharedAssembly } from '../support/shared-assembly';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const READY = 'Press Ctrl-C to stop.';
const LIST = 'query { listTodos(limit: 1) { items { id } } }';
/** The cases start their local clouds at the same time: on a busy 2-core machine, getting ready takes longer. */
const CONCURRENT_CASE_TIMEOUT_MS = 150_000;

let assemblyDir: string;
let root: string;
const spawned = new Set<ChildProcess>();

beforeAll(() => {
  assemblyDir = sharedAssembly();
  root = mkdtempSync(path.join(tmpdir(), 'signals-'));
});

afterAll(() => {
  for (const child of spawned) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }
  rmSync(root, { recursive: true, force: true });
});

/** Parent pid of every live process. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') map.set(Number(entry), Number(fields[1]));
    } catch {
      // gone
    }
  }
  return map;
}

function descendants(pid: number): number[] {
  const byParent = parents();
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of byParent) {
      if (ppid === parent) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

interface Started {
  readonly launcher: ChildProcess;
  readonly nodePid: number;
  /** Every process of the tree below the launcher (sh, node, workers), once a function has run. */
  readonly tree: number[];
  readonly ports: number[];
  output(): string;
  readonly exited: Promise<void>;
}

/** Launches `command` (`npm start --` or `timeout 20 npm start --`) on free ports in a process group of its own, so that a signal reaches only the process it is sent to; its output is collected. */
function launchNpm(name: string, command: string[]): { launcher: ChildProcess; stateDir: string; output(): string } {
  const stateDir = path.join(root, name);
  const [file, ...args] = command;
  const launcher = spawn(
    file,
    [...args, '--no-synth', '--assembly', assemblyDir, '--state-dir', stateDir, '--graphql-port', '0', '--lambda-port', '0', '--dynamodb-port', '0'],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', AWS_REGION: 'us-east-1', ...isolatedAwsEnvironment() },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  spawned.add(launcher);
  let output = '';
  launcher.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  launcher.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { launcher, stateDir, output: () => output };
}

/** `npm start`, once it is ready and a function has run. */
async function startNpm(name: string, command: string[] = ['npm', 'start', '--']): Promise<Started> {
  const { launcher, stateDir, output: collected } = launchNpm(name, command);
  const exited = new Promise<void>((resolve) => launcher.once('exit', () => resolve()));
  const ready = await Promise.race([eventually(() => collected().includes(READY), 90_000, 50), exited.then(() => false)]);
  if (!ready) throw new Error(`npm start did not start:\n${collected()}`);
  const nodePid = descendants(launcher.pid!).find((pid) => commandLine(pid).includes('local/start.ts') && /node/.test(commandLine(pid).split(' ')[0]))!;
  expect(nodePid).toBeDefined();
  const endpoints = JSON.parse(readFileSync(path.join(stateDir, 'endpoints.json'), 'utf8')) as {
    graphql: Record<string, string>;
    lambda: string;
    dynamodb: string;
  };
  const outputs = JSON.parse(readFileSync(path.join(stateDir, 'outputs.json'), 'utf8')) as Record<string, Record<string, string>>;
  // A resolver call, so that a Lambda worker runs too.
  const graphqlUrl = Object.values(endpoints.graphql)[0];
  expect((await apiKeyClient(graphqlUrl, outputs['TodoApi-dev'].GraphQLAPIKeyOutput).query(LIST)).status).toBe(200);
  const tree = descendants(launcher.pid!);
  // node (npm start execs it: no shell in between) and at least one worker.
  expect(tree.length).toBeGreaterThanOrEqual(2);
  const ports = [graphqlUrl, endpoints.lambda, endpoints.dynamodb].map((url) => Number(new URL(url).port));
  return { launcher, nodePid, tree, ports, output: collected, exited };
}

async function expectAllGone(started: Started): Promise<void> {
  const everything = [started.launcher.pid!, ...started.tree];
  const gone = await eventually(() => everything.every((pid) => !isAlive(pid)), 20_000, 50);
  expect({ alive: everything.filter(isAlive).map((pid) => `${pid} ${commandLine(pid).slice(0, 80)}`), output: gone ? '' : started.output() }).toEqual({
    alive: [],
    output: '',
  });
  for (const port of started.ports) expect({ port, refused: await refusesConnections(port) }).toEqual({ port, refused: true });
}

// First of the concurrent cases, as it takes the longest (the 20 s of `timeout`).
test.concurrent(
  '`timeout 20 npm start` leaves no process and no listening port behind',
  async () => {
    const { launcher, stateDir, output } = launchNpm('timeout', ['timeout', '20', 'npm', 'start', '--']);
    // Whatever stage the 20 s end it in (starting, or serving), every process seen on the way must be gone after.
    const seen = new Set<number>();
    const watch = setInterval(() => {
      for (const pid of descendants(launcher.pid!)) seen.add(pid);
    }, 100);
    await new Promise<void>((resolve) => launcher.once('exit', () => resolve()));
    clearInterval(watch);
    expect(seen.size).toBeGreaterThanOrEqual(2);
    const gone = await eventually(() => [...seen].every((pid) => !isAlive(pid)), 20_000, 50);
    expect({ alive: [...seen].filter(isAlive).map((pid) => `${pid} ${commandLine(pid).slice(0, 80)}`), output: gone ? '' : output() }).toEqual({
      alive: [],
      output: '',
    });
    let endpoints: { graphql: Record<string, string>; lambda: string; dynamodb: string } | undefined;
    try {
      endpoints = JSON.parse(readFileSync(path.join(stateDir, 'endpoints.json'), 'utf8')) as typeof endpoints;
    } catch {
      // stopped before it listened
    }
    if (endpoints) {
      for (const url of [...Object.values(endpoints.graphql), endpoints.lambda, endpoints.dynamodb]) {
        const port = Number(new URL(url).port);
        expect({ port, refused: await refusesConnections(port) }).toEqual({ port, refused: true });
      }
    }
  },
  CONCURRENT_CASE_TIMEOUT_MS,
);

// Every signal to npm alone; to node alone, the two that the other suites do not send (SIGINT: start-cli.test.ts,
// SIGTERM: hardening/crash-recovery.test.ts). A worker killed on its own is replaced (lambda/runtime.test.ts).
// The cases run at once: each has its own process group, state folder and ports, and most of a case is waiting (for
// ready, for the tree to exit, for the 20 s of `timeout`), so together they take about as long as the longest.
test.concurrent.each(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGKILL'] as const)(
  '%s to the npm process alone: every process of the tree exits, every port is closed',
  async (signal) => {
    const started = await startNpm(`npm-${signal}`);
    process.kill(started.launcher.pid!, signal);
    await expectAllGone(started);
    // npm passes SIGINT and SIGTERM on; on SIGHUP and SIGKILL it just dies, and the local cloud sees it gone.
    if (signal === 'SIGINT' || signal === 'SIGTERM') expect(started.output()).toMatch(new RegExp(`${signal}: stopping the local cloud`));
    else expect(started.output()).toMatch(/npm \(pid \d+\) is gone: stopping the local cloud/);
  },
  CONCURRENT_CASE_TIMEOUT_MS,
);

test.concurrent.each(['SIGHUP', 'SIGKILL'] as const)(
  '%s to the node process alone: every process of the tree exits (workers by themselves on SIGKILL), every port is closed',
  async (signal) => {
    const started = await startNpm(`node-${signal}`);
    process.kill(started.nodePid, signal);
    await expectAllGone(started);
    if (signal !== 'SIGKILL') expect(started.output()).toMatch(new RegExp(`${signal}: stopping the local cloud`));
  },
  CONCURRENT_CASE_TIMEOUT_MS,
);
