import { connection } from 'next/server';
import { listTodos } from '@generated/graphql/queries';
import { TodoList } from '@/components/todo-list';
import { cookieBasedClient } from '@/utils/amplify-utils';
import { describeApiError } from '@/utils/errors';
import { todosOf, type TodoItem } from '@/utils/todos';
import { ActionForm } from './action-form';
import { createTodoAction } from './actions';

/** React Server Component listing the Todos with the cookie-based client (API key), and the Server Action's form. */
export default async function HomePage() {
  // The static-render trap: with an API-key-only config the cookie-based client never calls cookies(), so without
  // this Next would render the page once at build time (failing the build when the API is down) and serve that.
  await connection();
  let todos: TodoItem[] | undefined;
  let error: string | undefined;
  try {
    const { data } = await cookieBasedClient.graphql({ query: listTodos });
    todos = todosOf(data);
  } catch (caught) {
    error = describeApiError(caught);
  }
  return (
    <>
      <h1>Todos (React Server Component, API key)</h1>
      <ActionForm action={createTodoAction} submitLabel="Create Todo" testId="create-form">
        <input name="name" placeholder="Name" aria-label="Name" required />
        <input name="description" placeholder="Description" aria-label="Description" />
      </ActionForm>
      <TodoList todos={todos} error={error} source="RSC, cookie-based client" />
    </>
  );
}
