import type { ProvisionedStack } from '../cloudformation/deployment';
import type { LocalTable } from './model';

/** Every table of the deployed stacks, to create in the embedded store. */
export function tablesOf(stacks: readonly ProvisionedStack[]): LocalTable[] {
  return stacks.flatMap((stack) =>
    stack.byType('AWS::DynamoDB::Table').map((table) => ({
      stackName: stack.stackName,
      logicalId: table.logicalId,
      tableName: table.ref,
      arn: String(table.attributes.Arn),
      properties: table.properties,
    })),
  );
}
