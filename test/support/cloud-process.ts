/**
 * The local cloud as a separate process, started the way a user starts it (`local/start.ts --no-synth`, free ports),
 * so that tests can kill it with SIGKILL and start it again on the same state directory. Its AWS settings point into
 * an empty folder and every endpoint is on 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isolatedAwsEnvironment } from './aws-isolation';
import { eventually, isAlive } from './hardening';
import { portOptions } from './port-options';
import { PROJECT_ROOT } from './project-root';
import { startCommandArgs } from './start-command';

const READY = 'Press Ctrl-C to stop.';
const START_TIMEOUT_MS = 60_000;

/** Every process started here, killed if the test process ends without stopping them. */
const started = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of started) {
    try {
      child.kill('SIGKILL');
    } catch {
      // gone already
    }
  }
});

export interface CloudProcess {
  readonly pid: number;
  readonly graphqlUrl: string;
  readonly apiKey: string;
  readonly lambdaUrl: string;
  readonly dynamodbUrl: string;
  readonly outputs: Record<string, Record<string, string>>;
  /** Where its endpoints.json and credentials are (the state dir, or in memory a temporary folder). */
  readonly filesDir: string;
  /** Everything the process wrote so far (stdout and stderr, in order). */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Pids of the process's children now (its Lambda workers). */
  children(): number[];
  /** SIGKILL, then waits until it is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (a clean stop), then waits; resolves with the exit code. */
  stop(): Promise<number | null>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startCloudProcess(options: {
  assemblyDir: string;
  stateDir: string;
  args?: string[];
  env?: Record<string, string>;
}): Promise<CloudProcess> {
  const args = ['--no-synth', '--assembly', options.assemblyDir, '--state-dir', options.stateDir, ...portOptions(), ...(options.args ?? [])];
  const child = spawn(process.execPath, startCommandArgs(args), {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_OPTIONS: '', AWS_REGION: 'us-east-1', ...isolatedAwsEnvironment(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let all = '';
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    all += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    all += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      started.delete(child);
      resolve({ code, signal });
    }),
  );
  const ready = await Promise.race([eventually(() => out.includes(READY), START_TIMEOUT_MS, 20), exited.then(() => false)]);
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`the local cloud did not start:\n${all}`);
  }
  // In memory, the files are in a temporary folder, which the report names.
  const filesDir = /the client files are in (\S+), removed on stop/.exec(out)?.[1] ?? options.stateDir;
  const endpoints = JSON.parse(readFileSync(path.join(filesDir, 'endpoints.json'), 'utf8')) as {
    graphql: Record<string, string>;
    lambda: string;
    dynamodb: string;
  };
  const outputs = JSON.parse(readFileSync(path.join(filesDir, 'outputs.json'), 'utf8')) as Record<string, Record<string, string>>;
  const pid = child.pid!;
  const gone = async () => {
    await exited;
    await eventually(() => !isAlive(pid), 5000);
  };
  return {
    pid,
    graphqlUrl: Object.values(endpoints.graphql)[0],
    apiKey: outputs['TodoApi-dev'].GraphQLAPIKeyOutput,
    lambdaUrl: endpoints.lambda,
    dynamodbUrl: endpoints.dynamodb,
    outputs,
    filesDir,
    output: () => all,
    stdout: () => out,
    stderr: () => err,
    children: () => childrenOf(pid),
    async kill9() {
      child.kill('SIGKILL');
      await gone();
    },
    async stop() {
      child.kill('SIGTERM');
      const { code } = await exited;
      return code;
    },
    exited,
  };
}

/** Live processes whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z') found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}
