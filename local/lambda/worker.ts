/**
 * One warm "execution environment": a Node.js process that loads a function's bundle once and runs its handler for
 * one invocation at a time, as the Lambda Node.js runtime (aws-lambda-nodejs-runtime-interface-client) does.
 *
 * `npm run build:worker` compiles this file with esbuild to an ES module (dist/worker.mjs), which the runtime forks;
 * it must only use Node.js built-ins (the build refuses anything else) and must not be imported by anything else.
 * Its settings come from the environment Lambda defines (_HANDLER, LAMBDA_TASK_ROOT, AWS_LAMBDA_*) plus a JSON
 * argument.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as util from 'node:util';
import { Worker } from 'node:worker_threads';
import {
  type ErrorDocument,
  type InvokeMessage,
  markerLine,
  type ParentMessage,
  type ResultMessage,
  type WorkerMessage,
  type WorkerSettings,
} from './worker-protocol';

type Handler = (event: unknown, context: unknown, callback: (error?: unknown, result?: unknown) => void) => unknown;

const settings = readSettings(process.argv[2]);
const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const handlerName = process.env._HANDLER ?? '';
const runtimeRequire = createRequire(process.argv[1] ?? path.join(taskRoot, 'index.js'));

/** The request id the console lines carry; like the real runtime it keeps the last one between invocations. */
let logRequestId: string | undefined;
let phase: 'init' | 'idle' | 'invoke' = 'init';
let current: { requestId: string; settled: boolean } | undefined;

function readSettings(argument: string | undefined): WorkerSettings {
  try {
    const parsed = JSON.parse(argument ?? '{}') as Partial<WorkerSettings>;
    return { maxResponseBytes: parsed.maxResponseBytes ?? 6_291_556 };
  } catch {
    return { maxResponseBytes: 6_291_556 };
  }
}

// --- talking to the parent ---------------------------------------------------------------------------------------

function send(message: WorkerMessage, then?: () => void): void {
  if (!process.send || !process.connected) {
    then?.();
    return;
  }
  try {
    process.send(message, undefined, {}, () => then?.());
  } catch {
    then?.();
  }
}

/**
 * The markers go through the original stream methods (user code may replace process.stdout.write), after whatever
 * the function wrote: the child's stdio are sockets, so writes are asynchronous and queued in order.
 */
const writeStdout = process.stdout.write.bind(process.stdout);
const writeStderr = process.stderr.write.bind(process.stderr);

/**
 * Whether anything went through process.stdout or process.stderr (console, the function's own writes) since the last
 * markers. An invocation that wrote nothing ends without markers (ResultMessage.quiet): the two marker writes, and the
 * parent's two reads of them, were two of the three messages a silent invocation (a resolver, typically) sent back. Output
 * written to file descriptors 1 and 2 without the streams (fs.writeSync(1), a child process with inherited stdio) is
 * still logged, but after such an invocation's END line and outside its LogType Tail.
 */
let wroteSinceMarkers = false;
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write;
  stream.write = function (this: NodeJS.WriteStream, ...args: Parameters<typeof write>) {
    wroteSinceMarkers = true;
    return write.apply(this, args);
  } as typeof write;
}

function writeMarkers(tag: string, flushed?: () => void): void {
  wroteSinceMarkers = false;
  const line = markerLine(tag);
  let pending = 2;
  const done = () => {
    if (--pending === 0) flushed?.();
  };
  for (const write of [writeStdout, writeStderr]) {
    try {
      write(line, () => done());
    } catch {
      done();
    }
  }
}

function maxRssKb(): number {
  try {
    return process.resourceUsage().maxRSS;
  } catch {
    return 0;
  }
}

// --- quiet SDK ----------------------------------------------------------------------------------------------------

/**
 * The AWS SDK v3 warns (NodeVersionSupportWarning, @aws-sdk/core's emitWarningIfUnsupportedVersion) when the Node.js
 * running it is older than 22. This process stands in for the function's Lambda runtime: when that runtime is
 * nodejs22.x or newer, the warning is about this machine's Node.js, not the function's, and only noise in its log.
 */
function silenceSdkNodeVersionWarning(): void {
  const runtimeMajor = Number(/nodejs(\d+)/.exec(process.env.AWS_EXECUTION_ENV ?? '')?.[1]);
  if (!(runtimeMajor >= 22)) return;
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning?.message;
    if (typeof text === 'string' && text.startsWith('NodeVersionSupportWarning')) return;
    emitWarning(warning, ...rest);
  }) as typeof process.emitWarning;
}
silenceSdkNodeVersionWarning();

