/**
 * DynamoDB's document nesting limit at the local endpoint (local/dynamodb/nesting.ts), through the real SDK client and
 * the store in its own thread: a value may be nested 32 levels deep, counting the attribute itself as level 1; deeper
 * is DynamoDB's ValidationException, and a value deep enough to overflow dynalite's stack leaves the store serving.
 *
 * The boundary and the message are AWS's, as the DynamoDB conformance suite recorded them against eu-west-2 (2026-06,
 * PutItem and an UpdateItem condition's ExpressionAttributeValues) and eu-west-2 and us-east-1 (2026-09-12,
 * BatchWriteItem and TransactWriteItems Put items): 31 wraps of a leaf are accepted, 32 refused with
 * "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit".
 */
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DUMMY_CREDENTIALS, DUMMY_REGION, type DynaliteInstance, startDynalite } from '../../support/dynalite';
import { signedPost } from '../../support/hardening';

jest.setTimeout(60_000);

const NESTING_MESSAGE = 'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';

/** A leaf wrapped `wraps` times, alternating maps and lists (`{ M: { n: { L: [ ... ] } } }`). */
function nested(wraps: number): AttributeValue {
  let value: AttributeValue = { S: 'leaf' };
  for (let wrap = 0; wrap < wraps; wrap++) value = wrap % 2 === 0 ? { M: { n: value } } : { L: [value] };
  return value;
}

function wrapsOf(value: AttributeValue | undefined): number {
  let wraps = 0;
  for (let at = value; at?.M !== undefined || at?.L !== undefined; wraps++) at = at.M?.n ?? at.L?.[0];
  return wraps;
}

let store: DynaliteInstance;
let table: string;

beforeAll(async () => {
  store = await startDynalite();
  table = await store.createTodoTable();
});

afterAll(async () => {
  await store?.close();
});

const client = () => store.documentClient;

async function refusal(send: () => Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await send();
  } catch (error) {
    const { name, message, $metadata } = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name, message, status: $metadata?.httpStatusCode };
  }
  throw new Error('the call succeeded');
}

const refusedForNesting = { name: 'ValidationException', message: NESTING_MESSAGE, status: 400 };

test('an item nested 32 levels deep (31 wraps of its leaf) is stored and read back whole', async () => {
  // WHEN
  await client().send(new PutItemCommand({ TableName: table, Item: { id: { S: 'deepest' }, data: nested(31) } }));

  // THEN
  const { Item } = await client().send(new GetItemCommand({ TableName: table, Key: { id: { S: 'deepest' } }, ConsistentRead: true }));
  expect(wrapsOf(Item?.data)).toBe(31);
});

test('an item nested one level deeper is refused with DynamoDB ValidationException, and nothing is stored', async () => {
  // WHEN
  const refused = await refusal(() => client().send(new PutItemCommand({ TableName: table, Item: { id: { S: 'too-deep' }, data: nested(32) } })));

  // THEN
  expect(refused).toEqual(refusedForNesting);
  const { Item } = await client().send(new GetItemCommand({ TableName: table, Key: { id: { S: 'too-deep' } }, ConsistentRead: true }));
  expect(Item).toBeUndefined();
});

test("a value deep enough to overflow the store's stack is refused the same way, and the store goes on serving", async () => {
  // GIVEN a value whose validation by dynalite recurses once per level (it overflowed the stack and ended the store's
  // thread), sent as raw JSON: the SDK's own serializer recurses as well
  const body = `{"TableName":"${table}","Item":{"id":{"S":"overflow"},"data":${'{"L":['.repeat(20_000)}{"S":"leaf"}${']}'.repeat(20_000)}}}`;

  // WHEN
  const reply = await signedPost(store.endpoint, body, DUMMY_CREDENTIALS, {
    service: 'dynamodb',
    region: DUMMY_REGION,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem' },
  });

  // THEN
  expect({ status: reply.status, body: reply.json }).toEqual({
    status: 400,
    body: { __type: 'com.amazon.coral.validate#ValidationException', message: NESTING_MESSAGE },
  });
  await client().send(new PutItemCommand({ TableName: table, Item: { id: { S: 'after' }, data: nested(3) } }));
  const { Item } = await client().send(new GetItemCommand({ TableName: table, Key: { id: { S: 'after' } }, ConsistentRead: true }));
  expect(wrapsOf(Item?.data)).toBe(3);
});

