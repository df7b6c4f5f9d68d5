import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';

export interface GraphqlField {
  readonly typeName: string;
  readonly fieldName: string;
}

/**
 * Lists the fields of the given root types in a schema file, so that a field added to the schema gets its resolver
 * without a second list to keep in step. Only parses (no validation): AppSync's directives need no declaration here.
 */
export function rootFieldsOf(schemaPath: string, typeNames: readonly string[]): GraphqlField[] {
  const document = parse(readFileSync(schemaPath, 'utf8'));
  const fields: GraphqlField[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    if (!typeNames.includes(definition.name.value)) continue;
    for (const field of definition.fields ?? []) {
      fields.push({ typeName: definition.name.value, fieldName: field.name.value });
    }
  }
  return fields;
}

/** `listTodos` → `ListTodos`: field and construct ids as parts of logical ids and output names. */
export function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
