import { UnknownFieldError, ValidationError } from './errors';

/**
 * Routes AppSync direct Lambda resolver events to one small function per field, registered by type and field name
 * (the shape of Powertools for AWS Lambda's AppSync GraphQL router, without its error-to-value conversion: a thrown
 * error must reach AppSync as the field's GraphQL error).
 */

/** The part of the Lambda context that bounds how long a field may work. */
export interface InvocationDeadline {
  getRemainingTimeInMillis(): number;
}

export type FieldResolver = (fieldArguments: unknown, invocation?: InvocationDeadline) => Promise<unknown>;

export class FieldRouter {
  private readonly resolvers = new Map<string, FieldResolver>();

  onQuery(fieldName: string, resolver: FieldResolver): this {
    return this.on('Query', fieldName, resolver);
  }

  onMutation(fieldName: string, resolver: FieldResolver): this {
    return this.on('Mutation', fieldName, resolver);
  }

  on(typeName: string, fieldName: string, resolver: FieldResolver): this {
    const coordinate = `${typeName}.${fieldName}`;
    if (this.resolvers.has(coordinate)) throw new Error(`${coordinate} is registered twice`);
    this.resolvers.set(coordinate, resolver);
    return this;
  }

  /** `Query.getTodo`, ... in registration order. */
  get servedFields(): string[] {
    return [...this.resolvers.keys()];
  }

  /** Serves one AppSync direct Lambda resolver event. */
  async resolve(event: unknown, invocation?: InvocationDeadline): Promise<unknown> {
    const { parentTypeName, fieldName, fieldArguments } = readResolverEvent(event);
    const resolver = this.resolvers.get(`${parentTypeName}.${fieldName}`);
    if (resolver === undefined) throw new UnknownFieldError(parentTypeName, fieldName, this.servedFields);
    return resolver(fieldArguments, invocation);
  }
}

interface ResolverFieldEvent {
  parentTypeName: string;
  fieldName: string;
  fieldArguments: unknown;
}

function readResolverEvent(event: unknown): ResolverFieldEvent {
  if (Array.isArray(event)) {
    throw new ValidationError('got a batch of events; this resolver serves root fields only and must be attached without batching (maxBatchSize 0)');
  }
  const info = isRecord(event) && isRecord(event.info) ? event.info : undefined;
  if (!isRecord(event) || info === undefined || typeof info.parentTypeName !== 'string' || typeof info.fieldName !== 'string') {
    throw new ValidationError('expected an AppSync direct Lambda resolver event with info.parentTypeName and info.fieldName');
  }
  return { parentTypeName: info.parentTypeName, fieldName: info.fieldName, fieldArguments: event.arguments };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
