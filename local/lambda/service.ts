/**
 * The local Lambda service, started as one piece: the runtime that runs the deployment's functions (runtime.ts) and
 * its HTTP Invoke API (invoke-api.ts) on one endpoint. Authentication and authorization are the caller's (the IAM
 * side of the local cloud), injected.
 */
import type { LocalService } from '../service';
import { type InvokeApiOptions, startInvokeApi } from './invoke-api';
import { LambdaRuntime, type LambdaRuntimeOptions } from './runtime';

export interface LambdaServiceOptions extends LambdaRuntimeOptions, Pick<InvokeApiOptions, 'authenticate' | 'authorize'> {
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 = any free port. @default 0 */
  port?: number;
}

export interface LambdaService extends LocalService {
  /** The Invoke API's URL, e.g. http://127.0.0.1:3001 (what `aws lambda invoke --endpoint-url` takes). */
  readonly endpoint: string;
  /** `AWS_ENDPOINT_URL_LAMBDA`: an SDK's Lambda client reaches this service. */
  readonly environment: Readonly<Record<string, string>>;
  /** The runtime itself (its workers, for diagnostics and tests). */
  readonly runtime: LambdaRuntime;
  /** Invokes in process, without HTTP nor authentication (AppSync's Lambda data sources). */
  readonly invoke: LambdaRuntime['invoke'];
  /** Invoke with an event in memory, encoded once (AppSync's Lambda data sources). */
  readonly invokeEvent: LambdaRuntime['invokeEvent'];
  /** The ARN an Invoke request targets, whether or not the function exists. */
  readonly targetArn: LambdaRuntime['targetArn'];
  readonly listWorkers: LambdaRuntime['listWorkers'];
  /** Stops the Invoke API, then kills every worker; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the runtime and its Invoke API, with the Node.js of every runtime of the deployment at hand (node-runtime.ts;
 * the first start on a machine fetches it). Fails (having freed what it took) when the worker is not built
 * (WorkerNotBuiltError, naming `npm run build:worker`) or the port is taken.
 */
export async function startLambdaService(options: LambdaServiceOptions): Promise<LambdaService> {
  const runtime = new LambdaRuntime(options);
  let invokeApi: Awaited<ReturnType<typeof startInvokeApi>>;
  try {
    await runtime.prepare();
    invokeApi = await startInvokeApi({
      runtime,
      functions: { runtime, deployedAt: new Date() },
      authenticate: options.authenticate,
      authorize: options.authorize,
      host: options.host,
      port: options.port,
      log: options.log,
    });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    endpoint: invokeApi.url,
    environment: { AWS_ENDPOINT_URL_LAMBDA: invokeApi.url },
    runtime,
    invoke: (nameOrArn, payload, invokeOptions) => runtime.invoke(nameOrArn, payload, invokeOptions),
    invokeEvent: (nameOrArn, event, invokeOptions) => runtime.invokeEvent(nameOrArn, event, invokeOptions),
    targetArn: (nameOrArn, qualifier) => runtime.targetArn(nameOrArn, qualifier),
    listWorkers: () => runtime.listWorkers(),
    close: () =>
      (closing ??= (async () => {
        try {
          await invokeApi.close();
        } finally {
          await runtime.close();
        }
      })()),
  };
}
