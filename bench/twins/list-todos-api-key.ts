/**
 * Docs-style twin of the listTodosApiKey caller, written the way Amplify's function template ("AppSync - GraphQL API
 * request (with API key)") does it: node-fetch, the key from the environment. Benchmark baseline only: never deployed.
 */
import fetch, { Request } from 'node-fetch';

const GRAPHQL_ENDPOINT = process.env.API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT as string;
const GRAPHQL_API_KEY = process.env.API_TODOAPI_GRAPHQLAPIKEYOUTPUT as string;

const query = /* GraphQL */ `
  query LIST_TODOS($limit: Int, $nextToken: String) {
    listTodos(limit: $limit, nextToken: $nextToken) {
      items { id name description createdAt updatedAt }
      nextToken
    }
  }
`;

/**
 * @type {import('@types/aws-lambda').APIGatewayProxyHandler}
 */
export const handler = async (event: { limit?: number; nextToken?: string }) => {
  console.log(`EVENT: ${JSON.stringify(event)}`);

  /** @type {import('node-fetch').RequestInit} */
  const options = {
    method: 'POST',
    headers: {
      'x-api-key': GRAPHQL_API_KEY,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ query, variables: { limit: event.limit, nextToken: event.nextToken } }),
  };

  const request = new Request(GRAPHQL_ENDPOINT, options);

  let statusCode = 200;
  let body;
  let response;

  try {
    response = await fetch(request);
    body = await response.json();
    if (body.errors) statusCode = 400;
  } catch (error) {
    statusCode = 400;
    body = {
      errors: [
        {
          status: (error as { status?: number }).status,
          message: (error as Error).message,
          stack: (error as Error).stack,
        },
      ],
    };
  }

  return {
    statusCode,
    body: JSON.stringify(body),
  };
};
