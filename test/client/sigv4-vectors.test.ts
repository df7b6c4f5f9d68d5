/**
 * The AWS SigV4 test suite against both sides: the signing code the client uses (lambda/shared/sigv4.ts) and the
 * verifier of the fake AppSync (test/support/sigv4-verifier.ts). The suite lives outside the repository and is read
 * in place.
 */
import * as path from 'node:path';
import { explainSigning } from '../../lambda/shared/sigv4';
import {
  type SigV4Vector,
  decodedQuery,
  distinctHeaders,
  findSigV4Suite,
  joinedHeaders,
  loadSigV4Vectors,
} from '../support/sigv4-suite';
import { type ReceivedRequest, verifySigV4 } from '../support/sigv4-verifier';

const suiteDir = findSigV4Suite([path.resolve(__dirname, '../../../shared/sigv4-test-suite')]);
if (suiteDir === undefined) {
  console.warn(
    'SKIPPED sigv4-vectors: the AWS SigV4 test suite was not found. Set SIGV4_SUITE_DIR, or put it at ' +
      `${path.resolve(__dirname, '../../../shared/sigv4-test-suite')} (the shared/ folder next to the project).`,
  );
}
const vectors = suiteDir === undefined ? [] : loadSigV4Vectors(suiteDir);
const describeWithSuite = suiteDir === undefined ? describe.skip : describe;

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
      query: decodedQuery(vector.request.rawQuery),
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

function receivedRequest(vector: SigV4Vector): ReceivedRequest {
  return {
    method: vector.signedRequest.method,
    path: vector.signedRequest.path,
    query: vector.signedRequest.rawQuery,
    headers: distinctHeaders(vector.signedRequest),
    body: vector.signedRequest.body,
  };
}

function secretsOf(vector: SigV4Vector) {
  const { access_key_id, secret_access_key, token } = vector.context.credentials;
  return (accessKeyId: string) =>
    accessKeyId === access_key_id ? { secretAccessKey: secret_access_key, sessionToken: token } : undefined;
}

function verify(vector: SigV4Vector, request: ReceivedRequest, now = new Date(vector.context.timestamp)) {
  return verifySigV4(request, secretsOf(vector), now, {
    service: vector.context.service,
    region: vector.context.region,
    normalizePath: vector.context.normalize,
  });
}

describeWithSuite('SigV4 test suite', () => {
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
      expect(explained.canonicalRequest).toBe(vector.canonicalRequest);
      expect(explained.stringToSign).toBe(vector.stringToSign);
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

  describe('the verifier accepts the signed request of', () => {
    it.each(vectors.map((vector) => [vector.name, vector] as const))('%s', async (_name, vector) => {
      await expect(verify(vector, receivedRequest(vector))).resolves.toEqual({
        ok: true,
        accessKeyId: 'AKIDEXAMPLE',
        signedHeaders: expect.arrayContaining(['host']),
      });
    });
  });

  describe('the verifier refuses a tampered copy of', () => {
    const tamperings: ReadonlyArray<readonly [string, (request: ReceivedRequest) => ReceivedRequest]> = [
      ['body', (request) => ({ ...request, body: `${String(request.body)}!` })],
      ['method', (request) => ({ ...request, method: request.method === 'GET' ? 'POST' : 'GET' })],
      ['path', (request) => ({ ...request, path: `${request.path}x` })],
      ['query', (request) => ({ ...request, query: request.query === '' ? 'extra=1' : `${request.query}&extra=1` })],
      ['host header', (request) => ({ ...request, headers: { ...request.headers, host: ['attacker.example.com'] } })],
      ['X-Amz-Date', (request) => ({ ...request, headers: { ...request.headers, 'x-amz-date': ['20150830T123601Z'] } })],
      [
        'signature',
        (request) => {
          const authorization = String(request.headers.authorization);
          const flipped = authorization.slice(0, -1) + (authorization.endsWith('0') ? '1' : '0');
          return { ...request, headers: { ...request.headers, authorization: [flipped] } };
        },
      ],
    ];
    const cases = vectors.flatMap((vector) => tamperings.map(([what, tamper]) => [vector.name, what, vector, tamper] as const));
    it.each(cases)('%s (%s changed)', async (_name, _what, vector, tamper) => {
      const verdict = await verify(vector, tamper(receivedRequest(vector)));
      expect(verdict.ok).toBe(false);
    });
  });

  it('the verifier refuses the suite requests more than 5 minutes after they were signed', async () => {
    const vector = vectors.find((candidate) => candidate.name === 'get-vanilla') as SigV4Vector;
    const later = new Date(Date.parse(vector.context.timestamp) + 5 * 60 * 1000 + 1000);
    await expect(verify(vector, receivedRequest(vector), later)).resolves.toEqual({
      ok: false,
      errorType: 'InvalidSignatureException',
      reason: 'Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)',
    });
  });

  it('the verifier, normalising paths like AppSync by default, refuses a request signed over an unnormalised path', async () => {
    const vector = vectors.find((candidate) => candidate.name === 'get-slashes-unnormalized') as SigV4Vector;
    const verdict = await verifySigV4(receivedRequest(vector), secretsOf(vector), new Date(vector.context.timestamp));
    expect(verdict).toMatchObject({ ok: false, errorType: 'InvalidSignatureException' });
  });

  it('the verifier refuses an unsigned session token that is not the one issued with the key', async () => {
    const vector = vectors.find((candidate) => candidate.name === 'post-sts-header-after') as SigV4Vector;
    const request = receivedRequest(vector);
    const verdict = await verify(vector, { ...request, headers: { ...request.headers, 'x-amz-security-token': ['forged'] } });
    expect(verdict).toMatchObject({ ok: false, errorType: 'UnrecognizedClientException' });
  });
});
