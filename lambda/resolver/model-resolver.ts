import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  type NativeAttributeValue,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedError, DynamoDbRequestError, UnexpectedDynamoDbResponseError, ValidationError } from './errors';
import { allOf, ExpressionAttributes } from './expression-attributes';
import { ModelArguments, type ModelItem, type MutationArguments } from './field-arguments';
import { type ApiModels, type ModelDescription, ModelOperation } from './model';
import { ModelExpressionTranslator } from './model-expression';
import { decodeNextToken, encodeNextToken, type ScanPosition, type TokenScope } from './pagination-token';
import type { InvocationDeadline } from './router';

/** An item as stored, the way Amplify's @model stores it, with its `__typename`. */
export type StoredItem = ModelItem & { __typename: string };

export interface ItemConnection {
  items: StoredItem[];
  nextToken: string | null;
}

export interface ModelResolverOptions {
  documentClient: DynamoDBDocumentClient;
  /** The API's models; `model` is one of them. */
  api: ApiModels;
  model: ModelDescription;
  tableName: string;
  paginationTokenKey: string;
  /** Source of createdAt/updatedAt and of a list's time budget. */
  now?: () => Date;
  newId?: () => string;
  /**
   * How long one list call may keep scanning before it returns a partial page (with a nextToken) instead of running
   * into AppSync's 30 s limit.
   */
  listTimeBudgetMs?: number;
}

/** One function per @model operation, each taking the field's raw `arguments`. */
export type ModelResolver = Readonly<Record<ModelOperation, (fieldArguments: unknown, invocation?: InvocationDeadline) => Promise<unknown>>>;

const DEFAULT_LIST_TIME_BUDGET_MS = 20_000;
// Left for the response to travel back before Lambda's own timeout hits.
const LAMBDA_TIMEOUT_SAFETY_MARGIN_MS = 1_000;
/**
 * With a filter, Scan's Limit counts items before filtering; asking for only the few still missing would crawl a
 * selective filter one round trip per item.
 */
const MIN_FILTERED_SCAN_BATCH = 100;

