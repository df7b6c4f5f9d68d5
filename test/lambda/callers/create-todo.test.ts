/** The createTodo caller against the fake AppSync, which records every create it actually writes. */
import { createCreateTodoHandler } from '../../../lambda/callers/create-todo';
import { isAlreadyExists, isTodoFromInput } from '../../../lambda/callers/create-todo-recovery';
import { AUTH_MODES, callerEnvironment, FAST_RUNTIME, invoke, logRecord, runtimeFor, useCallerHarness } from '../../support/caller-harness';
import type { ScriptedReply } from '../../support/fake-appsync';

const harness = useCallerHarness();

const operationsSent = () => harness.server.requests.map((request) => request.operationName);

describe.each(AUTH_MODES)('with %s', (mode) => {
  const handler = () => createCreateTodoHandler(runtimeFor(callerEnvironment(mode, harness.server.url)));

  it('answers 200 with the created Todo', async () => {
    const invocation = await invoke(harness, handler(), { name: 'Buy milk', description: '2 litres' });

    expect(invocation.statusCode).toBe(200);
    expect(invocation.body).toEqual({
      data: {
        createTodo: {
          id: expect.any(String),
          name: 'Buy milk',
          description: '2 litres',
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
      },
    });
    expect(harness.server.createdCount).toBe(1);
    expect(logRecord(invocation)).toMatchObject({ operation: 'CreateTodo', authMode: mode, statusCode: 200, attempts: 1 });
  });

  it.each<readonly [string, ScriptedReply]>([
    ['the connection dropped', { kind: 'destroy', afterHandling: true }],
    ['a 500', { kind: 'status', status: 500, body: '{}', afterHandling: true }],
  ])(
    'retries a create with an id whose first answer was lost (%s), and returns the Todo it wrote: no duplicate, no false failure',
    async (_what, lostAnswer) => {
      harness.server.script(lostAnswer);
      const invocation = await invoke(harness, handler(), { id: 'todo-42', name: 'Buy milk' });

      expect(invocation.statusCode).toBe(200);
      expect(invocation.body).toEqual({ data: { createTodo: harness.server.todos.get('todo-42') } });
      expect(harness.server.createdCount).toBe(1);
      expect(operationsSent()).toEqual(['CreateTodo', 'CreateTodo', 'GetTodo']);
      expect(logRecord(invocation)).toMatchObject({ statusCode: 200, attempts: 3 });
    },
  );

  it('also recovers when the first attempt timed out after writing', async () => {
    harness.server.script({ kind: 'hang', afterHandling: true });
    const runtime = runtimeFor(callerEnvironment(mode, harness.server.url), { ...FAST_RUNTIME, requestTimeoutMs: 150 });
    const invocation = await invoke(harness, createCreateTodoHandler(runtime), { id: 'slow-1', name: 'Slow' });

    expect(invocation.statusCode).toBe(200);
    expect(invocation.body).toMatchObject({ data: { createTodo: { id: 'slow-1', name: 'Slow' } } });
    expect(harness.server.createdCount).toBe(1);
  });

  it('answers 400 for an id that already existed before this invocation, without reading it back', async () => {
    harness.server.seed({ id: 'taken', name: 'Someone else', description: null });
    const invocation = await invoke(harness, handler(), { id: 'taken', name: 'Mine' });

    expect(invocation.statusCode).toBe(400);
    expect(invocation.body).toMatchObject({
      errorType: 'GraphqlErrors',
      errors: [
        { errorType: 'Lambda:Unhandled', message: "ConditionalCheckFailedException: The conditional request failed: a Todo with id 'taken' already exists" },
      ],
      data: { createTodo: null },
    });
    expect(operationsSent()).toEqual(['CreateTodo']);
  });

  it('answers 400 when a retry finds a different Todo under the id: a genuine conflict, not its own earlier write', async () => {
    harness.server.seed({ id: 'taken', name: 'Someone else', description: null });
    harness.server.script({ kind: 'status', status: 503, body: '{}' });
    const invocation = await invoke(harness, handler(), { id: 'taken', name: 'Mine' });

    expect(invocation.statusCode).toBe(400);
    expect(operationsSent()).toEqual(['CreateTodo', 'CreateTodo', 'GetTodo']);
    expect(harness.server.todos.get('taken')?.name).toBe('Someone else');
  });

  it('does not retry a create without an id: a lost answer is a 502, never a second Todo', async () => {
    harness.server.script({ kind: 'destroy', afterHandling: true });
    const invocation = await invoke(harness, handler(), { name: 'Once only' });

    expect(invocation.statusCode).toBe(502);
    expect(invocation.body).toMatchObject({ errorType: 'ApiUnreachableError' });
    expect(operationsSent()).toEqual(['CreateTodo']);
    expect(harness.server.createdCount).toBe(1);
  });

  it('answers 400 naming each wrong field of the event', async () => {
    const invocation = await invoke(harness, handler(), { name: '', description: 3, due: 'tomorrow' });

    expect(invocation.statusCode).toBe(400);
    expect(invocation.body).toEqual({
      errorType: 'InvalidEvent',
      message:
        'Invalid CreateTodo event: unknown field "due": the event accepts only name, description, id; ' +
        'name must be a non-empty string, got the string ""; description must be a string, got the number 3',
    });
    expect(harness.server.requests).toHaveLength(0);
  });

  it('answers 502 when the API keeps failing a create with an id, after the retries', async () => {
    harness.server.script(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 502, body: 'Bad Gateway' })));
    const invocation = await invoke(harness, handler(), { id: 'x1', name: 'n' });
    expect(invocation).toMatchObject({ statusCode: 502, body: { errorType: 'ApiHttpError', message: 'CreateTodo got HTTP 502 after 3 attempts' } });
  });

  it('answers 504 when the API does not answer within the invocation time', async () => {
    harness.server.script({ kind: 'hang' });
    const invocation = await invoke(harness, handler(), { name: 'n' }, 1_300);
    expect(invocation).toMatchObject({ statusCode: 504, body: { errorType: 'ApiTimeoutError' } });
  });
});

describe('recognising its own earlier write', () => {
  it('matches the resolver message and a DynamoDB resolver errorType, on createTodo only', () => {
    expect(
      isAlreadyExists([
        { message: "ConditionalCheckFailedException: The conditional request failed: a Todo with id 'x' already exists", path: ['createTodo'] },
      ]),
    ).toBe(true);
    expect(isAlreadyExists([{ message: 'The conditional request failed', errorType: 'DynamoDB:ConditionalCheckFailedException' }])).toBe(true);
    expect(isAlreadyExists([{ message: 'ValidationException: name is too long', path: ['createTodo'] }])).toBe(false);
    expect(isAlreadyExists([{ message: 'ConditionalCheckFailedException: ...', path: ['updateTodo'] }])).toBe(false);
  });

  it('accepts a read-back Todo only when it is the one the event asked for', () => {
    const todo = { id: 'a', name: 'n', description: null, createdAt: 't', updatedAt: 't' };
    expect(isTodoFromInput(todo, { id: 'a', name: 'n' })).toBe(true);
    expect(isTodoFromInput(todo, { id: 'a', name: 'n', description: 'd' })).toBe(false);
    expect(isTodoFromInput(todo, { id: 'a', name: 'other' })).toBe(false);
  });
});
