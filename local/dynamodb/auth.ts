/**
 * The front door of the local DynamoDB endpoint: every request is answered here, and only one whose SigV4 signature
 * verifies against the deployment's principals (local/iam/sigv4.ts, service `dynamodb`) and whose every required
 * permission (actions.ts) the one authorizer (local/iam/authorizer.ts) allows reaches the store (dynalite).
 *
 * The order of checks is DynamoDB's, as dynalite records it (its index.js, from responses of the real service): CORS
 * preflight → method and content type → JSON → X-Amz-Target → presence of a signature → the signature → the request's
 * members → IAM. Every refusal is DynamoDB's answer (errors.ts) and one log line naming the principal and the reason;
 * allowed calls are not logged (the resolver makes several per GraphQL request).
 *
 * CORS as DynamoDB answers it (dynalite's test/connection.js, recorded): with an `Origin`, every answer carries
 * `Access-Control-Allow-Origin: *`; a preflight gets 200 with the requested method and headers allowed and
 * `Access-Control-Max-Age: 172800`. The requesting origin is never echoed and credentials (cookies) are never
 * allowed: a web page may only send calls it can sign itself, which it cannot without the keys of `.local/credentials`.
 * No `Access-Control-Allow-Private-Network` either, so browsers that enforce Private Network Access keep public pages
 * away from this loopback endpoint altogether.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { accessLogLine, oneLine, parseQuery, readBody, safeLog, sendResponse, splitTarget } from '../http';
import type { Authorization, AuthorizationRequest, RequestFacts } from '../iam/authorizer';
import type { LocalPrincipal, PrincipalStore } from '../iam/principals';
import { type SigV4ErrorType, verifySigV4 } from '../iam/sigv4';
import { type DynamoDbOperation, operationOfTarget, type Permission, requiredPermissions } from './actions';
import {
  AccessDeniedError,
  AccessDeniedReason,
  BOTH_SIGNATURE_FORMS_MESSAGE,
  DEFAULT_CONTENT_TYPE,
  type DynamoDbAnswer,
  DynamoDbServiceError,
  IncompleteSignatureError,
  InternalServerError,
  InvalidSignatureError,
  JSON_CONTENT_TYPES,
  MissingAuthenticationTokenError,
  NotADynamoDbCallError,
  RequestTooLargeError,
  SerializationError,
  ServiceUnavailableError,
  UnrecognizedClientError,
} from './errors';
import { checkNesting, MAX_NESTING_LEVEL } from './nesting';

/** DynamoDB's limit on a request body (dynalite's MAX_REQUEST_BYTES). */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** How long a browser may keep a preflight's answer, as DynamoDB says. */
export const PREFLIGHT_MAX_AGE_SECONDS = 172_800;

/** The one authorizer's signature (local/iam/authorizer.ts `authorize`). */
export type Authorizer = (principal: LocalPrincipal, request: AuthorizationRequest) => Authorization;

/** Serves a request the gate let through: the store's own handler, given the request with its body replayed. */
export type StoreHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface DynamoDbGateOptions {
  readonly region: string;
  /** The server's clock (SigV4 skew, aws:CurrentTime). */
  readonly now: () => Date;
  /** One line per refused request; never holds a secret. */
  readonly log?: (line: string) => void;
  readonly store: StoreHandler;
}

export interface DynamoDbGate {
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** From now on, requests are verified against these principals and authorized by this authorizer. */
  authorizeWith(principals: PrincipalStore, authorize: Authorizer): void;
  /** Tables (by ARN) whose resource-based policy is not evaluated: every call to them by a role is refused. */
  refuseRolesOn(tableArns: readonly string[]): void;
  readonly principals: PrincipalStore | undefined;
}

interface Authority {
  readonly principals: PrincipalStore;
  readonly authorize: Authorizer;
}

/** What the log line of a refused request says. */
interface Refusal {
  readonly error: DynamoDbServiceError;
  readonly detail: string;
}

