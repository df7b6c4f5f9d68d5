/** The local authority and server certificate: a chain Node.js verifies for the local names, kept and reused. */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { localCertificate } from '../../../local/http/local-certificate';

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
