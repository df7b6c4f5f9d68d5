import { graphqlApisOf } from './appsync/deployment-model';
import { appSyncGapsOf } from './appsync/emulation-gaps';
import type { LocalGraphqlApi } from './appsync/model';
import type { StackArtifact } from './cloudformation/cloud-assembly';
import { type DeployOptions, deployLocally, type EngineDeployment, type StackOutputs } from './cloudformation/deployment';
import { tablesOf } from './dynamodb/deployment-model';
import { dynamoDbGapsOf } from './dynamodb/emulation-gaps';
import type { LocalTable } from './dynamodb/model';
import { adminCredentialsOf, iamOf } from './iam/deployment-model';
import type { AwsCredentials, LocalRole, ResourcePolicy } from './iam/model';
import { functionsOf } from './lambda/deployment-model';
import type { LocalFunction } from './lambda/model';
import { defaultResourceProviders } from './resource-providers';

/** The model the local services run from: the engine's outputs, and each service's part read from what it provisioned. */
export interface LocalDeployment {
  readonly region: string;
  readonly accountId: string;
  readonly stacks: StackOutputs[];
  readonly functions: LocalFunction[];
  readonly graphqlApis: LocalGraphqlApi[];
  readonly tables: LocalTable[];
  readonly roles: LocalRole[];
  /** Resource-based policies (Lambda functions' permissions, DynamoDB tables' and streams' policies); none when absent. */
  readonly resourcePolicies?: readonly ResourcePolicy[];
  /** The all-powerful profile, like an account admin's keys. */
  readonly adminCredentials: Required<Pick<AwsCredentials, 'accessKeyId' | 'secretAccessKey'>>;
  /** Resources the local cloud does not emulate, listed once at start-up. */
  readonly skipped: EngineDeployment['skipped'];
  /** What the local cloud provisions but does not emulate fully (a setting, a policy element), one line each at start-up. */
  readonly notEmulated: readonly EmulationGap[];
}

/** Something of a resource the local cloud does not emulate fully, and what it does instead (it fails closed). */
export interface EmulationGap {
  /** `<stack>/<logicalId>`. */
  readonly resource: string;
  /** The property or policy element, e.g. `Properties.LogConfig` or `PolicyDocument.Statement[0].Condition`. */
  readonly element: string;
  /** What the local cloud does instead, e.g. `ignored: logs go to the terminal`, `denies every request it governs`. */
  readonly instead: string;
}

/**
 * "Deploys" a cloud assembly locally: the generic engine (local/cloudformation) resolves every template with the
 * app's resource providers, then IAM, Lambda, DynamoDB and AppSync each build their model from what was provisioned.
 */
export function deployApp(stacks: StackArtifact[], options: Omit<DeployOptions, 'providers'> & Partial<Pick<DeployOptions, 'providers'>>): LocalDeployment {
  const engine = deployLocally(stacks, { ...options, providers: options.providers ?? defaultResourceProviders() });
  const iam = iamOf(engine.provisioned, options.identity, { region: engine.region, accountId: engine.accountId });
  const { roles } = iam;
  const tables = tablesOf(engine.provisioned);
  return {
    region: engine.region,
    accountId: engine.accountId,
    stacks: engine.stacks,
    roles,
    resourcePolicies: iam.resourcePolicies,
    functions: functionsOf(engine.provisioned, roles, options.workDir),
    tables,
    graphqlApis: graphqlApisOf(engine.provisioned),
    adminCredentials: adminCredentialsOf(options.identity),
    skipped: engine.skipped,
    notEmulated: [...iam.gaps, ...appSyncGapsOf(engine.provisioned, new Set(roles.map((role) => role.arn))), ...dynamoDbGapsOf(tables)],
  };
}
