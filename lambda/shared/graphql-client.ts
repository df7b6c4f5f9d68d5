/**
 * A small AppSync GraphQL client over Node's built-in fetch: API key or IAM (SigV4) auth, a timeout per request, an overall
 * deadline, and retries with capped exponential backoff and full jitter.
 *
 * Failures are thrown as the typed errors of ./graphql-errors; success resolves to `{ data, attempts }`.
 *
 * `createGraphqlClient` serves both auth modes; `createApiKeyGraphqlClient` serves the API key only and never
 * references the SigV4 signer, so a bundle built from it (lambda/callers/*.api-key.ts) leaves ./iam-auth and ./sigv4
 * out entirely.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { AuthMode } from './auth-mode';
import {
  ApiTimeoutError,
  ApiUnreachableError,
  type AttemptSummary,
  CredentialsUnavailableError,
  type GraphqlClientError,
  type GraphqlErrorEntry,
  GraphqlHttpError,
  GraphqlResponseError,
  type TimeoutCause,
  UnexpectedResponseError,
} from './graphql-errors';
import { postText, TransportTimeoutError } from './http-transport';
import { iamAuthorizer } from './iam-auth';
import type { GraphqlOperation, JsonValue } from './operations';
import { sanitizeServerText } from './redact';
import { backoffDelayMs, isRetryableStatus, parseRetryAfterMs, type RetryPolicy, resolveRetryPolicy } from './retry';

export { defaultCredentialsProvider } from './iam-auth';

export type ClientAuth =
  | { readonly mode: Extract<AuthMode, 'API_KEY'>; readonly apiKey: string }
  | {
      readonly mode: Extract<AuthMode, 'AWS_IAM'>;
      readonly region: string;
      /**
       * Defaults to defaultCredentialsProvider(): the role's credentials from the environment inside Lambda, the Node
       * provider chain elsewhere; created once per container.
       */
      readonly credentials?: AwsCredentialIdentityProvider | AwsCredentialIdentity;
    };

