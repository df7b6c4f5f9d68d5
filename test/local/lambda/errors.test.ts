/**
 * The error catalogue: every refusal of the local Lambda service, with the status, x-amzn-ErrorType and message it
 * answers, and one class each, so that callers branch on the class.
 */
import {
  AccessDeniedError,
  authenticationRefusal,
  EnumValidationError,
  FunctionNotFoundError,
  InternalServiceError,
  InvalidClientContextError,
  InvalidFunctionNameError,
  InvalidPathEncodingError,
  InvalidPayloadError,
  LambdaServiceError,
  missingAuthenticationToken,
  QualifierMismatchError,
  RepeatedQualifierError,
  RequestTooLargeError,
  ServiceShuttingDownError,
  UnknownOperationError,
  unrecognizedClient,
  WorkerStartError,
} from '../../../local/lambda/errors';
import { invalidFunctionNameMessage } from '../../../local/lambda/function-name';

const ARN = 'arn:aws:lambda:eu-west-3:123456789012:function:fn';

test.each<[string, LambdaServiceError, number, string, string, 'User' | 'Service']>([
  [
    'UnknownOperationError',
    new UnknownOperationError('GET', '/2015-03-31/functions'),
    404,
    'UnknownOperationException',
    'Unknown operation GET /2015-03-31/functions. This local Lambda endpoint serves Invoke: POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=$LATEST], ' +
      'ListFunctions: GET /2015-03-31/functions/, GetFunction: GET /2015-03-31/functions/{FunctionName}, ' +
      'GetFunctionConfiguration: GET /2015-03-31/functions/{FunctionName}/configuration',
    'User',
  ],
  [
    'InvalidPathEncodingError',
    new InvalidPathEncodingError('%E0%A4%A'),
    400,
    'ValidationException',
    'The function name in the path is not validly URL-encoded: %E0%A4%A',
    'User',
  ],
  ['RepeatedQualifierError', new RepeatedQualifierError(), 400, 'ValidationException', 'Qualifier may be given only once.', 'User'],
  ['InvalidFunctionNameError', new InvalidFunctionNameError('a b'), 400, 'ValidationException', invalidFunctionNameMessage('a b'), 'User'],
  [
    'QualifierMismatchError',
    new QualifierMismatchError(),
    400,
    'InvalidParameterValueException',
    'The derived qualifier from the function name does not match the specified qualifier.',
    'User',
  ],
  ['FunctionNotFoundError', new FunctionNotFoundError(`${ARN}:v2`), 404, 'ResourceNotFoundException', `Function not found: ${ARN}:v2`, 'User'],
  [
    'EnumValidationError',
    new EnumValidationError('Sometimes', 'invocationType', ['Event', 'RequestResponse', 'DryRun']),
    400,
    'ValidationException',
    "1 validation error detected: Value 'Sometimes' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
    'User',
  ],
  [
    'RequestTooLargeError (RequestResponse)',
    new RequestTooLargeError('RequestResponse', 7_000_000),
    413,
    'RequestEntityTooLargeException',
    'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    'User',
  ],
  [
    'RequestTooLargeError (Event)',
    new RequestTooLargeError('Event', 2_000_000),
    413,
    'RequestEntityTooLargeException',
    '2000000 byte payload is too large for the Event invocation type (limit 1048576 bytes)',
    'User',
  ],
  [
    'InvalidPayloadError',
    new InvalidPayloadError('Unexpected token'),
    400,
    'InvalidRequestContentException',
    'Could not parse request body into json: Could not parse payload into json: Unexpected token',
    'User',
  ],
  [
    'InvalidClientContextError',
    new InvalidClientContextError(),
    400,
    'InvalidRequestContentException',
    'Client context must be a valid Base64-encoded JSON object.',
    'User',
  ],
  [
    'AccessDeniedError',
    new AccessDeniedError('arn:aws:iam::123456789012:role/r', 'lambda:InvokeFunction', ARN),
    403,
    'AccessDeniedException',
    `User: arn:aws:iam::123456789012:role/r is not authorized to perform: lambda:InvokeFunction on resource: ${ARN} because no identity-based policy allows the lambda:InvokeFunction action`,
    'User',
  ],
  ['ServiceShuttingDownError', new ServiceShuttingDownError(), 503, 'ServiceException', 'The local Lambda runtime is shutting down.', 'Service'],
  [
    'WorkerStartError',
    new WorkerStartError('fn', 'spawn ENOENT'),
    500,
    'ServiceException',
    'The local Lambda runtime could not start fn: spawn ENOENT',
    'Service',
  ],
  ['InternalServiceError', new InternalServiceError(), 500, 'ServiceException', 'The local Lambda service failed to process the request.', 'Service'],
])('%s: %p', (_name, error, statusCode, errorType, message, faultType) => {
  expect(error).toBeInstanceOf(LambdaServiceError);
  expect(error).toBeInstanceOf(Error);
  expect(error).toMatchObject({ statusCode, errorType, message, faultType, name: errorType });
});

test('each refusal is its own class: a caller tells them apart without reading the message', () => {
  expect(new FunctionNotFoundError(ARN)).not.toBeInstanceOf(InvalidFunctionNameError);
  expect(new ServiceShuttingDownError()).not.toBeInstanceOf(WorkerStartError);
  expect(new RepeatedQualifierError()).not.toBeInstanceOf(InvalidPathEncodingError);
});

test("authentication refusals have Lambda's other body shape: 403, x-amzn-ErrorType, {message}", () => {
  expect(missingAuthenticationToken()).toEqual({
    ok: false,
    status: 403,
    headers: { 'x-amzn-ErrorType': 'MissingAuthenticationTokenException', 'content-type': 'application/json' },
    body: '{"message":"Missing Authentication Token"}',
  });
  expect(unrecognizedClient()).toEqual({
    ok: false,
    status: 403,
    headers: { 'x-amzn-ErrorType': 'UnrecognizedClientException', 'content-type': 'application/json' },
    body: '{"message":"The security token included in the request is invalid."}',
  });
  expect(authenticationRefusal('InvalidSignatureException', 'The request signature we calculated does not match')).toMatchObject({
    status: 403,
    headers: { 'x-amzn-ErrorType': 'InvalidSignatureException' },
    body: '{"message":"The request signature we calculated does not match"}',
  });
});
