/**
 * Processes of the e2e test: the local cloud (`npm start` as a user runs it), the example's
 * `next build` and `next start`, each on 127.0.0.1, each in a process group of its own so that stopping it stops its
 * children too (the local cloud's Lambda workers). Everything started here is killed when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';

export const EXAMPLE_DIR = path.resolve(__dirname, '..');
export const PROJECT_ROOT = path.resolve(EXAMPLE_DIR, '..', '..');
export const ARTIFACTS_DIR = path.join(EXAMPLE_DIR, 'e2e', 'artifacts');

const started = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of started) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** The environment of every child: no AWS settings of the machine's (nothing may reach AWS), no telemetry. */
export function cleanEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Nor the npm settings of the npm run that started this test: each child npm reads its own project's.
    if (key.startsWith('AWS_') || key === 'NODE_OPTIONS' || key.startsWith('NEXT_') || key.toLowerCase().startsWith('npm_') || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  // (Next's types make NODE_ENV a required key of ProcessEnv; a child's environment may well not have it.)
  return { ...env, NEXT_TELEMETRY_DISABLED: '1', AWS_EC2_METADATA_DISABLED: 'true', ...extra } as unknown as NodeJS.ProcessEnv;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface RunningProcess {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export function run(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): RunningProcess {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const log = createWriteStream(path.join(ARTIFACTS_DIR, `${name}.log`));
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  started.add(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    log.write(chunk);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      started.delete(child);
      log.end();
      resolve({ code, signal });
    }),
  );
  return {
    child,
    output: () => output,
    exited,
    async stop(graceMs = 15_000) {
      if (!started.has(child)) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // Whatever the process left in its group (workers) goes too.
      killGroup(child, 'SIGKILL');
    },
  };
}

/** Runs a command to its end; rejects with its output when it fails. */
export async function runToEnd(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<string> {
  const process_ = run(name, command, args, options);
  const timer = setTimeout(() => void process_.stop(1_000), options.timeoutMs);
  const { code, signal } = await process_.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${name} (${command} ${args.join(' ')}) failed with ${code ?? signal}:\n${process_.output().slice(-4000)}`);
  return process_.output();
}

/**
 * The local cloud as a user starts it, `npm start -- ...` at the repository root (its prestart builds the Lambda
 * worker when needed): ready when it prints "Press Ctrl-C to stop.".
 */
export async function startLocalCloud(options: { assemblyDir: string; stateDir: string; graphqlPort: number; synth: boolean; name: string }): Promise<RunningProcess> {
  const args = [
    'start',
    '--silent',
    '--',
    ...(options.synth ? [] : ['--no-synth']),
    '--assembly', options.assemblyDir,
    '--state-dir', options.stateDir,
    '--graphql-port', String(options.graphqlPort),
    '--lambda-port', '0',
    '--dynamodb-port', '0',
  ];
  const cloud = run(options.name, 'npm', args, { cwd: PROJECT_ROOT, env: cleanEnvironment({ AWS_REGION: 'us-east-1' }) });
  const ready = await Promise.race([
    eventually('the local cloud', () => cloud.output().includes('Press Ctrl-C to stop.') || undefined, 10 * 60_000, 250),
    cloud.exited.then(({ code, signal }) => {
      throw new Error(`the local cloud exited (${code ?? signal}) before it was ready:\n${cloud.output().slice(-4000)}`);
    }),
  ]);
  if (!ready) throw new Error('the local cloud did not start');
  return cloud;
}

/** `next start` on 127.0.0.1: ready when it answers. */
export async function startNext(port: number): Promise<RunningProcess> {
  const next = run('next-start', process.execPath, [path.join(EXAMPLE_DIR, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: EXAMPLE_DIR,
    env: cleanEnvironment({ NODE_ENV: 'production' }),
  });
  await Promise.race([
    eventually(`next start on port ${port}`, async () => (await fetch(`http://127.0.0.1:${port}/ssr`)).status > 0 || undefined, 120_000, 250),
    next.exited.then(({ code, signal }) => {
      throw new Error(`next start exited (${code ?? signal}):\n${next.output().slice(-4000)}`);
    }),
  ]);
  return next;
}

/** Profiles of an AWS shared credentials file. */
export function parseCredentialsFile(text: string): Map<string, { accessKeyId: string; secretAccessKey: string; sessionToken?: string }> {
  const profiles = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    const section = /^\[([^\]]+)\]\s*$/.exec(line);
    if (section) profiles.set(section[1], (current = {}));
    const pair = /^\s*([a-z_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (pair && current) current[pair[1]] = pair[2];
  }
  return new Map(
    [...profiles].map(([name, values]) => [name, { accessKeyId: values.aws_access_key_id, secretAccessKey: values.aws_secret_access_key, sessionToken: values.aws_session_token }]),
  );
}
