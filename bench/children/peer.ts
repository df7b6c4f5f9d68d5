/**
 * The peer: amplify-appsync-simulator (what `amplify mock api` runs) serving the same schema, each Query/Mutation field
 * resolved by a Lambda data source. The simulator only simulates AppSync; the host supplies the Lambda execution, in
 * one of two ways (PeerInvocation):
 * - through the local cloud's own Lambda runtime and DynamoDB store, the very same resolver bundle on the same warm
 *   workers: the two rows then differ only in the AppSync layer;
 * - as `amplify mock api` itself does, a new Node.js process per resolver call (./one-invocation.ts), on the same
 *   DynamoDB store: what a user of the peer gets.
 * It checks the API key but does not verify SigV4 signatures (it reads the access key id from the Authorization
 * header and trusts it) nor IAM policies.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import Module from 'node:module';
import * as net from 'node:net';
import * as path from 'node:path';
import type { AppSyncSimulatorDataSourceConfig, AppSyncSimulatorUnitResolverConfig } from 'amplify-appsync-simulator';
import type { RunningLocalCloud } from '../../local/local-cloud';
import type { OneInvocation, OneInvocationAnswer } from './one-invocation';

/** How the peer's Lambda data sources run the resolver. */
export enum PeerInvocation {
  /** On the local cloud's Lambda runtime: its warm workers, as ours uses them. */
  SHARED_RUNTIME = 'shared-runtime',
  /** A new Node.js process for every call, as `amplify mock api` runs a Lambda data source (./one-invocation.ts). */
  PROCESS_PER_INVOCATION = 'process-per-invocation',
}

/**
 * npm gives the simulator its own graphql@14 (the project uses 16) but hoists the @graphql-tools packages it also
 * depends on, which then load the project's graphql 16: two graphql instances, which graphql refuses ("from another
 * module or realm"). In this process, those packages get the simulator's copy, as they would in Amplify's own tree.
 */
function useTheSimulatorsGraphql(): void {
  const fromSimulator = Module.createRequire(require.resolve('amplify-appsync-simulator/package.json'));
  const resolver = Module as unknown as { _resolveFilename(request: string, parent: { filename?: string } | undefined, ...rest: unknown[]): string };
  const original = resolver._resolveFilename;
  resolver._resolveFilename = function resolveFilename(request, parent, ...rest) {
    if ((request === 'graphql' || request.startsWith('graphql/')) && parent?.filename?.includes(`${path.sep}@graphql-tools${path.sep}`)) {
      return fromSimulator.resolve(request);
    }
    return original.call(this, request, parent, ...rest);
  };
}

/** What AppSync sends a direct Lambda resolver, rebuilt in VTL (the simulator has no direct Lambda resolvers). */
const REQUEST_TEMPLATE = `{"version":"2018-05-29","operation":"Invoke","payload":{
"arguments":$util.toJson($ctx.arguments),"identity":$util.toJson($ctx.identity),"source":$util.toJson($ctx.source),
"request":{"headers":$util.toJson($ctx.request.headers),"domainName":null},
"info":{"fieldName":"$ctx.info.fieldName","parentTypeName":"$ctx.info.parentTypeName","variables":$util.toJson($ctx.info.variables),
"selectionSetList":$util.toJson($ctx.info.selectionSetList),"selectionSetGraphQL":$util.toJson($ctx.info.selectionSetGraphQL)},
"prev":null,"stash":{}}}`;
const RESPONSE_TEMPLATE = '$util.toJson($ctx.result)';

