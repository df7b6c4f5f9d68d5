/**
 * Shapes and limits shared by the local Lambda runtime, its Invoke API and its CLI. (Its refusals: errors.ts.)
 */

/** One function of the synthesized app, as the CloudFormation reader resolves it. */
export interface LocalFunctionDefinition {
  /** Physical function name. */
  name: string;
  /** arn:aws:lambda:REGION:ACCOUNT:function:NAME */
  arn: string;
  /** Absolute path of the asset folder (cdk.out/asset.<hash>). */
  codeDir: string;
  /** e.g. "index.handler": file index.mjs, .cjs or .js, export handler. */
  handler: string;
  /** e.g. "nodejs22.x" */
  runtime: string;
  timeoutSeconds: number;
  memorySize: number;
  /** Already resolved. */
  environment: Record<string, string>;
  /** The execution role's local credentials. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** What the Lambda API shows of the function beyond the above (GetFunctionConfiguration), from its template. */
  configuration?: FunctionTemplateFacts;
}

/** A function's settings from its template that the local runtime does not act on, but the Lambda API shows. */
export interface FunctionTemplateFacts {
  readonly stackName?: string;
  readonly logicalId?: string;
  readonly roleArn?: string;
  readonly description?: string;
  /** `x86_64` or `arm64`. */
  readonly architectures?: readonly string[];
  /** `Active` or `PassThrough`. */
  readonly tracingMode?: string;
  readonly logFormat?: string;
  readonly logGroup?: string;
  readonly ephemeralStorageMb?: number;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The Lambda API actions the local Lambda service authorizes (IAM's names). */
export type LambdaAction = 'lambda:InvokeFunction' | 'lambda:ListFunctions' | 'lambda:GetFunction' | 'lambda:GetFunctionConfiguration';

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';
export type LogType = 'None' | 'Tail';

export interface InvokeOptions {
  /** @default 'RequestResponse' */
  invocationType?: InvocationType;
  /** @default 'None' */
  logType?: LogType;
  /** Base64-encoded JSON, as X-Amz-Client-Context carries it; becomes `context.clientContext`. */
  clientContext?: string;
  /** As the `Qualifier` query parameter: only `$LATEST` exists locally. */
  qualifier?: string;
}

export interface InvokeResult {
  /** 200 (RequestResponse), 202 (Event) or 204 (DryRun), as Lambda answers. */
  statusCode: number;
  /** The function's JSON result, or the error document when `functionError` is set; empty for Event and DryRun. */
  payload: Buffer;
  functionError?: 'Unhandled';
  /** Last 4 KB of the invocation's log, base64, when `logType` is `Tail` (RequestResponse only). */
  logResult?: string;
  executedVersion: '$LATEST';
  /** The invocation's request id (x-amzn-RequestId). */
  requestId: string;
}

/** 6 MB: the largest synchronous request payload (documented; the 413 message quotes this number). */
export const MAX_SYNC_REQUEST_BYTES = 6_291_456;

/**
 * The largest synchronous response payload. Lambda's own error message quotes 6291556 bytes (6 MB + 100 bytes), not
 * 6291456: "Response payload size (N bytes) exceeded maximum allowed payload size (6291556 bytes)." — seen in many
 * public error reports, so that number is used here.
 */
export const MAX_SYNC_RESPONSE_BYTES = 6_291_556;

/**
 * The largest Event (asynchronous) payload. AWS raised it from 256 KB to 1 MB in October 2025; older accounts of the
 * error quote 262144. Choice: 1 MB.
 */
export const MAX_EVENT_REQUEST_BYTES = 1_048_576;

/** The Tail log is the last 4 KB of the invocation's log. */
export const TAIL_LOG_BYTES = 4096;

/** Default number of warm workers per function; more concurrent calls wait in a queue. */
export const DEFAULT_MAX_WORKERS_PER_FUNCTION = 10;
