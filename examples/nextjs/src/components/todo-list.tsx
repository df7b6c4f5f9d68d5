import type { TodoItem } from '@/utils/todos';

/** The Todos, or the API's error as a readable message; the same markup on every page (the e2e test reads it). */
export function TodoList({ todos, error, source }: { todos?: readonly TodoItem[]; error?: string; source: string }) {
  if (error !== undefined) {
    return (
      <p role="alert" className="error" data-testid="api-error">
        Could not list the Todos ({source}): {error}
      </p>
    );
  }
  if (!todos || todos.length === 0) return <p data-testid="no-todos">No Todos yet ({source}).</p>;
  return (
    <ul data-testid="todos" data-source={source}>
      {todos.map((todo) => (
        <li key={todo.id} data-testid="todo" data-id={todo.id}>
          <strong>{todo.name ?? '(no name)'}</strong>
          {todo.description ? <> — {todo.description}</> : null} <small>{todo.id}</small>
        </li>
      ))}
    </ul>
  );
}
