/**
 * A function's environment: the one place it is built (as SAM CLI's local/lambdafn/env_vars.py), from scratch, never
 * from this process's own environment (PATH aside).
 *
 * Precedence, lowest first; each layer overrides the ones before it:
 * 1. defaults: PATH (this process's), LANG=en_US.UTF-8, TZ=:UTC, NODE_PATH as the Node.js runtime's bootstrap sets it
 *    (node-runtime.ts), and AWS_ENDPOINT_URL = UNROUTED_AWS_ENDPOINT, so that an SDK client for a service the local
 *    cloud does not emulate fails at once instead of reaching AWS;
 * 2. the function's own variables (its template's Environment.Variables, already resolved);
 * 3. the extra environment of the other local services (e.g. AWS_ENDPOINT_URL_DYNAMODB of the local store): what
 *    points the function's SDK clients at them wins over the function's configuration. An AWS_ENDPOINT_URL set to
 *    the empty string in 2 or 3 leaves that variable unset;
 * 4. Lambda's reserved variables (AWS_REGION, AWS_LAMBDA_*, LAMBDA_TASK_ROOT, _HANDLER, TZ, …) and the execution
 *    role's credentials: they cannot be overridden, and credentials (or a profile) from 1–3 are dropped, so a
 *    function runs with its role's keys or none; it never reads ~/.aws nor the instance metadata service.
 */
import { randomBytes } from 'node:crypto';
import { lambdaNodePath } from './node-runtime';
import type { LocalFunctionDefinition } from './types';

/**
 * Default AWS_ENDPOINT_URL of the workers: an SDK client for a service the local cloud does not emulate fails fast
 * on this closed local port instead of reaching AWS. Set AWS_ENDPOINT_URL in `extraEnvironment` to change it, or to
 * an empty string to leave it unset.
 */
export const UNROUTED_AWS_ENDPOINT = 'http://127.0.0.1:9';

/**
 * Where the workers look for credentials and config files: a path that does not exist, so that neither the
 * parent's ~/.aws nor anything else is picked up (/nonexistent is the conventional home of nobody).
 */
const NO_AWS_FILES_DIR = '/nonexistent/.aws';

/** Credentials that only the execution role may supply (layer 4). */
const DROPPED_CREDENTIALS = ['AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];

export interface EnvironmentContext {
  region: string;
  /** Layer 3: the other local services' variables. */
  extraEnvironment: Readonly<Record<string, string>>;
}

/** The environment of a new worker of `fn` (each worker has its own log stream name). */
export function functionEnvironment(fn: LocalFunctionDefinition, context: EnvironmentContext): Record<string, string> {
  const env: Record<string, string> = {
    // 1
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    NODE_PATH: lambdaNodePath(fn.runtime, fn.codeDir),
    AWS_ENDPOINT_URL: UNROUTED_AWS_ENDPOINT,
    // 2
    ...fn.environment,
    // 3
    ...context.extraEnvironment,
  };
  if (env.AWS_ENDPOINT_URL === '') delete env.AWS_ENDPOINT_URL;
  // 4: Lambda sets these, whatever the function's configuration says.
  for (const name of DROPPED_CREDENTIALS) delete env[name];
  Object.assign(env, {
    AWS_REGION: context.region,
    AWS_DEFAULT_REGION: context.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    LAMBDA_TASK_ROOT: fn.codeDir,
    _HANDLER: fn.handler,
    TZ: ':UTC',
    // Never the developer's ~/.aws, never the instance metadata service.
    AWS_SHARED_CREDENTIALS_FILE: `${NO_AWS_FILES_DIR}/credentials`,
    AWS_CONFIG_FILE: `${NO_AWS_FILES_DIR}/config`,
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  if (fn.credentials) {
    env.AWS_ACCESS_KEY_ID = fn.credentials.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = fn.credentials.secretAccessKey;
    if (fn.credentials.sessionToken) env.AWS_SESSION_TOKEN = fn.credentials.sessionToken;
  }
  return env;
}

/** As Lambda names them: `2024/05/01/[$LATEST]<32 hex>`. */
function logStreamName(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}
