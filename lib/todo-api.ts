import * as path from 'node:path';
import { Annotations, CfnOutput, Expiration, Fn, Stack } from 'aws-cdk-lib';
import { AuthorizationType, CfnApiKey, Definition, FieldLogLevel, GraphqlApi, type IGraphqlApi, LambdaDataSource } from 'aws-cdk-lib/aws-appsync';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ROOT_TYPE_OF } from '../lambda/resolver/api-resolver';
import type { ApiModels, ModelOperation } from '../lambda/resolver/model';
import { type ApiKeyLifetime, apiKeyExpiry, checkApiKeyExpiry, utcDate } from './api-key-lifetime';
import { ConfigError } from './config-error';
import { GraphqlApiLogging } from './graphql-api-logging';
import { ModelTable } from './model-table';
import { capitalize } from './schema-fields';
import { readApiModels, SchemaError, SchemaModelError } from './schema-model';
import { TodoFunction } from './todo-function';

export const SCHEMA_PATH = path.join(__dirname, '..', 'schema', 'schema.graphql');
const RESOLVER_ENTRY = path.join(__dirname, '..', 'lambda', 'resolver', 'index.ts');

/** What a caller needs to know about an API to call it: its name, endpoint, id and where its key is published. */
export interface CallableGraphqlApi {
  /** Logical API name; callers' variables are `API_<NAME>_...` with this name upper-cased. */
  readonly apiName: string;
  readonly graphqlApi: IGraphqlApi;
  /** HTTPS URL of the `/graphql` endpoint. */
  readonly graphqlUrl: string;
  /** SSM parameter that holds the current API key, read by callers at deploy time (see README: key rotation). */
  readonly apiKeyParameterName: string;
}

export interface TodoApiProps {
  /** Logical API name. */
  readonly apiName: string;
  /** Amplify-style environment name, part of the API's display name and of the key's SSM parameter. */
  readonly envName: string;
  /**
   * When the API keys expire (lib/api-key-lifetime.ts): a fixed date, so that the template does not change between
   * synths; checked at synth against what AppSync accepts.
   * @default - 365 days after today (UTC), so same-day synths agree
   */
  readonly apiKeyLifetime?: ApiKeyLifetime;
  /**
   * The live key generations: one key each, named after its generation, so that a new generation is a new key. The
   * newest is the one published (SSM parameter, GraphQLAPIKeyOutput) and held by the callers; list two while
   * rotating, so that the older keeps working until the callers have the newer (README: API key expiry and rotation).
   * @default [1]
   */
  readonly apiKeyGenerations?: readonly number[];
  /**
   * The time the expiry is checked against (tests move it).
   * @default now
   */
  readonly now?: Date;
  /**
   * Whether deleting the stack deletes the table and its data.
   * @default false
   */
  readonly destroyDataOnDelete?: boolean;
  /**
   * Path of the schema file.
   * @default schema/schema.graphql
   */
  readonly schemaPath?: string;
}

/**
 * The GraphQL API of the schema: AppSync with the API key as default mode and IAM as additional mode, a direct Lambda
 * resolver on every Query and Mutation field, and a DynamoDB table per @model type. Publishes Amplify-named outputs.
 */
export class TodoApi extends Construct implements CallableGraphqlApi {
  readonly apiName: string;
  readonly graphqlApi: GraphqlApi;
  readonly graphqlUrl: string;
  readonly apiKeyParameterName: string;
  /** The live key generations, oldest first; the last is the one the callers hold. */
  readonly apiKeyGenerations: readonly number[];
  readonly resolverFunction: TodoFunction;
  /** The schema's models, as the resolver serves them. */
  readonly models: ApiModels;
  /** Each model's table, by model name (`Todo`). */
  readonly tables: Readonly<Record<string, ModelTable>>;

