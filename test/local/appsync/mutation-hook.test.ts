/**
 * The hook after each mutation (the seam subscriptions will hang on): it hears every executed mutation's top-level
 * fields, with what the client selected, and nothing that was refused or only read.
 */
import { LIST_ONLY_ROLE, NOW, TODO_API_ID, todoApi, VALID_KEY } from './fixture';
import { gql, post, send, signRequest, startServer, type TestServer } from './harness';

let server: TestServer;
beforeEach(async () => {
  server = await startServer([todoApi()], { now: () => NOW });
});
afterEach(async () => {
  await server?.close();
});

const url = () => `${server.base}/graphql`;
const withKey = (body: string) => post(url(), body, { 'x-api-key': VALID_KEY });

test('GIVEN a mutation with two aliased fields WHEN it runs THEN the hook hears each field, by field name, with the selected value', async () => {
  const response = await withKey(
    gql('mutation TWO { first: createTodo(input: { id: "h1", name: "one" }) { id name } second: createTodo(input: { id: "h2", name: "two" }) { id } }'),
  );
  expect(response.status).toBe(200);
  expect(server.mutations.map(({ apiId, fieldName, value, auth }) => ({ apiId, fieldName, value, mode: auth.mode }))).toEqual([
    { apiId: TODO_API_ID, fieldName: 'createTodo', value: { id: 'h1', name: 'one' }, mode: 'API_KEY' },
    { apiId: TODO_API_ID, fieldName: 'createTodo', value: { id: 'h2' }, mode: 'API_KEY' },
  ]);
});

test('GIVEN a query WHEN it runs THEN the hook hears nothing', async () => {
  expect((await withKey(gql('query { listTodos { items { id } } }'))).status).toBe(200);
  expect(server.mutations).toEqual([]);
});

test('GIVEN a mutation the caller may not run WHEN it is refused THEN the hook hears nothing', async () => {
  const request = await signRequest(url(), {
    credentials: LIST_ONLY_ROLE.credentials,
    body: gql('mutation { createTodo(input: { name: "x" }) { id } }'),
    signingDate: NOW,
  });
  expect((await send(request)).status).toBe(401);
  expect((await withKey(gql('mutation { createTodo(input: { name: 1 }) { id } }'))).status).toBe(200);
  expect(server.mutations).toEqual([]);
});