/** Get, list, create, update and delete over one model's table, for any model in Amplify's @model shape. */
export function createModelResolver(options: ModelResolverOptions): ModelResolver {
  const {
    documentClient,
    api,
    model,
    tableName,
    paginationTokenKey,
    now = () => new Date(),
    newId = randomUUID,
    listTimeBudgetMs = DEFAULT_LIST_TIME_BUDGET_MS,
  } = options;
  const parse = new ModelArguments(model, api.enums);
  const expressions = new ModelExpressionTranslator(api);
  const keyName = model.key;
  const tokenScope: TokenScope = { modelName: model.name, listField: model.operations.list ?? `list${model.name}` };
  const filterFields = model.filter ?? {};
  const conditionFields = model.condition ?? {};

  const withTypename = (item: Record<string, NativeAttributeValue>): StoredItem => ({ ...item, __typename: model.name });

  // Strongly consistent, so a client reads its own writes and the post-failure lookup sees what the write saw.
  async function readItem(key: string): Promise<StoredItem | null> {
    const { Item } = await callDynamoDb(() => documentClient.send(new GetCommand({ TableName: tableName, Key: { [keyName]: key }, ConsistentRead: true })));
    return Item === undefined ? null : asStoredItem(Item);
  }

  async function get(raw: unknown): Promise<StoredItem | null> {
    return readItem(parse.get(raw).key);
  }

  async function list(raw: unknown, invocation?: InvocationDeadline): Promise<ItemConnection> {
    // parse.list has defaulted and checked the limit.
    const { limit: pageSize, ...args } = parse.list(raw);
    const start = args.nextToken === null ? undefined : decodeNextToken(args.nextToken, paginationTokenKey, tokenScope);
    const attributes = new ExpressionAttributes();
    const filterExpression = expressions.translate(args.filter, 'filter', filterFields, attributes);
    const deadline = scanDeadline(now().getTime(), listTimeBudgetMs, invocation);

    // One item more than the page holds tells whether another page exists, so the last page says nextToken: null.
    const wanted = pageSize + 1;
    const collected: StoredItem[] = [];
    let exclusiveStartKey: Record<string, NativeAttributeValue> | undefined = start ? { [keyName]: start.id } : undefined;
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
            // A list right after a write should show it, as get does.
            ConsistentRead: true,
          }),
        ),
      );
      collected.push(...(page.Items ?? []).map(asStoredItem));
      exclusiveStartKey = page.LastEvaluatedKey;

      if (collected.length >= wanted) {
        // Items past the page are dropped, so the next page restarts right after the last one returned.
        const items = collected.slice(0, pageSize);
        return { items, nextToken: encodeNextToken({ id: items[items.length - 1][keyName] as string }, paginationTokenKey, tokenScope) };
      }
      if (exclusiveStartKey === undefined) return { items: collected, nextToken: null };
      if (now().getTime() >= deadline) {
        // Everything scanned so far was returned, so resuming at DynamoDB's own position skips nothing.
        return { items: collected, nextToken: encodeNextToken(scanPositionFrom(exclusiveStartKey, keyName), paginationTokenKey, tokenScope) };
      }
    }
  }

  async function create(raw: unknown): Promise<StoredItem> {
    const { input, key, condition }: MutationArguments = parse.create(raw);
    const id = key ?? newId();
    const timestamp = now().toISOString();
    const item: ModelItem = { [keyName]: id };
    // A null field is stored as absent, the same state an update leaves after removing it.
    for (const [field, value] of Object.entries(input)) if (field !== keyName && value !== null) item[field] = value;
    for (const field of model.timestamps) item[field] = timestamp;
    const stored = withTypename(item);
    const attributes = new ExpressionAttributes();
    const conditionExpression = allOf([
      `attribute_not_exists(${attributes.name(keyName)})`,
      expressions.translate(condition, 'condition', conditionFields, attributes),
    ]);
    try {
      await documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: stored,
          ConditionExpression: conditionExpression,
          ...attributes.toCommandInput(conditionExpression),
        }),
      );
    } catch (error) {
      throw await explainWriteFailure(error, ModelOperation.CREATE, id);
    }
    return stored;
  }

  async function update(raw: unknown): Promise<StoredItem> {
    const { input, key, condition } = parse.update(raw);
    const attributes = new ExpressionAttributes();
    const updateExpression = buildUpdateExpression(input, keyName, model.timestamps, now().toISOString(), attributes);
    const conditionExpression = allOf([
      `attribute_exists(${attributes.name(keyName)})`,
      expressions.translate(condition, 'condition', conditionFields, attributes),
    ]);
    let updated: Record<string, NativeAttributeValue> | undefined;
    try {
      ({ Attributes: updated } = await documentClient.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { [keyName]: key },
          UpdateExpression: updateExpression,
          ConditionExpression: conditionExpression,
          ...attributes.toCommandInput(updateExpression, conditionExpression),
          ReturnValues: 'ALL_NEW',
        }),
      ));
    } catch (error) {
      throw await explainWriteFailure(error, ModelOperation.UPDATE, key!);
    }
    return asStoredItem(requireReturnedItem(updated, 'UpdateItem'));
  }

  async function remove(raw: unknown): Promise<StoredItem> {
    const { key, condition } = parse.delete(raw);
    const attributes = new ExpressionAttributes();
    const conditionExpression = allOf([
      `attribute_exists(${attributes.name(keyName)})`,
      expressions.translate(condition, 'condition', conditionFields, attributes),
    ]);
    let deleted: Record<string, NativeAttributeValue> | undefined;
    try {
      ({ Attributes: deleted } = await documentClient.send(
        new DeleteCommand({
          TableName: tableName,
          Key: { [keyName]: key },
          ConditionExpression: conditionExpression,
          ...attributes.toCommandInput(conditionExpression),
          ReturnValues: 'ALL_OLD',
        }),
      ));
    } catch (error) {
      throw await explainWriteFailure(error, ModelOperation.DELETE, key!);
    }
    return asStoredItem(requireReturnedItem(deleted, 'DeleteItem'));
  }

  /**
   * DynamoDB reports every failed condition the same way; one consistent read afterwards tells the client which of
   * its assumptions was wrong.
   */
  async function explainWriteFailure(error: unknown, operation: ModelOperation, key: string): Promise<Error> {
    if (!isConditionalCheckFailure(error)) return toResolverError(error);
    const existing = await readItem(key);
    return explainConditionFailure(model, operation, key, existing !== null, error);
  }

  /**
   * Items are returned as stored and AppSync picks the requested fields; an item some other tool wrote without
   * createdAt then fails on AppSync's non-null check for that item alone, which is the error the client should see.
   */
  function asStoredItem(item: Record<string, NativeAttributeValue>): StoredItem {
    return item as StoredItem;
  }

  return {
    [ModelOperation.GET]: get,
    [ModelOperation.LIST]: list,
    [ModelOperation.CREATE]: create,
    [ModelOperation.UPDATE]: update,
    [ModelOperation.DELETE]: remove,
  };
}

