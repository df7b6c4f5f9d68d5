/**
 * Authentication of a connect and of each start, with the HTTP endpoint's authenticators (auth/): the headers a
 * real-time client sends are those it would send to POST the same body to the GraphQL URL, so they are checked as
 * that request. A connect is `POST <graphql path>/connect` with the payload (`{}`) as its body; a start is
 * `POST <graphql path>` with the start's `data` (the JSON text of `{query, variables}`) as its body (amplify-js,
 * AWSWebSocketProvider/authHeaders.ts; the developer guide's IAM examples).
 */
import { type Authenticator, type AuthOutcome, type AuthRequest, type AuthTarget, authenticateRequest } from '../auth';

export interface RealtimeAuthInput {
  /** The header object as the client sent it (names in any case; values that are not strings are ignored). */
  readonly headers: Readonly<Record<string, unknown>>;
  readonly path: string;
  readonly body: string;
  readonly sourceIp: string;
}

export function authenticateRealtime(
  authenticators: readonly Authenticator[],
  input: RealtimeAuthInput,
  target: AuthTarget,
  log: string[],
): Promise<AuthOutcome> {
  return authenticateRequest(authenticators, realtimeAuthRequest(input), target, log);
}

function realtimeAuthRequest(input: RealtimeAuthInput): AuthRequest {
  const headers: NodeJS.Dict<string[]> = Object.create(null);
  for (const [name, value] of Object.entries(input.headers)) {
    if (typeof value !== 'string') continue;
    const key = name.toLowerCase();
    headers[key] = [...(headers[key] ?? []), value];
  }
  return { method: 'POST', path: input.path, rawQuery: '', headers, body: Buffer.from(input.body, 'utf8'), sourceIp: input.sourceIp };
}
