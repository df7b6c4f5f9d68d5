/** Retry timing: pure functions, so the tests can pin them down exactly. */

export interface RetryPolicy {
  /** Total attempts including the first; 1 disables retries. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  /** Cap of any single wait, Retry-After included. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 };

/**
 * Wait before retry number `retryIndex` (0 for the first retry). Full jitter (a uniform draw between 0 and the capped
 * exponential) spreads the retries of many Lambdas that failed together, so they do not hit the API again in step.
 * A Retry-After from the server wins, but only within the cap: the Lambda's time is bounded.
 */
export function backoffDelayMs(retryIndex: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) {
    return Math.min(policy.maxDelayMs, Math.max(0, retryAfterMs));
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
  // Clamped because an injected random could return exactly 1.
  return Math.floor(Math.min(Math.max(random(), 0), 1) * ceiling);
}

/** Retry-After is either delta-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) {
    return undefined;
  }
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) {
    return Math.round(Number(value) * 1000);
  }
  // An HTTP date names its month; Date.parse alone would also take numbers like "-1" as years.
  const date = /[a-z]{3}/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Throttling and server errors are worth another try; other 4xx would fail the same way again. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> | undefined): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be an integer >= 1, got ${policy.maxAttempts}`);
  }
  if (!(policy.baseDelayMs >= 0) || !(policy.maxDelayMs >= 0)) {
    throw new RangeError('retry.baseDelayMs and retry.maxDelayMs must be >= 0');
  }
  return policy;
}
