/**
 * The local AppSync GraphQL endpoint, as a node:http request handler.
 *
 * Routes: `/apis/<apiId>/graphql` for every API, and `/graphql` when there is exactly one (LocalGraphqlApi.url says
 * which one clients were given). POST with a JSON body `{query, variables?, operationName?}`; GET with the same as
 * query parameters (queries only); OPTIONS answers CORS preflights as AppSync does.
 *
 * Order of checks, each answering as AppSync does (appsync-wire-facts.md): route → method → body size → auth (API
 * key, or SigV4 + principal) → body shape → parse → validate → operation → variables → IAM policy per top-level field
 * → execution (per-field @aws_* rules, direct Lambda resolvers, 30 s deadline).
 *
 * Choices where AppSync's behaviour is not known (each easy to change):
 * - auth is checked before the body's shape, because the signature covers the body: an empty or malformed body from
 *   an unauthenticated caller gets the 401/403, not the 400;
 * - the Content-Type is not checked: any body that parses as a JSON GraphQL request is served;
 * - a body over MAX_REQUEST_BODY_BYTES → 413 `PayloadTooLargeException`;
 * - invalid UTF-8 → 400 `Unable to parse GraphQL query.` (the body is not a GraphQL request);
 * - `variables` may be an object or a JSON string holding one; anything else → 400 `Unable to parse GraphQL query.`;
 * - a document or variables nested more than MAX_NESTING levels (limits.ts), or a document graphql-js cannot process
 *   without running out of stack → 200 with a GraphQL error saying so (never a 500);
 * - an unknown route → 404 `NotFoundException`; a method other than GET/POST/OPTIONS → 405;
 * - an x-api-key or SigV4 request to an API that does not enable that mode, or an Authorization header of a mode the
 *   local cloud does not emulate (Cognito, OIDC, Lambda authorizer) → 401 `You are not authorized to make this call.`;
 * - SigV4 is only taken from the Authorization header here (AppSync's HTTP endpoint takes no presigned URLs).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  accessLogLine,
  discardBody,
  firstValue,
  flattenHeaders,
  newRequestId,
  oneLine,
  parseQuery,
  readBody,
  safeLog,
  sendResponse,
  splitTarget,
} from '../http';
import type { PrincipalStore } from '../iam/principals';
import { authenticateRequest, authRequestOf, emulatedAuthenticators } from './auth';
import { dataSourceInvokeAuthorizer } from './data-source-role';
import { authErrorBody, requestErrorBody, requestLevelError } from './errors';
import { EXECUTION_TIMEOUT_MS, type InvokeLambda, type MutationListener, makeFieldResolver, type OperationInput, runOperation } from './execute';
import { documentNestingProblem, isStackOverflow, TOO_COMPLEX_MESSAGE, variablesNestingProblem } from './limits';
import type { LocalGraphqlApi } from './model';
import { graphqlRouter } from './routes';
import { type ApiRuntime, buildApiRuntime } from './schema';

/** Largest request body accepted (1 MiB). AppSync documents no HTTP body limit; 1 MB is the largest GraphQL operation EventBridge may send to AppSync. */
export const MAX_REQUEST_BODY_BYTES = 1_048_576;
export { DEFAULT_API_KEY_LIFETIME_SECONDS, MISSING_AUTH_MESSAGE, NOT_AUTHORIZED_MESSAGE, redactKey } from './auth';
export const EMPTY_BODY_MESSAGE = 'Request body is empty.';
export const UNPARSABLE_MESSAGE = 'Unable to parse GraphQL query.';

export interface AppSyncHandlerOptions {
  readonly apis: readonly LocalGraphqlApi[];
  readonly principals: PrincipalStore;
  readonly invokeLambda: InvokeLambda;
  /** One line per request, explaining the decision; never holds a secret. */
  readonly log: (line: string) => void;
  /** The server's clock (API key expiry, SigV4 skew). */
  readonly now?: () => Date;
  /** Execution deadline per request; AppSync's is 30 s. */
  readonly executionTimeoutMs?: number;
  readonly maxBodyBytes?: number;
  /** Hears each executed mutation's top-level fields (the seam for subscriptions). */
  readonly onMutation?: MutationListener;
}

