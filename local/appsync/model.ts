/** The AppSync part of a local deployment: each API with its schema, keys and resolvers. */

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
}
