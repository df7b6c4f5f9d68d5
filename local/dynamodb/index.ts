import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { CreateTableCommand, type CreateTableCommandInput, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { adopt } from '../http';
import type { PrincipalStore } from '../iam/principals';
import type { LocalService } from '../service';
import { type Authorizer, createDynamoDbGate } from './auth';
import { tablesWithResourcePolicy } from './emulation-gaps';
import type { LocalTable } from './model';

export type { Authorizer } from './auth';

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
  /** A client signing as the deployment's admin; only once `authorizeWith` has run (it throws StoreNotReadyError before). */
  readonly client: DynamoDBClient;
  /**
   * From now on every request is verified (SigV4) against these principals and authorized by `authorize`; until
   * then every call is refused with 503 (the store listens before the deployment, whose principals it needs, is built).
   */
  authorizeWith(principals: PrincipalStore, authorize: Authorizer): void;
  /**
   * Creates the tables the templates define; tables that already exist (a restart on the same state) are kept. A
   * table with a ResourcePolicy (not evaluated) is refused to every role from then on.
   */
  createTables(tables: LocalTable[]): Promise<string[]>;
  close(): Promise<void>;
}

/** The store was used before `authorizeWith` gave it its principals: a bug of the caller, named so. */
export class StoreNotReadyError extends Error {
  constructor(what: string, options?: ErrorOptions) {
    super(`The local DynamoDB store cannot ${what} before authorizeWith(principals, authorize) has run.`, options);
    this.name = 'StoreNotReadyError';
  }
}

export interface LocalDynamoDbOptions {
  readonly host: string;
  readonly port: number;
  /** LevelDB folder; data survives restarts and a `kill -9`. In memory when undefined. */
  readonly dataDir?: string;
  readonly region: string;
  /** The server's clock (SigV4 skew, aws:CurrentTime). @default the system clock */
  readonly now?: () => Date;
  /** One line per refused request. */
  readonly log?: (line: string) => void;
}

/** An embedded DynamoDB-compatible store (dynalite) on loopback, behind SigV4 and IAM (auth.ts). */
export async function startLocalDynamoDb(options: LocalDynamoDbOptions): Promise<LocalDynamoDb> {
  // Tables become ACTIVE at once, as a test suite wants; dynalite's default waits 500 ms.
  const server = createDynaliteServer({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // Every request goes through the gate; the store's own handler sees only those it let through.
  const store = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  const gate = createDynamoDbGate({
    region: options.region,
    now: options.now ?? (() => new Date()),
    log: options.log,
    store: (req, res) => {
      for (const listener of store) listener(req, res);
    },
  });
  server.on('request', gate.handle);
  const { url, close } = await adopt(server, { host: options.host, port: options.port });

  let adminClient: DynamoDBClient | undefined;
  const ready = (what: string): DynamoDBClient => {
    if (!adminClient) throw new StoreNotReadyError(what);
    return adminClient;
  };

  let closed: Promise<void> | undefined;
  return {
    url,
    endpoint: url,
    environment: { AWS_ENDPOINT_URL_DYNAMODB: url },
    get client() {
      return ready('give a client');
    },
    authorizeWith(principals, authorize) {
      gate.authorizeWith(principals, authorize);
      adminClient?.destroy();
      adminClient = new DynamoDBClient({ endpoint: url, region: options.region, credentials: adminCredentials(principals), maxAttempts: 1 });
    },
    async createTables(tables) {
      const client = ready('create tables');
      gate.refuseRolesOn(tablesWithResourcePolicy(tables));
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
        adminClient?.destroy();
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

/** The admin's keys, for the store's own calls (creating tables): its principal may do anything, as root does. */
function adminCredentials(principals: PrincipalStore): { accessKeyId: string; secretAccessKey: string } {
  const admin = principals.list().find((principal) => principal.isAdmin);
  const secret = admin ? principals.credentials(admin.accessKeyId) : undefined;
  if (!admin || !secret) throw new StoreNotReadyError('sign its own calls: the principals have no admin');
  return { accessKeyId: admin.accessKeyId, secretAccessKey: secret.secretAccessKey };
}
