/**
 * One POST over node:http / node:https with keep-alive connections, bounded by a time limit that covers the whole
 * exchange (connecting, sending, the headers and the body).
 *
 * node:http rather than the global fetch: fetch (undici) is loaded and compiled on its first use, which costs a Lambda
 * cold start about 20 ms, and every call goes through WHATWG streams, which costs about 1 ms more than node:http on
 * the same request (README, Performance). The behaviour the client relies on is the same: pooled keep-alive
 * connections (idle ones closed after 4 s, as fetch does), system error codes (ECONNREFUSED, ECONNRESET…) on network
 * failures, the body read as UTF-8. No redirect is followed (AppSync does not redirect, and a signed request or an API
 * key is never sent anywhere else) and no compression is asked for.
 */
import { Agent as HttpAgent, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface HttpAnswer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly errorType: string | null;
  readonly text: string;
}

/** The time limit of the exchange ran out; the connection was dropped. */
export class TransportTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.name = 'TransportTimeoutError';
  }
}

/** As fetch's pool: idle connections are closed after 4 s, before a server's usual 5 s keep-alive timeout. */
const IDLE_SOCKET_TIMEOUT_MS = 4_000;
const httpAgent = new HttpAgent({ keepAlive: true, scheduling: 'lifo', timeout: IDLE_SOCKET_TIMEOUT_MS });
const httpsAgent = new HttpsAgent({ keepAlive: true, scheduling: 'lifo', timeout: IDLE_SOCKET_TIMEOUT_MS });

/**
 * POSTs `body` to `endpoint` with `headers` (plus host and content-length). Resolves with the answer, whatever its
 * status; rejects with TransportTimeoutError past `timeoutMs`, or with the system error of a network failure.
 */
export function postText(endpoint: URL, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const secure = endpoint.protocol === 'https:';
    try {
      const request = (secure ? httpsRequest : httpRequest)(
        {
          hostname: endpoint.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: endpoint.port === '' ? undefined : endpoint.port,
          path: `${endpoint.pathname}${endpoint.search}`,
          method: 'POST',
          // The host is the one a signature covers: URL.host, with the port when it is not the default.
          headers: { ...headers, host: endpoint.host, 'content-length': String(Buffer.byteLength(body)) },
          agent: secure ? httpsAgent : httpAgent,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => settle(() => reject(error)));
          response.on('end', () => {
            if (!response.complete) return settle(() => reject(Object.assign(new Error('the connection closed before the whole answer'), { code: 'ECONNRESET' })));
            const text = Buffer.concat(chunks).toString('utf8');
            settle(() =>
              resolve({
                status: response.statusCode ?? 0,
                retryAfter: single(response.headers, 'retry-after'),
                errorType: single(response.headers, 'x-amzn-errortype'),
                text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text,
              }),
            );
          });
        },
      );
      timer = setTimeout(() => {
        const error = new TransportTimeoutError(timeoutMs);
        settle(() => reject(error));
        request.destroy(error);
      }, timeoutMs);
      request.on('error', (error) => settle(() => reject(error)));
      request.end(body);
    } catch (error) {
      // Invalid header values and the like throw before anything is sent.
      settle(() => reject(error));
    }
  });
}

function single(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}
