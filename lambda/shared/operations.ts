/**
 * The GraphQL documents the callers send, with the TypeScript shapes of their variables and data. The documents are
 * hand-picked (a caller asks for what it returns); their types are the generated ones (API.ts, `npm run codegen`), so a
 * field renamed or retyped in the schema fails the build here. test/lambda/shared/operations.test.ts validates every
 * document against schema/schema.graphql.
 */
import type * as APITypes from '../../API';

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

export type OperationType = 'query' | 'mutation';

export interface GraphqlOperation<TData, TVariables> {
  readonly operationName: string;
  /** Decides whether a failed attempt may be retried without the caller vouching for idempotency. */
  readonly operationType: OperationType;
  readonly query: string;
  /** Never set: carries the data and variables types so `request()` can infer them from the operation. */
  readonly types?: { readonly data: TData; readonly variables: TVariables };
}

/** A Todo as the callers select it: the generated model type (API.ts, from the schema), with the fields picked below. */
export type Todo = Readonly<Pick<APITypes.Todo, 'id' | 'name' | 'description' | 'createdAt' | 'updatedAt'>>;

/** ModelTodoFilterInput is a recursive tree of per-field conditions; AppSync validates it, so it stays JSON here. */
export type ModelTodoFilterInput = JsonObject;

export type ListTodosVariables = Readonly<Omit<APITypes.ListTodosQueryVariables, 'filter' | 'limit' | 'nextToken'>> & {
  readonly filter?: ModelTodoFilterInput;
  readonly limit?: number;
  readonly nextToken?: string;
};

export interface ListTodosData {
  readonly listTodos: { readonly items: ReadonlyArray<Todo | null>; readonly nextToken: string | null } | null;
}

/** What the create callers send: the schema's CreateTodoInput, with the name they require. */
export type CreateTodoInput = Readonly<Pick<APITypes.CreateTodoInput, 'description'>> & {
  readonly id?: string;
  readonly name: string;
  readonly description?: string;
};

export type CreateTodoVariables = Readonly<Omit<APITypes.CreateTodoMutationVariables, 'input' | 'condition'>> & {
  readonly input: CreateTodoInput;
};

export interface CreateTodoData {
  readonly createTodo: Todo | null;
}

export type GetTodoVariables = Readonly<APITypes.GetTodoQueryVariables>;

export interface GetTodoData {
  readonly getTodo: Todo | null;
}

/** The Todo fields every operation asks for: what the `Todo` type above declares, kept in one place. */
const TODO_FIELDS = '{ id name description createdAt updatedAt }';

export const LIST_TODOS: GraphqlOperation<ListTodosData, ListTodosVariables> = {
  operationName: 'ListTodos',
  operationType: 'query',
  query: `query ListTodos($filter: ModelTodoFilterInput, $limit: Int, $nextToken: String) {
  listTodos(filter: $filter, limit: $limit, nextToken: $nextToken) {
    items ${TODO_FIELDS}
    nextToken
  }
}`,
};

export const CREATE_TODO: GraphqlOperation<CreateTodoData, CreateTodoVariables> = {
  operationName: 'CreateTodo',
  operationType: 'mutation',
  query: `mutation CreateTodo($input: CreateTodoInput!) {
  createTodo(input: $input) ${TODO_FIELDS}
}`,
};

export const GET_TODO: GraphqlOperation<GetTodoData, GetTodoVariables> = {
  operationName: 'GetTodo',
  operationType: 'query',
  query: `query GetTodo($id: ID!) {
  getTodo(id: $id) ${TODO_FIELDS}
}`,
};
