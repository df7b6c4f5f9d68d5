import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedError } from '../../../lambda/resolver/errors';
import { appSyncEvent, expectResolverError, useTodoTable } from './resolver-fixture';

const table = useTodoTable();

const ISO_8601_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A clock that moves one second per reading, so createdAt and updatedAt can be told apart. */
function tickingClock(start = Date.parse('2024-05-01T10:00:00.000Z')): () => Date {
  let readings = 0;
  return () => new Date(start + 1000 * readings++);
}

async function storedItem(id: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await table.dynalite.documentClient.send(new GetCommand({ TableName: table.tableName, Key: { id } }));
  return Item;
}

async function itemCount(): Promise<number> {
  const { Count } = await table.dynalite.documentClient.send(new ScanCommand({ TableName: table.tableName, Select: 'COUNT' }));
  return Count ?? 0;
}

describe('createTodo', () => {
  test('generates a UUID id and stores the item the way Amplify does', async () => {
    const todo = await table.resolver.resolve(appSyncEvent('Mutation', 'createTodo', { input: { name: 'milk', description: '2 l' }, condition: null }));

    expect(todo).toEqual({
      id: expect.stringMatching(UUID_V4),
      name: 'milk',
      description: '2 l',
      createdAt: expect.stringMatching(ISO_8601_UTC),
      updatedAt: expect.stringMatching(ISO_8601_UTC),
      __typename: 'Todo',
    });
    expect(await storedItem((todo as { id: string }).id)).toEqual(todo);
  });

  test('generates a different id for every Todo', async () => {
    const first = await table.resolver.createTodo({ input: { name: 'a' } });
    const second = await table.resolver.createTodo({ input: { name: 'a' } });
    expect(first.id).not.toBe(second.id);
  });

  test('uses the given id and the injected clock for both timestamps', async () => {
    const resolver = table.resolverWith({ now: () => new Date('2024-02-29T23:59:59.123Z') });
    const todo = await resolver.createTodo({ input: { id: 'given-id', name: 'bread' } });

    expect(todo).toEqual({
      id: 'given-id',
      name: 'bread',
      createdAt: '2024-02-29T23:59:59.123Z',
      updatedAt: '2024-02-29T23:59:59.123Z',
      __typename: 'Todo',
    });
  });

  test('uses the injected id source when no id is given', async () => {
    const resolver = table.resolverWith({ newId: () => 'from-id-source' });
    expect((await resolver.createTodo({ input: {} })).id).toBe('from-id-source');
  });

  test('leaves null fields out of the item instead of storing NULL', async () => {
    const todo = await table.resolver.createTodo({ input: { id: 'n', name: null, description: null } });
    expect(await storedItem('n')).toEqual({ id: 'n', createdAt: todo.createdAt, updatedAt: todo.updatedAt, __typename: 'Todo' });
  });

  test('refuses a duplicate id, names it, and leaves the existing Todo as it was', async () => {
    const original = await table.resolver.createTodo({ input: { id: 'dup', name: 'original' } });

    const error = await expectResolverError(
      table.resolver.createTodo({ input: { id: 'dup', name: 'impostor' } }),
      'ConditionalCheckFailedException',
      "ConditionalCheckFailedException: The conditional request failed: a Todo with id 'dup' already exists",
    );
    expect(error).toBeInstanceOf(ConditionalCheckFailedError);
    expect((error as ConditionalCheckFailedError).reason).toBe('TodoAlreadyExists');
    expect(await storedItem('dup')).toEqual(original);
  });

  test('applies the condition, which sees no attributes because the Todo does not exist yet', async () => {
    await table.resolver.createTodo({ input: { id: 'ok' }, condition: { name: { attributeExists: false } } });
    expect(await storedItem('ok')).toBeDefined();

    const error = await expectResolverError(
      table.resolver.createTodo({ input: { id: 'refused', name: 'x' }, condition: { name: { eq: 'x' } } }),
      'ConditionalCheckFailedException',
      'the condition did not hold',
    );
    expect((error as ConditionalCheckFailedError).reason).toBe('ConditionNotMet');
    expect(await storedItem('refused')).toBeUndefined();
  });

  test.each([
    [{ input: { id: 'x', createdAt: '2000-01-01T00:00:00.000Z' } }, 'input.createdAt cannot be set'],
    [{ input: { id: 'x', updatedAt: '2000-01-01T00:00:00.000Z' } }, 'input.updatedAt cannot be set'],
    [{ input: { id: 'x', __typename: 'Other' } }, 'input.__typename cannot be set'],
    [{ input: { id: 'x', owner: 'me' } }, "unknown field 'owner' in input"],
    [{ input: { name: 42 } }, 'input.name must be a string or null (got 42)'],
    [{ input: { id: '' } }, 'input.id must be a non-empty string (got "")'],
    [{ input: { id: 7 } }, 'input.id must be a non-empty string (got 7)'],
    [{ input: null }, 'input is required'],
    [{ input: ['x'] }, 'input must be an object'],
    [{ input: {}, condition: 'name = x' }, 'condition must be an input object or null'],
    [{ input: {}, extra: 1 }, "unknown field 'extra' in arguments"],
  ])('rejects malformed arguments %j before writing anything', async (fieldArguments, detail) => {
    await expectResolverError(table.resolver.resolve(appSyncEvent('Mutation', 'createTodo', fieldArguments)), 'ValidationException', detail);
    expect(await itemCount()).toBe(0);
  });

  test('maps a DynamoDB ValidationException the client caused to a clear ValidationException', async () => {
    const tooLarge = 'x'.repeat(401 * 1024);
    await expectResolverError(
      table.resolver.createTodo({ input: { id: 'big', description: tooLarge } }),
      'ValidationException',
      /^ValidationException: DynamoDB rejected the request: .*size/i,
    );
  });
});

