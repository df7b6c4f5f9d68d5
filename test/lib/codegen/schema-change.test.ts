/**
 * A field added to the model (as Amplify's @model would add it: on the type, the create and update inputs, and the
 * filter and condition inputs) reaches the generated types and selection sets.
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, print } from 'graphql';
import { generateClientCode } from '../../../lib/codegen';
import { addTodoPriority } from '../../support/schema-edits';

const SCHEMA_PATH = path.resolve(__dirname, '../../../schema/schema.graphql');

/** schema/schema.graphql with `priority: Int` on Todo, its inputs, and ModelIntInput for its filter and condition. */
function schemaWithPriority(): string {
  return addTodoPriority(readFileSync(SCHEMA_PATH, 'utf8'));
}

/** The body of `export type NAME = { ... };` in API.ts. */
function typeBody(api: string, name: string): string {
  const match = new RegExp(`^export type ${name} = \\{\\n([\\s\\S]*?)^\\};`, 'm').exec(api);
  if (!match) throw new Error(`API.ts has no type ${name}`);
  return match[1];
}

/** The GraphQL text of one generated statement. */
function statement(file: string, exportName: string): string {
  const match = new RegExp(`export const ${exportName} = /\\* GraphQL \\*/ \`([^\`]*)\``).exec(file);
  if (!match) throw new Error(`no statement ${exportName}`);
  return match[1];
}

let files: Map<string, string>;
let api: string;

beforeAll(async () => {
  files = await generateClientCode(schemaWithPriority(), { schemaName: 'schema-with-priority.graphql' });
  api = files.get('API.ts') ?? '';
});

it('types priority as an optional number on Todo and on the create and update inputs', () => {
  expect(typeBody(api, 'Todo')).toMatch(/^ {2}priority\?: number \| null,$/m);
  expect(typeBody(api, 'CreateTodoInput')).toMatch(/^ {2}priority\?: number \| null,$/m);
  expect(typeBody(api, 'UpdateTodoInput')).toMatch(/^ {2}priority\?: number \| null,$/m);
});

it('filters and conditions on priority with ModelIntInput', () => {
  expect(typeBody(api, 'ModelTodoFilterInput')).toMatch(/^ {2}priority\?: ModelIntInput \| null,$/m);
  expect(typeBody(api, 'ModelTodoConditionInput')).toMatch(/^ {2}priority\?: ModelIntInput \| null,$/m);
  expect(typeBody(api, 'ModelIntInput')).toMatch(/^ {2}between\?: Array< number \| null > \| null,$/m);
});

it('selects priority in listTodos (and types it in ListTodosQuery)', () => {
  const listTodos = parse(statement(files.get('graphql/queries.ts') ?? '', 'listTodos'));
  const printed = print(listTodos);
  expect(printed).toMatch(/items \{[^}]*\bpriority\b[^}]*__typename/);
  expect(typeBody(api, 'ListTodosQuery')).toMatch(/priority\?: number \| null,/);
  expect(statement(files.get('graphql/mutations.ts') ?? '', 'createTodo')).toMatch(/\bpriority\b/);
});

it('the generated types have priority exactly when the schema does (the edit is what adds it)', async () => {
  const schema = readFileSync(SCHEMA_PATH, 'utf8');
  const project = await generateClientCode(schema);
  // After the README's edit, the project schema is the edited one; before it, the control is that it has none.
  expect(/\bpriority\b/.test(project.get('API.ts') ?? '')).toBe(/\bpriority:/.test(schema));
});