export async function startPeer(
  cloud: RunningLocalCloud,
  invocation: PeerInvocation,
  log: (line: string) => void,
): Promise<{ url: string; stop(): Promise<void> }> {
  bindToLoopback();
  useTheSimulatorsGraphql();
  // Loaded only now, after the resolution fix above.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AmplifyAppSyncSimulator, AmplifyAppSyncSimulatorAuthenticationType, RESOLVER_KIND } =
    require('amplify-appsync-simulator') as typeof import('amplify-appsync-simulator');
  const api = cloud.deployment.graphqlApis[0];
  const runtime = cloud.services.runtime;
  const dataSources: AppSyncSimulatorDataSourceConfig[] = [];
  const resolvers: AppSyncSimulatorUnitResolverConfig[] = [];
  for (const resolver of api.resolvers) {
    const arn = resolver.lambdaFunctionArn;
    if (!arn) continue;
    const dataSourceName = `lambda_${dataSources.length}`;
    dataSources.push({
      type: 'AWS_LAMBDA',
      name: dataSourceName,
      invoke: invocation === PeerInvocation.SHARED_RUNTIME ? onSharedRuntime(runtime, arn) : inProcessPerInvocation(runtime, arn),
    });
    resolvers.push({
      kind: RESOLVER_KIND.UNIT,
      typeName: resolver.typeName,
      fieldName: resolver.fieldName,
      dataSourceName,
      requestMappingTemplate: REQUEST_TEMPLATE,
      responseMappingTemplate: RESPONSE_TEMPLATE,
    });
  }
  const simulator = new AmplifyAppSyncSimulator({ port: await freePort(), wsPort: await freePort() });
  await simulator.start();
  simulator.init({
    schema: { content: api.schema },
    resolvers,
    dataSources,
    appSync: {
      name: api.name,
      defaultAuthenticationType: { authenticationType: AmplifyAppSyncSimulatorAuthenticationType.API_KEY },
      apiKey: api.apiKeys[0].value,
      accountId: cloud.deployment.accountId,
      additionalAuthenticationProviders: [{ authenticationType: AmplifyAppSyncSimulatorAuthenticationType.AWS_IAM }],
    },
  });
  const port = Number(new URL(simulator.url).port);
  log(`peer: amplify-appsync-simulator on 127.0.0.1:${port}, Lambda data sources ${invocation}`);
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stop: async () => simulator.stop(),
  };
}

type Invoke = (payload: unknown) => Promise<unknown>;

function onSharedRuntime(runtime: RunningLocalCloud['services']['runtime'], arn: string): Invoke {
  return async (payload) => {
    const result = await runtime.invoke(arn, Buffer.from(JSON.stringify(payload)));
    const body = result.payload.length > 0 ? (JSON.parse(result.payload.toString('utf8')) as unknown) : null;
    if (result.functionError) throw new Error((body as { errorMessage?: string } | null)?.errorMessage ?? 'The function failed');
    return body;
  };
}

/** ./one-invocation.ts, bundled next to this process's own script (bench/lib/build.ts). */
const ONE_INVOCATION_SCRIPT = path.join(__dirname, 'one-invocation.cjs');

/**
 * Each call forks ./one-invocation.ts with the environment the local runtime gives the function's workers (its
 * variables, its role's credentials, the local store's endpoint), on this process's Node.js with no flags (amplify
 * forks with `execa.node`, i.e. its own Node.js), and answers once the process has answered and exited, as
 * amplify's invoker resolves when the child's answer pipe closes. No limit on how many run at once: amplify sets none.
 */
function inProcessPerInvocation(runtime: RunningLocalCloud['services']['runtime'], arn: string): Invoke {
  const fn = runtime.findFunction(arn);
  if (!fn) throw new Error(`no function ${arn} in the local Lambda runtime`);
  if (!existsSync(ONE_INVOCATION_SCRIPT)) throw new Error(`${ONE_INVOCATION_SCRIPT} is missing: the benchmark builds it (bench/lib/build.ts)`);
  const environment = runtime.environmentOf(fn);
  return (payload) =>
    new Promise((resolve, reject) => {
      const child = fork(ONE_INVOCATION_SCRIPT, [], { env: environment, execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
      let answer: OneInvocationAnswer | undefined;
      child.once('message', (message: OneInvocationAnswer) => (answer = message));
      child.once('error', reject);
      // 'close', not 'exit': the answer may be read after the process has exited, never after its channel closed.
      child.once('close', (code, signal) => {
        if (answer === undefined) reject(new Error(`the invocation's process ended without an answer (${signal ?? `exit ${code}`})`));
        else if ('error' in answer) reject(new Error(answer.error.errorMessage));
        else resolve(answer.result);
      });
      child.send({ codeDir: fn.codeDir, handler: fn.handler, event: JSON.stringify(payload) } satisfies OneInvocation);
    });
}

/** The simulator listens on every interface; in this process every server listens on loopback only. */
function bindToLoopback(): void {
  const listen = net.Server.prototype.listen as (...args: unknown[]) => net.Server;
  net.Server.prototype.listen = function patchedListen(this: net.Server, ...args: unknown[]) {
    if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) args.splice(1, 0, '127.0.0.1');
    if (typeof args[0] === 'object' && args[0] !== null && !('host' in (args[0] as object))) args[0] = { ...(args[0] as object), host: '127.0.0.1' };
    return listen.apply(this, args);
  } as typeof net.Server.prototype.listen;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
