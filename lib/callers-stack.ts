import * as path from 'node:path';
import { Stack, type StackProps } from 'aws-cdk-lib';
import { CompositePrincipal, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { AppConfig } from './config';
import { GraphqlServerRole } from './graphql-access';
import { CallerAuthMode, GraphqlCaller } from './graphql-caller';
import type { GraphqlField } from './schema-fields';
import type { CallableGraphqlApi } from './todo-api';
import type { ModuleFormat } from './todo-function';

const CALLERS_DIR = path.join(__dirname, '..', 'lambda', 'callers');
const LIST_TODOS = { typeName: 'Query', fieldName: 'listTodos' } as const;
const CREATE_TODO = { typeName: 'Mutation', fieldName: 'createTodo' } as const;
// A create may read back its own Todo when a retried attempt finds it already written.
const GET_TODO = { typeName: 'Query', fieldName: 'getTodo' } as const;
/** The fields the Next.js server (examples/nextjs) may call with its own role: not deleteTodo, not updateTodo. */
export const NEXTJS_SERVER_FIELDS = [LIST_TODOS, GET_TODO, CREATE_TODO] as const;
/** Logical id of the Next.js server's role, fixed: the local cloud's `.local/credentials` profile is named by it. */
export const NEXTJS_SERVER_ROLE_LOGICAL_ID = 'NextjsServerRole';

export interface TodoCallersStackProps extends StackProps {
  readonly config: AppConfig;
  /** The API the callers call, from the API stack. */
  readonly api: CallableGraphqlApi;
  /**
   * Module format of every caller bundle.
   * @default 'esm'
   */
  readonly moduleFormat?: ModuleFormat;
}

/** Lambda functions that call the API from server side, one per auth mode and operation. */
export class TodoCallersStack extends Stack {
  readonly callers: Record<string, GraphqlCaller> = {};
  /** The role a Next.js server runs with to call the API with IAM (examples/nextjs). */
  readonly nextjsServerRole: GraphqlServerRole;

  constructor(scope: Construct, id: string, props: TodoCallersStackProps) {
    super(scope, id, props);
    const { api, config, moduleFormat } = props;
    const add = (
      callerId: string,
      file: string,
      authMode: CallerAuthMode,
      operations: readonly GraphqlField[],
      options: { readonly moduleFormat?: ModuleFormat } = {},
    ) => {
      this.callers[callerId] = new GraphqlCaller(this, callerId, {
        api,
        authMode,
        operations,
        entry: path.join(CALLERS_DIR, file),
        envName: config.envName,
        moduleFormat: moduleFormat ?? options.moduleFormat,
      });
    };

    // One line per caller. The API-key callers use the `.api-key.ts` entry point of their handler, whose bundle leaves
    // out the SigV4 signer and the credential provider (a few KiB instead of ~20); the plain handler serves either mode.
    add('listTodosApiKey', 'list-todos.api-key.ts', CallerAuthMode.API_KEY, [LIST_TODOS]);
    add('createTodoApiKey', 'create-todo.api-key.ts', CallerAuthMode.API_KEY, [CREATE_TODO, GET_TODO]);
    add('listTodosIam', 'list-todos.ts', CallerAuthMode.IAM, [LIST_TODOS]);
    add('createTodoIam', 'create-todo.ts', CallerAuthMode.IAM, [CREATE_TODO, GET_TODO]);
    // npm run add-function adds its callers above this line.

    // A Next.js server's own role (examples/nextjs, README: Next.js server runtimes): the compute it is deployed on
    // (Lambda, ECS/Fargate, Amplify Hosting compute) runs with it; granted like the callers, exactly its fields.
    this.nextjsServerRole = new GraphqlServerRole(this, 'NextjsServer', {
      api: api.graphqlApi,
      fields: NEXTJS_SERVER_FIELDS,
      assumedBy: new CompositePrincipal(
        new ServicePrincipal('lambda.amazonaws.com'),
        new ServicePrincipal('ecs-tasks.amazonaws.com'),
        new ServicePrincipal('amplify.amazonaws.com'),
      ),
      description: `Next.js server: calls ${NEXTJS_SERVER_FIELDS.map((f) => `${f.typeName}.${f.fieldName}`).join(', ')} of the ${config.apiName} API with IAM (SigV4)`,
      logicalId: NEXTJS_SERVER_ROLE_LOGICAL_ID,
      roleArnOutput: 'NextjsServerRoleArn',
    });
  }
}
