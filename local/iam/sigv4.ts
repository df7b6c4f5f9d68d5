/**
 * Server-side AWS Signature Version 4 verification for the local cloud.
 *
 * The signature is recomputed through the public API of the project's one SigV4 core (lambda/shared/sigv4.ts:
 * @smithy/signature-v4 hashing with node:crypto): the request as received, with exactly the headers the
 * signature names, is signed again with `SignatureV4#sign(request, { signingDate, signingRegion, signingService })`
 * under the credential scope and date it claims, and the two signatures are compared in constant time
 * (crypto.timingSafeEqual). What goes into that request: the method; the path exactly as sent (the library normalises
 * and URI-encodes it once more, as every AWS service but S3 does); the query as received; the headers named in
 * SignedHeaders, nothing else; the body as received (its SHA-256 is the library's; a hash the client declares in
 * X-Amz-Content-Sha256 is never trusted). Both forms are accepted: the Authorization header and the presigned query
 * string, whose canonical request is the same with the X-Amz-* parameters in the query and no X-Amz-Date header.
 * Canonicalisation, string to sign and key derivation are the library's, nowhere here.
 *
 * Failures answer with AWS's error types and wording; no message ever holds a secret key, a session token, an API
 * key or a signature (the canonical request shown on a mismatch, as AWS shows it, has those values redacted).
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import type { HeaderBag, HttpRequest, QueryParameterBag, RequestSigningArguments } from '@smithy/types';
import {
  authorizationParts,
  createSigV4Signer,
  explainSigning,
  payloadHash,
  SIGV4_ALGORITHM,
  SIGV4_MAX_PRESIGNED_SECONDS,
  SIGV4_SCOPE_TERMINATOR,
  type SigV4SignerConfig,
} from '../../lambda/shared/sigv4';
import { firstValue, parseQuery, type QueryParameters } from '../http';

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

export { SIGV4_ALGORITHM };
/** AWS accepts a signature made up to 5 minutes before or after its clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
/** A presigned URL lives at most 7 days. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = SIGV4_MAX_PRESIGNED_SECONDS;

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. ' +
  'Consult the service documentation for details.';
export const INVALID_TOKEN_MESSAGE = 'The security token included in the request is invalid.';
/**
 * A choice of the local cloud, not AWS's behaviour: AWS also accepts a signature dated by the HTTP Date header. The
 * library signs X-Amz-Date always and never a Date header, so such a request cannot be recomputed through it; every
 * AWS SDK, the AWS CLI and curl --aws-sigv4 sign X-Amz-Date.
 */
