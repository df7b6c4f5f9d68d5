import type { ResourceProvider } from '../cloudformation/resource-provider';

/** AWS::Logs::LogGroup: functions log to the local cloud's own output; the group is named as CloudFormation would. */
export const logGroupProvider: ResourceProvider = {
  type: 'AWS::Logs::LogGroup',
  identify(properties, scope) {
    const name = typeof properties.LogGroupName === 'string' ? properties.LogGroupName : scope.generatedName(512);
    return { ref: name, attributes: { Arn: `arn:aws:logs:${scope.region}:${scope.accountId}:log-group:${name}:*` } };
  },
};
