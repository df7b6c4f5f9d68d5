import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildClientConfig, CLIENT_CONFIG_FILE_NAMES, type ClientConfig, ClientConfigError, clientConfigFiles } from '../lib/client-config';
import { type AppSyncService, startAppSyncService } from './appsync/service';
import { readCloudAssembly } from './cloudformation/cloud-assembly';
import { deployApp, type LocalDeployment } from './deployment';
import { type LocalDynamoDb, startLocalDynamoDb } from './dynamodb';
import { localCertificate } from './http/local-certificate';
import { type LocalEndpoints, outputsFileContent } from './outputs';
import { type Services, startServices } from './services';
import { LocalIdentity, writeFileAtomic } from './state';

export interface LocalCloudOptions {
  /** The synthesized app (cdk.out). */
  readonly assemblyDir: string;
  readonly host?: string;
  readonly graphqlPort?: number;
  readonly lambdaPort?: number;
  readonly dynamodbPort?: number;
  /** Keeps data, keys and credentials; ignored with `inMemory`. */
  readonly stateDir: string;
  readonly inMemory?: boolean;
  readonly region?: string;
  /** Also write the outputs here, as `cdk deploy --outputs-file` does. */
  readonly outputsFile?: string;
  /** Where request and function logs go. @default stderr */
  readonly log?: (line: string) => void;
  /** The clock of the local services (API key expiry, SigV4 skew); tests move it. */
  readonly now?: () => Date;
  /** AppSync's per-request execution limit. @default 30 s */
  readonly executionTimeoutMs?: number;
  /** Warm workers per function at most; more concurrent invocations queue. @default the number of cores, 2 to 10 */
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
  /** `amplifyConfiguration` and `amplifyOutputs` (Amplify's client config) only when the assembly has an API stack with the outputs they need. */
  readonly files: { credentials: string; config: string; endpoints: string; outputs: string; amplifyConfiguration?: string; amplifyOutputs?: string };
  /** The local authority the AppSync port's TLS certificate comes from (trust it for wss:// and https://), and the server key's SPKI hash. */
  readonly tls: { readonly caFile: string; readonly spkiSha256: string };
  /** Why no Amplify client config was written (undefined when it was). */
  readonly clientConfigSkipped?: string;
  close(): Promise<void>;
}

/** Starts every local service for a cloud assembly and writes the files clients need. */
export async function startLocalCloud(options: LocalCloudOptions): Promise<RunningLocalCloud> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stateDir = path.resolve(options.stateDir);
  mkdirSync(stateDir, { recursive: true });
  const identity = options.inMemory ? LocalIdentity.ephemeral() : LocalIdentity.persistent(stateDir);
  const workDir = options.inMemory ? mkdtempSync(path.join(tmpdir(), 'local-cloud-')) : path.join(stateDir, 'work');
  const stacks = readCloudAssembly(path.resolve(options.assemblyDir));

  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((error: Error) => log(`shutdown: ${error.message}`));
    if (options.inMemory) rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const dynamodb: LocalDynamoDb = await startLocalDynamoDb({
      host,
      port: options.dynamodbPort ?? 8000,
      dataDir: options.inMemory ? undefined : path.join(stateDir, 'dynamodb'),
      region,
    });
    closers.push(() => dynamodb.close());

    // Listen first, so the real ports (0 = any free one) are known when the templates are resolved. TLS on the same
    // port, from a local authority kept in the state directory: Amplify's real-time client dials wss:// for any URL.
    // Its keys are made meanwhile (off the event loop), awaited before the cloud is reported ready.
    const certificate = localCertificate(path.join(options.inMemory ? workDir : stateDir, 'tls'), [host]);
    certificate.catch(() => undefined);
    const appsync = await startAppSyncService({
      host,
      port: options.graphqlPort ?? 20002,
      log,
      tls: certificate.then((made) => ({ key: made.key, cert: made.certificate })),
    });
    closers.push(() => appsync.close());
    const graphqlBaseUrl = appsync.endpoint;

    const deployment = deployApp(stacks, { region, identity, graphqlBaseUrl, workDir });
    await dynamodb.createTables(deployment.tables);

    const services = await startServices({
      deployment,
      appsync,
      dependencies: [dynamodb],
      host,
      lambdaPort: options.lambdaPort ?? 3001,
      log,
      now: options.now,
      executionTimeoutMs: options.executionTimeoutMs,
      maxWorkersPerFunction: options.maxWorkersPerFunction,
    });
    closers.push(() => services.close());

    const endpoints: LocalEndpoints = {
      graphql: Object.fromEntries(deployment.graphqlApis.map((api) => [api.logicalId, api.url])),
      lambda: services.lambdaUrl,
      dynamodb: dynamodb.url,
    };
    const files = {
      credentials: path.join(stateDir, 'credentials'),
      config: path.join(stateDir, 'config'),
      endpoints: path.join(stateDir, 'endpoints.json'),
      outputs: path.join(stateDir, 'outputs.json'),
    };
    writeFileAtomic(files.credentials, services.credentialsFile, 0o600);
    writeFileAtomic(files.config, services.configFile, 0o600);
    writeFileAtomic(files.endpoints, `${JSON.stringify(endpoints, null, 2)}\n`);
    const outputsContent = outputsFileContent(deployment);
    const outputs = `${JSON.stringify(outputsContent, null, 2)}\n`;
    writeFileAtomic(files.outputs, outputs, 0o600);
    if (options.outputsFile) writeFileAtomic(path.resolve(options.outputsFile), outputs, 0o600);
    const clientConfig = writeClientConfig(stateDir, outputsContent);
    const tls = await certificate;

    return {
      deployment,
      dynamodb,
      services,
      appsync,
      endpoints,
      files: { ...files, ...clientConfig.files },
      tls: { caFile: tls.caFile as string, spkiSha256: tls.spkiSha256 },
      clientConfigSkipped: clientConfig.skipped,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
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
