/**
 * Client code generation from the AppSync schema: the files `amplify codegen` gives a Gen 1 project whose codegen
 * target is TypeScript, produced by Amplify's own generator (@aws-amplify/graphql-generator):
 *
 * - `graphql/queries.ts`, `graphql/mutations.ts`, `graphql/subscriptions.ts`: every operation of the schema as a
 *   `GeneratedQuery<Variables, Result>` (`GeneratedMutation`, `GeneratedSubscription`) string, selection sets two
 *   levels deep with `__typename` (Gen 1's defaults, maxDepth 2 and typename introspection on), formatted by the
 *   generator's own prettier;
 * - `API.ts`: the TypeScript types of the schema's models, inputs and enums and of each operation's variables and
 *   result (`Todo`, `CreateTodoInput`, `ListTodosQuery`, `ListTodosQueryVariables`, ...), generated from those
 *   documents as `amplify codegen types` does (it reads them back out of the statement files).
 *
 * The generator declares AppSync's scalars and `@aws_*` directives itself (its own prelude, appended to the SDL), so
 * it gets the schema file's text unchanged, as a string: it runs on its own graphql 15, and no graphql 16 object of
 * this project ever reaches it. The schema is checked first with the project's graphql 16 against that same prelude,
 * so that a schema the generator would refuse is reported with its file, line and column.
 *
 * Nothing here touches the file system except to load the generator: `bin/codegen.ts` reads and writes files.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as AmplifyGenerator from '@aws-amplify/graphql-generator';
import { type ASTNode, buildASTSchema, concatAST, type DocumentNode, type GraphQLError, getLocation, parse, Source, validateSchema } from 'graphql';
// graphql-js' SDL validation, the one buildASTSchema runs; called directly because buildASTSchema throws its
// errors joined into a plain Error, without their locations.
import { validateSDL } from 'graphql/validation/validate';

/** Where the generated files go, relative to the output directory (Amplify's layout for a Gen 1 project). */
export const STATEMENTS_DIR = 'graphql';
export const TYPES_FILE = 'API.ts';
export const GENERATED_FILES = [`${STATEMENTS_DIR}/queries.ts`, `${STATEMENTS_DIR}/mutations.ts`, `${STATEMENTS_DIR}/subscriptions.ts`, TYPES_FILE] as const;

/** Amplify Gen 1's defaults for `amplify codegen` (`.graphqlconfig.yml`'s maxDepth and typenameIntrospection). */
export const AMPLIFY_GEN1_DEFAULTS = { maxDepth: 2, typenameIntrospection: true } as const;

export interface GenerateOptions {
  /** How errors name the schema (a path, as the user knows it). Default `schema.graphql`. */
  readonly schemaName?: string;
  /** Depth of the generated selection sets. Default 2. */
  readonly maxDepth?: number;
  /** Whether every selection set asks for `__typename`. Default true. */
  readonly typenameIntrospection?: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

/** Every error of the code generator: the CLI prints the message of one of these as a single line. */
export class CodegenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CodegenError';
  }
}

