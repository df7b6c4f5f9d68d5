/**
 * What every service of the local cloud (DynamoDB, Lambda, AppSync) gives the rest once started: where it is, what a
 * process needs in its environment to reach it instead of AWS, and how to stop it.
 */
export interface LocalService {
  /** The base URL clients reach it at, e.g. http://127.0.0.1:3001 (what `--endpoint-url` takes). */
  readonly endpoint: string;
  /**
   * Variables that point an AWS SDK at this service (`AWS_ENDPOINT_URL_<SERVICE>`); merged into every local
   * function's environment, so a function's SDK clients reach the local services, never AWS.
   */
  readonly environment: Readonly<Record<string, string>>;
  /** Stops serving and frees what it holds; safe to call twice. */
  close(): Promise<void>;
}
