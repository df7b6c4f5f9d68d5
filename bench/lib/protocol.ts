/** What the benchmark's child processes tell the runner (over the IPC channel) and what the runner asks of them. */

export interface CallerFunctionInfo {
  /** Logical id prefix of the caller in the template, e.g. `listTodosIam`. */
  readonly caller: string;
  readonly name: string;
  readonly codeDir: string;
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  readonly environment: Record<string, string>;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface CloudReady {
  readonly type: 'ready';
  readonly graphqlUrl: string;
  readonly apiKey: string;
  readonly region: string;
  readonly callers: CallerFunctionInfo[];
  readonly maxWorkersPerFunction: number;
  /** Thread ids of the cloud host before the local cloud started (empty without /proc): see splitServerCpu. */
  readonly threadsBeforeCloud: readonly number[];
}

export interface LoadSettings {
  readonly url: string;
  readonly auth:
    | { readonly mode: 'API_KEY'; readonly apiKey: string }
    | {
        readonly mode: 'AWS_IAM';
        readonly region: string;
        /** Credentials used for listTodos and for createTodo (each role is allowed exactly its own field). */
        readonly list: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
        readonly create: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
      };
  readonly concurrency: number;
  /** What is sent: half listTodos(limit: 20) and half createTodo (the default), or only one operation. */
  readonly operations?: LoadOperations;
  readonly durationMs: number;
  readonly warmupMs: number;
  /** Hard cap on the requests sent (warm-up included): the loop is bounded in count as well as in time. */
  readonly maxRequests: number;
  /**
   * How long a request may go without an answer before it counts as an error. Default 10 s; longer for a server
   * known to take seconds per request under this load (the peer as amplify mock runs it), so that its slowness shows
   * in its latency and throughput rather than as errors.
   */
  readonly requestTimeoutMs?: number;
  /** Prefix of the names of created Todos, so runs can be told apart. */
  readonly label: string;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  /** First few distinct error descriptions, for the report. */
  readonly errorSamples: string[];
  readonly elapsedMs: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** The operations a load sends: `mixed` alternates listTodos and createTodo. */
export type LoadOperations = 'mixed' | 'list' | 'create' | 'typename';
