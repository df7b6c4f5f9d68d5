/**
 * One POST over `node:http` / `node:https` with a keep-alive agent per protocol, bounded by a time limit that covers
 * the whole exchange (connecting, sending, the headers and the body).
 *
 * Why not Node's built-in fetch (undici): measured with `npm run bench` on the functions' Node.js 24 (bench/README.md),
 * fetch costs a cold start ~15–20 ms more (undici is loaded and compiled on its first use) and each warm request a
 * little more than node:http, for the same bytes on the wire. `node:https` with a keep-alive agent is also what the AWS
 * SDK v3 uses in Node.js (`@smithy/node-http-handler`: `new https.Agent({ keepAlive: true, maxSockets: 50 })`). Like
 * fetch, it adds no dependency to the bundle.
 *
 * Network failures reject with Node's own error, whose `code` is the system error code (ECONNREFUSED, ECONNRESET…).
 * No redirect is followed: AppSync does not redirect, and a signed request or an API key is never sent anywhere else.
 */
import type * as Http from 'node:http';
import type * as Https from 'node:https';

/**
 * The modules themselves, not an ES module import of them: on Node.js 24 `import … from 'node:http'` builds the ES
 * module facade of node:http, which reads every export, its lazy WebSocket/EventSource getters included, and so loads
 * and compiles undici, the very cost of fetch this transport avoids (a cold-start CPU profile shows it; Node.js 20 does
 * not do it). process.getBuiltinModule (Node.js 20.16, 22.3) hands over the CommonJS exports; require where it is
 * older (CommonJS, or the ESM bundles, whose banner defines require: lib/todo-function.ts).
 */
const http: typeof Http = process.getBuiltinModule?.('node:http') ?? require('node:http');
/**
 * node:https only when an endpoint is https: it loads node:tls, ~4 ms of a cold start's CPU on Node.js 24 (a cold-start
 * profile of the API-key caller on the local cloud's http endpoint). A deployed caller (an https endpoint) loads it on
 * its first request instead of at import: the same cost, one step later.
 */
let httpsModule: typeof Https | undefined;
function https(): typeof Https {
  httpsModule ??= process.getBuiltinModule?.('node:https') ?? require('node:https');
  return httpsModule as typeof Https;
}

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

/** The connection closed before the whole answer arrived (the server or the network cut it). */
export class TruncatedAnswerError extends Error {
  /** As Node names a connection reset, so the client treats it like one (retryable, may have been applied). */
  readonly code = 'ECONNRESET';
  constructor(options?: ErrorOptions) {
    super('the connection closed before the answer was complete', options);
    this.name = 'TruncatedAnswerError';
  }
}

/** The AWS SDK v3's default in Node.js (@smithy/node-http-handler). */
const MAX_SOCKETS = 50;
/**
 * How long an idle connection is kept: undici's default keepAliveTimeout (4 s), so the move from fetch keeps what it
 * did. A server's shorter `Keep-Alive: timeout=N` hint wins (Node's Agent then keeps it N - 1 s), so a connection is
 * dropped here before the server drops it, rather than a request being sent down a socket the server just closed.
 */
const IDLE_SOCKET_MS = 4_000;

let httpAgent: Http.Agent | undefined;
let httpsAgent: Https.Agent | undefined;

/**
 * The keep-alive agent of the endpoint's protocol, one per container: a warm invocation reuses the connection the
 * previous one opened. Node closes an idle socket before the server's `Keep-Alive: timeout=` hint runs out.
 */
function agentFor(endpoint: URL): Http.Agent {
  if (endpoint.protocol === 'https:') {
    httpsAgent ??= new (https().Agent)({ keepAlive: true, maxSockets: MAX_SOCKETS, timeout: IDLE_SOCKET_MS });
    return httpsAgent;
  }
  httpAgent ??= new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, timeout: IDLE_SOCKET_MS });
  return httpAgent;
}

/**
 * POSTs `body` to `endpoint` with `headers`, plus `host` (the URL's host, the value a signature covers) and
 * `content-length`. Resolves with the answer, whatever its status; rejects with TransportTimeoutError past
 * `timeoutMs`, with TruncatedAnswerError when the answer is cut off, or with Node's error (its `code` the system error
 * code) on a network failure.
 */
export function postText(endpoint: URL, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number): Promise<HttpAnswer> {
  const send = endpoint.protocol === 'https:' ? https().request : http.request;
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const fail = (error: Error) => finish(() => reject(error));

    // Options, not the URL itself: Node would convert the URL into the same options on every request
    // (urlToHttpOptions), about a tenth of a warm IAM invocation's instructions with the header copy and body buffer
    // this function no longer makes (valgrind --tool=callgrind on Node.js 24, 775–792 k → 707–717 k an invocation).
    const request = send(
      {
        protocol: endpoint.protocol,
        // An IPv6 literal without its brackets, as Node's own conversion gives it.
        hostname: endpoint.hostname.startsWith('[') ? endpoint.hostname.slice(1, -1) : endpoint.hostname,
        ...(endpoint.port === '' ? {} : { port: Number(endpoint.port) }),
        path: `${endpoint.pathname}${endpoint.search}`,
        method: 'POST',
        agent: agentFor(endpoint),
        headers: withHost(headers, endpoint.host, Buffer.byteLength(body, 'utf8')),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => fail(new TruncatedAnswerError({ cause: error })));
        response.on('end', () =>
          finish(() =>
            resolve({
              status: response.statusCode ?? 0,
              retryAfter: headerValue(response.headers['retry-after']),
              errorType: headerValue(response.headers['x-amzn-errortype']),
              // Decoded once at the end, so a character split across two chunks stays whole.
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          ),
        );
        response.on('close', () => {
          if (!response.complete) fail(new TruncatedAnswerError());
        });
      },
    );
    // Covers the whole exchange: a server that stalls before the headers or mid-body is cut off alike.
    const timer = setTimeout(() => {
      const timeout = new TransportTimeoutError(timeoutMs);
      fail(timeout);
      request.destroy(timeout);
    }, timeoutMs);
    request.on('error', fail);
    request.end(body, 'utf8');
  });
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The headers sent: the caller's, but always the endpoint's own host (the one that was signed) and the body's length. */
function withHost(headers: Readonly<Record<string, string>>, host: string, contentLength: number): Record<string, string> {
  const sent: Record<string, string> = {};
  for (const name in headers) if (name.toLowerCase() !== 'host') sent[name] = headers[name];
  sent.host = host;
  sent['content-length'] = String(contentLength);
  return sent;
}
