/** Lists Todos: event `{ limit?, nextToken?, filter? }` → `{ statusCode, body }` with the `listTodos` page. */
import type { Context } from 'aws-lambda';
import { LIST_TODOS, type ListTodosVariables } from '../shared/operations';
import { parseListTodosEvent } from './events';
import { type CallerOperation, createCallerHandler } from './invocation';
import type { CallerResponse } from './responses';
import { containerRuntime, type RuntimeProvider } from './runtime';

export const listTodosOperation: CallerOperation<ListTodosVariables> = {
  name: LIST_TODOS.operationName,
  parseEvent: parseListTodosEvent,
  run: ({ client }, variables, deadline) => client.request(LIST_TODOS, variables, { deadline }),
};

export function createListTodosHandler(getRuntime: RuntimeProvider): (event: unknown, context: Context) => Promise<CallerResponse> {
  return createCallerHandler(listTodosOperation, getRuntime);
}

// Pure: the API-key entry point imports this module for createListTodosHandler only, and must not keep the generic runtime.
export const handler = /* @__PURE__ */ createListTodosHandler(containerRuntime);
