import type { IncomingMessage } from 'node:http';
import type { RequestTarget } from '../../http';
import type { LocalPrincipal } from '../../iam/principals';
import type { ApiRuntime, AuthMode } from '../schema';

/** Who a request is, once one authenticator accepted it; what the rest of the request (authorize, execute) sees. */
export interface RequestAuth {
  readonly mode: AuthMode;
  /** AWS_IAM only. */
  readonly principal?: LocalPrincipal;
  readonly sourceIp: string;
  /** When the request was authenticated: the time IAM's conditions see (`aws:CurrentTime`). */
  readonly receivedAt: Date;
}

/** What authentication needs of an API: its keys, the modes it enables, its region (SigV4's scope). */
export type AuthTarget = Pick<ApiRuntime, 'api' | 'modes' | 'region'>;

/** What an authenticator sees of a request: the headers as received (repeated ones kept apart), the raw target, the body. */
export interface AuthRequest {
  readonly method: string;
  /** As sent, still URI-encoded. */
  readonly path: string;
  readonly rawQuery: string;
  readonly headers: NodeJS.Dict<string[]>;
  readonly body: Buffer;
  readonly sourceIp: string;
}

/** AppSync's answer to a request it does not authenticate. */
export interface AuthRefusal {
  readonly status: number;
  readonly errorType: string;
  readonly message: string;
}

/** A received request as authenticators see it (the body already read: the signature covers it). */
export function authRequestOf(req: IncomingMessage, target: RequestTarget, body: Buffer): AuthRequest {
  return {
    method: req.method ?? 'GET',
    path: target.path,
    rawQuery: target.rawQuery,
    headers: req.headersDistinct,
    body,
    sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
  };
}

export type AuthOutcome = { readonly ok: true; readonly auth: RequestAuth } | ({ readonly ok: false } & AuthRefusal);

/** One auth mode of AppSync: which requests carry its credentials, and whether they are good. */
export interface Authenticator {
  readonly mode: AuthMode;
  /** Whether the request carries this mode's credentials (an x-api-key header, a SigV4 Authorization header, ...). */
  claims(request: AuthRequest): boolean;
  /** Checks the credentials; pushes what decided onto `log` (never a secret). Only called when the API enables the mode. */
  authenticate(request: AuthRequest, target: AuthTarget, log: string[]): Promise<AuthOutcome>;
}

export const MISSING_AUTH_MESSAGE = 'Missing authorization header';
export const NOT_AUTHORIZED_MESSAGE = 'You are not authorized to make this call.';

export function refuse(errorType: string, message: string, status = 401): AuthOutcome {
  return { ok: false, status, errorType, message };
}

/** The first value of a header as received (a repeated header is not joined). */
export function firstHeader(headers: NodeJS.Dict<string[]>, name: string): string | undefined {
  return headers[name]?.[0];
}
