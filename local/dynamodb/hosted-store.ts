/**
 * The store itself, served: dynalite behind the gate (auth.ts) on a loopback port. Run in the caller's thread
 * (`hostStoreInProcess`, what the store's own thread runs, and the local cloud with a test's clock) or in a worker
 * thread of its own (store-thread.ts); the two answer alike.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { adopt } from '../http';
import type { PrincipalStore } from '../iam/principals';
import { type Authorizer, createDynamoDbGate } from './auth';
import { installConditionParser } from './condition-parser';

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// Before dynalite loads its parser (condition-parser.ts says why).
const conditionParserWarning = installConditionParser();

// dynalite ships no type declarations; this is the one call used from it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createDynaliteServer = require('dynalite') as (options: DynaliteOptions) => Server;

export interface HostedStoreOptions {
  readonly host: string;
  readonly port: number;
  /** LevelDB folder; data survives restarts and a `kill -9`. In memory when undefined. */
  readonly dataDir?: string;
  readonly region: string;
  /** The server's clock (SigV4 skew, aws:CurrentTime). */
  readonly now: () => Date;
  /** One line per refused request. */
  readonly log?: (line: string) => void;
}

/** A store that listens; what `authorizeWith` and `refuseRolesOn` change applies to the requests after it resolves. */
export interface HostedStore {
  readonly url: string;
  authorizeWith(principals: PrincipalStore, authorize: Authorizer): Promise<void>;
  /** Tables (by ARN) whose resource-based policy is not evaluated: every call to them by a role is refused. */
  refuseRolesOn(tableArns: readonly string[]): Promise<void>;
  /** Stops listening and closes the store's database. */
  close(): Promise<void>;
}

export async function hostStoreInProcess(options: HostedStoreOptions): Promise<HostedStore> {
  if (conditionParserWarning) options.log?.(conditionParserWarning);
  // Tables become ACTIVE at once, as a test suite wants; dynalite's default waits 500 ms.
  const server = createDynaliteServer({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // Every request goes through the gate; the store's own handler sees only those it let through.
  const store = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  const gate = createDynamoDbGate({
    region: options.region,
    now: options.now,
    log: options.log,
    store: (req, res) => {
      for (const listener of store) listener(req, res);
    },
  });
  server.on('request', gate.handle);
  const { url, close } = await adopt(server, { host: options.host, port: options.port });
  return {
    url,
    async authorizeWith(principals, authorize) {
      gate.authorizeWith(principals, authorize);
    },
    async refuseRolesOn(tableArns) {
      gate.refuseRolesOn(tableArns);
    },
    close,
  };
}
