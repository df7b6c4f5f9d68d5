/**
 * TLS and plain HTTP on one port: every request answered on the protocol it came in, keep-alive and bodies
 * included, and no connection (not even one that never sent a byte) outliving the server's close.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { closeServer } from '../../../local/http';
import { type LocalCertificate, localCertificate } from '../../../local/http/local-certificate';
import { acceptTlsOnSamePort } from '../../../local/http/same-port-tls';

let dir: string;
let certificate: LocalCertificate;
let server: http.Server;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'same-port-tls-'));
  certificate = await localCertificate(dir, []);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  server = http.createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => res.end(`${(req.socket as { encrypted?: boolean }).encrypted ? 'tls' : 'plain'} ${bytes}`));
  });
  acceptTlsOnSamePort(server, { key: certificate.key, cert: certificate.certificate });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterEach(() => closeServer(server));

function request(secure: boolean, body: string, agent: http.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: { 'content-length': Buffer.byteLength(body) } };
    const req = secure ? https.request({ ...options, ca: certificate.caCertificate }) : http.request(options);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('GIVEN plain and TLS requests interleaved, with keep-alive and bodies up to 200 KB WHEN sent THEN each is answered on its own protocol with its whole body', async () => {
  const plainAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const tlsAgent = new https.Agent({ keepAlive: true, maxSockets: 4 });
  const sizes = Array.from({ length: 60 }, (_, i) => (i * 3_331) % 200_000);
  const answers = await Promise.all(sizes.map((size, i) => request(i % 2 === 1, 'x'.repeat(size), i % 2 === 1 ? tlsAgent : plainAgent)));
  expect(answers).toEqual(sizes.map((size, i) => `${i % 2 === 1 ? 'tls' : 'plain'} ${size}`));
  plainAgent.destroy();
  tlsAgent.destroy();
});

test('GIVEN connections that never send a byte (one half-closed, one idle) WHEN the server closes THEN it closes them and its close completes', async () => {
  const halfClosed = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  const idle = net.connect({ host: '127.0.0.1', port });
  await Promise.all([halfClosed, idle].map((socket) => new Promise((resolve) => socket.once('connect', resolve))));
  halfClosed.end();
  const closedByServer = Promise.all([halfClosed, idle].map((socket) => new Promise((resolve) => socket.once('close', resolve))));
  for (const socket of [halfClosed, idle]) socket.on('error', () => {});
  await closeServer(server);
  await closedByServer;
});