test("a condition's ExpressionAttributeValues are held to the same limit", async () => {
  // GIVEN
  await client().send(new PutItemCommand({ TableName: table, Item: { id: { S: 'conditioned' } } }));
  const update = (value: AttributeValue) =>
    client().send(
      new UpdateItemCommand({
        TableName: table,
        Key: { id: { S: 'conditioned' } },
        UpdateExpression: 'SET touched = :t',
        ConditionExpression: '#d = :deep',
        ExpressionAttributeNames: { '#d': 'data' },
        ExpressionAttributeValues: { ':t': { S: 'y' }, ':deep': value },
      }),
    );

  // WHEN / THEN: 31 wraps are evaluated (the item has no `data`, so the condition fails), 32 are refused up front
  expect((await refusal(() => update(nested(31)))).name).toBe('ConditionalCheckFailedException');
  expect(await refusal(() => update(nested(32)))).toEqual(refusedForNesting);
});

test('the items of a batch and the Put items of a transaction are held to the same limit', async () => {
  // WHEN
  const batch = await refusal(() =>
    client().send(
      new BatchWriteItemCommand({
        RequestItems: {
          [table]: [{ PutRequest: { Item: { id: { S: 'batch-ok' } } } }, { PutRequest: { Item: { id: { S: 'batch-deep' }, data: nested(32) } } }],
        },
      }),
    ),
  );
  const transaction = await refusal(() =>
    client().send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: table, Item: { id: { S: 'transact-deep' }, data: nested(32) } } }] })),
  );

  // THEN the whole batch is refused, as DynamoDB refuses it (the valid item is not written either)
  expect(batch).toEqual(refusedForNesting);
  expect(transaction).toEqual(refusedForNesting);
  const { Item } = await client().send(new GetItemCommand({ TableName: table, Key: { id: { S: 'batch-ok' } }, ConsistentRead: true }));
  expect(Item).toBeUndefined();
});

test('where the message goes depends on the member that holds the value, as DynamoDB answers', async () => {
  // GIVEN a key nested too deep in three places DynamoDB words differently
  const deepKey = { id: nested(32) };

  // WHEN
  const get = await refusal(() => client().send(new GetItemCommand({ TableName: table, Key: deepKey })));
  const del = await refusal(() => client().send(new DeleteItemCommand({ TableName: table, Key: deepKey })));
  const scan = await refusal(() => client().send(new ScanCommand({ TableName: table, ExclusiveStartKey: deepKey })));

  // THEN
  expect(get).toEqual(refusedForNesting);
  expect(del).toEqual({ ...refusedForNesting, message: `1 validation error detected: ${NESTING_MESSAGE}` });
  expect(scan).toEqual({ ...refusedForNesting, message: `The provided starting key is invalid: ${NESTING_MESSAGE}` });
});

test('a wide value within the limit is stored: only depth counts', async () => {
  // GIVEN 30,000 elements, each a shallow map (about 300 KB, under DynamoDB's 400 KB item size)
  const wide: AttributeValue = { L: Array.from({ length: 30_000 }, () => ({ M: { n: { BOOL: true } } })) };

  // WHEN
  await client().send(new PutItemCommand({ TableName: table, Item: { id: { S: 'wide' }, data: wide } }));

  // THEN
  const { Item } = await client().send(new GetItemCommand({ TableName: table, Key: { id: { S: 'wide' } }, ConsistentRead: true }));
  expect(Item?.data?.L).toHaveLength(30_000);
});
