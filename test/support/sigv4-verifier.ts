/**
 * Server-side SigV4 verification: recomputes the signature of a request as received and compares it with the one in
 * its Authorization header. Pure (no I/O, the clock is a parameter) and independent of the client's signing module,
 * so a bug in one is not mirrored by the other; it is written to move into the local AppSync emulator unchanged.
 *
 * Only the Authorization-header form is verified (AppSync does not take presigned URLs).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest, QueryParameterBag } from '@smithy/types';
import { createHash, timingSafeEqual } from 'node:crypto';

export interface ReceivedRequest {
  readonly method: string;
  /** The path of the request line, without the query, exactly as received (still percent-encoded). */
  readonly path: string;
  /** The query string of the request line without the `?`, exactly as received; '' when there is none. */
  readonly query: string;
  /** Header names in any case; repeated headers as arrays (Node's `req.headersDistinct`) or already comma-joined. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: string | Uint8Array;
}

export interface SigningSecret {
  readonly secretAccessKey: string;
  /** When set, the request must carry exactly this X-Amz-Security-Token (temporary credentials). */
  readonly sessionToken?: string;
}

/** Returns the secret of an access key id, or undefined when the key is unknown. */
export type SecretLookup = (accessKeyId: string) => string | SigningSecret | undefined;

/** AWS's error types for the ways a signature is refused. */
export type SigV4ErrorType = 'MissingAuthenticationTokenException' | 'IncompleteSignatureException' | 'InvalidSignatureException' | 'UnrecognizedClientException';

export type SigV4Verdict =
  | { readonly ok: true; readonly accessKeyId: string; readonly signedHeaders: readonly string[] }
  | { readonly ok: false; readonly reason: string; readonly errorType: SigV4ErrorType };

export interface VerifyOptions {
  /** Required signing service (e.g. 'appsync'); any when omitted. */
  readonly service?: string;
  /** Required signing region; any when omitted. */
  readonly region?: string;
  /** How far X-Amz-Date may be from `now`. */
  readonly maxSkewMs?: number;
  /**
   * Remove empty, '.' and '..' path segments before signing, as every AWS service except S3 does (and AppSync does).
   * The test suite's `normalize: false` cases need false.
   */
  readonly normalizePath?: boolean;
}

export const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key ' +
  'and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

export async function verifySigV4(
  request: ReceivedRequest,
  lookupSecret: SecretLookup,
  now: Date,
  options: VerifyOptions = {},
): Promise<SigV4Verdict> {
  const headers = normalizeHeaders(request.headers);
  const authorizationHeader = headers.authorization;
  if (authorizationHeader === undefined) {
    return refuse('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const authorization = parseAuthorization(authorizationHeader);
  if (typeof authorization === 'string') {
    return refuse('IncompleteSignatureException', authorization);
  }

  const amzDate = headers['x-amz-date'];
  const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signingDate === undefined) {
    return refuse('IncompleteSignatureException', 'Authorization header requires existence of a valid X-Amz-Date header (YYYYMMDDTHHMMSSZ).');
  }
  const scopeProblem = checkScope(authorization, amzDate, options);
  if (scopeProblem !== undefined) {
    return refuse('InvalidSignatureException', scopeProblem);
  }
  const skewProblem = checkSkew(amzDate, signingDate, now, options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS);
  if (skewProblem !== undefined) {
    return refuse('InvalidSignatureException', skewProblem);
  }
  const headerProblem = checkSignedHeaders(authorization.signedHeaders, headers);
  if (headerProblem !== undefined) {
    return refuse('IncompleteSignatureException', headerProblem);
  }

  const secret = toSigningSecret(lookupSecret(authorization.accessKeyId));
  if (secret === undefined || !sameSessionToken(secret.sessionToken, headers['x-amz-security-token'])) {
    return refuse('UnrecognizedClientException', INVALID_TOKEN);
  }
  const payloadProblem = checkPayloadHash(headers['x-amz-content-sha256'], request.body);
  if (payloadProblem !== undefined) {
    return refuse('InvalidSignatureException', payloadProblem);
  }
  const query = parseQuery(request.query);
  if (query === undefined) {
    return refuse('InvalidSignatureException', 'The query string is not validly percent-encoded.');
  }

  const expected = await expectedAuthorization(request, headers, query, authorization, secret, signingDate, options.normalizePath ?? true);
  if (expected.signedHeaders !== authorization.signedHeaders.join(';') || !sameText(expected.signature, authorization.signature)) {
    return refuse('InvalidSignatureException', SIGNATURE_MISMATCH);
  }
  return { ok: true, accessKeyId: authorization.accessKeyId, signedHeaders: authorization.signedHeaders };
}

function refuse(errorType: SigV4ErrorType, reason: string): SigV4Verdict {
  return { ok: false, errorType, reason };
}

/** Lower-cased names; repeated headers joined with ',' as the canonical form wants. */
function normalizeHeaders(headers: ReceivedRequest['headers']): Record<string, string> {
  const normalized: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) {
      continue;
    }
    const key = name.toLowerCase();
    const joined = typeof value === 'string' ? value : value.join(',');
    normalized[key] = normalized[key] === undefined ? joined : `${normalized[key]},${joined}`;
  }
  return normalized;
}

