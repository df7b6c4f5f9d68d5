import type { AppSyncResolverEvent } from 'aws-lambda';
import { startDynalite, type DynaliteInstance } from '../support/dynalite';
import { createTodoResolver, type TodoResolver, type TodoResolverOptions } from '../../lambda/resolver/todo-resolver';

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
