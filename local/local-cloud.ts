import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { buildClientConfig, CLIENT_CONFIG_FILE_NAMES, type ClientConfig, ClientConfigError, clientConfigFiles } from '../lib/client-config';
import { buildApiRuntime } from './appsync/schema';
import { type AppSyncService, startAppSyncService } from './appsync/service';
import { readCloudAssembly, type StackArtifact } from './cloudformation/cloud-assembly';
import { createLocalConsole } from './console';
import { deployApp, type LocalDeployment } from './deployment';
import { type LocalDynamoDb, startLocalDynamoDb } from './dynamodb';
import { checkStore, DamagedStoreError } from './dynamodb/store-check';
import { DamagedStateError, PortTakenError, type ServicePort } from './errors';
import { PortInUseError } from './http';
import { localCertificate } from './http/local-certificate';
import { PrincipalStore } from './iam';
import { authorize } from './iam/authorizer';
import type { FunctionChanges } from './lambda/runtime';
import { type LocalEndpoints, outputsFileContent } from './outputs';
import { silenceSdkNodeVersionWarning } from './sdk-warning';
import { type Services, startServices } from './services';
import { LocalIdentity, writeFileAtomic } from './state';
import { lockStateDir, registerRunningCloud, runningClouds, type StateLock } from './state-lock';

/** The project whose local cloud this is (where its package.json is). */
const PROJECT_ROOT = path.join(__dirname, '..');

export interface LocalCloudOptions {
  /** The synthesized app (cdk.out). */
  readonly assemblyDir: string;
  readonly host?: string;
  readonly graphqlPort?: number;
  readonly lambdaPort?: number;
  readonly dynamodbPort?: number;
  /** Keeps data, keys and credentials; ignored with `inMemory`. */
  readonly stateDir: string;
  /** Nothing is read or written under `stateDir`: the client files go to a temporary folder, removed on close. */
  readonly inMemory?: boolean;
  /** The state directory's lock, when the caller took it already (npm start does, before it synthesizes); released on close. */
  readonly lock?: StateLock;
  readonly region?: string;
  /** Also write the outputs here, as `cdk deploy --outputs-file` does. */
  readonly outputsFile?: string;
  /** Where request and function logs go. @default stderr */
  readonly log?: (line: string) => void;
  /** The clock of the local services (API key expiry, SigV4 skew); tests move it. */
  readonly now?: () => Date;
  /** AppSync's per-request execution limit. @default 30 s */
  readonly executionTimeoutMs?: number;
  /** Warm workers per function at most; more concurrent invocations queue. @default twice the number of cores, 2 to 10 */
  readonly maxWorkersPerFunction?: number;
}

export interface RunningLocalCloud {
  readonly deployment: LocalDeployment;
  /** The embedded store (for diagnostics and fault tests; clients use `endpoints.dynamodb`). */
  readonly dynamodb: LocalDynamoDb;
  readonly services: Services;
  /** The AppSync endpoint (HTTP and real-time). */
  readonly appsync: AppSyncService;
  readonly endpoints: LocalEndpoints;
  /** Where the client files are: the state directory, or (in memory) a temporary folder removed on close. */
  readonly filesDir: string;
  /** `amplifyConfiguration` and `amplifyOutputs` (Amplify's client config) only when the assembly has an API stack with the outputs they need. */
  readonly files: { credentials: string; config: string; endpoints: string; outputs: string; amplifyConfiguration?: string; amplifyOutputs?: string };
  /** The local authority the AppSync port's TLS certificate comes from (trust it for wss:// and https://), and the server key's SPKI hash. */
  readonly tls: { readonly caFile: string; readonly spkiSha256: string };
  /** Why no Amplify client config was written (undefined when it was). */
  readonly clientConfigSkipped?: string;
  /**
   * Serves another synth of the app from now on, as `amplify mock` reloads (npm start --watch): the templates are
   * deployed again on the same ports, with the same identity (so the same API keys and credentials) and the same
   * store (tables that are new are created; the data stays). Its APIs, functions (new workers for those that
   * changed), principals, console and client files are replaced. When the new assembly cannot be deployed, it
   * throws and the running version is left as it was.
   */
  reload(assemblyDir: string): Promise<ReloadSummary>;
  close(): Promise<void>;
}

/** What a reload changed. */
export interface ReloadSummary {
  readonly functions: FunctionChanges;
  /** Tables the new deployment has that the store did not. */
  readonly tablesCreated: string[];
  /** APIs (logical ids) whose schema or resolvers changed. */
  readonly apisChanged: string[];
}