/** How a check ends the request: the catalogue's answer and the words of its log line (control flow inside the gate). */
class RefusedRequest extends Error {
  constructor(
    readonly refusal: Refusal,
    options?: ErrorOptions,
  ) {
    super(refusal.detail, options);
    this.name = 'RefusedRequest';
  }
}

const refuse = (error: DynamoDbServiceError, detail: string = error.errorType): never => {
  throw new RefusedRequest({ error, detail }, { cause: error });
};

export function createDynamoDbGate(options: DynamoDbGateOptions): DynamoDbGate {
  let authority: Authority | undefined;
  const unevaluatedTables = new Set<string>();
  /** The table of a table, index or stream ARN, when its resource policy is not evaluated. */
  const unevaluatedTableOf = (resource: string): string | undefined => {
    const table = /^(arn:aws:dynamodb:[^:]+:\d{12}:table\/[^/]+)/.exec(resource)?.[1];
    return table !== undefined && unevaluatedTables.has(table) ? table : undefined;
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    const requestId = dynamoDbRequestId();
    res.on('error', () => undefined);
    const origin = req.headers.origin;
    const corsHeaders: Record<string, string> = origin === undefined ? {} : { 'access-control-allow-origin': '*' };
    const answer = (reply: DynamoDbAnswer) => sendResponse(res, reply.status, { 'x-amzn-RequestId': requestId, ...corsHeaders, ...reply.headers }, reply.body);
    const logRefusal = (status: number | undefined, detail: string) =>
      safeLog(
        options.log,
        accessLogLine({ service: 'dynamodb', requestId, method: req.method, url: req.url, detail, status, elapsedMs: Date.now() - started }),
      );

    admit(req, authority)
      .then((admitted) => {
        if (admitted.kind === 'answer') return answer(admitted.reply);
        if (admitted.kind === 'gone') return res.destroy();
        options.store(replayed(req, admitted.body), res);
      })
      .catch((error: unknown) => {
        // RefusedRequest carries the log line's words; a catalogue error thrown as is (an unknown operation) is its own.
        const refusal =
          error instanceof RefusedRequest ? error.refusal : error instanceof DynamoDbServiceError ? { error, detail: error.errorType } : undefined;
        if (refusal) {
          const reply = refusal.error.render(responseContentType(req));
          answer(reply);
          return logRefusal(reply.status, refusal.detail);
        }
        answer(new InternalServerError().render(responseContentType(req)));
        logRefusal(500, `internal error: ${oneLine((error as Error)?.message ?? String(error))}`);
      });
  };

  type Admission = { kind: 'store'; body: Buffer } | { kind: 'answer'; reply: DynamoDbAnswer } | { kind: 'gone' };

  async function admit(req: IncomingMessage, current: Authority | undefined): Promise<Admission> {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS' && req.headers.origin !== undefined) return { kind: 'answer', reply: preflight(req) };
    if (method === 'GET') {
      req.resume();
      // What DynamoDB answers a plain GET (dynalite, recorded), which health checks rely on.
      return { kind: 'answer', reply: { status: 200, headers: { 'content-type': 'text/plain' }, body: `healthy: dynamodb.${options.region}.amazonaws.com ` } };
    }
    if (method !== 'POST') {
      req.resume();
      return refuse(new NotADynamoDbCallError(), `method ${method.slice(0, 20)}`);
    }
    const read = await readBody(req, { maxBytes: MAX_REQUEST_BYTES, maxDrainedBytes: 2 * MAX_REQUEST_BYTES, refuseEarly: true });
    if (read.kind === 'aborted') return { kind: 'gone' };
    if (read.kind === 'too-large') return refuse(new RequestTooLargeError(MAX_REQUEST_BYTES), `body over ${MAX_REQUEST_BYTES} bytes`);
    const { body } = read;

    const contentType = mediaType(req);
    if (body.length > 0 && !(JSON_CONTENT_TYPES as readonly string[]).includes(contentType)) {
      return refuse(new NotADynamoDbCallError(), `content type ${contentType.slice(0, 60) || 'missing'}`);
    }
    const parsed = parseBody(body);
    const operation = operationOfTarget(firstHeader(req, 'x-amz-target'));
    const { principal, authority: ready } = await authenticate(req, body, current, operation);
    // DynamoDB refuses an empty body only once it knows who sent it (dynalite, recorded).
    if (body.length === 0) refuse(new SerializationError(), `${operation} by ${principal.principalArn}: empty body`);
    const permissions = permissionsOf(operation, parsed, principal, ready);
    checkMembers(operation, parsed, principal);
    authorizeAll(req, operation, principal, permissions, ready);
    return { kind: 'store', body };
  }

  /** The signature: present, of the deployment's principals, and matching; the principal who made it. */
  async function authenticate(
    req: IncomingMessage,
    body: Buffer,
    current: Authority | undefined,
    operation: DynamoDbOperation,
  ): Promise<{ principal: LocalPrincipal; authority: Authority }> {
    const { path, rawQuery } = splitTarget(req.url);
    const authorization = firstHeader(req, 'authorization');
    const presigned = Object.hasOwn(parseQuery(rawQuery), 'X-Amz-Algorithm');
    if (authorization !== undefined && presigned) refuse(new InvalidSignatureError(BOTH_SIGNATURE_FORMS_MESSAGE), `${operation}: two signatures`);
    // DynamoDB takes a header of another scheme for no signature at all (dynalite, recorded).
    if ((authorization === undefined && !presigned) || (authorization !== undefined && !authorization.trim().startsWith('AWS4-'))) {
      refuse(new MissingAuthenticationTokenError(), `${operation}: unsigned`);
    }
    if (!current) return refuse(new ServiceUnavailableError(), `${operation}: not ready (no principals yet)`);
    const result = await verifySigV4(
      { method: req.method ?? 'POST', path, query: rawQuery, headers: req.headersDistinct, body },
      (accessKeyId) => current.principals.credentials(accessKeyId),
      { now: options.now(), service: 'dynamodb', region: options.region },
    );
    if (!result.ok) return refuse(signatureRefusal(result.errorType, result.message), `${operation}: ${result.errorType}`);
    const principal = current.principals.principal(result.accessKeyId);
    if (!principal) return refuse(new UnrecognizedClientError(), `${operation}: no principal holds the key`);
    return { principal, authority: current };
  }

  function permissionsOf(operation: DynamoDbOperation, request: Record<string, unknown>, principal: LocalPrincipal, current: Authority): Permission[] {
    return checkedFor(operation, principal, () => requiredPermissions(operation, request, { region: options.region, accountId: current.principals.accountId }));
  }

  /** The members the store cannot check itself (it failed on them): the nesting of the request's values. */
  function checkMembers(operation: DynamoDbOperation, request: Record<string, unknown>, principal: LocalPrincipal): void {
    checkedFor(operation, principal, () => checkNesting(operation, request), `, a value nested deeper than ${MAX_NESTING_LEVEL} levels`);
  }

  /** Runs a check of the request's members: a catalogue error it throws is the answer, its log line naming the caller. */
  function checkedFor<T>(operation: DynamoDbOperation, principal: LocalPrincipal, check: () => T, why = ''): T {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof DynamoDbServiceError)) throw error;
      return refuse(error, `${operation} by ${principal.principalArn}: ${error.errorType}${why}`);
    }
  }

  /** Every permission the call needs; the first refused one is the answer. */
  function authorizeAll(
    req: IncomingMessage,
    operation: DynamoDbOperation,
    principal: LocalPrincipal,
    permissions: readonly Permission[],
    current: Authority,
  ): void {
    const facts = requestFacts(req, options);
    for (const permission of permissions) {
      if (!principal.isAdmin && unevaluatedTableOf(permission.resource) !== undefined) {
        refuse(
          new AccessDeniedError(principal.principalArn, permission.action, permission.resource, AccessDeniedReason.ResourcePolicyNotEvaluated),
          `${operation} by ${principal.principalArn} (${principal.description}): AccessDeniedException, ${permission.action} on ${permission.resource}: the table's ResourcePolicy is not evaluated`,
        );
      }
      const decision = current.authorize(principal, { ...permission, facts });
      if (decision.allowed) continue;
      const reason = decision.decision === 'ExplicitDeny' ? AccessDeniedReason.ExplicitDeny : AccessDeniedReason.NoAllow;
      refuse(
        new AccessDeniedError(principal.principalArn, permission.action, permission.resource, reason),
        `${operation} by ${principal.principalArn} (${principal.description}): AccessDeniedException, ${permission.action} on ${permission.resource}: ${decision.reason}`,
      );
    }
  }

  return {
    handle,
    authorizeWith(principals, authorize) {
      authority = { principals, authorize };
    },
    refuseRolesOn(tableArns) {
      for (const arn of tableArns) unevaluatedTables.add(arn);
    },
    get principals() {
      return authority?.principals;
    },
  };
}

