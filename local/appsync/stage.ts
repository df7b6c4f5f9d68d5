/**
 * The stages of an operation, in order: document (cache) → operation → variables → authorize → execute → format. Each
 * either hands its result to the next or ends the request with AppSync's answer.
 */

/** What a request ends with once it is authenticated. */
export interface OperationOutcome {
  readonly status: number;
  readonly body: string;
  /** For `x-amzn-ErrorType` on request-level refusals. */
  readonly errorType?: string;
  /** `query LIST_TODOS` etc., when known. */
  readonly operation?: string;
  /** What decided, for the request's log line. */
  readonly decisions: readonly string[];
}

export type StageResult<T> = { readonly next: T } | { readonly outcome: OperationOutcome };

/** A 200 with a GraphQL response body: how AppSync answers every error it reports in `errors`. */
export function answer(body: Record<string, unknown>, decisions: readonly string[], operation?: string): { readonly outcome: OperationOutcome } {
  return { outcome: { status: 200, body: JSON.stringify(body), decisions, operation } };
}
