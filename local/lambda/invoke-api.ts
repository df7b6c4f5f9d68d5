/**
 * Lambda's Invoke API over HTTP, as the AWS CLI (`aws lambda invoke --endpoint-url …`) and SDK v3 speak it:
 * `POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=…]`.
 *
 * Error answers carry `x-amzn-ErrorType` and a `{"Type":"User"|"Service","Message":…}` body, which is how the SDKs
 * recognise them. Authentication (SigV4) and authorization are injected.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  accessLogLine,
  discardBody,
  flattenHeaders,
  listen,
  newRequestId,
  parseQuery,
  type QueryParameters,
  readBody,
  safeLog,
  sendResponse,
  splitTarget,
} from '../http';
import {
  AccessDeniedError,
  type AuthenticationRefusal,
  InternalServiceError,
  InvalidPathEncodingError,
  LambdaServiceError,
  RepeatedQualifierError,
  RequestTooLargeError,
  UnknownOperationError,
} from './errors';
import { answerFunctionsApi, type FunctionsApiContext, type FunctionsApiRoute, functionsApiRoute } from './functions-api';
import type { LambdaRuntime } from './runtime';
import { type InvocationType, type LambdaAction, type LogType, MAX_SYNC_REQUEST_BYTES } from './types';

/** What the authenticator sees of a request: the raw path, decoded query values, lower-case headers, the body. */
export interface InvokeApiRequest {
  method: string;
  /** As sent, still URI-encoded (SigV4 canonicalises it itself). */
  path: string;
  /** As sent, for SigV4. */
  rawQuery: string;
  query: QueryParameters;
  headers: Record<string, string>;
  body: Buffer;
}

/** A refusal is answered as is (errors.ts has Lambda's: missingAuthenticationToken(), unrecognizedClient(), …). */
export type AuthenticationResult = { ok: true; principal: string } | AuthenticationRefusal;

/** What the authorizer may need of the request besides who, what and which: the facts IAM's global condition keys come from. */
export interface InvokeRequestFacts {
  /** The caller's address as the socket saw it (`aws:SourceIp`). */
  readonly sourceIp: string;
  readonly userAgent?: string;
  readonly referer?: string;
}

/** A refusal may say why, as the end of Lambda's AccessDeniedException message (AccessDeniedError's `context`). */
export type InvokeAuthorization = boolean | { readonly allowed: boolean; readonly context?: string };

