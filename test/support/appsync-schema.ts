/**
 * AppSync predefines its scalars and directives, and schema/schema.graphql must not declare them (AppSync refuses
 * the schema if it does). graphql-js knows none of them, so this prelude declares them before building the schema.
 */
import { type GraphQLSchema, buildSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export const APPSYNC_SCALARS = [
  'AWSDate',
  'AWSTime',
  'AWSDateTime',
  'AWSTimestamp',
  'AWSEmail',
  'AWSJSON',
  'AWSURL',
  'AWSPhone',
  'AWSIPAddress',
] as const;

export const APPSYNC_PRELUDE = [
  ...APPSYNC_SCALARS.map((scalar) => `scalar ${scalar}`),
  'directive @aws_api_key on OBJECT | FIELD_DEFINITION',
  'directive @aws_iam on OBJECT | FIELD_DEFINITION',
  'directive @aws_oidc on OBJECT | FIELD_DEFINITION',
  'directive @aws_lambda on OBJECT | FIELD_DEFINITION',
  'directive @aws_cognito_user_pools(cognito_groups: [String]) on OBJECT | FIELD_DEFINITION',
  'directive @aws_auth(cognito_groups: [String]) on FIELD_DEFINITION',
  'directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION',
].join('\n');

export const PROJECT_SCHEMA_PATH = path.resolve(__dirname, '../../schema/schema.graphql');

/** Builds an AppSync schema (SDL without the prelude) with graphql-js. */
export function buildAppSyncSchema(sdl: string): GraphQLSchema {
  return buildSchema(`${APPSYNC_PRELUDE}\n${sdl}`);
}

/** The project's schema, schema/schema.graphql. */
export function loadProjectSchema(): GraphQLSchema {
  return buildAppSyncSchema(readFileSync(PROJECT_SCHEMA_PATH, 'utf8'));
}
