/**
 * The local Lambda runtime, in process: the functions of a deployment by name and ARN, and Invoke as Lambda's API
 * defines it (checks, invocation types, log tail). It delegates the rest along the seams SAM CLI uses:
 * - function-pool.ts: the warm workers of each function, the FIFO queue, `maxWorkersPerFunction`;
 * - worker-process.ts: one worker process (fork, phases and their logs, timeouts, kill, orphan protection);
 * - environment.ts: a function's environment, with its precedence;
 * - errors.ts: every error the service answers instead of running a function;
 * - worker-script.ts: where the worker compiled by `npm run build:worker` is.
 * service.ts starts it together with its HTTP Invoke API (invoke-api.ts) as one local service.
 *
 * Choices worth knowing:
 * - Workers are Node.js processes of the major version of the function's `runtime` (`nodejs24.x` → Node.js 24,
 *   node-runtime.ts: fetched from the npm registry once per machine), started with the arguments Lambda's bootstrap
 *   uses; the host's Node.js only stands in, with a one-line warning, when that one cannot be had.
 * - More concurrent invocations of one function start more workers, up to `maxWorkersPerFunction`; further calls
 *   wait in a FIFO queue (Lambda would throttle with 429 at its concurrency limit instead).
 * - Event invocations run in the background once; Lambda's two retries of failed async invocations are not emulated.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { functionEnvironment } from './environment';
import {
  EnumValidationError,
  FunctionNotFoundError,
  InvalidClientContextError,
  InvalidFunctionNameError,
  InvalidPayloadError,
  type LambdaServiceError,
  QualifierMismatchError,
  RequestTooLargeError,
  ServiceShuttingDownError,
} from './errors';
import { functionArn, parseFunctionName } from './function-name';
import { FunctionPool, type WorkerInfo } from './function-pool';
import { tailLog } from './log-format';
import { lambdaNodeArguments, type NodeBinary, nodeBinaryFor, nodeBinaryLine } from './node-runtime';
import {
  DEFAULT_MAX_WORKERS_PER_FUNCTION,
  type InvocationType,
  type InvokeOptions,
  type InvokeResult,
  type LocalFunctionDefinition,
  type LogType,
  MAX_EVENT_REQUEST_BYTES,
  MAX_SYNC_REQUEST_BYTES,
} from './types';
import type { Pending } from './worker-process';
import { workerScript } from './worker-script';

export { UNROUTED_AWS_ENDPOINT } from './environment';
export * from './errors';
export type { WorkerInfo } from './function-pool';
export * from './types';
export { WORKER_BUILD_COMMAND, WorkerNotBuiltError, workerScript } from './worker-script';

export interface LambdaRuntimeOptions {
  functions: LocalFunctionDefinition[];
  region: string;
  accountId: string;
  /**
   * Added to every worker's environment after the function's own variables, e.g. `AWS_ENDPOINT_URL_DYNAMODB` of the
   * local store. Lambda's reserved variables (AWS_REGION, credentials, …) cannot be overridden (environment.ts).
   */
  extraEnvironment?: Record<string, string>;
  /** @default 10 */
  maxWorkersPerFunction?: number;
  /** Receives every log line, prefixed with `[function-name] `. @default discard */
  log?: (line: string) => void;
  /**
   * The Node.js that runs the workers of a runtime, asked once per runtime (`nodejs24.x`).
   * @default nodeBinaryFor: that runtime's Node.js major, the host's as a fallback (node-runtime.ts)
   */
  nodeBinary?: (runtime: string) => Promise<NodeBinary>;
}

