/**
 * Settings of a caller Lambda, read from the environment Amplify gives a function that may call an API:
 * `API_<NAME>_GRAPHQLAPIENDPOINTOUTPUT`, `API_<NAME>_GRAPHQLAPIIDOUTPUT`, `API_<NAME>_GRAPHQLAPIKEYOUTPUT` (API-key
 * callers only), `ENV` and `REGION`. <NAME> is discovered rather than assumed, so the same bundle serves any API name.
 */

import type { AuthMode } from './auth-mode';

export type { AuthMode } from './auth-mode';

export type CallerAuthSettings =
  | { readonly mode: Extract<AuthMode, 'API_KEY'>; readonly apiKey: string; readonly apiKeyVariable: string }
  | { readonly mode: Extract<AuthMode, 'AWS_IAM'> };

export interface CallerSettings {
  /** The upper-cased API name taken from the variable names, e.g. `TODOAPI`. */
  readonly apiName: string;
  readonly endpoint: string;
  readonly endpointVariable: string;
  readonly apiId: string | undefined;
  readonly envName: string | undefined;
  /** Needed to sign for IAM; API-key callers may run without it. */
  readonly region: string | undefined;
  readonly auth: CallerAuthSettings;
}

export type EnvironmentRecord = Readonly<Record<string, string | undefined>>;

export class SettingsError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'SettingsError';
  }
}

const ENDPOINT_VARIABLE = /^API_([A-Z0-9_]+?)_GRAPHQLAPIENDPOINTOUTPUT$/;
const API_KEY_VARIABLE = /^API_([A-Z0-9_]+?)_GRAPHQLAPIKEYOUTPUT$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
// Plain http would put the API key on the wire in clear text; only a local emulator on this host may use it.
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function readCallerSettings(env: EnvironmentRecord): CallerSettings {
  const { apiName, endpointVariable } = findEndpointVariable(env);
  const endpoint = parseEndpoint(endpointVariable, env[endpointVariable] ?? '');
  const auth = readAuthSettings(env, apiName);
  const region = readRegion(env, auth.mode);
  return {
    apiName,
    endpoint,
    endpointVariable,
    apiId: nonEmpty(env[`API_${apiName}_GRAPHQLAPIIDOUTPUT`]),
    envName: nonEmpty(env.ENV),
    region,
    auth,
  };
}

function findEndpointVariable(env: EnvironmentRecord): { apiName: string; endpointVariable: string } {
  const candidates = Object.keys(env)
    .filter((name) => env[name] !== undefined && ENDPOINT_VARIABLE.test(name))
    .sort();
  if (candidates.length === 0) {
    throw new SettingsError(
      'API_<NAME>_GRAPHQLAPIENDPOINTOUTPUT',
      'No API_<NAME>_GRAPHQLAPIENDPOINTOUTPUT variable is set: set it to the https URL of the AppSync /graphql endpoint, ' +
        'with <NAME> the upper-cased API name (e.g. API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT).',
    );
  }
  if (candidates.length > 1) {
    throw new SettingsError(
      candidates.join(', '),
      `Found ${candidates.length} endpoint variables (${candidates.join(', ')}) but exactly one must be set: ` +
        'remove the ones for APIs this function does not call.',
    );
  }
  const endpointVariable = candidates[0];
  const apiName = ENDPOINT_VARIABLE.exec(endpointVariable)?.[1] ?? '';
  return { apiName, endpointVariable };
}

function parseEndpoint(variable: string, value: string): string {
  const fix = 'set it to the https URL of the API, e.g. https://<id>.appsync-api.<region>.amazonaws.com/graphql';
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new SettingsError(variable, `${variable} is not a URL (${describeValue(value)}): ${fix}.`);
  }
  const isLocal = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !isLocal) {
    throw new SettingsError(
      variable,
      `${variable} must use https (got ${url.protocol}//${url.host}); plain http is accepted only for 127.0.0.1/localhost: ${fix}.`,
    );
  }
  return url.toString();
}

function readAuthSettings(env: EnvironmentRecord, apiName: string): CallerAuthSettings {
  const apiKeyVariable = `API_${apiName}_GRAPHQLAPIKEYOUTPUT`;
  const apiKey = env[apiKeyVariable];
  if (apiKey === undefined) {
    rejectStrayApiKeyVariables(env, apiKeyVariable);
    return { mode: 'AWS_IAM' };
  }
  if (apiKey.trim() === '') {
    throw new SettingsError(apiKeyVariable, `${apiKeyVariable} is set but empty: set it to the API key of the API, or remove it to call with IAM (SigV4).`);
  }
  return { mode: 'API_KEY', apiKey: apiKey.trim(), apiKeyVariable };
}

// A key variable named after another API would silently switch the caller to IAM: say so instead.
function rejectStrayApiKeyVariables(env: EnvironmentRecord, expectedVariable: string): void {
  const stray = Object.keys(env).filter((name) => env[name] !== undefined && API_KEY_VARIABLE.test(name));
  if (stray.length > 0) {
    throw new SettingsError(
      stray[0],
      `${stray.join(', ')} does not match the endpoint variable's API name: rename it to ${expectedVariable} ` +
        'to call with the API key, or remove it to call with IAM (SigV4).',
    );
  }
}

function readRegion(env: EnvironmentRecord, mode: AuthMode): string | undefined {
  const fromRegion = nonEmpty(env.REGION);
  const variable = fromRegion !== undefined ? 'REGION' : 'AWS_REGION';
  const region = fromRegion ?? nonEmpty(env.AWS_REGION);
  if (region === undefined) {
    if (mode === 'AWS_IAM') {
      throw new SettingsError('REGION', 'REGION (or AWS_REGION) is not set: IAM (SigV4) signing needs the region of the API, e.g. REGION=us-east-1.');
    }
    return undefined;
  }
  if (!REGION_PATTERN.test(region)) {
    throw new SettingsError(variable, `${variable} is not an AWS region (${describeValue(region)}): set it to e.g. us-east-1.`);
  }
  return region;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

// Endpoint and region values are not secret, but a mangled value can be long: show enough to recognise it.
function describeValue(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return JSON.stringify(shown);
}
