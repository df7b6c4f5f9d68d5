import type { ResourceProvider } from '../../cloudformation/resource-provider';

/** AWS::Lambda::Function: its name (given, or generated as CloudFormation does) and ARN. */
export const functionProvider: ResourceProvider = {
  type: 'AWS::Lambda::Function',
  identify(properties, scope) {
    const name = typeof properties.FunctionName === 'string' ? properties.FunctionName : scope.generatedName(64);
    return { ref: name, attributes: { Arn: `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${name}`, 'SnapStartResponse.ApplyOn': 'None' } };
  },
};
