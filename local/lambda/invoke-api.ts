/**
 * Lambda's Invoke API over HTTP, as the AWS CLI (`aws lambda invoke --endpoint-url …`) and SDK v3 speak it:
 * `POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=…]`.
 *
 * Error answers carry `x-amzn-ErrorType` and a `{"Type":"User"|"Service","Message":…}` body, which is how the SDKs
 * recognise them. Authentication (SigV4) and authorization are injected.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LambdaRuntime } from './runtime';
import { LambdaServiceError, MAX_SYNC_REQUEST_BYTES, type InvocationType, type LogType } from './types';

/** What the authenticator sees of a request: the raw path, decoded query values, lower-case headers, the body. */
export interface InvokeApiRequest {
  method: string;
  /** As sent, still URI-encoded (SigV4 canonicalises it itself). */
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body: Buffer;
}

export type AuthenticationResult =
  | { ok: true; principal: string }
  | { ok: false; status: number; body: string; headers?: Record<string, string> };

export interface InvokeApiOptions {
  runtime: Pick<LambdaRuntime, 'invoke' | 'targetArn'>;
  authenticate(request: InvokeApiRequest): Promise<AuthenticationResult>;
  authorize(principal: string, action: 'lambda:InvokeFunction', resource: string): boolean | Promise<boolean>;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 = any free port. @default 0 */
  port?: number;
  /** One line per request, and server-side failures. @default discard */
  log?: (line: string) => void;
}

