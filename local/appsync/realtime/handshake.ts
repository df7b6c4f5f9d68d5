/**
 * The WebSocket handshake of the real-time endpoint: which API a connection is for, and the credentials it carries.
 *
 * Paths: AppSync's real-time endpoint is `wss://<id>.appsync-realtime-api.<region>.amazonaws.com/graphql`, and for a
 * custom domain (any URL that is not AppSync's own, which includes every local URL) Amplify JS dials the GraphQL
 * URL + `/realtime` (amplify-js, AWSWebSocketProvider/appsyncUrl.ts). Both are served here: `<graphql path>/realtime`
 * and the GraphQL path itself, for every path an API is served at over HTTP.
 *
 * Credentials (the "header" of the developer guide): base64 JSON, either in the `header` query parameter (with
 * `payload`, base64 JSON, usually `{}`), or as a second subprotocol `header-<base64url JSON>` (what Amplify JS 6
 * sends, with no query parameters at all).
 */
import type { IncomingMessage } from 'node:http';
import { firstValue, parseQuery, splitTarget } from '../../http';
import { type RealtimeError, RealtimeErrorType } from '../errors';
import type { GraphqlRouter } from '../routes';
import type { ApiRuntime } from '../schema';
import { GRAPHQL_WS_PROTOCOL, HEADER_PROTOCOL_PREFIX } from './protocol';

const REALTIME_SUFFIX = '/realtime';
/** The path a client signs for an IAM connect: the GraphQL URL + `/connect` (the developer guide's IAM example). */
const CONNECT_SUFFIX = '/connect';

/** Where an upgrade goes: the API, and the GraphQL path the client signs against. */
export interface RealtimeRoute {
  readonly runtime: ApiRuntime;
  /** e.g. `/graphql`: a start's signature covers this path, a connect's this path + `/connect`. */
  readonly graphqlPath: string;
}

/** The real-time paths derive from the HTTP endpoint's GraphQL paths. */
export function realtimeRoute(rawPath: string, graphqlRouter: GraphqlRouter): RealtimeRoute | undefined {
  const graphqlPath = rawPath.endsWith(REALTIME_SUFFIX) ? rawPath.slice(0, -REALTIME_SUFFIX.length) : rawPath;
  const runtime = graphqlPath === '' ? undefined : graphqlRouter(graphqlPath);
  return runtime ? { runtime, graphqlPath } : undefined;
}

export function connectPath(route: RealtimeRoute): string {
  return `${route.graphqlPath}${CONNECT_SUFFIX}`;
}

/** The subprotocols a client offered, in order (`Sec-WebSocket-Protocol`, possibly repeated). */
export function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headersDistinct['sec-websocket-protocol'] ?? []).flatMap((value) =>
    value
      .split(',')
      .map((protocol) => protocol.trim())
      .filter((protocol) => protocol !== ''),
  );
}

export function speaksGraphqlWs(protocols: readonly string[]): boolean {
  return protocols.includes(GRAPHQL_WS_PROTOCOL);
}

/** A connect's credentials as sent: header names as the client wrote them, and the payload its signature covers. */
export interface ConnectCredentials {
  readonly headers: Readonly<Record<string, unknown>>;
  /** The decoded `payload` parameter (`{}` when there is none, as Amplify JS signs it). */
  readonly payload: string;
}

export type ConnectCredentialsResult = { readonly ok: true; readonly credentials: ConnectCredentials } | { readonly ok: false; readonly error: RealtimeError };

/**
 * The connect header, from the subprotocol form or the query parameter. A header that is not base64 JSON is the
 * client's mistake, answered with BadRequestException (400, which Amplify does not retry); AppSync's own wording for
 * it is *unconfirmed*.
 */
export function connectCredentials(req: IncomingMessage, protocols: readonly string[]): ConnectCredentialsResult {
  const params = parseQuery(splitTarget(req.url).rawQuery);
  const fromProtocol = protocols.find((protocol) => protocol.startsWith(HEADER_PROTOCOL_PREFIX));
  const encodedHeader = fromProtocol !== undefined ? fromProtocol.slice(HEADER_PROTOCOL_PREFIX.length) : firstValue(params, 'header');
  const where = fromProtocol !== undefined ? 'the header- subprotocol' : 'the header query parameter';
  const headers = encodedHeader === undefined || encodedHeader === '' ? {} : decodeJsonObject(encodedHeader);
  if (headers === undefined)
    return {
      ok: false,
      error: badRequest(`The connection's credentials in ${where} are not base64-encoded JSON: encode the header object with base64 (or base64url).`),
    };

  const encodedPayload = firstValue(params, 'payload');
  if (encodedPayload === undefined || encodedPayload === '') return { ok: true, credentials: { headers, payload: '{}' } };
  const payload = decodeText(encodedPayload);
  if (payload === undefined || decodeJsonObject(encodedPayload) === undefined) {
    return { ok: false, error: badRequest('The payload query parameter is not base64-encoded JSON: send payload=e30= (base64 of {}).') };
  }
  return { ok: true, credentials: { headers, payload } };
}

function badRequest(message: string): RealtimeError {
  return { errorType: RealtimeErrorType.BadRequest, message, errorCode: 400 };
}

/** base64 or base64url, padded or not; a `+` that became a space in an unencoded query string is put back. */
function decodeText(encoded: string): string | undefined {
  const normalized = encoded.replace(/ /g, '+');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(normalized)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(normalized, 'base64'));
  } catch {
    return undefined;
  }
}

function decodeJsonObject(encoded: string): Record<string, unknown> | undefined {
  const text = decodeText(encoded);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