describe('getTodo', () => {
  test('returns the stored Todo', async () => {
    const todo = await table.resolver.createTodo({ input: { id: 'g', name: 'get me' } });
    expect(await table.resolver.resolve(appSyncEvent('Query', 'getTodo', { id: 'g' }))).toEqual(todo);
  });

  test('returns null for an unknown id', async () => {
    await table.resolver.createTodo({ input: { id: 'other' } });
    expect(await table.resolver.resolve(appSyncEvent('Query', 'getTodo', { id: 'missing' }))).toBeNull();
  });

  test('refuses an id that is not a non-empty string', async () => {
    await expectResolverError(
      table.resolver.resolve(appSyncEvent('Query', 'getTodo', { id: null })),
      'ValidationException',
      'id must be a non-empty string (got null)',
    );
  });
});

describe('updateTodo', () => {
  test('changes only the given fields, refreshes updatedAt and keeps createdAt', async () => {
    const resolver = table.resolverWith({ now: tickingClock() });
    const created = await resolver.createTodo({ input: { id: 'u', name: 'old name', description: 'kept' } });

    const updated = await resolver.resolve(appSyncEvent('Mutation', 'updateTodo', { input: { id: 'u', name: 'new name' }, condition: null }));

    expect(updated).toEqual({
      id: 'u',
      name: 'new name',
      description: 'kept',
      createdAt: created.createdAt,
      updatedAt: '2024-05-01T10:00:01.000Z',
      __typename: 'Todo',
    });
    expect(created.updatedAt).toBe('2024-05-01T10:00:00.000Z');
    expect(await storedItem('u')).toEqual(updated);
  });

  test('removes a field given as explicit null and leaves an omitted one alone', async () => {
    await table.resolver.createTodo({ input: { id: 'r', name: 'name', description: 'to remove' } });

    const updated = await table.resolver.resolve(appSyncEvent('Mutation', 'updateTodo', { input: { id: 'r', description: null } }));

    expect(updated).toMatchObject({ id: 'r', name: 'name' });
    expect(updated).not.toHaveProperty('description');
    expect(await storedItem('r')).not.toHaveProperty('description');
  });

  test('with only an id, just refreshes updatedAt', async () => {
    const resolver = table.resolverWith({ now: tickingClock() });
    const created = await resolver.createTodo({ input: { id: 'touch', name: 'n' } });
    const touched = await resolver.updateTodo({ input: { id: 'touch' } });
    expect(touched).toEqual({ ...created, updatedAt: '2024-05-01T10:00:01.000Z' });
  });

  test('refuses a missing id, says updateTodo never creates, and creates nothing', async () => {
    const error = await expectResolverError(
      table.resolver.updateTodo({ input: { id: 'ghost', name: 'boo' } }),
      'ConditionalCheckFailedException',
      "ConditionalCheckFailedException: The conditional request failed: no Todo with id 'ghost' exists (updateTodo never creates one; use createTodo)",
    );
    expect((error as ConditionalCheckFailedError).reason).toBe('TodoMissing');
    expect((error as ConditionalCheckFailedError).itemKey).toBe('ghost');
    expect(await itemCount()).toBe(0);
  });

  test('applies the update when the condition holds', async () => {
    await table.resolver.createTodo({ input: { id: 'c', name: 'draft' } });
    const updated = await table.resolver.updateTodo({ input: { id: 'c', name: 'final' }, condition: { name: { eq: 'draft' } } });
    expect(updated.name).toBe('final');
  });

  test('refuses the update when the condition does not hold, telling it apart from a missing Todo', async () => {
    const created = await table.resolver.createTodo({ input: { id: 'c', name: 'final' } });

    const error = await expectResolverError(
      table.resolver.updateTodo({ input: { id: 'c', name: 'again' }, condition: { name: { eq: 'draft' } } }),
      'ConditionalCheckFailedException',
      "ConditionalCheckFailedException: The conditional request failed: the condition did not hold for the Todo with id 'c'",
    );
    expect((error as ConditionalCheckFailedError).reason).toBe('ConditionNotMet');
    expect(await storedItem('c')).toEqual(created);
  });

  test.each([
    [{ input: { name: 'no id' } }, 'input.id must be a non-empty string (got nothing)'],
    [{ input: { id: 'x', createdAt: 'now' } }, 'input.createdAt cannot be set'],
    [{ input: { id: 'x', description: ['a'] } }, 'input.description must be a string or null'],
  ])('rejects malformed arguments %j', async (fieldArguments, detail) => {
    await expectResolverError(table.resolver.resolve(appSyncEvent('Mutation', 'updateTodo', fieldArguments)), 'ValidationException', detail);
  });
});

