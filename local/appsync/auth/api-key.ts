import { constantTimeEqual } from '../../iam/sigv4';
import { type Authenticator, firstHeader, NOT_AUTHORIZED_MESSAGE, refuse } from './authenticator';

/** AppSync's default API key lifetime when the template sets no Expires (CDK's default as well). */
export const DEFAULT_API_KEY_LIFETIME_SECONDS = 7 * 24 * 60 * 60;

/** First 8 characters of an API key, then `…`: enough to tell keys apart, never the key. */
export function redactKey(key: string): string {
  return `${key.slice(0, 8)}…`;
}

/** API_KEY: the `x-api-key` header, one of the API's keys, not expired. */
export function apiKeyAuthenticator(now: () => Date): Authenticator {
  const startedAt = Math.floor(now().getTime() / 1000);
  // A key without Expires lives DEFAULT_API_KEY_LIFETIME_SECONDS from when it was created: here, from start-up.
  const expiry = (expires: number | undefined) => expires ?? Math.floor((startedAt + DEFAULT_API_KEY_LIFETIME_SECONDS) / 3600) * 3600;
  return {
    mode: 'API_KEY',
    claims: (request) => {
      const apiKey = firstHeader(request.headers, 'x-api-key');
      return apiKey !== undefined && apiKey !== '';
    },
    async authenticate(request, target, log) {
      const apiKey = firstHeader(request.headers, 'x-api-key') ?? '';
      log.push(`mode=API_KEY key=${redactKey(apiKey)}`);
      let match: { id: string; expires: number } | undefined;
      for (const key of target.api.apiKeys) {
        // Every key is compared, in constant time, whatever matched before.
        if (constantTimeEqual(key.value, apiKey) && !match) match = { id: key.id, expires: expiry(key.expires) };
      }
      if (!match) {
        log.push('refused: unknown API key');
        return refuse('UnauthorizedException', NOT_AUTHORIZED_MESSAGE);
      }
      if (Math.floor(now().getTime() / 1000) >= match.expires) {
        log.push(`refused: API key expired at ${new Date(match.expires * 1000).toISOString()}`);
        return refuse('UnauthorizedException', NOT_AUTHORIZED_MESSAGE);
      }
      return { ok: true, auth: { mode: 'API_KEY', sourceIp: request.sourceIp, receivedAt: now() } };
    },
  };
}
