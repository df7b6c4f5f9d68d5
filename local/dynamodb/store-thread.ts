/**
 * The store in a worker thread of its own (store-host.ts), so that its work (dynalite's validation and expressions,
 * LevelDB, the gate's SigV4 and IAM checks, its answers' socket writes) runs beside the main thread's instead of
 * between its AppSync requests: every GraphQL request whose resolver reads or writes the table waited for the main
 * thread twice, once for the Lambda invocation and once for the DynamoDB call. Profiled under load (npm run bench),
 * the store was about a quarter of the main thread's time.
 *
 * The thread's code is compiled with esbuild on first use, into local/dynamodb/dist (git-ignored), and again whenever
 * one of its sources is newer: the same code runs under ts-node (npm start), jest and the benchmark's bundle.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PortInUseError } from '../http';
import type { PrincipalStore } from '../iam/principals';
import type { HostedStore } from './hosted-store';
import type { HostReply, HostRequest, StoreHostSettings } from './store-thread-protocol';

/** The project's root: where local/dynamodb/store-host.ts is, looked for upwards (this file may be bundled elsewhere). */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      statSync(path.join(dir, 'local', 'dynamodb', 'store-host.ts'));
      return dir;
    } catch {
      if (path.dirname(dir) === dir) throw new Error(`local/dynamodb/store-host.ts not found above ${__dirname}`);
    }
  }
}

