/** Stage 3, the variables: coerced to the operation's declared types, or AppSync's answer listing what is wrong. */
import { type GraphQLSchema, getVariableValues } from 'graphql';
import { variableErrors } from './errors';
import type { SelectedOperation } from './operation';
import { answer, type StageResult } from './stage';

export function variablesStage(
  schema: GraphQLSchema,
  operation: SelectedOperation,
  variables: Record<string, unknown> | null,
  decisions: string[],
): StageResult<Record<string, unknown>> {
  const coerced = getVariableValues(schema, operation.definition.variableDefinitions ?? [], variables ?? {}, { maxErrors: 50 });
  if (coerced.errors) {
    decisions.push('invalid variables');
    return answer({ data: null, errors: variableErrors(coerced.errors) }, decisions, operation.label);
  }
  return { next: coerced.coerced };
}
