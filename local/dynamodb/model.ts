import type { TemplateValue } from '../cloudformation/intrinsics';

/** A table of a local deployment, created in the embedded store. */
export interface LocalTable {
  readonly stackName: string;
  readonly logicalId: string;
  readonly tableName: string;
  readonly arn: string;
  readonly properties: Record<string, TemplateValue>;
}
