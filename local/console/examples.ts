/**
 * The saved examples of the GraphQL tab: the documents this project sends and generates, i.e. the callers'
 * hand-picked operations (lambda/shared/operations.ts) and Amplify codegen's documents (graphql/*.ts, `npm run
 * codegen`). Each API gets the ones that validate against its schema, each with variables to start from: every
 * required variable, with a placeholder of its type.
 */
import {
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  type OperationDefinitionNode,
  parse,
  typeFromAST,
  validate,
} from 'graphql';
import * as mutations from '../../graphql/mutations';
import * as queries from '../../graphql/queries';
import * as subscriptions from '../../graphql/subscriptions';
import * as callerOperations from '../../lambda/shared/operations';

export interface GraphqlExample {
  /** e.g. `ListTodos (callers)`, `listTodos (codegen)`. */
  readonly title: string;
  /** Where it comes from, e.g. `lambda/shared/operations.ts`. */
  readonly source: string;
  readonly operationType: 'query' | 'mutation' | 'subscription';
  readonly operationName: string;
  readonly query: string;
  /** JSON text. */
  readonly variables: string;
}

interface Document {
  readonly title: string;
  readonly source: string;
  readonly query: string;
}

/** Every document of the project, before validation. */
export function projectDocuments(): Document[] {
  const documents: Document[] = [];
  for (const [name, value] of Object.entries(callerOperations)) {
    const operation = value as { query?: unknown; operationName?: unknown };
    if (typeof operation?.query === 'string' && typeof operation.operationName === 'string') {
      documents.push({ title: `${operation.operationName} (callers' ${name})`, source: 'lambda/shared/operations.ts', query: operation.query });
    }
  }
  const generated: Array<[string, Record<string, unknown>]> = [
    ['graphql/queries.ts', queries],
    ['graphql/mutations.ts', mutations],
    ['graphql/subscriptions.ts', subscriptions],
  ];
  for (const [source, module] of generated) {
    for (const [name, value] of Object.entries(module)) if (typeof value === 'string') documents.push({ title: `${name} (codegen)`, source, query: value });
  }
  return documents;
}

/** The documents that validate against `schema`, as examples. */
export function examplesFor(schema: GraphQLSchema, documents: readonly Document[] = projectDocuments()): GraphqlExample[] {
  const examples: GraphqlExample[] = [];
  for (const document of documents) {
    let ast: DocumentNode;
    try {
      ast = parse(document.query);
    } catch {
      continue;
    }
    if (validate(schema, ast).length > 0) continue;
    const operation = ast.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
    if (!operation) continue;
    examples.push({
      title: document.title,
      source: document.source,
      operationType: operation.operation,
      operationName: operation.name?.value ?? '',
      query: document.query.trim(),
      variables: JSON.stringify(requiredVariables(schema, operation), null, 2),
    });
  }
  const order = { query: 0, mutation: 1, subscription: 2 };
  return examples.sort((a, b) => order[a.operationType] - order[b.operationType]);
}

/** Every required variable without a default, with a placeholder of its type. */
export function requiredVariables(schema: GraphQLSchema, operation: OperationDefinitionNode): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.type.kind !== Kind.NON_NULL_TYPE || definition.defaultValue) continue;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (type) variables[definition.variable.name.value] = placeholder(type, 0);
  }
  return variables;
}

/** Values AppSync's scalars accept (scalars.ts), so that a filled-in example runs. */
const SCALAR_PLACEHOLDERS: Readonly<Record<string, unknown>> = {
  ID: '',
  String: '',
  Int: 0,
  Float: 0,
  Boolean: false,
  AWSDate: '2025-01-01',
  AWSTime: '12:00:00Z',
  AWSDateTime: '2025-01-01T12:00:00.000Z',
  AWSTimestamp: 1735732800,
  AWSEmail: 'someone@example.com',
  AWSJSON: '{}',
  AWSURL: 'https://example.com',
  AWSPhone: '+12065550100',
  AWSIPAddress: '127.0.0.1',
};

/** A value of an input type that its validation accepts: required fields filled in, recursively. */
export function placeholder(type: GraphQLInputType, depth: number): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return [];
  const named = getNamedType(inner);
  if (isScalarType(named)) return SCALAR_PLACEHOLDERS[named.name] ?? '';
  if (isEnumType(named)) return named.getValues()[0]?.value ?? '';
  if (isInputObjectType(named)) {
    const value: Record<string, unknown> = {};
    if (depth > 5) return value;
    for (const field of Object.values(named.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) value[field.name] = placeholder(field.type, depth + 1);
    }
    return value;
  }
  return null;
}
