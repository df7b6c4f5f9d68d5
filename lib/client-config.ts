/**
 * Amplify client configuration for the GraphQL API, built from stack outputs in the shape
 * `npx cdk deploy --all --outputs-file cdk-outputs.json` writes them: `{ [stackName]: { [outputName]: value } }`.
 *
 * Two documents, for the two generations of the Amplify libraries (`aws-amplify` 6 reads either with `Amplify.configure`):
 * - Gen 1 `amplifyconfiguration.json` (the flat `aws_*` keys of `aws-exports.js`);
 * - Gen 2 `amplify_outputs.json` (versioned, one `data` block for the API).
 *
 * Pure: no file system, no CDK. `bin/client-config.ts` (the CLI) and the local cloud (`local/local-cloud.ts`) write
 * the documents this module builds.
 */

/** The API stack's outputs (Amplify's names; see lib/todo-api.ts). */
export const API_OUTPUTS = {
  endpoint: 'GraphQLAPIEndpointOutput',
  apiId: 'GraphQLAPIIdOutput',
  apiKey: 'GraphQLAPIKeyOutput',
  region: 'GraphQLAPIRegionOutput',
} as const;

/** File names Amplify's tooling gives the two documents. */
export const CLIENT_CONFIG_FILE_NAMES = {
  gen1: 'amplifyconfiguration.json',
  gen2: 'amplify_outputs.json',
} as const;

/**
 * Version of the `amplify_outputs.json` schema written. "1.5" is the current schema of `@aws-amplify/client-config`
 * (aws-amplify/amplify-backend, packages/client-config/src/client-config-schema/schema_v1.5.json, whose `version` is
 * `{ "const": "1.5" }`; `DEFAULT_CLIENT_CONFIG_VERSION = ClientConfigVersionOption.V1_5` in
 * client-config-types/client_config.ts, what `npx ampx generate outputs` writes by default). `aws-amplify` 6 takes
 * any 1.x document as Gen 2 outputs (amplify-js packages/core/src/parseAmplifyOutputs.ts, `isAmplifyOutputs`:
 * `version.startsWith('1')`), and the `data` block is the same in every 1.x version.
 * Amplify's generator writes no `$schema` into the file, so neither does this one.
 */
export const AMPLIFY_OUTPUTS_VERSION = '1.5';

/** AppSync authorization types, spelled as both documents spell them. */
export const DEFAULT_AUTHORIZATION_TYPE = 'API_KEY';
export const ADDITIONAL_AUTHORIZATION_TYPES = ['AWS_IAM'] as const;

/** `cdk deploy --outputs-file` content: outputs by stack name. */
export type StackOutputsFile = Record<string, Record<string, string>>;

/**
 * Gen 1 `amplifyconfiguration.json` (the keys of Amplify CLI's `aws-exports.js`, which Gen 2's `ampx generate
 * config --format json` also writes: amplify-backend packages/client-config/src/client-config-types/
 * graphql_client_config.ts and platform_client_config.ts).
 */
export interface AmplifyConfigurationGen1 {
  /** Required by `aws-amplify` 6's `parseAWSExports`, which refuses a document without it. */
  readonly aws_project_region: string;
  readonly aws_appsync_graphqlEndpoint: string;
  readonly aws_appsync_region: string;
  readonly aws_appsync_authenticationType: typeof DEFAULT_AUTHORIZATION_TYPE;
  readonly aws_appsync_apiKey: string;
  /** Comma-separated, as Amplify writes it (`authorization_types.join(',')` in client_config_to_legacy_converter.ts). */
  readonly aws_appsync_additionalAuthenticationTypes: string;
}

/** Gen 2 `amplify_outputs.json`, the `data` block only (the schema's required keys, plus the API key). */
export interface AmplifyOutputsGen2 {
  readonly version: typeof AMPLIFY_OUTPUTS_VERSION;
  readonly data: {
    readonly url: string;
    readonly aws_region: string;
    readonly api_key: string;
    readonly default_authorization_type: typeof DEFAULT_AUTHORIZATION_TYPE;
    readonly authorization_types: string[];
  };
}

