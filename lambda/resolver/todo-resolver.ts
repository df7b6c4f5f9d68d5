import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type NativeAttributeValue,
} from '@aws-sdk/lib-dynamodb';
import {
  ConditionalCheckFailedError,
  DynamoDbRequestError,
  UnexpectedDynamoDbResponseError,
  UnknownFieldError,
  ValidationError,
} from './errors';
import { allOf, ExpressionAttributes } from './expression-attributes';
import {
  pageSizeFrom,
  parseCreateTodoArguments,
  parseDeleteTodoArguments,
  parseGetTodoArguments,
  parseListTodosArguments,
  parseUpdateTodoArguments,
  type CreateTodoInput,
  type DeleteTodoInput,
  type GetTodoArguments,
  type ListTodosArguments,
  type MutationArguments,
  type UpdateTodoInput,
} from './field-arguments';
import { translateTodoCondition, translateTodoFilter } from './model-expression';
import { decodeNextToken, encodeNextToken, type ScanPosition } from './pagination-token';

/** A Todo as stored, the way Amplify's @model stores it. */
export interface Todo {
  id: string;
  name?: string;
  description?: string;
  createdAt: string;
  updatedAt: string;
  __typename: 'Todo';
}

export interface TodoConnection {
  items: Todo[];
  nextToken: string | null;
}

export type TodoFieldResult = Todo | TodoConnection | null;

export interface TodoResolverOptions {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  paginationTokenKey: string;
  /** Source of createdAt/updatedAt and of listTodos' time budget. */
  now?: () => Date;
  newId?: () => string;
  /**
   * How long one listTodos call may keep scanning before it returns a partial
   * page (with a nextToken) instead of running into AppSync's 30 s limit.
   */
  listTimeBudgetMs?: number;
}

/** The part of the Lambda context that bounds how long listTodos may scan. */
export interface InvocationDeadline {
  getRemainingTimeInMillis(): number;
}

export interface TodoResolver {
  /** Serves one AppSync direct Lambda resolver event (the whole handler, minus wiring). */
  resolve(event: unknown, invocation?: InvocationDeadline): Promise<TodoFieldResult>;
  getTodo(args: GetTodoArguments): Promise<Todo | null>;
  listTodos(args: ListTodosArguments, invocation?: InvocationDeadline): Promise<TodoConnection>;
  createTodo(args: MutationArguments<CreateTodoInput>): Promise<Todo>;
  updateTodo(args: MutationArguments<UpdateTodoInput>): Promise<Todo>;
  deleteTodo(args: MutationArguments<DeleteTodoInput>): Promise<Todo>;
}

export const SERVED_FIELDS = [
  'Query.getTodo',
  'Query.listTodos',
  'Mutation.createTodo',
  'Mutation.updateTodo',
  'Mutation.deleteTodo',
] as const;

const DEFAULT_LIST_TIME_BUDGET_MS = 20_000;
// Left for the response to travel back before Lambda's own timeout hits.
const LAMBDA_TIMEOUT_SAFETY_MARGIN_MS = 1_000;
/**
 * With a filter, Scan's Limit counts items before filtering; asking for only
 * the few still missing would crawl a selective filter one round trip per item.
 */
const MIN_FILTERED_SCAN_BATCH = 100;

