import type { NextApiRequest, NextApiResponse } from 'next';
import { createTodo } from '@generated/graphql/mutations';
import { listTodos } from '@generated/graphql/queries';
import { reqResBasedClient, runWithAmplifyServerContext } from '@/utils/amplify-reqres';
import { describeApiError, isUnauthorized } from '@/utils/errors';
import { todosOf } from '@/utils/todos';

/** Pages Router API route: GET lists, POST `{ "name": "..." }` creates, with the req/res-based client. */
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  try {
    if (req.method === 'GET') {
      const { data } = await runWithAmplifyServerContext({
        nextServerContext: { request: req, response: res },
        operation: (contextSpec) => reqResBasedClient.graphql(contextSpec, { query: listTodos }),
      });
      return res.status(200).json({ todos: todosOf(data) });
    }
    if (req.method === 'POST') {
      const name = typeof req.body?.name === 'string' ? req.body.name.trim() : '';
      if (!name) return res.status(400).json({ error: 'Send {"name": "..."} as JSON.' });
      const { data } = await runWithAmplifyServerContext({
        nextServerContext: { request: req, response: res },
        operation: (contextSpec) => reqResBasedClient.graphql(contextSpec, { query: createTodo, variables: { input: { name } } }),
      });
      return res.status(201).json({ todo: data.createTodo });
    }
    res.setHeader('allow', 'GET, POST');
    return res.status(405).json({ error: `${req.method} is not allowed` });
  } catch (error) {
    return res.status(isUnauthorized(error) ? 403 : 502).json({ error: describeApiError(error) });
  }
}
