/**
 * Every answer the local DynamoDB endpoint gives instead of serving a request, in one catalogue: HTTP status,
 * `__type` (namespace + `#` + error name) and message, as DynamoDB words them. The endpoint (auth.ts) throws or returns
 * these; `render()` gives the response. Code that must tell them apart branches on the class, never on the message.
 *
 * Sources:
 * - DynamoDB answers every authentication and authorisation failure with HTTP 400 and a JSON 1.0 body in the
 *   `com.amazon.coral.service` namespace ("Error handling with DynamoDB", DynamoDB Developer Guide, lists them under
 *   "HTTP status code 400"); recorded responses: `MissingAuthenticationTokenException` with `"message":"Request is
 *   missing Authentication Token"` (dynalite's test suite, test/connection.js, recorded against DynamoDB),
 *   `InvalidSignatureException` with the canonical request in its message (boto/boto#1552),
 *   `UnrecognizedClientException` "The security token included in the request is invalid." (Java SDK messages in
 *   yegor256/s3auth#237, jcabi/jcabi-dynamo#101; body in baopham/laravel-dynamodb#228).
 * - AccessDeniedException carries `Message` with a capital M (aws/aws-sdk-php#1292:
 *   `{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"User: ... is not authorized to perform:
 *   dynamodb:UpdateItem on resource: ..."}`); the "because no identity-based policy allows the <action> action" and
 *   "with an explicit deny in an identity-based policy" endings are IAM's ("Troubleshoot access denied error
 *   messages", IAM User Guide; seen for DynamoDB in anomalyco/sst#4469, AntonShuvaev/intellij-dynamodb#29).
 * - UnknownOperationException and SerializationException, and the XML 404 for a request that is not a DynamoDB call,
 *   as dynalite answers them (its test/connection.js, recorded against DynamoDB).
 * - ValidationException lives in `com.amazon.coral.validate` (dynalite's index.js, recorded).
 */

/** The namespaces of `__type`. */
export enum DynamoDbErrorNamespace {
  /** The front end shared by AWS JSON services: authentication, authorisation, routing, serialisation. */
  Coral = 'com.amazon.coral.service',
  Validate = 'com.amazon.coral.validate',
  /** DynamoDB's own errors (ResourceNotFoundException, ...). */
  DynamoDb = 'com.amazonaws.dynamodb.v20120810',
}

/** The two spellings of the message member DynamoDB uses (most errors `message`, a few `Message`). */
type MessageMember = 'message' | 'Message';

export interface DynamoDbAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Content types DynamoDB accepts; the answer is in the request's (dynalite, index.js, does the same). */
export const JSON_CONTENT_TYPES = ['application/x-amz-json-1.0', 'application/json'] as const;
export const DEFAULT_CONTENT_TYPE = JSON_CONTENT_TYPES[0];

/** The base of every refusal of the local DynamoDB endpoint: a JSON 1.0 error body. */
export class DynamoDbServiceError extends Error {
  private readonly hasMessage: boolean;

  constructor(
    readonly statusCode: number,
    readonly namespace: DynamoDbErrorNamespace,
    readonly errorType: string,
    message: string | undefined,
    readonly messageMember: MessageMember = 'message',
    options?: ErrorOptions,
  ) {
    super(message ?? errorType, options);
    this.name = errorType;
    this.hasMessage = message !== undefined;
  }

  /** `com.amazon.coral.service#UnrecognizedClientException`. */
  get type(): string {
    return `${this.namespace}#${this.errorType}`;
  }

  render(contentType: string = DEFAULT_CONTENT_TYPE): DynamoDbAnswer {
    const body: Record<string, string> = { __type: this.type };
    if (this.hasMessage) body[this.messageMember] = this.message;
    return { status: this.statusCode, headers: { 'content-type': contentType }, body: JSON.stringify(body) };
  }
}

// --- before authentication: is this a DynamoDB call at all ------------------------------------------------------

/**
 * Not a POST, or a body of another content type: DynamoDB answers with a bare XML 404 (dynalite's test/connection.js,
 * "should return 404 if a GET/PUT/DELETE", "if body but incorrect content-type").
 */
