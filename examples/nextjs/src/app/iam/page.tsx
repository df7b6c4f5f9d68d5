import { connection } from 'next/server';
import { listTodos } from '@generated/graphql/queries';
import { TodoList } from '@/components/todo-list';
import { iamClient, runWithIamServerContext } from '@/utils/amplify-utils';
import { describeApiError } from '@/utils/errors';
import { todosOf, type TodoItem } from '@/utils/todos';
import { ActionForm } from '../action-form';
import { createTodoWithIamAction, deleteTodoWithIamAction } from '../actions';

/** The same list signed with the server's own role (IAM): allowed listTodos, getTodo, createTodo; not deleteTodo. */
export default async function IamPage() {
  await connection();
  let todos: TodoItem[] | undefined;
  let error: string | undefined;
  try {
    const { data } = await runWithIamServerContext((contextSpec) => iamClient.graphql(contextSpec, { query: listTodos }));
    todos = todosOf(data);
  } catch (caught) {
    error = describeApiError(caught);
  }
  return (
    <>
      <h1>Todos (IAM, the server&apos;s role)</h1>
      <ActionForm action={createTodoWithIamAction} submitLabel="Create Todo with IAM" testId="iam-create-form">
        <input name="name" placeholder="Name" aria-label="Name" required />
      </ActionForm>
      {todos && todos.length > 0 ? (
        <ActionForm action={deleteTodoWithIamAction} submitLabel={`Delete "${todos[0].name ?? todos[0].id}" with IAM (not granted)`} testId="iam-delete-form">
          <input type="hidden" name="id" value={todos[0].id} />
        </ActionForm>
      ) : null}
      <TodoList todos={todos} error={error} source="IAM, server role" />
    </>
  );
}
