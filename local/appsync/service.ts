import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ConsoleRequestHandler, isConsolePath } from '../console/handler';
import { listen } from '../http';
import type { LocalService } from '../service';
import { type AppSyncHandlerOptions, createAppSyncRequestHandler } from './handler';

/** The local AppSync endpoint: listening from the start (so its URL is known when the templates are resolved), serving once told what. */
export interface AppSyncService extends LocalService {
  /** Serves these APIs from now on; until then every request gets a 503 that says the local cloud is starting. */
  serve(options: AppSyncHandlerOptions): void;
  /** Serves the local console (local/console) at `/` and `/console/` from now on, next to the APIs. */
  serveConsole(handler: ConsoleRequestHandler): void;
}

export async function startAppSyncService(options: {
  readonly host: string;
  readonly port: number;
  readonly log: (line: string) => void;
}): Promise<AppSyncService> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = notReady;
  let consoleHandler: ConsoleRequestHandler | undefined;
  const listener = await listen((req, res) => (consoleHandler && isConsolePath(req.url) ? consoleHandler(req, res) : handler(req, res)), {
    host: options.host,
    port: options.port,
    onError: (error) => options.log(`appsync: ${error.message}`),
  });
  let closed: Promise<void> | undefined;
  return {
    endpoint: listener.url,
    // AppSync's data plane has no AWS_ENDPOINT_URL_* (clients are given the API's URL itself, from the outputs).
    environment: {},
    serve(handlerOptions) {
      handler = createAppSyncRequestHandler(handlerOptions);
    },
    serveConsole(consoleRequestHandler) {
      consoleHandler = consoleRequestHandler;
    },
    close: () => (closed ??= listener.close()),
  };
}

function notReady(_req: IncomingMessage, res: ServerResponse): void {
  res
    .writeHead(503, { 'content-type': 'application/json' })
    .end(JSON.stringify({ errors: [{ message: 'The local cloud is starting; try again in a moment.' }] }));
}
