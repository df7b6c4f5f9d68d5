/**
 * The events the callers accept, checked by pure functions that name every wrong field and what it should be, so a
 * person running `aws lambda invoke` can fix the payload from the answer alone.
 */
import { isJsonObject, isPlainObject } from '../shared/json';
import type { CreateTodoInput, ListTodosVariables } from '../shared/operations';

export type EventParse<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly string[] };

export const MAX_LIST_LIMIT = 1000;

const LIST_FIELDS = ['limit', 'nextToken', 'filter'] as const;
const CREATE_FIELDS = ['name', 'description', 'id'] as const;

/** `{ limit?: integer 1..1000, nextToken?: string, filter?: object }`; no payload at all lists the first page. */
export function parseListTodosEvent(event: unknown): EventParse<ListTodosVariables> {
  if (event === null || event === undefined) {
    return { ok: true, value: {} };
  }
  if (!isPlainObject(event)) {
    return { ok: false, problems: [`the event must be a JSON object like {"limit":10}, got ${describe(event)}`] };
  }
  const problems = unknownFieldProblems(event, LIST_FIELDS);
  const { limit, nextToken, filter } = event;
  if (isPresent(limit) && !(Number.isInteger(limit) && typeof limit === 'number' && limit >= 1 && limit <= MAX_LIST_LIMIT)) {
    problems.push(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${describe(limit)}`);
  }
  if (isPresent(nextToken) && typeof nextToken !== 'string') {
    problems.push(`nextToken must be a string (the nextToken of the previous page), got ${describe(nextToken)}`);
  }
  if (isPresent(filter) && !isJsonObject(filter)) {
    problems.push(`filter must be a ModelTodoFilterInput object such as {"name":{"contains":"milk"}}, got ${describe(filter)}`);
  }
  if (problems.length > 0) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    value: {
      ...(typeof limit === 'number' ? { limit } : {}),
      ...(typeof nextToken === 'string' ? { nextToken } : {}),
      ...(isJsonObject(filter) ? { filter } : {}),
    },
  };
}

/** `{ name: non-empty string, description?: string, id?: string }`; an id makes the create safe to retry. */
export function parseCreateTodoEvent(event: unknown): EventParse<CreateTodoInput> {
  if (!isPlainObject(event)) {
    return { ok: false, problems: [`the event must be a JSON object like {"name":"Buy milk"}, got ${describe(event)}`] };
  }
  const problems = unknownFieldProblems(event, CREATE_FIELDS);
  const { name, description, id } = event;
  if (typeof name !== 'string' || name.trim() === '') {
    problems.push(`name must be a non-empty string, got ${describe(name)}`);
  }
  if (isPresent(description) && typeof description !== 'string') {
    problems.push(`description must be a string, got ${describe(description)}`);
  }
  if (isPresent(id) && (typeof id !== 'string' || id.trim() === '')) {
    problems.push(`id must be a non-empty string (choose it to make the create safe to retry), got ${describe(id)}`);
  }
  if (problems.length > 0 || typeof name !== 'string') {
    return { ok: false, problems };
  }
  return {
    ok: true,
    value: {
      name,
      ...(typeof description === 'string' ? { description } : {}),
      ...(typeof id === 'string' ? { id } : {}),
    },
  };
}

export function unknownFieldProblems(event: Readonly<Record<string, unknown>>, known: readonly string[]): string[] {
  return Object.keys(event)
    .filter((key) => !known.includes(key))
    .map((key) => `unknown field ${JSON.stringify(key)}: the event accepts only ${known.join(', ')}`);
}

// Optional fields may be null, as in a pagination loop that passes the previous page's `nextToken: null` back.
export function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function describe(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `the string ${JSON.stringify(`${value.slice(0, 40)}…`)}` : `the string ${JSON.stringify(value)}`;
    case 'number':
    case 'boolean':
      return `the ${typeof value} ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
