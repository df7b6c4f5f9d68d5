/**
 * One worker process: a warm "execution environment" of one function. It is forked from the compiled worker
 * (worker-script.ts), loads the function's bundle once (the init phase), then runs one invocation at a time; it
 * collects each phase's log (START / END / REPORT lines, what the function wrote) and turns whatever the process
 * does (answer, throw, time out, exit, get killed) into an outcome.
 *
 * Lifecycle:
 * - Workers are not frozen between invocations (timers left running keep running), unlike Lambda.
 * - Workers never outlive this process: kill() ends them, an 'exit' hook kills every live one if their runtime was
 *   never closed, and each worker kills itself once its parent is gone (IPC 'disconnect', plus a watchdog thread for
 *   handlers stuck in a synchronous loop: worker.ts).
 * - Which Node.js runs a worker, and with which arguments, is the launch's (`nodeExecutable`, `execArgv`: chosen
 *   by node-runtime.ts for the function's `runtime`); the INIT_START line names that Node.js version.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { endLine, exitError, initReportLine, initStartLine, reportLine, responseTooLargeError, startLine, timeoutError, timeoutLogLine } from './log-format';
import { type LocalFunctionDefinition, MAX_SYNC_RESPONSE_BYTES } from './types';
import { type ErrorDocument, type InvokeMessage, MARKER_END, MARKER_START, type WorkerMessage, type WorkerSettings } from './worker-protocol';

export type WorkerState = 'starting' | 'idle' | 'busy' | 'dead';

/** How long the init phase may take before the invocation waiting for it fails (Lambda: 10 s, then retried). */
const INIT_TIMEOUT_MS = 10_000;

/** Bound on the log kept per phase (characters); only the last 4 KB is ever returned. */
const KEPT_LOG_CHARS = 64 * 1024;

/** After a result, how long to wait for the log markers before closing the invocation anyway. */
const MARKER_GRACE_MS = 2000;

/** An invocation, checked and ready to run. */
export interface Pending {
  requestId: string;
  payload: string;
  invokedFunctionArn: string;
  clientContext?: unknown;
}

/** What an invocation came to: the function's result, or its error document with `functionError`. */
export interface Outcome {
  payload: Buffer;
  functionError?: 'Unhandled';
  log: string;
}

/** What a worker is started with. */
export interface WorkerLaunch {
  /** The function's whole environment (environment.ts). */
  environment: Record<string, string>;
  /** The compiled worker to fork (worker-script.ts). */
  script: string;
  /** The Node.js executable that runs the worker: the one of the function's runtime (node-runtime.ts). */
  nodeExecutable: string;
  /** Its version (`v24.22.3`), shown in the INIT_START line. */
  nodeVersion: string;
  /** Node.js arguments, as Lambda's bootstrap gives them (node-runtime.ts: lambdaNodeArguments). */
  execArgv: string[];
}

export interface WorkerProcessOptions extends WorkerLaunch {
  fn: LocalFunctionDefinition;
  /** Every log line of this worker (the service's and the function's). */
  log(line: string): void;
  /** Once the process is gone and its output read. */
  onGone(): void;
}

// --- orphan protection -------------------------------------------------------------------------------------------

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

type StreamName = 'stdout' | 'stderr';

type PhaseEnd = { kind: 'message'; message: WorkerMessage } | { kind: 'timeout' } | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null };

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
    if (message.type === 'result' && message.quiet) {
      this.end({ kind: 'message', message });
      return;
    }
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
export class WorkerProcess {
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

  private readonly fn: LocalFunctionDefinition;
  private readonly log: (line: string) => void;
  private readonly onGone: () => void;

  /** Forks the process; throws when that fails at once (fork's own errors arrive as 'error' and end the worker). */
  constructor(options: WorkerProcessOptions) {
    const { fn } = options;
    this.fn = fn;
    this.log = options.log;
    this.onGone = options.onGone;
    this.exited = new Promise((resolve) => (this.markExited = resolve));
    const spawnedAt = performance.now();
    this.emit(initStartLine(fn.runtime, options.nodeVersion));
    const settings: WorkerSettings = { maxResponseBytes: MAX_SYNC_RESPONSE_BYTES };
    this.child = fork(options.script, [JSON.stringify(settings)], {
      execPath: options.nodeExecutable,
      cwd: fs.existsSync(fn.codeDir) ? fn.codeDir : os.tmpdir(),
      env: options.environment,
      execArgv: options.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // V8's structured clone: the payload (already JSON text) is copied as a string, not JSON-encoded a second
      // time around the message and decoded again on the other side.
      serialization: 'advanced',
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

    const initTimer = setTimeout(
      () => {
        this.initPhase.timedOut = true;
        void this.kill();
      },
      INIT_TIMEOUT_MS + fn.timeoutSeconds * 1000,
    );
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
        'error' in init
          ? init.error
          : 'timeout' in init
            ? timeoutError(requestId, this.fn.timeoutSeconds)
            : exitError(requestId, init.exit.code, init.exit.signal);
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

function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}
