import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConfigurationError } from '../../../lambda/resolver/errors';
import { readResolverSettings } from '../../../lambda/resolver/settings';
import { DUMMY_CREDENTIALS, DUMMY_REGION, type DynaliteInstance, startDynalite } from '../../support/dynalite';
import { appSyncEvent, expectResolverError, TODO_API, type Todo, type TodoConnection } from './resolver-fixture';

type ResolverModule = typeof import('../../../lambda/resolver/index');

let dynalite: DynaliteInstance;
let tableName: string;
const savedEnvironment = { ...process.env };

beforeAll(async () => {
  dynalite = await startDynalite();
  tableName = await dynalite.createTodoTable();
});

afterAll(async () => {
  await dynalite.close();
});

afterEach(() => {
  process.env = { ...savedEnvironment };
  delete bundled.__API_MODELS__;
});

/** Points the SDK's own configuration chain at dynalite, and away from any ~/.aws files. */
function useDynaliteEnvironment(overrides: Record<string, string | undefined> = {}): void {
  process.env = {
    ...savedEnvironment,
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    AWS_REGION: DUMMY_REGION,
    AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    TODO_TABLE_NAME: tableName,
    PAGINATION_TOKEN_KEY: 'handler-test-key',
    ...overrides,
  };
  for (const [name, value] of Object.entries(overrides)) if (value === undefined) delete process.env[name];
}

/** What esbuild's define puts into the bundle (lib/todo-api.ts); the TypeScript module reads it from the global. */
const bundled = globalThis as { __API_MODELS__?: string };

/** A fresh copy of the module, so its module-scope settings and client read the environment set just before. */
function importHandlerModule(models: string | null = JSON.stringify(TODO_API)): ResolverModule {
  if (models === null) delete bundled.__API_MODELS__;
  else bundled.__API_MODELS__ = models;
  let loaded: ResolverModule | undefined;
  jest.isolateModules(() => {
    loaded = require('../../../lambda/resolver/index') as ResolverModule;
  });
  if (loaded === undefined) throw new Error('lambda/resolver/index did not load');
  return loaded;
}

const lambdaContext = { getRemainingTimeInMillis: () => 10_000 };

