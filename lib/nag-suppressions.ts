import { CfnResource, Validations } from 'aws-cdk-lib';
import { Policy } from 'aws-cdk-lib/aws-iam';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { nodeMajorOfRuntime, RUNTIME_WARNING_DAYS, runtimeLifecycle } from './lambda-runtimes';
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

/**
 * The newest Node.js runtime this CDK knows: what cdk-nag's AwsSolutions-L1 ("latest runtime version") compares a
 * function's runtime with (it reads the same list, aws-lambda's Runtime.ALL).
 */
export function newestKnownNodeRuntime(): string {
  const majors = Runtime.ALL.map((runtime) => nodeMajorOfRuntime(runtime.name)).filter((major): major is number => major !== undefined);
  return `nodejs${Math.max(...majors)}.x`;
}

/**
 * Lambda runtime pinned on purpose (`TodoFunction.RUNTIME`). Only acknowledged while it is behind the newest runtime
 * CDK knows (L1 raises nothing otherwise, and an acknowledgment of nothing would be stale); its reason quotes
 * Lambda's dates for it (lib/lambda-runtimes.ts), which a test keeps at least RUNTIME_WARNING_DAYS ahead.
 */
export function pinnedRuntimeSuppression(runtime = TodoFunction.RUNTIME.name): NagSuppression {
  const dates = runtimeLifecycle(runtime);
  return {
    id: 'AwsSolutions-L1',
    reason:
      `The runtime is pinned on purpose (TodoFunction.RUNTIME = ${runtime}) so a CDK upgrade never changes it silently, and the bundles ` +
      `and the local cloud are built for it. Lambda supports it until ${dates.deprecation} (function creation blocked from ` +
      `${dates.blockFunctionCreate}, updates from ${dates.blockFunctionUpdate}: lib/lambda-runtimes.ts), and ` +
      `test/lib/lambda-runtimes.test.ts fails ${RUNTIME_WARNING_DAYS} days before that date; moving to ${newestKnownNodeRuntime()} is a ` +
      'deliberate change of TodoFunction.RUNTIME.',
  };
}

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
  const behindNewest = TodoFunction.RUNTIME.name !== newestKnownNodeRuntime();
  for (const fn of scope.node.findAll().filter((c): c is TodoFunction => c instanceof TodoFunction)) {
    if (behindNewest) acknowledge(fn.node.defaultChild, pinnedRuntimeSuppression());
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
