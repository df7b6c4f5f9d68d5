import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { grantGraphqlFields } from './graphql-access';
import { capitalize, type GraphqlField } from './schema-fields';
import type { CallableGraphqlApi } from './todo-api';
import { type ModuleFormat, TodoFunction } from './todo-function';

export enum CallerAuthMode {
  /** Sends the API key in `x-api-key`; gets the key in its environment. */
  API_KEY = 'API_KEY',
  /** Signs with SigV4 using its execution role; is granted `appsync:GraphQL` on exactly its fields. */
  IAM = 'AWS_IAM',
}

export interface GraphqlCallerProps {
  /** The API to call. */
  readonly api: CallableGraphqlApi;
  /** How the caller authenticates. */
  readonly authMode: CallerAuthMode;
  /** The fields the caller calls; IAM callers are granted exactly these and nothing wider (none: a Hello World). */
  readonly operations: readonly GraphqlField[];
  /** Path of the TypeScript handler file. */
  readonly entry: string;
  /** Amplify-style environment name, passed as `ENV`. */
  readonly envName: string;
  /**
   * Module format of the bundle.
   * @default 'esm'
   */
  readonly moduleFormat?: ModuleFormat;
  /**
   * Maximum run time of one invocation; the client's retries stay inside it.
   * @default Duration.seconds(15)
   */
  readonly timeout?: Duration;
  /**
   * Name of the stack output holding the function name.
   * @default `<Id>FunctionName`, e.g. `ListTodosIamFunctionName` for id `listTodosIam`
   */
  readonly functionNameOutput?: string;
}

/**
 * A Lambda function that calls the GraphQL API: wires the Amplify-named settings into its environment and grants
 * what its auth mode needs, in one place.
 */
export class GraphqlCaller extends Construct {
  readonly function: TodoFunction;
  readonly authMode: CallerAuthMode;
  /** The fields it calls (and, with IAM, is granted). */
  readonly operations: readonly GraphqlField[];

  constructor(scope: Construct, id: string, props: GraphqlCallerProps) {
    super(scope, id);
    this.authMode = props.authMode;
    this.operations = props.operations;
    const prefix = amplifyEnvPrefix(props.api.apiName);
    const environment: Record<string, string> = {
      [`${prefix}GRAPHQLAPIENDPOINTOUTPUT`]: props.api.graphqlUrl,
      [`${prefix}GRAPHQLAPIIDOUTPUT`]: props.api.graphqlApi.apiId,
      ENV: props.envName,
      REGION: Stack.of(this).region,
    };
    if (props.authMode === CallerAuthMode.API_KEY) {
      // Read from SSM at deploy time rather than imported from the API stack's exports: a rotated key changes the
      // value, and CloudFormation refuses to change an export another stack imports.
      environment[`${prefix}GRAPHQLAPIKEYOUTPUT`] = StringParameter.valueForStringParameter(this, props.api.apiKeyParameterName);
    }

    this.function = new TodoFunction(this, 'Function', {
      entry: props.entry,
      description: `${id}: calls ${props.operations.map((op) => `${op.typeName}.${op.fieldName}`).join(', ') || 'nothing yet'} with ${props.authMode === CallerAuthMode.IAM ? 'IAM (SigV4)' : 'the API key'}`,
      moduleFormat: props.moduleFormat,
      timeout: props.timeout ?? Duration.seconds(15),
      environment,
    });

    if (props.authMode === CallerAuthMode.IAM && props.operations.length > 0) {
      grantGraphqlFields(props.api.graphqlApi, this.function, props.operations);
    }

    new CfnOutput(Stack.of(this), props.functionNameOutput ?? `${capitalize(id)}FunctionName`, {
      value: this.function.functionName,
      description: `Name of the ${id} function (aws lambda invoke --function-name ...)`,
    });
  }
}

/** `todoapi` → `API_TODOAPI_`, the prefix Amplify gives a function's variables for an API it may call. */
export function amplifyEnvPrefix(apiName: string): string {
  return `API_${apiName.toUpperCase().replace(/[^A-Z0-9]/g, '')}_`;
}
