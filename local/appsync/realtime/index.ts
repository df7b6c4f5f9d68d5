export { createRealtimeEndpoint, type RealtimeEndpoint, type RealtimeEndpointOptions, type RealtimeState } from './endpoint';
export {
  ClientMessageType,
  CONNECTION_TIMEOUT_MS,
  GRAPHQL_WS_PROTOCOL,
  KEEP_ALIVE_INTERVAL_MS,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
  ServerMessageType,
} from './protocol';
