import { connection } from 'next/server';
import { createTodo } from '@generated/graphql/mutations';
import { listTodos } from '@generated/graphql/queries';
import { iamClient, runWithIamServerContext } from '@/utils/amplify-utils';
import { describeApiError, isUnauthorized } from '@/utils/errors';
import { todosOf } from '@/utils/todos';

/** Route Handler, GET with IAM (the server's role, granted Query.listTodos). */
export async function GET() {
  await connection();
  try {
    const { data } = await runWithIamServerContext((contextSpec) => iamClient.graphql(contextSpec, { query: listTodos }));
    return Response.json({ todos: todosOf(data) });
  } catch (error) {
    return Response.json({ error: describeApiError(error) }, { status: isUnauthorized(error) ? 403 : 502 });
  }
}

/** Route Handler, POST with IAM (granted Mutation.createTodo). */
export async function POST(request: Request) {
  const body = (await request.json().catch(() => undefined)) as { name?: unknown } | undefined;
  if (!body || typeof body.name !== 'string' || body.name.trim() === '') return Response.json({ error: 'Send {"name": "..."} as JSON.' }, { status: 400 });
  try {
    const { data } = await runWithIamServerContext((contextSpec) => iamClient.graphql(contextSpec, { query: createTodo, variables: { input: { name: body.name as string } } }));
    return Response.json({ todo: data.createTodo }, { status: 201 });
  } catch (error) {
    return Response.json({ error: describeApiError(error) }, { status: isUnauthorized(error) ? 403 : 502 });
  }
}
