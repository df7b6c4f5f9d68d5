/**
 * Server-side AWS Signature Version 4 verification for the local cloud.
 *
 * The signature is recomputed from the request as received, with @smithy/signature-v4's own canonicalisation
 * (canonical path, query and headers, string to sign, signing key): method; path exactly as sent (normalised and
 * URI-encoded once more, as every AWS service but S3 does); query; the headers named in SignedHeaders, nothing
 * else; the SHA-256 of the body as received (never a hash the client declares); X-Amz-Date. Signatures are compared
 * with crypto.timingSafeEqual. Both forms are accepted: the Authorization header and the presigned query string.
 *
 * Failures answer with AWS's error types and wording; no message ever holds a secret key, a session token, an API
 * key or a signature (the canonical request shown on a mismatch, as AWS shows it, has those values redacted).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4, createScope, getCanonicalHeaders } from '@smithy/signature-v4';
import type { HeaderBag, HttpRequest, QueryParameterBag } from '@smithy/types';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SigV4Request {
  readonly method: string;
  /** The request-target's path, without `?` and the query, exactly as received (still percent-encoded). */
  readonly path: string;
  /** The query string without the leading `?`, exactly as received; '' when there is none. */
  readonly query: string;
  /** Header names in any case; a repeated header as an array of its values (Node's `req.headersDistinct`). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
}

export interface SigningSecret {
  readonly secretAccessKey: string;
  /** Temporary credentials: the request must carry exactly this X-Amz-Security-Token. */
  readonly sessionToken?: string;
}

export type CredentialLookup = (accessKeyId: string) => SigningSecret | undefined;

export interface SigV4VerifyOptions {
  /** The server's clock. */
  readonly now: Date;
  /** The signing name the credential scope must name, e.g. `appsync`. */
  readonly service: string;
  /** The region the credential scope must name; any region when omitted. */
  readonly region?: string;
  /**
   * Remove empty, `.` and `..` path segments before encoding (every AWS service but S3). Default true; false only
   * for the test suite's `normalize: false` (S3-style) vectors.
   */
  readonly normalizePath?: boolean;
  /** Accept the presigned-URL form (X-Amz-Signature in the query). Default true. */
  readonly allowPresigned?: boolean;
}

export type SigV4ErrorType = 'InvalidSignatureException' | 'UnrecognizedClientException' | 'IncompleteSignatureException';

export type SigV4Result =
  | { readonly ok: true; readonly accessKeyId: string; readonly signedHeaders: readonly string[]; readonly form: 'header' | 'query' }
  | { readonly ok: false; readonly status: 403; readonly errorType: SigV4ErrorType; readonly message: string };

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** AWS accepts a signature made up to 5 minutes before or after its clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
/** A presigned URL lives at most 7 days. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 7 * 24 * 60 * 60;

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. ' +
  'Consult the service documentation for details.';
export const INVALID_TOKEN_MESSAGE = 'The security token included in the request is invalid.';

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** Header values never echoed back in the canonical request of a mismatch message. */
const REDACTED_HEADERS = new Set(['x-amz-security-token', 'x-api-key', 'authorization', 'cookie']);

interface ParsedSignature {
  readonly form: 'header' | 'query';
  readonly accessKeyId: string;
  readonly scopeDate: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly amzDate: string;
  readonly signingDate: Date;
  readonly sessionToken: string | undefined;
  /** Presigned only. */
  readonly expiresSeconds?: number;
}