export interface ClientConfig {
  /** The stack the values came from. */
  readonly stackName: string;
  readonly amplifyConfiguration: AmplifyConfigurationGen1;
  readonly amplifyOutputs: AmplifyOutputsGen2;
}

export interface ClientConfigOptions {
  /** The API stack; needed when more than one stack has a `GraphQLAPIEndpointOutput`. */
  readonly stackName?: string;
  /** Where the outputs came from, for messages (e.g. the outputs file). @default 'the outputs' */
  readonly source?: string;
  /**
   * What to tell the user to do about a missing output.
   * @default deploy with `npx cdk deploy --all --outputs-file <source>`, or update a stack deployed before the output existed
   */
  readonly remedy?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors. Callers branch on the class (or `name`), never on the message text.

/** Base class of every error of the client configuration. */
export class ClientConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ClientConfigError';
  }
}

/** The outputs are not an object of stacks, each an object of outputs. */
export class InvalidOutputsError extends ClientConfigError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidOutputsError';
  }
}

/** No stack has a `GraphQLAPIEndpointOutput`. */
export class NoApiStackError extends ClientConfigError {
  constructor(
    message: string,
    readonly stackNames: readonly string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'NoApiStackError';
  }
}

/** More than one stack has a `GraphQLAPIEndpointOutput` and no `stackName` says which. */
export class AmbiguousApiStackError extends ClientConfigError {
  constructor(
    message: string,
    readonly apiStackNames: readonly string[],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AmbiguousApiStackError';
  }
}

/** The `stackName` asked for is not in the outputs. */
export class StackNotFoundError extends ClientConfigError {
  constructor(
    message: string,
    readonly stackName: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StackNotFoundError';
  }
}

/** The API stack lacks an output the configuration needs. */
export class MissingOutputError extends ClientConfigError {
  constructor(
    message: string,
    readonly stackName: string,
    readonly outputName: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MissingOutputError';
  }
}

/** An output has a value of the wrong shape. */
export class InvalidOutputError extends ClientConfigError {
  constructor(
    message: string,
    readonly stackName: string,
    readonly outputName: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'InvalidOutputError';
  }
}

// ---------------------------------------------------------------------------------------------------------------

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Builds both documents from the API stack's outputs. Throws a ClientConfigError subclass when it cannot. */
export function buildClientConfig(outputs: unknown, options: ClientConfigOptions = {}): ClientConfig {
  const source = options.source ?? 'the outputs';
  const deploy = `npx cdk deploy --all --outputs-file ${options.source ?? 'cdk-outputs.json'}`;
  const stacks = stacksOf(outputs, source);
  const stackName = apiStackName(stacks, source, options.remedy ?? `Deploy the API stack with \`${deploy}\`, then try again.`, options.stackName);
  const stackOutputs = stacks[stackName];

  const present = (outputName: string): unknown => {
    if (!Object.hasOwn(stackOutputs, outputName)) {
      const remedy = options.remedy ?? `Deploy with \`${deploy}\` (a stack deployed before this output existed needs that update), then try again.`;
      throw new MissingOutputError(`Stack ${stackName} has no output ${outputName} in ${source}. ${remedy}`, stackName, outputName);
    }
    return stackOutputs[outputName];
  };
  const endpoint = present(API_OUTPUTS.endpoint);
  const apiKey = present(API_OUTPUTS.apiKey);
  const region = present(API_OUTPUTS.region);

  // The key is secret: its value appears in no message, not even echoed inside another output's value.
  const secret = typeof apiKey === 'string' ? apiKey : undefined;
  const invalid = (outputName: string, expected: string, value: unknown, showValue: boolean) =>
    new InvalidOutputError(
      `Output ${outputName} of stack ${stackName} in ${source} ${expected}${showValue ? `, not ${quoteForMessage(value, secret)}` : ''}.`,
      stackName,
      outputName,
    );
  if (typeof endpoint !== 'string' || !isHttpUrl(endpoint)) {
    throw invalid(
      API_OUTPUTS.endpoint,
      'must be the http(s) URL of the GraphQL endpoint (https://<id>.appsync-api.<region>.amazonaws.com/graphql)',
      endpoint,
      true,
    );
  }
  if (typeof apiKey !== 'string' || apiKey.length === 0 || /\s/.test(apiKey)) {
    throw invalid(API_OUTPUTS.apiKey, 'must be the API key (a non-empty string without spaces)', apiKey, false);
  }
  if (typeof region !== 'string' || !REGION.test(region)) {
    throw invalid(API_OUTPUTS.region, 'must be an AWS region like us-east-1', region, true);
  }

  return {
    stackName,
    amplifyConfiguration: {
      aws_project_region: region,
      aws_appsync_graphqlEndpoint: endpoint,
      aws_appsync_region: region,
      aws_appsync_authenticationType: DEFAULT_AUTHORIZATION_TYPE,
      aws_appsync_apiKey: apiKey,
      aws_appsync_additionalAuthenticationTypes: ADDITIONAL_AUTHORIZATION_TYPES.join(','),
    },
    amplifyOutputs: {
      version: AMPLIFY_OUTPUTS_VERSION,
      data: {
        url: endpoint,
        aws_region: region,
        api_key: apiKey,
        default_authorization_type: DEFAULT_AUTHORIZATION_TYPE,
        authorization_types: [...ADDITIONAL_AUTHORIZATION_TYPES],
      },
    },
  };
}

