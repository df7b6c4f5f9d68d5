/**
 * IAM (SigV4) authorization of the GraphQL client, and the credentials it signs with by default. Only the IAM callers'
 * bundles hold this module (and ./sigv4, the SigV4 core on @smithy/signature-v4): the API-key entry points never
 * reference it.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Authorization, Authorizer } from './graphql-client';
import { authorizationParts, signRequest } from './sigv4';

const APPSYNC_SIGNING_SERVICE = 'appsync';

export interface IamAuth {
  readonly region: string;
  /** Defaults to defaultCredentialsProvider(), created on first use and shared by the whole container. */
  readonly credentials?: AwsCredentialIdentityProvider | AwsCredentialIdentity;
}

/** Signs every attempt (a retry needs a fresh X-Amz-Date, and the provider may have rotated the credentials). */
export function iamAuthorizer(auth: IamAuth, endpoint: URL): Authorizer {
  let provider: AwsCredentialIdentityProvider | undefined;
  return async (body): Promise<Authorization> => {
    provider ??= credentialsProviderOf(auth.credentials);
    const credentials = await provider();
    const { headers } = await signRequest(
      { method: 'POST', url: endpoint, headers: { 'content-type': 'application/json' }, body },
      { service: APPSYNC_SIGNING_SERVICE, region: auth.region, credentials, signingDate: new Date() },
    );
    // The transport sends the host itself (the same URL.host that was signed).
    const { host: _host, ...sent } = headers;
    return {
      headers: sent,
      secrets: [credentials.secretAccessKey, credentials.sessionToken, authorizationParts(headers.authorization)?.signature],
    };
  };
}

function credentialsProviderOf(credentials: IamAuth['credentials']): AwsCredentialIdentityProvider {
  if (credentials === undefined) return defaultCredentialsProvider();
  return typeof credentials === 'function' ? credentials : async () => credentials;
}

let defaultProvider: AwsCredentialIdentityProvider | undefined;

/**
 * The credentials a caller signs with unless told otherwise, created on first use and shared by every client of the
 * container:
 * - inside Lambda, the execution role's credentials, which Lambda always puts in the environment: read from there as
 *   the SDK's `fromEnv` does (the first source the Node provider chain would try anyway), without loading the chain;
 * - anywhere else (a script, a server, a test), or in a Lambda without them, the full Node provider chain of
 *   @aws-sdk/credential-provider-node (environment, SSO, ini files, process, web identity, container and instance
 *   metadata; cached, refreshed 5 minutes before expiry), imported on first use only. The bundles leave @aws-sdk/* to
 *   the Lambda runtime, which ships it, so an IAM caller never loads it in Lambda.
 */
export function defaultCredentialsProvider(): AwsCredentialIdentityProvider {
  defaultProvider ??= hasLambdaEnvironmentCredentials(process.env) ? environmentCredentials : nodeProviderChain();
  return defaultProvider;
}

/** Lambda sets AWS_LAMBDA_FUNCTION_NAME and the role's keys; AWS_PROFILE would make the chain skip them, so it decides. */
function hasLambdaEnvironmentCredentials(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AWS_LAMBDA_FUNCTION_NAME && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY && !env.AWS_PROFILE);
}

/** What @aws-sdk/credential-provider-env's fromEnv returns, read at each call. */
async function environmentCredentials(): Promise<AwsCredentialIdentity> {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!accessKeyId || !secretAccessKey) throw new Error('Unable to find environment variable credentials.');
  const expiry = process.env.AWS_CREDENTIAL_EXPIRATION;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiry ? { expiration: new Date(expiry) } : {}),
  };
}

function nodeProviderChain(): AwsCredentialIdentityProvider {
  let chain: Promise<AwsCredentialIdentityProvider> | undefined;
  return async (identityProperties) => {
    chain ??= loadNodeProviderChain().then(
      ({ defaultProvider: create }) => create(),
      (error: unknown) => {
        chain = undefined;
        throw error;
      },
    );
    return (await chain)(identityProperties);
  };
}

type NodeProviderModule = typeof import('@aws-sdk/credential-provider-node');

/**
 * require() where there is one: CommonJS, and the ESM bundles, whose banner defines it (lib/todo-function.ts). It
 * works in every host, jest's module sandbox included, where import() does not; import() anywhere else.
 */
async function loadNodeProviderChain(): Promise<NodeProviderModule> {
  if (typeof require === 'function') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@aws-sdk/credential-provider-node') as NodeProviderModule;
  }
  return import('@aws-sdk/credential-provider-node');
}