/** The compiled thread script, built now when it is missing or older than one of its sources. */
export function storeHostScript(): string {
  const root = projectRoot();
  const outDir = path.join(root, 'local', 'dynamodb', 'dist');
  const outfile = path.join(outDir, 'store-host.cjs');
  const inputsFile = path.join(outDir, 'store-host.inputs.json');
  if (isFresh(outfile, inputsFile)) return outfile;
  mkdirSync(outDir, { recursive: true });
  // esbuild is the bundler the project builds its functions with (a dev dependency, as the local cloud is).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  // Written aside and renamed: two local clouds (or test workers) starting at once never read half a file.
  const staging = `${outfile}.${process.pid}.${Date.now()}`;
  const result = buildSync({
    entryPoints: [path.join(root, 'local', 'dynamodb', 'store-host.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    mainFields: ['module', 'main'],
    outfile: staging,
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.keys(result.metafile?.inputs ?? {}).map((input) => path.resolve(root, input));
  writeFileSync(`${inputsFile}.${process.pid}`, JSON.stringify(inputs));
  renameSync(staging, outfile);
  renameSync(`${inputsFile}.${process.pid}`, inputsFile);
  return outfile;
}

function isFresh(outfile: string, inputsFile: string): boolean {
  try {
    const built = statSync(outfile).mtimeMs;
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8')) as string[];
    return inputs.length > 0 && inputs.every((input) => statSync(input).mtimeMs <= built);
  } catch {
    return false;
  }
}

/** A request as the caller writes it: `ask` numbers it. */
type RequestBody = HostRequest extends infer Request ? (Request extends HostRequest ? Omit<Request, 'id'> : never) : never;

/** How often the thread may stop before it is left stopped: more often is a fault a new thread would only repeat. */
export const STORE_RESTART_LIMIT = { restarts: 3, withinMs: 60_000 } as const;

/** A store in its own thread: what a test can do to it besides what every store does. */
export interface ThreadHostedStore extends HostedStore {
  /** Ends the store's thread as an uncaught error in it would (for tests of the restart). */
  injectFault(): Promise<void>;
}

export interface StoreThreadOptions {
  /**
   * Told after a thread that stopped was replaced and given the principals and table refusals again, with whether
   * the data survived (a store on disk) or not (in memory: the tables must be created again).
   */
  readonly onRestart?: (restart: { readonly dataKept: boolean }) => Promise<void> | void;
}

/** One thread of the store: its worker, the address it listens on and the requests waiting for it. */
interface StoreWorker {
  readonly worker: Worker;
  readonly url: string;
  readonly pending: Map<number, { resolve(): void; reject(error: Error): void }>;
}

/**
 * Starts the store's thread and resolves once it listens (PortInUseError when its port is taken). A thread that stops
 * afterwards (an uncaught error in dynalite ends it) is replaced on the same port, given the same principals and
 * table refusals, and `onRestart` is told; the calls it was serving fail (connection reset), later ones are answered
 * by the new thread. After STORE_RESTART_LIMIT it is left stopped, and the log says so.
 */
export async function hostStoreInThread(
  settings: StoreHostSettings,
  log: (line: string) => void,
  options: StoreThreadOptions = {},
): Promise<ThreadHostedStore> {
  let nextId = 1;
  let closing = false;
  let gone: Error | undefined;
  const restarts: number[] = [];
  // What the thread has been told, in order, to tell a replacement.
  let authorization: Extract<RequestBody, { type: 'authorize' }> | undefined;
  const refusedTables = new Set<string>();
  let current: StoreWorker | undefined;
  let replacing: Promise<void> | undefined;
  let recovery: Promise<void> | undefined;

  const spawnThread = async (threadSettings: StoreHostSettings): Promise<StoreWorker> => {
    const worker = new Worker(storeHostScript(), { workerData: threadSettings });
    const pending: StoreWorker['pending'] = new Map();
    const listening = new Promise<string>((resolve, reject) => {
      worker.on('message', (reply: HostReply) => {
        if (reply.type === 'listening') resolve(reply.url);
        else if (reply.type === 'listen-failed') {
          const cause = Object.assign(new Error(reply.message), { code: reply.code });
          reject(reply.code === 'EADDRINUSE' ? new PortInUseError(threadSettings.host, threadSettings.port, { cause }) : cause);
        } else if (reply.type === 'log') log(reply.line);
        else if (reply.type === 'done') {
          const request = pending.get(reply.id);
          pending.delete(reply.id);
          if (reply.error === undefined) request?.resolve();
          else request?.reject(new Error(reply.error));
        }
      });
      let why: Error | undefined;
      worker.once('error', (error) => {
        why = error;
      });
      worker.once('exit', (code) => {
        const stopped = why ?? new Error(`the local DynamoDB store's thread exited (code ${code})`);
        reject(stopped);
        for (const request of pending.values()) request.reject(stopped);
        pending.clear();
        if (current?.worker === worker) recovery = replace(stopped);
      });
    });
    try {
      return { worker, url: await listening, pending };
    } catch (error) {
      await worker.terminate();
      throw error;
    }
  };

  current = await spawnThread(settings);
  const { url } = current;
  // A replacement listens where the functions were told the store is, even when the first thread was given port 0.
  const samePort: StoreHostSettings = { ...settings, port: Number(new URL(url).port) };

  const replace = (stopped: Error): Promise<void> => {
    current = undefined;
    if (closing) return Promise.resolve();
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && restarts[0] < now - STORE_RESTART_LIMIT.withinMs) restarts.shift();
    if (restarts.length > STORE_RESTART_LIMIT.restarts) {
      gone = stopped;
      log(
        `the local DynamoDB store's thread stopped: ${stopped.message}. It stopped ${restarts.length} times within ${STORE_RESTART_LIMIT.withinMs / 1000} s and is not started again: every DynamoDB call fails until the local cloud is restarted.`,
      );
      return Promise.resolve();
    }
    const dataKept = settings.dataDir !== undefined;
    log(
      `the local DynamoDB store's thread stopped: ${stopped.message}. Starting it again on the same port${dataKept ? ' (the data on disk is kept)' : '; it was in memory, so its items are lost and its tables are created again, empty'}.`,
    );
    const started = (async () => {
      const next = await spawnThread(samePort);
      if (authorization) await send(next, authorization);
      if (refusedTables.size > 0) await send(next, { type: 'refuse-roles', tableArns: [...refusedTables] });
      current = next;
    })();
    // What a request waits for meanwhile; whether the thread came back, it learns from `gone` and `current`.
    replacing = started
      .catch(() => undefined)
      .finally(() => {
        replacing = undefined;
      });
    // Told once the new thread takes requests: what it does (creating tables) goes through them.
    return started
      .then(
        async () => {
          await options.onRestart?.({ dataKept });
          log("the local DynamoDB store's thread is serving again.");
        },
        (error: Error) => {
          gone = error;
          log(`the local DynamoDB store's thread could not be started again: ${error.message}. Every DynamoDB call fails until the local cloud is restarted.`);
        },
      )
      .catch((error: Error) => log(`the local DynamoDB store's thread was started again, but: ${error.message}`));
  };

  const send = (to: StoreWorker, request: RequestBody): Promise<void> => {
    const id = nextId++;
    return new Promise<void>((resolve, reject) => {
      to.pending.set(id, { resolve, reject });
      to.worker.postMessage({ ...request, id });
    });
  };

  const ask = async (request: RequestBody): Promise<void> => {
    if (replacing) await replacing;
    if (gone || !current) throw gone ?? new Error("the local DynamoDB store's thread is not running");
    return send(current, request);
  };

  let closed: Promise<void> | undefined;
  return {
    url,
    injectFault: () => ask({ type: 'fail' }),
    authorizeWith(principals: PrincipalStore) {
      const { source, issuedAt } = principals.origin;
      authorization = { type: 'authorize', source, issuedAt };
      return ask(authorization);
    },
    refuseRolesOn(tableArns) {
      for (const arn of tableArns) refusedTables.add(arn);
      return ask({ type: 'refuse-roles', tableArns });
    },
    close() {
      closed ??= (async () => {
        closing = true;
        await recovery;
        const last = current;
        if (!last) return;
        await send(last, { type: 'close' }).catch(() => undefined);
        await last.worker.terminate();
      })();
      return closed;
    },
  };
}
