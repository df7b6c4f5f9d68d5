/**
 * The edits a user makes to schema/schema.graphql to add a field or a model (README: Change the schema), as string
 * edits of the real schema, so the tests that use them follow the schema as it is, not a copy.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SCHEMA_PATH } from '../../lib/todo-api';

/** Inserts `text` after the line that opens `block` (e.g. `input CreateTodoInput {`); fails if the schema has none. */
function insertInto(schema: string, block: string, text: string): string {
  const at = schema.indexOf(`${block} {`);
  if (at < 0) throw new Error(`the schema has no '${block} {' to add to: update test/support/schema-edits.ts`);
  const lineEnd = schema.indexOf('\n', at) + 1;
  return `${schema.slice(0, lineEnd)}${text}\n${schema.slice(lineEnd)}`;
}

/** The README's example: `priority: Int` on Todo and its four inputs (with Amplify's ModelIntInput). */
export function addTodoPriority(schema: string): string {
  // Already made (a user following the README, or CI checking just that): the schema is the edited one.
  if (/type Todo\b[^{]*\{[^}]*\bpriority:/.test(schema)) return schema;
  let edited = insertInto(schema, 'type Todo @aws_api_key @aws_iam', '  priority: Int');
  for (const input of ['input CreateTodoInput', 'input UpdateTodoInput']) edited = insertInto(edited, input, '  priority: Int');
  for (const input of ['input ModelTodoFilterInput', 'input ModelTodoConditionInput']) edited = insertInto(edited, input, '  priority: ModelIntInput');
  if (!/input ModelIntInput \{/.test(edited)) edited = `${edited}\n${MODEL_INT_INPUT}`;
  return edited;
}

const MODEL_INT_INPUT = `input ModelIntInput {
  ne: Int
  eq: Int
  le: Int
  lt: Int
  ge: Int
  gt: Int
  between: [Int]
  attributeExists: Boolean
  attributeType: ModelAttributeTypes
}
`;

/**
 * A second model in Amplify's @model shape, with a field of every kind the resolver stores: Float, Boolean, an enum,
 * AWSJSON, AWSEmail and a list.
 */
export function addNoteModel(schema: string): string {
  let edited = insertInto(schema, 'type Query @aws_api_key @aws_iam', NOTE_QUERIES);
  edited = insertInto(edited, 'type Mutation @aws_api_key @aws_iam', NOTE_MUTATIONS);
  return `${edited}\n${NOTE_TYPES}`;
}

const NOTE_QUERIES = `  getNote(id: ID!): Note @aws_api_key @aws_iam
  listNotes(filter: ModelNoteFilterInput, limit: Int, nextToken: String): ModelNoteConnection @aws_api_key @aws_iam`;

const NOTE_MUTATIONS = `  createNote(input: CreateNoteInput!, condition: ModelNoteConditionInput): Note @aws_api_key @aws_iam
  updateNote(input: UpdateNoteInput!, condition: ModelNoteConditionInput): Note @aws_api_key @aws_iam
  deleteNote(input: DeleteNoteInput!, condition: ModelNoteConditionInput): Note @aws_api_key @aws_iam`;

const NOTE_TYPES = `enum NoteColor {
  RED
  GREEN
}

type Note @aws_api_key @aws_iam {
  id: ID!
  title: String!
  body: String
  rating: Float
  pinned: Boolean
  color: NoteColor
  meta: AWSJSON
  author: AWSEmail
  tags: [String]
  createdAt: AWSDateTime!
  updatedAt: AWSDateTime!
}

type ModelNoteConnection @aws_api_key @aws_iam {
  items: [Note]!
  nextToken: String
}

input ModelFloatInput {
  ne: Float
  eq: Float
  le: Float
  lt: Float
  ge: Float
  gt: Float
  between: [Float]
  attributeExists: Boolean
  attributeType: ModelAttributeTypes
}

input ModelBooleanInput {
  ne: Boolean
  eq: Boolean
  attributeExists: Boolean
  attributeType: ModelAttributeTypes
}

input ModelNoteColorInput {
  eq: NoteColor
  ne: NoteColor
}

input ModelNoteFilterInput {
  id: ModelIDInput
  title: ModelStringInput
  body: ModelStringInput
  rating: ModelFloatInput
  pinned: ModelBooleanInput
  color: ModelNoteColorInput
  author: ModelStringInput
  tags: ModelStringInput
  createdAt: ModelStringInput
  updatedAt: ModelStringInput
  and: [ModelNoteFilterInput]
  or: [ModelNoteFilterInput]
  not: ModelNoteFilterInput
}

input ModelNoteConditionInput {
  title: ModelStringInput
  body: ModelStringInput
  rating: ModelFloatInput
  pinned: ModelBooleanInput
  color: ModelNoteColorInput
  and: [ModelNoteConditionInput]
  or: [ModelNoteConditionInput]
  not: ModelNoteConditionInput
}

input CreateNoteInput {
  id: ID
  title: String!
  body: String
  rating: Float
  pinned: Boolean
  color: NoteColor
  meta: AWSJSON
  author: AWSEmail
  tags: [String]
}

input UpdateNoteInput {
  id: ID!
  title: String
  body: String
  rating: Float
  pinned: Boolean
  color: NoteColor
  meta: AWSJSON
  author: AWSEmail
  tags: [String]
}

input DeleteNoteInput {
  id: ID!
}
`;

/** The app's schema with the given edits, written to `dir/schema.graphql`; returns the file's path. */
export function writeEditedSchema(dir: string, ...edits: Array<(schema: string) => string>): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'schema.graphql');
  writeFileSync(
    file,
    edits.reduce((schema, edit) => edit(schema), readFileSync(SCHEMA_PATH, 'utf8')),
  );
  return file;
}
