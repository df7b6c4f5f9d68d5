/**
 * Every error the local Lambda service answers instead of running a function, in one catalogue (as SAM CLI's
 * lambda_service/lambda_error_responses.py): HTTP status, `x-amzn-ErrorType` and message, as Lambda words them
 * where known. The runtime throws these; the Invoke API turns any LambdaServiceError into Lambda's error answer.
 * Code that must tell them apart branches on the class, never on the message.
 *
 * Whatever a function does (throws, times out, crashes) is not here: that is a 200 answer with
 * `X-Amz-Function-Error` and an error document (log-format.ts).
 */
import { invalidFunctionNameMessage } from './function-name';
import { type InvocationType, MAX_EVENT_REQUEST_BYTES, MAX_SYNC_REQUEST_BYTES } from './types';

/**
 * An invocation refused before the function ran: what Lambda answers with an HTTP error status, the error type in
 * `x-amzn-ErrorType` and `{"Type":"User","Message":...}` as the body.
 */
export class LambdaServiceError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }

  /** "User" for the caller's mistakes (4xx), "Service" otherwise, as Lambda's error bodies say. */
  get faultType(): 'User' | 'Service' {
    return this.statusCode < 500 ? 'User' : 'Service';
  }
}

// --- the request ---------------------------------------------------------------------------------------------------

/** A method and path that is none of the operations served (Invoke, ListFunctions, GetFunction, GetFunctionConfiguration). */
export class UnknownOperationError extends LambdaServiceError {
  constructor(method: string, rawPath: string) {
    super(
      404,
      'UnknownOperationException',
      `Unknown operation ${method} ${rawPath}. This local Lambda endpoint serves Invoke: POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=$LATEST], ` +
        'ListFunctions: GET /2015-03-31/functions/, GetFunction: GET /2015-03-31/functions/{FunctionName}, ' +
        'GetFunctionConfiguration: GET /2015-03-31/functions/{FunctionName}/configuration',
    );
  }
}

/** ListFunctions' MaxItems outside 1–10000 (or not a number), in AWS's validation wording. */
export class InvalidMaxItemsError extends LambdaServiceError {
  constructor(value: string) {
    super(
      400,
      'ValidationException',
      `1 validation error detected: Value '${value}' at 'maxItems' failed to satisfy constraint: Member must have value ${Number(value) > 10000 ? 'less than or equal to 10000' : 'greater than or equal to 1'}`,
    );
  }
}

/** A ListFunctions Marker that this endpoint did not hand out. (Local wording.) */
export class InvalidMarkerError extends LambdaServiceError {
  constructor() {
    super(400, 'InvalidParameterValueException', 'Invalid Marker: give the NextMarker of the previous ListFunctions answer, or no Marker.');
  }
}

/** The function name in the path does not URI-decode. (Local wording.) */
export class InvalidPathEncodingError extends LambdaServiceError {
  constructor(rawName: string) {
    super(400, 'ValidationException', `The function name in the path is not validly URL-encoded: ${rawName}`);
  }
}

/** `?Qualifier=a&Qualifier=b`. (Local wording.) */
export class RepeatedQualifierError extends LambdaServiceError {
  constructor() {
    super(400, 'ValidationException', 'Qualifier may be given only once.');
  }
}

/** Not a function name, ARN or partial ARN. */
export class InvalidFunctionNameError extends LambdaServiceError {
  constructor(value: string) {
    super(400, 'ValidationException', invalidFunctionNameMessage(value));
  }
}

/** `my-fn:v1` with `Qualifier=v2`. */
export class QualifierMismatchError extends LambdaServiceError {
  constructor() {
    super(400, 'InvalidParameterValueException', 'The derived qualifier from the function name does not match the specified qualifier.');
  }
}

/** An unknown function, another account or region, or a qualifier other than `$LATEST`. */
export class FunctionNotFoundError extends LambdaServiceError {
  constructor(requestedArn: string) {
    super(404, 'ResourceNotFoundException', `Function not found: ${requestedArn}`);
  }
}

/** A header outside its value set (X-Amz-Invocation-Type, X-Amz-Log-Type), in AWS's validation wording. */
export class EnumValidationError extends LambdaServiceError {
  constructor(value: string, member: string, allowed: readonly string[]) {
    super(
      400,
      'ValidationException',
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
    );
  }
}

/** A payload over the limit of its invocation type (the Invoke API answers it before reading the rest). */
export class RequestTooLargeError extends LambdaServiceError {
  constructor(invocationType: InvocationType, size?: number) {
    super(
      413,
      'RequestEntityTooLargeException',
      invocationType === 'Event'
        ? `${size} byte payload is too large for the Event invocation type (limit ${MAX_EVENT_REQUEST_BYTES} bytes)`
        : `Request must be smaller than ${MAX_SYNC_REQUEST_BYTES} bytes for the InvokeFunction operation`,
    );
  }
}

/** The payload is not UTF-8 JSON. */
export class InvalidPayloadError extends LambdaServiceError {
  constructor(detail: string) {
    super(400, 'InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${detail}`);
  }
}

/** X-Amz-Client-Context is not base64 of a JSON object. (Local wording.) */
export class InvalidClientContextError extends LambdaServiceError {
  constructor() {
    super(400, 'InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
  }
}

/**
 * Authenticated, but the principal's policies do not allow lambda:InvokeFunction on the function. `context` ends the
 * message as IAM words it ("because no identity-based policy allows the … action", "with an explicit deny in a
 * resource-based policy", … https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
 */
export class AccessDeniedError extends LambdaServiceError {
  constructor(principal: string, action: string, resource: string, context = `because no identity-based policy allows the ${action} action`) {
    super(403, 'AccessDeniedException', `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} ${context}`);
  }
}

// --- the service ---------------------------------------------------------------------------------------------------

/** Calls made while (or after) the runtime closes, and calls still queued when it does. */
export class ServiceShuttingDownError extends LambdaServiceError {
  constructor() {
    super(503, 'ServiceException', 'The local Lambda runtime is shutting down.');
  }
}

/** A worker process could not be started (e.g. the compiled worker is missing). */
export class WorkerStartError extends LambdaServiceError {
  constructor(functionName: string, reason: string) {
    super(500, 'ServiceException', `The local Lambda runtime could not start ${functionName}: ${reason}`);
  }
}

/** A bug of the local service itself (logged with its stack; the caller sees only this). */
export class InternalServiceError extends LambdaServiceError {
  constructor() {
    super(500, 'ServiceException', 'The local Lambda service failed to process the request.');
  }
}

// --- authentication --------------------------------------------------------------------------------------------------

/**
 * A refusal of the request's signature, as Lambda answers it: 403, `x-amzn-ErrorType`, and a body of another shape
 * than the errors above (`{"message": ...}`, lower-case, no Type). The authenticator returns it (invoke-api.ts
 * AuthenticationResult); it is not thrown.
 */
export interface AuthenticationRefusal {
  ok: false;
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export function authenticationRefusal(errorType: string, message: string): AuthenticationRefusal {
  return { ok: false, status: 403, headers: { 'x-amzn-ErrorType': errorType, 'content-type': 'application/json' }, body: JSON.stringify({ message }) };
}

/** Neither an Authorization header nor a presigned query. */
export function missingAuthenticationToken(): AuthenticationRefusal {
  return authenticationRefusal('MissingAuthenticationTokenException', 'Missing Authentication Token');
}

/** A valid signature by keys that belong to no principal of the deployment. */
export function unrecognizedClient(): AuthenticationRefusal {
  return authenticationRefusal('UnrecognizedClientException', 'The security token included in the request is invalid.');
}
