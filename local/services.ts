import * as os from 'node:os';
import type { AppSyncService } from './appsync/service';
import type { LocalDeployment } from './deployment';
import { type LocalPrincipal, PrincipalStore, renderAwsProfiles, verifySigV4 } from './iam';
import { authorize, denialContext, type RequestFacts } from './iam/authorizer';
import { authenticationRefusal, missingAuthenticationToken, unrecognizedClient } from './lambda/errors';
import type { InvokeApiOptions, InvokeApiRequest } from './lambda/invoke-api';
import type { FunctionChanges, LambdaRuntime } from './lambda/runtime';
import { type LambdaService, startLambdaService } from './lambda/service';
import type { LocalService } from './service';

export interface Services {
  readonly lambdaUrl: string;
  readonly runtime: LambdaRuntime;
  /** The Lambda service (its endpoint is lambdaUrl, its runtime is runtime). */
  readonly lambda: LambdaService;
  /** The principals of the deployment served now (replaced by a reload). */
  readonly principals: PrincipalStore;
  readonly credentialsFile: string;
  readonly configFile: string;
  /**
   * Serves another deployment of the same app from now on (npm start --watch): its functions (those whose
   * definition changed get new workers), its principals and its APIs, on the same ports.
   */
  reload(deployment: LocalDeployment, principals: PrincipalStore): Promise<FunctionChanges>;
  close(): Promise<void>;
}

export interface ServicesOptions {
  readonly deployment: LocalDeployment;
  /** The principals the other services already verify against (the store's). @default PrincipalStore.fromDeployment(deployment) */
  readonly principals?: PrincipalStore;
  /** Started already: the deployment needed its URL. It is told what to serve here. */
  readonly appsync: AppSyncService;
  /** The services the functions reach (their `environment` goes into every function's). */
  readonly dependencies: readonly LocalService[];
  readonly host: string;
  readonly lambdaPort: number;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
  /** AppSync's per-request execution limit. @default 30 s */
  readonly executionTimeoutMs?: number;
  /** Warm workers per function at most; more concurrent invocations queue. @default defaultMaxWorkersPerFunction() */
  readonly maxWorkersPerFunction?: number;
}

/**
 * Workers per function by default: twice the machine's cores (at least 2, at most 10). A resolver's worker spends most
 * of an invocation waiting (for the store's answer, for the invocation message), so a second worker per core keeps
 * the cores busy; more only share the same cores. Measured on 2 cores at 50 concurrent requests (`npm run bench`'s
 * workload, the store in its own thread): 4 workers per function served 1,000–1,055 requests per second with the
 * API key against 690–815 with 2, 768–846 with 3, 853 with 6 and 674 with 8; with the store in the main thread,
 * more than 2 did not help.
 */
export function defaultMaxWorkersPerFunction(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.min(10, Math.max(2, 2 * cores));
}

/**
 * Starts the Lambda service (runtime and Invoke API) and has the AppSync endpoint serve the deployment's APIs through
 * it, both with one set of principals. The order is the dependencies': the store first (the caller's), then Lambda
 * (its functions reach the store), then AppSync (its resolvers invoke Lambda).
 */
