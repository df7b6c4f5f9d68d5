/**
 * SigV4 request signing as the GraphQL client does it, factored out so the AWS test vectors can check it with their
 * own service, region, credentials and date (test/client/sigv4-vectors.test.ts).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { ALGORITHM_IDENTIFIER, SignatureV4, createScope, getCanonicalHeaders, getPayloadHash } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, HttpRequest, QueryParameterBag } from '@smithy/types';

export interface SignableRequest {
  readonly method: string;
  /** Host as it goes on the wire, with the port when it is not the default: fetch sends `URL.host`. */
  readonly host: string;
  /** Path as it goes on the wire; it is normalised and URI-encoded again for the canonical request, as AWS expects. */
  readonly path: string;
  /** Decoded names and values. */
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  /** Headers to sign besides host, x-amz-date and x-amz-security-token, which the signer sets. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface SigningParameters {
  readonly service: string;
  readonly region: string;
  readonly credentials: AwsCredentialIdentity;
  readonly signingDate: Date;
  /** Also send the body hash as `x-amz-content-sha256` (the hash is part of the signature either way). */
  readonly sendPayloadHashHeader?: boolean;
}

/** What goes on the wire: the headers to send (including host, which fetch sets itself). */
export interface SignedHeaders {
  readonly headers: Readonly<Record<string, string>>;
}

export interface SigningExplanation extends SignedHeaders {
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly authorization: string;
}

export async function signRequest(request: SignableRequest, parameters: SigningParameters): Promise<SignedHeaders> {
  const signed = await signerFor(parameters).sign(toSmithyRequest(request), { signingDate: parameters.signingDate });
  return { headers: { ...signed.headers } };
}

/** Signs like signRequest and also returns the intermediate strings, recomputed the way the signer computes them. */
export async function explainSigning(request: SignableRequest, parameters: SigningParameters): Promise<SigningExplanation> {
  return signerFor(parameters).explain(toSmithyRequest(request), parameters);
}

class ExplainingSignatureV4 extends SignatureV4 {
  async explain(request: HttpRequest, parameters: SigningParameters): Promise<SigningExplanation> {
    const signed = await this.sign(request, { signingDate: parameters.signingDate });
    // `authorization` is never a signed header, so the canonical headers of the signed request are the ones signed.
    const canonicalHeaders = getCanonicalHeaders(signed);
    const payloadHash = await getPayloadHash(signed, Sha256);
    const canonicalRequest = this.createCanonicalRequest(signed, canonicalHeaders, payloadHash);
    const { longDate, shortDate } = this.formatDate(parameters.signingDate);
    const scope = createScope(shortDate, parameters.region, parameters.service);
    const stringToSign = await this.createStringToSign(longDate, scope, canonicalRequest, ALGORITHM_IDENTIFIER);
    return { headers: { ...signed.headers }, canonicalRequest, stringToSign, authorization: signed.headers.authorization };
  }
}

function signerFor(parameters: SigningParameters): ExplainingSignatureV4 {
  return new ExplainingSignatureV4({
    service: parameters.service,
    region: parameters.region,
    credentials: parameters.credentials,
    sha256: Sha256,
    applyChecksum: parameters.sendPayloadHashHeader ?? false,
  });
}

function toSmithyRequest(request: SignableRequest): HttpRequest {
  const query: QueryParameterBag = {};
  for (const [name, value] of Object.entries(request.query ?? {})) {
    query[name] = typeof value === 'string' ? value : [...value];
  }
  const headers: Record<string, string> = { ...request.headers };
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'host')) {
    headers.host = request.host;
  }
  return {
    method: request.method,
    protocol: 'https:',
    hostname: request.host,
    path: request.path,
    query,
    headers,
    body: request.body,
  };
}
