import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { addNoteModel, addTodoPriority, writeEditedSchema } from '../support/schema-edits';
import { resourcesOfType, synthApp } from '../support/synth';

/** The API stack follows the schema: a table, an environment variable and resolvers per model. */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cdk-schema-models-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const synthWith = (name: string, ...edits: Array<(schema: string) => string>) =>
  synthApp({ context: { 'todo:schemaPath': writeEditedSchema(path.join(dir, name), ...edits) } });

describe('a model added to the schema', () => {
  test('gets its own table, its table variable and a resolver on each of its fields', () => {
    // GIVEN / WHEN
    const { api } = synthWith('note', addTodoPriority, addNoteModel);
    // THEN
    const tables = resourcesOfType(api, 'AWS::DynamoDB::Table');
    expect(Object.keys(tables).map((id) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(['TodoApiTodoTable', 'TodoApiNoteTable']);
    api.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { TODO_TABLE_NAME: Match.anyValue(), NOTE_TABLE_NAME: Match.anyValue(), PAGINATION_TOKEN_KEY: Match.anyValue() } },
    });
    const resolvers = Object.values(resourcesOfType(api, 'AWS::AppSync::Resolver')).map((r) => `${r.Properties!.TypeName}.${r.Properties!.FieldName}`);
    expect(resolvers.sort()).toEqual(
      [
        'Query.getTodo',
        'Query.listTodos',
        'Query.getNote',
        'Query.listNotes',
        'Mutation.createTodo',
        'Mutation.updateTodo',
        'Mutation.deleteTodo',
        'Mutation.createNote',
        'Mutation.updateNote',
        'Mutation.deleteNote',
      ].sort(),
    );
  });

  test('the resolver may read and write both tables', () => {
    const { api } = synthWith('note-grants', addNoteModel);
    const statements = Object.values(resourcesOfType(api, 'AWS::IAM::Policy')).flatMap(
      (policy) => (policy.Properties!.PolicyDocument as { Statement: Array<{ Action: unknown; Resource: unknown }> }).Statement,
    );
    const tableIds = Object.keys(resourcesOfType(api, 'AWS::DynamoDB::Table'));
    for (const tableId of tableIds) {
      expect(JSON.stringify(statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb:PutItem')))).toContain(tableId);
    }
  });

  test('the schema deployed is the edited schema file', () => {
    const schemaPath = writeEditedSchema(path.join(dir, 'deployed'), addNoteModel);
    const { api } = synthApp({ context: { 'todo:schemaPath': schemaPath } });
    api.hasResourceProperties('AWS::AppSync::GraphQLSchema', { Definition: readFileSync(schemaPath, 'utf8') });
  });
});

describe('a schema the resolver cannot serve', () => {
  test('fails the synth, naming the construct, the schema file and the field', () => {
    // GIVEN a root field no model serves
    const schemaPath = writeEditedSchema(path.join(dir, 'unserved'), (schema) =>
      schema.replace('type Query @aws_api_key @aws_iam {', 'type Query @aws_api_key @aws_iam {\n  searchTodos(text: String): [Todo]'),
    );
    // WHEN / THEN
    expect(() => synthApp({ context: { 'todo:schemaPath': schemaPath } })).toThrow(
      `TodoApiStack/TodoApi: ${schemaPath}: Query.searchTodos: no resolver serves this field`,
    );
  });

  test('a schema path that does not exist is a context error with the fix', () => {
    expect(() => synthApp({ context: { 'todo:schemaPath': 'schema/nope.graphql' } })).toThrow(
      /^Context todo:schemaPath: no schema file at .*schema\/nope\.graphql; point it at a \.graphql file, e\.g\. -c todo:schemaPath=schema\/schema\.graphql$/,
    );
  });
});