/** The two files to write, by file name, as 2-space JSON with a trailing newline. Both hold the API key (write them 0600). */
export function clientConfigFiles(config: ClientConfig): Array<{ name: string; content: string }> {
  return [
    { name: CLIENT_CONFIG_FILE_NAMES.gen1, content: `${JSON.stringify(config.amplifyConfiguration, null, 2)}\n` },
    { name: CLIENT_CONFIG_FILE_NAMES.gen2, content: `${JSON.stringify(config.amplifyOutputs, null, 2)}\n` },
  ];
}

function stacksOf(outputs: unknown, source: string): Record<string, Record<string, unknown>> {
  if (!isPlainObject(outputs)) {
    throw new InvalidOutputsError(
      `Expected an object of stack outputs by stack name in ${source} (as \`cdk deploy --outputs-file\` writes it), not ${describeType(outputs)}.`,
    );
  }
  for (const [stackName, stackOutputs] of Object.entries(outputs)) {
    if (!isPlainObject(stackOutputs)) {
      throw new InvalidOutputsError(
        `The outputs of stack ${stackName} in ${source} must be an object of output values by output name, not ${describeType(stackOutputs)}.`,
      );
    }
  }
  return outputs as Record<string, Record<string, unknown>>;
}

function apiStackName(stacks: Record<string, Record<string, unknown>>, source: string, remedy: string, wanted: string | undefined): string {
  const allStacks = Object.keys(stacks);
  const apiStacks = allStacks.filter((name) => Object.hasOwn(stacks[name], API_OUTPUTS.endpoint));
  const listed = (names: string[]) => (names.length > 0 ? names.join(', ') : 'none');
  if (wanted !== undefined) {
    if (!Object.hasOwn(stacks, wanted)) {
      throw new StackNotFoundError(`Stack ${wanted} is not in ${source} (stacks with ${API_OUTPUTS.endpoint}: ${listed(apiStacks)}).`, wanted);
    }
    return wanted;
  }
  if (apiStacks.length === 1) return apiStacks[0];
  if (apiStacks.length === 0) {
    throw new NoApiStackError(`No stack in ${source} has the output ${API_OUTPUTS.endpoint} (stacks: ${listed(allStacks)}). ${remedy}`, allStacks);
  }
  throw new AmbiguousApiStackError(
    `Several stacks in ${source} have the output ${API_OUTPUTS.endpoint}: ${apiStacks.join(', ')}. Say which one is the API stack with the stackName option (--stack NAME).`,
    apiStacks,
  );
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** A value for an error message: JSON-quoted, cut short, with the secret (if any) blanked out. */
function quoteForMessage(value: unknown, secret: string | undefined): string {
  let text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  if (secret) text = text.split(secret).join('<API key>');
  if (text.length > 100) text = `${text.slice(0, 100)}...`;
  return typeof value === 'string' ? JSON.stringify(text) : text;
}