export interface GraphqlClientConfig {
  /** The https URL of the API's /graphql endpoint. */
  readonly endpoint: string;
  readonly auth: ClientAuth;
  /** Limit of one HTTP attempt, reading the body included. */
  readonly requestTimeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** A retry is not started when less than this would be left before the deadline: it could not finish anyway. */
  readonly minAttemptMs?: number;
  /** Source of jitter, in [0, 1). */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RequestOptions {
  /**
   * The mutation may safely run twice (e.g. a create with a client-chosen id), so it may be retried like a query.
   * Queries are always retried.
   */
  readonly idempotent?: boolean;
  /** Epoch milliseconds (Date.now() clock) by which the call must be over, retries and waits included. */
  readonly deadline?: number;
}

export interface GraphqlSuccess<TData> {
  readonly data: TData;
  readonly attempts: number;
}

export interface GraphqlClient {
  readonly authMode: AuthMode;
  request<TData, TVariables>(operation: GraphqlOperation<TData, TVariables>, variables: TVariables, options?: RequestOptions): Promise<GraphqlSuccess<TData>>;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_MIN_ATTEMPT_MS = 200;

/** A client for either auth mode. */
export function createGraphqlClient(config: GraphqlClientConfig): GraphqlClient {
  const endpoint = new URL(config.endpoint);
  const { auth } = config;
  return createClient(config, endpoint, auth.mode === 'API_KEY' ? apiKeyAuthorizer(auth.apiKey) : iamAuthorizer(auth, endpoint));
}

/** A client for the API key only: nothing of the SigV4 signer is referenced from here. */
export function createApiKeyGraphqlClient(config: Omit<GraphqlClientConfig, 'auth'> & { readonly apiKey: string }): GraphqlClient {
  return createClient({ ...config, auth: { mode: 'API_KEY', apiKey: config.apiKey } }, new URL(config.endpoint), apiKeyAuthorizer(config.apiKey));
}

function createClient(config: GraphqlClientConfig, endpoint: URL, authorize: Authorizer): GraphqlClient {
  const policy = resolveRetryPolicy(config.retry);
  const requestTimeoutMs = config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const minAttemptMs = config.minAttemptMs ?? DEFAULT_MIN_ATTEMPT_MS;
  const random = config.random ?? Math.random;
  const sleep = config.sleep ?? sleepFor;

  async function request<TData, TVariables>(
    operation: GraphqlOperation<TData, TVariables>,
    variables: TVariables,
    options: RequestOptions = {},
  ): Promise<GraphqlSuccess<TData>> {
    const body = JSON.stringify({ query: operation.query, operationName: operation.operationName, variables });
    const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
    const mayRetry = operation.operationType === 'query' || options.idempotent === true;
    let earlierAttemptMayHaveApplied = false;

    for (let attempt = 1; ; attempt += 1) {
      const remainingMs = deadline - Date.now();
      const summary: AttemptSummary = { operationName: operation.operationName, attempts: attempt, earlierAttemptMayHaveApplied };
      if (remainingMs <= 0) {
        throw new ApiTimeoutError('deadline', 0, { ...summary, attempts: attempt - 1 });
      }
      const timeoutMs = Math.min(requestTimeoutMs, remainingMs);
      const timeoutCause: TimeoutCause = timeoutMs < requestTimeoutMs ? 'deadline' : 'request-timeout';
      const outcome = await sendAttempt(endpoint, authorize, body, timeoutMs, timeoutCause);
      if (outcome.kind === 'success') {
        // The schema, not this code, guarantees the shape of `data` for the operation's selection set.
        return { data: outcome.data as TData, attempts: attempt };
      }
      const error = toClientError(outcome, summary);
      if (!mayRetry || !isRetryable(outcome) || attempt >= policy.maxAttempts) {
        throw error;
      }
      const delayMs = backoffDelayMs(attempt - 1, policy, random, outcome.kind === 'http' ? outcome.retryAfterMs : undefined);
      if (Date.now() + delayMs + minAttemptMs > deadline) {
        throw error;
      }
      earlierAttemptMayHaveApplied ||= mayHaveApplied(outcome);
      await sleep(delayMs);
    }
  }

  return { authMode: config.auth.mode, request };
}

type AttemptOutcome =
  | { readonly kind: 'success'; readonly data: unknown }
  | { readonly kind: 'graphql-errors'; readonly errors: readonly GraphqlErrorEntry[]; readonly data: JsonValue | undefined }
  | {
      readonly kind: 'http';
      readonly status: number;
      readonly errorType: string | undefined;
      readonly apiMessage: string | undefined;
      readonly retryAfterMs: number | undefined;
    }
  | { readonly kind: 'unexpected'; readonly status: number; readonly detail: string }
  | { readonly kind: 'network'; readonly code: string | undefined; readonly cause: unknown }
  | { readonly kind: 'timeout'; readonly timeoutMs: number; readonly timeoutCause: TimeoutCause }
  | { readonly kind: 'credentials'; readonly cause: unknown };

export interface Authorization {
  readonly headers: Readonly<Record<string, string>>;
  /** Values that must never reach a message or a log line. */
  readonly secrets: ReadonlyArray<string | undefined>;
}

/** The headers that authorize one attempt with this body. */
export type Authorizer = (body: string) => Promise<Authorization>;

function apiKeyAuthorizer(apiKey: string): Authorizer {
  const authorization: Authorization = {
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    secrets: [apiKey],
  };
  return async () => authorization;
}

async function sendAttempt(endpoint: URL, authorize: Authorizer, body: string, timeoutMs: number, timeoutCause: TimeoutCause): Promise<AttemptOutcome> {
  let authorization: Authorization;
  try {
    authorization = await authorize(body);
  } catch (cause) {
    return { kind: 'credentials', cause };
  }
  try {
    const answer = await postText(endpoint, authorization.headers, body, timeoutMs);
    return interpretResponse(answer.status, { retryAfter: answer.retryAfter, errorType: answer.errorType }, answer.text, authorization.secrets);
  } catch (cause) {
    if (cause instanceof TransportTimeoutError) {
      return { kind: 'timeout', timeoutMs, timeoutCause };
    }
    return { kind: 'network', code: networkErrorCode(cause), cause };
  }
}

interface ResponseHeaders {
  readonly retryAfter: string | null;
  readonly errorType: string | null;
}

function interpretResponse(status: number, headers: ResponseHeaders, text: string, secrets: ReadonlyArray<string | undefined>): AttemptOutcome {
  const parsed = parseJson(text);
  if (status < 200 || status > 299) {
    const first = parsed.ok ? firstAppSyncError(parsed.value) : undefined;
    const errorType = first?.errorType ?? errorTypeFromHeader(headers.errorType);
    return {
      kind: 'http',
      status,
      errorType: errorType === undefined ? undefined : sanitizeServerText(errorType, secrets),
      apiMessage: first?.message === undefined ? undefined : sanitizeServerText(first.message, secrets),
      retryAfterMs: parseRetryAfterMs(headers.retryAfter, Date.now()),
    };
  }
  if (!parsed.ok) {
    return { kind: 'unexpected', status, detail: `a body that is not JSON (${text.length} bytes)` };
  }
  return interpretGraphqlBody(status, parsed.value, secrets);
}

function interpretGraphqlBody(status: number, body: JsonValue, secrets: ReadonlyArray<string | undefined>): AttemptOutcome {
  if (!isJsonObject(body) || (!('data' in body) && !('errors' in body))) {
    return { kind: 'unexpected', status, detail: 'JSON that is not a GraphQL response (neither data nor errors)' };
  }
  const errors = body.errors;
  if (errors !== undefined && errors !== null) {
    const entries = Array.isArray(errors) ? errors.map((entry: JsonValue) => toErrorEntry(entry, secrets)) : [undefined];
    const valid = entries.filter((entry): entry is GraphqlErrorEntry => entry !== undefined);
    if (valid.length !== entries.length) {
      return { kind: 'unexpected', status, detail: 'a GraphQL "errors" member that is not a list of errors with messages' };
    }
    if (valid.length > 0) {
      return { kind: 'graphql-errors', errors: valid, data: body.data };
    }
  }
  return { kind: 'success', data: body.data ?? null };
}

function toErrorEntry(entry: JsonValue, secrets: ReadonlyArray<string | undefined>): GraphqlErrorEntry | undefined {
  if (!isJsonObject(entry) || typeof entry.message !== 'string') {
    return undefined;
  }
  const { message, errorType, path, ...rest } = entry;
  return {
    ...rest,
    message: sanitizeServerText(message, secrets),
    ...(typeof errorType === 'string' ? { errorType } : {}),
    ...(Array.isArray(path) && path.every(isPathSegment) ? { path: path.filter(isPathSegment) } : {}),
  };
}

function isPathSegment(segment: JsonValue): segment is string | number {
  return typeof segment === 'string' || typeof segment === 'number';
}

function firstAppSyncError(body: JsonValue): { errorType?: string; message?: string } | undefined {
  if (!isJsonObject(body) || !Array.isArray(body.errors) || !isJsonObject(body.errors[0])) {
    return undefined;
  }
  const first = body.errors[0];
  return {
    errorType: typeof first.errorType === 'string' ? first.errorType : undefined,
    message: typeof first.message === 'string' ? first.message : undefined,
  };
}

// AWS sends e.g. `UnauthorizedException:http://internal.amazon.com/...`; the part before the colon is the type.
function errorTypeFromHeader(header: string | null): string | undefined {
  const type = header?.split(':')[0]?.trim();
  return type === undefined || type === '' ? undefined : type;
}

type JsonParse = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false };

function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch {
    return { ok: false };
  }
}