/**
 * Starts every local service for a cloud assembly and writes the files clients need. The state directory is locked
 * first (StateLockedError while another local cloud has it) and its store checked before anything opens it
 * (DamagedStateError, every byte left as it was); a port in use is a PortTakenError naming its option.
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<RunningLocalCloud> {
  // Its own SDK clients (the store's) are an internal detail: their Node.js version warning is noise here.
  silenceSdkNodeVersionWarning();
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stateDir = path.resolve(options.stateDir);
  const inMemory = options.inMemory === true;
  const closers: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await Promise.resolve(close()).catch((error: Error) => log(`shutdown: ${error.message}`));
  };
  try {
    const lock = inMemory ? undefined : (options.lock ?? lockStateDir(stateDir));
    if (lock) closers.push(() => lock.release());
    const filesDir = inMemory ? mkdtempSync(path.join(tmpdir(), 'local-cloud-')) : stateDir;
    if (inMemory) closers.push(() => rmSync(filesDir, { recursive: true, force: true }));
    const identity = inMemory ? LocalIdentity.ephemeral() : LocalIdentity.persistent(stateDir);
    const dataDir = inMemory ? undefined : checkedStore(stateDir);
    const workDir = path.join(filesDir, 'work');
    const stacks = readCloudAssembly(path.resolve(options.assemblyDir));

    const dynamodb: LocalDynamoDb = await listening('dynamodb', host, options.dynamodbPort ?? 8000, (port) =>
      startLocalDynamoDb({ host, port, dataDir, region, now: options.now, log }),
    );
    closers.push(() => dynamodb.close());

    // Listen first, so the real ports (0 = any free one) are known when the templates are resolved. TLS on the same
    // port, from a local authority kept in the state directory: Amplify's real-time client dials wss:// for any URL.
    // Its keys are made meanwhile (off the event loop), awaited before the cloud is reported ready.
    const certificate = localCertificate(path.join(inMemory ? workDir : stateDir, 'tls'), [host]);
    certificate.catch(() => undefined);
    const tlsOption = certificate.then((made) => ({ key: made.key, cert: made.certificate }));
    const appsync = await listening('graphql', host, options.graphqlPort ?? 20002, (port) => startAppSyncService({ host, port, log, tls: tlsOption }));
    closers.push(() => appsync.close());
    const graphqlBaseUrl = appsync.endpoint;

    const deploy = (assembly: StackArtifact[]) => deployApp(assembly, { region, identity, graphqlBaseUrl, workDir });
    let deployment = deploy(stacks);
    // The store has refused every call until now (503): it needs the deployment's principals to verify and authorize.
    // Sessions count as issued at the start, reloads included.
    const issuedAt = new Date();
    const principals = PrincipalStore.fromDeployment(deployment, issuedAt);
    dynamodb.authorizeWith(principals, authorize);
    await dynamodb.createTables(deployment.tables);

    const services = await listening('lambda', host, options.lambdaPort ?? 3001, (lambdaPort) =>
      startServices({
        deployment,
        principals,
        appsync,
        dependencies: [dynamodb],
        host,
        lambdaPort,
        log,
        now: options.now,
        executionTimeoutMs: options.executionTimeoutMs,
        maxWorkersPerFunction: options.maxWorkersPerFunction,
      }),
    );
    closers.push(() => services.close());

    /** The console of the deployment served now; its token is this start's, across reloads. */
    const serveConsole = (token?: string) => {
      const made = createLocalConsole({
        deployment,
        principals: services.principals,
        invoke: (name, payload, invokeOptions) => services.lambda.invoke(name, payload, invokeOptions),
        dynamodb: dynamodb.client,
        directory: path.join(options.inMemory ? workDir : stateDir, 'console'),
        endpoint: appsync.endpoint,
        log,
        now: options.now,
        token,
      });
      appsync.serveConsole(made.handler);
      return made;
    };
    const localConsole = serveConsole();
    const consoleToken = new URL(localConsole.url).searchParams.get('token') ?? undefined;

    const files = {
      credentials: path.join(filesDir, 'credentials'),
      config: path.join(filesDir, 'config'),
      endpoints: path.join(filesDir, 'endpoints.json'),
      outputs: path.join(filesDir, 'outputs.json'),
    };
    /** The files clients read, for the deployment served now. */
    const writeClientFiles = () => {
      const endpoints: LocalEndpoints = {
        graphql: Object.fromEntries(deployment.graphqlApis.map((api) => [api.logicalId, api.url])),
        lambda: services.lambdaUrl,
        dynamodb: dynamodb.url,
        console: localConsole.url,
      };
      writeFileAtomic(files.credentials, services.credentialsFile, 0o600);
      writeFileAtomic(files.config, services.configFile, 0o600);
      // The console's token is printed, never written to a file.
      writeFileAtomic(files.endpoints, `${JSON.stringify({ ...endpoints, console: localConsole.baseUrl, notEmulated: deployment.notEmulated }, null, 2)}\n`);
      const outputsContent = outputsFileContent(deployment);
      const outputs = `${JSON.stringify(outputsContent, null, 2)}\n`;
      writeFileAtomic(files.outputs, outputs, 0o600);
      if (options.outputsFile) writeFileAtomic(path.resolve(options.outputsFile), outputs, 0o600);
      lock?.update(endpoints);
      return { endpoints, clientConfig: writeClientConfig(filesDir, outputsContent) };
    };
    const { endpoints, clientConfig } = writeClientFiles();
    const unregister = registerRunningCloud({ projectRoot: PROJECT_ROOT, stateDir: inMemory ? undefined : stateDir, filesDir, endpoints });
    closers.push(unregister);
    const tls = await certificate;

    let reloading: Promise<unknown> = Promise.resolve();
    const reload = async (assemblyDir: string): Promise<ReloadSummary> => {
      // Everything that can refuse the new assembly (its templates, IAM, the schema) runs before anything is replaced.
      const next = deploy(readCloudAssembly(path.resolve(assemblyDir)));
      // The schemas are built again by the endpoint; one that does not build must refuse the reload here, not half-way.
      for (const api of next.graphqlApis) buildApiRuntime(api, () => () => null);
      const nextPrincipals = PrincipalStore.fromDeployment(next, issuedAt);
      const apisChanged = next.graphqlApis
        .filter(
          (api) =>
            !isDeepStrictEqual(
              api,
              deployment.graphqlApis.find((old) => old.logicalId === api.logicalId),
            ),
        )
        .map((api) => api.logicalId);
      dynamodb.authorizeWith(nextPrincipals, authorize);
      const tablesCreated = await dynamodb.createTables(next.tables);
      const functions = await services.reload(next, nextPrincipals);
      deployment = next;
      serveConsole(consoleToken);
      writeClientFiles();
      return { functions, tablesCreated, apisChanged };
    };

    return {
      get deployment() {
        return deployment;
      },
      dynamodb,
      services,
      appsync,
      endpoints,
      filesDir,
      files: { ...files, ...clientConfig.files },
      tls: { caFile: tls.caFile as string, spkiSha256: tls.spkiSha256 },
      clientConfigSkipped: clientConfig.skipped,
      // One at a time: a reload that starts while another runs waits for it.
      reload: (assemblyDir) => {
        const result = reloading.then(() => reload(assemblyDir));
        reloading = result.catch(() => undefined);
        return result;
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The store's folder, once checked (read-only) to be safe to open; DamagedStateError names the file at fault. */
function checkedStore(stateDir: string): string {
  const dataDir = path.join(stateDir, 'dynamodb');
  try {
    checkStore(dataDir);
  } catch (error) {
    if (error instanceof DamagedStoreError) throw new DamagedStateError(error.file, error.problem, stateDir, { cause: error });
    throw error;
  }
  return dataDir;
}

/** Starts a service on its port; a port in use becomes the error that names the option to change (and who holds it). */
async function listening<T>(service: ServicePort, host: string, port: number, start: (port: number) => Promise<T>): Promise<T> {
  try {
    return await start(port);
  } catch (error) {
    if (!(error instanceof PortInUseError)) throw error;
    throw new PortTakenError(service, host, port, localCloudOnPort(port), { cause: error });
  }
}

/** "the local cloud pid N (state dir X)" when one of the running local clouds listens on `port`. */
function localCloudOnPort(port: number): string | undefined {
  const holder = runningClouds().find((cloud) =>
    [...Object.values(cloud.endpoints.graphql ?? {}), cloud.endpoints.lambda, cloud.endpoints.dynamodb].some(
      (url) => url && Number(new URL(url).port) === port,
    ),
  );
  if (!holder) return undefined;
  return `the local cloud of pid ${holder.pid} (${holder.stateDir ? `state dir ${holder.stateDir}` : 'in memory'})`;
}

/** Amplify's client config (Gen 1 and Gen 2) from the same outputs, so it points at the local cloud; skipped, with the reason, without an API stack. */
function writeClientConfig(
  stateDir: string,
  outputs: Record<string, Record<string, string>>,
): { files?: { amplifyConfiguration: string; amplifyOutputs: string }; skipped?: string } {
  let config: ClientConfig;
  try {
    config = buildClientConfig(outputs, { source: 'the local outputs', remedy: 'Synthesize the app again (npm start does unless --no-synth).' });
  } catch (error) {
    if (!(error instanceof ClientConfigError)) throw error;
    // Files of an earlier start would point at an API this start does not serve.
    for (const name of Object.values(CLIENT_CONFIG_FILE_NAMES)) rmSync(path.join(stateDir, name), { force: true });
    return { skipped: error.message };
  }
  const [gen1, gen2] = clientConfigFiles(config).map((file) => {
    const target = path.join(stateDir, file.name);
    writeFileAtomic(target, file.content, 0o600);
    return target;
  });
  return { files: { amplifyConfiguration: gen1, amplifyOutputs: gen2 } };
}