export interface RunningInvokeApi {
  /** e.g. http://127.0.0.1:3001 (what `--endpoint-url` takes). */
  url: string;
  /** Stops listening and drops open connections; the runtime stays up (its owner closes it). */
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const SERVED = 'This local Lambda endpoint serves only Invoke: POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=$LATEST]';

/** A request body beyond this is not even drained: the connection is dropped. */
const MAX_DRAINED_BYTES = 64 * 1024 * 1024;

export async function startInvokeApi(options: InvokeApiOptions): Promise<RunningInvokeApi> {
  const host = options.host ?? '127.0.0.1';
  const handler = createInvokeApiHandler(options);
  const server = createServer(handler);
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => options.log?.(`lambda invoke api: ${error.message}`));
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The request handler alone, to mount on a server of one's own. */
export function createInvokeApiHandler(options: InvokeApiOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const log = options.log ?? (() => undefined);
  return (req, res) => {
    const started = Date.now();
    const requestId = randomUUID();
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    // The path only: a presigned URL's query holds the session token and the signature.
    res.on('finish', () => log(`${req.method} ${(req.url ?? '').split('?')[0]} ${res.statusCode} ${Date.now() - started}ms`));
    handle(options, req, res, requestId).catch((error: Error) => {
      log(`lambda invoke api: ${error.stack ?? error.message}`);
      if (!res.headersSent) sendError(res, requestId, new LambdaServiceError(500, 'ServiceException', 'The local Lambda service failed to process the request.'));
      else res.destroy();
    });
  };
}

async function handle(options: InvokeApiOptions, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const rawUrl = req.url ?? '/';
  const queryStart = rawUrl.indexOf('?');
  const rawPath = queryStart >= 0 ? rawUrl.slice(0, queryStart) : rawUrl;
  const rawQuery = queryStart >= 0 ? rawUrl.slice(queryStart + 1) : '';
  const method = req.method ?? 'GET';
  const match = INVOKE_PATH.exec(rawPath);

  if (!match || method !== 'POST') {
    await readBody(req, 0);
    sendError(res, requestId, new LambdaServiceError(404, 'UnknownOperationException', `Unknown operation ${method} ${rawPath}. ${SERVED}`));
    return;
  }

  const body = await readBody(req, MAX_SYNC_REQUEST_BYTES);
  if (body === 'dropped') {
    req.destroy();
    return;
  }
  if (body === 'too-large') {
    sendError(res, requestId, new LambdaServiceError(413, 'RequestEntityTooLargeException', `Request must be smaller than ${MAX_SYNC_REQUEST_BYTES} bytes for the InvokeFunction operation`));
    return;
  }

  const query = parseQuery(rawQuery);
  const headers = flattenHeaders(req);
  const authentication = await options.authenticate({ method, path: rawPath, query, headers, body });
  if (!authentication.ok) {
    send(res, authentication.status, { 'x-amzn-RequestId': requestId, ...authentication.headers }, authentication.body);
    return;
  }

  let functionName: string;
  try {
    functionName = decodeURIComponent(match[1]);
  } catch {
    sendError(res, requestId, new LambdaServiceError(400, 'ValidationException', `The function name in the path is not validly URL-encoded: ${match[1]}`));
    return;
  }
  const qualifierValue = query.Qualifier;
  if (Array.isArray(qualifierValue)) {
    sendError(res, requestId, new LambdaServiceError(400, 'ValidationException', 'Qualifier may be given only once.'));
    return;
  }
  const qualifier = qualifierValue === undefined || qualifierValue === '' ? undefined : qualifierValue;

  // Authorization comes before the lookup, as on AWS: an unknown function is only revealed to those allowed to call it.
  const resource = options.runtime.targetArn(functionName, qualifier);
  if (resource !== undefined && !(await options.authorize(authentication.principal, 'lambda:InvokeFunction', resource))) {
    sendError(
      res,
      requestId,
      new LambdaServiceError(
        403,
        'AccessDeniedException',
        `User: ${authentication.principal} is not authorized to perform: lambda:InvokeFunction on resource: ${resource} because no identity-based policy allows the lambda:InvokeFunction action`,
      ),
    );
    return;
  }

  try {
    const result = await options.runtime.invoke(functionName, body, {
      invocationType: (headers['x-amz-invocation-type'] ?? 'RequestResponse') as InvocationType,
      logType: (headers['x-amz-log-type'] ?? 'None') as LogType,
      clientContext: headers['x-amz-client-context'],
      qualifier,
    });
    const responseHeaders: Record<string, string> = { 'x-amzn-RequestId': result.requestId };
    if (result.statusCode === 200) {
      responseHeaders['Content-Type'] = 'application/json';
      responseHeaders['X-Amz-Executed-Version'] = result.executedVersion;
      if (result.functionError) responseHeaders['X-Amz-Function-Error'] = result.functionError;
      if (result.logResult !== undefined) responseHeaders['X-Amz-Log-Result'] = result.logResult;
      send(res, 200, responseHeaders, result.payload);
    } else {
      send(res, result.statusCode, responseHeaders);
    }
  } catch (error) {
    if (error instanceof LambdaServiceError) sendError(res, requestId, error);
    else throw error;
  }
}

/**
 * Reads the body up to `limit` bytes. Past it the rest is read and discarded (so that the client, still sending,
 * gets the 413 rather than a reset connection), up to MAX_DRAINED_BYTES, past which the connection is dropped.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'dropped'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (value: Buffer | 'too-large' | 'dropped') => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DRAINED_BYTES) {
        req.pause();
        settle('dropped');
      } else if (size <= limit) {
        chunks.push(chunk);
      } else {
        chunks.length = 0;
      }
    });
    req.on('end', () => settle(size > limit ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', () => settle('dropped'));
    req.on('close', () => settle(!req.complete ? 'dropped' : size > limit ? 'too-large' : Buffer.concat(chunks)));
  });
}

function parseQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    const existing = query[name];
    if (existing === undefined) query[name] = value;
    else query[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function sendError(res: ServerResponse, requestId: string, error: LambdaServiceError): void {
  send(
    res,
    error.statusCode,
    { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': error.errorType },
    JSON.stringify({ Type: error.faultType, Message: error.message }),
  );
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: string | Buffer): void {
  if (res.headersSent || res.destroyed) return;
  const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'Content-Length': String(payload?.length ?? 0) });
  res.end(payload);
}
