/**
 * When the API keys expire: a date fixed by configuration, never by the time of the synth, so that two synths of the
 * same configuration give the same template and `cdk diff` after no change is empty.
 *
 * A key issued on `issuedOn` (YYYY-MM-DD, UTC) for `days` days expires at 00:00 UTC `days` days after the end of the
 * issue day, and never more than 365 days after its start. On the issue day that leaves between `days` and `days + 1`
 * days (364 to 365 for 365), so every value from 1 to 365 is within what AppSync accepts when the key is created or
 * its expiry changed: "a minimum of 1 and a maximum of 365 days" (AppSync's ApiKeyValidityOutOfBoundsException;
 * AppSync API Reference, CreateApiKey). Later synths see less left, and are warned, then refused (checkApiKeyExpiry).
 *
 * AppSync keeps an expired key for 60 more days, during which its expiry can still be extended (API Reference,
 * ApiKey: "Expired API keys are kept for 60 days after the expiration time"); then it deletes the key, and a deploy
 * that still lists it fails: see README, API key expiry and rotation.
 */
import { ConfigError } from './config-error';

const DAY_MS = 86_400_000;

/** AppSync's bounds for an expiry, counted from the moment the key is created or updated. */
export const MIN_VALIDITY_DAYS = 1;
export const MAX_VALIDITY_DAYS = 365;

/**
 * Time allowed between the synth and the moment CloudFormation creates or updates the key: the check at synth asks
 * for this much more than AppSync's minimum.
 */
export const DEPLOY_MARGIN_MS = 15 * 60 * 1000;

/** Fewer days left than this at synth: a warning. */
export const EXPIRY_WARNING_DAYS = 30;

export interface ApiKeyLifetime {
  /** The day the key's lifetime is counted from (YYYY-MM-DD, UTC). */
  readonly issuedOn: string;
  /** Days of validity after the issue day (1 to 365). */
  readonly days: number;
}

export class ApiKeyExpiryError extends ConfigError {
  override name = 'ApiKeyExpiryError';
}

/** The expiry of a key of this lifetime: 00:00 UTC, `days` days after the issue day, at most 365 days after its start. */
export function apiKeyExpiry(lifetime: ApiKeyLifetime): Date {
  const start = Date.parse(`${lifetime.issuedOn}T00:00:00Z`);
  return new Date(start + Math.min(lifetime.days + 1, MAX_VALIDITY_DAYS) * DAY_MS);
}

/** Today's date in UTC, YYYY-MM-DD. */
export function utcDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * What a deploy now would meet: an error when AppSync would refuse the expiry (more than 365 days away, or less than
 * 1 day and the deploy margin), a warning when fewer than EXPIRY_WARNING_DAYS are left, nothing otherwise.
 */
export function checkApiKeyExpiry(lifetime: ApiKeyLifetime, now: Date): { warning?: string } {
  const expiry = apiKeyExpiry(lifetime);
  const leftMs = expiry.getTime() - now.getTime();
  const shown = `The API keys expire on ${expiry.toISOString()} (context todo:apiKeyIssuedOn=${lifetime.issuedOn}, todo:apiKeyExpiresInDays=${lifetime.days})`;
  const renew = `renew them: set todo:apiKeyIssuedOn to today's date, ${utcDate(now)}, in cdk.json (README: API key expiry and rotation)`;
  if (leftMs > MAX_VALIDITY_DAYS * DAY_MS) {
    throw new ApiKeyExpiryError(
      `${shown}, more than ${MAX_VALIDITY_DAYS} days from now, which AppSync refuses: todo:apiKeyIssuedOn must not be later than today, ${utcDate(now)}`,
    );
  }
  if (leftMs < MIN_VALIDITY_DAYS * DAY_MS + DEPLOY_MARGIN_MS) {
    const expired = leftMs <= 0 ? ' (expired: a key AppSync deleted 60 days after its expiry can only be replaced by a new generation)' : '';
    throw new ApiKeyExpiryError(`${shown}, less than a day from now, which AppSync refuses for a new or updated key${expired}: ${renew}`);
  }
  if (leftMs < EXPIRY_WARNING_DAYS * DAY_MS) {
    return { warning: `${shown}, in ${Math.floor(leftMs / DAY_MS)} days: ${renew}` };
  }
  return {};
}
