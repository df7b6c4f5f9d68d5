import type { ResourceProvider } from '../../cloudformation/resource-provider';

/** AWS::Lambda::Permission: accepted; resource policies are not evaluated locally. */
export const permissionProvider: ResourceProvider = {
  type: 'AWS::Lambda::Permission',
  identify: (_properties, scope) => ({ ref: scope.generatedName(64), attributes: {} }),
};
