import type { ResourceProvider } from '../../cloudformation/resource-provider';

/** AWS::AppSync::GraphQLSchema: read by the API's model (its Definition or S3 location). */
export const graphqlSchemaProvider: ResourceProvider = {
  type: 'AWS::AppSync::GraphQLSchema',
  identify: (properties) => ({ ref: `${String(properties.ApiId)}GraphQLSchema`, attributes: {} }),
};
