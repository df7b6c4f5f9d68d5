import { CreateTableCommand, type CreateTableCommandInput, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { authorize as standardAuthorize } from '../iam/authorizer';
import type { PrincipalStore } from '../iam/principals';
import type { LocalService } from '../service';
import type { Authorizer } from './auth';
import { tablesWithResourcePolicy } from './emulation-gaps';
import { type HostedStore, hostStoreInProcess } from './hosted-store';
import type { LocalTable } from './model';
import { hostStoreInThread, type ThreadHostedStore } from './store-thread';

export type { Authorizer } from './auth';

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
  /** The thread's (ThreadHostedStore); absent in process. */
  readonly injectFault?: ThreadHostedStore['injectFault'];
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
  /**
   * Serve from a worker thread of its own (store-thread.ts), beside the thread that starts it.
   * @default true, unless `now` is given: a test's clock reaches a store in the same thread only
   */
  readonly thread?: boolean;
}

/** An embedded DynamoDB-compatible store (dynalite) on loopback, behind SigV4 and IAM (auth.ts). */
export async function startLocalDynamoDb(options: LocalDynamoDbOptions): Promise<LocalDynamoDb> {
  const log = options.log ?? (() => undefined);
  const inThread = options.thread ?? options.now === undefined;
  const settings = { host: options.host, port: options.port, dataDir: options.dataDir, region: options.region };
  // The tables the templates define, to create again in a thread that replaced one that stopped (in memory, they are gone).
  let provisioned: LocalTable[] = [];
  const hosted: HostedStore & Partial<Pick<ThreadHostedStore, 'injectFault'>> = inThread
    ? await hostStoreInThread(settings, log, {
        onRestart: async ({ dataKept }) => {
          if (!dataKept) await provision(provisioned);
        },
      })
    : await hostStoreInProcess({ ...settings, now: options.now ?? (() => new Date()), log });
  const { url } = hosted;

  let adminClient: DynamoDBClient | undefined;
  // Resolves once the store applies the principals (at once in process; the thread acknowledges them).
  let authorized: Promise<void> | undefined;
  const ready = (what: string): DynamoDBClient => {
    if (!adminClient) throw new StoreNotReadyError(what);
    return adminClient;
  };

  async function provision(tables: LocalTable[]): Promise<string[]> {
    const client = ready('create tables');
    await authorized;
    await hosted.refuseRolesOn(tablesWithResourcePolicy(tables));
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
  }

  let closed: Promise<void> | undefined;
  return {
    url,
    endpoint: url,
    injectFault: hosted.injectFault,
    environment: { AWS_ENDPOINT_URL_DYNAMODB: url },
    get client() {
      return ready('give a client');
    },
    authorizeWith(principals, authorize) {
      if (inThread && authorize !== standardAuthorize) {
        throw new Error('A store in its own thread authorizes with local/iam/authorizer.ts only: start it with thread: false to use another authorizer.');
      }
      authorized = hosted.authorizeWith(principals, authorize);
      authorized.catch(() => undefined);
      adminClient?.destroy();
      adminClient = new DynamoDBClient({ endpoint: url, region: options.region, credentials: adminCredentials(principals), maxAttempts: 1 });
    },
    createTables(tables) {
      provisioned = tables;
      return provision(tables);
    },
    close() {
      closed ??= (async () => {
        adminClient?.destroy();
        await hosted.close();
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
