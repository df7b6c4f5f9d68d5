import type { ResourceProvider } from '../../cloudformation/resource-provider';
import { UPPER_ALNUM } from '../../state';

/** AWS::IAM::Role: its name, path, ARN and role id. */
export const roleProvider: ResourceProvider = {
  type: 'AWS::IAM::Role',
  identify(properties, scope) {
    const name = typeof properties.RoleName === 'string' ? properties.RoleName : scope.generatedName(64);
    const rolePath = typeof properties.Path === 'string' ? properties.Path : '/';
    return {
      ref: name,
      attributes: {
        Arn: `arn:aws:iam::${scope.accountId}:role${rolePath}${name}`,
        RoleId: `AROA${scope.identity.derive(`${scope.purpose}:roleId`, 17, UPPER_ALNUM)}`,
      },
    };
  },
};
