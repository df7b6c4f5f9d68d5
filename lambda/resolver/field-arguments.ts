import { describe } from './describe-value';
import { ValidationError } from './errors';
import type { ModelTodoConditionInput, ModelTodoFilterInput } from './model-expression';

/*
 * Checks each field's `arguments` before anything depends on them. Behind
 * AppSync, GraphQL validation already guarantees most of this; the checks are
 * cheap and make a hand-written Invoke (or a schema drift) fail with a clear
 * message instead of a TypeError deep inside.
 *
 * Filter and condition objects are only checked to be objects here; their
 * contents are validated field by field while they are translated.
 */

export interface GetTodoArguments {
  id: string;
}

export interface ListTodosArguments {
  filter?: ModelTodoFilterInput | null;
  limit?: number | null;
  nextToken?: string | null;
}

export interface CreateTodoInput {
  id?: string | null;
  name?: string | null;
  description?: string | null;
}

export interface UpdateTodoInput {
  id: string;
  name?: string | null;
  description?: string | null;
}

export interface DeleteTodoInput {
  id: string;
}

export interface MutationArguments<Input> {
  input: Input;
  condition?: ModelTodoConditionInput | null;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** listTodos' `limit`, defaulted; used for parsed and typed callers alike. */
export function pageSizeFrom(limit: unknown): number {
  if (limit === null || limit === undefined) return DEFAULT_PAGE_SIZE;
  if (typeof limit === 'number' && Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE_SIZE) return limit;
  throw new ValidationError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE} (got ${describe(limit)})`);
}

const SERVER_OWNED_FIELDS = ['createdAt', 'updatedAt', '__typename'];

export function parseGetTodoArguments(raw: unknown): GetTodoArguments {
  const args = requireObject(raw, 'arguments', ['id']);
  return { id: requireId(args.id, 'id') };
}

export function parseListTodosArguments(raw: unknown): ListTodosArguments {
  const args = requireObject(raw, 'arguments', ['filter', 'limit', 'nextToken']);
  return {
    filter: optionalObject(args.filter, 'filter') as ModelTodoFilterInput | null,
    limit: pageSizeFrom(args.limit),
    nextToken: optionalString(args.nextToken, 'nextToken'),
  };
}

export function parseCreateTodoArguments(raw: unknown): MutationArguments<CreateTodoInput> {
  const args = requireObject(raw, 'arguments', ['input', 'condition']);
  const input = requireInput(args.input, ['id', 'name', 'description']);
  return {
    input: {
      id: input.id === null || input.id === undefined ? null : requireId(input.id, 'input.id'),
      name: optionalString(input.name, 'input.name'),
      description: optionalString(input.description, 'input.description'),
    },
    condition: optionalObject(args.condition, 'condition') as ModelTodoConditionInput | null,
  };
}

export function parseUpdateTodoArguments(raw: unknown): MutationArguments<UpdateTodoInput> {
  const args = requireObject(raw, 'arguments', ['input', 'condition']);
  const input = requireInput(args.input, ['id', 'name', 'description']);
  return {
    input: {
      id: requireId(input.id, 'input.id'),
      // Omitted and null mean different things here (untouched vs removed), so omission is kept.
      ...('name' in input ? { name: optionalString(input.name, 'input.name') } : {}),
      ...('description' in input ? { description: optionalString(input.description, 'input.description') } : {}),
    },
    condition: optionalObject(args.condition, 'condition') as ModelTodoConditionInput | null,
  };
}

export function parseDeleteTodoArguments(raw: unknown): MutationArguments<DeleteTodoInput> {
  const args = requireObject(raw, 'arguments', ['input', 'condition']);
  const input = requireInput(args.input, ['id']);
  return {
    input: { id: requireId(input.id, 'input.id') },
    condition: optionalObject(args.condition, 'condition') as ModelTodoConditionInput | null,
  };
}

function requireInput(raw: unknown, allowedKeys: readonly string[]): Record<string, unknown> {
  if (raw === null || raw === undefined) throw new ValidationError('input is required');
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    const serverOwned = Object.keys(raw).find((key) => SERVER_OWNED_FIELDS.includes(key));
    if (serverOwned !== undefined) {
      throw new ValidationError(`input.${serverOwned} cannot be set; the server sets ${SERVER_OWNED_FIELDS.join(', ')}`);
    }
  }
  return requireObject(raw, 'input', allowedKeys);
}

function requireObject(raw: unknown, path: string, allowedKeys: readonly string[]): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError(`${path} must be an object (got ${describe(raw)})`);
  }
  const unknownKey = Object.keys(raw).find((key) => !allowedKeys.includes(key));
  if (unknownKey !== undefined) {
    throw new ValidationError(`unknown field '${unknownKey}' in ${path}; expected ${allowedKeys.join(', ')}`);
  }
  return raw as Record<string, unknown>;
}

function requireId(raw: unknown, path: string): string {
  // DynamoDB refuses an empty partition key; saying so here names the argument.
  if (typeof raw !== 'string' || raw.length === 0) {
    throw new ValidationError(`${path} must be a non-empty string (got ${describe(raw)})`);
  }
  return raw;
}

function optionalString(raw: unknown, path: string): string | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'string') throw new ValidationError(`${path} must be a string or null (got ${describe(raw)})`);
  return raw;
}


function optionalObject(raw: unknown, path: string): object | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ValidationError(`${path} must be an input object or null (got ${describe(raw)})`);
  }
  return raw;
}
