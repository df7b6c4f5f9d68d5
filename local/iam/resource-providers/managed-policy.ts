import type { ResourceProvider } from '../../cloudformation/resource-provider';

/** AWS::IAM::ManagedPolicy: its ARN (`Ref`), path included (`arn:aws:iam::<account>:policy/<path><name>`); attached to roles by the IAM model. */
export const managedPolicyProvider: ResourceProvider = {
  type: 'AWS::IAM::ManagedPolicy',
  identify(properties, scope) {
    const name = typeof properties.ManagedPolicyName === 'string' ? properties.ManagedPolicyName : scope.generatedName(128);
    const policyPath = typeof properties.Path === 'string' ? properties.Path : '/';
    const arn = `arn:aws:iam::${scope.accountId}:policy${policyPath}${name}`;
    return { ref: arn, attributes: { PolicyArn: arn } };
  },
};
