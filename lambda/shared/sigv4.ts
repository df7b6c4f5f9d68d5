/**
 * SigV4 request signing as the GraphQL client does it, with Node's native SHA-256 and HMAC (node:crypto), factored
 * out so the AWS test vectors can check it with their own service, region, credentials and date
 * (test/client/sigv4-vectors.test.ts).
 *
 * It canonicalises exactly as @smithy/signature-v4 (the AWS SDK's signer) does with its defaults, which is what
 * AppSync and every AWS service but S3 expect: the path normalised (empty, `.` and `..` segments removed) and
 * URI-encoded once more; the query sorted and encoded; every header signed except the ones SigV4 never signs
 * (authorization, user-agent, connection…, proxy-*, sec-*); the session token signed as X-Amz-Security-Token.
 * Hand-written instead of using @smithy/signature-v4 + @aws-crypto/sha256-js because those cost ~20 KB of bundle
 * and, with the pure-JavaScript SHA-256, several times the CPU per signature (see README, Performance).
 */
import { createHash, createHmac } from 'node:crypto';

export interface SignableRequest {
  readonly method: string;
  /** Host as it goes on the wire, with the port when it is not the default: the client sends `URL.host`. */
  readonly host: string;
  /** Path as it goes on the wire; it is normalised and URI-encoded again for the canonical request, as AWS expects. */
  readonly path: string;
  /** Decoded names and values. */
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  /** Headers to sign besides host, x-amz-date and x-amz-security-token, which the signer sets. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SigningParameters {
  readonly service: string;
  readonly region: string;
  readonly credentials: SigningCredentials;
  readonly signingDate: Date;
  /** Also send the body hash as `x-amz-content-sha256` (the hash is part of the signature either way). */
  readonly sendPayloadHashHeader?: boolean;
}

/** What goes on the wire: the headers to send (including host). */
export interface SignedHeaders {
  readonly headers: Readonly<Record<string, string>>;
}

export interface SigningExplanation extends SignedHeaders {
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly authorization: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** Set by the signer: any value the caller passes is dropped first. */
const GENERATED_HEADERS = new Set(['authorization', 'x-amz-date', 'date']);
const UNSIGNABLE_HEADERS = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

/** Signs a request: the headers to send, `authorization`, `x-amz-date` (and the session token) included. */
export function signRequestSync(request: SignableRequest, parameters: SigningParameters): SignedHeaders {
  const { headers } = sign(request, parameters);
  return { headers };
}

/** As signRequestSync, for callers that await (the signature of the SDK's signer). */
export async function signRequest(request: SignableRequest, parameters: SigningParameters): Promise<SignedHeaders> {
  return signRequestSync(request, parameters);
}

/** Signs like signRequest and also returns the intermediate strings. */
export async function explainSigning(request: SignableRequest, parameters: SigningParameters): Promise<SigningExplanation> {
  return sign(request, parameters);
}

function sign(request: SignableRequest, parameters: SigningParameters): SigningExplanation {
  const { credentials, region, service } = parameters;
  if (typeof credentials?.accessKeyId !== 'string' || typeof credentials.secretAccessKey !== 'string') {
    throw new Error('Resolved credential object is not valid');
  }
  const headers: Record<string, string> = {};
  let hasHost = false;
  let declaredPayloadHash: string | undefined;
  for (const name of Object.keys(request.headers)) {
    const lower = name.toLowerCase();
    if (GENERATED_HEADERS.has(lower)) continue;
    if (lower === 'host') hasHost = true;
    if (lower === 'x-amz-content-sha256') declaredPayloadHash = request.headers[name];
    headers[name] = request.headers[name];
  }
  if (!hasHost) headers.host = request.host;
  const longDate = parameters.signingDate.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  const shortDate = longDate.slice(0, 8);
  const scope = `${shortDate}/${region}/${service}/aws4_request`;
  headers['x-amz-date'] = longDate;
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const payloadHash =
    declaredPayloadHash ?? (request.body === undefined ? EMPTY_BODY_SHA256 : createHash('sha256').update(request.body, 'utf8').digest('hex'));
  if (declaredPayloadHash === undefined && parameters.sendPayloadHashHeader === true) headers['x-amz-content-sha256'] = payloadHash;

  const canonicalHeaders = new Map<string, string>();
  for (const name of Object.keys(headers).sort()) {
    const value = headers[name];
    if (value === undefined || value === null) continue;
    const lower = name.toLowerCase();
    if (UNSIGNABLE_HEADERS.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-')) continue;
    canonicalHeaders.set(lower, value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, ''));
  }
  const signedNames = [...canonicalHeaders.keys()].sort();
  const signedHeaders = signedNames.join(';');
  const canonicalRequest = [
    request.method,
    canonicalPath(request.path),
    canonicalQuery(request.query),
    ...signedNames.map((name) => `${name}:${canonicalHeaders.get(name)}`),
    '',
    signedHeaders,
    payloadHash,
  ].join('\n');
  const stringToSign = `${ALGORITHM}\n${longDate}\n${scope}\n${createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')}`;
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, shortDate, region, service)).update(stringToSign, 'utf8').digest('hex');
  const authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  headers.authorization = authorization;
  return { headers, canonicalRequest, stringToSign, authorization };
}

/** The last signing key derived: it changes once a day (or when the credentials rotate), so it is worth keeping. */
let lastKey: { readonly secret: string; readonly date: string; readonly region: string; readonly service: string; readonly key: Buffer } | undefined;

function signingKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  if (lastKey && lastKey.secret === secret && lastKey.date === shortDate && lastKey.region === region && lastKey.service === service) {
    return lastKey.key;
  }
  let key = createHmac('sha256', `AWS4${secret}`).update(shortDate, 'utf8').digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part, 'utf8').digest();
  lastKey = { secret, date: shortDate, region, service, key };
  return key;
}

/** Empty, `.` and `..` segments resolved, then every segment URI-encoded once more (AWS's rule for all but S3). */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return uriEscape(normalized).replace(/%2F/g, '/');
}

function canonicalQuery(query: SignableRequest['query']): string {
  if (query === undefined) return '';
  const serialized = new Map<string, string>();
  for (const key of Object.keys(query)) {
    if (key.toLowerCase() === 'x-amz-signature') continue;
    const encodedKey = uriEscape(key);
    const value = query[key];
    if (typeof value === 'string') {
      serialized.set(encodedKey, `${encodedKey}=${uriEscape(value)}`);
    } else if (Array.isArray(value)) {
      serialized.set(encodedKey, value.map((item: string) => `${encodedKey}=${uriEscape(item)}`).sort().join('&'));
    }
  }
  return [...serialized.keys()]
    .sort()
    .map((key) => serialized.get(key))
    .filter((entry) => entry)
    .join('&');
}

/** RFC 3986 encoding: everything but A-Z a-z 0-9 - . _ ~ percent-encoded (UTF-8). */
function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
