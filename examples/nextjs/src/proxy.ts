import { NextResponse, type NextRequest } from 'next/server';
import { listTodos } from '@generated/graphql/queries';
import { reqResBasedClient, runWithAmplifyServerContext } from '@/utils/amplify-reqres';
import { describeApiError } from '@/utils/errors';
import { todosOf } from '@/utils/todos';

/** Headers the proxy hands the /proxy page (request headers set here, read there with headers()). */
export const PROXY_TODOS_HEADER = 'x-proxy-todos';
export const PROXY_ERROR_HEADER = 'x-proxy-error';

/**
 * Next.js 16's proxy (formerly Middleware): the request/response-based client inside runWithAmplifyServerContext,
 * as the guide's Middleware does. It lists the Todos before the page renders and passes them on in a request header.
 */
export async function proxy(request: NextRequest) {
  const response = NextResponse.next();
  const headers = new Headers(request.headers);
  headers.delete(PROXY_TODOS_HEADER);
  headers.delete(PROXY_ERROR_HEADER);
  try {
    const { data } = await runWithAmplifyServerContext({
      nextServerContext: { request, response },
      operation: (contextSpec) => reqResBasedClient.graphql(contextSpec, { query: listTodos }),
    });
    const todos = todosOf(data).map(({ id, name }) => ({ id, name }));
    headers.set(PROXY_TODOS_HEADER, encodeURIComponent(JSON.stringify(todos)));
  } catch (error) {
    headers.set(PROXY_ERROR_HEADER, encodeURIComponent(describeApiError(error)));
  }
  const next = NextResponse.next({ request: { headers } });
  for (const cookie of response.cookies.getAll()) next.cookies.set(cookie);
  return next;
}

export const config = { matcher: ['/proxy'] };
