/**
 * A hand-made deployment for the local AppSync endpoint's tests: the project's Todo API (schema/schema.graphql)
 * with direct Lambda resolvers, an extra API for auth directives / timeouts / scalars, an admin and three roles.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LocalGraphqlApi } from '../../../local/appsync/model';
import type { LocalDeployment } from '../../../local/deployment';
import type { LocalRole, NamedPolicy } from '../../../local/iam/model';
import type { LocalFunction } from '../../../local/lambda/model';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';
/** The server's (fixed) clock in these tests. */
export const NOW = new Date('2024-05-01T12:00:00Z');
const nowSeconds = NOW.getTime() / 1000;

export const TODO_API_ID = 'todoapiid0123456789abcdefg';
export const EXTRA_API_ID = 'extraapiid0123456789abcdef';
export const TODO_API_ARN = `arn:aws:appsync:${REGION}:${ACCOUNT}:apis/${TODO_API_ID}`;
export const EXTRA_API_ARN = `arn:aws:appsync:${REGION}:${ACCOUNT}:apis/${EXTRA_API_ID}`;

export const VALID_KEY = 'da2-validkey0123456789abcdefgh';
export const EXPIRED_KEY = 'da2-expiredkey0123456789abcdef';
export const DEFAULT_EXPIRY_KEY = 'da2-defaultexpiry0123456789ab';

export const TODO_FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:TodoFunction`;
export const EXTRA_FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ExtraFunction`;

export const TODO_SCHEMA = readFileSync(path.resolve(__dirname, '../../../schema/schema.graphql'), 'utf8');

export const EXTRA_SCHEMA = `
type Query {
  open: String
  secret: String @aws_iam
  slow: String
  boom: String
  when(at: AWSDateTime!): String
  echo(text: String, count: Int, data: AWSJSON, day: AWSDate, mail: AWSEmail, phone: AWSPhone, ip: AWSIPAddress, url: AWSURL, ts: AWSTimestamp, time: AWSTime): String
  nested: Outer
  unsupported: String
  badDate: AWSDateTime
}
type Outer @aws_api_key @aws_iam {
  visible: String
  hidden: String @aws_iam
  inner: Inner
}
type Inner @aws_iam {
  x: String
}
type Mutation {
  touch: String
}
type Subscription {
  onTouch: String @aws_subscribe(mutations: ["touch"])
}
`;

/** The role the data sources' of both APIs name: AppSync assumes it to invoke the functions. */
export const DATA_SOURCE_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/TodoApi-test-DataSourceRole-DS1`;

export function todoApi(): LocalGraphqlApi {
  const lambda = (typeName: string, fieldName: string) => ({
    typeName,
    fieldName,
    dataSourceName: 'TodoLambda',
    kind: 'UNIT',
    lambdaFunctionArn: TODO_FUNCTION_ARN,
    serviceRoleArn: DATA_SOURCE_ROLE_ARN,
  });
  return {
    stackName: 'TodoApi-test',
    logicalId: 'TodoApi',
    apiId: TODO_API_ID,
    name: 'TodoApi',
    arn: TODO_API_ARN,
    url: 'http://127.0.0.1:0/graphql',
    schema: TODO_SCHEMA,
    authenticationType: 'API_KEY',
    additionalAuthenticationTypes: ['AWS_IAM'],
    apiKeys: [
      { id: VALID_KEY, value: VALID_KEY, expires: nowSeconds + 86_400 },
      { id: EXPIRED_KEY, value: EXPIRED_KEY, expires: nowSeconds - 3600 },
    ],
    resolvers: [
      lambda('Query', 'getTodo'),
      lambda('Query', 'listTodos'),
      lambda('Mutation', 'createTodo'),
      lambda('Mutation', 'updateTodo'),
      lambda('Mutation', 'deleteTodo'),
    ],
  };
}

export function extraApi(): LocalGraphqlApi {
  const lambda = (fieldName: string) => ({
    typeName: 'Query',
    fieldName,
    dataSourceName: 'Extra',
    kind: 'UNIT',
    lambdaFunctionArn: EXTRA_FUNCTION_ARN,
    serviceRoleArn: DATA_SOURCE_ROLE_ARN,
  });
  return {
    stackName: 'Extra-test',
    logicalId: 'ExtraApi',
    apiId: EXTRA_API_ID,
    name: 'ExtraApi',
    arn: EXTRA_API_ARN,
    url: `http://127.0.0.1:0/apis/${EXTRA_API_ID}/graphql`,
    schema: EXTRA_SCHEMA,
    authenticationType: 'API_KEY',
    additionalAuthenticationTypes: ['AWS_IAM'],
    apiKeys: [
      { id: VALID_KEY, value: VALID_KEY, expires: nowSeconds + 86_400 },
      // No Expires in the template: AppSync's default, 7 days after creation.
      { id: DEFAULT_EXPIRY_KEY, value: DEFAULT_EXPIRY_KEY },
    ],
    resolvers: [
      ...['open', 'secret', 'slow', 'boom', 'when', 'echo', 'nested', 'badDate'].map(lambda),
      {
        typeName: 'Query',
        fieldName: 'unsupported',
        dataSourceName: 'Table',
        kind: 'UNIT',
        unsupported: 'resolvers with mapping templates or code are not emulated (direct Lambda resolvers are)',
      },
    ],
  };
}

