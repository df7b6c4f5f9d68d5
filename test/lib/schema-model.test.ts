import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readApiModels, SchemaModelError } from '../../lib/schema-model';
import { SCHEMA_PATH } from '../../lib/todo-api';
import { addNoteModel, addTodoPriority, writeEditedSchema } from '../support/schema-edits';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'schema-model-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The app's schema with `edit` applied, in a file of its own. */
function schemaWith(name: string, edit: (schema: string) => string): string {
  return writeEditedSchema(path.join(dir, name), edit);
}

function problemsOf(schemaPath: string): readonly string[] {
  try {
    readApiModels(schemaPath);
  } catch (error) {
    expect(error).toBeInstanceOf(SchemaModelError);
    expect((error as Error).message.startsWith(`${schemaPath}:`)).toBe(true);
    return (error as SchemaModelError).problems;
  }
  throw new Error(`expected ${schemaPath} to be refused`);
}

describe('the models of schema/schema.graphql', () => {
  // Written to hold for the app's schema as shipped and after a field is added (README: Change the schema).
  test('one model, Todo, with every field, input, filter and operation read from the schema', () => {
    // WHEN
    const { models, operatorInputs, enums } = readApiModels(SCHEMA_PATH);
    // THEN
    expect(models.map((model) => model.name)).toEqual(['Todo']);
    const [todo] = models;
    expect(todo).toMatchObject({
      key: 'id',
      tableVariable: 'TODO_TABLE_NAME',
      timestamps: ['createdAt', 'updatedAt'],
      operations: { get: 'getTodo', list: 'listTodos', create: 'createTodo', update: 'updateTodo', delete: 'deleteTodo' },
    });
    expect(todo.fields).toMatchObject({
      id: { name: 'ID', nonNull: true },
      name: { name: 'String' },
      description: { name: 'String' },
      createdAt: { name: 'AWSDateTime', nonNull: true },
      updatedAt: { name: 'AWSDateTime', nonNull: true },
    });
    expect(Object.keys(todo.createInput!)).toEqual(expect.arrayContaining(['id', 'name', 'description']));
    expect(Object.keys(todo.createInput!)).not.toContain('createdAt');
    expect(todo.updateInput!.id).toEqual({ name: 'ID', nonNull: true });
    expect(todo.filter).toMatchObject({
      id: 'ModelIDInput',
      name: 'ModelStringInput',
      description: 'ModelStringInput',
      createdAt: 'ModelStringInput',
      updatedAt: 'ModelStringInput',
    });
    expect(Object.keys(todo.condition!)).toEqual(expect.arrayContaining(['name', 'description', 'createdAt', 'updatedAt']));
    expect(operatorInputs.ModelStringInput.between).toEqual({ name: 'String', list: true });
    expect(operatorInputs.ModelStringInput.size).toEqual({ name: 'ModelSizeInput' });
    expect(Object.keys(operatorInputs.ModelSizeInput)).toEqual(['ne', 'eq', 'le', 'lt', 'ge', 'gt', 'between']);
    expect(enums.ModelAttributeTypes).toContain('_null');
  });

  test('an added field is a field of the model, its inputs and its filters, with its own operand type', () => {
    const { models, operatorInputs } = readApiModels(schemaWith('priority', addTodoPriority));
    const [todo] = models;
    expect(todo.fields.priority).toEqual({ name: 'Int' });
    expect(todo.createInput!.priority).toEqual({ name: 'Int' });
    expect(todo.updateInput!.priority).toEqual({ name: 'Int' });
    expect(todo.filter!.priority).toBe('ModelIntInput');
    expect(todo.condition!.priority).toBe('ModelIntInput');
    expect(operatorInputs.ModelIntInput.gt).toEqual({ name: 'Int' });
  });

  test('an added model gets its own operations, table variable and enums', () => {
    const { models, enums } = readApiModels(schemaWith('note', (schema) => addNoteModel(addTodoPriority(schema))));
    expect(models.map((model) => model.name)).toEqual(['Todo', 'Note']);
    const note = models[1];
    expect(note.tableVariable).toBe('NOTE_TABLE_NAME');
    expect(note.operations).toEqual({ get: 'getNote', list: 'listNotes', create: 'createNote', update: 'updateNote', delete: 'deleteNote' });
    expect(note.createInput!.title).toEqual({ name: 'String', nonNull: true });
    expect(note.fields.tags).toEqual({ name: 'String', list: true });
    expect(enums.NoteColor).toEqual(['RED', 'GREEN']);
  });
});

