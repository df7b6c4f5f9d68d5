/** The operation documents the callers send, validated against schema/schema.graphql with graphql-js. */

import { readFileSync } from 'node:fs';
import { buildSchema, type DocumentNode, Kind, type OperationDefinitionNode, parse, validate } from 'graphql';
import { CREATE_TODO, GET_TODO, type GraphqlOperation, LIST_TODOS } from '../../../lambda/shared/operations';
import { APPSYNC_PRELUDE, buildAppSyncSchema, loadProjectSchema, PROJECT_SCHEMA_PATH } from '../../support/appsync-schema';

const schema = loadProjectSchema();
const operations: ReadonlyArray<GraphqlOperation<unknown, unknown>> = [LIST_TODOS, CREATE_TODO, GET_TODO];

function onlyOperation(document: DocumentNode): OperationDefinitionNode {
  const definitions = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  expect(document.definitions).toHaveLength(1);
  return definitions[0];
}

describe.each(operations.map((operation) => [operation.operationName, operation] as const))('%s', (_name, operation) => {
  const document = parse(operation.query);

  it('is valid against schema/schema.graphql', () => {
    expect(validate(schema, document).map((error) => error.message)).toEqual([]);
  });

  it('declares the operation name and type the client relies on', () => {
    const definition = onlyOperation(document);
    expect(definition.name?.value).toBe(operation.operationName);
    expect(definition.operation).toBe(operation.operationType);
  });
});

it('selects every Todo field in each operation', () => {
  expect(LIST_TODOS.query).toMatch(/items \{ id name description createdAt updatedAt \}\s+nextToken/);
  for (const operation of [CREATE_TODO, GET_TODO]) {
    expect(operation.query).toMatch(/\{ id name description createdAt updatedAt \}/);
  }
});

describe('the AppSync prelude helper', () => {
  it('is what makes the project schema buildable by graphql-js', () => {
    expect(() => buildSchema(readFileSync(PROJECT_SCHEMA_PATH, 'utf8'))).toThrow(/AWSDateTime|aws_api_key/);
    expect(APPSYNC_PRELUDE).toContain('directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION');
  });

  it('lets validation catch a document that does not match the schema', () => {
    const wrong = parse('query { listTodos(limit: "ten") { items { id title } } }');
    const messages = validate(buildAppSyncSchema(readFileSync(PROJECT_SCHEMA_PATH, 'utf8')), wrong).map((error) => error.message);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/Int cannot represent/), expect.stringMatching(/Cannot query field "title"/)]));
  });
});
