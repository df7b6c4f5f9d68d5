/**
 * The real-time endpoint on a real loopback server, as service.ts mounts it (the HTTP handler publishing each
 * mutation to it, the server's `upgrade` event handed to it), driven by a raw `ws` client that speaks AppSync's
 * protocol by hand and signs with the real SigV4 core.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createSigV4Signer } from '../../../../lambda/shared/sigv4';
import { createAppSyncRequestHandler, type InvokeLambda } from '../../../../local/appsync';
import type { LocalGraphqlApi } from '../../../../local/appsync/model';
import { createRealtimeEndpoint, type RealtimeEndpoint, type RealtimeEndpointOptions } from '../../../../local/appsync/realtime';
import { PrincipalStore } from '../../../../local/iam/principals';
import { deployment, REGION } from '../fixture';
import { fakeLambda, type Invocation } from '../harness';

export interface RealtimeTestServer {
  readonly base: string;
  readonly logs: string[];
  readonly endpoint: RealtimeEndpoint;
  close(): Promise<void>;
}

type Timing = Pick<RealtimeEndpointOptions, 'keepAliveIntervalMs' | 'connectionInitTimeoutMs' | 'maxSubscriptionsPerConnection'>;

export async function startRealtimeServer(
  apis: LocalGraphqlApi[],
  options: { now: () => Date; invokeLambda?: InvokeLambda } & Timing,
): Promise<RealtimeTestServer> {
  const logs: string[] = [];
  const invocations: Invocation[] = [];
  const principals = PrincipalStore.fromDeployment(deployment());
  const endpoint = createRealtimeEndpoint({ apis, principals, log: (line) => logs.push(line), ...options });
  const handler = createAppSyncRequestHandler({
    apis,
    principals,
    invokeLambda: options.invokeLambda ?? fakeLambda(invocations),
    log: (line) => logs.push(line),
    now: options.now,
    onMutation: (event) => endpoint.publish(event),
  });
  const server = http.createServer(handler);
  server.on('upgrade', (req, socket, head) => endpoint.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    logs,
    endpoint,
    async close() {
      await endpoint.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** The headers of a request to `url` with `body`, signed as Amplify signs real-time requests (amplify-js authHeaders.ts). */
export async function signedHeaders(url: string, body: string, credentials: Credentials, signingDate: Date): Promise<Record<string, string>> {
  const target = new URL(url);
  const signer = createSigV4Signer({ service: 'appsync', region: REGION, credentials });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: target.protocol,
      hostname: target.hostname,
      port: Number(target.port),
      path: target.pathname,
      query: {},
      headers: {
        accept: 'application/json, text/javascript',
        'content-encoding': 'amz-1.0',
        'content-type': 'application/json; charset=UTF-8',
        host: target.host,
      },
      body,
    },
    { signingDate },
  );
  return signed.headers as Record<string, string>;
}

export const apiKeyHeader = (base: string, apiKey: string) => ({ host: new URL(base).host, 'x-amz-date': '20240501T120000Z', 'x-api-key': apiKey });

export const base64Json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
export const base64UrlJson = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A raw client: every message it receives, in order, and a way to wait for the next ones. */
export class RawClient {
  readonly received: Array<Record<string, unknown>> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];
  private read = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      this.received.push(JSON.parse(raw.toString()) as Record<string, unknown>);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        for (const wake of this.waiters.splice(0)) wake();
        resolve({ code, reason: reason.toString() });
      }),
    );
  }

  /** Opens a connection; resolves once it is open (or rejects with the handshake's failure). */
  static open(url: string, protocols: string[] = ['graphql-ws']): Promise<RawClient> {
    const ws = new WebSocket(url, protocols);
    const client = new RawClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused with HTTP ${res.statusCode}`)));
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message not yet read (optionally skipping keep-alives). */
  async next(options: { skipKeepAlive?: boolean; timeoutMs?: number } = {}): Promise<Record<string, unknown>> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      while (this.read < this.received.length) {
        const message = this.received[this.read++];
        if (options.skipKeepAlive !== false && message.type === 'ka') continue;
        return message;
      }
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`the connection closed; received: ${JSON.stringify(this.received)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message in time; received: ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** connection_init, then the answer (connection_ack or connection_error). */
  async init(): Promise<Record<string, unknown>> {
    this.send({ type: 'connection_init' });
    return this.next();
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    return this.closed;
  }
}

/** Polls until `probe` holds (the server's state changes asynchronously after a socket closes). */
export async function eventually(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
