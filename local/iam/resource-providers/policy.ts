import type { ResourceProvider } from '../../cloudformation/resource-provider';

/** AWS::IAM::Policy: attached to its roles by the IAM model. */
export const policyProvider: ResourceProvider = {
  type: 'AWS::IAM::Policy',
  identify: (_properties, scope) => ({ ref: scope.generatedName(128), attributes: { Id: scope.generatedName(128) } }),
};
