import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ConsoleRequestHandler, isConsolePath } from '../console/handler';
import { listen } from '../http';
import { acceptTlsOnSamePort, type TlsCredentials } from '../http/same-port-tls';
import type { LocalService } from '../service';
import { type AppSyncHandlerOptions, createAppSyncRequestHandler } from './handler';
import { createRealtimeEndpoint, type RealtimeEndpoint, type RealtimeState } from './realtime';

/** The local AppSync endpoint: listening from the start (so its URL is known when the templates are resolved), serving once told what. */
export interface AppSyncService extends LocalService {
  /** Serves these APIs from now on; until then every request gets a 503 that says the local cloud is starting. */
  serve(options: AppSyncHandlerOptions): void;
  /** Serves the local console (local/console) at `/` and `/console/` from now on, next to the APIs. */
  serveConsole(handler: ConsoleRequestHandler): void;
  /** What the real-time endpoint holds (connections, subscriptions). */
  realtimeState(): RealtimeState;
}

export async function startAppSyncService(options: {
  readonly host: string;
  readonly port: number;
  readonly log: (line: string) => void;
  /** Also serve TLS (https://, wss://) on the same port, with this certificate (once made): Amplify dials wss:// for any URL. */
  readonly tls?: TlsCredentials | Promise<TlsCredentials>;
}): Promise<AppSyncService> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = notReady;
  let consoleHandler: ConsoleRequestHandler | undefined;
  const listener = await listen((req, res) => (consoleHandler && isConsolePath(req.url) ? consoleHandler(req, res) : handler(req, res)), {
    host: options.host,
    port: options.port,
    onError: (error) => options.log(`appsync: ${error.message}`),
  });
  if (options.tls) acceptTlsOnSamePort(listener.server, options.tls);
  // The real-time (WebSocket) endpoint shares the port: AppSync's clients derive its URL from the GraphQL URL.
  let realtime: RealtimeEndpoint | undefined;
  listener.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (realtime) realtime.handleUpgrade(req, socket, head);
    else socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  let closed: Promise<void> | undefined;
  return {
    endpoint: listener.url,
    // AppSync's data plane has no AWS_ENDPOINT_URL_* (clients are given the API's URL itself, from the outputs).
    environment: {},
    serve(handlerOptions) {
      const previous = realtime;
      const endpoint = createRealtimeEndpoint(handlerOptions);
      realtime = endpoint;
      void previous?.close();
      const onMutation = handlerOptions.onMutation;
      handler = createAppSyncRequestHandler({
        ...handlerOptions,
        onMutation: (event) => {
          onMutation?.(event);
          endpoint.publish(event);
        },
      });
    },
    serveConsole(consoleRequestHandler) {
      consoleHandler = consoleRequestHandler;
    },
    realtimeState: () => realtime?.state() ?? { connections: 0, subscriptions: 0 },
    // WebSocket connections first: the HTTP server's close waits for every socket it accepted.
    close: () => (closed ??= (realtime?.close() ?? Promise.resolve()).then(() => listener.close())),
  };
}

function notReady(_req: IncomingMessage, res: ServerResponse): void {
  res
    .writeHead(503, { 'content-type': 'application/json' })
    .end(JSON.stringify({ errors: [{ message: 'The local cloud is starting; try again in a moment.' }] }));
}
