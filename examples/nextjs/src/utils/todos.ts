import type { ListTodosQuery } from '@generated/API';

/** A Todo as the generated `listTodos` document selects it (API.ts). */
export type TodoItem = NonNullable<NonNullable<ListTodosQuery['listTodos']>['items'][number]>;

/** The list's Todos, newest first, without the nulls a GraphQL list may hold. */
export function todosOf(data: ListTodosQuery | undefined): TodoItem[] {
  const items = data?.listTodos?.items ?? [];
  return items.filter((item): item is TodoItem => item !== null).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** A GraphQL error of AppSync's that says the caller may not call the field (IAM policy or auth directive). */
export function isUnauthorized(error: unknown): boolean {
  const errors = (error as { errors?: Array<{ errorType?: unknown }> } | null)?.errors;
  return Array.isArray(errors) && errors.some((e) => e?.errorType === 'Unauthorized');
}
