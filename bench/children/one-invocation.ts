/**
 * One Lambda invocation in a Node.js process of its own, the way `amplify mock api` runs a Lambda data source: for
 * every resolver call, amplify-util-mock's data source calls amplify-category-function's invoker, whose Node.js
 * runtime plugin (amplify-nodejs-function-runtime-provider, src/utils/invoke.ts and execute.ts) forks a new process
 * with the function's environment, sends it the handler and the event, and waits for one JSON answer and the end of
 * the process. Nothing is kept from one call to the next: every call is a cold start.
 *
 * The parent (./peer.ts) sends `{ codeDir, handler, event }` over IPC and gets `{ result }` or `{ error }` back; this
 * process then exits. The handler is loaded as the local Lambda worker loads it (an ES module bundle by import()).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface OneInvocation {
  readonly codeDir: string;
  /** `index.handler`: the file's name without its extension, then the export. */
  readonly handler: string;
  /** The event, as JSON. */
  readonly event: string;
}

export type OneInvocationAnswer = { readonly result: unknown } | { readonly error: { readonly errorType: string; readonly errorMessage: string } };

type Handler = (event: unknown, context: unknown, callback: (error?: unknown, result?: unknown) => void) => unknown;

async function loadHandler(codeDir: string, handler: string): Promise<Handler> {
  const dot = handler.lastIndexOf('.');
  const base = path.join(codeDir, handler.slice(0, dot));
  const file = ['.mjs', '.js', '.cjs'].map((extension) => `${base}${extension}`).find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`no ${base}.mjs, .js or .cjs`);
  const loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const exported = loaded[handler.slice(dot + 1)] ?? (loaded.default as Record<string, unknown> | undefined)?.[handler.slice(dot + 1)];
  if (typeof exported !== 'function') throw new Error(`${handler} is not a function`);
  return exported as Handler;
}

async function run(options: OneInvocation): Promise<unknown> {
  process.chdir(options.codeDir);
  const handler = await loadHandler(options.codeDir, options.handler);
  const event = JSON.parse(options.event) as unknown;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: `one-invocation-${process.pid}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
  };
  return new Promise((resolve, reject) => {
    const returned = handler(event, context, (error, result) => (error ? reject(error) : resolve(result)));
    if (returned && typeof (returned as PromiseLike<unknown>).then === 'function') (returned as Promise<unknown>).then(resolve, reject);
  });
}

process.once('message', (options: OneInvocation) => {
  run(options)
    .then(
      (result): OneInvocationAnswer => ({ result: result ?? null }),
      (error: Error): OneInvocationAnswer => ({ error: { errorType: error?.name ?? 'Error', errorMessage: error?.message ?? String(error) } }),
    )
    .then((answer) => process.send?.(answer, () => process.exit(0)));
});
