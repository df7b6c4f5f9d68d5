/**
 * The handler of a caller written by `npm run add-function`: it sends one of the schema's generated documents
 * (graphql/*.ts) with the event as its variables, checked first against the operation's variable definitions, so a
 * person running `aws lambda invoke` learns from the answer alone what to fix. Everything else (settings, client,
 * retries, status codes, the log line) is what the hand-written callers use.
 */
import type { Context } from 'aws-lambda';
import { isJsonObject, isPlainObject } from '../shared/json';
import type { GraphqlOperation, JsonObject, OperationType } from '../shared/operations';
import { describe, type EventParse, isPresent, unknownFieldProblems } from './events';
import { type CallerOperation, createCallerHandler } from './invocation';
import type { CallerResponse } from './responses';
import type { RuntimeProvider } from './runtime';

/** One variable of the operation, as the schema declares the field's argument. */
export interface OperationVariable {
  readonly name: string;
  /** A scalar (`ID`, `String`, `Int`, `Float`, `Boolean`, `AWS*`), an enum, or an input type. */
  readonly type: string;
  /** `scalar`, `enum` or `input` (an input object: AppSync checks its fields). */
  readonly kind: 'scalar' | 'enum' | 'input';
  readonly nonNull?: boolean;
  readonly list?: boolean;
}

export interface GeneratedOperation {
  /** The root field, which is also the generated document's export name: `getTodo`. */
  readonly fieldName: string;
  readonly operationType: OperationType;
  /** The generated document (`getTodo` of graphql/queries.ts). */
  readonly document: string;
  readonly variables: readonly OperationVariable[];
}

/** The event key that picks the operation when a caller has several. */
export const OPERATION_KEY = 'operation';

const INTEGER_SCALARS = new Set(['Int', 'AWSTimestamp']);

export function createOperationsHandler(
  operations: readonly GeneratedOperation[],
  getRuntime: RuntimeProvider,
): (event: unknown, context: Context) => Promise<CallerResponse> {
  return createCallerHandler(operationsCaller(operations), getRuntime);
}

interface ChosenOperation {
  readonly operation: GraphqlOperation<unknown, JsonObject>;
  readonly variables: JsonObject;
}

/** One CallerOperation for all of a caller's operations: the event says which (`"operation"`) when there are several. */
export function operationsCaller(operations: readonly GeneratedOperation[]): CallerOperation<ChosenOperation> {
  const byField = new Map(operations.map((operation) => [operation.fieldName, operation]));
  return {
    name: operations.length === 1 ? operationNameOf(operations[0].fieldName) : operations.map((op) => operationNameOf(op.fieldName)).join('|'),
    parseEvent: (event) => parseOperationEvent(event, operations, byField),
    run: ({ client }, { operation, variables }, deadline) => client.request(operation, variables, { deadline }),
  };
}

function parseOperationEvent(
  event: unknown,
  operations: readonly GeneratedOperation[],
  byField: ReadonlyMap<string, GeneratedOperation>,
): EventParse<ChosenOperation> {
  const single = operations.length === 1;
  const raw = event === null || event === undefined ? {} : event;
  if (!isPlainObject(raw)) {
    return { ok: false, problems: [`the event must be a JSON object of the operation's variables, got ${describe(event)}`] };
  }
  const { [OPERATION_KEY]: named, ...given } = raw;
  const fieldName = single && !isPresent(named) ? operations[0].fieldName : named;
  const chosen = typeof fieldName === 'string' ? byField.get(fieldName) : undefined;
  if (chosen === undefined) {
    return { ok: false, problems: [`"${OPERATION_KEY}" must be one of ${[...byField.keys()].join(', ')}, got ${describe(named)}`] };
  }
  const problems = unknownFieldProblems(given, [...chosen.variables.map((variable) => variable.name), ...(single ? [] : [OPERATION_KEY])]);
  for (const variable of chosen.variables) problems.push(...variableProblems(variable, given[variable.name]));
  if (problems.length > 0) return { ok: false, problems };
  const variables = Object.fromEntries(chosen.variables.filter((v) => isPresent(given[v.name])).map((v) => [v.name, given[v.name]])) as JsonObject;
  return {
    ok: true,
    value: {
      operation: { operationName: operationNameOf(chosen.fieldName), operationType: chosen.operationType, query: chosen.document },
      variables,
    },
  };
}

function variableProblems(variable: OperationVariable, value: unknown): string[] {
  if (!isPresent(value)) return variable.nonNull ? [`${variable.name} is required (${showType(variable)})`] : [];
  if (variable.list) {
    if (!Array.isArray(value)) return [`${variable.name} must be a list (${showType(variable)}), got ${describe(value)}`];
    return value.flatMap((item, index) => (isPresent(item) ? valueProblems(variable, item, `${variable.name}[${index}]`) : []));
  }
  return valueProblems(variable, value, variable.name);
}

function valueProblems(variable: OperationVariable, value: unknown, path: string): string[] {
  const wanted = `${path} must be ${phraseOf(variable)}, got ${describe(value)}`;
  if (variable.kind === 'input') return isJsonObject(value) ? [] : [wanted];
  if (variable.kind === 'enum' || !['Int', 'Float', 'Boolean', 'AWSTimestamp', 'AWSJSON'].includes(variable.type)) {
    // An ID names something: an empty one is a mistake, while an empty String is a value.
    return typeof value === 'string' && (variable.type !== 'ID' || value !== '') ? [] : [wanted];
  }
  if (INTEGER_SCALARS.has(variable.type)) return Number.isInteger(value) ? [] : [wanted];
  if (variable.type === 'Float') return typeof value === 'number' && Number.isFinite(value) ? [] : [wanted];
  if (variable.type === 'Boolean') return typeof value === 'boolean' ? [] : [wanted];
  return []; // AWSJSON: any JSON value
}

function phraseOf(variable: OperationVariable): string {
  if (variable.kind === 'input') return `a ${variable.type} object`;
  if (variable.kind === 'enum') return `a ${variable.type} value`;
  if (INTEGER_SCALARS.has(variable.type)) return 'an integer';
  if (variable.type === 'Float') return 'a number';
  if (variable.type === 'Boolean') return 'a boolean';
  return variable.type === 'ID' ? 'a non-empty string' : 'a string';
}

function showType(variable: OperationVariable): string {
  const named = variable.list ? `[${variable.type}]` : variable.type;
  return `${named}${variable.nonNull ? '!' : ''}`;
}

/** `getTodo` → `GetTodo`: the operation name Amplify's generated documents carry. */
export function operationNameOf(fieldName: string): string {
  return fieldName.charAt(0).toUpperCase() + fieldName.slice(1);
}
