import type { GetServerSideProps } from 'next';
import { listTodos } from '@generated/graphql/queries';
import { TodoList } from '@/components/todo-list';
import { reqResBasedClient, runWithAmplifyServerContext } from '@/utils/amplify-reqres';
import { describeApiError } from '@/utils/errors';
import { todosOf, type TodoItem } from '@/utils/todos';

type Props = { todos: TodoItem[] | null; error: string | null };

/** Pages Router: getServerSideProps (dynamic on every request) with the req/res-based client. */
export const getServerSideProps: GetServerSideProps<Props> = async ({ req, res }) => {
  try {
    const { data } = await runWithAmplifyServerContext({
      nextServerContext: { request: req, response: res },
      operation: (contextSpec) => reqResBasedClient.graphql(contextSpec, { query: listTodos }),
    });
    return { props: { todos: todosOf(data), error: null } };
  } catch (error) {
    return { props: { todos: null, error: describeApiError(error) } };
  }
};

export default function SsrPage({ todos, error }: Props) {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', margin: '2rem' }}>
      <p>
        <a href="/">Home</a>
      </p>
      <h1>Todos (Pages Router, getServerSideProps)</h1>
      <TodoList todos={todos ?? undefined} error={error ?? undefined} source="getServerSideProps, req/res-based client" />
    </main>
  );
}