/** Gives access to smithy's canonical request builder (protected in SignatureV4Base). */
class CanonicalSigner extends SignatureV4 {
  constructor(uriEscapePath: boolean) {
    super({ service: 'unused', region: 'unused', credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' }, sha256: Sha256, uriEscapePath });
  }

  canonicalRequest(request: HttpRequest, canonicalHeaders: HeaderBag, payloadHash: string): string {
    return this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
  }
}

const NORMALIZING_SIGNER = new CanonicalSigner(true);
const VERBATIM_SIGNER = new CanonicalSigner(false);

export async function verifySigV4(request: SigV4Request, lookup: CredentialLookup, options: SigV4VerifyOptions): Promise<SigV4Result> {
  try {
    return await verify(request, lookup, options);
  } catch {
    // A request can be odd in ways not foreseen here; it is refused, never crashes the server.
    return refuse('IncompleteSignatureException', 'The request could not be parsed for signature verification.');
  }
}

async function verify(request: SigV4Request, lookup: CredentialLookup, options: SigV4VerifyOptions): Promise<SigV4Result> {
  const headers = collectHeaders(request.headers);
  const query = parseQuery(request.query);
  const parsed = parseSignature(headers, query, options.allowPresigned ?? true);
  if (!parsed.ok) return parsed.failure;
  const signature = parsed.value;

  // Credential scope.
  if (signature.scopeDate !== signature.amzDate.slice(0, 8)) {
    return refuse(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${signature.scopeDate}' != '${signature.amzDate.slice(0, 8)}', from '${signature.amzDate}'.`,
    );
  }
  if (signature.terminator !== 'aws4_request') {
    return refuse('InvalidSignatureException', `Credential should be scoped with a valid terminator: 'aws4_request', not '${signature.terminator}'.`);
  }
  if (options.region !== undefined && signature.region !== options.region) {
    return refuse('InvalidSignatureException', `Credential should be scoped to a valid region, not '${signature.region}'.`);
  }
  if (signature.service !== options.service) {
    return refuse('InvalidSignatureException', `Credential should be scoped to correct service: '${options.service}'.`);
  }

  // Time.
  const timeProblem = checkTime(signature, options.now);
  if (timeProblem !== undefined) return refuse('InvalidSignatureException', timeProblem);

  if (!signature.signedHeaders.includes('host')) {
    return refuse('IncompleteSignatureException', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }

  // Who signed: an unknown key, a missing or wrong session token, or a token sent with long-term keys.
  const secret = lookup(signature.accessKeyId);
  if (!secret || !sameSessionToken(secret.sessionToken, signature.sessionToken)) {
    return refuse('UnrecognizedClientException', INVALID_TOKEN_MESSAGE);
  }

  // The body: always hashed here. A client's X-Amz-Content-Sha256 is only a (signed) header: if it does not describe
  // the body received, the signature cannot match, and the caller gets the ordinary mismatch answer.
  const bodyHash = createHash('sha256').update(request.body).digest('hex');

  // The signature.
  const signedHeaderBag: HeaderBag = {};
  for (const name of signature.signedHeaders) {
    const values = headers.get(name);
    if (values !== undefined) signedHeaderBag[name] = values.map((value) => canonicalHeaderValue(value)).join(',');
  }
  const canonicalHeaders = getCanonicalHeaders({ headers: signedHeaderBag } as HttpRequest, undefined, new Set(signature.signedHeaders));
  const canonicalQuery: QueryParameterBag = { ...query.bag };
  if (signature.form === 'query') delete canonicalQuery['X-Amz-Signature'];
  const normalize = options.normalizePath ?? true;
  const toSign = {
    method: request.method.toUpperCase(),
    protocol: 'https:',
    hostname: '',
    // With normalisation off, smithy leaves the path as it is: the one URI-encoding is applied here instead.
    path: normalize ? request.path : request.path.split('/').map(uriEncode).join('/'),
    query: canonicalQuery,
    headers: signedHeaderBag,
  } as HttpRequest;
  const signer = normalize ? NORMALIZING_SIGNER : VERBATIM_SIGNER;
  const canonicalRequest = signer.canonicalRequest(toSign, canonicalHeaders, bodyHash);
  const scope = createScope(signature.scopeDate, signature.region, signature.service);
  // The string to sign and the signing key as smithy builds them, with node:crypto (several times faster than the
  // pure-JavaScript SHA-256 the SDK's signer is given in browsers and here).
  const stringToSign = `${SIGV4_ALGORITHM}\n${signature.amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')}`;
  const signingKey = derivedSigningKey(secret.secretAccessKey, signature.scopeDate, signature.region, signature.service);
  const expected = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  if (!constantTimeEqual(expected, signature.signature.toLowerCase())) {
    return refuse('InvalidSignatureException', mismatchMessage(redactCanonicalRequest(canonicalRequest, signature.signedHeaders, canonicalHeaders), stringToSign));
  }
  return { ok: true, accessKeyId: signature.accessKeyId, signedHeaders: signature.signedHeaders, form: signature.form };
}

/** Derived keys change once a day per secret: the last few are kept (bounded, oldest dropped first). */
const SIGNING_KEY_CACHE_ENTRIES = 50;
const signingKeys = new Map<string, Buffer>();

function derivedSigningKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${date}\n${region}\n${service}\n${secretAccessKey}`;
  const cached = signingKeys.get(cacheKey);
  if (cached) return cached;
  let key = createHmac('sha256', `AWS4${secretAccessKey}`).update(date, 'utf8').digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part, 'utf8').digest();
  signingKeys.set(cacheKey, key);
  if (signingKeys.size > SIGNING_KEY_CACHE_ENTRIES) signingKeys.delete(signingKeys.keys().next().value as string);
  return key;
}

function refuse(errorType: SigV4ErrorType, message: string): SigV4Result {
  return { ok: false, status: 403, errorType, message };
}

/** AWS's full mismatch message: the fixed sentence, then what the canonical request and string to sign should have been. */
function mismatchMessage(canonicalRequest: string, stringToSign: string): string {
  return `${SIGNATURE_MISMATCH_MESSAGE}\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`;
}

function redactCanonicalRequest(canonicalRequest: string, signedHeaders: readonly string[], canonicalHeaders: HeaderBag): string {
  let redacted = canonicalRequest;
  for (const name of signedHeaders) {
    const value = canonicalHeaders[name];
    if (REDACTED_HEADERS.has(name) && value) redacted = redacted.split(`\n${name}:${value}\n`).join(`\n${name}:<redacted>\n`);
  }
  // A presigned request carries its session token in the query.
  return redacted.replace(/([?&\n]X-Amz-Security-Token=)[^&\n]*/g, '$1<redacted>');
}

function collectHeaders(raw: SigV4Request['headers']): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const values = typeof value === 'string' ? [value] : [...value];
    headers.set(key, [...(headers.get(key) ?? []), ...values]);
  }
  return headers;
}

/** SigV4 header canonicalisation: trimmed, runs of spaces (and folded line breaks) collapsed to one space. */
function canonicalHeaderValue(value: string): string {
  return value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').trim();
}

interface ParsedQuery {
  readonly bag: QueryParameterBag;
  /** First value of each parameter, by exact name. */
  readonly first: Map<string, string>;
}

/** Percent-decoded (a `+` is a space, as clients that build URLs with URLSearchParams mean it); repeated names as arrays. */
function parseQuery(raw: string): ParsedQuery {
  const bag: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  const first = new Map<string, string>();
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const separator = pair.indexOf('=');
    const name = decode(separator < 0 ? pair : pair.slice(0, separator));
    const value = separator < 0 ? '' : decode(pair.slice(separator + 1));
    const existing = bag[name];
    bag[name] = existing === undefined ? value : [...(typeof existing === 'string' ? [existing] : existing), value];
    if (!first.has(name)) first.set(name, value);
  }
  return { bag: bag as QueryParameterBag, first };
}

function decode(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // Not valid percent-encoding: kept as sent; the signature will tell whether the client meant it.
    return spaced;
  }
}

type ParseOutcome = { ok: true; value: ParsedSignature } | { ok: false; failure: SigV4Result };

function parseSignature(headers: Map<string, string[]>, query: ParsedQuery, allowPresigned: boolean): ParseOutcome {
  const authorization = headers.get('authorization')?.[0];
  if (authorization !== undefined) return parseAuthorizationHeader(authorization, headers);
  if (allowPresigned && query.first.has('X-Amz-Signature')) return parsePresigned(query);
  return incomplete('Request is missing Authentication Token');
}

function parseAuthorizationHeader(authorization: string, headers: Map<string, string[]>): ParseOutcome {
  const trimmed = authorization.trim();
  const space = trimmed.indexOf(' ');
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) {
    return incomplete(`Unsupported Authorization Type: '${algorithm.slice(0, 40)}'. Only ${SIGV4_ALGORITHM} is accepted.`);
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(space + 1).split(',')) {
    const separator = part.indexOf('=');
    if (separator > 0) fields.set(part.slice(0, separator).trim(), part.slice(separator + 1).trim());
  }
  const problems: string[] = [];
  if (!fields.get('Credential')) problems.push("Authorization header requires 'Credential' parameter.");
  if (!fields.get('Signature')) problems.push("Authorization header requires 'Signature' parameter.");
  if (!fields.get('SignedHeaders')) problems.push("Authorization header requires 'SignedHeaders' parameter.");
  const amzDate = headers.get('x-amz-date')?.[0]?.trim();
  const httpDate = headers.get('date')?.[0]?.trim();
  if (amzDate === undefined && httpDate === undefined) {
    problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (problems.length > 0) return incomplete(problems.join(' '));
  const date = amzDate !== undefined ? parseAmzDate(amzDate) : parseHttpDate(httpDate ?? '');
  if (!date) return incomplete(`Date must be in ISO-8601 'basic format'. Got '${(amzDate ?? httpDate ?? '').slice(0, 64)}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  const credential = parseCredential(fields.get('Credential') ?? '');
  if (!credential) return incomplete("Credential must have the form '<access key id>/<YYYYMMDD>/<region>/<service>/aws4_request'.");
  return {
    ok: true,
    value: {
      form: 'header',
      ...credential,
      signedHeaders: (fields.get('SignedHeaders') ?? '').split(';').map((name) => name.trim().toLowerCase()),
      signature: fields.get('Signature') ?? '',
      amzDate: date.amzDate,
      signingDate: date.date,
      sessionToken: headers.get('x-amz-security-token')?.[0],
    },
  };
}

function parsePresigned(query: ParsedQuery): ParseOutcome {
  const required = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'];
  const missing = required.filter((name) => !query.first.get(name));
  if (missing.length > 0) {
    return incomplete(`${missing.map((name) => `AWS query-string parameters must include '${name}'.`).join(' ')} Re-examine the query-string parameters.`);
  }
  if (query.first.get('X-Amz-Algorithm') !== SIGV4_ALGORITHM) {
    return incomplete(`Unsupported X-Amz-Algorithm: only ${SIGV4_ALGORITHM} is accepted.`);
  }
  const rawDate = query.first.get('X-Amz-Date') ?? '';
  const date = parseAmzDate(rawDate);
  if (!date) return incomplete(`Date must be in ISO-8601 'basic format'. Got '${rawDate.slice(0, 64)}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  const credential = parseCredential(query.first.get('X-Amz-Credential') ?? '');
  if (!credential) return incomplete("X-Amz-Credential must have the form '<access key id>/<YYYYMMDD>/<region>/<service>/aws4_request'.");
  const rawExpires = query.first.get('X-Amz-Expires');
  const expires = rawExpires === undefined ? MAX_PRESIGNED_EXPIRES_SECONDS : Number(rawExpires);
  if (!/^\d+$/.test(rawExpires ?? '0') || expires < 1 || expires > MAX_PRESIGNED_EXPIRES_SECONDS) {
    return incomplete(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGNED_EXPIRES_SECONDS} (a week).`);
  }
  return {
    ok: true,
    value: {
      form: 'query',
      ...credential,
      signedHeaders: (query.first.get('X-Amz-SignedHeaders') ?? '').split(';').map((name) => name.trim().toLowerCase()),
      signature: query.first.get('X-Amz-Signature') ?? '',
      amzDate: date.amzDate,
      signingDate: date.date,
      sessionToken: query.first.get('X-Amz-Security-Token'),
      expiresSeconds: expires,
    },
  };
}

function incomplete(message: string): ParseOutcome {
  return { ok: false, failure: refuse('IncompleteSignatureException', message) };
}

function parseCredential(credential: string): Pick<ParsedSignature, 'accessKeyId' | 'scopeDate' | 'region' | 'service' | 'terminator'> | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((part) => part === '') || !/^\d{8}$/.test(parts[1])) return undefined;
  const [accessKeyId, scopeDate, region, service, terminator] = parts;
  return { accessKeyId, scopeDate, region, service, terminator };
}