function parseAuthorization(header: string): ParsedAuthorization | string {
  const trimmed = header.trim();
  if (!trimmed.startsWith(`${ALGORITHM} `)) {
    return `Authorization header must start with ${ALGORITHM}.`;
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(ALGORITHM.length).split(',')) {
    const separator = part.indexOf('=');
    if (separator > 0) {
      fields.set(part.slice(0, separator).trim(), part.slice(separator + 1).trim());
    }
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    return 'Authorization header requires Credential, SignedHeaders and Signature parameters.';
  }
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || scope.some((part) => part === '')) {
    return "Credential must have the form <access key id>/<YYYYMMDD>/<region>/<service>/aws4_request.";
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) {
    return 'Signature must be 64 lower-case hexadecimal characters.';
  }
  const [accessKeyId, date, region, service] = scope;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

function parseAmzDate(value: string): Date | undefined {
  const match = AMZ_DATE.exec(value);
  if (match === null) {
    return undefined;
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function checkScope(authorization: ParsedAuthorization, amzDate: string, options: VerifyOptions): string | undefined {
  if (authorization.date !== amzDate.slice(0, 8)) {
    return `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${authorization.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`;
  }
  if (options.region !== undefined && authorization.region !== options.region) {
    return `Credential should be scoped to a valid region: '${authorization.region}' is not '${options.region}'.`;
  }
  if (options.service !== undefined && authorization.service !== options.service) {
    return `Credential should be scoped to correct service: '${options.service}'.`;
  }
  return undefined;
}

// AWS's own wording, so that clients (and people) recognise the failure.
function checkSkew(amzDate: string, signingDate: Date, now: Date, maxSkewMs: number): string | undefined {
  const skewMs = now.getTime() - signingDate.getTime();
  if (skewMs > maxSkewMs) {
    const limit = formatAmzDate(new Date(now.getTime() - maxSkewMs));
    return `Signature expired: ${amzDate} is now earlier than ${limit} (${formatAmzDate(now)} - ${maxSkewMs / 60000} min.)`;
  }
  if (-skewMs > maxSkewMs) {
    const limit = formatAmzDate(new Date(now.getTime() + maxSkewMs));
    return `Signature not yet current: ${amzDate} is still later than ${limit} (${formatAmzDate(now)} + ${maxSkewMs / 60000} min.)`;
  }
  return undefined;
}

function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function checkSignedHeaders(signedHeaders: readonly string[], headers: Readonly<Record<string, string>>): string | undefined {
  if (!signedHeaders.includes('host')) {
    return "'Host' must be a 'SignedHeader' in the AWS Authorization.";
  }
  const missing = signedHeaders.filter((name) => headers[name] === undefined);
  if (missing.length > 0) {
    return `Signed header(s) not present in the request: ${missing.join(', ')}.`;
  }
  return undefined;
}

function toSigningSecret(found: string | SigningSecret | undefined): SigningSecret | undefined {
  return typeof found === 'string' ? { secretAccessKey: found } : found;
}

function sameSessionToken(expected: string | undefined, received: string | undefined): boolean {
  if (expected === undefined || received === undefined) {
    return expected === received;
  }
  return sameText(expected, received);
}

/** A body hash sent as x-amz-content-sha256 stands in for the body in the signature, so it must be the body's. */
function checkPayloadHash(declared: string | undefined, body: string | Uint8Array): string | undefined {
  if (declared === undefined) {
    return undefined;
  }
  const actual = createHash('sha256').update(body).digest('hex');
  return declared === actual ? undefined : 'The provided x-amz-content-sha256 header does not match what was computed.';
}

function parseQuery(raw: string): QueryParameterBag | undefined {
  const query: QueryParameterBag = {};
  try {
    for (const pair of raw.split('&')) {
      if (pair === '') {
        continue;
      }
      const separator = pair.indexOf('=');
      const name = decodeURIComponent(separator < 0 ? pair : pair.slice(0, separator));
      const value = separator < 0 ? '' : decodeURIComponent(pair.slice(separator + 1));
      const existing = query[name];
      query[name] = existing === undefined || existing === null ? value : [...(typeof existing === 'string' ? [existing] : existing), value];
    }
  } catch {
    return undefined;
  }
  return query;
}

async function expectedAuthorization(
  request: ReceivedRequest,
  headers: Readonly<Record<string, string>>,
  query: QueryParameterBag,
  authorization: ParsedAuthorization,
  secret: SigningSecret,
  signingDate: Date,
  normalizePath: boolean,
): Promise<{ signedHeaders: string; signature: string }> {
  const signedHeaderBag: Record<string, string> = {};
  for (const name of authorization.signedHeaders) {
    signedHeaderBag[name] = headers[name];
  }
  const toSign: HttpRequest = {
    method: request.method,
    protocol: 'https:',
    hostname: headers.host,
    // With normalisation off, smithy leaves the path alone entirely, so the per-segment encoding is done here.
    path: normalizePath ? request.path : request.path.split('/').map(uriEncode).join('/'),
    query,
    headers: signedHeaderBag,
    body: request.body,
  };
  // No session token in the credentials: the signer would add it as a signed header, whether or not the client did.
  const signer = new SignatureV4({
    service: authorization.service,
    region: authorization.region,
    credentials: { accessKeyId: authorization.accessKeyId, secretAccessKey: secret.secretAccessKey },
    sha256: Sha256,
    applyChecksum: false,
    uriEscapePath: normalizePath,
  });
  const signed = await signer.sign(toSign, { signingDate, signableHeaders: new Set(authorization.signedHeaders) });
  const match = /SignedHeaders=([^,]*), Signature=([0-9a-f]+)/.exec(signed.headers.authorization ?? '');
  return { signedHeaders: match?.[1] ?? '', signature: match?.[2] ?? '' };
}

/** SigV4's URI encoding: everything but the unreserved characters A-Z a-z 0-9 - . _ ~ is percent-encoded. */
function uriEncode(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Constant time, so response timing does not reveal how much of a forged signature or token was right. */
function sameText(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
