import { readFileSync } from 'node:fs';
import type { ProvisionedResource, ProvisionedStack } from '../cloudformation/deployment';
import { TemplateError } from '../cloudformation/intrinsics';
import { IntrospectionConfig, type LocalApiKey, type LocalGraphqlApi, type LocalResolver } from './model';

/** AppSync's bounds for the API's limits (CreateGraphqlApi, AWS AppSync API Reference); 0 means "AppSync's default". */
export const MAX_QUERY_DEPTH_LIMIT = 75;
export const MAX_RESOLVER_COUNT_LIMIT = 10_000;

/** Every GraphQL API of the deployed stacks, with its schema, keys and resolvers. */
export function graphqlApisOf(stacks: readonly ProvisionedStack[]): LocalGraphqlApi[] {
  return stacks.flatMap((stack) => stack.byType('AWS::AppSync::GraphQLApi').map((api) => toGraphqlApi(stack, api)));
}

/** The resources of one type that belong to an API (by their ApiId). */
export function resourcesOfApi(stack: ProvisionedStack, api: ProvisionedResource, type: string): ProvisionedResource[] {
  const apiId = String(api.attributes.ApiId);
  return stack.byType(type).filter((resource) => resource.properties.ApiId === apiId);
}

/** A resolver as the local cloud runs it: a direct Lambda resolver, or why it cannot run locally. */
export function resolverOf(resolver: ProvisionedResource, dataSources: readonly ProvisionedResource[]): LocalResolver {
  const props = resolver.properties;
  const kind = String(props.Kind ?? 'UNIT');
  const dataSource = dataSources.find((d) => d.properties.Name === props.DataSourceName);
  const base = { typeName: String(props.TypeName), fieldName: String(props.FieldName), dataSourceName: props.DataSourceName as string | undefined, kind };
  const lambdaArn = (dataSource?.properties.LambdaConfig as { LambdaFunctionArn?: string } | undefined)?.LambdaFunctionArn;
  if (kind !== 'UNIT') return { ...base, unsupported: `${kind} resolvers are not emulated` };
  if (props.RequestMappingTemplate || props.ResponseMappingTemplate || props.Code || props.RequestMappingTemplateS3Location) {
    return { ...base, unsupported: 'resolvers with mapping templates or code are not emulated (direct Lambda resolvers are)' };
  }
  if (dataSource?.properties.Type !== 'AWS_LAMBDA' || !lambdaArn)
    return { ...base, unsupported: `data source ${String(props.DataSourceName)} is not a Lambda data source` };
  const serviceRoleArn = typeof dataSource.properties.ServiceRoleArn === 'string' ? dataSource.properties.ServiceRoleArn : undefined;
  return { ...base, lambdaFunctionArn: lambdaArn, ...(serviceRoleArn !== undefined ? { serviceRoleArn } : {}) };
}

function toGraphqlApi(stack: ProvisionedStack, api: ProvisionedResource): LocalGraphqlApi {
  const apiId = String(api.attributes.ApiId);
  const ofApi = (type: string) => resourcesOfApi(stack, api, type);
  const dataSources = ofApi('AWS::AppSync::DataSource');
  const schema =
    ofApi('AWS::AppSync::GraphQLSchema')
      .map((s) => schemaText(stack, s))
      .join('\n') || (typeof api.properties.Definition === 'string' ? api.properties.Definition : '');
  const resolvers: LocalResolver[] = ofApi('AWS::AppSync::Resolver').map((resolver) => resolverOf(resolver, dataSources));
  const apiKeys: LocalApiKey[] = ofApi('AWS::AppSync::ApiKey').map((r) => ({
    id: String(r.attributes.ApiKeyId),
    value: String(r.attributes.ApiKey),
    // AppSync rounds a key's expiry down to the hour.
    expires: r.properties.Expires === undefined ? undefined : Math.floor(Number(r.properties.Expires) / 3600) * 3600,
  }));
  const additional = (api.properties.AdditionalAuthenticationProviders as Array<{ AuthenticationType: string }> | undefined) ?? [];
  return {
    stackName: stack.stackName,
    logicalId: api.logicalId,
    apiId,
    name: String(api.properties.Name),
    arn: String(api.attributes.Arn),
    url: String(api.attributes.GraphQLUrl),
    schema,
    authenticationType: String(api.properties.AuthenticationType),
    additionalAuthenticationTypes: additional.map((provider) => provider.AuthenticationType),
    apiKeys,
    resolvers,
    ...apiSettings(`${stack.stackName}/${api.logicalId}`, api.properties),
  };
}

/**
 * IntrospectionConfig, QueryDepthLimit and ResolverCountLimit, refused at start-up when AppSync would refuse to
 * store them (a value outside the enum or the range), naming the resource and the property.
 */
function apiSettings(
  where: string,
  properties: ProvisionedResource['properties'],
): Pick<LocalGraphqlApi, 'introspectionConfig' | 'queryDepthLimit' | 'resolverCountLimit'> {
  const introspection = properties.IntrospectionConfig;
  if (introspection !== undefined && introspection !== IntrospectionConfig.Enabled && introspection !== IntrospectionConfig.Disabled) {
    throw new TemplateError(`${where}.Properties.IntrospectionConfig must be ENABLED or DISABLED, not ${JSON.stringify(introspection)}`);
  }
  const depth = limitOf(where, 'QueryDepthLimit', properties.QueryDepthLimit, MAX_QUERY_DEPTH_LIMIT);
  const count = limitOf(where, 'ResolverCountLimit', properties.ResolverCountLimit, MAX_RESOLVER_COUNT_LIMIT);
  return {
    ...(introspection !== undefined ? { introspectionConfig: introspection as IntrospectionConfig } : {}),
    ...(depth !== undefined ? { queryDepthLimit: depth } : {}),
    ...(count !== undefined ? { resolverCountLimit: count } : {}),
  };
}

/** An integer from 0 to `max` (CloudFormation passes numbers, or strings of digits); 0 and absent are AppSync's default (undefined). */
function limitOf(where: string, property: string, value: unknown, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > max) {
    throw new TemplateError(`${where}.Properties.${property} must be an integer from 0 (AppSync's default) to ${max}, not ${JSON.stringify(value)}`);
  }
  return number === 0 ? undefined : number;
}

function schemaText(stack: ProvisionedStack, schema: ProvisionedResource): string {
  if (typeof schema.properties.Definition === 'string') return schema.properties.Definition;
  const location = String(schema.properties.DefinitionS3Location ?? '');
  const key = location.replace(/^s3:\/\/[^/]+\//, '');
  const asset = stack.assetsByObjectKey.get(key);
  if (!asset) throw new TemplateError(`${stack.stackName}: the schema at ${location} is not among the assembly's assets`);
  return readFileSync(asset, 'utf8');
}
