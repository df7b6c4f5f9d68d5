/**
 * The local Lambda runtime: runs each function's synthesized bundle (a cdk.out asset folder) in warm worker
 * processes, one invocation at a time per worker, with Lambda's environment, context, timeouts, errors and logs.
 *
 * Choices worth knowing:
 * - Workers are plain Node.js processes of the Node.js running this code, not of the function's `runtime`.
 * - They are not frozen between invocations (timers left running keep running), unlike Lambda.
 * - More concurrent invocations of one function start more workers, up to `maxWorkersPerFunction`; further calls
 *   wait in a FIFO queue (Lambda would throttle with 429 at its concurrency limit instead).
 * - Event invocations run in the background once; Lambda's two retries of failed async invocations are not emulated.
 * - The worker environment is Lambda's (reserved variables, role credentials, the function's variables) plus
 *   `extraEnvironment`, LANG, PATH, and a default AWS_ENDPOINT_URL pointing at a closed local port, so that an SDK
 *   client for a service the local cloud does not emulate fails at once instead of reaching AWS.
 * - Workers never outlive this process: close() kills them, an 'exit' hook kills them if close() was forgotten, and
 *   each worker kills itself once its parent is gone (IPC 'disconnect', plus a watchdog thread for handlers stuck in
 *   a synchronous loop).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { buildSync } from 'esbuild';
import { functionArn, invalidFunctionNameMessage, parseFunctionName } from './function-name';
import {
  endLine,
  exitError,
  initReportLine,
  initStartLine,
  reportLine,
  responseTooLargeError,
  startLine,
  tailLog,
  timeoutError,
  timeoutLogLine,
} from './log-format';
import {
  DEFAULT_MAX_WORKERS_PER_FUNCTION,
  LambdaServiceError,
  MAX_EVENT_REQUEST_BYTES,
  MAX_SYNC_REQUEST_BYTES,
  MAX_SYNC_RESPONSE_BYTES,
  type InvocationType,
  type InvokeOptions,
  type InvokeResult,
  type LocalFunctionDefinition,
  type LogType,
} from './types';
import { MARKER_END, MARKER_START, type ErrorDocument, type InvokeMessage, type WorkerMessage, type WorkerSettings } from './worker-protocol';

export * from './types';

export interface LambdaRuntimeOptions {
  functions: LocalFunctionDefinition[];
  region: string;
  accountId: string;
  /**
   * Added to every worker's environment after the function's own variables, e.g. `AWS_ENDPOINT_URL_DYNAMODB` of the
   * local store. Lambda's reserved variables (AWS_REGION, credentials, …) cannot be overridden.
   */
  extraEnvironment?: Record<string, string>;
  /** @default 10 */
  maxWorkersPerFunction?: number;
  /** Receives every log line, prefixed with `[function-name] `. @default discard */
  log?: (line: string) => void;
}

export interface WorkerInfo {
  functionName: string;
  pid: number | undefined;
  state: WorkerState;
  invocations: number;
}

type WorkerState = 'starting' | 'idle' | 'busy' | 'dead';

/**
 * Where the workers look for credentials and config files: a path that does not exist, so that neither the
 * parent's ~/.aws nor anything else is picked up (/nonexistent is the conventional home of nobody).
 */
const NO_AWS_FILES_DIR = '/nonexistent/.aws';

/**
 * Default AWS_ENDPOINT_URL of the workers: an SDK client for a service the local cloud does not emulate fails fast
 * on this closed local port instead of reaching AWS. Set AWS_ENDPOINT_URL in `extraEnvironment` to change it, or to
 * an empty string to leave it unset.
 */
export const UNROUTED_AWS_ENDPOINT = 'http://127.0.0.1:9';

/** How long the init phase may take before the invocation waiting for it fails (Lambda: 10 s, then retried). */
const INIT_TIMEOUT_MS = 10_000;

/** Bound on the log kept per phase (characters); only the last 4 KB is ever returned. */
const KEPT_LOG_CHARS = 64 * 1024;

/** After a result, how long to wait for the log markers before closing the invocation anyway. */
const MARKER_GRACE_MS = 2000;

interface Pending {
  requestId: string;
  payload: string;
  invokedFunctionArn: string;
  clientContext?: unknown;
}

interface Outcome {
  payload: Buffer;
  functionError?: 'Unhandled';
  log: string;
}