function isJsonObject(value: JsonValue | undefined): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRetryable(outcome: AttemptOutcome): boolean {
  switch (outcome.kind) {
    case 'network':
    case 'timeout':
      return true;
    case 'http':
      return isRetryableStatus(outcome.status);
    default:
      return false;
  }
}

// Codes meaning the request never left this host, so it cannot have been applied.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function mayHaveApplied(outcome: AttemptOutcome): boolean {
  switch (outcome.kind) {
    case 'timeout':
      return true;
    case 'network':
      return outcome.code === undefined || !NOT_SENT_CODES.has(outcome.code);
    case 'http':
      // 429 is throttling before execution; a 5xx may come after the resolver already wrote.
      return outcome.status >= 500;
    default:
      return false;
  }
}

function toClientError(outcome: Exclude<AttemptOutcome, { kind: 'success' }>, summary: AttemptSummary): GraphqlClientError {
  switch (outcome.kind) {
    case 'graphql-errors':
      return new GraphqlResponseError(outcome.errors, outcome.data, summary);
    case 'http':
      return new GraphqlHttpError(outcome.status, outcome.errorType, outcome.apiMessage, summary);
    case 'unexpected':
      return new UnexpectedResponseError(outcome.status, outcome.detail, summary);
    case 'network':
      return new ApiUnreachableError(outcome.code, summary, { cause: outcome.cause });
    case 'timeout':
      return new ApiTimeoutError(outcome.timeoutCause, outcome.timeoutMs, summary);
    case 'credentials':
      return new CredentialsUnavailableError(summary, { cause: outcome.cause });
  }
}

/**
 * The system error code (ECONNREFUSED…), on the error or its causes. Checked by shape, not `instanceof Error`: errors
 * from another realm (a vm context, as under jest) fail instanceof.
 */
function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 4; depth += 1) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') {
      return code;
    }
    current = cause;
  }
  return undefined;
}

function sleepFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
