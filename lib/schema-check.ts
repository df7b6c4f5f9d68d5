import * as path from 'node:path';
import { buildASTSchema, type DocumentNode, type GraphQLError, getLocation, parse, type Source, validateSchema } from 'graphql';
import { validateSDL } from 'graphql/validation/validate';

/*
 * The schema file checked as AppSync will build it, at synth: with AppSync's predefined scalars and @aws_* directives
 * before it, every type it names must exist, every directive be known, every root type be an object type. A mistake
 * fails `cdk synth` here, located in the file, instead of being deployed (or replacing a good cdk.out) and refused
 * later without a location. AppSync's own list of what it predefines: the AppSync Developer Guide, "Scalar types" and
 * "Configuring authorization and authentication" (the @aws_* directives).
 */

const APPSYNC_SCALARS = ['AWSDate', 'AWSTime', 'AWSDateTime', 'AWSTimestamp', 'AWSEmail', 'AWSJSON', 'AWSURL', 'AWSPhone', 'AWSIPAddress'];
const APPSYNC_PRELUDE = [
  ...APPSYNC_SCALARS.map((name) => `scalar ${name}`),
  ...['aws_api_key', 'aws_iam', 'aws_oidc', 'aws_lambda'].map((name) => `directive @${name} on OBJECT | FIELD_DEFINITION | INTERFACE`),
  'directive @aws_cognito_user_pools(cognito_groups: [String]) on OBJECT | FIELD_DEFINITION | INTERFACE',
  'directive @aws_auth(cognito_groups: [String]) on FIELD_DEFINITION',
  'directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION',
].join('\n');

let prelude: DocumentNode | undefined;

/** Problems of a parsed schema as AppSync would see them, each `file:LINE:COL: message` and the offending line. */
export function schemaProblems(document: DocumentNode, source: Source, schemaPath: string): string[] {
  prelude ??= parse(APPSYNC_PRELUDE);
  const full: DocumentNode = { ...document, definitions: [...prelude.definitions, ...document.definitions] };
  const sdlErrors = validateSDL(full);
  const errors = sdlErrors.length > 0 ? sdlErrors : validateSchema(buildASTSchema(full, { assumeValidSDL: true }));
  return errors.map((error) => locatedMessage(error, source, schemaPath));
}

/** `schema/schema.graphql:12:9: <message>` and, when the error points into the file, the line with a caret under it. */
export function locatedMessage(error: GraphQLError, source: Source, schemaPath: string): string {
  const node = error.nodes?.find((candidate) => candidate.loc?.source === source);
  const location = node?.loc ? getLocation(source, node.loc.start) : error.source === source ? error.locations?.[0] : undefined;
  const file = displayPath(schemaPath);
  if (!location) return `${file}: ${error.message}`;
  const text = source.body.split(/\r?\n/)[location.line - 1] ?? '';
  const gutter = `  ${location.line} | `;
  return `${file}:${location.line}:${location.column}: ${error.message}\n${gutter}${text}\n${' '.repeat(gutter.length + location.column - 1)}^`;
}

/** The path as a user types it: relative to the working directory when it is below it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