export class LambdaRuntime {
  readonly region: string;
  readonly accountId: string;
  private readonly functions = new Map<string, LocalFunctionDefinition>();
  private readonly pools = new Map<string, FunctionPool>();
  private readonly maxWorkers: number;
  private readonly log: (line: string) => void;
  private readonly extraEnvironment: Record<string, string>;
  private closing?: Promise<void>;

  constructor(options: LambdaRuntimeOptions) {
    this.region = options.region;
    this.accountId = options.accountId;
    this.maxWorkers = Math.max(1, Math.floor(options.maxWorkersPerFunction ?? DEFAULT_MAX_WORKERS_PER_FUNCTION));
    const log = options.log;
    // A logger that throws must not take the runtime (or its host process) down.
    this.log = (line) => {
      try {
        log?.(line);
      } catch {
        // dropped
      }
    };
    this.extraEnvironment = { ...options.extraEnvironment };
    for (const fn of options.functions) {
      if (this.functions.has(fn.name)) throw new Error(`Two functions are named ${fn.name}`);
      this.functions.set(fn.name, {
        ...fn,
        codeDir: path.resolve(fn.codeDir),
        // CloudFormation's defaults, should a definition lack them.
        timeoutSeconds: fn.timeoutSeconds > 0 ? fn.timeoutSeconds : 3,
        memorySize: fn.memorySize > 0 ? fn.memorySize : 128,
      });
    }
  }

  /** The function a name, ARN or partial ARN (optionally with `:$LATEST`) designates, if it exists here. */
  findFunction(nameOrArnOrPartialArn: string): LocalFunctionDefinition | undefined {
    const parsed = parseFunctionName(nameOrArnOrPartialArn);
    if (!parsed) return undefined;
    if (parsed.qualifier !== undefined && parsed.qualifier !== '$LATEST') return undefined;
    if (parsed.region !== undefined && parsed.region !== this.region) return undefined;
    if (parsed.accountId !== undefined && parsed.accountId !== this.accountId) return undefined;
    return this.functions.get(parsed.name);
  }

  /**
   * The function an Invoke request designates, or the LambdaServiceError Lambda answers (400 for a malformed name
   * or conflicting qualifiers, 404 for an unknown function or qualifier).
   */
  resolveTarget(nameOrArn: string, qualifier?: string): { fn: LocalFunctionDefinition; arn: string } {
    const parsed = parseFunctionName(nameOrArn);
    if (!parsed) throw new LambdaServiceError(400, 'ValidationException', invalidFunctionNameMessage(nameOrArn));
    if (parsed.qualifier !== undefined && qualifier !== undefined && parsed.qualifier !== qualifier) {
      throw new LambdaServiceError(
        400,
        'InvalidParameterValueException',
        'The derived qualifier from the function name does not match the specified qualifier.',
      );
    }
    const effectiveQualifier = parsed.qualifier ?? qualifier;
    const region = parsed.region ?? this.region;
    const accountId = parsed.accountId ?? this.accountId;
    const requestedArn = functionArn(parsed.name, region, accountId, effectiveQualifier, parsed.partition);
    const fn = region === this.region && accountId === this.accountId ? this.functions.get(parsed.name) : undefined;
    if (!fn || (effectiveQualifier !== undefined && effectiveQualifier !== '$LATEST')) {
      throw new LambdaServiceError(404, 'ResourceNotFoundException', `Function not found: ${requestedArn}`);
    }
    return { fn, arn: requestedArn };
  }

  /** The ARN an Invoke request targets (for authorization), whether or not the function exists. */
  targetArn(nameOrArn: string, qualifier?: string): string | undefined {
    const parsed = parseFunctionName(nameOrArn);
    if (!parsed) return undefined;
    return functionArn(parsed.name, parsed.region ?? this.region, parsed.accountId ?? this.accountId, parsed.qualifier ?? qualifier, parsed.partition);
  }

