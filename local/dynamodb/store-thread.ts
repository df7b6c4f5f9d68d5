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

/** Starts the store's thread and resolves once it listens (PortInUseError when its port is taken). */
export async function hostStoreInThread(settings: StoreHostSettings, log: (line: string) => void): Promise<HostedStore> {
  const worker = new Worker(storeHostScript(), { workerData: settings });
  const pending = new Map<number, { resolve(): void; reject(error: Error): void }>();
  let nextId = 1;
  let gone: Error | undefined;

  const listening = new Promise<string>((resolve, reject) => {
    worker.on('message', (reply: HostReply) => {
      if (reply.type === 'listening') resolve(reply.url);
      else if (reply.type === 'listen-failed') {
        const cause = Object.assign(new Error(reply.message), { code: reply.code });
        reject(reply.code === 'EADDRINUSE' ? new PortInUseError(settings.host, settings.port, { cause }) : cause);
      } else if (reply.type === 'log') log(reply.line);
      else if (reply.type === 'done') {
        const request = pending.get(reply.id);
        pending.delete(reply.id);
        if (reply.error === undefined) request?.resolve();
        else request?.reject(new Error(reply.error));
      }
    });
    // The thread is gone for good: what waits for it (the start, any request) fails with why.
    const stopped = (why: Error) => {
      gone ??= why;
      reject(gone);
      for (const request of pending.values()) request.reject(gone);
      pending.clear();
    };
    worker.once('error', (error) => {
      log(`the local DynamoDB store's thread stopped: ${error.message}`);
      stopped(error);
    });
    worker.once('exit', (code) => stopped(new Error(`the local DynamoDB store's thread exited (code ${code})`)));
  });

  let url: string;
  try {
    url = await listening;
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  const ask = (request: RequestBody): Promise<void> => {
    if (gone) return Promise.reject(gone);
    const id = nextId++;
    return new Promise<void>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  };

  let closed: Promise<void> | undefined;
  return {
    url,
    authorizeWith(principals: PrincipalStore) {
      const { source, issuedAt } = principals.origin;
      return ask({ type: 'authorize', source, issuedAt });
    },
    refuseRolesOn(tableArns) {
      return ask({ type: 'refuse-roles', tableArns });
    },
    close() {
      closed ??= (async () => {
        if (!gone) await ask({ type: 'close' }).catch(() => undefined);
        await worker.terminate();
      })();
      return closed;
    },
  };
}
