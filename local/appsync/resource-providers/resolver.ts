import type { ResourceProvider } from '../../cloudformation/resource-provider';

/** AWS::AppSync::Resolver. */
export const resolverProvider: ResourceProvider = {
  type: 'AWS::AppSync::Resolver',
  identify(properties, scope) {
    const arn = `arn:aws:appsync:${scope.region}:${scope.accountId}:apis/${String(properties.ApiId)}/types/${String(properties.TypeName)}/resolvers/${String(properties.FieldName)}`;
    return { ref: arn, attributes: { ResolverArn: arn, TypeName: String(properties.TypeName), FieldName: String(properties.FieldName) } };
  },
};