describe('deleteTodo', () => {
  test('deletes the Todo and returns it as it was', async () => {
    const created = await table.resolver.createTodo({ input: { id: 'd', name: 'bye' } });

    const deleted = await table.resolver.resolve(appSyncEvent('Mutation', 'deleteTodo', { input: { id: 'd' }, condition: null }));

    expect(deleted).toEqual(created);
    expect(await storedItem('d')).toBeUndefined();
  });

  test('refuses a missing id', async () => {
    const error = await expectResolverError(
      table.resolver.deleteTodo({ input: { id: 'ghost' } }),
      'ConditionalCheckFailedException',
      "The conditional request failed: no Todo with id 'ghost' exists",
    );
    expect(error.message).toBe("ConditionalCheckFailedException: The conditional request failed: no Todo with id 'ghost' exists");
    expect((error as ConditionalCheckFailedError).reason).toBe('TodoMissing');
  });

  test('deletes only when the condition holds', async () => {
    await table.resolver.createTodo({ input: { id: 'keep', name: 'important' } });

    await expectResolverError(
      table.resolver.deleteTodo({ input: { id: 'keep' }, condition: { name: { ne: 'important' } } }),
      'ConditionalCheckFailedException',
      "the condition did not hold for the Todo with id 'keep'",
    );
    expect(await storedItem('keep')).toBeDefined();

    await table.resolver.deleteTodo({ input: { id: 'keep' }, condition: { name: { eq: 'important' } } });
    expect(await storedItem('keep')).toBeUndefined();
  });

  test('refuses fields other than id in its input', async () => {
    await expectResolverError(
      table.resolver.resolve(appSyncEvent('Mutation', 'deleteTodo', { input: { id: 'x', name: 'n' } })),
      'ValidationException',
      "unknown field 'name' in input; expected id",
    );
  });
});

describe('items written by other tools', () => {
  test('are returned as stored, and update works on them', async () => {
    await table.dynalite.documentClient.send(
      new PutCommand({ TableName: table.tableName, Item: { id: 'legacy', name: 'old', createdAt: '2020-01-01T00:00:00.000Z' } }),
    );
    expect(await table.resolver.getTodo({ id: 'legacy' })).toEqual({ id: 'legacy', name: 'old', createdAt: '2020-01-01T00:00:00.000Z' });
    const updated = await table.resolver.updateTodo({ input: { id: 'legacy', name: 'new' } });
    expect(updated).toMatchObject({ id: 'legacy', name: 'new', createdAt: '2020-01-01T00:00:00.000Z', updatedAt: expect.stringMatching(ISO_8601_UTC) });
  });
});
