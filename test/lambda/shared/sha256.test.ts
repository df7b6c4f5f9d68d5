/**
 * The SigV4 core's hash (lambda/shared/sigv4.ts `Sha256`: @smithy/types' Checksum on node:crypto) against published
 * vectors: SHA-256 from NIST (FIPS 180-2 examples, CAVS short messages) and HMAC-SHA256 from RFC 4231; then the Checksum
 * contract the library relies on (repeated update(), digest(), reset()), and the signature it gives next to the
 * pure-JavaScript hash it replaces.
 */
import { Sha256 as PureJsSha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest, SourceData } from '@smithy/types';
import { createSigV4Signer, Sha256 } from '../../../lambda/shared/sigv4';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const repeat = (byte: number, count: number) => new Uint8Array(count).fill(byte);

async function digestOf(data: SourceData, secret?: SourceData): Promise<string> {
  const hash = new Sha256(secret);
  hash.update(data);
  return hex(await hash.digest());
}

const SHA256_VECTORS: ReadonlyArray<readonly [string, SourceData, string]> = [
  ['the empty message', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['"abc" (FIPS 180-2 B.1)', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  [
    'the 448-bit message (FIPS 180-2 B.2)',
    'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  ],
  ['one byte 0xbd (CAVS SHA256ShortMsg, Len = 8)', bytes('bd'), '68325720aabd7c82f30f554b313d0570c95accbb7dc4b5aae11204c08ffe732b'],
  ['four bytes c98c8e55 (CAVS SHA256ShortMsg, Len = 32)', bytes('c98c8e55'), '7abc22c0ae5af26ce93dbb94433a0e0b2e119d014f8e7f65bd56c61ccccd9504'],
];

/** RFC 4231 section 4: test cases 1, 2, 3, 4, 6 and 7 (5 truncates the output to 128 bits). */
const HMAC_VECTORS: ReadonlyArray<readonly [string, SourceData, SourceData, string]> = [
  ['test case 1', repeat(0x0b, 20), 'Hi There', 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
  ['test case 2 (a key shorter than the output)', 'Jefe', 'what do ya want for nothing?', '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
  ['test case 3', repeat(0xaa, 20), repeat(0xdd, 50), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
  [
    'test case 4',
    bytes('0102030405060708090a0b0c0d0e0f10111213141516171819'),
    repeat(0xcd, 50),
    '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  ],
  [
    'test case 6 (a key larger than the block)',
    repeat(0xaa, 131),
    'Test Using Larger Than Block-Size Key - Hash Key First',
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  ],
  [
    'test case 7 (key and data larger than the block)',
    repeat(0xaa, 131),
    'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
    '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  ],
];

describe('Sha256 (node:crypto Checksum)', () => {
  test.each(SHA256_VECTORS)('SHA-256 of %s', async (_name, message, expected) => {
    expect(await digestOf(message)).toBe(expected);
  });

  test.each(HMAC_VECTORS)('HMAC-SHA256, RFC 4231 %s', async (_name, key, data, expected) => {
    expect(await digestOf(data, key)).toBe(expected);
  });

  test('one million "a" (FIPS 180-2 B.3) in a thousand update() calls', async () => {
    const hash = new Sha256();
    const chunk = 'a'.repeat(1000);
    for (let index = 0; index < 1000; index++) hash.update(chunk);
    expect(hex(await hash.digest())).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  test('repeated update() is the same as one: SHA-256 and HMAC, split anywhere, of mixed input types', async () => {
    const message = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
    for (const split of [0, 1, 17, 55, message.length]) {
      const hash = new Sha256();
      hash.update(message.slice(0, split));
      hash.update(new TextEncoder().encode(message.slice(split)));
      expect(hex(await hash.digest())).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    }
    const hmac = new Sha256('Jefe');
    for (const part of ['what ', 'do ya want ', '', 'for nothing?']) hmac.update(part);
    expect(hex(await hmac.digest())).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  test('takes strings (UTF-8), Uint8Array, Buffer, DataView, a view into a larger buffer and a bare ArrayBuffer', async () => {
    const expected = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    const padded = new TextEncoder().encode('xxabcxx');
    const inputs: SourceData[] = [
      'abc',
      new TextEncoder().encode('abc'),
      Buffer.from('abc'),
      new DataView(new TextEncoder().encode('abc').buffer),
      new Uint8Array(padded.buffer, 2, 3),
      new TextEncoder().encode('abc').buffer,
    ];
    for (const input of inputs) expect(await digestOf(input)).toBe(expected);
    expect(await digestOf('é')).toBe(await digestOf(new Uint8Array([0xc3, 0xa9])));
    // The key, too, in each form.
    const key = new TextEncoder().encode('Jefe');
    for (const secret of ['Jefe', key, key.buffer, new DataView(key.buffer)]) {
      expect(await digestOf('what do ya want for nothing?', secret)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    }
  });

  test('reset() starts over: what came before is dropped, the HMAC key is kept', async () => {
    const hash = new Sha256();
    hash.update('not this');
    hash.reset();
    hash.update('abc');
    expect(hex(await hash.digest())).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');

    const hmac = new Sha256('Jefe');
    hmac.update('something else');
    hmac.reset();
    hmac.update('what do ya want for nothing?');
    expect(hex(await hmac.digest())).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  test('after digest(): digest() again gives the same digest, update() throws until reset(), and reset() hashes anew', async () => {
    const hash = new Sha256(repeat(0x0b, 20));
    hash.update('Hi There');
    const first = hex(await hash.digest());
    expect(first).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    expect(hex(await hash.digest())).toBe(first);
    expect(() => hash.update('more')).toThrow('Attempted to update an already finished hash.');
    hash.reset();
    hash.update('Hi ');
    hash.update('There');
    expect(hex(await hash.digest())).toBe(first);
    // Each digest is a copy: changing one changes nothing else.
    const digest = await hash.digest();
    digest.fill(0);
    expect(hex(await hash.digest())).toBe(first);
  });

  test("keeps its own copy of the key: changing the caller's bytes later does not change a reset() HMAC", async () => {
    const key = repeat(0x0b, 20);
    const hash = new Sha256(key);
    key.fill(0);
    hash.update('Hi There');
    expect(hex(await hash.digest())).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    hash.reset();
    hash.update('Hi There');
    expect(hex(await hash.digest())).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
  });

  test('is a drop-in for @aws-crypto/sha256-js: the library signs alike with either', async () => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'token/with+chars=' };
    const request: HttpRequest = {
      method: 'POST',
      protocol: 'https:',
      hostname: 'example.appsync-api.eu-west-1.amazonaws.com',
      path: '/graphql',
      query: { b: ['2', '1'], a: 'x y' },
      headers: { host: 'example.appsync-api.eu-west-1.amazonaws.com', 'content-type': 'application/json' },
      body: '{"query":"{ listTodos { items { id } } }","variables":{"é":"ü"}}',
    };
    const signingDate = new Date('2024-05-01T12:00:00Z');
    const pure = await new SignatureV4({ service: 'appsync', region: 'eu-west-1', credentials, sha256: PureJsSha256, applyChecksum: true }).sign(request, {
      signingDate,
    });
    const ours = await createSigV4Signer({ service: 'appsync', region: 'eu-west-1', credentials, applyChecksum: true }).sign(request, { signingDate });
    expect(ours.headers).toEqual(pure.headers);
    expect(ours.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20240501\/eu-west-1\/appsync\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
  });
});