describe('a schema the resolver cannot serve fails here, naming each field', () => {
  test('a root field no model serves', () => {
    const schemaPath = schemaWith('unserved', (schema) =>
      schema
        .replace('type Query @aws_api_key @aws_iam {', 'type Query @aws_api_key @aws_iam {\n  searchTodos(text: String): [Todo]')
        .replace('type Mutation @aws_api_key @aws_iam {', 'type Mutation @aws_api_key @aws_iam {\n  archiveAll: Boolean'),
    );
    const problems = problemsOf(schemaPath);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^Query\.searchTodos: no resolver serves this field/);
    expect(problems[1]).toMatch(/^Mutation\.archiveAll: no resolver serves this field/);
  });

  test('a field of an object type (a relationship)', () => {
    const schemaPath = schemaWith('relation', (schema) =>
      addNoteModel(schema).replace('type Todo @aws_api_key @aws_iam {', 'type Todo @aws_api_key @aws_iam {\n  note: Note'),
    );
    expect(problemsOf(schemaPath)).toEqual([expect.stringMatching(/^Todo\.note: its type Note is not a scalar or an enum/)]);
  });

  test('an input field the model does not have', () => {
    // (A name the README's own edit, priority, never adds.)
    const schemaPath = schemaWith('input-only', (schema) => schema.replace('input CreateTodoInput {', 'input CreateTodoInput {\n  dueBy: AWSDate'));
    expect(problemsOf(schemaPath)).toEqual(['CreateTodoInput.dueBy: Todo has no field dueBy; add it to type Todo too']);
  });

  test('a filter on a field the model does not have, and an operator input the schema lacks', () => {
    const schemaPath = schemaWith('filter-only', (schema) =>
      schema.replace('input ModelTodoFilterInput {', 'input ModelTodoFilterInput {\n  dueBy: ModelStringInput'),
    );
    expect(problemsOf(schemaPath)).toEqual(['ModelTodoFilterInput.dueBy: Todo has no field dueBy; add it to type Todo too']);
    const missingInput = schemaWith('missing-operator-input', (schema) =>
      schema
        .replace('type Todo @aws_api_key @aws_iam {', 'type Todo @aws_api_key @aws_iam {\n  dueBy: AWSDate')
        .replace('input ModelTodoFilterInput {', 'input ModelTodoFilterInput {\n  dueBy: ModelAWSDateInput'),
    );
    expect(problemsOf(missingInput)).toEqual(['ModelAWSDateInput: the schema uses it but does not declare it']);
  });

  test('an operator the resolver cannot translate', () => {
    const schemaPath = schemaWith('operator', (schema) => schema.replace('input ModelStringInput {', 'input ModelStringInput {\n  like: String'));
    expect(problemsOf(schemaPath)).toEqual([expect.stringMatching(/^ModelStringInput\.like: not an operator the model resolver translates/)]);
  });

  test('an unknown type outside the models (which the model reader does not read) fails too, located, with the offending line', () => {
    const schemaPath = schemaWith('unknown-type', (schema) =>
      schema.replace(
        'type ModelTodoConnection @aws_api_key @aws_iam {\n  items: [Todo]!\n',
        'type ModelTodoConnection @aws_api_key @aws_iam {\n  items: [Todo]!\n  owner: Person\n',
      ),
    );
    const line = readFileSync(schemaPath, 'utf8').split('\n').indexOf('  owner: Person') + 1;
    expect(problemsOf(schemaPath)).toEqual([
      `${schemaPath}:${line}:10: Unknown type "Person".\n  ${line} |   owner: Person\n${' '.repeat(`  ${line} | `.length + 9)}^`,
    ]);
  });

  test('an unknown directive and a redeclared AWS scalar fail, located', () => {
    const directive = schemaWith('unknown-directive', (schema) => schema.replace('type Todo @aws_api_key @aws_iam {', 'type Todo @aws_api_key @aws_iamm {'));
    expect(problemsOf(directive)).toEqual([expect.stringMatching(/:\d+:\d+: Unknown directive "@aws_iamm"\.\n/)]);
    const scalar = schemaWith('redeclared-scalar', (schema) => `${schema}\nscalar AWSDateTime\n`);
    expect(problemsOf(scalar)).toEqual([expect.stringMatching(/:\d+:8: There can be only one type named "AWSDateTime"\.\n.*scalar AWSDateTime/)]);
  });

  test('a syntax error names the file, line and column', () => {
    const schemaPath = path.join(dir, 'broken.graphql');
    writeFileSync(schemaPath, 'type Todo {\n  id: ID!\n  name String\n}\n');
    expect(() => readApiModels(schemaPath)).toThrow(new RegExp(`^${schemaPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:8: Syntax Error`));
    // …and shows the line, with a caret under the column.
    expect(() => readApiModels(schemaPath)).toThrow(/\n {2}3 \| {3}name String\n {13}\^$/);
  });
});
