/**
 * Creates a Todo: event `{ name, description?, id? }` → `{ statusCode, body }` with the `createTodo` result.
 * With an `id` the create is idempotent, so it is retried, and a retry that finds the Todo already written returns it.
 */
import type { Context } from 'aws-lambda';
import { CREATE_TODO, type CreateTodoInput } from '../shared/operations';
import { createTodoIdempotently } from './create-todo-recovery';
import { parseCreateTodoEvent } from './events';
import { type CallerOperation, createCallerHandler } from './invocation';
import type { CallerResponse } from './responses';
import { containerRuntime, type RuntimeProvider } from './runtime';

export const createTodoOperation: CallerOperation<CreateTodoInput> = {
  name: CREATE_TODO.operationName,
  parseEvent: parseCreateTodoEvent,
  run: ({ client }, input, deadline) => createTodoIdempotently(client, input, deadline),
};

export function createCreateTodoHandler(getRuntime: RuntimeProvider): (event: unknown, context: Context) => Promise<CallerResponse> {
  return createCallerHandler(createTodoOperation, getRuntime);
}

// Pure: the API-key entry point imports this module for createCreateTodoHandler only, and must not keep the generic runtime.
export const handler = /* @__PURE__ */ createCreateTodoHandler(containerRuntime);
