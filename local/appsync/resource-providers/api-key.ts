import type { ResourceProvider } from '../../cloudformation/resource-provider';

/** AWS::AppSync::ApiKey: a `da2-` key derived from the state's identity, so a restart keeps it. */
export const apiKeyProvider: ResourceProvider = {
  type: 'AWS::AppSync::ApiKey',
  identify(properties, scope) {
    const keyValue = `da2-${scope.identity.derive(`${scope.purpose}:apiKey`, 26)}`;
    const arn = `arn:aws:appsync:${scope.region}:${scope.accountId}:apis/${String(properties.ApiId)}/apikeys/${keyValue}`;
    return { ref: arn, attributes: { ApiKey: keyValue, ApiKeyId: keyValue, Arn: arn } };
  },
};