// --- orphan protection -------------------------------------------------------------------------------------------

// The parent went away (normal exit, crash, SIGKILL): so does this environment.
process.on('disconnect', () => process.exit(0));

/**
 * 'disconnect' needs this thread's event loop; a handler stuck in a synchronous loop would never see it. A tiny
 * watchdog thread checks the parent pid and kills the process once it has been re-parented.
 *
 * The thread must be running before any user code: a worker thread whose start-up has not got far enough when the
 * main thread starts spinning may never start (seen under load), so init waits for the thread to say it is armed
 * (bounded, so that a platform without threads still works, only less safely).
 */
function startWatchdog(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 2000);
    const armed = () => {
      clearTimeout(timer);
      resolve();
    };
    try {
      const watchdog = new Worker(
        `const { workerData, parentPort } = require('node:worker_threads');
         setInterval(() => { if (process.ppid !== workerData.parentPid) process.kill(workerData.pid, 'SIGKILL'); }, 1000);
         parentPort.postMessage('armed');`,
        { eval: true, workerData: { parentPid: process.ppid, pid: process.pid }, stdout: true, stderr: true, env: {} },
      );
      watchdog.once('message', armed);
      watchdog.once('error', armed);
      watchdog.once('exit', armed);
      watchdog.unref();
    } catch {
      armed();
    }
  });
}

// --- console, as the Node.js runtime patches it ------------------------------------------------------------------

function logLine(level: string, text: string): void {
  process.stdout.write(`${new Date().toISOString()}\t${logRequestId ?? 'undefined'}\t${level}\t${text}\n`);
}

function patchConsole(): void {
  const at =
    (level: string) =>
    (message?: unknown, ...params: unknown[]) =>
      logLine(level, util.format(message, ...params));
  console.log = at('INFO');
  console.info = at('INFO');
  console.warn = at('WARN');
  console.error = at('ERROR');
  console.debug = at('DEBUG');
  console.trace = (message?: unknown, ...params: unknown[]) => {
    const trace = new Error(util.format(message, ...params));
    trace.name = 'Trace';
    logLine('TRACE', trace.stack ?? trace.message);
  };
  (console as unknown as Record<string, unknown>).fatal = at('FATAL');
}

// --- errors, as the runtime formats them -------------------------------------------------------------------------

