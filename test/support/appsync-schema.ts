/**
 * AppSync predefines its scalars and directives, and schema/schema.graphql must not declare them (AppSync refuses
 * the schema if it does). graphql-js knows none of them, so the prelude declares them before building the schema:
 * the local AppSync endpoint's own prelude (local/appsync/scalars.ts), so that tests and the endpoint agree.
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { APPSYNC_PRELUDE } from '../../local/appsync/scalars';

export { APPSYNC_PRELUDE };

export const PROJECT_SCHEMA_PATH = path.resolve(__dirname, '../../schema/schema.graphql');

/** Builds an AppSync schema (SDL without the prelude) with graphql-js. */
export function buildAppSyncSchema(sdl: string): GraphQLSchema {
  return buildSchema(`${APPSYNC_PRELUDE}\n${sdl}`);
}

/** The project's schema, schema/schema.graphql. */
export function loadProjectSchema(): GraphQLSchema {
  return buildAppSyncSchema(readFileSync(PROJECT_SCHEMA_PATH, 'utf8'));
}
