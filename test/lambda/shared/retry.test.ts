import { backoffDelayMs, isRetryableStatus, parseRetryAfterMs, resolveRetryPolicy } from '../../../lambda/shared/retry';

const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('backoffDelayMs', () => {
  it('draws uniformly between 0 and min(cap, base × 2^retry) (full jitter)', () => {
    expect([0, 1, 2, 3, 4, 10].map((retry) => backoffDelayMs(retry, policy, () => 0.5))).toEqual([50, 100, 200, 400, 500, 500]);
    expect(backoffDelayMs(2, policy, () => 0)).toBe(0);
  });

  it('stays below the ceiling for any draw, even a broken random returning 1 or more', () => {
    for (let retry = 0; retry < 12; retry += 1) {
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
      for (const draw of [0, 0.1, 0.999999, Math.random()]) {
        const delay = backoffDelayMs(retry, policy, () => draw);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
      expect(backoffDelayMs(retry, policy, () => 1.5)).toBeLessThanOrEqual(ceiling);
    }
  });

  it('uses Retry-After instead, clamped to the cap', () => {
    expect(backoffDelayMs(0, policy, () => 0.5, 300)).toBe(300);
    expect(backoffDelayMs(0, policy, () => 0.5, 60_000)).toBe(1_000);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2024-05-01T10:00:00Z');
  it.each([
    ['2', 2_000],
    ['0.5', 500],
    [' 3 ', 3_000],
    ['Wed, 01 May 2024 10:00:04 GMT', 4_000],
    ['Wed, 01 May 2024 09:00:00 GMT', 0],
  ])('reads %j as %d ms', (header, expected) => {
    expect(parseRetryAfterMs(header, now)).toBe(expected);
  });

  it.each([null, 'soon', '-1'])('ignores %j', (header) => {
    expect(parseRetryAfterMs(header, now)).toBeUndefined();
  });
});

it('retries throttling and server errors only', () => {
  expect([429, 500, 502, 503, 504, 599].every(isRetryableStatus)).toBe(true);
  expect([200, 400, 401, 403, 404, 409, 600].some(isRetryableStatus)).toBe(false);
});

it('refuses a retry policy without at least one attempt', () => {
  expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts must be an integer >= 1/);
  expect(resolveRetryPolicy(undefined)).toEqual({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 });
});
