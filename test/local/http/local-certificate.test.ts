/** The local authority and server certificate: a chain Node.js verifies for the local names, kept and reused. */
import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import forge from 'node-forge';
import { LocalCertificateError, localCertificate } from '../../../local/http/local-certificate';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'local-cert-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('GIVEN an empty folder WHEN a certificate is asked for THEN the authority signs a server certificate for localhost, 127.0.0.1, ::1 and the host', async () => {
  const made = await localCertificate(path.join(dir, 'tls'), ['192.0.2.7']);
  const ca = new X509Certificate(made.caCertificate);
  const server = new X509Certificate(made.certificate);
  expect(ca.ca).toBe(true);
  expect(server.ca).toBe(false);
  expect(server.verify(ca.publicKey)).toBe(true);
  expect(server.checkIssued(ca)).toBe(true);
  for (const ip of ['127.0.0.1', '::1', '192.0.2.7']) expect(server.checkIP(ip)).toBe(ip);
  expect(server.checkHost('localhost')).toBe('localhost');
  expect(readFileSync(made.caFile as string, 'utf8')).toBe(made.caCertificate);
  expect(statSync(path.join(dir, 'tls', 'ca-key.pem')).mode & 0o777).toBe(0o600);
  expect(made.spkiSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
});

test('GIVEN a folder with an authority WHEN asked again THEN the same authority and server certificate are used; another host gets a new server certificate from the same authority', async () => {
  const first = await localCertificate(dir, []);
  const again = await localCertificate(dir, []);
  expect(again.caCertificate).toBe(first.caCertificate);
  expect(again.certificate).toBe(first.certificate);
  const other = await localCertificate(dir, ['192.0.2.9']);
  expect(other.caCertificate).toBe(first.caCertificate);
  expect(other.certificate).not.toBe(first.certificate);
  expect(new X509Certificate(other.certificate).checkIP('192.0.2.9')).toBe('192.0.2.9');
});

test('GIVEN a server certificate that ends within a week WHEN asked THEN a new one is made', async () => {
  const first = await localCertificate(dir, ['192.0.2.99'], new Date(Date.now() - 360 * 86_400_000));
  const renewed = await localCertificate(dir, ['192.0.2.99']);
  expect(renewed.certificate).not.toBe(first.certificate);
  expect(new Date(new X509Certificate(renewed.certificate).validTo).getTime()).toBeGreaterThan(Date.now() + 300 * 86_400_000);
});

test('GIVEN an empty folder WHEN a certificate is asked for THEN both keys are ECDSA P-256 and the server key claims only digitalSignature', async () => {
  const made = await localCertificate(dir, []);
  const ca = new X509Certificate(made.caCertificate);
  const server = new X509Certificate(made.certificate);
  for (const certificate of [ca, server]) expect(certificate.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
  expect(createPublicKey(made.key).asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
  // RFC 8813: an ECDSA key must not claim keyEncipherment.
  expect(keyUsageOf(server)).toEqual({ digitalSignature: true, keyEncipherment: false });
  expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
});

/** The keyUsage extension's first two bits that matter here (RFC 5280, 4.2.1.3: bit 0 digitalSignature, bit 2 keyEncipherment). */
function keyUsageOf(certificate: X509Certificate): { digitalSignature: boolean; keyEncipherment: boolean } {
  const { asn1 } = forge;
  const tbs = (asn1.fromDer(certificate.raw.toString('binary')).value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
  const extensions = ((tbs.at(-1)!.value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[]).map((extension) => extension.value as forge.asn1.Asn1[]);
  const keyUsage = extensions.find((fields) => asn1.derToOid(fields[0].value as string) === '2.5.29.15')!;
  const bits = asn1.fromDer(keyUsage.at(-1)!.value as string).value as string;
  const first = bits.charCodeAt(1);
  return { digitalSignature: (first & 0x80) !== 0, keyEncipherment: (first & 0x20) !== 0 };
}

test('GIVEN a folder whose authority has an RSA key (made before the keys were ECDSA) WHEN a new server certificate is needed THEN that authority signs it, and it verifies', async () => {
  const authority = writeRsaAuthority(path.join(dir, 'tls'));

  const made = await localCertificate(path.join(dir, 'tls'), []);
  const ca = new X509Certificate(made.caCertificate);
  const server = new X509Certificate(made.certificate);
  expect(made.caCertificate).toBe(authority);
  expect(server.checkIssued(ca)).toBe(true);
  expect(server.verify(ca.publicKey)).toBe(true);
  expect(server.checkHost('localhost')).toBe('localhost');
});

test('GIVEN a folder whose authority key is of a type that cannot sign here (Ed25519) WHEN a server certificate is needed THEN a LocalCertificateError names the key type and the folder to delete, and nothing is written', async () => {
  const tlsDir = path.join(dir, 'tls');
  writeRsaAuthority(tlsDir, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const before = readdirSync(tlsDir).sort();
  const failure = await localCertificate(tlsDir, []).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(LocalCertificateError);
  expect((failure as Error).message).toBe(
    `Could not make the local TLS certificate in ${tlsDir}: the authority's key is of type ed25519, which signs nothing here (ECDSA or RSA only). Delete that folder to start over.`,
  );
  expect(readdirSync(tlsDir).sort()).toEqual(before);
});

/** An authority as this module made them before its keys were ECDSA (RSA 2048, signed by node-forge), in `tlsDir`, with `keyPem` as its key file when given (a damaged folder); its PEM. */
function writeRsaAuthority(tlsDir: string, keyPem?: string): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const authority = forge.pki.createCertificate();
  authority.publicKey = forge.pki.publicKeyFromPem(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString());
  authority.serialNumber = '01';
  authority.validity.notBefore = new Date(Date.now() - 60_000);
  authority.validity.notAfter = new Date(Date.now() + 3650 * 86_400_000);
  const subject = [{ name: 'commonName', value: 'Local cloud development CA' }];
  authority.setSubject(subject);
  authority.setIssuer(subject);
  authority.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  authority.sign(forge.pki.privateKeyFromPem(rsaKeyPem), forge.md.sha256.create());
  mkdirSync(tlsDir, { recursive: true });
  const pem = forge.pki.certificateToPem(authority);
  writeFileSync(path.join(tlsDir, 'ca.pem'), pem);
  writeFileSync(path.join(tlsDir, 'ca-key.pem'), keyPem ?? rsaKeyPem);
  return pem;
}
