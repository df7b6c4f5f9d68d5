/**
 * A create with a client-chosen id may be retried after an attempt whose outcome is unknown (timeout, dropped
 * connection, 5xx). If that attempt did write the Todo, the retry fails with ConditionalCheckFailedException; the
 * Todo is then read back and returned as the create's result, so the caller sees neither a duplicate nor a false
 * failure.
 */
import type { GraphqlClient } from '../shared/graphql-client';
import { type GraphqlErrorEntry, GraphqlResponseError } from '../shared/graphql-errors';
import { CREATE_TODO, type CreateTodoData, type CreateTodoInput, GET_TODO, type Todo } from '../shared/operations';

export interface CreateTodoResult {
  readonly data: CreateTodoData;
  readonly attempts: number;
}

const CONDITIONAL_CHECK_FAILED = 'ConditionalCheckFailedException';

export async function createTodoIdempotently(client: GraphqlClient, input: CreateTodoInput, deadline: number): Promise<CreateTodoResult> {
  const chosenId = input.id;
  try {
    return await client.request(CREATE_TODO, { input }, { idempotent: chosenId !== undefined, deadline });
  } catch (error) {
    if (chosenId !== undefined && error instanceof GraphqlResponseError && error.earlierAttemptMayHaveApplied && isAlreadyExists(error.errors)) {
      return readBackEarlierCreate(client, chosenId, input, error, deadline);
    }
    throw error;
  }
}

async function readBackEarlierCreate(
  client: GraphqlClient,
  id: string,
  input: CreateTodoInput,
  conflict: GraphqlResponseError,
  deadline: number,
): Promise<CreateTodoResult> {
  const { data, attempts } = await client.request(GET_TODO, { id }, { deadline });
  // A Todo that differs from the input was there before this invocation: a genuine conflict, reported as such.
  if (data.getTodo === null || !isTodoFromInput(data.getTodo, input)) {
    throw conflict;
  }
  return { data: { createTodo: data.getTodo }, attempts: conflict.attempts + attempts };
}

/** The resolver's message starts with the exception name; a DynamoDB resolver puts it in errorType instead. */
export function isAlreadyExists(errors: readonly GraphqlErrorEntry[]): boolean {
  return errors.some(
    (error) =>
      (error.path === undefined || error.path[0] === 'createTodo') &&
      (error.message.startsWith(CONDITIONAL_CHECK_FAILED) || (error.errorType?.endsWith(CONDITIONAL_CHECK_FAILED) ?? false)),
  );
}

export function isTodoFromInput(todo: Todo, input: CreateTodoInput): boolean {
  return todo.id === input.id && todo.name === input.name && todo.description === (input.description ?? null);
}
