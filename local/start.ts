/**
 * `npm start`: takes the state directory, synthesizes the app quietly, then runs it locally in the foreground until
 * Ctrl-C (or SIGTERM, SIGHUP, or the npm process that started it going away).
 *
 * What goes wrong is either the user's to fix (local/errors.ts and the known errors listed in knownError below: one
 * clear message, a non-zero exit, no stack trace) or a fault of the local cloud itself, reported as a bug with a log
 * file to attach.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SchemaBuildError } from './appsync/schema';
import { parseStartOptions, START_USAGE, type StartOptions, UsageError } from './cli-options';
import { TemplateError } from './cloudformation/intrinsics';
import { LocalCloudError } from './errors';
import { IamError } from './iam/errors';
import { WorkerNotBuiltError } from './lambda/worker-script';
import { commandStartedAt, watchLaunchers } from './launcher-watch';
import { type RunningLocalCloud, startLocalCloud } from './local-cloud';
import { startupReport } from './outputs';
import { silenceSdkNodeVersionWarning } from './sdk-warning';
import { moveStateAside } from './state';
import { lockStateDir, type StateLock } from './state-lock';
import { assemblyIsUpToDate, changedInputs, type SynthInputs, synthInputs } from './synth-inputs';
import { type AppWatch, watchApp } from './watch';

const PROJECT_ROOT = path.join(__dirname, '..');
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** The last lines of the local cloud's log, for the bug report. */
const KEPT_LOG_LINES = 200;

/** What the run has taken so far: what a stop (a signal, a failure) must give back. */
class Run {
  cloud?: RunningLocalCloud;
  lock?: StateLock;
  watch?: AppWatch;
  stopping = false;
  readonly recentLog: string[] = [];

  log = (line: string): void => {
    this.recentLog.push(line);
    if (this.recentLog.length > KEPT_LOG_LINES) this.recentLog.shift();
    process.stderr.write(`${line}\n`);
  };

  /** Stops what runs and gives back what was taken; safe to call twice. */
  async release(): Promise<void> {
    this.watch?.close();
    const cloud = this.cloud;
    this.cloud = undefined;
    try {
      await cloud?.close();
    } finally {
      this.lock?.release();
    }
  }
}

async function main(run: Run): Promise<void> {
  const startedAt = commandStartedAt();
  const options = parseStartOptions(process.argv.slice(2), process.env);
  if (options.help) {
    process.stdout.write(`${START_USAGE}\n`);
    return;
  }
  const stateDir = path.resolve(options.stateDir);
  const assemblyDir = path.resolve(PROJECT_ROOT, options.assemblyDir);
  // Taken first: a second local cloud on the same folder is refused before it synthesizes anything.
  if (!options.inMemory) run.lock = lockStateDir(stateDir);
  if (options.reset) reset(stateDir);

  const synth = options.synth ? synthesizeUnlessUpToDate(assemblyDir, options.context) : undefined;
  if (run.stopping) return;

  const cloud = await startLocalCloud({ ...startCloudOptions(options), assemblyDir, lock: run.lock, log: run.log });
  run.cloud = cloud;
  if (run.stopping) {
    await run.release();
    return;
  }
  if (options.inMemory)
    process.stdout.write(`In memory: nothing is kept, nothing is written under ${stateDir}; the client files are in ${cloud.filesDir}, removed on stop.\n`);
  process.stdout.write(`${startupReport(cloud.deployment, cloud.endpoints, cloud.files, cloud.clientConfigSkipped, cloud.tls)}\n`);
  if (options.watch && synth) {
    run.watch = watchApp({
      projectRoot: PROJECT_ROOT,
      assemblyDir,
      context: options.context,
      cloud,
      inputs: synth.inputs,
      log: run.log,
      explain: (error) => knownError(error)?.message,
    });
    process.stderr.write('Watching bin/, lib/, lambda/, schema/, graphql/ and cdk.json: an edit synthesizes again and reloads (data, keys and ports kept).\n');
  }
  const total = Date.now() - startedAt;
  process.stderr.write(`local cloud ready in ${seconds(total)}${synth ? ` (${synth.note})` : ''}\n`);
}

/**
 * Synthesizes the app into the assembly, unless the assembly is the synth of the same inputs (synth-inputs.ts): then
 * it is reused as it is, without loading the CDK. Returns the inputs the assembly is made of and what was done.
 */
