/**
 * One API's executable schema, built once at start-up: the API's SDL after AppSync's prelude (AWS scalars with their
 * validation, @aws_* directives), plus the auth rule of every field and the resolver configured for it.
 */
import {
  buildSchema,
  type ConstDirectiveNode,
  type GraphQLError,
  type GraphQLFieldResolver,
  GraphQLObjectType,
  GraphQLScalarType,
  type GraphQLSchema,
  parse,
} from 'graphql';
import { validateSDL } from 'graphql/validation/validate';
import type { AppSyncAuthMode } from '../../lambda/shared/auth-mode';
import type { LocalGraphqlApi, LocalResolver } from './model';
import { APPSYNC_PRELUDE, APPSYNC_SCALAR_NAMES, AUTH_DIRECTIVE_MODES, createAppSyncScalars } from './scalars';

/** AppSync's modes in AppSync's spelling, all five: the callers' vocabulary (lambda/shared/auth-mode.ts). */
export type AuthMode = AppSyncAuthMode;

export interface FieldAuthRule {
  readonly modes: ReadonlySet<AuthMode>;
  /** What decided, for logs: `@aws_iam on field Query.secret`, `@aws_api_key @aws_iam on type Todo`, `default mode API_KEY`. */
  readonly source: string;
}

export interface ApiRuntime {
  readonly api: LocalGraphqlApi;
  readonly schema: GraphQLSchema;
  readonly region: string;
  readonly accountId: string;
  readonly defaultMode: AuthMode;
  readonly modes: ReadonlySet<AuthMode>;
  fieldAuth(typeName: string, fieldName: string): FieldAuthRule;
  resolver(typeName: string, fieldName: string): LocalResolver | undefined;
}

/** Wraps every field of every object type; receives the runtime and the field's coordinates. */
export type FieldResolverFactory = (runtime: ApiRuntime, typeName: string, fieldName: string) => GraphQLFieldResolver<unknown, unknown>;

/** The schema of an API in the assembly does not build (an assembly synthesized before `cdk synth` checked it). */
export class SchemaBuildError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SchemaBuildError';
  }
}

export function buildApiRuntime(api: LocalGraphqlApi, makeResolver: FieldResolverFactory): ApiRuntime {
  let schema: GraphQLSchema;
  try {
    schema = buildSchema(`${APPSYNC_PRELUDE}\n${api.schema}`);
  } catch (error) {
    throw new SchemaBuildError(
      `GraphQL API ${api.name} (${api.stackName}/${api.logicalId}): its schema does not build: ${(error as Error).message.replace(/\.$/, '')}${whereInSchema(error, api.schema)}. ` +
        'Fix schema/schema.graphql and synthesize again (npm start does, unless --no-synth).',
      { cause: error },
    );
  }
  const scalars = createAppSyncScalars();
  for (const name of APPSYNC_SCALAR_NAMES) {
    const type = schema.getType(name);
    if (type instanceof GraphQLScalarType) {
      type.serialize = scalars[name].serialize;
      type.parseValue = scalars[name].parseValue;
      type.parseLiteral = scalars[name].parseLiteral;
    }
  }

  const arnParts = api.arn.split(':');
  const region = arnParts[3] ?? '';
  const accountId = arnParts[4] ?? '';
  const defaultMode = api.authenticationType as AuthMode;
  const modes = new Set<AuthMode>([defaultMode, ...(api.additionalAuthenticationTypes as AuthMode[])]);
  const resolvers = new Map<string, LocalResolver>(api.resolvers.map((resolver) => [`${resolver.typeName}.${resolver.fieldName}`, resolver]));
  const rules = new Map<string, FieldAuthRule>();

  const runtime: ApiRuntime = {
    api,
    schema,
    region,
    accountId,
    defaultMode,
    modes,
    fieldAuth(typeName, fieldName) {
      return rules.get(`${typeName}.${fieldName}`) ?? { modes: new Set([defaultMode]), source: `default mode ${defaultMode}` };
    },
    resolver(typeName, fieldName) {
      return resolvers.get(`${typeName}.${fieldName}`);
    },
  };

  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith('__')) continue;
    const typeDirectives = authDirectives([...(type.astNode?.directives ?? []), ...type.extensionASTNodes.flatMap((node) => node.directives ?? [])]);
    for (const field of Object.values(type.getFields())) {
      const fieldDirectives = authDirectives(field.astNode?.directives ?? []);
      if (fieldDirectives.length > 0) {
        rules.set(`${type.name}.${field.name}`, {
          modes: new Set(fieldDirectives.map((d) => d.mode)),
          source: `${fieldDirectives.map((d) => `@${d.name}`).join(' ')} on field ${type.name}.${field.name}`,
        });
      } else if (typeDirectives.length > 0) {
        rules.set(`${type.name}.${field.name}`, {
          modes: new Set(typeDirectives.map((d) => d.mode)),
          source: `${typeDirectives.map((d) => `@${d.name}`).join(' ')} on type ${type.name}`,
        });
      }
      field.resolve = makeResolver(runtime, type.name, field.name);
    }
  }
  return runtime;
}

function authDirectives(directives: readonly ConstDirectiveNode[]): Array<{ name: string; mode: AuthMode }> {
  const found: Array<{ name: string; mode: AuthMode }> = [];
  for (const directive of directives) {
    const name = directive.name.value;
    if (Object.hasOwn(AUTH_DIRECTIVE_MODES, name)) {
      found.push({ name, mode: AUTH_DIRECTIVE_MODES[name as keyof typeof AUTH_DIRECTIVE_MODES] });
    }
  }
  return found;
}

/**
 * ` (line L, column C of the schema: <the line>)`: where the first problem is (buildSchema's own error for an invalid
 * SDL has no location, so the SDL is validated again here for one).
 */
function whereInSchema(error: unknown, schema: string): string {
  const offset = APPSYNC_PRELUDE.split('\n').length;
  let location = (error as GraphQLError).locations?.[0];
  if (!location) {
    try {
      location = validateSDL(parse(`${APPSYNC_PRELUDE}\n${schema}`))[0]?.locations?.[0];
    } catch {
      return '';
    }
  }
  if (!location || location.line <= offset) return '';
  const line = location.line - offset;
  return ` (line ${line}, column ${location.column} of the schema: ${schema.split('\n')[line - 1]?.trim() ?? ''})`;
}
