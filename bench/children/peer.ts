/**
 * The peer: amplify-appsync-simulator (what `amplify mock api` runs) serving the same schema, each Query/Mutation field
 * resolved by a Lambda data source. The simulator only simulates AppSync; the host supplies the Lambda execution,
 * so its data source invokes the very same resolver bundle through the local cloud's Lambda runtime and DynamoDB
 * store: the two rows then differ only in the AppSync layer. It checks the API key but does not verify SigV4
 * signatures (it reads the access key id from the Authorization header and trusts it) nor IAM policies.
 */
import Module from 'node:module';
import * as net from 'node:net';
import * as path from 'node:path';
import type { AppSyncSimulatorDataSourceConfig, AppSyncSimulatorUnitResolverConfig } from 'amplify-appsync-simulator';
import type { RunningLocalCloud } from '../../local/local-cloud';

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

export async function startPeer(cloud: RunningLocalCloud, log: (line: string) => void): Promise<{ url: string; stop(): Promise<void> }> {
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
      invoke: async (payload: unknown) => {
        const result = await runtime.invoke(arn, Buffer.from(JSON.stringify(payload)));
        const body = result.payload.length > 0 ? (JSON.parse(result.payload.toString('utf8')) as unknown) : null;
        if (result.functionError) throw new Error((body as { errorMessage?: string } | null)?.errorMessage ?? 'The function failed');
        return body;
      },
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
  log(`peer: amplify-appsync-simulator on 127.0.0.1:${port}`);
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stop: async () => simulator.stop(),
  };
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