export interface InvokeApiOptions {
  runtime: Pick<LambdaRuntime, 'invoke' | 'targetArn'>;
  authenticate(request: InvokeApiRequest): Promise<AuthenticationResult>;
  authorize(principal: string, action: LambdaAction, resource: string, facts: InvokeRequestFacts): InvokeAuthorization | Promise<InvokeAuthorization>;
  /** ListFunctions, GetFunction and GetFunctionConfiguration (functions-api.ts); without it, only Invoke is served. */
  functions?: Pick<FunctionsApiContext, 'runtime' | 'deployedAt'>;
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

/** A request body beyond this is not even drained: the connection is dropped. */
const MAX_DRAINED_BYTES = 64 * 1024 * 1024;

export async function startInvokeApi(options: InvokeApiOptions): Promise<RunningInvokeApi> {
  const listener = await listen(createInvokeApiHandler(options), {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    onError: (error) => options.log?.(`lambda invoke api: ${error.message}`),
  });
  return { url: listener.url, close: () => listener.close() };
}

/** The request handler alone, to mount on a server of one's own. */
export function createInvokeApiHandler(options: InvokeApiOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const log = options.log ?? (() => undefined);
  return (req, res) => {
    const started = Date.now();
    const requestId = newRequestId();
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    res.on('close', () =>
      safeLog(
        log,
        accessLogLine({
          service: 'lambda',
          requestId,
          method: req.method,
          url: req.url,
          status: res.writableFinished ? res.statusCode : undefined,
          elapsedMs: Date.now() - started,
        }),
      ),
    );
    handle(options, req, res, requestId).catch((error: Error) => {
      log(`lambda invoke api: ${error.stack ?? error.message}`);
      if (!res.headersSent) sendError(res, requestId, new InternalServiceError());
      else res.destroy();
    });
  };
}

async function handle(options: InvokeApiOptions, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const { path: rawPath, rawQuery } = splitTarget(req.url);
  const method = req.method ?? 'GET';
  const match = INVOKE_PATH.exec(rawPath);
  const functionsRoute = options.functions ? functionsApiRoute(method, rawPath) : undefined;
  if (functionsRoute) return handleFunctionsApi(options, functionsRoute, req, res, requestId);

  if (!match || method !== 'POST') {
    discardBody(req);
    sendError(res, requestId, new UnknownOperationError(method, rawPath));
    return;
  }

  const read = await readBody(req, { maxBytes: MAX_SYNC_REQUEST_BYTES, maxDrainedBytes: MAX_DRAINED_BYTES });
  if (read.kind === 'aborted') {
    req.destroy();
    return;
  }
  if (read.kind === 'too-large') {
    sendError(res, requestId, new RequestTooLargeError('RequestResponse'));
    return;
  }
  const { body } = read;

  const query = parseQuery(rawQuery);
  const headers = flattenHeaders(req);
  const authentication = await options.authenticate({ method, path: rawPath, rawQuery, query, headers, body });
  if (!authentication.ok) {
    sendResponse(res, authentication.status, { 'x-amzn-RequestId': requestId, ...authentication.headers }, authentication.body);
    return;
  }

  let functionName: string;
  try {
    functionName = decodeURIComponent(match[1]);
  } catch {
    sendError(res, requestId, new InvalidPathEncodingError(match[1]));
    return;
  }
  const qualifierValue = query.Qualifier;
  if (qualifierValue !== undefined && typeof qualifierValue !== 'string') {
    sendError(res, requestId, new RepeatedQualifierError());
    return;
  }
  const qualifier = qualifierValue === undefined || qualifierValue === '' ? undefined : qualifierValue;

  // Authorization comes before the lookup, as on AWS: an unknown function is only revealed to those allowed to call it.
  const resource = options.runtime.targetArn(functionName, qualifier);
  if (resource !== undefined) {
    const verdict = await options.authorize(authentication.principal, 'lambda:InvokeFunction', resource, requestFactsOf(req, headers));
    const allowed = typeof verdict === 'boolean' ? verdict : verdict.allowed;
    if (!allowed) {
      const context = typeof verdict === 'boolean' ? undefined : verdict.context;
      sendError(res, requestId, new AccessDeniedError(authentication.principal, 'lambda:InvokeFunction', resource, context));
      return;
    }
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
      sendResponse(res, 200, responseHeaders, result.payload);
    } else {
      sendResponse(res, result.statusCode, responseHeaders);
    }
  } catch (error) {
    if (error instanceof LambdaServiceError) sendError(res, requestId, error);
    else throw error;
  }
}

/** ListFunctions, GetFunction(Configuration): authenticated as Invoke is, then answered by functions-api.ts. */
async function handleFunctionsApi(
  options: InvokeApiOptions,
  route: FunctionsApiRoute,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const { path: rawPath, rawQuery } = splitTarget(req.url);
  const read = await readBody(req, { maxBytes: MAX_SYNC_REQUEST_BYTES, maxDrainedBytes: MAX_DRAINED_BYTES });
  if (read.kind !== 'complete') {
    req.destroy();
    return;
  }
  const request: InvokeApiRequest = { method: 'GET', path: rawPath, rawQuery, query: parseQuery(rawQuery), headers: flattenHeaders(req), body: read.body };
  const authentication = await options.authenticate(request);
  if (!authentication.ok) {
    sendResponse(res, authentication.status, { 'x-amzn-RequestId': requestId, ...authentication.headers }, authentication.body);
    return;
  }
  try {
    const facts = requestFactsOf(req, request.headers);
    const answer = await answerFunctionsApi(route, request, {
      ...options.functions!,
      principal: authentication.principal,
      authorize: (principal, action, resource) => options.authorize(principal, action, resource, facts),
    });
    sendResponse(res, 200, { 'content-type': 'application/json', 'x-amzn-RequestId': requestId }, JSON.stringify(answer));
  } catch (error) {
    if (error instanceof LambdaServiceError) sendError(res, requestId, error);
    else throw error;
  }
}

/** The facts of a Lambda API request that IAM's global condition keys come from. */
function requestFactsOf(req: IncomingMessage, headers: Record<string, string>): InvokeRequestFacts {
  return {
    sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    ...(headers['user-agent'] !== undefined ? { userAgent: headers['user-agent'] } : {}),
    ...(headers.referer !== undefined ? { referer: headers.referer } : {}),
  };
}

function sendError(res: ServerResponse, requestId: string, error: LambdaServiceError): void {
  sendResponse(
    res,
    error.statusCode,
    { 'content-type': 'application/json', 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': error.errorType },
    JSON.stringify({ Type: error.faultType, Message: error.message }),
  );
}
