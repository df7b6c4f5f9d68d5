import { CfnResource, Validations } from 'aws-cdk-lib';
import { Policy } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { TodoFunction } from './todo-function';

/** Plugin name of cdk-nag's AwsSolutionsChecks in CDK's validation report. */
export const NAG_PACK = 'AwsSolutions';

/**
 * The id to acknowledge a finding with, as `cdk synth` prints it (`AwsSolutions::AwsSolutions-L1`): acknowledged this
 * way, the finding stays in cdk.out/validation-report.json under `suppressedViolations`, with its reason.
 */
export function nagAcknowledgmentId(ruleId: string): string {
  return `${NAG_PACK}::${ruleId}`;
}

/** One cdk-nag finding acknowledged on one resource, with the reason a reviewer reads. */
export interface NagSuppression {
  /** Rule id, with the finding in brackets for rules that report several per resource, e.g. `AwsSolutions-IAM5[Resource::*]`. */
  readonly id: string;
  readonly reason: string;
}

/** Lambda runtime pinned on purpose (`TodoFunction.RUNTIME`), one runtime behind the newest. */
export const PINNED_RUNTIME: NagSuppression = {
  id: 'AwsSolutions-L1',
  reason:
    `The runtime is pinned on purpose (TodoFunction.RUNTIME = ${TodoFunction.RUNTIME.name}) so a CDK upgrade never changes it silently, ` +
    'and the bundles are built for it (esbuild target). It is a supported Lambda runtime; moving to a newer one is a deliberate ' +
    'change of TodoFunction.RUNTIME and the bundling target, after which this acknowledgment no longer matches anything.',
};

/** The `Resource: *` statement that `tracing: Tracing.ACTIVE` adds to a function's role. */
export const XRAY_WRITE: NagSuppression = {
  id: 'AwsSolutions-IAM5[Resource::*]',
  reason:
    'The only statement with Resource "*" is the X-Ray one that active tracing adds (xray:PutTraceSegments, ' +
    'xray:PutTelemetryRecords): these actions have no resource types in the IAM service authorization reference, so "*" is ' +
    'the only resource they accept. Every other statement of the policy names its resource (test/lib/nag.test.ts checks it).',
};

/**
 * Acknowledges the cdk-nag findings of the app's Lambda functions, each on the one resource that raises it. Kept apart
 * from the constructs (TodoFunction, GraphqlCaller, the callers stack) so that each is reviewed here, in one list;
 * resources are found through the construct tree, so a caller added with one line gets the same treatment.
 */
export function applyNagSuppressions(scope: IConstruct): void {
  for (const fn of scope.node.findAll().filter((c): c is TodoFunction => c instanceof TodoFunction)) {
    acknowledge(fn.node.defaultChild, PINNED_RUNTIME);
    const defaultPolicy = fn.role?.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy instanceof Policy) acknowledge(defaultPolicy.node.defaultChild, XRAY_WRITE);
  }
}

function acknowledge(resource: IConstruct | undefined, suppression: NagSuppression): void {
  if (resource === undefined || !CfnResource.isCfnResource(resource)) {
    throw new Error(`cdk-nag suppression ${suppression.id}: expected a CloudFormation resource, got ${resource?.node.path ?? 'nothing'}`);
  }
  Validations.of(resource).acknowledge({ id: nagAcknowledgmentId(suppression.id), reason: suppression.reason });
}