export class LambdaRuntime {
  readonly region: string;
  readonly accountId: string;
  private readonly functions = new Map<string, LocalFunctionDefinition>();
  private readonly pools = new Map<string, FunctionPool>();
  private readonly maxWorkers: number;
  private readonly log: (line: string) => void;
  private readonly extraEnvironment: Record<string, string>;
  private readonly nodeBinary: (runtime: string) => Promise<NodeBinary>;
  private readonly binaries = new Map<string, Promise<NodeBinary>>();
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
    this.nodeBinary = options.nodeBinary ?? ((runtime) => nodeBinaryFor(runtime, { log: (line) => this.log(`[lambda] ${line}`) }));
    for (const [name, fn] of definitionsByName(options.functions)) this.functions.set(name, fn);
    // A worker that is not built (or out of date) fails the start, with the command to run, not the first call.
    if (this.functions.size > 0) workerScript();
  }

  /**
   * Runs these functions from now on (a reload of the deployment): a function whose definition is the same keeps its
   * warm workers; one that changed (its code, settings, environment) or is gone has its workers stopped, so that the
   * next invocation starts the new version. An invocation still running on a stopped worker fails.
   */
  async replaceFunctions(functions: LocalFunctionDefinition[]): Promise<FunctionChanges> {
    const next = definitionsByName(functions);
    const changes: FunctionChanges = { added: [], changed: [], removed: [] };
    const retired: FunctionPool[] = [];
    for (const [name, current] of this.functions) {
      const replacement = next.get(name);
      if (replacement && isDeepStrictEqual(current, replacement)) continue;
      (replacement ? changes.changed : changes.removed).push(name);
      const pool = this.pools.get(name);
      if (pool) retired.push(pool);
      this.pools.delete(name);
    }
    for (const name of next.keys()) if (!this.functions.has(name)) changes.added.push(name);
    this.functions.clear();
    for (const [name, fn] of next) this.functions.set(name, fn);
    await this.prepare();
    await Promise.all(retired.map((pool) => pool.close()));
    return changes;
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
    if (!parsed) throw new InvalidFunctionNameError(nameOrArn);
    if (parsed.qualifier !== undefined && qualifier !== undefined && parsed.qualifier !== qualifier) {
      throw new QualifierMismatchError();
    }
    const effectiveQualifier = parsed.qualifier ?? qualifier;
    const region = parsed.region ?? this.region;
    const accountId = parsed.accountId ?? this.accountId;
    const requestedArn = functionArn(parsed.name, region, accountId, effectiveQualifier, parsed.partition);
    const fn = region === this.region && accountId === this.accountId ? this.functions.get(parsed.name) : undefined;
    if (!fn || (effectiveQualifier !== undefined && effectiveQualifier !== '$LATEST')) {
      throw new FunctionNotFoundError(requestedArn);
    }
    return { fn, arn: requestedArn };
  }

  /** The environment a new worker of `fn` starts with (environment.ts), for a host that runs a function's code itself. */
  environmentOf(fn: LocalFunctionDefinition): Record<string, string> {
    return functionEnvironment(fn, { region: this.region, extraEnvironment: this.extraEnvironment });
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
    return this.invokeText(nameOrArn, payload.length, () => payloadText(payload), options);
  }

  /**
   * Invokes with an event already in memory (AppSync's Lambda data sources): the same checks and limits as `invoke`,
   * but the event is encoded once, straight to the text the worker gets, instead of to bytes that are then decoded
   * and parsed again to check they are JSON (they are: JSON.stringify made them).
   */
  async invokeEvent(nameOrArn: string, event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
    const text = JSON.stringify(event) ?? 'null';
    return this.invokeText(nameOrArn, Buffer.byteLength(text, 'utf8'), () => text, options);
  }

  private async invokeText(nameOrArn: string, payloadBytes: number, eventText: () => string, options: InvokeOptions): Promise<InvokeResult> {
    if (this.closing) throw new ServiceShuttingDownError();
    const { fn, arn } = this.resolveTarget(nameOrArn, options.qualifier);
    const invocationType = checkEnum<InvocationType>(options.invocationType ?? 'RequestResponse', 'invocationType', ['Event', 'RequestResponse', 'DryRun']);
    const logType = checkEnum<LogType>(options.logType ?? 'None', 'logType', ['None', 'Tail']);
    const limit = invocationType === 'Event' ? MAX_EVENT_REQUEST_BYTES : MAX_SYNC_REQUEST_BYTES;
    if (payloadBytes > limit) throw payloadTooLarge(invocationType, payloadBytes);
    const text = eventText();
    const clientContext = decodeClientContext(options.clientContext);
    const requestId = randomUUID();
    const base = { executedVersion: '$LATEST' as const, requestId };

    if (invocationType === 'DryRun') return { ...base, statusCode: 204, payload: Buffer.alloc(0) };

    const pending: Pending = { requestId, payload: text, invokedFunctionArn: arn, clientContext };
    const node = await this.binaryFor(fn.runtime);
    // Closed while the Node.js was being found: a pool made now would outlive close().
    if (this.closing) throw new ServiceShuttingDownError();
    const pool = this.poolFor(fn, node);
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

  /**
   * Finds (and fetches, the first time on a machine) the Node.js of every runtime of the deployment, so that no
   * invocation waits for it; says which runs each, once.
   */
  async prepare(): Promise<ReadonlyMap<string, NodeBinary>> {
    const runtimes = [...new Set([...this.functions.values()].map((fn) => fn.runtime))];
    const binaries = await Promise.all(runtimes.map((runtime) => this.binaryFor(runtime)));
    return new Map(runtimes.map((runtime, index) => [runtime, binaries[index]]));
  }

  /** Every function, in the order of the deployment (ListFunctions). */
  listFunctions(): LocalFunctionDefinition[] {
    return [...this.functions.values()];
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

  /** The Node.js of a runtime, asked once; its line (or its fallback's warning) logged once. */
  private binaryFor(runtime: string): Promise<NodeBinary> {
    let binary = this.binaries.get(runtime);
    if (!binary) {
      binary = this.nodeBinary(runtime).then((found) => {
        this.log(`[lambda] ${nodeBinaryLine(runtime, found)}`);
        return found;
      });
      this.binaries.set(runtime, binary);
    }
    return binary;
  }

  private poolFor(fn: LocalFunctionDefinition, node: NodeBinary): FunctionPool {
    let pool = this.pools.get(fn.name);
    if (!pool) {
      pool = new FunctionPool(fn, this.maxWorkers, {
        log: (line) => this.log(`[${fn.name}] ${line}`),
        launch: () => {
          const environment = this.environmentOf(fn);
          return {
            environment,
            script: workerScript(),
            nodeExecutable: node.path,
            nodeVersion: node.version,
            execArgv: lambdaNodeArguments(fn.memorySize, environment.NODE_OPTIONS),
          };
        },
      });
      this.pools.set(fn.name, pool);
    }
    return pool;
  }
}

/** What a reload changed, by function name. */
export interface FunctionChanges {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
}

/** The definitions by name, with CloudFormation's defaults where one lacks a setting; two of one name are refused. */
function definitionsByName(functions: readonly LocalFunctionDefinition[]): Map<string, LocalFunctionDefinition> {
  const byName = new Map<string, LocalFunctionDefinition>();
  for (const fn of functions) {
    if (byName.has(fn.name)) throw new Error(`Two functions are named ${fn.name}`);
    byName.set(fn.name, {
      ...fn,
      codeDir: path.resolve(fn.codeDir),
      timeoutSeconds: fn.timeoutSeconds > 0 ? fn.timeoutSeconds : 3,
      memorySize: fn.memorySize > 0 ? fn.memorySize : 128,
    });
  }
  return byName;
}

function checkEnum<T extends string>(value: string, member: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new EnumValidationError(value, member, allowed);
}

export function payloadTooLarge(invocationType: InvocationType, size: number): LambdaServiceError {
  return new RequestTooLargeError(invocationType, size);
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
    throw new InvalidPayloadError((error as Error).message);
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
    throw new InvalidClientContextError();
  }
}
