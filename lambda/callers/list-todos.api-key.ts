/**
 * The listTodos handler of the API-key callers (lib/callers-stack.ts): the same handler as ./list-todos.ts, built on the
 * API-key-only runtime, so that its bundle carries no SigV4 signer and no credential provider.
 */
import { createListTodosHandler } from './list-todos';
import { apiKeyContainerRuntime } from './runtime';

export const handler = createListTodosHandler(apiKeyContainerRuntime);