/** A bad command line (unknown option, missing value): the CLI exits 2 with its usage. */
export class UsageError extends CodegenError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** The schema file cannot be read. */
export class SchemaFileError extends CodegenError {
  constructor(
    readonly file: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${message}`, options);
    this.name = 'SchemaFileError';
  }
}

export interface SchemaLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A schema problem at a place in the file; the message reads `file:line:column: problem`. */
export abstract class SchemaError extends CodegenError {
  constructor(
    readonly location: SchemaLocation,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`${location.file}:${location.line}:${location.column}: ${problem}`, options);
    this.name = 'SchemaError';
  }
}

/** The schema is not GraphQL SDL (graphql-js' syntax error). */
export class SchemaSyntaxError extends SchemaError {
  constructor(location: SchemaLocation, problem: string, options?: ErrorOptions) {
    super(location, problem, options);
    this.name = 'SchemaSyntaxError';
  }
}

/** The schema parses but is not a valid schema (unknown type, duplicate name, bad directive, ...). */
export class SchemaValidationError extends SchemaError {
  constructor(location: SchemaLocation, problem: string, options?: ErrorOptions) {
    super(location, problem, options);
    this.name = 'SchemaValidationError';
  }
}

/** Amplify's generator failed on a schema that validated. */
export class GeneratorError extends CodegenError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GeneratorError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The generator's AppSync prelude

// The generator and the packages it bundles, resolved from the generator itself (whatever npm hoists).
const requireFromGenerator = createRequire(require.resolve('@aws-amplify/graphql-generator'));

/** The AppSync scalars and directives the generator declares before the schema (graphql-types-generator's file). */
function generatorPrelude(): string {
  const typesGeneratorDir = path.dirname(requireFromGenerator.resolve('@aws-amplify/graphql-types-generator/package.json'));
  return readFileSync(path.join(typesGeneratorDir, 'awsAppSyncDirectives.graphql'), 'utf8');
}

let prelude: DocumentNode | undefined;
function preludeDocument(): DocumentNode {
  prelude ??= parse(new Source(generatorPrelude(), 'AppSync prelude'));
  return prelude;
}

interface TypesGenerator {
  /** amplify-codegen's extraction of the documents out of a statements file (tag name '': any template literal). */
  extractDocumentFromJavascript(content: string, tagName?: string): string | null;
}

/** The generator, loaded on first use (a second or so): a usage error or --help does not wait for it. */
function loadGenerator(): { generator: typeof AmplifyGenerator; typesGenerator: TypesGenerator } {
  return {
    generator: require('@aws-amplify/graphql-generator') as typeof AmplifyGenerator,
    typesGenerator: requireFromGenerator('@aws-amplify/graphql-types-generator') as TypesGenerator,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Schema check

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function locate(error: GraphQLError, schemaName: string): SchemaLocation {
  // A node of the schema file (an error may also point into the prelude, e.g. a scalar the schema redeclares).
  const nodes: ReadonlyArray<ASTNode> = error.nodes ?? [];
  for (const node of nodes) {
    if (node.loc && node.loc.source.name === schemaName) {
      const { line, column } = getLocation(node.loc.source, node.loc.start);
      return { file: schemaName, line, column };
    }
  }
  if (error.source?.name === schemaName && error.locations?.length) {
    return { file: schemaName, ...error.locations[0] };
  }
  // A problem of the schema as a whole (no Query type, say): its start.
  return { file: schemaName, line: 1, column: 1 };
}

function validationError(errors: ReadonlyArray<GraphQLError>, schemaName: string): SchemaValidationError {
  const [first] = errors;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return new SchemaValidationError(locate(first, schemaName), `${oneLine(first.message)}${more}`, { cause: first });
}

/**
 * Parses and validates the schema as the generator will read it (AppSync prelude + SDL), with graphql-js 16.
 * Throws SchemaSyntaxError or SchemaValidationError, located in the schema file.
 */
export function checkSchema(schemaSdl: string, schemaName = 'schema.graphql'): void {
  let document: DocumentNode;
  try {
    document = parse(new Source(schemaSdl, schemaName));
  } catch (error) {
    const graphqlError = error as GraphQLError;
    const problem = oneLine(graphqlError.message);
    throw new SchemaSyntaxError(locate(graphqlError, schemaName), problem, { cause: error });
  }
  const full = concatAST([preludeDocument(), document]);
  const sdlErrors = validateSDL(full);
  if (sdlErrors.length) throw validationError(sdlErrors, schemaName);
  const schemaErrors = validateSchema(buildASTSchema(full, { assumeValidSDL: true }));
  if (schemaErrors.length) throw validationError(schemaErrors, schemaName);
}

// ---------------------------------------------------------------------------------------------------------------
// Generation

/**
 * The generated files for a schema (its SDL as in schema/schema.graphql, without AppSync's declarations), keyed by
 * path relative to the output directory (GENERATED_FILES), in that order. Async because the generator's
 * generateTypes is.
 */
export async function generateClientCode(schemaSdl: string, options: GenerateOptions = {}): Promise<Map<string, string>> {
  const schemaName = options.schemaName ?? 'schema.graphql';
  checkSchema(schemaSdl, schemaName);

  const files = new Map<string, string>();
  try {
    const {
      generator: { generateStatements, generateTypes },
      typesGenerator: { extractDocumentFromJavascript },
    } = loadGenerator();
    // amplify codegen statements: relativeTypesPath is API.ts as seen from the statements directory.
    const statements = generateStatements({
      schema: schemaSdl,
      target: 'typescript',
      maxDepth: options.maxDepth ?? AMPLIFY_GEN1_DEFAULTS.maxDepth,
      typenameIntrospection: options.typenameIntrospection ?? AMPLIFY_GEN1_DEFAULTS.typenameIntrospection,
      relativeTypesPath: path.posix.relative(STATEMENTS_DIR, TYPES_FILE),
    });
    for (const file of GENERATED_FILES) {
      const name = path.posix.basename(file);
      if (file !== TYPES_FILE && statements[name] !== undefined) files.set(file, statements[name]);
    }

    // amplify codegen types: the documents read back out of the statement files, in the order the file glob
    // (graphql/**/*.ts) lists them: mutations, queries, subscriptions.
    // Joined into one string as amplify-codegen did before it passed a list (the same merged document; a string is
    // also what keeps graphql objects out of the call: the generator parses it with its own graphql).
    const documents = [...files.keys()]
      .sort()
      .map((file) => extractDocumentFromJavascript(files.get(file) ?? '', ''))
      .filter((document): document is string => Boolean(document));
    if (documents.length === 0) throw new GeneratorError(`${schemaName}: the schema has no operations to generate`);
    const types = await generateTypes({
      schema: schemaSdl,
      target: 'typescript',
      queries: documents.join('\n'),
      introspection: false,
    });
    const api = types[TYPES_FILE] ?? Object.values(types)[0];
    if (api === undefined) throw new GeneratorError('the generator returned no types file');
    files.set(TYPES_FILE, api);
  } catch (error) {
    if (error instanceof CodegenError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new GeneratorError(`${schemaName}: Amplify's generator failed: ${oneLine(message)}`, { cause: error });
  }
  return files;
}

// ---------------------------------------------------------------------------------------------------------------
// Staleness

export interface StaleFile {
  readonly path: string;
  readonly state: 'missing' | 'outdated';
}

/**
 * The generated files whose current content (undefined: the file does not exist) differs from a fresh generation,
 * in the order of `expected`. Empty: everything is up to date.
 */
export function findStaleFiles(expected: ReadonlyMap<string, string>, current: (relativePath: string) => string | undefined): StaleFile[] {
  const stale: StaleFile[] = [];
  for (const [file, content] of expected) {
    const actual = current(file);
    if (actual === undefined) stale.push({ path: file, state: 'missing' });
    else if (actual !== content) stale.push({ path: file, state: 'outdated' });
  }
  return stale;
}

/** One line per stale file and what to do, as `npm run codegen -- --check` and the tests say it. */
export function describeStaleFiles(stale: ReadonlyArray<StaleFile>): string {
  return [
    `Generated client code is stale: run npm run codegen`,
    ...stale.map((file) => `  ${file.path} (${file.state === 'missing' ? 'missing' : 'out of date with the schema'})`),
  ].join('\n');
}
