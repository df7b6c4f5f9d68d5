/**
 * The resource-based policies of a deployment, compiled once and found by the ARN a request names: a Lambda
 * function's policy (its AWS::Lambda::Permission statements, for the function or the one version or alias they
 * name), a DynamoDB table's (which also governs the table's indexes) or a stream's.
 */
import type { ResourcePolicy } from './model';
import { type CompiledPolicy, compilePolicy } from './policy-evaluator';

export class ResourcePolicyIndex {
  private readonly byArn = new Map<string, CompiledPolicy>();
  private readonly byPrefix: Array<{ prefix: string; policy: CompiledPolicy }> = [];

  constructor(policies: readonly ResourcePolicy[] = []) {
    for (const policy of policies) {
      const compiled = compilePolicy({ source: policy.source, document: policy.document }, 'resource');
      this.byArn.set(policy.resourceArn, compiled);
      if (policy.governsPrefix) this.byPrefix.push({ prefix: policy.governsPrefix, policy: compiled });
    }
  }

  /** The policy governing a resource, if it has one. */
  policyFor(resourceArn: string): CompiledPolicy | undefined {
    if (this.byArn.size === 0) return undefined;
    const exact = this.byArn.get(resourceArn);
    if (exact) return exact;
    return this.byPrefix.find(({ prefix }) => resourceArn.startsWith(prefix))?.policy;
  }
}
