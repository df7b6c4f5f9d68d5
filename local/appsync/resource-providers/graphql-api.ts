import type { ResourceProvider } from '../../cloudformation/resource-provider';

/** AWS::AppSync::GraphQLApi: its id, ARN and the local endpoint's URLs. */
export const graphqlApiProvider: ResourceProvider = {
  type: 'AWS::AppSync::GraphQLApi',
  identify(_properties, scope) {
    const apiId = scope.identity.derive(`${scope.purpose}:apiId`, 26);
    const arn = `arn:aws:appsync:${scope.region}:${scope.accountId}:apis/${apiId}`;
    const url = scope.countInAssembly('AWS::AppSync::GraphQLApi') > 1 ? `${scope.graphqlBaseUrl}/apis/${apiId}/graphql` : `${scope.graphqlBaseUrl}/graphql`;
    const host = new URL(scope.graphqlBaseUrl).host;
    return {
      ref: arn,
      attributes: {
        ApiId: apiId,
        Arn: arn,
        GraphQLUrl: url,
        GraphQLDns: host,
        GraphQLEndpointArn: arn,
        RealtimeUrl: url.replace(/^http/, 'ws'),
        RealtimeDns: host,
        ApiArn: arn,
      },
    };
  },
};
