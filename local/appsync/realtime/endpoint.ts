/**
 * AppSync's real-time endpoint for the local cloud: WebSocket connections (the `ws` library, on the AppSync
 * service's own port, through its HTTP `upgrade` event), each authenticated on connect, its subscriptions on each
 * start, and every executed mutation published to the subscriptions its field triggers (`@aws_subscribe`).
 *
 * The life of a connection, as AppSync's developer guide describes it: open (with `graphql-ws`) → `connection_init`
 * → `connection_ack` with `connectionTimeoutMs`, and `ka` right after and every minute → `start` → `start_ack` or
 * `error` → `data` per matching mutation → `stop` → `complete`. A refused connect is answered on connection_init with
 * `connection_error` and closed. Choices where AppSync's behaviour is not known (each easy to change):
 * - the connect is authenticated at the upgrade and answered at `connection_init` (Amplify listens for the answer
 *   only once it has sent connection_init), never with an HTTP refusal of the upgrade (which Amplify retries forever);
 * - a socket that sends no `connection_init` within CONNECTION_INIT_TIMEOUT_MS is closed;
 * - a `start` before the ack, a `stop` of an unknown id, an unknown message type or a message that is not JSON are
 *   each answered with an `error` (nothing closes the connection but the client, the timeout or the local cloud).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { oneLine, safeLog, splitTarget } from '../../http';
import type { PrincipalStore } from '../../iam/principals';
import { type Authenticator, type AuthOutcome, emulatedAuthenticators } from '../auth';
import { connectRefusedError, type RealtimeError, RealtimeErrorType, realtimeError, subProtocolNotSupportedError, unsupportedOperationError } from '../errors';
import type { MutationEvent } from '../execute';
import type { LocalGraphqlApi } from '../model';
import { makeFieldResolver } from '../resolvers';
import { graphqlRouter } from '../routes';
import { type ApiRuntime, buildApiRuntime } from '../schema';
import { authenticateRealtime } from './auth';
import { connectCredentials, connectPath, offeredProtocols, type RealtimeRoute, realtimeRoute, speaksGraphqlWs } from './handshake';
import {
  ClientMessageType,
  CloseCode,
  CONNECTION_INIT_TIMEOUT_MS,
  CONNECTION_TIMEOUT_MS,
  complete,
  connectionAck,
  connectionError,
  data,
  GRAPHQL_WS_PROTOCOL,
  KEEP_ALIVE_INTERVAL_MS,
  keepAlive,
  MAX_MESSAGE_BYTES,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
  parseClientMessage,
  type ServerMessage,
  startAck,
  subscriptionError,
} from './protocol';
import { deliveryPayload, matchesFilter, type Subscription, startSubscription } from './subscription';
import { type SubscriptionTriggers, subscriptionTriggers } from './triggers';

export interface RealtimeEndpointOptions {
  readonly apis: readonly LocalGraphqlApi[];
  readonly principals: PrincipalStore;
  /** One line per connection event, explaining the decision; never holds a secret. */
  readonly log: (line: string) => void;
  /** The server's clock (API key expiry, SigV4 skew). */
  readonly now?: () => Date;
  /** @default KEEP_ALIVE_INTERVAL_MS (60 s) */
  readonly keepAliveIntervalMs?: number;
  /** @default CONNECTION_INIT_TIMEOUT_MS (5 min) */
  readonly connectionInitTimeoutMs?: number;
  /** What connection_ack announces. @default CONNECTION_TIMEOUT_MS (5 min) */
  readonly connectionTimeoutMs?: number;
  /** @default MAX_SUBSCRIPTIONS_PER_CONNECTION (100) */
  readonly maxSubscriptionsPerConnection?: number;
}

/** What the endpoint holds, for diagnostics and the tests that check it lets go. */
export interface RealtimeState {
  readonly connections: number;
  readonly subscriptions: number;
}