export function createTodoResolver(options: TodoResolverOptions): TodoResolver {
  const {
    documentClient,
    tableName,
    paginationTokenKey,
    now = () => new Date(),
    newId = randomUUID,
    listTimeBudgetMs = DEFAULT_LIST_TIME_BUDGET_MS,
  } = options;

  // Strongly consistent, so a client reads its own writes and the post-failure lookup sees what the write saw.
  async function readTodo(id: string): Promise<Todo | null> {
    const { Item } = await callDynamoDb(() =>
      documentClient.send(new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true })),
    );
    return Item === undefined ? null : asTodo(Item);
  }

  async function getTodo({ id }: GetTodoArguments): Promise<Todo | null> {
    return readTodo(id);
  }

  async function listTodos(args: ListTodosArguments, invocation?: InvocationDeadline): Promise<TodoConnection> {
    const pageSize = pageSizeFrom(args.limit);
    const start = args.nextToken === null || args.nextToken === undefined ? undefined : decodeNextToken(args.nextToken, paginationTokenKey);
    const attributes = new ExpressionAttributes();
    const filterExpression = translateTodoFilter(args.filter, attributes);
    const deadline = scanDeadline(now().getTime(), listTimeBudgetMs, invocation);

    // One item more than the page holds tells whether another page exists, so the last page says nextToken: null.
    const wanted = pageSize + 1;
    const collected: Todo[] = [];
    let exclusiveStartKey: Record<string, NativeAttributeValue> | undefined = start ? { id: start.id } : undefined;
    for (;;) {
      const missing = wanted - collected.length;
      const page = await callDynamoDb(() =>
        documentClient.send(
          new ScanCommand({
            TableName: tableName,
            Limit: scanBatchSize(missing, filterExpression !== undefined),
            ExclusiveStartKey: exclusiveStartKey,
            FilterExpression: filterExpression,
            ...attributes.toCommandInput(filterExpression),
            // A list right after a write should show it, as getTodo does.
            ConsistentRead: true,
          }),
        ),
      );
      collected.push(...(page.Items ?? []).map(asTodo));
      exclusiveStartKey = page.LastEvaluatedKey;

      if (collected.length >= wanted) {
        // Items past the page are dropped, so the next page restarts right after the last one returned.
        const items = collected.slice(0, pageSize);
        return { items, nextToken: encodeNextToken({ id: items[items.length - 1].id }, paginationTokenKey) };
      }
      if (exclusiveStartKey === undefined) return { items: collected, nextToken: null };
      if (now().getTime() >= deadline) {
        // Everything scanned so far was returned, so resuming at DynamoDB's own position skips nothing.
        return { items: collected, nextToken: encodeNextToken(scanPositionFrom(exclusiveStartKey), paginationTokenKey) };
      }
    }
  }

  async function createTodo({ input, condition }: MutationArguments<CreateTodoInput>): Promise<Todo> {
    const id = input.id ?? newId();
    const timestamp = now().toISOString();
    const todo: Todo = {
      id,
      // A null field is stored as absent, the same state updateTodo leaves after removing it.
      ...(input.name !== null && input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== null && input.description !== undefined ? { description: input.description } : {}),
      createdAt: timestamp,
      updatedAt: timestamp,
      __typename: 'Todo',
    };
    const attributes = new ExpressionAttributes();
    const conditionExpression = allOf([
      `attribute_not_exists(${attributes.name('id')})`,
      translateTodoCondition(condition, attributes),
    ]);
    try {
      await documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: todo,
          ConditionExpression: conditionExpression,
          ...attributes.toCommandInput(conditionExpression),
        }),
      );
    } catch (error) {
      throw await explainWriteFailure(error, 'createTodo', id);
    }
    return todo;
  }

  async function updateTodo({ input, condition }: MutationArguments<UpdateTodoInput>): Promise<Todo> {
    const attributes = new ExpressionAttributes();
    const updateExpression = buildUpdateExpression(input, now().toISOString(), attributes);
    const conditionExpression = allOf([
      `attribute_exists(${attributes.name('id')})`,
      translateTodoCondition(condition, attributes),
    ]);
    let updated: Record<string, NativeAttributeValue> | undefined;
    try {
      ({ Attributes: updated } = await documentClient.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id: input.id },
          UpdateExpression: updateExpression,
          ConditionExpression: conditionExpression,
          ...attributes.toCommandInput(updateExpression, conditionExpression),
          ReturnValues: 'ALL_NEW',
        }),
      ));
    } catch (error) {
      throw await explainWriteFailure(error, 'updateTodo', input.id);
    }
    return asTodo(requireReturnedItem(updated, 'UpdateItem'));
  }

  async function deleteTodo({ input, condition }: MutationArguments<DeleteTodoInput>): Promise<Todo> {
    const attributes = new ExpressionAttributes();
    const conditionExpression = allOf([
      `attribute_exists(${attributes.name('id')})`,
      translateTodoCondition(condition, attributes),
    ]);
    let deleted: Record<string, NativeAttributeValue> | undefined;
    try {
      ({ Attributes: deleted } = await documentClient.send(
        new DeleteCommand({
          TableName: tableName,
          Key: { id: input.id },
          ConditionExpression: conditionExpression,
          ...attributes.toCommandInput(conditionExpression),
          ReturnValues: 'ALL_OLD',
        }),
      ));
    } catch (error) {
      throw await explainWriteFailure(error, 'deleteTodo', input.id);
    }
    return asTodo(requireReturnedItem(deleted, 'DeleteItem'));
  }

  /**
   * DynamoDB reports every failed condition the same way; one consistent read
   * afterwards tells the client which of its assumptions was wrong.
   */
  async function explainWriteFailure(error: unknown, mutation: MutationName, id: string): Promise<Error> {
    if (!isConditionalCheckFailure(error)) return toResolverError(error);
    const existing = await readTodo(id);
    return explainConditionFailure(mutation, id, existing !== null, error);
  }

  async function resolve(event: unknown, invocation?: InvocationDeadline): Promise<TodoFieldResult> {
    const { parentTypeName, fieldName, fieldArguments } = readResolverEvent(event);
    switch (`${parentTypeName}.${fieldName}`) {
      case 'Query.getTodo':
        return getTodo(parseGetTodoArguments(fieldArguments));
      case 'Query.listTodos':
        return listTodos(parseListTodosArguments(fieldArguments), invocation);
      case 'Mutation.createTodo':
        return createTodo(parseCreateTodoArguments(fieldArguments));
      case 'Mutation.updateTodo':
        return updateTodo(parseUpdateTodoArguments(fieldArguments));
      case 'Mutation.deleteTodo':
        return deleteTodo(parseDeleteTodoArguments(fieldArguments));
      default:
        throw new UnknownFieldError(parentTypeName, fieldName, SERVED_FIELDS);
    }
  }

  return { resolve, getTodo, listTodos, createTodo, updateTodo, deleteTodo };
}

