/**
 * Errors the resolver throws on purpose.
 *
 * AppSync drops a Lambda's errorType and shows clients only the message (as
 * `errorType: "Lambda:Unhandled"`), so every message starts with the error's
 * name: `ValidationException: ...`. The `name` is still set so the Lambda's own
 * logs and Invoke responses carry the type too.
 */

abstract class NamedResolverError extends Error {
  protected constructor(name: string, detail: string, options?: ErrorOptions) {
    super(`${name}: ${detail}`, options);
    this.name = name;
  }
}

/** Arguments or the event itself are malformed; the client (or the caller of Invoke) can fix it. */
export class ValidationError extends NamedResolverError {
  constructor(detail: string, options?: ErrorOptions) {
    super('ValidationException', detail, options);
  }
}

/** The event names a type or field this resolver was never meant to serve: a wiring mistake. */
export class UnknownFieldError extends NamedResolverError {
  constructor(
    readonly parentTypeName: string,
    readonly fieldName: string,
    servedFields: readonly string[],
  ) {
    super('UnknownFieldException', `this resolver does not serve ${parentTypeName}.${fieldName}; it serves ${servedFields.join(', ')}`);
  }
}

export class InvalidNextTokenError extends NamedResolverError {
  /** `listField` is the field whose responses carry the token (`listTodos`). */
  constructor(detail: string, listField: string) {
    super('InvalidNextTokenException', `${detail}; pass the nextToken from a previous ${listField} response unchanged, or null for the first page`);
  }
}

/**
 * Why a conditional write failed. DynamoDB itself only says "The conditional
 * request failed", which cannot tell a missing item from a false condition.
 */
export type ConditionFailureReason = `${string}Missing` | `${string}AlreadyExists` | 'ConditionNotMet';

export class ConditionalCheckFailedError extends NamedResolverError {
  constructor(
    readonly reason: ConditionFailureReason,
    /** The key of the item the mutation was for. */
    readonly itemKey: string,
    explanation: string,
    options?: ErrorOptions,
  ) {
    // Keeps DynamoDB's own wording first so clients matching on it keep working.
    super('ConditionalCheckFailedException', `The conditional request failed: ${explanation}`, options);
  }
}

/** Missing or unusable environment: fails the cold start instead of every request differently. */
export class ConfigurationError extends NamedResolverError {
  constructor(detail: string) {
    super('ConfigurationException', detail);
  }
}

/**
 * A DynamoDB (or network) error the client could not have caused. It keeps the
 * original error's name, because that name is what an operator searches for.
 */
export class DynamoDbRequestError extends Error {
  constructor(cause: Error) {
    super(`${cause.name}: ${cause.message}`, { cause });
    this.name = cause.name;
  }
}

/** DynamoDB answered in a way its contract rules out; a bug here or in the store, never the client's doing. */
export class UnexpectedDynamoDbResponseError extends NamedResolverError {
  constructor(detail: string) {
    super('UnexpectedDynamoDbResponseException', detail);
  }
}