/** The facts of a DynamoDB call IAM's global condition keys come from. DynamoDB's AWS endpoints are reached over TLS. */
function requestFacts(req: IncomingMessage, options: Pick<DynamoDbGateOptions, 'now' | 'region'>): RequestFacts {
  return {
    sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    secureTransport: true,
    currentTime: options.now(),
    requestedRegion: options.region,
  };
}

/** A preflight, as DynamoDB answers it: the requested method and headers allowed, to any origin, without credentials. */
function preflight(req: IncomingMessage): DynamoDbAnswer {
  req.resume();
  const headers: Record<string, string> = { 'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS) };
  const requestedHeaders = firstHeader(req, 'access-control-request-headers');
  const requestedMethod = firstHeader(req, 'access-control-request-method');
  if (requestedHeaders !== undefined) headers['access-control-allow-headers'] = requestedHeaders;
  if (requestedMethod !== undefined) headers['access-control-allow-methods'] = requestedMethod;
  return { status: 200, headers, body: '' };
}

function signatureRefusal(errorType: SigV4ErrorType, message: string): DynamoDbServiceError {
  switch (errorType) {
    case 'IncompleteSignatureException':
      return new IncompleteSignatureError(message);
    case 'InvalidSignatureException':
      return new InvalidSignatureError(message);
    default:
      return new UnrecognizedClientError();
  }
}

function parseBody(body: Buffer): Record<string, unknown> {
  // An empty body is refused once the caller is known (DynamoDB checks the signature first).
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return refuse(new SerializationError(), 'body is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return refuse(new SerializationError(), 'body is not a JSON object');
  return parsed as Record<string, unknown>;
}

function mediaType(req: IncomingMessage): string {
  return (firstHeader(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
}

/** The answer's content type: the request's when it is x-amz-json-1.0, else application/json (dynalite does the same). */
function responseContentType(req: IncomingMessage): string {
  return mediaType(req) === DEFAULT_CONTENT_TYPE ? DEFAULT_CONTENT_TYPE : 'application/json';
}

function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The request as the store reads it (method, url, headers, and a body it can read once more). */
function replayed(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = Readable.from([body]) as Readable & Pick<IncomingMessage, 'headers' | 'method' | 'url'>;
  copy.headers = req.headers;
  copy.method = req.method;
  copy.url = req.url;
  return copy as unknown as IncomingMessage;
}

const REQUEST_ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** DynamoDB's request ids are 52 upper-case letters and digits (the Developer Guide's example, dynalite's). */
function dynamoDbRequestId(): string {
  return Array.from(randomBytes(52), (byte) => REQUEST_ID_ALPHABET[byte % REQUEST_ID_ALPHABET.length]).join('');
}