export async function startServices(options: ServicesOptions): Promise<Services> {
  const { log } = options;
  const now = options.now ?? (() => new Date());
  // What a reload replaces: the closures below read it on every request.
  let deployment = options.deployment;
  let principals = options.principals ?? PrincipalStore.fromDeployment(deployment);
  let authorizeInvoke = invokeAuthorizer(principals, deployment.region, now, log);
  const lambda = await startLambdaService({
    functions: deployment.functions.map((fn) => ({ ...fn })),
    region: deployment.region,
    accountId: deployment.accountId,
    // The functions' SDK clients reach the local services (the store), never AWS.
    extraEnvironment: Object.assign({}, ...options.dependencies.map((service) => service.environment)) as Record<string, string>,
    maxWorkersPerFunction: options.maxWorkersPerFunction ?? defaultMaxWorkersPerFunction(),
    log,
    host: options.host,
    port: options.lambdaPort,
    authenticate: (request) => authenticateLambdaRequest(request, principals, deployment.region, now()),
    authorize: (...request) => authorizeInvoke(...request),
  });

  const serveApis = () =>
    options.appsync.serve({
      apis: deployment.graphqlApis,
      principals,
      log,
      now,
      executionTimeoutMs: options.executionTimeoutMs,
      invokeLambda: async (functionArn, event) => {
        const result = await lambda.invokeEvent(functionArn, event);
        const payload = result.payload.length > 0 ? (JSON.parse(result.payload.toString('utf8')) as unknown) : null;
        if (result.functionError) {
          const error = (payload ?? {}) as { errorType?: string; errorMessage?: string };
          return { ok: false, errorType: error.errorType ?? 'Unhandled', errorMessage: error.errorMessage ?? 'The function failed' };
        }
        return { ok: true, payload };
      },
    });
  try {
    serveApis();
    let profiles = renderAwsProfiles(deployment);
    return {
      lambdaUrl: lambda.endpoint,
      runtime: lambda.runtime,
      lambda,
      get principals() {
        return principals;
      },
      get credentialsFile() {
        return profiles.credentials;
      },
      get configFile() {
        return profiles.config;
      },
      async reload(next, nextPrincipals) {
        const changes = await lambda.runtime.replaceFunctions(next.functions.map((fn) => ({ ...fn })));
        deployment = next;
        principals = nextPrincipals;
        authorizeInvoke = invokeAuthorizer(principals, deployment.region, now, log);
        profiles = renderAwsProfiles(deployment);
        serveApis();
        return changes;
      },
      close: () => lambda.close(),
    };
  } catch (error) {
    await lambda.close();
    throw error;
  }
}

/**
 * The Invoke API's authorization: the one authorizer, with the facts of the request (the caller's address, the time,
 * the region, its User-Agent and Referer). The Invoke API is HTTPS-only on AWS, so `aws:SecureTransport` is true. A
 * refusal ends Lambda's AccessDeniedException message as IAM words it; the decision and why go to the log.
 */
export function invokeAuthorizer(principals: PrincipalStore, region: string, now: () => Date, log: (line: string) => void): InvokeApiOptions['authorize'] {
  const byArn = new Map<string, LocalPrincipal>(principals.list().map((principal) => [principal.principalArn, principal]));
  return (principalArn, action, resource, request) => {
    const principal = byArn.get(principalArn);
    if (!principal) return false;
    const facts: RequestFacts = {
      sourceIp: request.sourceIp || undefined,
      secureTransport: true,
      currentTime: now(),
      requestedRegion: region,
      headers: { userAgent: request.userAgent, referer: request.referer },
    };
    const authorization = authorize(principal, { action, resource, facts });
    if (authorization.allowed) return true;
    log(`lambda: ${principal.description} ${action} ${resource}: ${authorization.reason}`);
    for (const note of authorization.notes) log(`lambda: note: ${note}`);
    return { allowed: false, context: denialContext(authorization, action) };
  };
}

/** SigV4 for the Lambda API, answered as Lambda answers (403, `x-amzn-ErrorType`, `{"message": ...}`). */
export async function authenticateLambdaRequest(request: InvokeApiRequest, principals: PrincipalStore, region: string, now: Date) {
  if (!request.headers.authorization && request.query['X-Amz-Signature'] === undefined) {
    return missingAuthenticationToken();
  }
  const result = await verifySigV4(
    { method: request.method, path: request.path, query: request.rawQuery, headers: request.headers, body: request.body },
    (accessKeyId) => principals.credentials(accessKeyId),
    { now, service: 'lambda', region },
  );
  if (!result.ok) return authenticationRefusal(result.errorType, result.message);
  const principal = principals.principal(result.accessKeyId);
  return principal ? { ok: true as const, principal: principal.principalArn } : unrecognizedClient();
}
