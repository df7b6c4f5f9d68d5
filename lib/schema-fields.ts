export interface GraphqlField {
  readonly typeName: string;
  readonly fieldName: string;
}

/** `listTodos` → `ListTodos`: field and construct ids as parts of logical ids and output names. */
export function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
