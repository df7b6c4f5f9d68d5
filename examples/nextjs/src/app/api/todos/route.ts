import { connection } from 'next/server';
import { createTodo } from '@generated/graphql/mutations';
import { listTodos } from '@generated/graphql/queries';
import { cookieBasedClient } from '@/utils/amplify-utils';
import { describeApiError, isUnauthorized } from '@/utils/errors';
import { todosOf } from '@/utils/todos';

/** Route Handler, GET: the Todos, with the cookie-based client (API key). */
export async function GET() {
  await connection();
  try {
    const { data } = await cookieBasedClient.graphql({ query: listTodos });
    return Response.json({ todos: todosOf(data) });
  } catch (error) {
    return Response.json({ error: describeApiError(error) }, { status: isUnauthorized(error) ? 403 : 502 });
  }
}

/** Route Handler, POST `{ "name": "...", "description": "..." }`: creates a Todo. */
export async function POST(request: Request) {
  const body = (await request.json().catch(() => undefined)) as { name?: unknown; description?: unknown } | undefined;
  if (!body || typeof body.name !== 'string' || body.name.trim() === '') return Response.json({ error: 'Send {"name": "..."} as JSON.' }, { status: 400 });
  const input = { name: body.name.trim(), ...(typeof body.description === 'string' ? { description: body.description } : {}) };
  try {
    const { data } = await cookieBasedClient.graphql({ query: createTodo, variables: { input } });
    return Response.json({ todo: data.createTodo }, { status: 201 });
  } catch (error) {
    return Response.json({ error: describeApiError(error) }, { status: isUnauthorized(error) ? 403 : 502 });
  }
}
