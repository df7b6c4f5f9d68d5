import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InvocationDeadline } from '../../../lambda/resolver/router';
import { DUMMY_CREDENTIALS, DUMMY_REGION } from '../../support/dynalite';
import type { Todo, TodoConnection, TodoResolver } from './resolver-fixture';
import { appSyncEvent, expectResolverError, useTodoTable } from './resolver-fixture';

const table = useTodoTable();

/** Writes `count` Todos directly (25 per BatchWrite); every third one is red. */
async function seedTodos(count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, index) => `todo-${String(index).padStart(4, '0')}`);
  for (let start = 0; start < ids.length; start += 25) {
    const batch = ids.slice(start, start + 25).map((id, offset) => ({
      PutRequest: {
        Item: {
          id,
          name: `task ${start + offset}`,
          description: (start + offset) % 3 === 0 ? 'red' : 'blue',
          createdAt: '2024-01-01T00:00:00.000Z',
          updatedAt: '2024-01-01T00:00:00.000Z',
          __typename: 'Todo',
        },
      },
    }));
    await table.dynalite.documentClient.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: batch } }));
  }
  return ids;
}

/** Follows nextToken until it is null, returning every page. */
async function listAllPages(
  resolver: TodoResolver,
  args: { filter?: Record<string, unknown>; limit?: number },
  invocation?: InvocationDeadline,
): Promise<TodoConnection[]> {
  const pages: TodoConnection[] = [];
  let nextToken: string | null = null;
  do {
    const page: TodoConnection = await resolver.listTodos({ ...args, nextToken }, invocation);
    pages.push(page);
    nextToken = page.nextToken;
    if (pages.length > 1_000) throw new Error('pagination does not end');
  } while (nextToken !== null);
  return pages;
}

/** A resolver over the fixture's table whose client counts the Scan requests it sends. */
function resolverCountingScans(): { resolver: TodoResolver; scanCount: () => number } {
  let scans = 0;
  const client = new DynamoDBClient({ endpoint: table.dynalite.endpoint, region: DUMMY_REGION, credentials: DUMMY_CREDENTIALS, maxAttempts: 1 });
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'ScanCommand') scans += 1;
      return next(args);
    },
    { step: 'initialize' },
  );
  const resolver = table.resolverWith({ documentClient: DynamoDBDocumentClient.from(client) });
  return { resolver, scanCount: () => scans };
}

function idsOf(pages: TodoConnection[]): string[] {
  return pages.flatMap((page) => page.items.map((todo: Todo) => todo.id));
}

describe('limit', () => {
  test('defaults to 100', async () => {
    await seedTodos(150);
    const page = await table.resolver.resolve(appSyncEvent('Query', 'listTodos', { filter: null, limit: null, nextToken: null }));
    expect((page as TodoConnection).items).toHaveLength(100);
    expect((page as TodoConnection).nextToken).toEqual(expect.any(String));
  });

  test.each([1, 1000])('accepts %i', async (limit) => {
    await seedTodos(3);
    const page = await table.resolver.listTodos({ limit });
    expect(page.items).toHaveLength(Math.min(limit, 3));
  });

  test.each([
    [5000, '5000'],
    [1001, '1001'],
    [0, '0'],
    [-1, '-1'],
    [2.5, '2.5'],
    ['10', '"10"'],
    [true, 'true'],
    [Number.NaN, 'NaN'],
  ])('refuses %p with a clear ValidationException', async (limit, shown) => {
    const error = await expectResolverError(
      table.resolver.resolve(appSyncEvent('Query', 'listTodos', { limit })),
      'ValidationException',
      `limit must be an integer from 1 to 1000 (got ${shown})`,
    );
    expect(error.message).toBe(`ValidationException: limit must be an integer from 1 to 1000 (got ${shown})`);
  });

  test('is checked for typed callers too', async () => {
    await expectResolverError(table.resolver.listTodos({ limit: 1001 }), 'ValidationException', 'limit must be an integer from 1 to 1000 (got 1001)');
  });
});

