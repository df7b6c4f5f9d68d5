/**
 * The real-time endpoint as the AppSync service mounts it (local/appsync/service.ts): on the GraphQL port, in plain
 * (ws://) and TLS (wss://, the local authority's certificate) alike, the port's HTTPS GraphQL served too, and the
 * service's close closing every WebSocket so that nothing is left open.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { type AppSyncService, startAppSyncService } from '../../../../local/appsync/service';
import { type LocalCertificate, localCertificate } from '../../../../local/http/local-certificate';
import { PrincipalStore } from '../../../../local/iam/principals';
import { deployment, NOW, todoApi, VALID_KEY } from '../fixture';
import { fakeLambda, gql } from '../harness';
import { apiKeyHeader, base64UrlJson, eventually } from './harness';

let dir: string;
let certificate: LocalCertificate;
let service: AppSyncService;
const logs: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'appsync-tls-'));
  certificate = await localCertificate(dir, ['127.0.0.1']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  service = await startAppSyncService({
    host: '127.0.0.1',
    port: 0,
    log: (line) => logs.push(line),
    tls: { key: certificate.key, cert: certificate.certificate },
  });
  service.serve({
    apis: [todoApi()],
    principals: PrincipalStore.fromDeployment(deployment()),
    invokeLambda: fakeLambda([]),
    log: (line) => logs.push(line),
    now: () => NOW,
  });
});
afterEach(async () => {
  await service?.close();
});

const host = () => new URL(service.endpoint).host;
const protocols = () => ['graphql-ws', `header-${base64UrlJson(apiKeyHeader(service.endpoint, VALID_KEY))}`];

function acknowledged(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, protocols(), options);
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
    ws.once('message', (raw) => {
      const message = JSON.parse(raw.toString()) as { type: string };
      if (message.type === 'connection_ack') resolve(ws);
      else reject(new Error(raw.toString()));
    });
  });
}

test('GIVEN the service with a local certificate WHEN clients dial ws:// and wss:// (trusting the authority) on the GraphQL port THEN both are acknowledged', async () => {
  const plain = await acknowledged(`ws://${host()}/graphql/realtime`);
  const secure = await acknowledged(`wss://${host()}/graphql/realtime`, { ca: certificate.caCertificate });
  expect(service.realtimeState()).toEqual({ connections: 2, subscriptions: 0 });
  plain.close();
  secure.close();
  await eventually('both to close', () => service.realtimeState().connections === 0);
});

test('GIVEN the same port WHEN GraphQL is POSTed over https:// THEN it is served as over http://', async () => {
  const body = await new Promise<string>((resolve, reject) => {
    const request = https.request(
      `https://${host()}/graphql`,
      { method: 'POST', ca: certificate.caCertificate, headers: { 'content-type': 'application/json', 'x-api-key': VALID_KEY } },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve(text));
      },
    );
    request.on('error', reject);
    request.end(gql('query { listTodos { items { id } } }'));
  });
  expect(JSON.parse(body)).toMatchObject({ data: { listTodos: { items: [{ id: 't1' }] } } });
});

test('GIVEN a client that does not trust the authority WHEN it dials wss:// THEN its handshake fails and the service goes on serving', async () => {
  await expect(acknowledged(`wss://${host()}/graphql/realtime`)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  const after = await acknowledged(`wss://${host()}/graphql/realtime`, { ca: certificate.caCertificate });
  after.close();
});

test('GIVEN a certificate still in the making WHEN a TLS client comes first THEN it waits for it and is served', async () => {
  await service.close();
  let made: (credentials: { key: string; cert: string }) => void = () => {};
  service = await startAppSyncService({ host: '127.0.0.1', port: 0, log: () => {}, tls: new Promise((resolve) => (made = resolve)) });
  service.serve({ apis: [todoApi()], principals: PrincipalStore.fromDeployment(deployment()), invokeLambda: fakeLambda([]), log: () => {}, now: () => NOW });
  const connecting = acknowledged(`wss://${host()}/graphql/realtime`, { ca: certificate.caCertificate });
  // Plain connections do not wait for it.
  (await acknowledged(`ws://${host()}/graphql/realtime`)).close();
  made({ key: certificate.key, cert: certificate.certificate });
  (await connecting).close();
});

test('GIVEN open WebSocket connections WHEN the service closes THEN each client gets 1001 and close resolves', async () => {
  const plain = await acknowledged(`ws://${host()}/graphql/realtime`);
  const secure = await acknowledged(`wss://${host()}/graphql/realtime`, { ca: certificate.caCertificate });
  const codes = Promise.all([plain, secure].map((ws) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))));
  await service.close();
  expect(await codes).toEqual([1001, 1001]);
  expect(service.realtimeState()).toEqual({ connections: 0, subscriptions: 0 });
});
