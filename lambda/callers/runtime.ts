/**
 * The settings and the GraphQL client of a caller, built once per Lambda container (on the first invocation, so a
 * misconfiguration is answered as an error response instead of failing the cold start without a word).
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { type ClientAuth, createApiKeyGraphqlClient, createGraphqlClient, type GraphqlClient } from '../shared/graphql-client';
import type { RetryPolicy } from '../shared/retry';
import { type CallerSettings, type EnvironmentRecord, readCallerSettings, SettingsError } from '../shared/settings';

export interface CallerRuntime {
  readonly settings: CallerSettings;
  readonly client: GraphqlClient;
}

/** What tests (or another host) may change; production uses the defaults. */
export interface CallerRuntimeOptions {
  readonly credentials?: AwsCredentialIdentityProvider | AwsCredentialIdentity;
  readonly requestTimeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly minAttemptMs?: number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export type RuntimeProvider = () => CallerRuntime;

export function buildCallerRuntime(env: EnvironmentRecord, options: CallerRuntimeOptions = {}): CallerRuntime {
  const settings = readCallerSettings(env);
  const client = createGraphqlClient({
    endpoint: settings.endpoint,
    auth: clientAuthOf(settings, options.credentials),
    requestTimeoutMs: options.requestTimeoutMs,
    retry: options.retry,
    minAttemptMs: options.minAttemptMs,
    random: options.random,
    sleep: options.sleep,
  });
  return { settings, client };
}

/**
 * As buildCallerRuntime, for a function built to call with the API key only (the `*.api-key.ts` entry points): its
 * bundle holds no SigV4 signer, so a configuration without the API key is refused with the variable to set.
 */
export function buildApiKeyCallerRuntime(env: EnvironmentRecord, options: CallerRuntimeOptions = {}): CallerRuntime {
  const settings = readCallerSettings(env);
  if (settings.auth.mode !== 'API_KEY') {
    const variable = `API_${settings.apiName}_GRAPHQLAPIKEYOUTPUT`;
    throw new SettingsError(
      variable,
      `${variable} is not set: this function is built to call the API with its API key (it carries no SigV4 signer). ` +
        'Set it to the API key, or deploy the caller with IAM auth.',
    );
  }
  const client = createApiKeyGraphqlClient({
    endpoint: settings.endpoint,
    apiKey: settings.auth.apiKey,
    requestTimeoutMs: options.requestTimeoutMs,
    retry: options.retry,
    minAttemptMs: options.minAttemptMs,
    random: options.random,
    sleep: options.sleep,
  });
  return { settings, client };
}

function clientAuthOf(settings: CallerSettings, credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity | undefined): ClientAuth {
  if (settings.auth.mode === 'API_KEY') {
    return { mode: 'API_KEY', apiKey: settings.auth.apiKey };
  }
  if (settings.region === undefined) {
    // readCallerSettings already refuses IAM without a region; this keeps the types honest.
    throw new SettingsError('REGION', 'REGION (or AWS_REGION) is not set: IAM (SigV4) signing needs the region of the API.');
  }
  return { mode: 'AWS_IAM', region: settings.region, credentials };
}

/** Memoizes a runtime, failures included: the environment of a container does not change. */
export function memoizeRuntime(build: RuntimeProvider): RuntimeProvider {
  let built: { readonly runtime: CallerRuntime } | { readonly error: unknown } | undefined;
  return () => {
    if (built === undefined) {
      try {
        built = { runtime: build() };
      } catch (error) {
        built = { error };
      }
    }
    if ('error' in built) {
      throw built.error;
    }
    return built.runtime;
  };
}

// Marked pure so that a bundle that does not use one of them (an API-key entry point does not use the first) drops it,
// and everything only it references.
export const containerRuntime: RuntimeProvider = /* @__PURE__ */ memoizeRuntime(() => buildCallerRuntime(process.env));

/** The runtime of the `*.api-key.ts` entry points. */
export const apiKeyContainerRuntime: RuntimeProvider = /* @__PURE__ */ memoizeRuntime(() => buildApiKeyCallerRuntime(process.env));