export type AppSyncRequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly errorType?: string;
  readonly extraHeaders?: Record<string, string>;
}

/** The client went away before sending its whole request: there is nobody to answer. */
class ClientGone extends Error {}

export function createAppSyncRequestHandler(options: AppSyncHandlerOptions): AppSyncRequestHandler {
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.executionTimeoutMs ?? EXECUTION_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_REQUEST_BODY_BYTES;
  const runtimes = new Map<string, ApiRuntime>();
  for (const api of options.apis) runtimes.set(api.apiId, buildApiRuntime(api, makeFieldResolver));
  const route = graphqlRouter(runtimes);

  const authenticators = emulatedAuthenticators({ principals: options.principals, now });
  const authorizeInvoke = dataSourceInvokeAuthorizer(options.principals);

  return (req, res) => {
    const requestId = newRequestId();
    const started = Date.now();
    const log: string[] = [];
    const logRequest = (status: number | undefined) =>
      safeLog(
        options.log,
        accessLogLine({ service: 'appsync', requestId, method: req.method, url: req.url, detail: log.join(' '), status, elapsedMs: Date.now() - started }),
      );
    const finish = (reply: Reply) => {
      sendResponse(
        res,
        reply.status,
        {
          'content-type': 'application/json; charset=UTF-8',
          'x-amzn-RequestId': requestId,
          'access-control-allow-origin': '*',
          'access-control-expose-headers': 'x-amzn-RequestId,x-amzn-ErrorType,x-amz-user-agent,x-amzn-ErrorMessage,Date',
          ...(reply.errorType ? { 'x-amzn-ErrorType': reply.errorType } : {}),
          ...reply.extraHeaders,
        },
        reply.body,
      );
      logRequest(reply.status);
    };
    handle(req, log)
      .then(finish)
      .catch((error: unknown) => {
        if (error instanceof ClientGone) {
          log.push('the client closed the connection before sending its whole request');
          logRequest(undefined);
          return;
        }
        log.push(`internal error: ${oneLine((error as Error)?.message ?? String(error))}`);
        finish({
          status: 500,
          body: authErrorBody('InternalFailure', 'An internal error occurred in the local AppSync endpoint.'),
          errorType: 'InternalFailure',
        });
      });
  };

  async function handle(req: IncomingMessage, log: string[]): Promise<Reply> {
    const { path: rawPath, rawQuery } = splitTarget(req.url);
    const runtime = route(rawPath);
    if (!runtime) {
      log.push('no API at this path');
      discardBody(req);
      return {
        status: 404,
        body: requestErrorBody(`No GraphQL API is served at ${rawPath.slice(0, 200)}.`, 'NotFoundException'),
        errorType: 'NotFoundException',
      };
    }
    log.push(`api=${runtime.api.apiId}`);
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS') {
      discardBody(req);
      return {
        status: 200,
        body: '',
        extraHeaders: {
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': 'content-type, x-api-key, authorization, x-amz-date, x-amz-security-token, x-amz-content-sha256, x-amz-user-agent',
          'access-control-max-age': '86400',
        },
      };
    }
    if (method !== 'POST' && method !== 'GET') {
      discardBody(req);
      log.push(`method ${method} refused`);
      return {
        status: 405,
        body: requestErrorBody(`Method ${method.slice(0, 20)} is not allowed; use POST (or GET for queries).`, 'MethodNotAllowedException'),
        errorType: 'MethodNotAllowedException',
        extraHeaders: { allow: 'GET, POST, OPTIONS' },
      };
    }

    // The refusal is sent at once; the rest is drained (up to a point) so that the client reads it.
    const read = await readBody(req, { maxBytes: maxBodyBytes, maxDrainedBytes: maxBodyBytes * 8, refuseEarly: true });
    if (read.kind === 'aborted') throw new ClientGone();
    if (read.kind === 'too-large') {
      log.push(`body over ${maxBodyBytes} bytes`);
      return {
        status: 413,
        body: requestErrorBody(`Request body is too large: the local AppSync endpoint accepts at most ${maxBodyBytes} bytes.`, 'PayloadTooLargeException'),
        errorType: 'PayloadTooLargeException',
        extraHeaders: { connection: 'close' },
      };
    }
    const { body } = read;

    const authentication = await authenticateRequest(authenticators, authRequestOf(req, { path: rawPath, rawQuery }, body), runtime, log);
    if (!authentication.ok)
      return { status: authentication.status, body: authErrorBody(authentication.errorType, authentication.message), errorType: authentication.errorType };
    const { auth } = authentication;

    // The request itself.
    const parsed = method === 'GET' ? fromQueryString(rawQuery) : fromBody(body);
    if (typeof parsed === 'string') {
      log.push(parsed === EMPTY_BODY_MESSAGE ? 'empty body' : 'not a GraphQL request');
      return { status: 400, body: requestErrorBody(parsed, 'MalformedHttpRequestException'), errorType: 'MalformedHttpRequestException' };
    }
    const headers = flattenHeaders(req);
    // Bounds graphql-js's recursion (limits.ts): a request nested too deeply is the client's mistake, not a 500.
    const tooDeep = documentNestingProblem(parsed.query) ?? variablesNestingProblem(parsed.variables);
    if (tooDeep) {
      log.push('nested too deeply');
      return { status: 200, body: JSON.stringify({ data: null, errors: [requestLevelError(tooDeep.message, tooDeep.locations)] }) };
    }
    let outcome;
    try {
      outcome = await runOperation(runtime, { ...parsed, httpMethod: method, headers } satisfies OperationInput, auth, {
        invokeLambda: options.invokeLambda,
        authorizeInvoke,
        timeoutMs,
        onMutation: options.onMutation,
      });
    } catch (error) {
      // Nesting without brackets (a chain of thousands of fragments, each spreading the next) still recurses deeply.
      if (!isStackOverflow(error)) throw error;
      log.push('too complex (stack overflow)');
      return { status: 200, body: JSON.stringify({ data: null, errors: [requestLevelError(TOO_COMPLEX_MESSAGE, undefined)] }) };
    }
    if (outcome.operation) log.push(`op="${outcome.operation}"`);
    if (outcome.decisions.length > 0) log.push(`[${outcome.decisions.map(oneLine).join('; ')}]`);
    return { status: outcome.status, body: outcome.body, errorType: outcome.errorType };
  }
}

