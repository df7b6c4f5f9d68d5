/**
 * The part every caller handler shares: validate the event, run the operation within the invocation's remaining
 * time, answer with a status code, and log exactly one structured line.
 */
import type { Context } from 'aws-lambda';
import type { AuthMode } from '../shared/auth-mode';
import { GraphqlClientError } from '../shared/graphql-errors';
import type { CallerSettings } from '../shared/settings';
import type { EventParse } from './events';
import { type CallerResponse, errorMessageForLog, errorName, failureResponse, InvalidEventError, successResponse } from './responses';
import type { CallerRuntime, RuntimeProvider } from './runtime';

/** Left for answering and logging after the last attempt, so Lambda never kills the invocation mid-answer. */
export const DEADLINE_MARGIN_MS = 1_000;

export interface OperationResult {
  readonly data: unknown;
  readonly attempts: number;
}

export interface CallerOperation<TInput> {
  /** The GraphQL operation name, used in messages and the log line. */
  readonly name: string;
  parseEvent(event: unknown): EventParse<TInput>;
  run(runtime: CallerRuntime, input: TInput, deadline: number): Promise<OperationResult>;
}

export type CallerHandler = (event: unknown, context: Context) => Promise<CallerResponse>;

export interface InvocationLogLine {
  readonly level: 'INFO' | 'WARN' | 'ERROR';
  readonly message: 'graphql caller invocation';
  readonly operation: string;
  readonly authMode: AuthMode | 'unknown';
  readonly apiName: string | undefined;
  readonly statusCode: number;
  readonly attempts: number;
  readonly durationMs: number;
  readonly requestId: string;
  readonly errorName?: string;
  readonly error?: string;
}

interface InvocationOutcome {
  readonly response: CallerResponse;
  readonly attempts: number;
  readonly settings: CallerSettings | undefined;
  readonly error?: unknown;
}

export function createCallerHandler<TInput>(operation: CallerOperation<TInput>, getRuntime: RuntimeProvider): CallerHandler {
  return async (event, context) => {
    const startedAt = Date.now();
    const deadline = startedAt + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS;
    const outcome = await invoke(operation, getRuntime, event, deadline);
    console.log(JSON.stringify(logLine(operation.name, outcome, Date.now() - startedAt, context.awsRequestId)));
    return outcome.response;
  };
}

async function invoke<TInput>(operation: CallerOperation<TInput>, getRuntime: RuntimeProvider, event: unknown, deadline: number): Promise<InvocationOutcome> {
  let runtime: CallerRuntime;
  try {
    runtime = getRuntime();
  } catch (error) {
    return { response: failureResponse(error, undefined), attempts: 0, settings: undefined, error };
  }
  const parsed = operation.parseEvent(event);
  if (!parsed.ok) {
    const error = new InvalidEventError(operation.name, parsed.problems);
    return { response: failureResponse(error, runtime.settings), attempts: 0, settings: runtime.settings, error };
  }
  try {
    const { data, attempts } = await operation.run(runtime, parsed.value, deadline);
    return { response: successResponse(data), attempts, settings: runtime.settings };
  } catch (error) {
    const attempts = error instanceof GraphqlClientError ? error.attempts : 0;
    return { response: failureResponse(error, runtime.settings), attempts, settings: runtime.settings, error };
  }
}

function logLine(operationName: string, outcome: InvocationOutcome, durationMs: number, requestId: string): InvocationLogLine {
  const { response, settings, error } = outcome;
  return {
    level: response.statusCode >= 500 ? 'ERROR' : response.statusCode >= 400 ? 'WARN' : 'INFO',
    message: 'graphql caller invocation',
    operation: operationName,
    authMode: settings?.auth.mode ?? 'unknown',
    apiName: settings?.apiName,
    statusCode: response.statusCode,
    attempts: outcome.attempts,
    durationMs,
    requestId,
    ...(error === undefined ? {} : { errorName: errorName(error), error: errorMessageForLog(error, settings) }),
  };
}
