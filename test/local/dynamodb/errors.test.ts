import {
  AccessDeniedError,
  AccessDeniedReason,
  DynamoDbServiceError,
  IncompleteSignatureError,
  InternalServerError,
  InvalidSignatureError,
  MissingAuthenticationTokenError,
  NotADynamoDbCallError,
  RequestTooLargeError,
  SerializationError,
  ServiceUnavailableError,
  UnknownOperationError,
  UnrecognizedClientError,
  ValidationError,
} from '../../../local/dynamodb/errors';

const ROLE = 'arn:aws:sts::000000000000:assumed-role/Callers-dev-listTodosRole-ABC/listTodos';
const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/Todo';

describe("the catalogue renders DynamoDB's answers", () => {
  test.each([
    [
      'MissingAuthenticationTokenException',
      new MissingAuthenticationTokenError(),
      400,
      { __type: 'com.amazon.coral.service#MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' },
    ],
    [
      'UnrecognizedClientException',
      new UnrecognizedClientError(),
      400,
      { __type: 'com.amazon.coral.service#UnrecognizedClientException', message: 'The security token included in the request is invalid.' },
    ],
    [
      'InvalidSignatureException',
      new InvalidSignatureError('Signature expired: x'),
      400,
      { __type: 'com.amazon.coral.service#InvalidSignatureException', message: 'Signature expired: x' },
    ],
    [
      'IncompleteSignatureException',
      new IncompleteSignatureError("Authorization header requires 'Credential' parameter."),
      400,
      { __type: 'com.amazon.coral.service#IncompleteSignatureException', message: "Authorization header requires 'Credential' parameter." },
    ],
    [
      'AccessDeniedException (nothing allows)',
      new AccessDeniedError(ROLE, 'dynamodb:PutItem', TABLE, AccessDeniedReason.NoAllow),
      400,
      {
        __type: 'com.amazon.coral.service#AccessDeniedException',
        Message: `User: ${ROLE} is not authorized to perform: dynamodb:PutItem on resource: ${TABLE} because no identity-based policy allows the dynamodb:PutItem action`,
      },
    ],
    [
      'AccessDeniedException (a Deny)',
      new AccessDeniedError(ROLE, 'dynamodb:DeleteItem', TABLE, AccessDeniedReason.ExplicitDeny),
      400,
      {
        __type: 'com.amazon.coral.service#AccessDeniedException',
        Message: `User: ${ROLE} is not authorized to perform: dynamodb:DeleteItem on resource: ${TABLE} with an explicit deny in an identity-based policy`,
      },
    ],
    ['UnknownOperationException', new UnknownOperationError(), 400, { __type: 'com.amazon.coral.service#UnknownOperationException' }],
    ['SerializationException (not JSON)', new SerializationError(), 400, { __type: 'com.amazon.coral.service#SerializationException' }],
    [
      'SerializationException (a member of the wrong type)',
      new SerializationError('NUMBER_VALUE cannot be converted to String'),
      400,
      { __type: 'com.amazon.coral.service#SerializationException', Message: 'NUMBER_VALUE cannot be converted to String' },
    ],
    [
      'ValidationException',
      ValidationError.missing('tableName'),
      400,
      {
        __type: 'com.amazon.coral.validate#ValidationException',
        message: "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
      },
    ],
    ['ServiceUnavailable', new ServiceUnavailableError(), 503, { __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable', message: expect.any(String) }],
    ['InternalServerError', new InternalServerError(), 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: expect.any(String) }],
  ])('%s', (_name, error, status, body) => {
    const answer = error.render();
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body)).toEqual(body);
    expect(answer.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(error).toBeInstanceOf(DynamoDbServiceError);
  });

  test("the body is in the request's content type", () => {
    expect(new UnrecognizedClientError().render('application/json').headers['content-type']).toBe('application/json');
  });

  test('a request that is not a DynamoDB call gets the bare XML 404', () => {
    expect(new NotADynamoDbCallError().render()).toEqual({ status: 404, headers: { 'content-type': 'text/xml' }, body: '<UnknownOperationException/>\n' });
  });

  test('a body over the limit gets an empty 413', () => {
    expect(new RequestTooLargeError(16).render()).toEqual({ status: 413, headers: {}, body: '' });
  });

  test('each error names its own class, so code branches on classes', () => {
    const names = [new MissingAuthenticationTokenError(), new UnrecognizedClientError(), new AccessDeniedError(ROLE, 'a', 'b', AccessDeniedReason.NoAllow)].map(
      (error) => error.name,
    );
    expect(new Set(names).size).toBe(names.length);
  });
});
