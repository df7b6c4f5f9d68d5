/**
 * DynamoDB's document nesting limit: an attribute value may be nested 32 levels deep, counting the attribute itself as
 * level 1 (the Developer Guide's quotas, "Nested attribute depth"). Deeper is refused with DynamoDB's
 * ValidationException, before the table is looked up (NestingLimitError in errors.ts, with AWS's words).
 *
 * The gate checks it because the store cannot: dynalite accepts any depth, and its validation recurses once per level,
 * so a value some thousands of levels deep overflowed the stack of the store's thread and ended it (every call after
 * that was refused a connection until the local cloud restarted).
 *
 * Where a request holds attribute values: every member the DynamoDB API gives the AttributeValue type (dynalite's
 * validations declare the same ones, its `AttrStruct` members), and the keys and Put items of transactions. The
 * boundary and the message were recorded against DynamoDB by two emulators' conformance suites: 31 wraps of a leaf
 * accepted, 32 refused, on PutItem and an UpdateItem condition's values (eu-west-2, 2026-06, nubo-db/dynamodb-conformance
 * and dynoxide's tests/nesting_depth.rs), on the items of BatchWriteItem and TransactWriteItems (eu-west-2 and
 * us-east-1, 2026-09-12, the same suite); where the message goes, by member (us-east-1 and eu-west-2, 2026-10-09,
 * dynoxide's src/value_nesting.rs): bare for most, inside "1 validation error detected: " for DeleteItem's and
 * UpdateItem's Key, every Expected and AttributeUpdates, after the invalid-starting-key words for a Scan's
 * ExclusiveStartKey (7 of 10 regions). Regions differ on ExpressionAttributeValues: eu-west-2 and five others refuse
 * a condition's value nested too deep, the 27 others evaluate it (nubo-db/dynamodb-conformance's sweep, 2026-07-15);
 * the store refuses it, as the stricter regions do. Not checked, as no region but three does: the
 * ExpressionAttributeValues of a transaction's items (which the store does not serve anyway).
 */
import { DynamoDbOperation } from './actions';
import { NestingLimitError, NestingMessageForm } from './errors';

/** The deepest level a value may sit at; the attribute itself is level 1. */
export const MAX_NESTING_LEVEL = 32;

/** Members that hold attribute values: a path (`*` for every entry of a map or element of a list) and the message's form. */
interface AttributeValueMembers {
  readonly path: readonly string[];
  readonly form: NestingMessageForm;
}

const members = (form: NestingMessageForm, ...paths: string[]): AttributeValueMembers[] => paths.map((dotted) => ({ path: dotted.split('.'), form }));
const { Bare, Enveloped, StartingKey } = NestingMessageForm;
const EXPECTED = ['Expected.*.Value', 'Expected.*.AttributeValueList.*'];
const TRANSACTION_KEYS = ['TransactItems.*.Update.Key.*', 'TransactItems.*.Delete.Key.*', 'TransactItems.*.ConditionCheck.Key.*'];

const ATTRIBUTE_VALUE_MEMBERS: Readonly<Partial<Record<DynamoDbOperation, readonly AttributeValueMembers[]>>> = {
  [DynamoDbOperation.PutItem]: [...members(Bare, 'Item.*', 'ExpressionAttributeValues.*'), ...members(Enveloped, ...EXPECTED)],
  [DynamoDbOperation.GetItem]: members(Bare, 'Key.*'),
  [DynamoDbOperation.DeleteItem]: [...members(Enveloped, 'Key.*', ...EXPECTED), ...members(Bare, 'ExpressionAttributeValues.*')],
  [DynamoDbOperation.UpdateItem]: [...members(Enveloped, 'Key.*', 'AttributeUpdates.*.Value', ...EXPECTED), ...members(Bare, 'ExpressionAttributeValues.*')],
  [DynamoDbOperation.Query]: members(
    Bare,
    'KeyConditions.*.AttributeValueList.*',
    'QueryFilter.*.AttributeValueList.*',
    'ExclusiveStartKey.*',
    'ExpressionAttributeValues.*',
  ),
  [DynamoDbOperation.Scan]: [
    ...members(Bare, 'ScanFilter.*.AttributeValueList.*', 'ExpressionAttributeValues.*'),
    ...members(StartingKey, 'ExclusiveStartKey.*'),
  ],
  [DynamoDbOperation.BatchGetItem]: members(Bare, 'RequestItems.*.Keys.*.*'),
  [DynamoDbOperation.BatchWriteItem]: members(Bare, 'RequestItems.*.*.PutRequest.Item.*', 'RequestItems.*.*.DeleteRequest.Key.*'),
  [DynamoDbOperation.TransactWriteItems]: members(Bare, 'TransactItems.*.Put.Item.*', ...TRANSACTION_KEYS),
  [DynamoDbOperation.TransactGetItems]: members(Bare, 'TransactItems.*.Get.Key.*'),
};

/** Throws NestingLimitError when a value the request holds is nested deeper than DynamoDB allows. */
export function checkNesting(operation: DynamoDbOperation, request: Readonly<Record<string, unknown>>): void {
  for (const { path, form } of ATTRIBUTE_VALUE_MEMBERS[operation] ?? []) {
    for (const value of valuesAt(request, path)) {
      if (deepestLevel(value) > MAX_NESTING_LEVEL) throw new NestingLimitError(form);
    }
  }
}

/** What the path reaches; members of the wrong type reach nothing (the store's validation names them). */
function* valuesAt(from: unknown, path: readonly string[], at = 0): Generator<unknown> {
  if (at === path.length) {
    yield from;
    return;
  }
  if (from === null || typeof from !== 'object') return;
  const member = path[at];
  const next = member === '*' ? Object.values(from) : Object.hasOwn(from, member) ? [(from as Record<string, unknown>)[member]] : [];
  for (const value of next) yield* valuesAt(value, path, at + 1);
}

/**
 * The level of the deepest value inside an attribute value (1 for a scalar), counted without recursion and no further
 * than one level past the limit: the value's own depth is what is being guarded against.
 */
function deepestLevel(value: unknown): number {
  let deepest = 0;
  const pending: Array<{ value: unknown; level: number }> = [{ value, level: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    deepest = Math.max(deepest, next.level);
    if (deepest > MAX_NESTING_LEVEL) return deepest;
    for (const child of childrenOf(next.value)) pending.push({ value: child, level: next.level + 1 });
  }
  return deepest;
}

/** The members of an `M` and the elements of an `L`; nothing for anything else. */
function childrenOf(value: unknown): Iterable<unknown> {
  if (value === null || typeof value !== 'object') return [];
  const { M: map, L: list } = value as { M?: unknown; L?: unknown };
  if (Array.isArray(list)) return list;
  if (map !== null && typeof map === 'object') return Object.values(map);
  return [];
}
