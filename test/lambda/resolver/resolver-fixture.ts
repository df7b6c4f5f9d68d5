import type { AppSyncResolverEvent } from 'aws-lambda';
import type { Todo as ApiTodo } from '../../../API';
import { type ApiResolverOptions, createApiResolver } from '../../../lambda/resolver/api-resolver';
import type { InvocationDeadline } from '../../../lambda/resolver/router';
import { readApiModels } from '../../../lib/schema-model';
import { SCHEMA_PATH } from '../../../lib/todo-api';
import { type DynaliteInstance, startDynalite } from '../../support/dynalite';

/** The app's own schema, read the way synth reads it for the bundle. */
export const TODO_API = readApiModels(SCHEMA_PATH);
export const TODO_MODEL = TODO_API.models.find((model) => model.name === 'Todo')!;

/** A Todo as the resolver stores and returns it: the generated model type (API.ts). */
export type Todo = ApiTodo;

export interface TodoConnection {
  items: Todo[];
  nextToken: string | null;
}

/** The API's resolver, with a method per Todo field that sends it the event AppSync would. */
export interface TodoResolver {
  resolve(event: unknown, invocation?: InvocationDeadline): Promise<unknown>;
  getTodo(args: Record<string, unknown>): Promise<Todo | null>;
  listTodos(args: Record<string, unknown>, invocation?: InvocationDeadline): Promise<TodoConnection>;
  createTodo(args: Record<string, unknown>): Promise<Todo>;
  updateTodo(args: Record<string, unknown>): Promise<Todo>;
  deleteTodo(args: Record<string, unknown>): Promise<Todo>;
}

export interface TodoResolverOptions extends Omit<ApiResolverOptions, 'api' | 'tableNames'> {
  tableName: string;
}

export function createTodoResolver({ tableName, ...options }: TodoResolverOptions): TodoResolver {
  const router = createApiResolver({ ...options, api: TODO_API, tableNames: { Todo: tableName } });
  const field =
    <Result>(typeName: string, fieldName: string) =>
    (args: Record<string, unknown>, invocation?: InvocationDeadline) =>
      router.resolve(appSyncEvent(typeName, fieldName, args), invocation) as Promise<Result>;
  return {
    resolve: (event, invocation) => router.resolve(event, invocation),
    getTodo: field<Todo | null>('Query', 'getTodo'),
    listTodos: field<TodoConnection>('Query', 'listTodos'),
    createTodo: field<Todo>('Mutation', 'createTodo'),
    updateTodo: field<Todo>('Mutation', 'updateTodo'),
    deleteTodo: field<Todo>('Mutation', 'deleteTodo'),
  };
}

export const TEST_TOKEN_KEY = 'test-pagination-token-key-0123456789';

/** The event AppSync sends a direct Lambda resolver for a root field (API key auth, so identity is null). */
export function appSyncEvent(
  parentTypeName: string,
  fieldName: string,
  fieldArguments: Record<string, unknown>,
): AppSyncResolverEvent<Record<string, unknown>> {
  return {
    arguments: fieldArguments,
    identity: null,
    source: null,
    request: { headers: { 'x-api-key': 'da2-testkey' }, domainName: null },
    info: { parentTypeName, fieldName, variables: {}, selectionSetList: ['id'], selectionSetGraphQL: '{ id }' },
    prev: null,
    stash: {},
  };
}

export interface TodoTableFixture {
  dynalite: DynaliteInstance;
  tableName: string;
  resolver: TodoResolver;
  /** A resolver over the same table with other options (clock, id source, token key...). */
  resolverWith(overrides: Partial<TodoResolverOptions>): TodoResolver;
}

/**
 * One dynalite per test file, a fresh empty table per test, so tests never see
 * each other's items.
 */
export function useTodoTable(): TodoTableFixture {
  const fixture = {} as TodoTableFixture;
  beforeAll(async () => {
    fixture.dynalite = await startDynalite();
  });
  afterAll(async () => {
    await fixture.dynalite?.close();
  });
  beforeEach(async () => {
    fixture.tableName = await fixture.dynalite.createTodoTable();
    fixture.resolverWith = (overrides) =>
      createTodoResolver({
        documentClient: fixture.dynalite.documentClient,
        tableName: fixture.tableName,
        paginationTokenKey: TEST_TOKEN_KEY,
        ...overrides,
      });
    fixture.resolver = fixture.resolverWith({});
  });
  return fixture;
}

/** Awaits a rejection and returns the error, failing clearly when the promise resolves instead. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    if (!(error instanceof Error)) throw new Error(`rejected with a non-Error: ${String(error)}`);
    return error;
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(outcome)}`);
}

/** Checks the two things a client and an operator see: the name, and the message starting with it. */
export async function expectResolverError(promise: Promise<unknown>, name: string, detail: RegExp | string): Promise<Error> {
  const error = await rejectionOf(promise);
  expect(error.name).toBe(name);
  expect(error.message.startsWith(`${name}: `)).toBe(true);
  if (typeof detail === 'string') expect(error.message).toContain(detail);
  else expect(error.message).toMatch(detail);
  return error;
}
