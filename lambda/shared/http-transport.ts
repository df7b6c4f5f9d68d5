/**
 * One POST over Node's built-in fetch, bounded by a time limit that covers the whole exchange (connecting, sending,
 * the headers and the body).
 *
 * fetch, as the product promises ("a keyed or SigV4-signed fetch") and as code written for Amplify's function
 * template expects: no HTTP library to bundle, pooled keep-alive connections, and system error codes (ECONNREFUSED,
 * ECONNRESET…) on the error's `cause` for network failures. No redirect is followed: AppSync does not redirect, and a
 * signed request or an API key is never sent anywhere else.
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
