import { apiKeyProvider } from './appsync/resource-providers/api-key';
import { dataSourceProvider } from './appsync/resource-providers/data-source';
import { graphqlApiProvider } from './appsync/resource-providers/graphql-api';
import { graphqlSchemaProvider } from './appsync/resource-providers/graphql-schema';
import { resolverProvider } from './appsync/resource-providers/resolver';
import { ResourceProviderRegistry } from './cloudformation/resource-provider';
import { tableProvider } from './dynamodb/resource-providers/table';
import { managedPolicyProvider } from './iam/resource-providers/managed-policy';
import { policyProvider } from './iam/resource-providers/policy';
import { roleProvider } from './iam/resource-providers/role';
import { rolePolicyProvider } from './iam/resource-providers/role-policy';
import { functionProvider } from './lambda/resource-providers/function';
import { permissionProvider } from './lambda/resource-providers/permission';
import { logGroupProvider } from './logs/log-group';
import { parameterProvider } from './ssm/parameter';

/** Every CloudFormation resource type the local cloud provides; a new one is one file in its service and one line here. */
export function defaultResourceProviders(): ResourceProviderRegistry {
  return new ResourceProviderRegistry([
    graphqlApiProvider,
    graphqlSchemaProvider,
    apiKeyProvider,
    dataSourceProvider,
    resolverProvider,
    functionProvider,
    permissionProvider,
    roleProvider,
    policyProvider,
    rolePolicyProvider,
    managedPolicyProvider,
    tableProvider,
    parameterProvider,
    logGroupProvider,
  ]);
}