  /**
   * Invokes a function as Lambda's Invoke API does. Refusals that Lambda answers with an HTTP error (unknown
   * function, payload too large, payload not JSON, …) are thrown as LambdaServiceError; whatever the function does
   * (throw, time out, crash) comes back as a result with `functionError: 'Unhandled'`.
   */
  async invoke(nameOrArn: string, payload: Buffer, options: InvokeOptions = {}): Promise<InvokeResult> {
    if (this.closing) throw new LambdaServiceError(503, 'ServiceException', 'The local Lambda runtime is shutting down.');
    const { fn, arn } = this.resolveTarget(nameOrArn, options.qualifier);
    const invocationType = checkEnum<InvocationType>(options.invocationType ?? 'RequestResponse', 'invocationType', ['Event', 'RequestResponse', 'DryRun']);
    const logType = checkEnum<LogType>(options.logType ?? 'None', 'logType', ['None', 'Tail']);
    const limit = invocationType === 'Event' ? MAX_EVENT_REQUEST_BYTES : MAX_SYNC_REQUEST_BYTES;
    if (payload.length > limit) throw payloadTooLarge(invocationType, payload.length);
    const text = payloadText(payload);
    const clientContext = decodeClientContext(options.clientContext);
    const requestId = randomUUID();
    const base = { executedVersion: '$LATEST' as const, requestId };

    if (invocationType === 'DryRun') return { ...base, statusCode: 204, payload: Buffer.alloc(0) };

    const pending: Pending = { requestId, payload: text, invokedFunctionArn: arn, clientContext };
    const pool = this.poolFor(fn);
    if (invocationType === 'Event') {
      pool.submit(pending).then(
        (outcome) => {
          if (outcome.functionError) this.log(`[${fn.name}] async invocation ${requestId} failed: ${outcome.payload.toString('utf8')}`);
        },
        (error: Error) => this.log(`[${fn.name}] async invocation ${requestId} was not run: ${error.message}`),
      );
      return { ...base, statusCode: 202, payload: Buffer.alloc(0) };
    }

    const outcome = await pool.submit(pending);
    return {
      ...base,
      statusCode: 200,
      payload: outcome.payload,
      ...(outcome.functionError ? { functionError: outcome.functionError } : {}),
      ...(logType === 'Tail' ? { logResult: tailLog(outcome.log) } : {}),
    };
  }

  /** The live worker processes (for diagnostics and tests). */
  listWorkers(): WorkerInfo[] {
    return [...this.pools.values()].flatMap((pool) => pool.describe());
  }

  /** Kills every worker and waits until they are gone. Queued invocations are refused. */
  close(): Promise<void> {
    this.closing ??= Promise.all([...this.pools.values()].map((pool) => pool.close())).then(() => undefined);
    return this.closing;
  }

  private poolFor(fn: LocalFunctionDefinition): FunctionPool {
    let pool = this.pools.get(fn.name);
    if (!pool) {
      pool = new FunctionPool(fn, this.maxWorkers, {
        log: (line) => this.log(`[${fn.name}] ${line}`),
        environment: () => this.workerEnvironment(fn),
      });
      this.pools.set(fn.name, pool);
    }
    return pool;
  }

