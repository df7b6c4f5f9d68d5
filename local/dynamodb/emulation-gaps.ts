/**
 * What of each DynamoDB table the local cloud provisions but does not emulate fully, for the start-up report and
 * `.local/endpoints.json`. Properties with no effect a client can observe locally (encryption at rest, backups,
 * table class, tags) are not listed.
 */
import type { EmulationGap } from '../deployment';
import type { LocalTable } from './model';

/** What the local store does instead, for the table properties it knows but does not emulate. */
const NOT_EMULATED: Readonly<Record<string, string>> = {
  StreamSpecification: 'not emulated: no stream records are produced',
  KinesisStreamSpecification: 'not emulated: no change records reach Kinesis',
  TimeToLiveSpecification: 'not emulated: expired items are never deleted',
  ResourcePolicy: 'not evaluated: every call to this table by a role is refused (AccessDeniedException); the admin profile is unaffected',
  DeletionProtectionEnabled: 'not enforced: DeleteTable succeeds',
  ImportSourceSpecification: 'not emulated: the table is created empty',
  ProvisionedThroughput: 'not enforced: no request is throttled',
  OnDemandThroughput: 'not enforced: no request is throttled',
};

/** Values that change nothing (a feature switched off). */
const switchedOff = (name: string, value: unknown): boolean =>
  value === false || (name === 'TimeToLiveSpecification' && (value as { Enabled?: unknown } | undefined)?.Enabled === false);

export function dynamoDbGapsOf(tables: readonly LocalTable[]): EmulationGap[] {
  const gaps: EmulationGap[] = [];
  for (const table of tables) {
    for (const [name, value] of Object.entries(table.properties)) {
      if (!Object.hasOwn(NOT_EMULATED, name) || value === undefined || switchedOff(name, value)) continue;
      gaps.push({ resource: `${table.stackName}/${table.logicalId}`, element: `Properties.${name}`, instead: NOT_EMULATED[name] });
    }
  }
  return gaps;
}

/** Tables whose resource-based policy the local cloud does not evaluate: only the admin may use them (auth.ts). */
export function tablesWithResourcePolicy(tables: readonly LocalTable[]): string[] {
  return tables.filter((table) => table.properties.ResourcePolicy !== undefined).map((table) => table.arn);
}
