import type { ListTodosQuery } from '@generated/API';

/** A Todo as the generated `listTodos` document selects it (API.ts). */
export type TodoItem = NonNullable<NonNullable<ListTodosQuery['listTodos']>['items'][number]>;

/** The list's Todos, newest first, without the nulls a GraphQL list may hold. */
export function todosOf(data: ListTodosQuery | undefined): TodoItem[] {
  const items = data?.listTodos?.items ?? [];
  return items.filter((item): item is TodoItem => item !== null).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
