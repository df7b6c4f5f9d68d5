import type { ResourceProvider } from '../../cloudformation/resource-provider';

/** AWS::IAM::ManagedPolicy: attached to its roles by the IAM model. */
export const managedPolicyProvider: ResourceProvider = {
  type: 'AWS::IAM::ManagedPolicy',
  identify(properties, scope) {
    const name = typeof properties.ManagedPolicyName === 'string' ? properties.ManagedPolicyName : scope.generatedName(128);
    const arn = `arn:aws:iam::${scope.accountId}:policy/${name}`;
    return { ref: arn, attributes: { PolicyArn: arn } };
  },
};