export class NotADynamoDbCallError extends DynamoDbServiceError {
  constructor() {
    super(404, DynamoDbErrorNamespace.Coral, 'UnknownOperationException', undefined);
    this.name = 'NotADynamoDbCallError';
  }

  override render(): DynamoDbAnswer {
    return { status: 404, headers: { 'content-type': 'text/xml' }, body: '<UnknownOperationException/>\n' };
  }
}

/** A body over DynamoDB's 16 MiB request limit: 413 with an empty body (as dynalite answers it). */
export class RequestTooLargeError extends DynamoDbServiceError {
  constructor(readonly maxBytes: number) {
    super(413, DynamoDbErrorNamespace.Coral, 'RequestEntityTooLarge', `Request bodies are limited to ${maxBytes} bytes.`);
    this.name = 'RequestTooLargeError';
  }

  override render(): DynamoDbAnswer {
    return { status: 413, headers: {}, body: '' };
  }
}

/** A body that is not JSON, or JSON of the wrong shape for a member (dynalite's wording for the latter). */
export class SerializationError extends DynamoDbServiceError {
  constructor(message?: string) {
    super(400, DynamoDbErrorNamespace.Coral, 'SerializationException', message, 'Message');
    this.name = 'SerializationError';
  }
}

/** X-Amz-Target missing, or not an operation this endpoint serves. */
export class UnknownOperationError extends DynamoDbServiceError {
  constructor() {
    super(400, DynamoDbErrorNamespace.Coral, 'UnknownOperationException', undefined);
    this.name = 'UnknownOperationError';
  }
}

// --- authentication ------------------------------------------------------------------------------------------------

export const MISSING_AUTHENTICATION_TOKEN_MESSAGE = 'Request is missing Authentication Token';
export const INVALID_SECURITY_TOKEN_MESSAGE = 'The security token included in the request is invalid.';
export const BOTH_SIGNATURE_FORMS_MESSAGE = "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.";

/** Neither an Authorization header (of an AWS4 scheme) nor a presigned query. */
export class MissingAuthenticationTokenError extends DynamoDbServiceError {
  constructor() {
    super(400, DynamoDbErrorNamespace.Coral, 'MissingAuthenticationTokenException', MISSING_AUTHENTICATION_TOKEN_MESSAGE);
    this.name = 'MissingAuthenticationTokenError';
  }
}

/** A signature that lacks a part (Credential, SignedHeaders, a date...). The message is the verifier's, in AWS's words. */
export class IncompleteSignatureError extends DynamoDbServiceError {
  constructor(message: string) {
    super(400, DynamoDbErrorNamespace.Coral, 'IncompleteSignatureException', message);
    this.name = 'IncompleteSignatureError';
  }
}

/** A signature that does not match, is expired, or is scoped to another region or service. */
export class InvalidSignatureError extends DynamoDbServiceError {
  constructor(message: string) {
    super(400, DynamoDbErrorNamespace.Coral, 'InvalidSignatureException', message);
    this.name = 'InvalidSignatureError';
  }
}

/** An access key no principal of the deployment holds, or a missing or wrong session token. */
export class UnrecognizedClientError extends DynamoDbServiceError {
  constructor() {
    super(400, DynamoDbErrorNamespace.Coral, 'UnrecognizedClientException', INVALID_SECURITY_TOKEN_MESSAGE);
    this.name = 'UnrecognizedClientError';
  }
}

// --- authorisation -------------------------------------------------------------------------------------------------

/** Why IAM refused, as the end of the AccessDeniedException message words it. */
export enum AccessDeniedReason {
  NoAllow = 'no-allow',
  ExplicitDeny = 'explicit-deny',
  /** The local cloud's own: a table whose ResourcePolicy it does not evaluate (emulation-gaps.ts). */
  ResourcePolicyNotEvaluated = 'resource-policy-not-evaluated',
}

