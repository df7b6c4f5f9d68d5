/**
 * Not a test: a type-level check that `tsc --noEmit` (npm test) runs. A server-side handler written the way
 * Amplify's guide "Connect to data from server-side runtimes" does it (POST `{ query, variables }` to the AppSync
 * endpoint with fetch and the API key), using the generated statements (graphql/*.ts) and types (API.ts). Each
 * generated string carries its variables and result types: the helper infers them, so a wrong variable or a field
 * the selection set does not have fails to compile. The `@ts-expect-error` lines keep it honest: if the generated
 * types ever lost their precision (became `any`), those lines would stop erroring and tsc would fail on them.
 */
import type { CreateTodoMutation, CreateTodoMutationVariables, ListTodosQuery, ListTodosQueryVariables, Todo } from '../../../API';
import { createTodo } from '../../../graphql/mutations';
import { getTodo, listTodos } from '../../../graphql/queries';

// The shape of the generated strings (graphql/queries.ts declares it, unexported, as Amplify's codegen writes it;
// @aws-amplify/api-graphql declares the same for its client).
type GeneratedQuery<InputType, OutputType> = string & { __generatedQueryInput: InputType; __generatedQueryOutput: OutputType };
type GeneratedMutation<InputType, OutputType> = string & {
  __generatedMutationInput: InputType;
  __generatedMutationOutput: OutputType;
};

/** The result (`data`) and variables types a generated statement carries. */
export type DataOf<Q> = Q extends GeneratedQuery<any, infer O> ? O : Q extends GeneratedMutation<any, infer O> ? O : never;
export type VariablesOf<Q> = Q extends GeneratedQuery<infer I, any> ? I : Q extends GeneratedMutation<infer I, any> ? I : never;

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

/** The generated strings carry exactly the generated types. */
export type GeneratedStatementTypes = [
  Expect<Equal<DataOf<typeof listTodos>, ListTodosQuery>>,
  Expect<Equal<VariablesOf<typeof listTodos>, ListTodosQueryVariables>>,
  Expect<Equal<DataOf<typeof createTodo>, CreateTodoMutation>>,
  Expect<Equal<VariablesOf<typeof createTodo>, CreateTodoMutationVariables>>,
  // Every Todo selected with __typename, as typename introspection selects it.
  Expect<Equal<NonNullable<NonNullable<ListTodosQuery['listTodos']>['items'][number]>['__typename'], 'Todo'>>,
];

interface GraphQLResponse<Data> {
  data?: Data | null;
  errors?: ReadonlyArray<{ message: string; errorType?: string; path?: ReadonlyArray<string | number> }>;
}

// The environment Amplify gives a function with access to the API (see the README's caller environment).
const GRAPHQL_ENDPOINT = process.env.API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT ?? '';
const GRAPHQL_API_KEY = process.env.API_TODOAPI_GRAPHQLAPIKEYOUTPUT ?? '';

/** POST one generated statement with its variables; the answer is typed by the statement. */
export async function request<Q extends GeneratedQuery<any, any> | GeneratedMutation<any, any>>(
  query: Q,
  variables: VariablesOf<Q>,
): Promise<{ statusCode: number; body: GraphQLResponse<DataOf<Q>> }> {
  const response = await fetch(GRAPHQL_ENDPOINT, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': GRAPHQL_API_KEY },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<DataOf<Q>>;
  return { statusCode: body.errors ? 400 : response.status, body };
}

/** A handler listing Todos, as the guide's sample Lambda does. */
export const listTodosHandler = async (event: { limit?: number; nextToken?: string }) => {
  const variables: ListTodosQueryVariables = { limit: event.limit ?? 20, nextToken: event.nextToken ?? null };
  const { statusCode, body } = await request(listTodos, variables);
  const data: ListTodosQuery | null | undefined = body.data;
  const names: Array<string | null | undefined> = (data?.listTodos?.items ?? []).map((todo) => todo?.name);
  const nextToken: string | null | undefined = data?.listTodos?.nextToken;
  return { statusCode, body: JSON.stringify({ names, nextToken }) };
};

/** A handler creating a Todo, as the guide's sample Lambda does. */
export const createTodoHandler = async (event: { name: string; description?: string }) => {
  const variables: CreateTodoMutationVariables = { input: { name: event.name, description: event.description ?? null } };
  const { statusCode, body } = await request(createTodo, variables);
  const created = body.data?.createTodo;
  const todo: Omit<Todo, '__typename'> | null | undefined = created;
  return { statusCode, body: JSON.stringify({ id: todo?.id, createdAt: todo?.createdAt }) };
};

/** Wrong uses the generated types refuse. Never called. */
export async function wrongUses(): Promise<void> {
  // @ts-expect-error: name is a string (CreateTodoInput.name?: string | null)
  await request(createTodo, { input: { name: 42 } });
  // @ts-expect-error: createTodo needs its input
  await request(createTodo, {});
  // @ts-expect-error: listTodos has no variable named `first`
  await request(listTodos, { first: 10 });
  // @ts-expect-error: getTodo needs an id
  await request(getTodo, {});
  const { body } = await request(listTodos, {});
  // @ts-expect-error: the selection set has no field `title`
  void body.data?.listTodos?.items[0]?.title;
  // @ts-expect-error: limit is a number
  const variables: ListTodosQueryVariables = { limit: 'ten' };
  void variables;
}
