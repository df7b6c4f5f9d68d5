/**
 * The fake AppSync's SigV4 verifier on its own: requests signed by the client's signer, then changed one thing at a
 * time. (The AWS suite vectors are in sigv4-vectors.test.ts.)
 */
import { timingSafeEqual } from 'node:crypto';
import { signRequest } from '../../lambda/shared/sigv4';
import { type ReceivedRequest, type SecretLookup, verifySigV4 } from '../support/sigv4-verifier';

jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

const CREDENTIALS = {
  accessKeyId: 'AKIDVERIFIERTEST001',
  secretAccessKey: 'verifier-test-secret/0123456789abcdefXYZ',
  sessionToken: 'verifier-test-session-token-0123456789abcdef',
};
const SIGNED_AT = new Date('2024-05-01T10:00:00Z');
const BODY = JSON.stringify({ query: 'query { listTodos { items { id } } }', variables: {} });
const lookup: SecretLookup = (accessKeyId) =>
  accessKeyId === CREDENTIALS.accessKeyId ? { secretAccessKey: CREDENTIALS.secretAccessKey, sessionToken: CREDENTIALS.sessionToken } : undefined;

async function signed(overrides: { credentials?: typeof CREDENTIALS | Omit<typeof CREDENTIALS, 'sessionToken'>; sendPayloadHashHeader?: boolean } = {}): Promise<ReceivedRequest> {
  const { headers } = await signRequest(
    { method: 'POST', host: 'api.example.com', path: '/graphql', headers: { 'content-type': 'application/json' }, body: BODY },
    {
      service: 'appsync',
      region: 'eu-west-1',
      credentials: overrides.credentials ?? CREDENTIALS,
      signingDate: SIGNED_AT,
      sendPayloadHashHeader: overrides.sendPayloadHashHeader,
    },
  );
  // What a server sees besides: headers fetch adds on its own, never signed.
  return { method: 'POST', path: '/graphql', query: '', headers: { ...headers, 'user-agent': 'node', accept: '*/*' }, body: BODY };
}

function withHeaders(request: ReceivedRequest, headers: Record<string, string | undefined>): ReceivedRequest {
  return { ...request, headers: { ...request.headers, ...headers } };
}

const options = { service: 'appsync', region: 'eu-west-1' };
const at = (offsetMs: number) => new Date(SIGNED_AT.getTime() + offsetMs);