type ParsedRequest = Pick<OperationInput, 'query' | 'variables' | 'operationName'>;

function fromBody(body: Buffer): ParsedRequest | string {
  if (body.length === 0) return EMPTY_BODY_MESSAGE;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return UNPARSABLE_MESSAGE;
  }
  if (text.trim() === '') return EMPTY_BODY_MESSAGE;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return UNPARSABLE_MESSAGE;
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return UNPARSABLE_MESSAGE;
  const request = json as Record<string, unknown>;
  return shape(request.query, request.variables, request.operationName);
}

function fromQueryString(rawQuery: string): ParsedRequest | string {
  const params = parseQuery(rawQuery);
  const query = firstValue(params, 'query');
  if (query === undefined) return UNPARSABLE_MESSAGE;
  return shape(query, firstValue(params, 'variables'), firstValue(params, 'operationName'));
}

function shape(query: unknown, variables: unknown, operationName: unknown): ParsedRequest | string {
  if (typeof query !== 'string' || query.trim() === '') return UNPARSABLE_MESSAGE;
  let vars: unknown = variables;
  if (typeof vars === 'string') {
    if (vars.trim() === '') {
      vars = null;
    } else {
      try {
        vars = JSON.parse(vars);
      } catch {
        return UNPARSABLE_MESSAGE;
      }
    }
  }
  if (vars !== undefined && vars !== null && (typeof vars !== 'object' || Array.isArray(vars))) return UNPARSABLE_MESSAGE;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return UNPARSABLE_MESSAGE;
  return {
    query,
    variables: (vars as Record<string, unknown> | null | undefined) ?? null,
    operationName: operationName === '' ? null : ((operationName as string | null | undefined) ?? null),
  };
}
