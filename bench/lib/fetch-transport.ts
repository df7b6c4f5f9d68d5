/**
 * The callers' transport over Node's built-in fetch (undici), as lambda/shared/http-transport.ts was before the
 * callers moved to node:http: the same exports and behaviour (a time limit over the whole exchange, the system error
 * code on the error's `cause`, no redirects). Only the benchmark bundles it (bench/lib/build.ts buildFetchVariants),
 * in place of the real transport, so `npm run bench` keeps measuring the choice: "ours (fetch)" in its tables.
 */

export interface HttpAnswer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly errorType: string | null;
  readonly text: string;
}

/** The time limit of the exchange ran out; the request was aborted. */
export class TransportTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.name = 'TransportTimeoutError';
  }
}

/**
 * POSTs `body` to `endpoint` with `headers` (fetch adds host and content-length, the values a signature covers).
 * Resolves with the answer, whatever its status; rejects with TransportTimeoutError past `timeoutMs`, or with fetch's
 * error (its `cause` carries the system error code) on a network failure.
 */
export async function postText(endpoint: URL, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number): Promise<HttpAnswer> {
  const controller = new AbortController();
  const timeout = new TransportTimeoutError(timeoutMs);
  const timer = setTimeout(() => controller.abort(timeout), timeoutMs);
  try {
    const response = await fetch(endpoint, { method: 'POST', headers: withoutHost(headers), body, redirect: 'manual', signal: controller.signal });
    // Reading the body is under the same signal, so a server that stalls mid-body is cut off too.
    const text = await response.text();
    return { status: response.status, retryAfter: response.headers.get('retry-after'), errorType: response.headers.get('x-amzn-errortype'), text };
  } catch (error) {
    throw controller.signal.aborted ? timeout : error;
  } finally {
    clearTimeout(timer);
  }
}

/** fetch sets Host from the URL itself (the same value the signature covers) and refuses to be given one. */
function withoutHost(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'host'));
}