  /** The worker environment, built from scratch as Lambda builds it. */
  private workerEnvironment(fn: LocalFunctionDefinition): Record<string, string> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      AWS_ENDPOINT_URL: UNROUTED_AWS_ENDPOINT,
      ...fn.environment,
      ...this.extraEnvironment,
    };
    if (env.AWS_ENDPOINT_URL === '') delete env.AWS_ENDPOINT_URL;
    // Reserved variables: Lambda sets them, whatever the function's configuration says.
    for (const name of ['AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete env[name];
    Object.assign(env, {
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
      LAMBDA_TASK_ROOT: fn.codeDir,
      _HANDLER: fn.handler,
      TZ: ':UTC',
      // Never the developer's ~/.aws, never the instance metadata service.
      AWS_SHARED_CREDENTIALS_FILE: `${NO_AWS_FILES_DIR}/credentials`,
      AWS_CONFIG_FILE: `${NO_AWS_FILES_DIR}/config`,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    if (fn.credentials) {
      env.AWS_ACCESS_KEY_ID = fn.credentials.accessKeyId;
      env.AWS_SECRET_ACCESS_KEY = fn.credentials.secretAccessKey;
      if (fn.credentials.sessionToken) env.AWS_SESSION_TOKEN = fn.credentials.sessionToken;
    }
    return env;
  }
}

function checkEnum<T extends string>(value: string, member: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new LambdaServiceError(
    400,
    'ValidationException',
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
  );
}

export function payloadTooLarge(invocationType: InvocationType, size: number): LambdaServiceError {
  return invocationType === 'Event'
    ? new LambdaServiceError(413, 'RequestEntityTooLargeException', `${size} byte payload is too large for the Event invocation type (limit ${MAX_EVENT_REQUEST_BYTES} bytes)`)
    : new LambdaServiceError(413, 'RequestEntityTooLargeException', `Request must be smaller than ${MAX_SYNC_REQUEST_BYTES} bytes for the InvokeFunction operation`);
}

/**
 * The event text for a request payload. An empty payload is the event `{}`: that is what a function receives when
 * the AWS CLI invokes it without --payload (the CLI then sends no body at all). Anything else must be JSON.
 */
export function payloadText(payload: Buffer): string {
  if (payload.length === 0) return '{}';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
    JSON.parse(text);
  } catch (error) {
    throw new LambdaServiceError(
      400,
      'InvalidRequestContentException',
      `Could not parse request body into json: Could not parse payload into json: ${(error as Error).message}`,
    );
  }
  return text;
}

/** X-Amz-Client-Context: base64 of a JSON object. (The wording of the refusal is a local choice.) */
function decodeClientContext(value: string | undefined): unknown {
  if (value === undefined || value === '') return undefined;
  try {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new Error('not base64');
    const decoded = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as unknown;
    if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) throw new Error('not an object');
    return decoded;
  } catch {
    throw new LambdaServiceError(400, 'InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
  }
}

function logStreamName(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

// --- the compiled worker -------------------------------------------------------------------------------------------

let compiledWorker: string | undefined;

/**
 * The worker as a runnable ES module: worker.ts compiled with esbuild into a per-user cache (named by content hash)
 * in the temp dir; a precompiled worker.mjs/.js next to this file is used as is.
 */
export function workerScript(): string {
  if (compiledWorker && fs.existsSync(compiledWorker)) return compiledWorker;
  const source = ['worker.ts', 'worker.mjs', 'worker.js'].map((file) => path.join(__dirname, file)).find((file) => fs.existsSync(file));
  if (!source) throw new Error(`The local Lambda worker is missing next to ${__filename}`);
  if (!source.endsWith('.ts')) return (compiledWorker = source);
  const output = buildSync({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  }).outputFiles[0].contents;
  const hash = createHash('sha256').update(output).digest('hex').slice(0, 16);
  const directory = path.join(os.tmpdir(), `local-lambda-${process.getuid?.() ?? 'user'}`);
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  const file = path.join(directory, `worker-${hash}.mjs`);
  if (!fs.existsSync(file)) {
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(temporary, output);
    fs.renameSync(temporary, file);
    pruneCompiledWorkers(directory, file);
  }
  return (compiledWorker = file);
}

/**
 * Removes compiled workers of other versions once they are an hour old. A process still holding such a path
 * recompiles when it next starts a worker (workerScript checks the file exists).
 */
function pruneCompiledWorkers(directory: string, keep: string): void {
  try {
    for (const name of fs.readdirSync(directory)) {
      const file = path.join(directory, name);
      if (file === keep || !/^worker-[0-9a-f]+\.mjs(\..*\.tmp)?$/.test(name)) continue;
      if (Date.now() - fs.statSync(file).mtimeMs > 60 * 60 * 1000) fs.rmSync(file, { force: true });
    }
  } catch {
    // best effort
  }
}

// --- processes ---------------------------------------------------------------------------------------------------

/** Every live worker of this process, killed if the process exits without closing its runtimes. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  liveChildren.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const live of liveChildren) {
        try {
          live.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
}

interface PoolHost {
  log(line: string): void;
  environment(): Record<string, string>;
}

class FunctionPool {
  private readonly workers = new Set<WorkerProcess>();
  private readonly queue: Array<{ pending: Pending; resolve(outcome: Outcome): void; reject(error: Error): void }> = [];
  private closed = false;

  constructor(
    private readonly fn: LocalFunctionDefinition,
    private readonly maxWorkers: number,
    private readonly host: PoolHost,
  ) {}

  submit(pending: Pending): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ pending, resolve, reject });
      this.pump();
    });
  }

  describe(): WorkerInfo[] {
    return [...this.workers].map((worker) => ({ functionName: this.fn.name, pid: worker.pid, state: worker.state, invocations: worker.invocations }));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const queued of this.queue.splice(0)) {
      queued.reject(new LambdaServiceError(503, 'ServiceException', 'The local Lambda runtime is shutting down.'));
    }
    await Promise.all([...this.workers].map((worker) => worker.kill()));
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let worker = [...this.workers].find((candidate) => candidate.state === 'idle');
      if (!worker) {
        const alive = [...this.workers].filter((candidate) => candidate.state !== 'dead').length;
        if (alive >= this.maxWorkers) return;
        try {
          worker = this.spawn();
        } catch (error) {
          this.queue
            .shift()!
            .reject(new LambdaServiceError(500, 'ServiceException', `The local Lambda runtime could not start ${this.fn.name}: ${(error as Error).message}`));
          continue;
        }
      }
      const queued = this.queue.shift()!;
      worker.reserve();
      worker.run(queued.pending).then(queued.resolve, queued.reject).finally(() => this.pump());
    }
  }

  private spawn(): WorkerProcess {
    const worker = new WorkerProcess(this.fn, this.host.environment(), this.host.log, () => {
      this.workers.delete(worker);
      this.pump();
    });
    this.workers.add(worker);
    return worker;
  }
}

type StreamName = 'stdout' | 'stderr';

type PhaseEnd =
  | { kind: 'message'; message: WorkerMessage }
  | { kind: 'timeout' }
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null };

/** The log and the outcome of one phase of a worker (its init, or one invocation). */
class Phase {
  private readonly kept: string[] = [];
  private keptChars = 0;
  private readonly markers = new Set<StreamName>();
  private message?: WorkerMessage;
  private settled = false;
  private graceTimer?: NodeJS.Timeout;
  private settle!: (end: PhaseEnd) => void;
  readonly ended = new Promise<PhaseEnd>((resolve) => (this.settle = resolve));
  timedOut = false;

  constructor(readonly tag: string) {}

  get lines(): readonly string[] {
    return this.kept;
  }

  /** Lines of a stream belong to the phase until the stream's marker. */
  accepts(stream: StreamName): boolean {
    return !this.settled && !this.markers.has(stream);
  }

  add(line: string): void {
    this.kept.push(line);
    this.keptChars += line.length + 1;
    while (this.keptChars > KEPT_LOG_CHARS && this.kept.length > 1) this.keptChars -= this.kept.shift()!.length + 1;
  }

  marker(stream: StreamName): void {
    this.markers.add(stream);
    this.check();
  }

  received(message: WorkerMessage): void {
    if (this.settled) return;
    this.message = message;
    this.check();
    if (!this.settled) this.graceTimer = setTimeout(() => this.end({ kind: 'message', message }), MARKER_GRACE_MS);
  }

  /** The process is gone and its output fully read. */
  closed(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.message) this.end({ kind: 'message', message: this.message });
    else if (this.timedOut) this.end({ kind: 'timeout' });
    else this.end({ kind: 'exit', code, signal });
  }

  private check(): void {
    if (this.message && this.markers.size === 2) this.end({ kind: 'message', message: this.message });
  }

  private end(end: PhaseEnd): void {
    if (this.settled) return;
    this.settled = true;
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.settle(end);
  }
}

type InitResult =
  | { ok: true }
  | { ok: false; error: ErrorDocument; durationMs: number }
  | { ok: false; timeout: true; durationMs: number }
  | { ok: false; exit: { code: number | null; signal: NodeJS.Signals | null }; durationMs: number };

/** One worker process: init once, then one invocation at a time. */
class WorkerProcess {
  state: WorkerState = 'starting';
  invocations = 0;
  readonly pid: number | undefined;
  private readonly child: ChildProcess;
  private readonly initPhase = new Phase('init');
  private phase: Phase | undefined = this.initPhase;
  private readonly initialized: Promise<InitResult>;
  private initDurationMs = 0;
  private coldStart = true;
  private maxRssKb = 0;
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private readonly partial = { stdout: '', stderr: '' };
  private gone = false;
  private killed = false;
  private readonly exited: Promise<void>;
  private markExited!: () => void;

  constructor(
    private readonly fn: LocalFunctionDefinition,
    environment: Record<string, string>,
    private readonly log: (line: string) => void,
    private readonly onGone: () => void,
  ) {
    this.exited = new Promise((resolve) => (this.markExited = resolve));
    const spawnedAt = performance.now();
    this.emit(initStartLine(fn.runtime));
    const settings: WorkerSettings = { maxResponseBytes: MAX_SYNC_RESPONSE_BYTES };
    const memory = Math.max(64, Math.floor(fn.memorySize));
    this.child = fork(workerScript(), [JSON.stringify(settings)], {
      cwd: fs.existsSync(fn.codeDir) ? fn.codeDir : os.tmpdir(),
      env: environment,
      // As the Node.js runtime's bootstrap sizes the heap from the function's memory (unconfirmed detail).
      execArgv: [`--max-semi-space-size=${Math.max(1, Math.floor(memory / 128))}`, `--max-old-space-size=${memory - Math.floor(memory / 64)}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.pid = this.child.pid;
    track(this.child);
    for (const stream of ['stdout', 'stderr'] as const) {
      const readable = this.child[stream];
      readable?.on('data', (chunk: Buffer) => this.onData(stream, chunk));
      readable?.on('error', () => undefined);
    }
    this.child.on('message', (message: WorkerMessage) => this.onMessage(message));
    this.child.on('error', (error) => {
      this.log(`worker error: ${error.message}`);
      if (this.child.pid === undefined) this.onClose(null, null);
    });
    this.child.once('close', (code: number | null, signal: NodeJS.Signals | null) => this.onClose(code, signal));

    const initTimer = setTimeout(() => {
      this.initPhase.timedOut = true;
      void this.kill();
    }, INIT_TIMEOUT_MS + fn.timeoutSeconds * 1000);
    this.initialized = this.initPhase.ended.then((end): InitResult => {
      clearTimeout(initTimer);
      this.initDurationMs = performance.now() - spawnedAt;
      const durationMs = this.initDurationMs;
      if (end.kind === 'message' && end.message.type === 'ready') return { ok: true };
      this.state = 'dead';
      void this.kill();
      if (end.kind === 'message' && end.message.type === 'init-error') {
        this.emit(initReportLine(durationMs, end.message.error.errorType), this.initPhase);
        return { ok: false, error: end.message.error, durationMs };
      }
      if (end.kind === 'timeout') return { ok: false, timeout: true, durationMs };
      if (end.kind === 'exit') return { ok: false, exit: { code: end.code, signal: end.signal }, durationMs };
      return { ok: false, exit: { code: null, signal: null }, durationMs };
    });
  }

  /** Taken by the pool for the next invocation. */
  reserve(): void {
    if (this.state === 'idle') this.state = 'busy';
  }

  async run(pending: Pending): Promise<Outcome> {
    const init = await this.initialized;
    const lines: string[] = [];
    const coldStart = this.coldStart;
    this.coldStart = false;
    if (coldStart) lines.push(...this.initPhase.lines);
    const { requestId } = pending;

    if (!init.ok) {
      const error =
        'error' in init ? init.error : 'timeout' in init ? timeoutError(requestId, this.fn.timeoutSeconds) : exitError(requestId, init.exit.code, init.exit.signal);
      for (const line of [startLine(requestId), endLine(requestId)]) {
        this.emit(line);
        lines.push(line);
      }
      const report = reportLine({
        requestId,
        durationMs: init.durationMs,
        memorySizeMb: this.fn.memorySize,
        maxMemoryUsedMb: this.maxMemoryUsedMb(),
        status: 'timeout' in init ? 'timeout' : 'error',
        errorType: 'timeout' in init ? undefined : error.errorType,
      });
      this.emit(report);
      lines.push(report);
      return { payload: Buffer.from(JSON.stringify(error)), functionError: 'Unhandled', log: joinLines(lines) };
    }

    this.state = 'busy';
    this.invocations++;
    const phase = new Phase(`end:${requestId}`);
    this.phase = phase;
    this.emit(startLine(requestId), phase);
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    const startedAt = performance.now();
    const message: InvokeMessage = {
      type: 'invoke',
      requestId,
      payload: pending.payload,
      deadlineMs: Date.now() + timeoutMs,
      invokedFunctionArn: pending.invokedFunctionArn,
      ...(pending.clientContext !== undefined ? { clientContext: pending.clientContext } : {}),
      traceId: traceId(),
    };
    if (!this.gone) {
      try {
        // A failed send means the process is going away: 'close' ends the phase.
        this.child.send(message, (error) => {
          if (error) void this.kill();
        });
      } catch {
        void this.kill();
      }
    } else {
      phase.closed(null, null);
    }
    const timer = setTimeout(() => {
      phase.timedOut = true;
      this.emit(timeoutLogLine(requestId, this.fn.timeoutSeconds), phase);
      void this.kill();
    }, timeoutMs);
    const end = await phase.ended;
    clearTimeout(timer);
    const durationMs = performance.now() - startedAt;
    if (this.phase === phase) this.phase = undefined;

    let error: ErrorDocument | undefined;
    let payload = 'null';
    let status: 'timeout' | 'error' | undefined;
    if (end.kind === 'message' && end.message.type === 'result') {
      if (end.message.error) error = end.message.error;
      else payload = end.message.payload ?? 'null';
      const size = Buffer.byteLength(payload, 'utf8');
      if (!error && size > MAX_SYNC_RESPONSE_BYTES) error = responseTooLargeError(size, MAX_SYNC_RESPONSE_BYTES);
      if (end.message.exiting) this.state = 'dead';
    } else if (end.kind === 'timeout') {
      error = timeoutError(requestId, this.fn.timeoutSeconds);
      status = 'timeout';
    } else {
      error = end.kind === 'exit' ? exitError(requestId, end.code, end.signal) : exitError(requestId, null, null);
      status = 'error';
    }
    if (this.state !== 'dead' && !this.gone) this.state = 'idle';

    this.emit(endLine(requestId), phase);
    this.emit(
      reportLine({
        requestId,
        durationMs,
        memorySizeMb: this.fn.memorySize,
        maxMemoryUsedMb: this.maxMemoryUsedMb(),
        ...(coldStart ? { initDurationMs: this.initDurationMs } : {}),
        ...(status ? { status } : {}),
        ...(status === 'error' && error ? { errorType: error.errorType } : {}),
      }),
      phase,
    );
    lines.push(...phase.lines);
    return error
      ? { payload: Buffer.from(JSON.stringify(error)), functionError: 'Unhandled', log: joinLines(lines) }
      : { payload: Buffer.from(payload, 'utf8'), log: joinLines(lines) };
  }

  /** Kills the process (if still there) and resolves once it is gone and its output read. */
  kill(): Promise<void> {
    if (!this.gone) {
      this.state = 'dead';
      this.killed = true;
      try {
        this.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    return this.exited;
  }

  private maxMemoryUsedMb(): number {
    return Math.max(1, Math.round(this.maxRssKb / 1024));
  }

  /** A line the service writes (START, END, REPORT, …): to the log, and to the phase collecting it. */
  private emit(line: string, phase: Phase | undefined = this.phase): void {
    this.log(line);
    phase?.add(line);
  }

  private onData(stream: StreamName, chunk: Buffer): void {
    const text = this.partial[stream] + this.decoders[stream].write(chunk);
    const lines = text.split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) this.onLine(stream, line);
  }

  private onLine(stream: StreamName, rawLine: string): void {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const start = line.indexOf(MARKER_START);
    const end = start >= 0 ? line.indexOf(MARKER_END, start + MARKER_START.length) : -1;
    if (start < 0 || end < 0) {
      this.outputLine(stream, line);
      return;
    }
    if (start > 0) this.outputLine(stream, line.slice(0, start));
    const tag = line.slice(start + MARKER_START.length, end);
    if (this.phase?.tag === tag) this.phase.marker(stream);
    const rest = line.slice(end + MARKER_END.length);
    if (rest) this.outputLine(stream, rest);
  }

  /** A line the function wrote: to the log, and to the current phase unless that stream's part of it is over. */
  private outputLine(stream: StreamName, line: string): void {
    this.log(line);
    if (this.phase?.accepts(stream)) this.phase.add(line);
  }

  private onMessage(message: WorkerMessage): void {
    if (!message || typeof message !== 'object') return;
    if (typeof message.maxRssKb === 'number') this.maxRssKb = Math.max(this.maxRssKb, message.maxRssKb);
    const phase = this.phase;
    if (!phase) return;
    if (phase.tag === 'init' && (message.type === 'ready' || message.type === 'init-error')) phase.received(message);
    if (message.type === 'result' && phase.tag === `end:${message.requestId}`) phase.received(message);
  }

  private onClose(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.gone) return;
    this.gone = true;
    this.state = 'dead';
    liveChildren.delete(this.child);
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.decoders[stream].end();
      this.partial[stream] = '';
      if (rest) this.onLine(stream, rest);
    }
    if (this.phase) this.phase.closed(code, signal);
    else if (!this.killed && (code !== 0 || signal)) this.log(`worker ${this.pid ?? '?'} exited (${signal ? `signal ${signal}` : `exit status ${code}`})`);
    this.markExited();
    this.onGone();
  }
}

function joinLines(lines: readonly string[]): string {
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