/** The runtime's error document: name, message, stack lines; anything else thrown is described by its type. */
function formatError(error: unknown): ErrorDocument {
  try {
    if (error instanceof Error || util.types.isNativeError(error)) {
      const e = error as Error;
      return {
        errorType: String(e.name),
        errorMessage: String(e.message),
        trace: typeof e.stack === 'string' ? e.stack.split('\n') : [],
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
}

/** The runtime's log form of an error: its enumerable properties plus errorType, errorMessage and the stack lines. */
function formatForLog(error: unknown): string {
  try {
    return JSON.stringify(error, (_key, value: unknown) => {
      if (value instanceof Error) {
        const withProperties: Record<string, unknown> = {
          errorType: value.name,
          errorMessage: value.message,
          code: (value as Error & { code?: unknown }).code,
          ...value,
        };
        if (typeof value.stack === 'string') withProperties.stack = value.stack.split('\n');
        return withProperties;
      }
      return value;
    });
  } catch {
    return JSON.stringify(formatError(error));
  }
}

function runtimeError(name: string, message: string, stack?: string): Error {
  const error = new Error(message);
  error.name = name;
  const frames = (new Error().stack ?? '').split('\n').slice(2).join('\n');
  error.stack = stack ?? `${name}: ${message}${frames ? `\n${frames}` : ''}`;
  return error;
}

// --- loading the handler, as the runtime's UserFunction.js does ---------------------------------------------------

function hasTypeModule(folder: string): boolean {
  // The nearest package.json decides; a node_modules folder or the root ends the search.
  if (folder.endsWith(`${path.sep}node_modules`)) return false;
  const file = path.join(folder, 'package.json');
  if (fs.existsSync(file)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { type?: unknown } | null;
      return pkg?.type === 'module';
    } catch {
      return false;
    }
  }
  const parent = path.dirname(folder);
  return parent === folder ? false : hasTypeModule(parent);
}

function tryRequireFile(file: string): unknown {
  return fs.existsSync(file) ? runtimeRequire(file) : undefined;
}

async function tryImportFile(file: string): Promise<unknown> {
  return fs.existsSync(file) ? await import(pathToFileURL(file).href) : undefined;
}

async function loadModule(appRoot: string, moduleRoot: string, moduleName: string): Promise<unknown> {
  const lambdaStylePath = path.resolve(appRoot, moduleRoot, moduleName);
  const extensionless = tryRequireFile(lambdaStylePath);
  if (extensionless) return extensionless;
  const typeModule = hasTypeModule(path.dirname(lambdaStylePath));
  if (!typeModule) {
    const loaded = tryRequireFile(`${lambdaStylePath}.js`);
    if (loaded) return loaded;
  }
  const loaded =
    (typeModule && (await tryImportFile(`${lambdaStylePath}.js`))) ||
    (await tryImportFile(`${lambdaStylePath}.mjs`)) ||
    tryRequireFile(`${lambdaStylePath}.cjs`);
  if (loaded) return loaded;
  // As the runtime does: fall back to Node's own resolution from the task root (this throws MODULE_NOT_FOUND).
  return runtimeRequire(runtimeRequire.resolve(moduleName, { paths: [appRoot, path.join(appRoot, moduleRoot)] }));
}

async function loadHandler(appRoot: string, fullHandler: string): Promise<Handler> {
  if (fullHandler.includes('..')) {
    throw runtimeError(
      'Runtime.MalformedHandlerName',
      `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const handlerString = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(handlerString));
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match) throw runtimeError('Runtime.MalformedHandlerName', 'Bad handler');
  const [, moduleName, handlerPath] = match;

  let userModule: unknown;
  try {
    userModule = await loadModule(appRoot, moduleRoot, moduleName);
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw runtimeError('Runtime.UserCodeSyntaxError', String(error), error.stack);
    }
    // Only CommonJS's MODULE_NOT_FOUND is wrapped by the real runtime; an ES module importing a missing package
    // (ERR_MODULE_NOT_FOUND) surfaces as the plain `Error` "Cannot find package 'x' imported from …", as on Lambda.
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'MODULE_NOT_FOUND') {
      throw runtimeError('Runtime.ImportModuleError', String(error));
    }
    throw error;
  }
  const handler = handlerPath.split('.').reduce<unknown>((object, key) => (object ? (object as Record<string, unknown>)[key] : undefined), userModule);
  if (!handler) throw runtimeError('Runtime.HandlerNotFound', `${fullHandler} is undefined or not exported`);
  if (typeof handler !== 'function') throw runtimeError('Runtime.HandlerNotFound', `${fullHandler} is not a function`);
  return handler as Handler;
}

// --- invocations -------------------------------------------------------------------------------------------------

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

function resultMessage(requestId: string, outcome: Outcome): ResultMessage {
  if (!outcome.ok) {
    logLine('ERROR', `Invoke Error \t${formatForLog(outcome.error)}`);
    return { type: 'result', requestId, error: formatError(outcome.error), maxRssKb: maxRssKb() };
  }
  let payload: string;
  try {
    payload = JSON.stringify(outcome.value === undefined ? null : outcome.value);
  } catch {
    // Circular structures, BigInt, throwing toJSON: the current runtime reports Runtime.JSONStringifyError.
    const error = runtimeError('Runtime.JSONStringifyError', 'Unable to stringify response body');
    logLine('ERROR', `Invoke Error \t${formatForLog(error)}`);
    return { type: 'result', requestId, error: formatError(error), maxRssKb: maxRssKb() };
  }
  const size = Buffer.byteLength(payload, 'utf8');
  if (size > settings.maxResponseBytes) {
    return {
      type: 'result',
      requestId,
      error: {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size (${size} bytes) exceeded maximum allowed payload size (${settings.maxResponseBytes} bytes).`,
      },
      maxRssKb: maxRssKb(),
    };
  }
  return { type: 'result', requestId, payload, maxRssKb: maxRssKb() };
}

function runInvocation(handler: Handler, message: InvokeMessage): void {
  const invocation = { requestId: message.requestId, settled: false };
  current = invocation;
  phase = 'invoke';
  logRequestId = message.requestId;
  process.env._X_AMZN_TRACE_ID = message.traceId;

  /**
   * The event loop, as the runtime sees it: with the IPC channel unref'd for the duration of the invocation,
   * 'beforeExit' fires exactly when nothing the function started is left. A callback handler's answer waits for
   * that (callbackWaitsForEmptyEventLoop), and a handler that neither returns a promise nor calls back answers null
   * then, as on Lambda.
   */
  let waitingOutcome: Outcome | undefined;
  const onEmptyEventLoop = () => finish(waitingOutcome ?? { ok: true, value: null });
  process.once('beforeExit', onEmptyEventLoop);
  process.channel?.unref();

  function finish(outcome: Outcome): void {
    if (invocation.settled) return;
    invocation.settled = true;
    process.removeListener('beforeExit', onEmptyEventLoop);
    process.channel?.ref();
    const result = resultMessage(invocation.requestId, outcome);
    if (current === invocation) {
      current = undefined;
      phase = 'idle';
    }
    if (wroteSinceMarkers) {
      writeMarkers(`end:${invocation.requestId}`);
      send(result);
    } else {
      send({ ...result, quiet: true });
    }
  }
  const outcomeOf = (error: unknown, value: unknown): Outcome => (error !== undefined && error !== null ? { ok: false, error } : { ok: true, value });

  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: message.requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: undefined,
    clientContext: message.clientContext,
    getRemainingTimeInMillis: () => Math.max(message.deadlineMs - Date.now(), 0),
    // The deprecated context methods answer at once, without waiting for the event loop.
    done: (error?: unknown, value?: unknown) => finish(outcomeOf(error, value)),
    succeed: (value?: unknown) => finish({ ok: true, value }),
    fail: (error?: unknown) => finish({ ok: false, error }),
  };

  const callback = (error?: unknown, value?: unknown) => {
    if (invocation.settled || waitingOutcome) return; // only the first call counts
    const outcome = outcomeOf(error, value);
    if (context.callbackWaitsForEmptyEventLoop) waitingOutcome = outcome;
    else finish(outcome);
  };

  let event: unknown;
  try {
    event = JSON.parse(message.payload);
  } catch (error) {
    finish({ ok: false, error });
    return;
  }
  let returned: unknown;
  try {
    returned = handler(event, context, callback);
  } catch (error) {
    callback(error);
    return;
  }
  if (isThenable(returned)) {
    returned.then(
      (value) => finish({ ok: true, value }),
      (error: unknown) => finish({ ok: false, error }),
    );
  }
}

