/**
 * Test events for a function that is an AppSync direct Lambda resolver: one per field it resolves, shaped as the
 * local AppSync endpoint sends them (local/appsync/resolvers.ts, AppSync's direct Lambda resolver event): every
 * argument (null unless required, then a placeholder of its type), no identity (the API key), the field's scalar
 * selection. So the resolver can be invoked from the Test tab as AppSync would invoke it.
 */
import { buildSchema, type GraphQLField, type GraphQLSchema, getNamedType, isLeafType, isNonNullType, isObjectType } from 'graphql';
import type { JsonValue } from '../../lambda/shared/operations';
import type { LocalGraphqlApi } from '../appsync/model';
import { APPSYNC_PRELUDE } from '../appsync/scalars';
import { placeholder } from './examples';
import type { TestEvent } from './test-events';

/** Function ARN → the events of the fields it resolves. */
export function resolverEventsByFunction(apis: readonly LocalGraphqlApi[]): Map<string, TestEvent[]> {
  const byArn = new Map<string, TestEvent[]>();
  for (const api of apis) {
    let schema: GraphQLSchema;
    try {
      schema = buildSchema(`${APPSYNC_PRELUDE}\n${api.schema}`);
    } catch {
      continue;
    }
    for (const resolver of api.resolvers) {
      if (!resolver.lambdaFunctionArn) continue;
      const type = schema.getType(resolver.typeName);
      const field = isObjectType(type) ? type.getFields()[resolver.fieldName] : undefined;
      if (!field) continue;
      const events = byArn.get(resolver.lambdaFunctionArn) ?? [];
      events.push({ name: `${resolver.typeName}.${resolver.fieldName}`.slice(0, 25), event: resolverEvent(resolver.typeName, field) });
      byArn.set(resolver.lambdaFunctionArn, events);
    }
  }
  return byArn;
}

function resolverEvent(parentTypeName: string, field: GraphQLField<unknown, unknown>): JsonValue {
  const args: Record<string, JsonValue> = {};
  for (const arg of field.args) args[arg.name] = isNonNullType(arg.type) ? (placeholder(arg.type, 0) as JsonValue) : null;
  const selection = selectionOf(field, 0);
  return {
    arguments: args,
    identity: null,
    source: null,
    request: { headers: {}, domainName: null },
    info: {
      fieldName: field.name,
      parentTypeName,
      variables: {},
      selectionSetList: selection.list,
      selectionSetGraphQL: selection.graphql,
    },
    prev: null,
    stash: {},
  };
}

/** The leaf fields of the field's type, and one level into its object fields (`items`, `items/id`, …). */
function selectionOf(field: GraphQLField<unknown, unknown>, depth: number): { list: string[]; graphql: string } {
  const type = getNamedType(field.type);
  if (!isObjectType(type)) return { list: [], graphql: '' };
  const list: string[] = [];
  const lines: string[] = [];
  const indent = '  '.repeat(depth + 1);
  for (const child of Object.values(type.getFields())) {
    if (isLeafType(getNamedType(child.type))) {
      list.push(child.name);
      lines.push(`${indent}${child.name}`);
    } else if (depth === 0) {
      const nested = selectionOf(child, depth + 1);
      if (nested.list.length === 0) continue;
      list.push(child.name, ...nested.list.map((name) => `${child.name}/${name}`));
      lines.push(`${indent}${child.name} ${nested.graphql}`);
    }
  }
  return { list, graphql: `{\n${lines.join('\n')}\n${'  '.repeat(depth)}}` };
}
