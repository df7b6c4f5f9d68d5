/**
 * What of each AppSync API the local cloud provisions but does not emulate fully, for the start-up report and
 * `.local/endpoints.json` (LocalDeployment.notEmulated). Each gap says what happens instead, and none of them allows
 * more than AWS would: settings that only observe (logs, traces, metrics) are ignored, auth modes that are not
 * emulated refuse their requests, and resolvers or data-source roles that cannot be evaluated error their fields.
 */
import type { ProvisionedResource, ProvisionedStack } from '../cloudformation/deployment';
import type { EmulationGap } from '../deployment';
import { resolverOf, resourcesOfApi } from './deployment-model';

/** The auth modes the local endpoint verifies (auth/); the others' requests are refused with 401. */
const EMULATED_AUTH_MODES = new Set(['API_KEY', 'AWS_IAM']);

/** GraphQLApi properties the local cloud serves as AppSync does (or that change nothing a client can observe). */
const EMULATED_API_PROPERTIES = new Set([
  'Name',
  'AuthenticationType',
  'AdditionalAuthenticationProviders',
  'IntrospectionConfig',
  'QueryDepthLimit',
  'ResolverCountLimit',
  'Tags',
  'OwnerContact',
  // Configure modes that are reported through AuthenticationType / AdditionalAuthenticationProviders.
  'LambdaAuthorizerConfig',
  'OpenIDConnectConfig',
  'UserPoolConfig',
]);

/** What the local cloud does instead, for the API properties it knows but does not emulate. */
const IGNORED_API_PROPERTIES: Readonly<Record<string, string>> = {
  LogConfig: "ignored: request logs go to the local cloud's log (the terminal), not CloudWatch Logs",
  XrayEnabled: 'ignored: no X-Ray traces are recorded',
  EnhancedMetricsConfig: 'ignored: no CloudWatch metrics are published',
  EnvironmentVariables: 'ignored: only JavaScript and VTL resolvers read them, and those are not emulated',
  Visibility: 'ignored: the API is served on loopback as a GLOBAL one (no VPC endpoint)',
  ApiType: 'not emulated: a MERGED API is served as a plain GraphQL API of its own schema',
  MergedApiExecutionRoleArn: 'not emulated: merged APIs are not',
};

/** Values of the properties above that are AppSync's defaults, so that nothing differs. */
const DEFAULT_VALUES: Readonly<Record<string, unknown>> = { XrayEnabled: false, Visibility: 'GLOBAL', ApiType: 'GRAPHQL' };

export function appSyncGapsOf(stacks: readonly ProvisionedStack[], knownRoleArns: ReadonlySet<string>): EmulationGap[] {
  return stacks.flatMap((stack) => stack.byType('AWS::AppSync::GraphQLApi').flatMap((api) => apiGaps(stack, api, knownRoleArns)));
}

function apiGaps(stack: ProvisionedStack, api: ProvisionedResource, knownRoleArns: ReadonlySet<string>): EmulationGap[] {
  const at = (resource: ProvisionedResource) => `${stack.stackName}/${resource.logicalId}`;
  const gaps: EmulationGap[] = [...propertyGaps(at(api), api.properties), ...authModeGaps(at(api), api.properties)];
  const dataSources = resourcesOfApi(stack, api, 'AWS::AppSync::DataSource');
  for (const dataSource of dataSources) gaps.push(...dataSourceGaps(at(dataSource), dataSource.properties, knownRoleArns));
  for (const resolver of resourcesOfApi(stack, api, 'AWS::AppSync::Resolver')) {
    const local = resolverOf(resolver, dataSources);
    if (local.unsupported !== undefined) {
      gaps.push({
        resource: at(resolver),
        element: `Properties (${local.typeName}.${local.fieldName})`,
        instead: `not emulated (${local.unsupported}): the field errors with UnsupportedResolver`,
      });
    }
  }
  return gaps;
}

function propertyGaps(resource: string, properties: ProvisionedResource['properties']): EmulationGap[] {
  const gaps: EmulationGap[] = [];
  for (const [name, value] of Object.entries(properties)) {
    if (EMULATED_API_PROPERTIES.has(name) || value === undefined || (Object.hasOwn(DEFAULT_VALUES, name) && DEFAULT_VALUES[name] === value)) continue;
    gaps.push({ resource, element: `Properties.${name}`, instead: IGNORED_API_PROPERTIES[name] ?? 'not understood by the local cloud: ignored' });
  }
  return gaps;
}

function authModeGaps(resource: string, properties: ProvisionedResource['properties']): EmulationGap[] {
  const gaps: EmulationGap[] = [];
  const refused = (mode: string) => `not emulated: requests in ${mode} mode are refused with 401 UnauthorizedException`;
  const defaultMode = String(properties.AuthenticationType);
  if (!EMULATED_AUTH_MODES.has(defaultMode)) gaps.push({ resource, element: 'Properties.AuthenticationType', instead: refused(defaultMode) });
  const additional = (properties.AdditionalAuthenticationProviders as Array<{ AuthenticationType?: string }> | undefined) ?? [];
  additional.forEach((provider, index) => {
    const mode = String(provider.AuthenticationType);
    if (!EMULATED_AUTH_MODES.has(mode)) gaps.push({ resource, element: `Properties.AdditionalAuthenticationProviders[${index}]`, instead: refused(mode) });
  });
  return gaps;
}

function dataSourceGaps(resource: string, properties: ProvisionedResource['properties'], knownRoleArns: ReadonlySet<string>): EmulationGap[] {
  if (properties.Type !== 'AWS_LAMBDA') return [];
  const role = properties.ServiceRoleArn;
  if (typeof role !== 'string') {
    return [
      {
        resource,
        element: 'Properties.ServiceRoleArn',
        instead: 'missing: AppSync has no role to invoke the function with, so its fields error (DataSourceRoleError)',
      },
    ];
  }
  if (!knownRoleArns.has(role)) {
    return [
      {
        resource,
        element: 'Properties.ServiceRoleArn',
        instead: `not evaluated: ${role} is not a role of this deployment, so its fields error (DataSourceRoleError) instead of invoking`,
      },
    ];
  }
  return [];
}
