/**
 * The createTodo handler of the API-key callers (lib/callers-stack.ts): the same handler as ./create-todo.ts, built on the
 * API-key-only runtime, so that its bundle carries no SigV4 signer and no credential provider.
 */
import { createCreateTodoHandler } from './create-todo';
import { apiKeyContainerRuntime } from './runtime';

export const handler = createCreateTodoHandler(apiKeyContainerRuntime);
