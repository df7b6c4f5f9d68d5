export {
  EXECUTION_TIMEOUT_MS,
  IAM_PERMISSION_DENIED_STATUS,
  type InvokeLambda,
  type InvokeLambdaResult,
  type MutationEvent,
  type MutationListener,
} from './execute';
export {
  type AppSyncHandlerOptions,
  type AppSyncRequestHandler,
  createAppSyncRequestHandler,
  DEFAULT_API_KEY_LIFETIME_SECONDS,
  MAX_REQUEST_BODY_BYTES,
  redactKey,
} from './handler';
export { APPSYNC_PRELUDE, APPSYNC_SCALAR_NAMES, createAppSyncScalars } from './scalars';
export { type ApiRuntime, type AuthMode, buildApiRuntime, SchemaBuildError } from './schema';
