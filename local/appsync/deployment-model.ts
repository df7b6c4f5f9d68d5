import { readFileSync } from 'node:fs';
import type { ProvisionedResource, ProvisionedStack } from '../cloudformation/deployment';
import { TemplateError } from '../cloudformation/intrinsics';
import type { LocalApiKey, LocalGraphqlApi, LocalResolver } from './model';

/** Every GraphQL API of the deployed stacks, with its schema, keys and resolvers. */
export function graphqlApisOf(stacks: readonly ProvisionedStack[]): LocalGraphqlApi[] {
  return stacks.flatMap((stack) => stack.byType('AWS::AppSync::GraphQLApi').map((api) => toGraphqlApi(stack, api)));
}

function toGraphqlApi(stack: ProvisionedStack, api: ProvisionedResource): LocalGraphqlApi {
  const apiId = String(api.attributes.ApiId);
  const ofApi = (type: string) => stack.byType(type).filter((resource) => resource.properties.ApiId === apiId);
  const dataSources = ofApi('AWS::AppSync::DataSource');
  const schema =
    ofApi('AWS::AppSync::GraphQLSchema')
      .map((s) => schemaText(stack, s))
      .join('\n') || (typeof api.properties.Definition === 'string' ? api.properties.Definition : '');
  const resolvers: LocalResolver[] = ofApi('AWS::AppSync::Resolver').map((r) => {
    const props = r.properties;
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
  });
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
  };
}

function schemaText(stack: ProvisionedStack, schema: ProvisionedResource): string {
  if (typeof schema.properties.Definition === 'string') return schema.properties.Definition;
  const location = String(schema.properties.DefinitionS3Location ?? '');
  const key = location.replace(/^s3:\/\/[^/]+\//, '');
  const asset = stack.assetsByObjectKey.get(key);
  if (!asset) throw new TemplateError(`${stack.stackName}: the schema at ${location} is not among the assembly's assets`);
  return readFileSync(asset, 'utf8');
}
