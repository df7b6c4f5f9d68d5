import type { ResourceProvider } from '../../cloudformation/resource-provider';

/**
 * AWS::Lambda::Permission: one statement of a function's resource-based policy. The IAM model
 * (local/iam/deployment-model.ts) turns its properties into the statement Lambda's AddPermission writes, and the
 * authorizer evaluates it for calls to the function.
 */
export const permissionProvider: ResourceProvider = {
  type: 'AWS::Lambda::Permission',
  identify: (_properties, scope) => ({ ref: scope.generatedName(64), attributes: {} }),
};
