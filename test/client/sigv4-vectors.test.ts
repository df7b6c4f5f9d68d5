/**
 * The AWS SigV4 test suite against the signing code the client uses (lambda/shared/sigv4.ts). The suite lives outside
 * the repository and is read in place (test/support/sigv4-suite.ts); the same vectors check the local AppSync's
 * verifier in test/local-appsync/sigv4.test.ts.
 */
import { explainSigning } from '../../lambda/shared/sigv4';
import { type SigV4Vector, decodedQuery, joinedHeaders, openSigV4Suite } from '../support/sigv4-suite';

const suite = openSigV4Suite('sigv4-vectors (the client signer)');
const { vectors } = suite;

/**
 * Where @smithy/signature-v4 deliberately signs differently from a vector. The client signs only for AppSync, so
 * these differences never reach the wire; each is still checked to differ, so the list cannot go stale.
 */
const SIGNER_DIFFERENCES: Readonly<Record<string, string>> = {
  'get-relative-relative-unnormalized':
    'normalize=false: smithy always removes "." and ".." segments, as every AWS service except S3 requires (AppSync included)',
  'get-relative-unnormalized': 'normalize=false: smithy always removes ".." segments (non-S3 path normalisation)',
  'get-slash-dot-slash-unnormalized': 'normalize=false: smithy always removes "." segments (non-S3 path normalisation)',
  'get-slash-pointless-dot-unnormalized': 'normalize=false: smithy always removes "." segments (non-S3 path normalisation)',
  'get-slash-unnormalized': 'normalize=false: smithy always collapses empty segments ("//" → "/")',
  'get-slashes-unnormalized': 'normalize=false: smithy always collapses empty segments ("//example//" → "/example/")',
  'post-sts-header-after':
    'the vector adds X-Amz-Security-Token after signing, unsigned; smithy always signs the session token (the "before" form)',
};

function signingInput(vector: SigV4Vector) {
  const headers = joinedHeaders(vector.request);
  return {
    request: {
      method: vector.request.method,
      host: headers.host,
      path: vector.request.path,
      query: decodedQuery(vector.request.query),
      headers,
      body: vector.request.body === '' ? undefined : vector.request.body,
    },
    parameters: {
      service: vector.context.service,
      region: vector.context.region,
      credentials: {
        accessKeyId: vector.context.credentials.access_key_id,
        secretAccessKey: vector.context.credentials.secret_access_key,
        sessionToken: vector.context.credentials.token,
      },
      signingDate: new Date(vector.context.timestamp),
      sendPayloadHashHeader: vector.context.sign_body,
    },
  };
}

suite.describe('SigV4 test suite', () => {
  it('has the vectors this file was written for', () => {
    expect(vectors).toHaveLength(38);
    for (const name of Object.keys(SIGNER_DIFFERENCES)) {
      expect(vectors.map((vector) => vector.name)).toContain(name);
    }
  });

  describe('the client signer produces the canonical request, string to sign and Authorization of', () => {
    const matching = vectors.filter((vector) => SIGNER_DIFFERENCES[vector.name] === undefined);
    it.each(matching.map((vector) => [vector.name, vector] as const))('%s', async (_name, vector) => {
      const { request, parameters } = signingInput(vector);
      const explained = await explainSigning(request, parameters);
      expect(explained.canonicalRequest).toBe(vector.header.canonicalRequest);
      expect(explained.stringToSign).toBe(vector.header.stringToSign);
      expect(explained.authorization).toBe(vector.authorization);
    });
  });

  describe('the client signer deliberately differs (and still does) on', () => {
    const differing = vectors.filter((vector) => SIGNER_DIFFERENCES[vector.name] !== undefined);
    it.each(differing.map((vector) => [vector.name, SIGNER_DIFFERENCES[vector.name], vector] as const))(
      '%s: %s',
      async (_name, _reason, vector) => {
        const { request, parameters } = signingInput(vector);
        const explained = await explainSigning(request, parameters);
        expect(explained.authorization).not.toBe(vector.authorization);
      },
    );
  });
});
