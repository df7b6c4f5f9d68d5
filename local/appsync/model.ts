/** The AppSync part of a local deployment: each API with its schema, keys, resolvers and settings. */

/** `IntrospectionConfig` of AWS::AppSync::GraphQLApi, by its wire values. */
export enum IntrospectionConfig {
  Enabled = 'ENABLED',
  Disabled = 'DISABLED',
}

export interface LocalApiKey {
  readonly id: string;
  readonly value: string;
  /** Epoch seconds, rounded down to the hour as AppSync does; undefined = AppSync's default of 7 days from creation. */
  readonly expires?: number;
}

export interface LocalResolver {
  readonly typeName: string;
  readonly fieldName: string;
  readonly dataSourceName?: string;
  readonly kind: string;
  /** Set for a direct Lambda resolver (Lambda data source, no mapping templates). */
  readonly lambdaFunctionArn?: string;
  /**
   * The data source's `ServiceRoleArn`: the role AppSync assumes to invoke the function, which must be allowed
   * `lambda:InvokeFunction` on it (data-source-role.ts). Undefined when the data source names none.
   */
  readonly serviceRoleArn?: string;
  /** Why the resolver cannot run locally, when it cannot. */
  readonly unsupported?: string;
}

export interface LocalGraphqlApi {
  readonly stackName: string;
  readonly logicalId: string;
  readonly apiId: string;
  readonly name: string;
  readonly arn: string;
  readonly url: string;
  readonly schema: string;
  readonly authenticationType: string;
  readonly additionalAuthenticationTypes: string[];
  readonly apiKeys: LocalApiKey[];
  readonly resolvers: LocalResolver[];
  /** Whether introspection queries are served. @default ENABLED, as AppSync's */
  readonly introspectionConfig?: IntrospectionConfig;
  /** `QueryDepthLimit`: fields nested deeper error; 1 to 75. @default no limit (AppSync's 0) */
  readonly queryDepthLimit?: number;
  /** `ResolverCountLimit`: resolver executions per request; 1 to 10,000. @default 10,000 (AppSync's 0) */
  readonly resolverCountLimit?: number;
}
