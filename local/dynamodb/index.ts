import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { CreateTableCommand, type CreateTableCommandInput, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { adopt } from '../http';
import type { LocalService } from '../service';
import type { LocalTable } from './model';

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite ships no type declarations; this is the one call used from it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createDynaliteServer = require('dynalite') as (options: DynaliteOptions) => Server;

export interface LocalDynamoDb extends LocalService {
  /** The same as `endpoint`. */
  readonly url: string;
  readonly client: DynamoDBClient;
  /** Creates the tables the templates define; tables that already exist (a restart on the same state) are kept. */
  createTables(tables: LocalTable[]): Promise<string[]>;
  close(): Promise<void>;
}

export interface LocalDynamoDbOptions {
  readonly host: string;
  readonly port: number;
  /** LevelDB folder; data survives restarts and a `kill -9`. In memory when undefined. */
  readonly dataDir?: string;
  readonly region: string;
}

/** An embedded DynamoDB-compatible store (dynalite) on loopback. */
export async function startLocalDynamoDb(options: LocalDynamoDbOptions): Promise<LocalDynamoDb> {
  // Tables become ACTIVE at once, as a test suite wants; dynalite's default waits 500 ms.
  const server = createDynaliteServer({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  guardRequestErrors(server);
  const { url, close } = await adopt(server, { host: options.host, port: options.port });
  // The store does not check signatures; fixed credentials keep the SDK from reading ~/.aws.
  const client = new DynamoDBClient({ endpoint: url, region: options.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });

  let closed: Promise<void> | undefined;
  return {
    url,
    endpoint: url,
    environment: { AWS_ENDPOINT_URL_DYNAMODB: url },
    client,
    async createTables(tables) {
      const existing = new Set<string>();
      let start: string | undefined;
      do {
        const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
        for (const name of page.TableNames ?? []) existing.add(name);
        start = page.LastEvaluatedTableName;
      } while (start);
      const created: string[] = [];
      for (const table of tables) {
        if (existing.has(table.tableName)) continue;
        await client.send(new CreateTableCommand(createTableInput(table)));
        await waitUntilActive(client, table.tableName);
        created.push(table.tableName);
      }
      return created;
    },
    close() {
      closed ??= (async () => {
        client.destroy();
        await close();
      })();
      return closed;
    },
  };
}

/**
 * Even with createTableMs 0, dynalite flips a new table to ACTIVE on a later tick and until then answers writes with
 * ResourceNotFoundException; the SDK's waiter polls every 20 s at best.
 */
async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

/** The template's table definition as a CreateTable request (CloudFormation and the API share the shapes). */
export function createTableInput(table: LocalTable): CreateTableCommandInput {
  const props = table.properties as unknown as CreateTableCommandInput & { BillingMode?: string };
  const onDemand = props.BillingMode === 'PAY_PER_REQUEST';
  const throughput = onDemand ? undefined : (props.ProvisionedThroughput ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
  return {
    TableName: table.tableName,
    AttributeDefinitions: props.AttributeDefinitions,
    KeySchema: props.KeySchema,
    BillingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
    ProvisionedThroughput: throughput,
    GlobalSecondaryIndexes: props.GlobalSecondaryIndexes?.map((index) => ({
      ...index,
      ProvisionedThroughput: onDemand ? undefined : (index.ProvisionedThroughput ?? throughput),
    })),
    LocalSecondaryIndexes: props.LocalSecondaryIndexes,
  };
}

/**
 * dynalite answers a request error by throwing from its 'error' listener (`req.on('error', (err) => { throw err })`),
 * and removes every listener once it has answered: a client that goes away mid-request (a reset connection, a
 * request cut short) would end the whole local cloud with an uncaught exception. Errors of a request are the client's
 * business: they are kept from dynalite's listeners, and the response is dropped.
 */
function guardRequestErrors(server: Server): void {
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const emit = req.emit.bind(req) as (event: string | symbol, ...args: unknown[]) => boolean;
    req.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === 'error') {
        res.destroy();
        return true;
      }
      return emit(event, ...args);
    }) as typeof req.emit;
    res.on('error', () => undefined);
  });
}