describe('the exported handler', () => {
  test('serves every field end to end against the table named in its environment', async () => {
    useDynaliteEnvironment();
    const { handler } = importHandlerModule();

    const created = (await handler(appSyncEvent('Mutation', 'createTodo', { input: { name: 'via handler' }, condition: null }), lambdaContext)) as Todo;
    expect(created).toMatchObject({ name: 'via handler', __typename: 'Todo' });

    expect(await handler(appSyncEvent('Query', 'getTodo', { id: created.id }), lambdaContext)).toEqual(created);

    const updated = (await handler(
      appSyncEvent('Mutation', 'updateTodo', { input: { id: created.id, description: 'added' }, condition: { name: { eq: 'via handler' } } }),
      lambdaContext,
    )) as Todo;
    expect(updated).toMatchObject({ id: created.id, name: 'via handler', description: 'added' });

    const listed = (await handler(
      appSyncEvent('Query', 'listTodos', { filter: { description: { eq: 'added' } }, limit: 10, nextToken: null }),
      lambdaContext,
    )) as TodoConnection;
    expect(listed).toEqual({ items: [updated], nextToken: null });

    expect(await handler(appSyncEvent('Mutation', 'deleteTodo', { input: { id: created.id }, condition: null }), lambdaContext)).toEqual(updated);
    await expectResolverError(
      handler(appSyncEvent('Mutation', 'updateTodo', { input: { id: created.id, name: 'again' } }), lambdaContext),
      'ConditionalCheckFailedException',
      `no Todo with id '${created.id}' exists`,
    );
  });

  test('signs nextTokens with PAGINATION_TOKEN_KEY', async () => {
    useDynaliteEnvironment({ PAGINATION_TOKEN_KEY: 'first-key' });
    const first = importHandlerModule();
    for (const name of ['a', 'b', 'c']) await first.handler(appSyncEvent('Mutation', 'createTodo', { input: { name } }));
    const page = (await first.handler(appSyncEvent('Query', 'listTodos', { limit: 1 }))) as TodoConnection;
    expect(page.nextToken).not.toBeNull();

    useDynaliteEnvironment({ PAGINATION_TOKEN_KEY: 'second-key' });
    const second = importHandlerModule();
    await expectResolverError(
      second.handler(appSyncEvent('Query', 'listTodos', { limit: 1, nextToken: page.nextToken })),
      'InvalidNextTokenException',
      'integrity check',
    );
  });

  test("stops scanning early when the Lambda's context says time is nearly up", async () => {
    const ownTable = await dynalite.createTodoTable();
    for (let start = 0; start < 250; start += 25) {
      const batch = Array.from({ length: 25 }, (_, offset) => ({
        PutRequest: { Item: { id: `item-${start + offset}`, description: (start + offset) % 3 === 0 ? 'red' : 'blue' } },
      }));
      await dynalite.documentClient.send(new BatchWriteCommand({ RequestItems: { [ownTable]: batch } }));
    }
    useDynaliteEnvironment({ TODO_TABLE_NAME: ownTable });
    const { handler } = importHandlerModule();
    const listBlue = appSyncEvent('Query', 'listTodos', { filter: { description: { eq: 'blue' } }, limit: 200 });

    // 166 blue items fit one page; out of time, the first Scan (201 items read) has to be cut short.
    const unhurried = (await handler(listBlue, lambdaContext)) as TodoConnection;
    const hurried = (await handler(listBlue, { getRemainingTimeInMillis: () => 0 })) as TodoConnection;

    expect(unhurried.items).toHaveLength(166);
    expect(unhurried.nextToken).toBeNull();
    expect(hurried.items.length).toBeLessThan(166);
    expect(hurried.nextToken).not.toBeNull();
  });

  test('refuses a field it does not serve, listing the ones it does', async () => {
    useDynaliteEnvironment();
    const { handler } = importHandlerModule();
    // The module was loaded in isolation, so its error classes are not this file's: name and message are what count.
    await expectResolverError(
      handler(appSyncEvent('Subscription', 'onCreateTodo', {})),
      'UnknownFieldException',
      'UnknownFieldException: this resolver does not serve Subscription.onCreateTodo; it serves Query.getTodo, Query.listTodos, Mutation.createTodo, Mutation.updateTodo, Mutation.deleteTodo',
    );
    await expectResolverError(handler(appSyncEvent('Query', 'searchTodos', {})), 'UnknownFieldException', 'Query.searchTodos');
    await expectResolverError(handler(appSyncEvent('Todo', 'name', {})), 'UnknownFieldException', 'Todo.name');
  });

  test.each([
    ['null', null, 'expected an AppSync direct Lambda resolver event'],
    ['{}', {}, 'expected an AppSync direct Lambda resolver event'],
    ['without parentTypeName', { info: { fieldName: 'getTodo' }, arguments: {} }, 'expected an AppSync direct Lambda resolver event'],
    ['a batch', [appSyncEvent('Query', 'getTodo', { id: 'x' })], 'got a batch of events'],
    ['without arguments', { info: { parentTypeName: 'Query', fieldName: 'getTodo' } }, 'arguments must be an object (got nothing)'],
  ])('refuses a malformed event (%s) with a ValidationException', async (_, event, detail) => {
    useDynaliteEnvironment();
    const { handler } = importHandlerModule();
    await expectResolverError(handler(event as never), 'ValidationException', detail);
  });

  test.each(['TODO_TABLE_NAME', 'PAGINATION_TOKEN_KEY'])('fails its cold start, naming %s, when it is missing', (variable) => {
    useDynaliteEnvironment({ [variable]: undefined });
    let failure: unknown;
    try {
      importHandlerModule();
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe(`ConfigurationException: environment variable ${variable} is not set`);
  });

  test('fails its cold start, saying how to build it, when it was built without the schema', () => {
    useDynaliteEnvironment();
    expect(() => importHandlerModule(null)).toThrow(
      "ConfigurationException: this resolver was built without the schema's models; build it with lib/todo-api.ts (cdk synth)",
    );
  });
});

describe('readResolverSettings', () => {
  test('reads both settings', () => {
    expect(readResolverSettings({ TODO_TABLE_NAME: 'todos', PAGINATION_TOKEN_KEY: 'k' }, TODO_API)).toEqual({
      tableNames: { Todo: 'todos' },
      paginationTokenKey: 'k',
    });
  });

  test('treats a blank value as missing', () => {
    const readBlank = (): unknown => readResolverSettings({ TODO_TABLE_NAME: 'todos', PAGINATION_TOKEN_KEY: '  ' }, TODO_API);
    expect(readBlank).toThrow(ConfigurationError);
    expect(readBlank).toThrow('ConfigurationException: environment variable PAGINATION_TOKEN_KEY is not set');
  });
});
