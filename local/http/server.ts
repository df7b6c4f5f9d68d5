import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening loopback HTTP server of the local cloud. */
export interface HttpListener {
  /** e.g. http://127.0.0.1:3001 (IPv6 hosts in brackets). */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** A local service's HTTP server could not do what it was asked. */
export class HttpServerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HttpServerError';
  }
}

/** The port is taken (another program, or another local cloud): the user picks another. */
export class PortInUseError extends HttpServerError {
  constructor(
    readonly host: string,
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super(`Port ${port} on ${host} is in use: stop what uses it, or pick another port (0 = any free port)`, options);
    this.name = 'PortInUseError';
  }
}

/**
 * Listens on `host:port` (0 = any free port). A malformed request gets a bare 400 instead of a reset; server errors
 * after start go to `onError`.
 */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: { readonly host: string; readonly port: number; readonly onError?: (error: Error) => void },
): Promise<HttpListener> {
  return adopt(createServer(handler), options);
}

/**
 * How long an idle keep-alive connection stays open. Longer than the idle timeouts of the clients that reach the local
 * cloud (undici's fetch: 4 s; the callers' agent: 4 s or the server's hint), so that the client is the one to close: a
 * server closing first races a client that reuses the socket at that moment, and its request is reset (ECONNRESET),
 * which a busy machine makes likely with Node's default of 5 s.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Listens with a server made elsewhere (dynalite makes its own). */
export async function adopt(
  server: Server,
  options: { readonly host: string; readonly port: number; readonly onError?: (error: Error) => void },
): Promise<HttpListener> {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Node's advice: headersTimeout above keepAliveTimeout, so that an idle socket is not cut as a slow request.
  server.headersTimeout = Math.max(server.headersTimeout, KEEP_ALIVE_TIMEOUT_MS + 1_000);
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (socket.writable) socket.end(`HTTP/1.1 ${clientErrorStatus(error)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.host, options.port, { cause: error }) : error);
    server.once('error', fail);
    server.listen(options.port, options.host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  server.on('error', (error) => options.onError?.(error));
  const { port } = server.address() as AddressInfo;
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { url: `http://${urlHost}:${port}`, port, server, close: () => closeServer(server) };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** What Node.js itself answers to a request it cannot parse: 431 for headers too large, 408 for a timeout, else 400. */
function clientErrorStatus(error: NodeJS.ErrnoException): string {
  if (error.code === 'HPE_HEADER_OVERFLOW') return '431 Request Header Fields Too Large';
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return '408 Request Timeout';
  return '400 Bad Request';
}