const ACCESS_DENIED_ENDINGS: Readonly<Record<AccessDeniedReason, (action: string) => string>> = {
  [AccessDeniedReason.NoAllow]: (action) => `because no identity-based policy allows the ${action} action`,
  [AccessDeniedReason.ExplicitDeny]: () => 'with an explicit deny in an identity-based policy',
  [AccessDeniedReason.ResourcePolicyNotEvaluated]: () =>
    "because the local cloud does not evaluate the table's resource-based policy (ResourcePolicy): only the admin profile may use this table locally",
};

/** Authenticated, but the principal may not perform the action on the resource. */
export class AccessDeniedError extends DynamoDbServiceError {
  constructor(
    readonly principalArn: string,
    readonly action: string,
    readonly resource: string,
    readonly reason: AccessDeniedReason,
  ) {
    const why = ACCESS_DENIED_ENDINGS[reason](action);
    super(
      400,
      DynamoDbErrorNamespace.Coral,
      'AccessDeniedException',
      `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`,
      'Message',
    );
    this.name = 'AccessDeniedError';
  }
}

// --- the request's members ----------------------------------------------------------------------------------------

/** A required member missing, in DynamoDB's validation wording (`Value null at 'tableName' ...`). */
export class ValidationError extends DynamoDbServiceError {
  constructor(message: string) {
    super(400, DynamoDbErrorNamespace.Validate, 'ValidationException', message);
    this.name = 'ValidationError';
  }

  static missing(memberPath: string): ValidationError {
    return new ValidationError(`1 validation error detected: Value null at '${memberPath}' failed to satisfy constraint: Member must not be null`);
  }
}

/** Where DynamoDB puts its nesting-limit message, which depends on the member that holds the value (nesting.ts). */
export enum NestingMessageForm {
  /** The message alone. */
  Bare = 'bare',
  /** Inside the validation envelope: `1 validation error detected: <message>`. */
  Enveloped = 'enveloped',
  /**
   * After the words of an invalid ExclusiveStartKey. That the message follows words there is recorded (nesting.ts);
   * the words are those DynamoDB puts before the other faults of a starting key's values (dynalite's
   * validations/scan.js, recorded from the service), *unconfirmed* for this fault.
   */
  StartingKey = 'starting-key',
}

/** DynamoDB's words for a value nested deeper than 32 levels (recorded; sources in nesting.ts). */
export const NESTING_LIMIT_MESSAGE = 'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';

const NESTING_MESSAGES: Readonly<Record<NestingMessageForm, string>> = {
  [NestingMessageForm.Bare]: NESTING_LIMIT_MESSAGE,
  [NestingMessageForm.Enveloped]: `1 validation error detected: ${NESTING_LIMIT_MESSAGE}`,
  [NestingMessageForm.StartingKey]: `The provided starting key is invalid: ${NESTING_LIMIT_MESSAGE}`,
};

/** An attribute value nested deeper than DynamoDB allows. */
export class NestingLimitError extends ValidationError {
  constructor(form: NestingMessageForm) {
    super(NESTING_MESSAGES[form]);
    this.name = 'NestingLimitError';
  }
}

// --- the service ---------------------------------------------------------------------------------------------------

/**
 * The endpoint listens before the deployment's principals exist (local-cloud.ts starts the store first): until
 * `authorizeWith` has run, every call is refused with 503, which the AWS SDKs retry. DynamoDB's docs list
 * ServiceUnavailable (HTTP 503) among its 5xx errors; its `__type` namespace is *unconfirmed*, the message is local.
 */
export class ServiceUnavailableError extends DynamoDbServiceError {
  constructor() {
    super(
      503,
      DynamoDbErrorNamespace.DynamoDb,
      'ServiceUnavailable',
      'The local DynamoDB endpoint is starting: it serves requests once the deployment it authorizes against is loaded. Try again in a moment.',
    );
    this.name = 'ServiceUnavailableError';
  }
}

/** A failure of the endpoint itself (logged; the caller sees only this). */
export class InternalServerError extends DynamoDbServiceError {
  constructor() {
    super(500, DynamoDbErrorNamespace.DynamoDb, 'InternalServerError', 'The local DynamoDB endpoint failed to process the request.');
    this.name = 'InternalServerError';
  }
}