export interface RealtimeEndpoint {
  /** Takes over an HTTP upgrade request (the server's `upgrade` event). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** The post-mutation hook: sends the mutation's result to the subscriptions it triggers. */
  publish(event: MutationEvent): void;
  state(): RealtimeState;
  /** Closes every connection (1001) and lets go of everything; safe to call twice. */
  close(): Promise<void>;
}

export function createRealtimeEndpoint(options: RealtimeEndpointOptions): RealtimeEndpoint {
  const now = options.now ?? (() => new Date());
  const settings: ConnectionSettings = {
    keepAliveIntervalMs: options.keepAliveIntervalMs ?? KEEP_ALIVE_INTERVAL_MS,
    connectionInitTimeoutMs: options.connectionInitTimeoutMs ?? CONNECTION_INIT_TIMEOUT_MS,
    connectionTimeoutMs: options.connectionTimeoutMs ?? CONNECTION_TIMEOUT_MS,
    maxSubscriptions: options.maxSubscriptionsPerConnection ?? MAX_SUBSCRIPTIONS_PER_CONNECTION,
  };
  const runtimes = new Map<string, ApiRuntime>();
  for (const api of options.apis) runtimes.set(api.apiId, buildApiRuntime(api, makeFieldResolver));
  const route = graphqlRouter(runtimes);
  const triggers = new Map<string, SubscriptionTriggers>([...runtimes].map(([apiId, runtime]) => [apiId, subscriptionTriggers(runtime)]));
  const authenticators = emulatedAuthenticators({ principals: options.principals, now });
  const log = (line: string) => safeLog(options.log, `appsync realtime: ${line}`);
  const context: ConnectionContext = { settings, authenticators, log };
  const connections = new Set<Connection>();
  let nextConnection = 0;
  let closing: Promise<void> | undefined;

  const server = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    // graphql-ws when offered; otherwise none, and the connection is answered with SubProtocolNotSupportedError.
    handleProtocols: (protocols) => (protocols.has(GRAPHQL_WS_PROTOCOL) ? GRAPHQL_WS_PROTOCOL : false),
  });

  return {
    handleUpgrade(req, socket, head) {
      const { path } = splitTarget(req.url);
      const target = closing ? undefined : realtimeRoute(path, route);
      if (!target) {
        refuseUpgrade(socket, closing ? 503 : 404, closing ? 'The local cloud is stopping.' : `No GraphQL API is served at ${path.slice(0, 200)}.`);
        log(`upgrade to ${oneLine(path.slice(0, 200))} refused: ${closing ? 'stopping' : 'no API at this path'}`);
        return;
      }
      server.handleUpgrade(req, socket, head, (ws) => {
        const connection = new Connection(context, ws, req, target, `c${++nextConnection}`);
        connections.add(connection);
        ws.once('close', () => connections.delete(connection));
      });
    },
    publish(event) {
      const fields = triggers.get(event.apiId)?.get(event.fieldName);
      if (!fields || event.value === null || event.value === undefined) return;
      for (const connection of connections) connection.publish(event, fields);
    },
    state() {
      let subscriptions = 0;
      for (const connection of connections) subscriptions += connection.subscriptionCount;
      return { connections: connections.size, subscriptions };
    },
    close() {
      closing ??= (async () => {
        await Promise.all([...connections].map((connection) => connection.shutdown()));
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}

interface ConnectionSettings {
  readonly keepAliveIntervalMs: number;
  readonly connectionInitTimeoutMs: number;
  readonly connectionTimeoutMs: number;
  readonly maxSubscriptions: number;
}

/** What every connection of an endpoint shares. */
interface ConnectionContext {
  readonly settings: ConnectionSettings;
  readonly authenticators: readonly Authenticator[];
  readonly log: (line: string) => void;
}

/** One WebSocket connection: its connect auth, its subscriptions, its timers. */
class Connection {
  private readonly subscriptions = new Map<string, Subscription>();
  /** Ids of starts being served (their auth is asynchronous): they count against the quota and against duplicates. */
  private readonly pending = new Set<string>();
  private readonly connectAuth: Promise<AuthOutcome | { readonly ok: false; readonly error: RealtimeError }>;
  private acknowledged = false;
  private initTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  /** Messages are served one at a time, in order (a stop right after its start stops it). */
  private queue: Promise<void> = Promise.resolve();
  private readonly sourceIp: string;

  constructor(
    private readonly context: ConnectionContext,
    private readonly ws: WebSocket,
    req: IncomingMessage,
    private readonly route: RealtimeRoute,
    private readonly name: string,
  ) {
    this.sourceIp = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.connectAuth = this.authenticateConnect(req);
    this.initTimer = setTimeout(() => {
      this.log('no connection_init in time: closed');
      this.ws.close(CloseCode.Normal, 'connection_init was not received in time');
    }, this.context.settings.connectionInitTimeoutMs);
    this.initTimer.unref();
    ws.on('message', (raw, isBinary) => {
      this.queue = this.queue.then(() => this.serve(raw, isBinary)).catch((error: Error) => this.log(`internal error: ${oneLine(error.message)}`));
    });
    ws.on('error', (error) => this.log(`socket error: ${oneLine(error.message)}`));
    ws.once('close', (code) => {
      this.stopTimers();
      const released = this.subscriptions.size;
      this.subscriptions.clear();
      this.log(`closed (${code})${released > 0 ? `, ${released} subscription(s) released` : ''}`);
    });
    this.log(`opened api=${route.runtime.api.apiId} path=${route.graphqlPath}`);
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  publish(event: MutationEvent, fields: readonly string[]): void {
    for (const subscription of this.subscriptions.values()) {
      if (subscription.runtime.api.apiId !== event.apiId || !fields.includes(subscription.fieldName)) continue;
      if (!matchesFilter(subscription, event.value)) continue;
      void deliveryPayload(subscription, event.value).then(
        (payload) => {
          // Stopped while the payload was being built: nothing goes out.
          if (this.subscriptions.get(subscription.id) !== subscription) return;
          this.send(data(subscription.id, payload));
          this.log(`data id=${subscription.id} ${subscription.fieldName} (from ${event.fieldName})`);
        },
        (error: Error) => this.log(`data id=${subscription.id} failed: ${oneLine(error.message)}`),
      );
    }
  }

  /** Closes with 1001 (going away); the socket is destroyed if the peer does not answer the close in time. */
  shutdown(): Promise<void> {
    if (this.ws.readyState === this.ws.CLOSED) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      const force = setTimeout(() => this.ws.terminate(), 1_000);
      force.unref();
      this.ws.once('close', () => clearTimeout(force));
      this.ws.close(CloseCode.GoingAway, 'The local cloud is stopping.');
    });
  }

  private async authenticateConnect(req: IncomingMessage) {
    const protocols = offeredProtocols(req);
    if (!speaksGraphqlWs(protocols)) return { ok: false as const, error: subProtocolNotSupportedError() };
    const credentials = connectCredentials(req, protocols);
    if (!credentials.ok) return credentials;
    const decisions: string[] = [];
    const outcome = await authenticateRealtime(
      this.context.authenticators,
      { headers: credentials.credentials.headers, path: connectPath(this.route), body: credentials.credentials.payload, sourceIp: this.sourceIp },
      this.route.runtime,
      decisions,
    );
    this.log(`connect ${outcome.ok ? 'accepted' : 'refused'} [${decisions.map(oneLine).join('; ')}]`);
    return outcome;
  }

  private async serve(raw: RawData, isBinary: boolean): Promise<void> {
    if (this.ws.readyState !== this.ws.OPEN) return;
    const message = isBinary ? ({ type: 'unsupported', what: 'unknown', id: '' } as const) : parseClientMessage(rawText(raw));
    switch (message.type) {
      case ClientMessageType.ConnectionInit:
        return this.init();
      case ClientMessageType.Start:
        return this.start(message.id, message.payload);
      case ClientMessageType.Stop:
        return this.stop(message.id);
      default:
        this.log(`${message.what} message refused`);
        this.send(subscriptionError(message.id, [unsupportedOperationError(message.what)]));
    }
  }

  private async init(): Promise<void> {
    clearTimeout(this.initTimer);
    const outcome = await this.connectAuth;
    if (!outcome.ok) {
      const error = 'error' in outcome ? outcome.error : connectRefusedError(outcome.errorType, outcome.message, outcome.status);
      this.send(connectionError([error]));
      this.ws.close(CloseCode.Normal, 'connection refused');
      return;
    }
    this.send(connectionAck(this.context.settings.connectionTimeoutMs));
    if (this.acknowledged) return;
    this.acknowledged = true;
    this.send(keepAlive());
    this.keepAliveTimer = setInterval(() => this.send(keepAlive()), this.context.settings.keepAliveIntervalMs);
    this.keepAliveTimer.unref();
  }

  private async start(id: string, payload: unknown): Promise<void> {
    if (!this.acknowledged) {
      this.log(`start id=${id} before connection_ack refused`);
      return this.send(subscriptionError(id, [realtimeError(RealtimeErrorType.BadRequest, 'Send connection_init and wait for connection_ack before start.')]));
    }
    if (this.subscriptions.has(id) || this.pending.has(id)) {
      this.log(`start id=${id} refused: duplicated id`);
      return this.send(subscriptionError(id, [realtimeError(RealtimeErrorType.DuplicatedOperation, `Duplicated operation with id ${id}`)]));
    }
    if (this.subscriptions.size + this.pending.size >= this.context.settings.maxSubscriptions) {
      this.log(`start id=${id} refused: ${this.context.settings.maxSubscriptions} subscriptions already`);
      return this.send(
        subscriptionError(id, [
          realtimeError(RealtimeErrorType.MaxSubscriptionsReached, `Max number of ${this.context.settings.maxSubscriptions} subscriptions reached`),
        ]),
      );
    }
    this.pending.add(id);
    const decisions: string[] = [];
    try {
      const outcome = await startSubscription(this.context.authenticators, { id, payload, route: this.route, sourceIp: this.sourceIp }, decisions);
      if (this.ws.readyState !== this.ws.OPEN) return;
      if (!outcome.ok) {
        this.log(`start id=${id} refused [${decisions.map(oneLine).join('; ')}]`);
        return this.send(subscriptionError(id, outcome.errors));
      }
      this.subscriptions.set(id, outcome.subscription);
      this.log(`start id=${id} ${outcome.subscription.operation.label} [${decisions.map(oneLine).join('; ')}]`);
      this.send(startAck(id));
    } finally {
      this.pending.delete(id);
    }
  }

  private stop(id: string): void {
    if (!this.subscriptions.delete(id)) {
      this.log(`stop id=${id}: no such subscription`);
      this.send(subscriptionError(id, [realtimeError(RealtimeErrorType.BadRequest, `No subscription with id ${id} on this connection.`)]));
      return;
    }
    this.log(`stop id=${id}`);
    this.send(complete(id));
  }

  private send(message: ServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  private stopTimers(): void {
    clearTimeout(this.initTimer);
    clearInterval(this.keepAliveTimer);
  }

  private log(line: string): void {
    this.context.log(`${this.name} ${line}`);
  }
}

function rawText(raw: RawData): string {
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw).toString('utf8');
}

/** An upgrade that goes nowhere: a plain HTTP answer on the raw socket, as the HTTP endpoint would give it. */
function refuseUpgrade(socket: Duplex, status: 404 | 503, message: string): void {
  const errorType = status === 404 ? 'NotFoundException' : 'ServiceUnavailableException';
  const body = JSON.stringify({ errors: [{ message, errorType }] });
  const reason = status === 404 ? 'Not Found' : 'Service Unavailable';
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=UTF-8\r\nx-amzn-ErrorType: ${errorType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  } else {
    socket.destroy();
  }
}
