import type { ResourceProvider } from '../../cloudformation/resource-provider';

/** AWS::AppSync::DataSource. */
export const dataSourceProvider: ResourceProvider = {
  type: 'AWS::AppSync::DataSource',
  identify(properties, scope) {
    const arn = `arn:aws:appsync:${scope.region}:${scope.accountId}:apis/${String(properties.ApiId)}/datasources/${String(properties.Name)}`;
    return { ref: arn, attributes: { DataSourceArn: arn, Name: String(properties.Name) } };
  },
};
