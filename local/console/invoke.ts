/**
 * The Test tab's Invoke: the function run as the Lambda console runs it (RequestResponse, `LogType: Tail`), and the
 * result as the console shows it: succeeded or failed, the response, the summary (request id, duration, billed
 * duration, memory, init duration) read from the invocation's REPORT line, and the log tail.
 *
 * It invokes in process, as the admin would through the Invoke API: the runtime's own checks (payload size, JSON)
 * still apply, and their refusals come back as the Invoke API would answer them (status, error type, message).
 */
import { LambdaServiceError } from '../lambda/errors';
import type { InvokeOptions, InvokeResult } from '../lambda/types';

export type Invoke = (functionName: string, payload: Buffer, options: InvokeOptions) => Promise<InvokeResult>;

/** The outcome in the Lambda console's words. */
export enum ExecutionStatus {
  Succeeded = 'Succeeded',
  Failed = 'Failed',
  /** Lambda refused the invocation before running the function (e.g. a payload that is not JSON). */
  Refused = 'Refused',
}

export interface ExecutionSummary {
  readonly durationMs?: number;
  readonly billedDurationMs?: number;
  readonly memorySizeMb?: number;
  readonly maxMemoryUsedMb?: number;
  readonly initDurationMs?: number;
}

export interface ExecutionResult {
  readonly status: ExecutionStatus;
  /** Lambda's HTTP status for the Invoke call. */
  readonly statusCode: number;
  readonly requestId?: string;
  /** `Unhandled` when the function threw, timed out or crashed. */
  readonly functionError?: string;
  /** The response payload as text (JSON), or Lambda's error message for a refusal. */
  readonly response: string;
  /** The error type of a refusal (`x-amzn-ErrorType`). */
  readonly errorType?: string;
  readonly summary: ExecutionSummary;
  /** The last 4 KB of the invocation's log, decoded. */
  readonly logTail: string;
  /** Wall-clock time of the whole call, as this process saw it. */
  readonly clientDurationMs: number;
}

export async function invokeForTest(invoke: Invoke, functionName: string, eventText: string): Promise<ExecutionResult> {
  const started = performance.now();
  let result: InvokeResult;
  try {
    result = await invoke(functionName, Buffer.from(eventText, 'utf8'), { logType: 'Tail' });
  } catch (error) {
    if (!(error instanceof LambdaServiceError)) throw error;
    return {
      status: ExecutionStatus.Refused,
      statusCode: error.statusCode,
      errorType: error.errorType,
      response: error.message,
      summary: {},
      logTail: '',
      clientDurationMs: elapsed(started),
    };
  }
  const logTail = result.logResult ? Buffer.from(result.logResult, 'base64').toString('utf8') : '';
  return {
    status: result.functionError ? ExecutionStatus.Failed : ExecutionStatus.Succeeded,
    statusCode: result.statusCode,
    requestId: result.requestId,
    ...(result.functionError ? { functionError: result.functionError } : {}),
    response: result.payload.toString('utf8'),
    summary: reportSummary(logTail, result.requestId),
    logTail,
    clientDurationMs: elapsed(started),
  };
}

/** The figures of the invocation's REPORT line (log-format.ts writes it as Lambda does, tab separated). */
export function reportSummary(log: string, requestId: string): ExecutionSummary {
  const line = log.split('\n').find((candidate) => candidate.startsWith(`REPORT RequestId: ${requestId}`));
  if (!line) return {};
  const figure = (label: string) => {
    const match = new RegExp(`${label}: ([0-9.]+) (?:ms|MB)`).exec(line);
    return match ? Number(match[1]) : undefined;
  };
  const summary: Record<string, number> = {};
  const entries: Array<[keyof ExecutionSummary, string]> = [
    ['durationMs', '\\tDuration'],
    ['billedDurationMs', 'Billed Duration'],
    ['memorySizeMb', 'Memory Size'],
    ['maxMemoryUsedMb', 'Max Memory Used'],
    ['initDurationMs', 'Init Duration'],
  ];
  for (const [key, label] of entries) {
    const value = figure(label);
    if (value !== undefined) summary[key] = value;
  }
  return summary;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
