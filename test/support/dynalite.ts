import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/*
 * An in-memory, in-process DynamoDB (dynalite) for tests: real request
 * validation and expression evaluation, no AWS account, no network past
 * 127.0.0.1.
 */

interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite ships no type declarations; this is the one call used from it.
const createDynaliteServer = require('dynalite') as (options: DynaliteOptions) => Server;

export interface DynaliteInstance {
  /** e.g. `http://127.0.0.1:40123`, for AWS_ENDPOINT_URL_DYNAMODB or a client's `endpoint`. */
  endpoint: string;
  close(): Promise<void>;
  /** A document client for this instance that never reads ~/.aws nor reaches AWS. Destroyed by close(). */
  documentClient: DynamoDBDocumentClient;
  /** Creates an empty table keyed like the Todo table (partition key `id`, string) and returns its name. */
  createTodoTable(tableName?: string): Promise<string>;
}

/** Dummy values: dynalite accepts any signature, and explicit values keep the SDK from looking elsewhere. */
export const DUMMY_REGION = 'us-east-1';
export const DUMMY_CREDENTIALS = { accessKeyId: 'AKIDDYNALITETEST', secretAccessKey: 'dynalite-test-secret' };

let tableCounter = 0;

export async function startDynalite(): Promise<DynaliteInstance> {
  // Tables become ACTIVE at once; the default 500 ms would add up across test files.
  const server = createDynaliteServer({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: DUMMY_REGION,
    credentials: DUMMY_CREDENTIALS,
    // A local store never throttles; a retry would only hide a real failure and slow the suite.
    maxAttempts: 1,
  });
  const documentClient = DynamoDBDocumentClient.from(client);

  async function createTodoTable(tableName = `todos-${process.pid}-${++tableCounter}`): Promise<string> {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitUntilActive(tableName);
    return tableName;
  }

  // Even with createTableMs 0, dynalite flips the table to ACTIVE on a later tick, and until then
  // it answers writes with ResourceNotFoundException. The SDK's waiter polls every 20 s at best.
  async function waitUntilActive(tableName: string): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`dynalite table ${tableName} did not become ACTIVE`);
  }

  async function close(): Promise<void> {
    client.destroy();
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  }

  return { endpoint, close, documentClient, createTodoTable };
}
