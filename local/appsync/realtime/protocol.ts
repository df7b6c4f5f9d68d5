/**
 * AppSync's real-time protocol on the wire ("Building a real-time WebSocket client", AppSync developer guide): the
 * `graphql-ws` subprotocol, JSON text messages with a `type`, an `id` for the ones about one subscription and a
 * `payload`. What the server sends is built here and nowhere else.
 */
import type { RealtimeError } from '../errors';

/** The only subprotocol AppSync's real-time endpoint speaks (not the newer graphql-transport-ws). */
export const GRAPHQL_WS_PROTOCOL = 'graphql-ws';
/** Amplify JS 6 sends the connect header as a second subprotocol, `header-<base64url JSON>`, instead of a query parameter. */
export const HEADER_PROTOCOL_PREFIX = 'header-';

/** `connectionTimeoutMs` of AppSync's connection_ack: five minutes (every recorded ack says 300000). */
export const CONNECTION_TIMEOUT_MS = 300_000;
/** AppSync sends `ka` about every minute (measured: gaps of 59,958 and 59,836 ms) and once right after the ack. */
export const KEEP_ALIVE_INTERVAL_MS = 60_000;
/** AppSync's default quota of subscriptions per connection (AWS General Reference, AppSync quotas). */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 100;
/**
 * How long a connection may stay without sending connection_init before it is closed. AppSync documents no such
 * limit (*unconfirmed*): the connection timeout it announces is used, so an abandoned socket does not live forever.
 */
export const CONNECTION_INIT_TIMEOUT_MS = CONNECTION_TIMEOUT_MS;
/** Largest message accepted (a start carries a query and its authorization); bigger ones close the socket with 1009. */
export const MAX_MESSAGE_BYTES = 1_048_576;

export enum ClientMessageType {
  ConnectionInit = 'connection_init',
  Start = 'start',
  Stop = 'stop',
}

export enum ServerMessageType {
  ConnectionAck = 'connection_ack',
  ConnectionError = 'connection_error',
  KeepAlive = 'ka',
  StartAck = 'start_ack',
  Data = 'data',
  Complete = 'complete',
  Error = 'error',
}

/** WebSocket close codes the endpoint uses (RFC 6455, 7.4.1). */
export enum CloseCode {
  Normal = 1000,
  GoingAway = 1001,
}

export type ServerMessage =
  | { readonly type: ServerMessageType.ConnectionAck; readonly payload: { readonly connectionTimeoutMs: number } }
  | { readonly type: ServerMessageType.ConnectionError; readonly payload: { readonly errors: readonly RealtimeError[] } }
  | { readonly type: ServerMessageType.KeepAlive }
  | { readonly id: string; readonly type: ServerMessageType.StartAck }
  | { readonly id: string; readonly type: ServerMessageType.Data; readonly payload: DataPayload }
  | { readonly id: string; readonly type: ServerMessageType.Complete }
  | { readonly id: string; readonly type: ServerMessageType.Error; readonly payload: { readonly errors: readonly unknown[] } };

export interface DataPayload {
  readonly data: Record<string, unknown> | null;
  readonly errors?: readonly unknown[];
}

export const connectionAck = (connectionTimeoutMs: number): ServerMessage => ({ type: ServerMessageType.ConnectionAck, payload: { connectionTimeoutMs } });
export const connectionError = (errors: readonly RealtimeError[]): ServerMessage => ({ type: ServerMessageType.ConnectionError, payload: { errors } });
export const keepAlive = (): ServerMessage => ({ type: ServerMessageType.KeepAlive });
export const startAck = (id: string): ServerMessage => ({ id, type: ServerMessageType.StartAck });
export const data = (id: string, payload: DataPayload): ServerMessage => ({ id, type: ServerMessageType.Data, payload });
export const complete = (id: string): ServerMessage => ({ id, type: ServerMessageType.Complete });
/** `id` is '' when the message it answers had none (as AppSync answers a start it cannot read). */
export const subscriptionError = (id: string, errors: readonly unknown[]): ServerMessage => ({ id, type: ServerMessageType.Error, payload: { errors } });

/** A client message as far as the protocol is concerned; the start's payload is checked where it is served. */
export type ClientMessage =
  | { readonly type: ClientMessageType.ConnectionInit }
  | { readonly type: ClientMessageType.Start; readonly id: string; readonly payload: unknown }
  | { readonly type: ClientMessageType.Stop; readonly id: string }
  /** Anything else: `what` names it in AppSync's "<what> not supported through the realtime channel". */
  | { readonly type: 'unsupported'; readonly what: string; readonly id: string };

/** Reads one text message. Never throws: what cannot be read is `unsupported`. */
export function parseClientMessage(text: string): ClientMessage {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { type: 'unsupported', what: 'unknown', id: '' };
  }
  if (!message || typeof message !== 'object' || Array.isArray(message)) return { type: 'unsupported', what: 'unknown', id: '' };
  const { type, id, payload } = message as Record<string, unknown>;
  const messageId = typeof id === 'string' ? id : '';
  switch (type) {
    case ClientMessageType.ConnectionInit:
      return { type: ClientMessageType.ConnectionInit };
    case ClientMessageType.Start:
      return messageId === '' ? { type: 'unsupported', what: 'unknown', id: '' } : { type: ClientMessageType.Start, id: messageId, payload };
    case ClientMessageType.Stop:
      return messageId === '' ? { type: 'unsupported', what: 'unknown', id: '' } : { type: ClientMessageType.Stop, id: messageId };
    default:
      return { type: 'unsupported', what: typeof type === 'string' && /^[\w-]{1,64}$/.test(type) ? type : 'unknown', id: messageId };
  }
}
