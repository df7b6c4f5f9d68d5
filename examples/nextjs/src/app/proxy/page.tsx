import { headers } from 'next/headers';
import { TodoList } from '@/components/todo-list';
import type { TodoItem } from '@/utils/todos';

const PROXY_TODOS_HEADER = 'x-proxy-todos';
const PROXY_ERROR_HEADER = 'x-proxy-error';

/** Shows what the proxy (src/proxy.ts) read with the req/res-based client; headers() makes it dynamic. */
export default async function ProxyPage() {
  const incoming = await headers();
  const encodedTodos = incoming.get(PROXY_TODOS_HEADER);
  const encodedError = incoming.get(PROXY_ERROR_HEADER);
  let todos: TodoItem[] | undefined;
  let error: string | undefined;
  if (encodedError !== null) error = decodeURIComponent(encodedError);
  else if (encodedTodos !== null) todos = (JSON.parse(decodeURIComponent(encodedTodos)) as Array<{ id: string; name?: string | null }>).map((t) => ({ ...t, __typename: 'Todo', createdAt: '', updatedAt: '' }));
  else error = 'the proxy did not run for this request';
  return (
    <>
      <h1>Todos (proxy / middleware, req/res-based client)</h1>
      <TodoList todos={todos} error={error} source="proxy, req/res-based client" />
    </>
  );
}