function synthesizeUnlessUpToDate(assemblyDir: string, context: readonly string[]): { inputs: SynthInputs; note: string } {
  const inputs = synthInputs(PROJECT_ROOT, context);
  const shown = path.relative(process.cwd(), assemblyDir) || assemblyDir;
  if (assemblyIsUpToDate(assemblyDir, inputs)) {
    process.stderr.write(
      `${shown} is up to date with its inputs (reused): bin/, lib/, lambda/, schema/, cdk.json, the lock file and the context are as at its synth.\n`,
    );
    return { inputs, note: `${shown} reused` };
  }
  const changed = changedInputs(assemblyDir, inputs);
  const because = changed.length > 0 ? `; changed: ${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ` and ${changed.length - 3} more` : ''}` : '';
  process.stderr.write(`Synthesizing the app (cdk synth${context.map((pair) => ` -c ${pair}`).join('')})${because}...\n`);
  const started = Date.now();
  // Loaded only now: aws-cdk-lib and the app take a second or two to load, which a reuse does not pay.
  const { synthesize } = require('./synth') as typeof import('./synth');
  synthesize({ assemblyDir, context, projectRoot: PROJECT_ROOT, inputs });
  const synthMs = Date.now() - started;
  process.stderr.write(`Synthesized in ${seconds(synthMs)}.\n`);
  return { inputs, note: `cdk synth ${seconds(synthMs)}` };
}

function startCloudOptions(options: StartOptions) {
  const { host, graphqlPort, lambdaPort, dynamodbPort, stateDir, inMemory, outputsFile, region } = options;
  return { host, graphqlPort, lambdaPort, dynamodbPort, stateDir, inMemory, outputsFile, region };
}

function reset(stateDir: string): void {
  const aside = moveStateAside(stateDir);
  process.stderr.write(
    aside ? `--reset: the old state is in ${aside} (nothing was deleted); starting afresh.\n` : `--reset: ${stateDir} held no state; starting afresh.\n`,
  );
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Every way of being told to stop ends the same way: the local cloud closed, its workers gone, the lock given back. */
function stopOnSignals(run: Run): void {
  const stop = (reason: string) => {
    if (run.stopping) return;
    run.stopping = true;
    process.stderr.write(`\n${reason}: stopping the local cloud...\n`);
    run.release().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`error while stopping: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => stop(signal));
  watchLaunchers((launcher) => stop(`${launcher} is gone`));
  // A closed terminal (SIGHUP) makes writes fail; that must not end the stop half-way.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}

/** The message of an error the user can put right, or undefined for a fault of the local cloud. */
export function knownError(error: unknown): { message: string; exitCode: number } | undefined {
  if (error instanceof UsageError) return { message: error.message, exitCode: 2 };
  if (error instanceof LocalCloudError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof TemplateError || error instanceof WorkerNotBuiltError || error instanceof SchemaBuildError || error instanceof IamError) {
    return { message: error.message, exitCode: 1 };
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && FILE_SYSTEM_CODES.has(code)) {
    const { path: file, syscall } = error as NodeJS.ErrnoException;
    return {
      message: `Cannot ${syscall ?? 'use'} ${file ?? 'a file'}: ${FILE_SYSTEM_CODES.get(code)}. Pick another --state-dir, or fix its permissions.`,
      exitCode: 1,
    };
  }
  return undefined;
}

/** File-system refusals a user can fix (a read-only or full disk, a folder that is a file, no permission). */
const FILE_SYSTEM_CODES = new Map([
  ['EACCES', 'permission denied'],
  ['EPERM', 'operation not permitted'],
  ['EROFS', 'the file system is read-only'],
  ['ENOSPC', 'the disk is full'],
  ['ENOTDIR', 'a part of the path is a file, not a folder'],
  ['EISDIR', 'it is a folder'],
]);

/**
 * A fault of the local cloud: writes a log file with what is needed to find it (command, versions, the error and its
 * causes with their stacks, the last log lines) and returns the message for the user, naming that file.
 */
export function bugReport(error: unknown, recentLog: readonly string[], argv: readonly string[], dir = tmpdir()): string {
  const file = path.join(dir, `local-cloud-crash-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
  const report = [
    `npm start crashed at ${new Date().toISOString()}`,
    `command: npm start -- ${argv.join(' ')}`,
    `node ${process.version} on ${process.platform}/${process.arch}`,
    '',
    errorChain(error),
    '',
    `the last ${recentLog.length} log lines:`,
    ...recentLog,
  ].join('\n');
  let written = true;
  try {
    writeFileSync(file, `${report}\n`, { mode: 0o600 });
  } catch {
    written = false;
  }
  return (
    `npm start: ${(error as Error)?.message ?? String(error)}\n` +
    `This is a bug in the local cloud, not something you did. Please report it${written ? `, attaching ${file}` : ' with the message above'}.\n`
  );
}

/** The stack of an error and of each of its causes. */
function errorChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof Error ? current.cause : undefined;
    if (current !== undefined) parts.push('caused by:');
  }
  return parts.join('\n');
}

if (require.main === module) {
  silenceSdkNodeVersionWarning();
  const run = new Run();
  stopOnSignals(run);
  main(run).catch(async (error: unknown) => {
    // A Ctrl-C during the synth (which holds the event loop) is handled first: that stop is not a failed synth.
    await new Promise((resolve) => setImmediate(resolve));
    await run.release().catch(() => undefined);
    if (run.stopping) process.exit(0);
    const known = knownError(error);
    if (known) {
      process.stderr.write(`npm start: ${known.message}\n`);
      process.exit(known.exitCode);
    }
    process.stderr.write(bugReport(error, run.recentLog, process.argv.slice(2)));
    process.exit(70);
  });
}
