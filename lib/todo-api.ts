import * as path from 'node:path';
import { CfnOutput, Duration, Expiration, Fn, Stack } from 'aws-cdk-lib';
import { AuthorizationType, Definition, FieldLogLevel, GraphqlApi, type IGraphqlApi, LambdaDataSource } from 'aws-cdk-lib/aws-appsync';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ROOT_TYPE_OF } from '../lambda/resolver/api-resolver';
import type { ApiModels, ModelOperation } from '../lambda/resolver/model';
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
   * Days until the API key expires, counted from each deploy; AppSync accepts 1 to 365.
   * @default 365
   */
  readonly apiKeyExpiresInDays?: number;
  /**
   * Bump to rotate the API key: the key is named after its generation, so a new one replaces it.
   * @default 1
   */
  readonly apiKeyGeneration?: number;
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
  readonly resolverFunction: TodoFunction;
  /** The schema's models, as the resolver serves them. */
  readonly models: ApiModels;
  /** Each model's table, by model name (`Todo`). */
  readonly tables: Readonly<Record<string, ModelTable>>;

  constructor(scope: Construct, id: string, props: TodoApiProps) {
    super(scope, id);
    this.apiName = props.apiName;
    const schemaPath = props.schemaPath ?? SCHEMA_PATH;
    const generation = props.apiKeyGeneration ?? 1;
    this.models = readModels(schemaPath, this.node.path);

    this.graphqlApi = new GraphqlApi(this, 'GraphQLAPI', {
      name: `${props.apiName}-${props.envName}`,
      definition: Definition.fromFile(schemaPath),
      authorizationConfig: {
        defaultAuthorization: {
          authorizationType: AuthorizationType.API_KEY,
          apiKeyConfig: {
            // The key's logical id comes from its name, so a new generation is a new key (see README: rotation).
            name: `Generation${generation}`,
            description: `${props.apiName} ${props.envName} API key, generation ${generation}`,
            // Set on purpose: CDK's default silently expires the key after 7 days. Counted from each deploy,
            // so a deploy at least once a year keeps the key alive.
            expires: Expiration.after(Duration.days(props.apiKeyExpiresInDays ?? 365)),
          },
        },
        additionalAuthorizationModes: [{ authorizationType: AuthorizationType.IAM }],
      },
      xrayEnabled: true,
    });
    this.graphqlUrl = this.graphqlApi.graphqlUrl;
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