export const DATE_HEADER_UNSUPPORTED_MESSAGE =
  "The local cloud verifies SigV4 signatures dated by X-Amz-Date only: sign 'X-Amz-Date' (as every AWS SDK, the AWS CLI " +
  "and curl --aws-sigv4 do) and leave the 'Date' header unsigned.";

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** Header values never echoed back in the canonical request of a mismatch message. */
const REDACTED_HEADERS = new Set(['x-amz-security-token', 'x-api-key', 'authorization', 'cookie']);
const PAYLOAD_HASH_HEADER = 'x-amz-content-sha256';
const DATE_HEADER = 'x-amz-date';
/** Passed when X-Amz-Date is not a signed header (the presigned form): the library would sign it otherwise. */
const UNSIGNED_DATE = new Set([DATE_HEADER]);

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
  if (signature.terminator !== SIGV4_SCOPE_TERMINATOR) {
    return refuse(
      'InvalidSignatureException',
      `Credential should be scoped with a valid terminator: '${SIGV4_SCOPE_TERMINATOR}', not '${signature.terminator}'.`,
    );
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
  if (signature.signedHeaders.includes('date')) return refuse('IncompleteSignatureException', DATE_HEADER_UNSUPPORTED_MESSAGE);

  // Who signed: an unknown key, a missing or wrong session token, or a token sent with long-term keys.
  const secret = lookup(signature.accessKeyId);
  if (!secret || !sameSessionToken(secret.sessionToken, signature.sessionToken)) {
    return refuse('UnrecognizedClientException', INVALID_TOKEN_MESSAGE);
  }

  // The request as it was signed: exactly the signed headers (repeated ones joined as SigV4 joins them), the query
  // as received (X-Amz-Signature is left out by the library), the body as received.
  const signedHeaderBag: HeaderBag = {};
  for (const name of signature.signedHeaders) {
    const values = headers.get(name);
    if (values !== undefined) signedHeaderBag[name] = values.length === 1 ? values[0] : values.map(trimHeaderValue).join(',');
  }
  const normalize = options.normalizePath ?? true;
  const toSign: HttpRequest = {
    method: request.method.toUpperCase(),
    protocol: 'https:',
    hostname: '',
    // With normalisation off, the library leaves the path as it is: the one URI-encoding is applied here instead.
    path: normalize ? request.path : request.path.split('/').map(uriEncode).join('/'),
    query: query as QueryParameterBag,
    headers: signedHeaderBag,
    body: request.body,
  };
  // The secret only: a session token is in the request already (header or query) when it was signed, and the library
  // would add the header otherwise.
  const config: SigV4SignerConfig = {
    service: signature.service,
    region: signature.region,
    credentials: { accessKeyId: signature.accessKeyId, secretAccessKey: secret.secretAccessKey },
    uriEscapePath: normalize,
  };
  const signingArguments: RequestSigningArguments = {
    signingDate: signature.signingDate,
    signingRegion: signature.region,
    signingService: signature.service,
    // Signed headers the library would otherwise never sign (user-agent…) are signed when the client signed them.
    signableHeaders: new Set(signature.signedHeaders),
    ...(signature.signedHeaders.includes(DATE_HEADER) ? {} : { unsignableHeaders: UNSIGNED_DATE }),
  };
  const recomputed = authorizationParts(String((await createSigV4Signer(config).sign(toSign, signingArguments)).headers.authorization));

  // A body hash the client declares is a signed header like any other, and the payload line of the canonical request
  // is the hash of the body received: when the two differ, no signature can match (the library would take the
  // declared one as the payload's).
  const declaredHash = signedHeaderBag[PAYLOAD_HASH_HEADER];
  const bodyHash = declaredHash === undefined ? undefined : await payloadHash(request.body);
  const sameSignature = constantTimeEqual(recomputed?.signature ?? '', signature.signature.toLowerCase());
  // SignedHeaders as AWS requires it: lower case, sorted, each header present. The library signs that list; a list in
  // another order (or naming a header the request lacks) describes another canonical request and is refused.
  const sameSignedHeaders = recomputed?.signedHeaders === signature.signedHeaders.join(';');
  if (!sameSignature || !sameSignedHeaders || declaredHash !== bodyHash) {
    const explained = await explainSigning(config, toSign, signingArguments);
    let { canonicalRequest, stringToSign } = explained;
    if (bodyHash !== undefined && declaredHash !== bodyHash) {
      canonicalRequest = `${canonicalRequest.slice(0, canonicalRequest.lastIndexOf('\n') + 1)}${bodyHash}`;
      // The string to sign ends with the hex SHA-256 of the canonical request (payloadHash is that hash of any text).
      stringToSign = `${stringToSign.slice(0, stringToSign.lastIndexOf('\n') + 1)}${await payloadHash(canonicalRequest)}`;
    }
    return refuse('InvalidSignatureException', mismatchMessage(redactCanonicalRequest(canonicalRequest), stringToSign));
  }
  return { ok: true, accessKeyId: signature.accessKeyId, signedHeaders: signature.signedHeaders, form: signature.form };
}

function refuse(errorType: SigV4ErrorType, message: string): SigV4Result {
  return { ok: false, status: 403, errorType, message };
}

/** AWS's full mismatch message: the fixed sentence, then what the canonical request and string to sign should have been. */
function mismatchMessage(canonicalRequest: string, stringToSign: string): string {
  return `${SIGNATURE_MISMATCH_MESSAGE}\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`;
}

