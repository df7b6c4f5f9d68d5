/**
 * Authentication as AppSync does it: the first authenticator that finds its credentials on the request decides; a
 * mode the API does not enable, or credentials of a mode the local cloud does not emulate (Cognito user pools, OIDC,
 * Lambda authorizers), is a 401.
 */
import type { PrincipalStore } from '../../iam/principals';
import type { AuthMode } from '../schema';
import { apiKeyAuthenticator } from './api-key';
import {
  type Authenticator,
  type AuthOutcome,
  type AuthRequest,
  type AuthTarget,
  firstHeader,
  MISSING_AUTH_MESSAGE,
  NOT_AUTHORIZED_MESSAGE,
  refuse,
} from './authenticator';
import { awsIamAuthenticator } from './aws-iam';

export { DEFAULT_API_KEY_LIFETIME_SECONDS, redactKey } from './api-key';
export {
  type Authenticator,
  type AuthOutcome,
  type AuthRefusal,
  type AuthRequest,
  type AuthTarget,
  authRequestOf,
  MISSING_AUTH_MESSAGE,
  NOT_AUTHORIZED_MESSAGE,
  type RequestAuth,
} from './authenticator';

export interface AuthenticatorDeps {
  readonly principals: PrincipalStore;
  readonly now: () => Date;
}

/** The modes the local cloud verifies, in the order a request's credentials are looked for. */
export function emulatedAuthenticators(deps: AuthenticatorDeps): readonly Authenticator[] {
  return [apiKeyAuthenticator(deps.now), awsIamAuthenticator(deps.principals, deps.now)];
}

export function authenticateRequest(authenticators: readonly Authenticator[], request: AuthRequest, target: AuthTarget, log: string[]): Promise<AuthOutcome> {
  const authenticator = authenticators.find((candidate) => candidate.claims(request));
  if (authenticator) {
    if (!target.modes.has(authenticator.mode)) {
      log.push(`mode=${authenticator.mode}`, `refused: the API does not enable ${authenticator.mode}`);
      return Promise.resolve(refuse('UnauthorizedException', NOT_AUTHORIZED_MESSAGE));
    }
    return authenticator.authenticate(request, target, log);
  }
  const authorization = firstHeader(request.headers, 'authorization');
  if (authorization !== undefined && authorization !== '') {
    const emulated = new Set<AuthMode>(authenticators.map((candidate) => candidate.mode));
    const others = [...target.modes].filter((mode) => !emulated.has(mode));
    log.push(
      others.length > 0
        ? `refused: an Authorization header for ${others.join('/')}, which the local cloud does not emulate`
        : 'refused: an Authorization header that is not SigV4, and the API enables no token-based mode',
    );
    return Promise.resolve(refuse('UnauthorizedException', NOT_AUTHORIZED_MESSAGE));
  }
  log.push('refused: no x-api-key and no Authorization header');
  return Promise.resolve(refuse('UnauthorizedException', MISSING_AUTH_MESSAGE));
}
