/**
 * A schema the generator cannot take is refused before it runs, as an error class located in the schema file
 * (callers branch on the class, never on the message), and AppSync's scalars and directives need no declaration.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  CodegenError,
  checkSchema,
  GeneratorError,
  generateClientCode,
  SchemaError,
  SchemaSyntaxError,
  SchemaValidationError,
  UsageError,
} from '../../../lib/codegen';

const projectSchema = readFileSync(path.resolve(__dirname, '../../../schema/schema.graphql'), 'utf8');

async function refusal(sdl: string): Promise<unknown> {
  return generateClientCode(sdl, { schemaName: 'fixture.graphql' }).then(
    () => {
      throw new Error('expected the schema to be refused');
    },
    (error: unknown) => error,
  );
}

it('takes the project schema, which uses AWSDateTime and the @aws_* directives without declaring them', () => {
  expect(() => checkSchema(projectSchema)).not.toThrow();
});

it.each([
  ['a syntax error', 'type Query {\n  a: Int\n  b\n}\n', SchemaSyntaxError, { line: 4, column: 1 }, /Syntax Error: Expected ":", found "}"/],
  ['an unknown type', 'type Query {\n  todo: Todoo\n}\ntype Todo { id: ID }\n', SchemaValidationError, { line: 2, column: 9 }, /Unknown type "Todoo"/],
  ['an unknown directive', 'type Query @aws_apikey {\n  a: Int\n}\n', SchemaValidationError, { line: 1, column: 12 }, /Unknown directive "@aws_apikey"/],
  [
    'a redeclared AppSync scalar',
    'scalar AWSJSON\ntype Query {\n  a: AWSJSON\n}\n',
    SchemaValidationError,
    { line: 1, column: 8 },
    /only one type named "AWSJSON"/,
  ],
  [
    'an object type as an argument',
    'type Todo { id: ID }\ntype Query {\n  a(todo: Todo): Int\n}\n',
    SchemaValidationError,
    { line: 3, column: 11 },
    /must be Input Type/,
  ],
])('%s is refused with its class and location', async (_case, sdl, errorClass, location, problem) => {
  const error = await refusal(sdl);
  expect(error).toBeInstanceOf(errorClass);
  expect(error).toBeInstanceOf(SchemaError);
  expect(error).toBeInstanceOf(CodegenError);
  const schemaError = error as SchemaError;
  expect(schemaError.name).toBe(errorClass.name);
  expect(schemaError.location).toEqual({ file: 'fixture.graphql', ...location });
  expect(schemaError.problem).toMatch(problem);
  expect(schemaError.message).toBe(`fixture.graphql:${location.line}:${location.column}: ${schemaError.problem}`);
  expect(schemaError.message).not.toMatch(/\n/);
  expect(schemaError.cause).toBeDefined();
});

it('counts the further problems on the same line', async () => {
  const error = (await refusal('type Query {\n  a: Nope\n  b: Nope\n  c: Nope\n}\n')) as SchemaValidationError;
  expect(error).toBeInstanceOf(SchemaValidationError);
  expect(error.message).toBe('fixture.graphql:2:6: Unknown type "Nope". (and 2 more problems)');
});

it('error classes set their names and keep their cause', () => {
  const cause = new Error('underlying');
  for (const ErrorClass of [CodegenError, UsageError, GeneratorError]) {
    const error = new ErrorClass('message', { cause });
    expect(error.name).toBe(ErrorClass.name);
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(CodegenError);
  }
});
