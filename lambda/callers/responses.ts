/**
 * What a caller answers, as pure functions of the outcome. The status codes follow who has to act: 400 the one who
 * sent the event (or the query), 502 whoever runs the API or configured this function's access to it, 504 nobody
 * in particular (try again later), 500 whoever deployed this function.
 */
import {
  ApiTimeoutError,
  ApiUnreachableError,
  CredentialsUnavailableError,
  GraphqlHttpError,
  GraphqlResponseError,
  UnexpectedResponseError,
} from '../shared/graphql-errors';
import { redactSecrets } from '../shared/redact';
import { type CallerSettings, SettingsError } from '../shared/settings';

export interface CallerResponse {
  readonly statusCode: number;
  /** JSON. */
  readonly body: string;
}

export interface ErrorBody {
  readonly errorType: string;
  readonly message: string;
}

export function successResponse(data: unknown): CallerResponse {
  return { statusCode: 200, body: JSON.stringify({ data }) };
}

/** The event does not have the shape the caller accepts; `problems` names each wrong field. */
export class InvalidEventError extends Error {
  constructor(
    readonly operationName: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid ${operationName} event: ${problems.join('; ')}`);
    this.name = 'InvalidEventError';
  }
}

/**
 * Maps any failure to a response. `settings` is undefined when the failure is the settings themselves; it supplies
 * the variable names a 401/403 answer should point at.
 */
export function failureResponse(error: unknown, settings: CallerSettings | undefined): CallerResponse {
  if (error instanceof InvalidEventError) {
    return errorResponse(400, { errorType: 'InvalidEvent', message: error.message });
  }
  if (error instanceof SettingsError) {
    return errorResponse(500, { errorType: error.name, message: error.message });
  }
  if (error instanceof GraphqlResponseError) {
    return {
      statusCode: 400,
      body: JSON.stringify({ errorType: 'GraphqlErrors', message: error.message, errors: error.errors, data: error.data ?? null }),
    };
  }
  if (error instanceof GraphqlHttpError) {
    const message = error.isAuthFailure && settings !== undefined ? `${error.message}. ${credentialsHint(settings)}` : error.message;
    return errorResponse(502, { errorType: error.isAuthFailure ? 'ApiRefusedCredentials' : 'ApiHttpError', message });
  }
  if (error instanceof ApiUnreachableError || error instanceof UnexpectedResponseError) {
    return errorResponse(502, { errorType: error.name, message: error.message });
  }
  if (error instanceof ApiTimeoutError) {
    return errorResponse(504, { errorType: error.name, message: error.message });
  }
  if (error instanceof CredentialsUnavailableError) {
    return errorResponse(500, { errorType: error.name, message: error.message });
  }
  // A bug of this function: the name says what broke; the message stays in the log line only.
  return errorResponse(500, { errorType: 'InternalError', message: `The caller failed unexpectedly (${errorName(error)})` });
}

function credentialsHint(settings: CallerSettings): string {
  if (settings.auth.mode === 'API_KEY') {
    return (
      `Check that ${settings.auth.apiKeyVariable} holds a current API key of this API ` +
      '(keys expire: CDK gives a key 7 days unless told otherwise; a new key needs a redeploy of this function).'
    );
  }
  return (
    "Check that the function's execution role is allowed appsync:GraphQL on the fields it calls, " +
    `that REGION (${settings.region ?? 'unset'}) is the API's region, and that ${settings.endpointVariable} is this API.`
  );
}

function errorResponse(statusCode: number, body: ErrorBody): CallerResponse {
  return { statusCode, body: JSON.stringify(body) };
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** The message for the log line: ours are built secret-free; anything else is redacted of what we know. */
export function errorMessageForLog(error: unknown, settings: CallerSettings | undefined): string | undefined {
  if (!(error instanceof Error)) {
    return undefined;
  }
  const apiKey = settings?.auth.mode === 'API_KEY' ? settings.auth.apiKey : undefined;
  return redactSecrets(error.message, [apiKey]);
}