type MutationName = 'createTodo' | 'updateTodo' | 'deleteTodo';

/** When listTodos stops scanning: its own budget, or the Lambda's remaining time less a margin, whichever ends first. */
export function scanDeadline(startedAtMs: number, listTimeBudgetMs: number, invocation?: InvocationDeadline): number {
  const lambdaBudgetMs = invocation ? invocation.getRemainingTimeInMillis() - LAMBDA_TIMEOUT_SAFETY_MARGIN_MS : Infinity;
  return startedAtMs + Math.min(listTimeBudgetMs, lambdaBudgetMs);
}

/** Scan's Limit for the next request, given how many items the page still misses. */
export function scanBatchSize(missingItems: number, filtered: boolean): number {
  return filtered ? Math.max(missingItems, MIN_FILTERED_SCAN_BATCH) : missingItems;
}

export function explainConditionFailure(
  mutation: MutationName,
  id: string,
  todoExists: boolean,
  cause: Error,
): ConditionalCheckFailedError {
  if (mutation === 'createTodo' && todoExists) {
    return new ConditionalCheckFailedError(
      'TodoAlreadyExists',
      id,
      `a Todo with id '${id}' already exists (createTodo never overwrites one; use updateTodo)`,
      { cause },
    );
  }
  if (mutation === 'createTodo') {
    return new ConditionalCheckFailedError(
      'ConditionNotMet',
      id,
      `the condition did not hold (createTodo checks it before the Todo with id '${id}' exists, so it sees no attributes)`,
      { cause },
    );
  }
  if (!todoExists) {
    const neverCreates = mutation === 'updateTodo' ? ' (updateTodo never creates one; use createTodo)' : '';
    return new ConditionalCheckFailedError('TodoMissing', id, `no Todo with id '${id}' exists${neverCreates}`, { cause });
  }
  return new ConditionalCheckFailedError('ConditionNotMet', id, `the condition did not hold for the Todo with id '${id}'`, {
    cause,
  });
}

/** `SET` for given fields, `REMOVE` for explicit nulls; omitted fields are left as they are. */
export function buildUpdateExpression(input: UpdateTodoInput, updatedAt: string, attributes: ExpressionAttributes): string {
  const assignments = [`${attributes.name('updatedAt')} = ${attributes.value(updatedAt)}`];
  const removals: string[] = [];
  for (const field of ['name', 'description'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if (value === null) removals.push(attributes.name(field));
    else assignments.push(`${attributes.name(field)} = ${attributes.value(value)}`);
  }
  return `SET ${assignments.join(', ')}${removals.length > 0 ? ` REMOVE ${removals.join(', ')}` : ''}`;
}

/** Maps an SDK failure to what the client should see; see errors.ts for why names go into messages. */
export function toResolverError(error: unknown): Error {
  if (!(error instanceof Error)) return new DynamoDbRequestError(new Error(String(error)));
  // The client's input is the only way a well-formed request from here gets rejected as invalid.
  if (error.name === 'ValidationException') {
    return new ValidationError(`DynamoDB rejected the request: ${error.message}`, { cause: error });
  }
  return new DynamoDbRequestError(error);
}

async function callDynamoDb<Output>(request: () => Promise<Output>): Promise<Output> {
  try {
    return await request();
  } catch (error) {
    throw toResolverError(error);
  }
}

function isConditionalCheckFailure(error: unknown): error is Error {
  // Compared by name: a bundle may hold a different copy of the SDK's error class than instanceof would check.
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function requireReturnedItem(
  attributes: Record<string, NativeAttributeValue> | undefined,
  operation: string,
): Record<string, NativeAttributeValue> {
  // attribute_exists(id) held, so DynamoDB must have returned the item.
  if (attributes === undefined) throw new UnexpectedDynamoDbResponseError(`${operation} succeeded but returned no attributes`);
  return attributes;
}

function scanPositionFrom(lastEvaluatedKey: Record<string, NativeAttributeValue>): ScanPosition {
  const { id } = lastEvaluatedKey;
  if (typeof id !== 'string') {
    throw new UnexpectedDynamoDbResponseError(`Scan returned a LastEvaluatedKey without a string id: ${JSON.stringify(lastEvaluatedKey)}`);
  }
  return { id };
}

/**
 * Items are returned as stored and AppSync picks the requested fields; an item
 * some other tool wrote without createdAt then fails on AppSync's non-null
 * check for that item alone, which is the error the client should see.
 */
function asTodo(item: Record<string, NativeAttributeValue>): Todo {
  return item as Todo;
}

interface ResolverFieldEvent {
  parentTypeName: string;
  fieldName: string;
  fieldArguments: unknown;
}

function readResolverEvent(event: unknown): ResolverFieldEvent {
  if (Array.isArray(event)) {
    throw new ValidationError(
      'got a batch of events; this resolver serves root fields only and must be attached without batching (maxBatchSize 0)',
    );
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