// --- fatal errors ------------------------------------------------------------------------------------------------

function fatal(document: ErrorDocument, logText: string, exitCode: number): void {
  logLine('ERROR', logText);
  // Exit once the logs are flushed and the parent has the message (process.exit drops queued output).
  const exit = () => process.exit(exitCode);
  setTimeout(exit, 1000);
  let pending = 2;
  const step = () => {
    if (--pending === 0) exit();
  };
  if (phase === 'init') {
    writeMarkers('init', step);
    send({ type: 'init-error', error: document, maxRssKb: maxRssKb() }, step);
  } else if (current && !current.settled) {
    current.settled = true;
    writeMarkers(`end:${current.requestId}`, step);
    send({ type: 'result', requestId: current.requestId, error: document, maxRssKb: maxRssKb(), exiting: true }, step);
  } else {
    writeMarkers('exit', step);
    step();
  }
}

// An uncaught exception fails the invocation and ends the environment (exit 129), as on Lambda.
process.on('uncaughtException', (error) => fatal(formatError(error), `Uncaught Exception \t${formatForLog(error)}`, 129));

// An unhandled rejection does the same with Runtime.UnhandledPromiseRejection (exit 128).
process.on('unhandledRejection', (reason) => {
  const description = safeString(reason);
  const wrapper = runtimeError('Runtime.UnhandledPromiseRejection', description);
  const reasonFrames = reason instanceof Error && typeof reason.stack === 'string' ? reason.stack.split('\n').slice(1) : [];
  const document: ErrorDocument = {
    errorType: wrapper.name,
    errorMessage: description,
    trace: [`${wrapper.name}: ${description}`, ...reasonFrames],
  };
  fatal(document, `Unhandled Promise Rejection \t${JSON.stringify(document)}`, 128);
});

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

// --- start -------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  await startWatchdog();
  patchConsole();
  let handler: Handler;
  try {
    handler = await loadHandler(taskRoot, handlerName);
  } catch (error) {
    // Init failed: report it and end, as Lambda resets the environment after an init error.
    fatal(formatError(error), `Uncaught Exception \t${formatForLog(error)}`, 1);
    return;
  }
  process.on('message', (message: ParentMessage) => {
    if (message?.type !== 'invoke') return;
    if (current && !current.settled) return; // one invocation at a time; the parent never sends two
    runInvocation(handler, message);
  });
  phase = 'idle';
  writeMarkers('init');
  send({ type: 'ready', maxRssKb: maxRssKb() });
}

void main();
