/**
 * Load generator: keeps `concurrency` requests in flight against one GraphQL endpoint on 127.0.0.1 for a fixed time,
 * half `listTodos(limit: 20)` and half `createTodo`, then reports throughput, latency percentiles and errors. An error
 * is anything but HTTP 200 with data and no GraphQL errors. Bounded in time and in count; it stops by itself.
 *
 * Runs in its own process (the runner forks it) and answers over IPC with a LoadResult.
 */
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { signRequest } from '../../lambda/shared/sigv4';
import type { LoadOperations, LoadResult, LoadSettings } from '../lib/protocol';
import { percentile } from '../lib/stats';

const LIST = JSON.stringify({
  query: 'query ListTodos($limit: Int) { listTodos(limit: $limit) { items { id name description createdAt updatedAt } nextToken } }',
  operationName: 'ListTodos',
  variables: { limit: 20 },
});
const TYPENAME = JSON.stringify({ query: 'query Typename { __typename }', operationName: 'Typename' });
const CREATE_QUERY = 'mutation CreateTodo($input: CreateTodoInput!) { createTodo(input: $input) { id name description createdAt updatedAt } }';
/** A request that has had no answer for this long (settings.requestTimeoutMs unless given) counts as an error. */
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** `onMeasuring` is called when the warm-up is over and the measured phase starts. */
export async function runLoad(settings: LoadSettings, onMeasuring?: () => void): Promise<LoadResult> {
  const url = new URL(settings.url);
  if (url.hostname !== '127.0.0.1') throw new Error(`the load generator only targets 127.0.0.1, not ${url.hostname}`);
  const timeout = settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  let sent = 0;
  let sequence = 0;

  const send = async (kind: Operation, agent: http.Agent): Promise<{ ok: boolean; ms: number; problem?: string }> => {
    const body =
      kind === 'list'
        ? LIST
        : kind === 'typename'
          ? TYPENAME
          : JSON.stringify({
              query: CREATE_QUERY,
              operationName: 'CreateTodo',
              variables: { input: { name: `${settings.label} ${sequence++}`, description: 'load' } },
            });
    const headers = await headersFor(settings, url, kind, body);
    const started = performance.now();
    return new Promise((resolve) => {
      const request = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers, timeout }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const ms = performance.now() - started;
          const text = Buffer.concat(chunks).toString('utf8');
          resolve(judge(response.statusCode ?? 0, text, ms));
        });
        response.on('error', (error) => resolve({ ok: false, ms: performance.now() - started, problem: error.message }));
      });
      request.on('timeout', () => request.destroy(new Error('no answer in time')));
      request.on('error', (error) =>
        resolve({ ok: false, ms: performance.now() - started, problem: `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}` }),
      );
      request.end(body);
    });
  };

  // One agent per phase: a socket left idle while the warm-up's slowest requests finish may be closed by the server
  // (Node's keep-alive timeout is 5 s) just as the measured phase reuses it, an ECONNRESET of the client's making,
  // seen against the peer as amplify mock runs it, whose answers take seconds.
  const phase = async (durationMs: number, record: boolean) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: settings.concurrency });
    try {
      return await measure(durationMs, record, agent);
    } finally {
      agent.destroy();
    }
  };

  const measure = async (durationMs: number, record: boolean, agent: http.Agent) => {
    const latencies: number[] = [];
    const samples = new Map<string, number>();
    let requests = 0;
    let errors = 0;
    const startedAt = performance.now();
    const until = startedAt + durationMs;
    const worker = async (index: number) => {
      for (let turn = index; performance.now() < until && sent < settings.maxRequests; turn++) {
        sent++;
        const outcome = await send(operationFor(settings.operations ?? 'mixed', turn), agent);
        if (!record) continue;
        requests++;
        latencies.push(outcome.ms);
        if (!outcome.ok) {
          errors++;
          const problem = outcome.problem ?? 'unknown';
          samples.set(problem, (samples.get(problem) ?? 0) + 1);
        }
      }
    };
    await Promise.all(Array.from({ length: settings.concurrency }, (_, index) => worker(index)));
    const elapsedMs = performance.now() - startedAt;
    latencies.sort((a, b) => a - b);
    return {
      requests,
      errors,
      errorSamples: [...samples].slice(0, 5).map(([problem, count]) => `${count}× ${problem}`),
      elapsedMs,
      rps: requests / (elapsedMs / 1000),
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      maxMs: latencies.at(-1) ?? 0,
    };
  };

  if (settings.warmupMs > 0) await phase(settings.warmupMs, false);
  onMeasuring?.();
  return phase(settings.durationMs, true);
}

type Operation = Exclude<LoadOperations, 'mixed'>;

function operationFor(operations: LoadOperations, turn: number): Operation {
  if (operations !== 'mixed') return operations;
  return turn % 2 === 0 ? 'list' : 'create';
}

function judge(status: number, text: string, ms: number): { ok: boolean; ms: number; problem?: string } {
  if (status !== 200) return { ok: false, ms, problem: `HTTP ${status} ${text.slice(0, 160)}` };
  try {
    const body = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: unknown[] };
    if (body.errors && body.errors.length > 0) return { ok: false, ms, problem: `GraphQL errors ${JSON.stringify(body.errors).slice(0, 160)}` };
    if (!body.data || Object.values(body.data).some((value) => value === null)) return { ok: false, ms, problem: `no data ${text.slice(0, 160)}` };
    return { ok: true, ms };
  } catch {
    return { ok: false, ms, problem: `not JSON ${text.slice(0, 160)}` };
  }
}

async function headersFor(settings: LoadSettings, url: URL, kind: Operation, body: string): Promise<Record<string, string>> {
  const base = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
  if (settings.auth.mode === 'API_KEY') return { ...base, 'x-api-key': settings.auth.apiKey };
  const credentials = kind === 'list' ? settings.auth.list : settings.auth.create;
  const { headers } = await signRequest(
    { method: 'POST', url, headers: { 'content-type': 'application/json' }, body },
    { service: 'appsync', region: settings.auth.region, credentials, signingDate: new Date() },
  );
  return { ...headers, 'content-length': base['content-length'] };
}

if (require.main === module) {
  process.once('message', (settings: LoadSettings) => {
    runLoad(settings, () => process.send?.({ type: 'measuring' })).then(
      (result) => process.send?.({ type: 'result', result }, () => process.exit(0)),
      (error: Error) => process.send?.({ type: 'error', message: error.stack ?? error.message }, () => process.exit(1)),
    );
  });
}