describe('verifySigV4', () => {
  it('accepts a request signed by the client signer, and says by which key and over which headers', async () => {
    await expect(verifySigV4(await signed(), lookup, SIGNED_AT, options)).resolves.toEqual({
      ok: true,
      accessKeyId: CREDENTIALS.accessKeyId,
      signedHeaders: ['content-type', 'host', 'x-amz-date', 'x-amz-security-token'],
    });
  });

  it('accepts a secret given as a plain string for long-term keys, and a signed x-amz-content-sha256', async () => {
    const { sessionToken: _none, ...longTerm } = CREDENTIALS;
    const request = await signed({ credentials: longTerm, sendPayloadHashHeader: true });
    const verdict = await verifySigV4(request, () => longTerm.secretAccessKey, SIGNED_AT, options);
    expect(verdict).toMatchObject({ ok: true, signedHeaders: expect.arrayContaining(['x-amz-content-sha256']) });
  });

  it('ignores changes to headers that were not signed', async () => {
    const request = withHeaders(await signed(), { 'user-agent': 'curl/8', 'x-forwarded-for': '10.0.0.1' });
    await expect(verifySigV4(request, lookup, SIGNED_AT, options)).resolves.toMatchObject({ ok: true });
  });

  describe('clock skew', () => {
    it.each([
      ['4 min 59 s late', 299_000],
      ['4 min 59 s early', -299_000],
    ])('accepts a request checked %s', async (_when, offset) => {
      await expect(verifySigV4(await signed(), lookup, at(offset), options)).resolves.toMatchObject({ ok: true });
    });

    it('refuses a request more than 5 minutes old, in AWS words', async () => {
      await expect(verifySigV4(await signed(), lookup, at(301_000), options)).resolves.toEqual({
        ok: false,
        errorType: 'InvalidSignatureException',
        reason: 'Signature expired: 20240501T100000Z is now earlier than 20240501T100001Z (20240501T100501Z - 5 min.)',
      });
    });

    it('refuses a request signed more than 5 minutes in the future', async () => {
      await expect(verifySigV4(await signed(), lookup, at(-301_000), options)).resolves.toMatchObject({
        ok: false,
        reason: expect.stringMatching(/^Signature not yet current: 20240501T100000Z is still later than/),
      });
    });
  });

  describe('refuses', () => {
    const cases: ReadonlyArray<readonly [string, (request: ReceivedRequest) => ReceivedRequest, string, RegExp]> = [
      ['no Authorization header', (r) => withHeaders(r, { authorization: undefined }), 'MissingAuthenticationTokenException', /Missing Authentication Token/],
      ['another algorithm', (r) => withHeaders(r, { authorization: String(r.headers.authorization).replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1') }), 'IncompleteSignatureException', /must start with AWS4-HMAC-SHA256/],
      ['no Signature parameter', (r) => withHeaders(r, { authorization: String(r.headers.authorization).replace(/, Signature=.*/, '') }), 'IncompleteSignatureException', /requires Credential, SignedHeaders and Signature/],
      ['a short credential scope', (r) => withHeaders(r, { authorization: String(r.headers.authorization).replace('/aws4_request', '') }), 'IncompleteSignatureException', /Credential must have the form/],
      ['no X-Amz-Date', (r) => withHeaders(r, { 'x-amz-date': undefined }), 'IncompleteSignatureException', /valid X-Amz-Date/],
      ['a malformed X-Amz-Date', (r) => withHeaders(r, { 'x-amz-date': '2024-05-01T10:00:00Z' }), 'IncompleteSignatureException', /valid X-Amz-Date/],
      ['a scope date that is not the X-Amz-Date day', (r) => withHeaders(r, { 'x-amz-date': '20240502T100000Z' }), 'InvalidSignatureException', /Date in Credential scope does not match/],
      ['a signed header missing from the request', (r) => withHeaders(r, { 'content-type': undefined }), 'IncompleteSignatureException', /not present in the request: content-type/],
      ['a changed signed header', (r) => withHeaders(r, { 'content-type': 'text/plain' }), 'InvalidSignatureException', /does not match the signature you provided/],
      ['a changed body', (r) => ({ ...r, body: `${String(r.body)} ` }), 'InvalidSignatureException', /does not match the signature you provided/],
      ['an added query parameter', (r) => ({ ...r, query: 'a=1' }), 'InvalidSignatureException', /does not match the signature you provided/],
      ['an x-amz-content-sha256 that is not the body hash', (r) => withHeaders(r, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }), 'InvalidSignatureException', /x-amz-content-sha256 header does not match/],
      ['an unknown access key', (r) => withHeaders(r, { authorization: String(r.headers.authorization).replace(CREDENTIALS.accessKeyId, 'AKIDUNKNOWN00000000') }), 'UnrecognizedClientException', /security token included in the request is invalid/],
      ['a session token other than the one issued', (r) => withHeaders(r, { 'x-amz-security-token': 'other-token' }), 'UnrecognizedClientException', /security token/],
      ['a SignedHeaders list in another order', (r) => withHeaders(r, { authorization: String(r.headers.authorization).replace('content-type;host', 'host;content-type') }), 'InvalidSignatureException', /does not match/],
    ];
    it.each(cases)('%s', async (_case, tamper, errorType, reason) => {
      const verdict = await verifySigV4(tamper(await signed()), lookup, SIGNED_AT, options);
      expect(verdict).toMatchObject({ ok: false, errorType, reason: expect.stringMatching(reason) });
    });

    it('a missing session token when the key was issued with one', async () => {
      const { sessionToken: _none, ...withoutToken } = CREDENTIALS;
      const verdict = await verifySigV4(await signed({ credentials: withoutToken }), lookup, SIGNED_AT, options);
      expect(verdict).toMatchObject({ ok: false, errorType: 'UnrecognizedClientException' });
    });

    it('a request that does not sign host', async () => {
      const request = await signed();
      const authorization = String(request.headers.authorization).replace('SignedHeaders=content-type;host;', 'SignedHeaders=content-type;');
      await expect(verifySigV4(withHeaders(request, { authorization }), lookup, SIGNED_AT, options)).resolves.toMatchObject({
        ok: false,
        reason: "'Host' must be a 'SignedHeader' in the AWS Authorization.",
      });
    });

    it.each([
      ['region', { region: 'us-east-1' }, /scoped to a valid region: 'eu-west-1' is not 'us-east-1'/],
      ['service', { service: 'execute-api' }, /scoped to correct service: 'execute-api'/],
    ])('a signature scoped to another %s', async (_what, scope, reason) => {
      const verdict = await verifySigV4(await signed(), lookup, SIGNED_AT, { ...options, ...scope });
      expect(verdict).toMatchObject({ ok: false, errorType: 'InvalidSignatureException', reason: expect.stringMatching(reason) });
    });
  });

  it('compares signatures in constant time', async () => {
    const compare = jest.mocked(timingSafeEqual);
    compare.mockClear();
    const request = await signed();
    await verifySigV4(withHeaders(request, { 'content-type': 'text/plain' }), lookup, SIGNED_AT, options);

    const signature = /Signature=([0-9a-f]{64})/.exec(String(request.headers.authorization))?.[1];
    const comparedSignature = compare.mock.calls.some(([, received]) => Buffer.from(received as Uint8Array).toString('utf8') === signature);
    expect(comparedSignature).toBe(true);
  });

  it('never puts the secret, the session token or the signature into a reason', async () => {
    const request = await signed();
    const signature = /Signature=([0-9a-f]{64})/.exec(String(request.headers.authorization))?.[1] ?? 'missing';
    const reasons: string[] = [];
    for (const tampered of [withHeaders(request, { 'content-type': 'x' }), withHeaders(request, { 'x-amz-security-token': 'forged' })]) {
      const verdict = await verifySigV4(tampered, lookup, SIGNED_AT, options);
      reasons.push(verdict.ok ? '' : verdict.reason);
    }
    for (const secret of [CREDENTIALS.secretAccessKey, CREDENTIALS.sessionToken, signature]) {
      expect(reasons.join('\n')).not.toContain(secret);
    }
  });
});