describe('pagination', () => {
  test('an empty table is one empty last page', async () => {
    expect(await table.resolver.listTodos({})).toEqual({ items: [], nextToken: null });
  });

  test('a page that ends exactly at the end of the table is the last one (no empty trailing page)', async () => {
    await seedTodos(20);
    const pages = await listAllPages(table.resolver, { limit: 10 });
    expect(pages.map((page) => page.items.length)).toEqual([10, 10]);
    expect(pages[1].nextToken).toBeNull();
  });

  test.each([1, 7, 50, 100, 299, 300, 1000])('every item exactly once, in full pages, with limit %i', async (limit) => {
    const ids = await seedTodos(300);
    const pages = await listAllPages(table.resolver, { limit });

    expect(idsOf(pages).sort()).toEqual(ids);
    expect(pages).toHaveLength(Math.ceil(300 / limit));
    expect(pages.slice(0, -1).every((page) => page.items.length === limit && page.nextToken !== null)).toBe(true);
  });

  test.each([1, 7, 33, 100, 1000])('every matching item exactly once, in full pages, with a filter and limit %i', async (limit) => {
    const ids = await seedTodos(300);
    const redIds = ids.filter((_, index) => index % 3 === 0);
    const pages = await listAllPages(table.resolver, { limit, filter: { description: { eq: 'red' } } });

    expect(idsOf(pages).sort()).toEqual(redIds);
    expect(pages).toHaveLength(Math.ceil(redIds.length / limit));
    expect(pages.slice(0, -1).every((page) => page.items.length === limit)).toBe(true);
    expect(pages.every((page) => page.items.every((todo) => todo.description === 'red'))).toBe(true);
  });

  test('a selective filter does not cost one Scan per missing item', async () => {
    await seedTodos(300);
    const { resolver, scanCount } = resolverCountingScans();
    const page = await resolver.listTodos({ limit: 5, filter: { description: { eq: 'red' } } });
    expect(page.items).toHaveLength(5);
    expect(scanCount()).toBe(1);
  });

  test('without a filter a page costs one Scan', async () => {
    await seedTodos(300);
    const { resolver, scanCount } = resolverCountingScans();
    await resolver.listTodos({ limit: 50 });
    expect(scanCount()).toBe(1);
  });

  test('a filter that matches nothing scans the whole table and ends', async () => {
    await seedTodos(250);
    expect(await table.resolver.listTodos({ limit: 5, filter: { name: { eq: 'nope' } } })).toEqual({ items: [], nextToken: null });
  });

  test('continues correctly when the last returned item was deleted in between', async () => {
    const ids = await seedTodos(60);
    const first = await table.resolver.listTodos({ limit: 10 });
    const lastReturned = first.items[9].id;
    await table.dynalite.documentClient.send(new DeleteCommand({ TableName: table.tableName, Key: { id: lastReturned } }));

    const afterFirst: string[] = [];
    let nextToken = first.nextToken;
    while (nextToken !== null) {
      const page = await table.resolver.listTodos({ limit: 10, nextToken });
      afterFirst.push(...page.items.map((todo) => todo.id));
      nextToken = page.nextToken;
    }

    expect([...first.items.map((todo) => todo.id), ...afterFirst].sort()).toEqual(ids);
  });

  test('a Scan running out of time returns a partial page whose token skips nothing', async () => {
    const ids = await seedTodos(300);
    const redIds = ids.filter((_, index) => index % 3 === 0);
    let millis = 0;
    // Every clock reading advances a second, so the 1.5 s budget ends after the first Scan of each call,
    // which reads 151 items (limit + 1) and so finds only about 50 red ones.
    const resolver = table.resolverWith({ now: () => new Date((millis += 1000)), listTimeBudgetMs: 1500 });

    const pages = await listAllPages(resolver, { limit: 150, filter: { description: { eq: 'red' } } });

    expect(pages.length).toBeGreaterThan(1);
    expect(pages[0].items.length).toBeLessThan(redIds.length);
    expect(pages[0].nextToken).not.toBeNull();
    expect(idsOf(pages).sort()).toEqual(redIds);
  });

  test('a page cut by time with nothing found yet still moves on, so a rare match is reached', async () => {
    const ids = await seedTodos(300);
    const rareId = ids[137];
    const outOfTime: InvocationDeadline = { getRemainingTimeInMillis: () => 0 };

    const pages = await listAllPages(table.resolver, { limit: 5, filter: { id: { eq: rareId } } }, outOfTime);

    expect(idsOf(pages)).toEqual([rareId]);
    expect(pages.some((page) => page.items.length === 0 && page.nextToken !== null)).toBe(true);
  });

  test("the Lambda's remaining time also bounds the Scan, and every call still makes progress", async () => {
    const ids = await seedTodos(250);
    const almostOutOfTime: InvocationDeadline = { getRemainingTimeInMillis: () => 200 };

    // One Scan reads 201 items, about 134 of them blue: short of a page, so only the deadline ends the call early.
    const pages = await listAllPages(table.resolver, { limit: 200, filter: { description: { eq: 'blue' } } }, almostOutOfTime);

    const blueIds = ids.filter((_, index) => index % 3 !== 0);
    expect(pages[0].items.length).toBeGreaterThan(0);
    expect(pages[0].items.length).toBeLessThan(blueIds.length);
    expect(idsOf(pages).sort()).toEqual(blueIds);
  });
});
