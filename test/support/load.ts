/**
 * Load for the local cloud: createTodo with client-chosen ids at a fixed concurrency, recording which writes were
 * acknowledged (200, the Todo in `data`, no error), and a full listing through every page. Loopback only, bounded in
 * count and in time.
 */
import { performance } from 'node:perf_hooks';

const CREATE = 'mutation CREATE_TODO($input: CreateTodoInput!) { createTodo(input: $input) { id name } }';
const LIST = 'query LIST_TODOS($limit: Int, $nextToken: String) { listTodos(limit: $limit, nextToken: $nextToken) { items { id } nextToken } }';

export interface LoadResult {
  readonly acknowledged: string[];
  readonly failures: Array<{ id: string; reason: string }>;
  /** Ids never sent (stopped, or past the deadline). */
  readonly unsent: number;
  readonly durationMs: number;
  /** Latency of each acknowledged request, ms. */
  readonly latencies: number[];
}

export interface LoadOptions {
  readonly url: string;
  readonly apiKey: string;
  readonly ids: readonly string[];
  readonly concurrency: number;
  /** Stop sending after this long. */
  readonly deadlineMs: number;
  /** Per request. */
  readonly requestTimeoutMs?: number;
  /** Called after each acknowledged write, with the count so far. */
  readonly onAcknowledged?: (count: number) => void;
}

export async function createTodos(options: LoadOptions): Promise<LoadResult> {
  const acknowledged: string[] = [];
  const failures: Array<{ id: string; reason: string }> = [];
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = Date.now() + options.deadlineMs;
  let next = 0;
  const worker = async () => {
    while (next < options.ids.length && Date.now() < deadline) {
      const id = options.ids[next++];
      const sentAt = performance.now();
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': options.apiKey },
          body: JSON.stringify({ query: CREATE, variables: { input: { id, name: `todo ${id}` } } }),
          signal: AbortSignal.timeout(options.requestTimeoutMs ?? 30_000),
        });
        const text = await response.text();
        const json = JSON.parse(text) as { data?: { createTodo?: { id?: string } | null }; errors?: unknown[] };
        if (response.status === 200 && !json.errors && json.data?.createTodo?.id === id) {
          acknowledged.push(id);
          latencies.push(performance.now() - sentAt);
          options.onAcknowledged?.(acknowledged.length);
        } else {
          failures.push({ id, reason: `${response.status} ${text.slice(0, 300)}` });
        }
      } catch (error) {
        failures.push({ id, reason: String((error as Error)?.cause ?? (error as Error)?.message ?? error) });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { acknowledged, failures, unsent: options.ids.length - next, durationMs: performance.now() - started, latencies };
}

export interface Listing {
  readonly ids: string[];
  readonly pages: number;
  readonly durationMs: number;
}

/** Every Todo id, through every page of listTodos. */
export async function listAllTodos(url: string, apiKey: string, limit: number, maxPages = 10_000): Promise<Listing> {
  const ids: string[] = [];
  let pages = 0;
  let nextToken: string | null = null;
  const started = performance.now();
  do {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ query: LIST, variables: { limit, nextToken } }),
      signal: AbortSignal.timeout(30_000),
    });
    const json = (await response.json()) as { data?: { listTodos?: { items: Array<{ id: string }>; nextToken: string | null } }; errors?: unknown[] };
    if (response.status !== 200 || json.errors || !json.data?.listTodos)
      throw new Error(`page ${pages + 1}: ${response.status} ${JSON.stringify(json).slice(0, 500)}`);
    pages++;
    ids.push(...json.data.listTodos.items.map((item) => item.id));
    nextToken = json.data.listTodos.nextToken;
    if (pages > maxPages) throw new Error(`more than ${maxPages} pages: the listing does not end`);
  } while (nextToken);
  return { ids, pages, durationMs: performance.now() - started };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Duplicates in a list (each once). */
export function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) (seen.has(value) ? repeated : seen).add(value);
  return [...repeated];
}
