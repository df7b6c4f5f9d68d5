/**
 * The local console: a web page on the AppSync endpoint's port (`http://127.0.0.1:20002/`) with GraphiQL on each API
 * under any auth mode and profile, the functions with a Test tab, and the tables' items. Its server side is this
 * folder (handler.ts routes, gate.ts decides who may drive it, graphql.ts / functions.ts / test-events.ts /
 * invoke.ts / tables.ts answer); its page is ui/, compiled by `npm run build:console` (build-ui.mjs).
 */
import * as path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalDeployment } from '../deployment';
import type { PrincipalStore } from '../iam/principals';
import { describeFunctions } from './functions';
import { ConsoleGate, TOKEN_QUERY_PARAMETER } from './gate';
import { GraphqlConsole } from './graphql';
import { type ConsoleRequestHandler, createConsoleHandler } from './handler';
import type { Invoke } from './invoke';
import { resolverEventsByFunction } from './resolver-events';
import { sampleEventsFor } from './sample-events';
import { TableBrowser } from './tables';
import { TestEventStore } from './test-events';

export { CONSOLE_BUILD_COMMAND } from './assets';
export { type ConsoleRequestHandler, isConsolePath } from './handler';

export interface LocalConsoleOptions {
  readonly deployment: LocalDeployment;
  readonly principals: PrincipalStore;
  /** Invokes a function in process (the Lambda service's `invoke`). */
  readonly invoke: Invoke;
  /** The embedded store's admin client. */
  readonly dynamodb: DynamoDBClient;
  /** Where the saved test events go: `<directory>/test-events/<function>.json`. */
  readonly directory: string;
  /** The AppSync endpoint's URL (the console is served on its server), e.g. http://127.0.0.1:20002. */
  readonly endpoint: string;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
  /** This start's token; a new random one unless given (tests). */
  readonly token?: string;
}

export interface LocalConsole {
  /** What to open: the console's URL with this start's token (`http://127.0.0.1:20002/?token=…`). Print it, never log it. */
  readonly url: string;
  /** The console's URL without the token. */
  readonly baseUrl: string;
  readonly handler: ConsoleRequestHandler;
}

export function createLocalConsole(options: LocalConsoleOptions): LocalConsole {
  const endpoint = new URL(options.endpoint);
  const gate = ConsoleGate.create(Number(endpoint.port || 80), options.token);
  const functions = describeFunctions(options.deployment, options.principals);
  const callerIds = new Map(functions.map((fn) => [fn.name, fn.callerId]));
  const resolverEvents = resolverEventsByFunction(options.deployment.graphqlApis);
  const arns = new Map(functions.map((fn) => [fn.name, fn.arn]));
  const samples = (name: string) => resolverEvents.get(arns.get(name) ?? '') ?? sampleEventsFor(callerIds.get(name));
  const handler = createConsoleHandler({
    gate,
    graphql: new GraphqlConsole(options.deployment, options.principals, options.now),
    functions,
    testEvents: new TestEventStore(path.join(options.directory, 'test-events'), samples),
    invoke: options.invoke,
    tables: new TableBrowser(options.dynamodb, options.deployment.tables),
    log: options.log,
  });
  const baseUrl = `http://${openableHost(endpoint.hostname)}:${endpoint.port || 80}/`;
  return { url: `${baseUrl}?${TOKEN_QUERY_PARAMETER}=${gate.token}`, baseUrl, handler };
}

/** A browser cannot open the unspecified address a server listens on (0.0.0.0, ::): the loopback one reaches it. */
function openableHost(hostname: string): string {
  if (hostname === '0.0.0.0') return '127.0.0.1';
  if (hostname === '[::]') return '[::1]';
  return hostname;
}