/** Values of the redacted headers, and a session token in the query, replaced by `<redacted>`. */
function redactCanonicalRequest(canonicalRequest: string): string {
  // method, path, query, one line per header, '', SignedHeaders, payload hash.
  const lines = canonicalRequest.split('\n');
  for (let index = 3; index < lines.length && lines[index] !== ''; index++) {
    const name = lines[index].slice(0, lines[index].indexOf(':'));
    if (REDACTED_HEADERS.has(name) && lines[index].length > name.length + 1) lines[index] = `${name}:<redacted>`;
  }
  // A presigned request carries its session token in the query.
  if (lines.length > 2) lines[2] = lines[2].replace(/((?:^|&)X-Amz-Security-Token=)[^&]*/g, '$1<redacted>');
  return lines.join('\n');
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

/**
 * One value of a repeated header, as SigV4 trims each before joining them with commas (the library canonicalises the
 * joined value the same way, which leaves the spaces around each comma: so each is trimmed here first).
 */
function trimHeaderValue(value: string): string {
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

type ParseOutcome = { ok: true; value: ParsedSignature } | { ok: false; failure: SigV4Result };

function parseSignature(headers: Map<string, string[]>, query: QueryParameters, allowPresigned: boolean): ParseOutcome {
  const authorization = headers.get('authorization')?.[0];
  if (authorization !== undefined) return parseAuthorizationHeader(authorization, headers);
  if (allowPresigned && firstValue(query, 'X-Amz-Signature') !== undefined) return parsePresigned(query);
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
  if (!date)
    return incomplete(`Date must be in ISO-8601 'basic format'. Got '${(amzDate ?? httpDate ?? '').slice(0, 64)}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  if (amzDate === undefined) return incomplete(DATE_HEADER_UNSUPPORTED_MESSAGE);
  const credential = parseCredential(fields.get('Credential') ?? '');
  if (!credential) return incomplete(`Credential must have the form '<access key id>/<YYYYMMDD>/<region>/<service>/${SIGV4_SCOPE_TERMINATOR}'.`);
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

function parsePresigned(query: QueryParameters): ParseOutcome {
  const required = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'];
  const missing = required.filter((name) => !firstValue(query, name));
  if (missing.length > 0) {
    return incomplete(`${missing.map((name) => `AWS query-string parameters must include '${name}'.`).join(' ')} Re-examine the query-string parameters.`);
  }
  if (firstValue(query, 'X-Amz-Algorithm') !== SIGV4_ALGORITHM) {
    return incomplete(`Unsupported X-Amz-Algorithm: only ${SIGV4_ALGORITHM} is accepted.`);
  }
  const rawDate = firstValue(query, 'X-Amz-Date') ?? '';
  const date = parseAmzDate(rawDate);
  if (!date) return incomplete(`Date must be in ISO-8601 'basic format'. Got '${rawDate.slice(0, 64)}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  const credential = parseCredential(firstValue(query, 'X-Amz-Credential') ?? '');
  if (!credential) return incomplete(`X-Amz-Credential must have the form '<access key id>/<YYYYMMDD>/<region>/<service>/${SIGV4_SCOPE_TERMINATOR}'.`);
  const rawExpires = firstValue(query, 'X-Amz-Expires');
  const expires = rawExpires === undefined ? MAX_PRESIGNED_EXPIRES_SECONDS : Number(rawExpires);
  if (!/^\d+$/.test(rawExpires ?? '0') || expires < 1 || expires > MAX_PRESIGNED_EXPIRES_SECONDS) {
    return incomplete(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGNED_EXPIRES_SECONDS} (a week).`);
  }
  return {
    ok: true,
    value: {
      form: 'query',
      ...credential,
      signedHeaders: (firstValue(query, 'X-Amz-SignedHeaders') ?? '').split(';').map((name) => name.trim().toLowerCase()),
      signature: firstValue(query, 'X-Amz-Signature') ?? '',
      amzDate: date.amzDate,
      signingDate: date.date,
      sessionToken: firstValue(query, 'X-Amz-Security-Token'),
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

/**
 * The `Date` header (RFC 7231), read when X-Amz-Date is absent: malformed, it is refused in AWS's words; well formed,
 * with DATE_HEADER_UNSUPPORTED_MESSAGE (the library cannot sign it).
 */
function parseHttpDate(value: string): { date: Date; amzDate: string } | undefined {
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) return undefined;
  const date = new Date(time);
  return { date, amzDate: formatAmzDate(date) };
}

export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
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
