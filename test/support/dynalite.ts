import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startLocalDynamoDb } from '../../local/dynamodb';
import { authorize } from '../../local/iam/authorizer';
import { PrincipalStore } from '../../local/iam/principals';

/*
 * An in-memory, in-process DynamoDB (dynalite) for tests: real request
 * validation and expression evaluation, no AWS account, no network past
 * 127.0.0.1.
 */

export interface DynaliteInstance {
  /** e.g. `http://127.0.0.1:40123`, for AWS_ENDPOINT_URL_DYNAMODB or a client's `endpoint`. */
  endpoint: string;
  close(): Promise<void>;
  /** A document client for this instance that never reads ~/.aws nor reaches AWS. Destroyed by close(). */
  documentClient: DynamoDBDocumentClient;
  /** Creates an empty table keyed like the Todo table (partition key `id`, string) and returns its name. */
  createTodoTable(tableName?: string): Promise<string>;
}

/**
 * The store verifies every signature: these are the admin keys of the store's principals (adminOnly), and explicit
 * values keep the SDK from looking elsewhere.
 */
export const DUMMY_REGION = 'us-east-1';
export const DUMMY_CREDENTIALS = { accessKeyId: 'AKIDDYNALITETEST', secretAccessKey: 'dynalite-test-secret' };

let tableCounter = 0;

/** The local cloud's own embedded store, in memory on a free loopback port. */
export async function startDynalite(): Promise<DynaliteInstance> {
  const store = await startLocalDynamoDb({ host: '127.0.0.1', port: 0, region: DUMMY_REGION });
  store.authorizeWith(adminOnly(DUMMY_CREDENTIALS), authorize);
  const documentClient = DynamoDBDocumentClient.from(store.client);

  async function createTodoTable(tableName = `todos-${process.pid}-${++tableCounter}`): Promise<string> {
    await store.createTables([
      {
        stackName: 'test',
        logicalId: 'TodoTable',
        tableName,
        arn: `arn:aws:dynamodb:${DUMMY_REGION}:000000000000:table/${tableName}`,
        properties: {
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        },
      },
    ]);
    return tableName;
  }

  return { endpoint: store.url, close: () => store.close(), documentClient, createTodoTable };
}

/** Principals of a deployment with no roles: only the admin, with these keys (it may do anything). */
export function adminOnly(adminCredentials: { accessKeyId: string; secretAccessKey: string }, region = DUMMY_REGION): PrincipalStore {
  return PrincipalStore.fromDeployment({
    region,
    accountId: '000000000000',
    stacks: [],
    functions: [],
    graphqlApis: [],
    tables: [],
    roles: [],
    adminCredentials,
    skipped: [],
    notEmulated: [],
  });
}