function parseAmzDate(value: string): { date: Date; amzDate: string } | undefined {
  const match = AMZ_DATE.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (Number.isNaN(date.getTime()) || formatAmzDate(date) !== value) return undefined;
  return { date, amzDate: value };
}

/** The `Date` header (RFC 7231), accepted when X-Amz-Date is absent. */
function parseHttpDate(value: string): { date: Date; amzDate: string } | undefined {
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) return undefined;
  const date = new Date(time);
  return { date, amzDate: formatAmzDate(date) };
}

export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** AWS's wording, both directions, so clients and people recognise it. */
function checkTime(signature: ParsedSignature, now: Date): string | undefined {
  const signed = signature.signingDate.getTime();
  const current = now.getTime();
  if (signature.form === 'query' && signature.expiresSeconds !== undefined) {
    const expiresAt = signed + signature.expiresSeconds * 1000;
    if (current > expiresAt) {
      const earliest = formatAmzDate(new Date(current - signature.expiresSeconds * 1000));
      return `Signature expired: ${signature.amzDate} is now earlier than ${earliest} (${formatAmzDate(now)} - ${signature.expiresSeconds} sec.)`;
    }
  } else if (current - signed > MAX_CLOCK_SKEW_MS) {
    return `Signature expired: ${signature.amzDate} is now earlier than ${formatAmzDate(new Date(current - MAX_CLOCK_SKEW_MS))} (${formatAmzDate(now)} - 5 min.)`;
  }
  if (signed - current > MAX_CLOCK_SKEW_MS) {
    return `Signature not yet current: ${signature.amzDate} is still later than ${formatAmzDate(new Date(current + MAX_CLOCK_SKEW_MS))} (${formatAmzDate(now)} + 5 min.)`;
  }
  return undefined;
}

function sameSessionToken(expected: string | undefined, received: string | undefined): boolean {
  if (expected === undefined || received === undefined) return expected === received;
  return constantTimeEqual(expected, received);
}

/** Constant-time comparison of two strings of any length (compared through their SHA-256 digests). */
export function constantTimeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB) && a.length === b.length;
}

/** SigV4's URI encoding: all but the unreserved characters A-Z a-z 0-9 - . _ ~ percent-encoded (UTF-8). */
function uriEncode(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
