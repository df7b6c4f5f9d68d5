/**
 * Loads one caller bundle (ours or a twin) the way the Lambda Node.js runtime does (import() of index.mjs, require()
 * of index.js) and invokes its handler. Its environment is the function's own (the runner passes it), so the bundle
 * finds its endpoint, API key, region and role credentials exactly as in Lambda.
 *
 * - `cold <bundle> <event>`: one process per sample; reports the time from just before loading the bundle to the end
 *   of the first invocation (Lambda's Init Duration + first Duration, without the runtime's own bootstrap), and the
 *   time since the process started.
 * - `warm <bundles> <events> <count> <warmup>`: every bundle of `bundles` (a JSON object, variant name to file) in this
 *   one process, and `count` turns (after `warmup` untimed ones) of one invocation of each and the same HTTP request
 *   sent bare (node:http, keep-alive, headers prepared once), the order rotating each turn: all measured interleaved,
 *   under the same conditions.
 */
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { signRequest } from '../../lambda/shared/sigv4';

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;

export interface ColdSample {
  readonly type: 'cold';
  readonly ms: number;
  readonly loadMs: number;
  readonly sinceProcessStartMs: number;
  /**
   * CPU time (user + system) of the process over the same span as `ms`, and since the process started: on a busy
   * machine wall time also counts the waits for a core, CPU time does not.
   */
  readonly cpuMs: number;
  readonly processCpuMs: number;
  readonly statusCode: number;
}

export interface WarmRun {
  readonly type: 'warm';
  /** Each variant's invocation times, by the name it was given. */
  readonly ms: Record<string, number[]>;
  readonly rawMs: number[];
  readonly failures: string[];
}

function context(): Record<string, unknown> {
  const deadline = Date.now() + 15_000;
  return {
    awsRequestId: `bench-${process.pid}-${Math.random().toString(36).slice(2)}`,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: 'bench',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function load(bundle: string): Promise<Handler> {
  if (bundle.endsWith('.mjs')) return ((await import(pathToFileURL(bundle).href)) as { handler: Handler }).handler;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(bundle) as { handler: Handler }).handler;
}

async function cold(bundle: string, event: unknown): Promise<ColdSample> {
  // The Lambda Node.js runtime is itself an ES module, so Node's ES module loader is up before it imports a handler;
  // here it is started before the clock too, or it would be charged to whichever bundle is an ES module.
  const loaderWarmUp: string = 'data:text/javascript,export default 0';
  await import(loaderWarmUp);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const handler = await load(bundle);
  const loaded = performance.now();
  const result = await handler(event, context());
  const ended = performance.now();
  const cpu = process.cpuUsage();
  const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
  return {
    type: 'cold',
    ms: ended - started,
    loadMs: loaded - started,
    sinceProcessStartMs: ended,
    cpuMs: cpuMs(cpu) - cpuMs(cpuBefore),
    processCpuMs: cpuMs(cpu),
    statusCode: result.statusCode,
  };
}

/** The request a caller sends, prepared once and sent bare: the floor the caller's own time is compared with. */
async function rawSender(event: Record<string, unknown>): Promise<() => Promise<number>> {
  const url = new URL(process.env.API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT ?? '');
  const list = !('name' in event);
  const body = JSON.stringify(
    list
      ? {
          query: 'query ListTodos($limit: Int) { listTodos(limit: $limit) { items { id name description createdAt updatedAt } nextToken } }',
          operationName: 'ListTodos',
          variables: event,
        }
      : {
          query: 'mutation CreateTodo($input: CreateTodoInput!) { createTodo(input: $input) { id name description createdAt updatedAt } }',
          operationName: 'CreateTodo',
          variables: { input: event },
        },
  );
  const apiKey = process.env.API_TODOAPI_GRAPHQLAPIKEYOUTPUT;
  const headers: Record<string, string> = apiKey
    ? { 'content-type': 'application/json', 'x-api-key': apiKey }
    : {
        ...(
          await signRequest(
            { method: 'POST', url, headers: { 'content-type': 'application/json' }, body },
            {
              service: 'appsync',
              region: process.env.AWS_REGION ?? '',
              credentials: {
                accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
                secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
                sessionToken: process.env.AWS_SESSION_TOKEN,
              },
              signingDate: new Date(),
            },
          )
        ).headers,
      };
  headers['content-length'] = String(Buffer.byteLength(body));
  const agent = new http.Agent({ keepAlive: true });
  return () =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const request = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const ms = performance.now() - started;
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200 || text.includes('"errors"')) reject(new Error(`raw request: HTTP ${response.statusCode} ${text.slice(0, 200)}`));
          else resolve(ms);
        });
      });
      request.on('error', reject);
      request.end(body);
    });
}

/**
 * Every variant's bundle loaded into this one process, then, turn after turn, one invocation of each and one bare
 * request, in an order that rotates every turn: the variants meet the same server, the same machine load and the same
 * process (its GC, its JIT) at the same moments, so their differences are theirs and not those of when they ran.
 */
async function warm(bundles: Record<string, string>, events: Record<string, unknown>[], count: number, warmup: number): Promise<WarmRun> {
  const variants = Object.keys(bundles);
  const handlers = new Map<string, Handler>();
  for (const variant of variants) handlers.set(variant, await load(bundles[variant]));
  const raw = await rawSender(events[0]);
  const ms: Record<string, number[]> = Object.fromEntries(variants.map((variant) => [variant, []]));
  const rawMs: number[] = [];
  const failures: string[] = [];
  const steps = [...variants, RAW];
  for (let index = 0; index < warmup + count; index++) {
    const event = events[index % events.length];
    for (let offset = 0; offset < steps.length; offset++) {
      const step = steps[(index + offset) % steps.length];
      let elapsed: number;
      if (step === RAW) {
        elapsed = await raw();
      } else {
        const started = performance.now();
        const result = await (handlers.get(step) as Handler)(event, context());
        elapsed = performance.now() - started;
        if (result.statusCode !== 200 && failures.length < 5) failures.push(`${step}: ${result.statusCode} ${result.body.slice(0, 200)}`);
      }
      if (index < warmup) continue;
      if (step === RAW) rawMs.push(elapsed);
      else ms[step].push(elapsed);
    }
  }
  return { type: 'warm', ms, rawMs, failures };
}

const RAW = 'bare request';

async function main(): Promise<ColdSample | WarmRun> {
  const [mode, bundle, ...rest] = process.argv.slice(2);
  if (mode === 'cold') return cold(bundle, JSON.parse(rest[0]));
  if (mode === 'warm') {
    const [events, count, warmup] = rest;
    return warm(JSON.parse(bundle) as Record<string, string>, JSON.parse(events) as Record<string, unknown>[], Number(count), Number(warmup));
  }
  throw new Error(`unknown mode ${mode}`);
}

main().then(
  (result) => process.send?.(result, () => process.exit(0)),
  (error: Error) => process.send?.({ type: 'error', message: error.stack ?? error.message }, () => process.exit(1)),
);
