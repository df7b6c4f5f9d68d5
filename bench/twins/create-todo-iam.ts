/**
 * Docs-style twin of the createTodoIam caller, written the way Amplify's function template ("AppSync - GraphQL API
 * request (with IAM)") does it (see ./list-todos-iam.ts). Benchmark baseline only: never deployed.
 */
// The docs write `import crypto from '@aws-crypto/sha256-js'` and `const { Sha256 } = crypto`, which only works as
// a native ES module; bundled as CommonJS (esbuild's default here) the named import is the same class.
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@aws-sdk/protocol-http';
import { SignatureV4 } from '@aws-sdk/signature-v4';
import fetch, { Request } from 'node-fetch';

const GRAPHQL_ENDPOINT = process.env.API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT as string;
const AWS_REGION = process.env.AWS_REGION || 'us-east-1';

const query = /* GraphQL */ `
  mutation CREATE_TODO($input: CreateTodoInput!) {
    createTodo(input: $input) { id name description createdAt updatedAt }
  }
`;

/**
 * @type {import('@types/aws-lambda').APIGatewayProxyHandler}
 */
export const handler = async (event: { name: string; description?: string; id?: string }) => {
  console.log(`EVENT: ${JSON.stringify(event)}`);

  const endpoint = new URL(GRAPHQL_ENDPOINT);

  const signer = new SignatureV4({
    credentials: defaultProvider(),
    region: AWS_REGION,
    service: 'appsync',
    sha256: Sha256,
  });

  const requestToBeSigned = new HttpRequest({
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      host: endpoint.host,
    },
    hostname: endpoint.host,
    body: JSON.stringify({ query, variables: { input: { name: event.name, description: event.description, id: event.id } } }),
    path: endpoint.pathname,
  });

  const signed = await signer.sign(requestToBeSigned);
  const request = new Request(endpoint, signed as never);

  let statusCode = 200;
  let body;
  let response;

  try {
    response = await fetch(request);
    body = await response.json();
    if (body.errors) statusCode = 400;
  } catch (error) {
    statusCode = 500;
    body = {
      errors: [
        {
          message: (error as Error).message,
        },
      ],
    };
  }

  return {
    statusCode,
    body: JSON.stringify(body),
  };
};
