import type { ResourceProvider } from '../../cloudformation/resource-provider';

/** AWS::IAM::RolePolicy: one inline policy of one role (`RoleName`); attached to its role by the IAM model. */
export const rolePolicyProvider: ResourceProvider = {
  type: 'AWS::IAM::RolePolicy',
  identify: (properties, scope) => ({ ref: typeof properties.PolicyName === 'string' ? properties.PolicyName : scope.generatedName(128), attributes: {} }),
};
