/**
 * The project's one SigV4 core. The IAM callers (./iam-auth), the local cloud's verifier (local/iam/sigv4.ts), the
 * invoke CLI, the benchmark and the tests all sign through it, and nothing else in lambda/ or local/ canonicalises a
 * request, builds a string to sign or derives a signing key.
 *
 * It is @smithy/signature-v4, the AWS SDK's own signer, used the way Powertools for AWS Lambda's signer uses it
 * (packages/signer/src/Sha256.ts there): everything is the library's (canonical request, string to sign, key
 * derivation and its cache) except the hash, which is node:crypto's SHA-256 and HMAC-SHA256 (`Sha256` below) instead
 * of the pure-JavaScript @aws-crypto/sha256-js: several times less CPU per signature and less bundle. The library
 * canonicalises as AppSync and every AWS service but S3 expect: the path normalised (empty, `.` and `..` segments
 * removed) and URI-encoded once more, the query sorted and encoded, every header signed except the ones SigV4 never
 * signs (authorization, user-agent, connection…, proxy-*, sec-*), the session token signed as X-Amz-Security-Token.
 *
 * The AWS SigV4 test suite checks it (test/lambda/shared/sigv4-vectors.test.ts), and the verifier with it
 * (test/local/iam/sigv4.test.ts).
 */

import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { ALGORITHM_IDENTIFIER, getPayloadHash, KEY_TYPE_IDENTIFIER, MAX_PRESIGNED_TTL, SignatureV4 } from '@smithy/signature-v4';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  Checksum,
  ChecksumConstructor,
  HttpRequest,
  QueryParameterBag,
  RequestSigningArguments,
  SourceData,
} from '@smithy/types';

/** `AWS4-HMAC-SHA256`, the algorithm of every signature here (the library's constant). */
export const SIGV4_ALGORITHM: string = ALGORITHM_IDENTIFIER;
/** The last part of every credential scope (the library's constant). */
export const SIGV4_SCOPE_TERMINATOR: string = KEY_TYPE_IDENTIFIER;
/** A presigned URL lives at most 7 days, in seconds (the library's constant). */
export const SIGV4_MAX_PRESIGNED_SECONDS: number = MAX_PRESIGNED_TTL;

/**
 * SHA-256, or HMAC-SHA256 when constructed with a secret, on node:crypto: the `Checksum` the library hashes and
 * derives keys with. `digest()` may be called more than once (it returns the same digest); `update()` after `digest()`
 * throws, as @aws-crypto/sha256-js does, until `reset()` starts over with the same secret.
 */
export class Sha256 implements Checksum {
  readonly #secret: Uint8Array | string | undefined;
  #hash: Hash | Hmac;
  #result: Uint8Array | undefined;

  constructor(secret?: SourceData) {
    // Kept (a copy, in a private field) only so that reset() can start the HMAC over: the library itself makes one
    // instance per hash and never resets, as Powertools' no-op reset() assumes.
    const key = secret === undefined ? undefined : bytesOf(secret);
    this.#secret = typeof key === 'object' ? key.slice() : key;
    this.#hash = this.#start();
  }

  update(data: SourceData): void {
    if (this.#result !== undefined) throw new Error('Attempted to update an already finished hash.');
    this.#hash.update(bytesOf(data));
  }

  async digest(): Promise<Uint8Array> {
    return this.digestSync();
  }

  /** The digest without a promise. */
  digestSync(): Uint8Array {
    if (this.#result === undefined) {
      const digest = this.#hash.digest();
      this.#result = new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
    }
    return this.#result.slice();
  }

  reset(): void {
    this.#hash = this.#start();
    this.#result = undefined;
  }

  #start(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', this.#secret);
  }
}

/** node:crypto takes strings and views, not a bare ArrayBuffer. */
function bytesOf(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

export interface SigV4SignerConfig {
  /** The signing name, e.g. `appsync`, `lambda`. */
  readonly service: string;
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Also send the body's hash as `x-amz-content-sha256` (it is part of the signature either way). Default false. */
  readonly applyChecksum?: boolean;
  /**
   * Normalise the path and URI-encode it once more (every AWS service but S3). Default true; false leaves the path
   * exactly as given (S3).
   */
  readonly uriEscapePath?: boolean;
  /** The hash; `Sha256` unless told otherwise (explainSigning passes one that records what it hashed). */
  readonly sha256?: ChecksumConstructor;
}

/** The library's signer, hashing with node:crypto. `sign()` and `presign()` are the library's, unchanged. */
export function createSigV4Signer(config: SigV4SignerConfig): SignatureV4 {
  return new SignatureV4({
    service: config.service,
    region: config.region,
    credentials: config.credentials,
    sha256: config.sha256 ?? Sha256,
    applyChecksum: config.applyChecksum ?? false,
    uriEscapePath: config.uriEscapePath ?? true,
  });
}

/** What a caller signs: the request as it will be sent. */
export interface SignableRequest {
  readonly method: string;
  /**
   * Where it goes: its host (with the port when it is not the default) is signed as `host`, its path as on the wire
   * (normalised and URI-encoded once more for the canonical request, as AWS expects), its query decoded.
   */
  readonly url: URL;
  /** Headers to sign besides host, x-amz-date and x-amz-security-token, which the signer sets. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

export interface SigningParameters {
  readonly service: string;
  readonly region: string;
  readonly credentials: AwsCredentialIdentity;
  /** Default: now. Sign each attempt at the time it is sent. */
  readonly signingDate?: Date;
  /** Also send the body hash as `x-amz-content-sha256`. Default false. */
  readonly sendPayloadHashHeader?: boolean;
}

/** What goes on the wire: the headers to send, `host`, `authorization`, `x-amz-date` (and the session token) included. */
export interface SignedHeaders {
  readonly headers: Readonly<Record<string, string>>;
}

/** Signs a request as the GraphQL client sends it. */
export async function signRequest(request: SignableRequest, parameters: SigningParameters): Promise<SignedHeaders> {
  const signer = createSigV4Signer({
    service: parameters.service,
    region: parameters.region,
    credentials: parameters.credentials,
    applyChecksum: parameters.sendPayloadHashHeader === true,
  });
  const signed = await signer.sign(toHttpRequest(request), { signingDate: parameters.signingDate ?? new Date() });
  return { headers: signed.headers };
}

/** A SignableRequest in the library's shape: the URL's host as the `host` header, its query decoded (repeats as lists). */
export function toHttpRequest(request: SignableRequest): HttpRequest {
  const { url } = request;
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const existing = query[name];
    query[name] = existing === undefined ? value : [...(typeof existing === 'string' ? [existing] : existing), value];
  }
  return {
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query: query as QueryParameterBag,
    headers: { ...request.headers, host: url.host },
    body: request.body,
  };
}

