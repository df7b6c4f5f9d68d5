/**
 * The resolver serves whatever models the schema declares: here the app's schema with the README's two edits
 * (`priority: Int` on Todo, and a Note model with a field of every kind), against dynalite.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createApiResolver } from '../../../lambda/resolver/api-resolver';
import type { ApiModels } from '../../../lambda/resolver/model';
import type { FieldRouter } from '../../../lambda/resolver/router';
import { readApiModels } from '../../../lib/schema-model';
import { type DynaliteInstance, startDynalite } from '../../support/dynalite';
import { addNoteModel, addTodoPriority, writeEditedSchema } from '../../support/schema-edits';
import { appSyncEvent, expectResolverError, TEST_TOKEN_KEY } from './resolver-fixture';

type Item = Record<string, unknown> & { id: string };
type Connection = { items: Item[]; nextToken: string | null };

let dynalite: DynaliteInstance;
let schemaDir: string;
let api: ApiModels;
let tables: Record<string, string>;
let router: FieldRouter;

beforeAll(async () => {
  dynalite = await startDynalite();
  schemaDir = mkdtempSync(path.join(tmpdir(), 'schema-models-'));
  api = readApiModels(writeEditedSchema(schemaDir, addTodoPriority, addNoteModel));
});
afterAll(async () => {
  await dynalite?.close();
  rmSync(schemaDir, { recursive: true, force: true });
});
beforeEach(async () => {
  tables = { Todo: await dynalite.createTodoTable(), Note: await dynalite.createTodoTable() };
  router = createApiResolver({ documentClient: dynalite.documentClient, api, tableNames: tables, paginationTokenKey: TEST_TOKEN_KEY });
});

const call = <T = Item>(typeName: string, fieldName: string, args: Record<string, unknown>) =>
  router.resolve(appSyncEvent(typeName, fieldName, args)) as Promise<T>;

describe('a field added to the schema', () => {
  test('is stored, returned, filtered and conditioned on with its own type', async () => {
    const low = await call('Mutation', 'createTodo', { input: { name: 'low', priority: 1 } });
    const high = await call('Mutation', 'createTodo', { input: { name: 'high', priority: 3 } });
    expect(high).toMatchObject({ name: 'high', priority: 3 });
    expect(await call('Query', 'getTodo', { id: high.id })).toMatchObject({ priority: 3 });

    const listed = await call<Connection>('Query', 'listTodos', { filter: { priority: { gt: 1 } } });
    expect(listed.items.map((todo) => todo.id)).toEqual([high.id]);
    const between = await call<Connection>('Query', 'listTodos', { filter: { priority: { between: [0, 2] } } });
    expect(between.items.map((todo) => todo.id)).toEqual([low.id]);

    const updated = await call('Mutation', 'updateTodo', { input: { id: high.id, priority: 5 }, condition: { priority: { eq: 3 } } });
    expect(updated).toMatchObject({ id: high.id, priority: 5, name: 'high' });
    await expectResolverError(
      call('Mutation', 'updateTodo', { input: { id: low.id, priority: 9 }, condition: { priority: { ge: 2 } } }),
      'ConditionalCheckFailedException',
      `the condition did not hold for the Todo with id '${low.id}'`,
    );
    const removed = await call('Mutation', 'updateTodo', { input: { id: high.id, priority: null } });
    expect(removed).not.toHaveProperty('priority');
  });

  test('is checked against its type, naming the argument', async () => {
    await expectResolverError(
      call('Mutation', 'createTodo', { input: { priority: 'high' } }),
      'ValidationException',
      'input.priority must be an integer or null (got "high")',
    );
    await expectResolverError(
      call('Mutation', 'createTodo', { input: { priority: 1.5 } }),
      'ValidationException',
      'input.priority must be an integer or null (got 1.5)',
    );
    await expectResolverError(
      call('Mutation', 'createTodo', { input: { priority: 2 ** 31 } }),
      'ValidationException',
      'input.priority must be an integer or null',
    );
    await expectResolverError(
      call('Query', 'listTodos', { filter: { priority: { gt: '1' } } }),
      'ValidationException',
      'filter.priority.gt must be an integer (got "1")',
    );
    await expectResolverError(
      call('Query', 'listTodos', { filter: { priority: { beginsWith: '1' } } }),
      'ValidationException',
      "unknown operator 'beginsWith' in filter.priority; expected one of eq, ne, le, lt, ge, gt, between, attributeExists, attributeType",
    );
  });
});

describe('a model added to the schema', () => {
  const fullNote = {
    title: 'shopping',
    body: 'milk',
    rating: 4.5,
    pinned: true,
    color: 'GREEN',
    meta: { source: 'app', tags: [1, 2], nested: { ok: true } },
    author: 'me@example.com',
    tags: ['home', 'food'],
  };

  test('has its own table and every operation', async () => {
    const note = await call('Mutation', 'createNote', { input: fullNote });
    expect(note).toEqual({ ...fullNote, id: expect.any(String), createdAt: expect.any(String), updatedAt: expect.any(String), __typename: 'Note' });
    const { Item } = await dynalite.documentClient.send(new GetCommand({ TableName: tables.Note, Key: { id: note.id } }));
    expect(Item).toEqual(note);
    const { Item: inTodoTable } = await dynalite.documentClient.send(new GetCommand({ TableName: tables.Todo, Key: { id: note.id } }));
    expect(inTodoTable).toBeUndefined();

    expect(await call('Query', 'getNote', { id: note.id })).toEqual(note);
    const updated = await call('Mutation', 'updateNote', { input: { id: note.id, pinned: false, tags: ['home'] }, condition: { color: { eq: 'GREEN' } } });
    expect(updated).toMatchObject({ pinned: false, tags: ['home'], title: 'shopping' });
    expect(await call('Mutation', 'deleteNote', { input: { id: note.id } })).toEqual(updated);
    expect(await call('Query', 'getNote', { id: note.id })).toBeNull();
  });

  test.each([
    ['a Float', { rating: { ge: 4 } }, ['good']],
    ['a Boolean', { pinned: { eq: true } }, ['good']],
    ['a Boolean ne', { pinned: { ne: true } }, ['plain']],
    ['an enum', { color: { eq: 'RED' } }, ['plain']],
    ['a list that contains', { tags: { contains: 'work' } }, ['plain']],
    ['a String beside them', { title: { beginsWith: 'g' }, rating: { gt: 1 } }, ['good']],
  ])('filters on %s', async (_, filter, expected) => {
    await call('Mutation', 'createNote', { input: { id: 'good', title: 'good', rating: 4.5, pinned: true, color: 'GREEN', tags: ['home'] } });
    await call('Mutation', 'createNote', { input: { id: 'plain', title: 'plain', rating: 2, pinned: false, color: 'RED', tags: ['work'] } });
    const { items } = await call<Connection>('Query', 'listNotes', { filter });
    expect(items.map((note) => note.id).sort()).toEqual(expected);
  });

  test.each([
    [{ input: { body: 'no title' } }, 'input.title is required'],
    [{ input: { title: null } }, 'input.title must be a string (got null)'],
    [{ input: { title: 't', rating: 'high' } }, 'input.rating must be a number or null (got "high")'],
    [{ input: { title: 't', pinned: 'yes' } }, 'input.pinned must be a boolean or null (got "yes")'],
    [{ input: { title: 't', color: 'BLUE' } }, 'input.color must be one of RED, GREEN or null (got "BLUE")'],
    [{ input: { title: 't', tags: 'home' } }, 'input.tags must be a list of strings or null (got "home")'],
    [{ input: { title: 't', tags: ['home', 3] } }, 'input.tags[1] must be a string or null (got 3)'],
    [{ input: { title: 't', priority: 1 } }, "unknown field 'priority' in input; expected id, title, body, rating, pinned, color, meta, author, tags"],
  ])('refuses %j', async (args, detail) => {
    await expectResolverError(call('Mutation', 'createNote', args), 'ValidationException', detail);
  });

  test('pages with tokens of its own, which the other model refuses', async () => {
    for (const id of ['a', 'b', 'c']) await call('Mutation', 'createNote', { input: { id, title: id } });
    const first = await call<Connection>('Query', 'listNotes', { limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await call<Connection>('Query', 'listNotes', { limit: 2, nextToken: first.nextToken });
    expect([...first.items, ...second.items].map((note) => note.id).sort()).toEqual(['a', 'b', 'c']);
    await expectResolverError(
      call('Query', 'listTodos', { nextToken: first.nextToken }),
      'InvalidNextTokenException',
      'pass the nextToken from a previous listTodos response unchanged',
    );
  });

  test('is served beside Todo, and says which fields it serves', async () => {
    await expectResolverError(
      call('Query', 'searchNotes', {}),
      'UnknownFieldException',
      'it serves Query.getTodo, Query.listTodos, Mutation.createTodo, Mutation.updateTodo, Mutation.deleteTodo, Query.getNote, Query.listNotes, Mutation.createNote',
    );
  });
});