/** When a list stops scanning: its own budget, or the Lambda's remaining time less a margin, whichever ends first. */
export function scanDeadline(startedAtMs: number, listTimeBudgetMs: number, invocation?: InvocationDeadline): number {
  const lambdaBudgetMs = invocation ? invocation.getRemainingTimeInMillis() - LAMBDA_TIMEOUT_SAFETY_MARGIN_MS : Infinity;
  return startedAtMs + Math.min(listTimeBudgetMs, lambdaBudgetMs);
}

/** Scan's Limit for the next request, given how many items the page still misses. */
export function scanBatchSize(missingItems: number, filtered: boolean): number {
  return filtered ? Math.max(missingItems, MIN_FILTERED_SCAN_BATCH) : missingItems;
}

export function explainConditionFailure(
  model: Pick<ModelDescription, 'name' | 'key' | 'operations'>,
  operation: ModelOperation,
  key: string,
  itemExists: boolean,
  cause: Error,
): ConditionalCheckFailedError {
  const { name } = model;
  const field = (op: ModelOperation) => model.operations[op] ?? `${op}${name}`;
  const which = `${model.key} '${key}'`;
  if (operation === ModelOperation.CREATE && itemExists) {
    return new ConditionalCheckFailedError(
      `${name}AlreadyExists`,
      key,
      `a ${name} with ${which} already exists (${field(ModelOperation.CREATE)} never overwrites one; use ${field(ModelOperation.UPDATE)})`,
      { cause },
    );
  }
  if (operation === ModelOperation.CREATE) {
    return new ConditionalCheckFailedError(
      'ConditionNotMet',
      key,
      `the condition did not hold (${field(ModelOperation.CREATE)} checks it before the ${name} with ${which} exists, so it sees no attributes)`,
      { cause },
    );
  }
  if (!itemExists) {
    const neverCreates = operation === ModelOperation.UPDATE ? ` (${field(ModelOperation.UPDATE)} never creates one; use ${field(ModelOperation.CREATE)})` : '';
    return new ConditionalCheckFailedError(`${name}Missing`, key, `no ${name} with ${which} exists${neverCreates}`, { cause });
  }
  return new ConditionalCheckFailedError('ConditionNotMet', key, `the condition did not hold for the ${name} with ${which}`, { cause });
}

/** `SET` for given fields, `REMOVE` for explicit nulls; omitted fields are left as they are. */
export function buildUpdateExpression(input: ModelItem, keyName: string, timestamps: readonly string[], now: string, attributes: ExpressionAttributes): string {
  // updatedAt moves on every update; createdAt never does.
  const assignments = timestamps.filter((field) => field === 'updatedAt').map((field) => `${attributes.name(field)} = ${attributes.value(now)}`);
  const removals: string[] = [];
  for (const [field, value] of Object.entries(input)) {
    if (field === keyName || value === undefined) continue;
    if (value === null) removals.push(attributes.name(field));
    else assignments.push(`${attributes.name(field)} = ${attributes.value(value)}`);
  }
  // An update that changes nothing on a model without updatedAt still has to be a valid expression.
  if (assignments.length === 0 && removals.length === 0) assignments.push(`${attributes.name(keyName)} = ${attributes.name(keyName)}`);
  const set = assignments.length > 0 ? `SET ${assignments.join(', ')}` : '';
  const remove = removals.length > 0 ? `REMOVE ${removals.join(', ')}` : '';
  return [set, remove].filter((part) => part !== '').join(' ');
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

function requireReturnedItem(attributes: Record<string, NativeAttributeValue> | undefined, operation: string): Record<string, NativeAttributeValue> {
  // attribute_exists(key) held, so DynamoDB must have returned the item.
  if (attributes === undefined) throw new UnexpectedDynamoDbResponseError(`${operation} succeeded but returned no attributes`);
  return attributes;
}

function scanPositionFrom(lastEvaluatedKey: Record<string, NativeAttributeValue>, keyName: string): ScanPosition {
  const id = lastEvaluatedKey[keyName];
  if (typeof id !== 'string') {
    throw new UnexpectedDynamoDbResponseError(`Scan returned a LastEvaluatedKey without a string ${keyName}: ${JSON.stringify(lastEvaluatedKey)}`);
  }
  return { id };
}