/** The parts of an `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` header. */
export interface AuthorizationParts {
  readonly credential: string;
  readonly signedHeaders: string;
  readonly signature: string;
}

/** Reads the Authorization header the library writes; undefined for anything else. */
export function authorizationParts(authorization: string | undefined): AuthorizationParts | undefined {
  const match = /^AWS4-HMAC-SHA256 Credential=([^,]*), SignedHeaders=([^,]*), Signature=([0-9a-f]+)$/.exec(authorization ?? '');
  return match ? { credential: match[1], signedHeaders: match[2], signature: match[3] } : undefined;
}

export interface SigningExplanation {
  /** The signed request, as `sign()` returns it. */
  readonly request: HttpRequest;
  readonly authorization: string;
  readonly signedHeaders: string;
  readonly signature: string;
  /** What the library hashed: the canonical request, and the string to sign its signature is the HMAC of. */
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

/**
 * Signs with `sign()` as createSigV4Signer's signer would, through a hash that records what it is given, and returns
 * the canonical request and the string to sign along with the signature: the library's own intermediate strings (it
 * does not expose them), for tests and for the verifier's mismatch message. Slower than `sign()`: not for every request.
 */
export async function explainSigning(
  config: Omit<SigV4SignerConfig, 'sha256'>,
  request: HttpRequest,
  options: RequestSigningArguments = {},
): Promise<SigningExplanation> {
  const recorder = recordingSha256();
  const signed = await createSigV4Signer({ ...config, sha256: recorder.Sha256 }).sign(request, options);
  const authorization = String(signed.headers.authorization ?? '');
  const parts = authorizationParts(authorization);
  // The signature is the HMAC of the string to sign, whose last line is the hex SHA-256 of the canonical request.
  const stringToSign = recorder.keyed.find((input) => input.startsWith(`${SIGV4_ALGORITHM}\n`)) ?? '';
  const canonicalHash = stringToSign.slice(stringToSign.lastIndexOf('\n') + 1);
  const canonicalRequest = recorder.unkeyed.find((entry) => entry.hex === canonicalHash)?.input ?? '';
  if (!parts || stringToSign === '' || canonicalRequest === '') {
    throw new Error('explainSigning: the signer did not hash a canonical request and a string to sign as SigV4 does');
  }
  return { request: signed, authorization, signedHeaders: parts.signedHeaders, signature: parts.signature, canonicalRequest, stringToSign };
}

/** A Sha256 constructor that also keeps, as UTF-8 text, what each instance was given (keyed: HMAC inputs). */
function recordingSha256(): { Sha256: ChecksumConstructor; keyed: string[]; unkeyed: Array<{ input: string; hex: string }> } {
  const keyed: string[] = [];
  const unkeyed: Array<{ input: string; hex: string }> = [];
  class RecordingSha256 implements Checksum {
    readonly #hash: Sha256;
    readonly #keyed: boolean;
    readonly #chunks: Buffer[] = [];

    constructor(secret?: SourceData) {
      this.#hash = new Sha256(secret);
      this.#keyed = secret !== undefined;
    }

    update(data: SourceData): void {
      this.#hash.update(data);
      const bytes = bytesOf(data);
      this.#chunks.push(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes));
    }

    async digest(): Promise<Uint8Array> {
      const digest = this.#hash.digestSync();
      const input = Buffer.concat(this.#chunks).toString('utf8');
      if (this.#keyed) keyed.unshift(input);
      else unkeyed.unshift({ input, hex: Buffer.from(digest).toString('hex') });
      return digest;
    }

    reset(): void {
      this.#hash.reset();
      this.#chunks.length = 0;
    }
  }
  return { Sha256: RecordingSha256, keyed, unkeyed };
}

/** The hex SHA-256 of a body (of any text), as the library computes it for the payload line of a canonical request. */
export function payloadHash(body: string | Uint8Array | undefined): Promise<string> {
  return getPayloadHash({ method: 'POST', protocol: 'https:', hostname: '', path: '/', query: {}, headers: {}, body }, Sha256);
}