const statement = (Effect: 'Allow' | 'Deny', Resource: string | string[], Sid?: string) => ({
  ...(Sid ? { Sid } : {}),
  Effect,
  Action: 'appsync:GraphQL',
  Resource,
});

function role(logicalId: string, index: number, policies: NamedPolicy[]): LocalRole {
  return {
    stackName: 'Callers-test',
    logicalId,
    roleName: `Callers-test-${logicalId}-ABC${index}`,
    arn: `arn:aws:iam::${ACCOUNT}:role/Callers-test-${logicalId}-ABC${index}`,
    policies,
    credentials: {
      accessKeyId: `ASIAROLE${index}EXAMPLE000${index}`,
      secretAccessKey: `roleSecret${index}/abcdefghijklmnopqrstuvwxyz+012345`,
      sessionToken: `IQoJb3JpZ2luX2VjEroleToken${index}abcdefghijklmnopqrstuvwxyz0123456789`,
    },
  };
}

export const LIST_ONLY_ROLE = role('ListOnlyRole', 1, [
  {
    source: 'Callers-test/ListOnlyRole/DefaultPolicy',
    document: { Version: '2012-10-17', Statement: [statement('Allow', `${TODO_API_ARN}/types/Query/fields/listTodos`, 'ListTodos')] },
  },
]);
export const DENY_DELETE_ROLE = role('DenyDeleteRole', 2, [
  { source: 'Callers-test/DenyDeleteRole/DefaultPolicy', document: { Version: '2012-10-17', Statement: [statement('Allow', `${TODO_API_ARN}/*`, 'All')] } },
  {
    source: 'Callers-test/DenyDeleteRole/NoDelete',
    document: { Version: '2012-10-17', Statement: statement('Deny', `${TODO_API_ARN}/types/Mutation/fields/deleteTodo`, 'NoDelete') },
  },
]);
export const QUERY_WILDCARD_ROLE = role('QueryWildcardRole', 3, [
  {
    source: 'Callers-test/QueryWildcardRole/DefaultPolicy',
    document: { Version: '2012-10-17', Statement: [statement('Allow', [`${TODO_API_ARN}/types/Query/*`, `${EXTRA_API_ARN}/types/Query/*`])] },
  },
]);

export const ADMIN = { accessKeyId: 'AKIAADMINEXAMPLE0001', secretAccessKey: 'adminSecret/abcdefghijklmnopqrstuvwxyz+0123' };

export function deployment(): LocalDeployment {
  const fn = (name: string, arn: string, roleArn: string): LocalFunction => ({
    stackName: 'TodoApi-test',
    logicalId: name,
    name,
    arn,
    codeDir: '/nonexistent',
    handler: 'index.handler',
    runtime: 'nodejs20.x',
    timeoutSeconds: 3,
    memorySize: 128,
    environment: {},
    roleArn,
  });
  return {
    region: REGION,
    accountId: ACCOUNT,
    stacks: [],
    functions: [fn('listTodosCaller', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:listTodosCaller`, LIST_ONLY_ROLE.arn)],
    graphqlApis: [todoApi(), extraApi()],
    tables: [],
    roles: [LIST_ONLY_ROLE, DENY_DELETE_ROLE, QUERY_WILDCARD_ROLE],
    adminCredentials: ADMIN,
    skipped: [],
    notEmulated: [],
  };
}

/** The data sources' role, as CDK's LambdaDataSource grants it: lambda:InvokeFunction on its function. */
export const DATA_SOURCE_ROLE: LocalRole = {
  ...role('DataSourceRole', 4, [
    {
      source: 'TodoApi-test/DataSourceRole/InvokeResolver',
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [TODO_FUNCTION_ARN, EXTRA_FUNCTION_ARN] }] },
    },
  ]),
  stackName: 'TodoApi-test',
  roleName: 'TodoApi-test-DataSourceRole-DS1',
  arn: DATA_SOURCE_ROLE_ARN,
};

/** A data-source role allowed to invoke another function only (a least-privilege policy that names the wrong ARN). */
export const WRONG_FUNCTION_ROLE: LocalRole = {
  ...role('WrongFunctionRole', 5, [
    {
      source: 'TodoApi-test/WrongFunctionRole/InvokeResolver',
      document: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:SomeOtherFunction` }],
      },
    },
  ]),
  stackName: 'TodoApi-test',
  roleName: 'TodoApi-test-WrongFunctionRole-DS2',
  arn: `arn:aws:iam::${ACCOUNT}:role/TodoApi-test-WrongFunctionRole-DS2`,
};

/** deployment() with the data sources' roles, as the endpoint tests serve it. */
export function servingDeployment(): LocalDeployment {
  const base = deployment();
  return { ...base, roles: [...base.roles, DATA_SOURCE_ROLE, WRONG_FUNCTION_ROLE] };
}

/** Every secret the tests hand out, to check that none leaks into a log line or a response. */
export function allSecrets(): string[] {
  return [
    VALID_KEY,
    EXPIRED_KEY,
    DEFAULT_EXPIRY_KEY,
    ADMIN.secretAccessKey,
    ...[LIST_ONLY_ROLE, DENY_DELETE_ROLE, QUERY_WILDCARD_ROLE, DATA_SOURCE_ROLE, WRONG_FUNCTION_ROLE].flatMap((r) => [
      r.credentials.secretAccessKey,
      r.credentials.sessionToken,
    ]),
  ];
}
