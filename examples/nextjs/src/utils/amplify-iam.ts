/**
 * IAM (SigV4) from a Next.js server that has its own role.
 *
 * `@aws-amplify/adapter-nextjs` gets IAM credentials only from a Cognito identity pool; a server on Lambda, ECS or
 * Amplify Hosting compute has a role instead, whose credentials come from the default Node.js provider chain
 * (`@aws-sdk/credential-provider-node`: environment, AWS_PROFILE in the shared files, the container or instance role).
 * This runner hands those credentials to Amplify through Amplify's own extension point, a `credentialsProvider` in the
 * library options of a per-request context (`createAmplifyContext`, exactly what the adapter's own
 * `runWithAmplifyServerContext` builds for every request), and Amplify's GraphQL client signs with its own signer.
 *
 * Isolation: every call builds a new context with a new provider object that holds only the credentials resolved for
 * that request. Nothing is configured globally (`Amplify.configure` is never called), so two concurrent requests
 * never see each other's credentials (test/credentials-isolation.test.ts).
 */
import { createAmplifyContext, type AmplifyContext } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api/server';
import { parseAmplifyConfig } from 'aws-amplify/utils';
import { defaultProvider } from '@aws-sdk/credential-provider-node';

type AmplifyConfigInput = Parameters<typeof parseAmplifyConfig>[0];
type LibraryOptions = NonNullable<Parameters<typeof createAmplifyContext>[1]>;
type CredentialsProvider = NonNullable<NonNullable<LibraryOptions['Auth']>['credentialsProvider']>;

/** What the AWS SDK's providers resolve to. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}
/** An AWS SDK credential provider (`defaultProvider()`, `fromIni()`, ...). */
export type AwsCredentialSource = () => Promise<AwsCredentials>;

export interface IamServerRunnerOptions {
  /** amplifyconfiguration.json or amplify_outputs.json. */
  readonly config: AmplifyConfigInput;
  /**
   * Where the server's credentials come from.
   * @default the default Node.js provider chain, created once (it caches and refreshes the role's credentials)
   */
  readonly credentials?: AwsCredentialSource;
}

export interface RunOptions {
  /** This request's credentials, instead of the server's (e.g. a role assumed for this request only). */
  readonly credentials?: AwsCredentialSource;
}

/** A provider for one context: resolves its source once (forceRefresh resolves it again), holds nothing else. */
export function requestCredentialsProvider(source: AwsCredentialSource): CredentialsProvider {
  let resolved: Promise<{ credentials: AwsCredentials }> | undefined;
  const resolve = () => source().then((c) => ({ credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration } }));
  return {
    getCredentialsAndIdentityId: async (getOptions) => {
      if (getOptions?.forceRefresh || !resolved) {
        resolved = resolve();
        // A failed resolution is not kept: the next call tries again.
        resolved.catch(() => (resolved = undefined));
      }
      return resolved;
    },
    clearCredentialsAndIdentityId: () => {
      resolved = undefined;
    },
  };
}

export function createIamServerRunner(options: IamServerRunnerOptions) {
  const resourcesConfig = parseAmplifyConfig(options.config);
  let serverCredentials = options.credentials;
  const serverSource: AwsCredentialSource = () => (serverCredentials ??= defaultProvider())();

  /** Runs `operation` with a new Amplify context whose only credentials are this request's. */
  async function runWithIamServerContext<Result>(operation: (contextSpec: AmplifyContext) => Promise<Result>, runOptions: RunOptions = {}): Promise<Result> {
    const contextSpec = createAmplifyContext(resourcesConfig, {
      Auth: { credentialsProvider: requestCredentialsProvider(runOptions.credentials ?? serverSource) },
    });
    return operation(contextSpec);
  }

  /** Amplify's server-side GraphQL client, IAM by default: `iamClient.graphql(contextSpec, { query, variables })`. */
  const iamClient = generateClient({ config: resourcesConfig, authMode: 'iam' });

  return { runWithIamServerContext, iamClient };
}
