/**
 * Every way a GraphQL call can fail, as its own Error subclass, so callers map failures on purpose (by class) rather
 * than by parsing messages. Messages never carry secrets: text that comes from the server is redacted first.
 */
import type { JsonValue } from './operations';

export interface GraphqlErrorEntry {
  readonly message: string;
  readonly errorType?: string;
  readonly path?: ReadonlyArray<string | number>;
  readonly [key: string]: JsonValue | undefined;
}

export interface AttemptSummary {
  readonly operationName: string;
  /** How many HTTP requests were sent (or tried) for this call. */
  readonly attempts: number;
  /**
   * True when an earlier attempt ended without a definite answer (timeout, dropped connection, 5xx), so a mutation may
   * already have been applied by it.
   */
  readonly earlierAttemptMayHaveApplied: boolean;
}

export abstract class GraphqlClientError extends Error {
  readonly operationName: string;
  readonly attempts: number;
  readonly earlierAttemptMayHaveApplied: boolean;

  protected constructor(name: string, message: string, summary: AttemptSummary, options?: ErrorOptions) {
    super(message, options);
    this.name = name;
    this.operationName = summary.operationName;
    this.attempts = summary.attempts;
    this.earlierAttemptMayHaveApplied = summary.earlierAttemptMayHaveApplied;
  }
}

/** HTTP 200 whose body carries GraphQL `errors` (data may be partial). Never retried: the API did answer. */
export class GraphqlResponseError extends GraphqlClientError {
  constructor(
    readonly errors: readonly GraphqlErrorEntry[],
    readonly data: JsonValue | undefined,
    summary: AttemptSummary,
  ) {
    super('GraphqlResponseError', `${summary.operationName} returned ${describeGraphqlErrors(errors)}`, summary);
  }
}

/** A non-2xx answer, after any retries it allowed. */
export class GraphqlHttpError extends GraphqlClientError {
  constructor(
    readonly status: number,
    /** AppSync's `errors[0].errorType`, or the `x-amzn-ErrorType` header. */
    readonly errorType: string | undefined,
    /** AppSync's `errors[0].message`, redacted and shortened. */
    readonly apiMessage: string | undefined,
    summary: AttemptSummary,
  ) {
    const detail = [errorType, apiMessage].filter((part) => part !== undefined).join(': ');
    super(
      'GraphqlHttpError',
      `${summary.operationName} got HTTP ${status}${detail === '' ? '' : ` (${detail})`} after ${plural(summary.attempts, 'attempt')}`,
      summary,
    );
  }

  /** 401/403: the API refused the key or the signature; retrying cannot help. */
  get isAuthFailure(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/** The answer is not a GraphQL response (not JSON, or neither `data` nor `errors`). */
export class UnexpectedResponseError extends GraphqlClientError {
  constructor(
    readonly status: number,
    detail: string,
    summary: AttemptSummary,
  ) {
    super('UnexpectedResponseError', `${summary.operationName} got HTTP ${status} with ${detail}`, summary);
  }
}

/** No HTTP answer at all: refused or dropped connection, DNS failure... */
export class ApiUnreachableError extends GraphqlClientError {
  constructor(
    /** The system error code, e.g. ECONNREFUSED, when there is one. */
    readonly code: string | undefined,
    summary: AttemptSummary,
    options?: ErrorOptions,
  ) {
    super(
      'ApiUnreachableError',
      `${summary.operationName} could not reach the API${code === undefined ? '' : ` (${code})`} after ${plural(summary.attempts, 'attempt')}`,
      summary,
      options,
    );
  }
}

export type TimeoutCause = 'request-timeout' | 'deadline';

export class ApiTimeoutError extends GraphqlClientError {
  constructor(
    /** Whether the per-request timeout fired or the call ran out of its overall deadline. */
    readonly timeoutCause: TimeoutCause,
    readonly timeoutMs: number,
    summary: AttemptSummary,
  ) {
    const what =
      timeoutCause === 'deadline' ? `ran out of its deadline (last attempt limited to ${timeoutMs} ms)` : `timed out after ${timeoutMs} ms per attempt`;
    super('ApiTimeoutError', `${summary.operationName} ${what}, ${plural(summary.attempts, 'attempt')}`, summary);
  }
}

/** The credentials provider failed, so no request could be signed. */
export class CredentialsUnavailableError extends GraphqlClientError {
  constructor(summary: AttemptSummary, options?: ErrorOptions) {
    super(
      'CredentialsUnavailableError',
      `${summary.operationName} could not load AWS credentials to sign the request: check the function's execution role`,
      summary,
      options,
    );
  }
}

const MAX_ERRORS_DESCRIBED = 3;

function describeGraphqlErrors(errors: readonly GraphqlErrorEntry[]): string {
  const shown = errors.slice(0, MAX_ERRORS_DESCRIBED).map((error) => (error.errorType === undefined ? error.message : `${error.errorType}: ${error.message}`));
  const more = errors.length > MAX_ERRORS_DESCRIBED ? ` (+${errors.length - MAX_ERRORS_DESCRIBED} more)` : '';
  return `${plural(errors.length, 'GraphQL error')}: ${shown.join('; ')}${more}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
