import { readFileSync } from 'node:fs';
import { type GraphQLObjectType, getNamedType, parse, validate } from 'graphql';
import { loadProjectSchema, PROJECT_SCHEMA_PATH } from '../support/appsync-schema';

// Copied verbatim from Amplify's docs: they must run unchanged against our schema.
const AMPLIFY_LIST_TODOS = 'query LIST_TODOS { listTodos { items { id name description } } }';
const AMPLIFY_CREATE_TODO = 'mutation CREATE_TODO($input: CreateTodoInput!) { createTodo(input: $input) { id name createdAt } }';

describe('schema/schema.graphql', () => {
  test.each([AMPLIFY_LIST_TODOS, AMPLIFY_CREATE_TODO])("Amplify's document validates: %s", (document) => {
    expect(validate(loadProjectSchema(), parse(document))).toEqual([]);
  });

  test('a document naming an unknown field does not validate', () => {
    const errors = validate(loadProjectSchema(), parse('query { listTodos { items { title } } }'));
    expect(errors.map((error) => error.message)).toEqual([expect.stringContaining('Cannot query field "title" on type "Todo"')]);
  });

  // These hold for the schema as shipped and after a field or a model is added to it (README: Change the schema).
  test("Todo has the shape Amplify's @model gives it", () => {
    const todo = loadProjectSchema().getType('Todo') as GraphQLObjectType;
    const fields = Object.fromEntries(Object.values(todo.getFields()).map((field) => [field.name, String(field.type)]));
    expect(fields).toMatchObject({ id: 'ID!', name: 'String', description: 'String', createdAt: 'AWSDateTime!', updatedAt: 'AWSDateTime!' });
  });

  test("the root operations are Amplify's", () => {
    const schema = loadProjectSchema();
    const names = (type: GraphQLObjectType | null | undefined) => Object.keys(type?.getFields() ?? {}).sort();
    expect(names(schema.getQueryType())).toEqual(expect.arrayContaining(['getTodo', 'listTodos']));
    expect(names(schema.getMutationType())).toEqual(expect.arrayContaining(['createTodo', 'deleteTodo', 'updateTodo']));
    expect(names(schema.getSubscriptionType())).toEqual(expect.arrayContaining(['onCreateTodo', 'onDeleteTodo', 'onUpdateTodo']));
    for (const field of Object.values(schema.getMutationType()?.getFields() ?? {}).filter((f) => f.name.endsWith('Todo'))) {
      expect(field.args.map((arg) => `${arg.name}: ${String(arg.type)}`)).toEqual([
        `input: ${field.name.replace(/^./, (c) => c.toUpperCase())}Input!`,
        'condition: ModelTodoConditionInput',
      ]);
    }
    expect(getNamedType(schema.getQueryType()!.getFields().listTodos.type).name).toBe('ModelTodoConnection');
  });

  test('the filter and condition inputs carry every Amplify operator', () => {
    const stringInput = loadProjectSchema().getType('ModelStringInput') as unknown as { getFields(): Record<string, unknown> };
    expect(Object.keys(stringInput.getFields()).sort()).toEqual(
      ['attributeExists', 'attributeType', 'beginsWith', 'between', 'contains', 'eq', 'ge', 'gt', 'le', 'lt', 'ne', 'notContains', 'size'].sort(),
    );
  });

  test('every object type and every operation is open to both the API key and IAM', () => {
    const text = readFileSync(PROJECT_SCHEMA_PATH, 'utf8');
    const typeLines = text.split('\n').filter((line) => /^type /.test(line));
    expect(typeLines.length).toBeGreaterThanOrEqual(5);
    for (const line of typeLines) expect(line).toMatch(/@aws_api_key @aws_iam \{$/);
    const operationLines = text.split('\n').filter((line) => /^\s+(get|list|create|update|delete|on)[A-Z]\w*[(:]/.test(line));
    expect(operationLines.length).toBeGreaterThanOrEqual(8);
    for (const line of operationLines) expect(line).toMatch(/@aws_api_key @aws_iam$/);
  });

  test('the AppSync scalars are not declared in the schema file (AppSync refuses that)', () => {
    expect(readFileSync(PROJECT_SCHEMA_PATH, 'utf8')).not.toMatch(/^scalar /m);
  });
});