  constructor(scope: Construct, id: string, props: TodoApiProps) {
    super(scope, id);
    this.apiName = props.apiName;
    const schemaPath = props.schemaPath ?? SCHEMA_PATH;
    const now = props.now ?? new Date();
    const generations = liveGenerations(props.apiKeyGenerations ?? [1]);
    const newest = generations[generations.length - 1];
    const lifetime = props.apiKeyLifetime ?? { issuedOn: utcDate(now), days: 365 };
    const { warning } = checkApiKeyExpiry(lifetime, now);
    const expires = Expiration.atDate(apiKeyExpiry(lifetime));
    const keyDescription = (generation: number) => `${props.apiName} ${props.envName} API key, generation ${generation}`;
    this.apiKeyGenerations = generations;
    this.models = readModels(schemaPath, this.node.path);

    this.graphqlApi = new GraphqlApi(this, 'GraphQLAPI', {
      name: `${props.apiName}-${props.envName}`,
      definition: Definition.fromFile(schemaPath),
      authorizationConfig: {
        defaultAuthorization: {
          authorizationType: AuthorizationType.API_KEY,
          apiKeyConfig: {
            // The key's logical id comes from its name, so a new generation is a new key (see README: rotation).
            name: `Generation${newest}`,
            description: keyDescription(newest),
            // No `expires` here: CDK would check it against the real clock, not `now`. Set below, on purpose (AppSync's
            // default silently expires a key after 7 days), to the fixed date checked above.
          },
        },
        additionalAuthorizationModes: [{ authorizationType: AuthorizationType.IAM }],
      },
      xrayEnabled: true,
    });
    this.graphqlUrl = this.graphqlApi.graphqlUrl;
    (this.graphqlApi.node.findChild(`Generation${newest}ApiKey`) as CfnApiKey).expires = expires.toEpoch();
    // The older generation of a rotation: the same construct id GraphqlApi gives its own key (`<name>ApiKey`), so a
    // key keeps its logical id, and so stays the same key, whether it is the newest or the one being retired.
    for (const generation of generations.slice(0, -1)) {
      const retiring = new CfnApiKey(this.graphqlApi, `Generation${generation}ApiKey`, {
        apiId: this.graphqlApi.apiId,
        description: keyDescription(generation),
        expires: expires.toEpoch(),
      });
      this.graphqlApi.addSchemaDependency(retiring);
    }
    if (warning) Annotations.of(this.graphqlApi).addWarningV2('todo:apiKeyExpiresSoon', warning);
    new GraphqlApiLogging(this, 'RequestLogging', { api: this.graphqlApi, fieldLogLevel: FieldLogLevel.ERROR });

    // One table per model, named after it (`TodoTable`), so adding a model never moves another's table.
    const tables: Record<string, ModelTable> = {};
    for (const model of this.models.models) {
      tables[model.name] = new ModelTable(this, `${model.name}Table`, { destroyOnDelete: props.destroyDataOnDelete, partitionKey: model.key });
    }
    this.tables = tables;

    this.resolverFunction = new TodoFunction(this, 'ResolverFunction', {
      entry: RESOLVER_ENTRY,
      description: `Resolves every Query and Mutation field of the ${props.apiName} GraphQL API`,
      environment: {
        ...Object.fromEntries(this.models.models.map((model) => [model.tableVariable, tables[model.name].table.tableName])),
        // Signs the list fields' nextTokens. The stack id's UUID is unique per stack and never shown to API clients.
        PAGINATION_TOKEN_KEY: Fn.select(2, Fn.split('/', Stack.of(this).stackId)),
      },
      // The resolver serves exactly the schema it was deployed with (lambda/resolver/bundled-models.ts).
      bundledValues: { __API_MODELS__: this.models },
    });
    for (const table of Object.values(tables)) table.table.grantReadWriteData(this.resolverFunction);

    // AppSync invokes the unqualified function ARN of the data source, so its role may invoke exactly that: not the
    // `<function ARN>:*` (every version and alias) that the data source's own grant would add.
    const dataSourceRole = new Role(this, 'ResolverDataSourceRole', {
      assumedBy: new ServicePrincipal('appsync.amazonaws.com'),
      description: 'Lets AppSync invoke the resolver function',
      inlinePolicies: {
        InvokeResolver: new PolicyDocument({
          statements: [new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.resolverFunction.functionArn] })],
        }),
      },
    });
    // Where addLambdaDataSource would put it (same logical id), with the role above.
    const dataSource = new LambdaDataSource(this.graphqlApi, 'ResolverDataSource', {
      api: this.graphqlApi,
      lambdaFunction: this.resolverFunction,
      description: 'Direct Lambda resolver for every Query and Mutation field',
      // Immutable to the data source, so its own grant adds nothing beside the inline policy above.
      serviceRole: dataSourceRole.withoutPolicyUpdates(),
    });
    // readModels refused any root field the resolver does not serve, so these are all of them.
    for (const { typeName, fieldName } of servedRootFields(this.models)) {
      // No mapping templates: AppSync sends its resolver event to the function as is (direct Lambda resolver).
      dataSource.createResolver(`${typeName}${capitalize(fieldName)}Resolver`, { typeName, fieldName });
    }

    this.apiKeyParameterName = `/${props.apiName}/${props.envName}/graphql-api-key`;
    new StringParameter(this, 'ApiKeyParameter', {
      parameterName: this.apiKeyParameterName,
      stringValue: this.graphqlApi.apiKey!,
      description: `Current API key of the ${props.apiName} GraphQL API, read by caller functions at deploy time`,
    });

    // Output names follow Amplify's, so Amplify-era tooling and docs apply unchanged.
    const stack = Stack.of(this);
    new CfnOutput(stack, 'GraphQLAPIEndpointOutput', { value: this.graphqlUrl, description: 'GraphQL endpoint URL' });
    new CfnOutput(stack, 'GraphQLAPIIdOutput', { value: this.graphqlApi.apiId, description: 'AppSync API id' });
    new CfnOutput(stack, 'GraphQLAPIKeyOutput', { value: this.graphqlApi.apiKey!, description: 'Current API key' });
    // Amplify's client configuration needs the API's region (aws_appsync_region); `npm run client-config` reads it here.
    new CfnOutput(stack, 'GraphQLAPIRegionOutput', { value: stack.region, description: 'Region of the GraphQL API' });
  }
}

/** Generations sorted, oldest first; at least one. */
function liveGenerations(generations: readonly number[]): readonly number[] {
  if (generations.length === 0) throw new ConfigError('TodoApi needs at least one API key generation');
  return [...new Set(generations)].sort((a, b) => a - b);
}

/** The schema's models; a schema the resolver cannot serve fails the synth here, naming this construct and each field. */
function readModels(schemaPath: string, constructPath: string): ApiModels {
  try {
    return readApiModels(schemaPath);
  } catch (error) {
    // A schema that is not valid GraphQL is the file's problem, located in it; the construct path adds nothing.
    if (error instanceof SchemaError) throw error;
    if (error instanceof SchemaModelError) throw new SchemaModelError(`${constructPath}: ${error.schemaPath}`, error.problems, { cause: error });
    throw error;
  }
}

/** Query fields first, then Mutation fields, each in schema order: the order the resolvers were created in before. */
function servedRootFields(models: ApiModels): Array<{ typeName: 'Query' | 'Mutation'; fieldName: string }> {
  const fields = models.models.flatMap((model) =>
    Object.entries(model.operations).map(([operation, fieldName]) => ({
      typeName: ROOT_TYPE_OF[operation as ModelOperation],
      fieldName,
    })),
  );
  return [...fields.filter((field) => field.typeName === 'Query'), ...fields.filter((field) => field.typeName === 'Mutation')];
}
