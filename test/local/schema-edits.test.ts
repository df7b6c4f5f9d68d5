/**
 * The README's "Change the schema", end to end: the app's schema with `priority: Int` added to Todo and its inputs,
 * and a second model (Note), synthesized for real and served by the local cloud, over HTTP with the API key and
 * with SigV4. Nothing but the schema file differs from the app as shipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CreateTodoMutation, CreateTodoMutationVariables, ListTodosQuery, ListTodosQueryVariables } from '../../API';
import { createTodo } from '../../graphql/mutations';
import { listTodos } from '../../graphql/queries';
import { type LocalCloudHandle, startTestCloud, synthAssembly } from '../support/local-cloud-harness';
import { addNoteModel, addTodoPriority, writeEditedSchema } from '../support/schema-edits';

const request = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });

const CREATE_TODO = 'mutation Create($input: CreateTodoInput!) { createTodo(input: $input) { id name priority } }';
const LIST_TODOS = 'query List($filter: ModelTodoFilterInput) { listTodos(filter: $filter) { items { id name priority } nextToken } }';
const UPDATE_TODO =
  'mutation Update($input: UpdateTodoInput!, $condition: ModelTodoConditionInput) { updateTodo(input: $input, condition: $condition) { id priority } }';

type Data = { data?: Record<string, any>; errors?: Array<{ message: string; errorType?: string }> };

describe('the schema edited as the README says, served by the local cloud', () => {
  let workDir: string;
  let assembly: ReturnType<typeof synthAssembly>;
  let local: LocalCloudHandle;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'schema-edits-'));
    const schemaPath = writeEditedSchema(path.join(workDir, 'schema'), addTodoPriority, addNoteModel);
    assembly = synthAssembly('schema-edits', { 'todo:schemaPath': schemaPath });
    local = await startTestCloud({ assemblyDir: assembly.dir, stateDir: path.join(workDir, 'state'), inMemory: true });
  }, 240_000);
  afterAll(async () => {
    await local?.close();
    assembly?.remove();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  const withKey = async (query: string, variables?: Record<string, unknown>): Promise<Data> => {
    const response = await local.graphql(request(query, variables));
    expect(response.status).toBe(200);
    return response.json as Data;
  };
  const signed = async (query: string, variables?: Record<string, unknown>): Promise<Data> => {
    const response = await local.signedGraphql(request(query, variables));
    expect(response.status).toBe(200);
    return response.json as Data;
  };

  test.each([
    ['the API key', withKey],
    ['SigV4', signed],
  ])('create, filter and a conditioned update on the new field, with %s', async (_, send) => {
    const tag = `${Math.random()}`.slice(2, 8);
    const low = await send(CREATE_TODO, { input: { name: `a-${tag}`, priority: 1 } });
    const high = await send(CREATE_TODO, { input: { name: `b-${tag}`, priority: 3 } });
    expect(low.errors).toBeUndefined();
    expect(high.data!.createTodo).toEqual({ id: expect.any(String), name: `b-${tag}`, priority: 3 });

    const listed = await send(LIST_TODOS, { filter: { priority: { gt: 1 }, name: { contains: tag } } });
    expect(listed.data!.listTodos.items).toEqual([{ id: high.data!.createTodo.id, name: `b-${tag}`, priority: 3 }]);

    const updated = await send(UPDATE_TODO, { input: { id: high.data!.createTodo.id, priority: 4 }, condition: { priority: { eq: 3 } } });
    expect(updated).toEqual({ data: { updateTodo: { id: high.data!.createTodo.id, priority: 4 } } });
    const refused = await send(UPDATE_TODO, { input: { id: low.data!.createTodo.id, priority: 9 }, condition: { priority: { ge: 2 } } });
    expect(refused.data!.updateTodo).toBeNull();
    expect(refused.errors![0].message).toMatch(/^ConditionalCheckFailedException: The conditional request failed/);
  });

  test('the generated documents (graphql/*.ts, npm run codegen) run unchanged, typed by API.ts', async () => {
    const variables: CreateTodoMutationVariables = { input: { name: 'generated', description: 'by codegen' } };
    const created = (await withKey(createTodo, variables)) as { data: CreateTodoMutation };
    expect(created.data.createTodo).toMatchObject({ name: 'generated', description: 'by codegen', __typename: 'Todo' });

    const listVariables: ListTodosQueryVariables = { filter: { description: { eq: 'by codegen' } }, limit: 10 };
    const listed = (await signed(listTodos, listVariables)) as { data: ListTodosQuery };
    expect(listed.data.listTodos!.__typename).toBe('ModelTodoConnection');
    expect(listed.data.listTodos!.items.map((todo) => todo?.id)).toEqual([created.data.createTodo!.id]);
  });

  test('AppSync validation refuses a wrong type for the new field before the resolver runs', async () => {
    const response = await withKey(CREATE_TODO, { input: { name: 'x', priority: 'high' } });
    expect(response.data ?? null).toBeNull();
    expect(response.errors![0].message).toContain("Variable 'input' has an invalid value");
  });

  test('the second model has its own table and every operation', async () => {
    const created = await withKey(
      'mutation { createNote(input: {title: "shopping", rating: 4.5, pinned: true, color: GREEN, tags: ["home"], meta: "{\\"a\\":1}"}) { id title rating pinned color tags meta createdAt } }',
    );
    expect(created.errors).toBeUndefined();
    const note = created.data!.createNote;
    expect(note).toMatchObject({ title: 'shopping', rating: 4.5, pinned: true, color: 'GREEN', tags: ['home'] });
    expect(JSON.parse(note.meta)).toEqual({ a: 1 });

    const listed = await signed('query { listNotes(filter: {color: {eq: GREEN}, rating: {gt: 4}}) { items { id title } } }');
    expect(listed.data!.listNotes.items).toEqual([{ id: note.id, title: 'shopping' }]);
    expect((await withKey(`query { getNote(id: "${note.id}") { id } }`)).data!.getNote).toEqual({ id: note.id });
    expect((await withKey(`query { getTodo(id: "${note.id}") { id } }`)).data!.getTodo).toBeNull();

    const deleted = await withKey(`mutation { deleteNote(input: {id: "${note.id}"}) { id } }`);
    expect(deleted.data!.deleteNote).toEqual({ id: note.id });
    expect(local.cloud.deployment.tables.map((table) => table.logicalId.replace(/[0-9A-F]{8}$/, ''))).toEqual(['TodoApiTodoTable', 'TodoApiNoteTable']);
  });
});
