import { parse } from 'graphql';

/**
 * The operation to run: GraphiQL's own choice, unless it names none of the document's operations. GraphiQL updates
 * its operation name a moment after the editor's text changes, so an example loaded and run at once was sent with
 * the previous document's name ("Unknown operation named 'GetTodo'"); a document with one operation runs that one.
 */
export function operationToRun(query: string, operationName: string | null | undefined): string | null {
  try {
    const operations = parse(query).definitions.filter((definition) => definition.kind === 'OperationDefinition');
    if (operationName && operations.some((operation) => operation.name?.value === operationName)) return operationName;
    if (operations.length === 1) return operations[0].name?.value ?? null;
  } catch {
    // Not a document: AppSync says what is wrong with it.
  }
  return operationName ?? null;
}
