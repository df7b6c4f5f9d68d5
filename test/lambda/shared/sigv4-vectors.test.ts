/**
 * The AWS SigV4 test suite against the SigV4 core the client signs with (lambda/shared/sigv4.ts: @smithy/signature-v4
 * hashing with node:crypto), through its `sign()`. The suite lives outside the repository and is read in place
 * (test/support/sigv4-suite.ts); the same vectors check the local AppSync's verifier, which recomputes through the same
 * core, in test/local/iam/sigv4.test.ts.
 */
import { createSigV4Signer, explainSigning } from '../../../lambda/shared/sigv4';
import { decodedQuery, joinedHeaders, openSigV4Suite, type SigV4Vector } from '../../support/sigv4-suite';

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
  'post-sts-header-after': 'the vector adds X-Amz-Security-Token after signing, unsigned; smithy always signs the session token (the "before" form)',
};

function signingInput(vector: SigV4Vector) {
  const headers = joinedHeaders(vector.request);
  return {
    config: {
      service: vector.context.service,
      region: vector.context.region,
      credentials: {
        accessKeyId: vector.context.credentials.access_key_id,
        secretAccessKey: vector.context.credentials.secret_access_key,
        sessionToken: vector.context.credentials.token,
      },
      applyChecksum: vector.context.sign_body,
    },
    request: {
      method: vector.request.method,
      protocol: 'https:',
      hostname: headers.host,
      path: vector.request.path,
      query: decodedQuery(vector.request.query),
      headers,
      body: vector.request.body === '' ? undefined : vector.request.body,
    },
    options: { signingDate: new Date(vector.context.timestamp) },
  };
}

suite.describe('SigV4 test suite', () => {
  it('has the vectors this file was written for', () => {
    expect(vectors).toHaveLength(38);
    for (const name of Object.keys(SIGNER_DIFFERENCES)) {
      expect(vectors.map((vector) => vector.name)).toContain(name);
    }
  });

  describe('the core signer produces the canonical request, string to sign and Authorization of', () => {
    const matching = vectors.filter((vector) => SIGNER_DIFFERENCES[vector.name] === undefined);
    it.each(matching.map((vector) => [vector.name, vector] as const))('%s', async (_name, vector) => {
      const { config, request, options } = signingInput(vector);
      const explained = await explainSigning(config, request, options);
      expect(explained.canonicalRequest).toBe(vector.header.canonicalRequest);
      expect(explained.stringToSign).toBe(vector.header.stringToSign);
      expect(explained.authorization).toBe(vector.authorization);
      // The plain signer (no recording hash), as the callers sign.
      const signed = await createSigV4Signer(config).sign(request, options);
      expect(signed.headers.authorization).toBe(vector.authorization);
    });
  });

  describe('the core signer deliberately differs (and still does) on', () => {
    const differing = vectors.filter((vector) => SIGNER_DIFFERENCES[vector.name] !== undefined);
    it.each(differing.map((vector) => [vector.name, SIGNER_DIFFERENCES[vector.name], vector] as const))('%s: %s', async (_name, _reason, vector) => {
      const { config, request, options } = signingInput(vector);
      const explained = await explainSigning(config, request, options);
      expect(explained.authorization).not.toBe(vector.authorization);
    });
  });
});
