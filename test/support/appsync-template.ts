/**
 * A hand-written stack with one AppSync API (settings, four data sources, a resolver on each) and one table, for the
 * tests of what the local deployment reads from a template: the API's settings, the data sources' roles and what is
 * not fully emulated. Properties may be overridden per test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { StackArtifact } from '../../local/cloudformation/cloud-assembly';
import type { TemplateValue } from '../../local/cloudformation/intrinsics';
import { deployApp, type LocalDeployment } from '../../local/deployment';
import { LocalIdentity } from '../../local/state';

export const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:Resolver';
export const IMPORTED_ROLE_ARN = 'arn:aws:iam::111122223333:role/Imported';

const apiId = { 'Fn::GetAtt': ['Api', 'ApiId'] };

export function appSyncStack(apiProperties: Record<string, TemplateValue> = {}, tableProperties: Record<string, TemplateValue> = {}): StackArtifact {
  const lambdaSource = (name: string, role?: TemplateValue) => ({
    Type: 'AWS::AppSync::DataSource',
    Properties: { ApiId: apiId, Name: name, Type: 'AWS_LAMBDA', LambdaConfig: { LambdaFunctionArn: FUNCTION_ARN }, ...(role ? { ServiceRoleArn: role } : {}) },
  });
  const resolver = (fieldName: string, dataSourceName: string) => ({
    Type: 'AWS::AppSync::Resolver',
    Properties: { ApiId: apiId, TypeName: 'Query', FieldName: fieldName, DataSourceName: dataSourceName, Kind: 'UNIT' },
  });
  return {
    id: 'ApiStack',
    stackName: 'Api-test',
    dependencies: [],
    assetsByObjectKey: new Map(),
    template: {
      Resources: {
        Api: { Type: 'AWS::AppSync::GraphQLApi', Properties: { Name: 'api', AuthenticationType: 'API_KEY', ...apiProperties } },
        Schema: { Type: 'AWS::AppSync::GraphQLSchema', Properties: { ApiId: apiId, Definition: 'type Query { a: String b: String c: String d: String }' } },
        InvokeRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] } } },
        Good: lambdaSource('Good', { 'Fn::GetAtt': ['InvokeRole', 'Arn'] }),
        NoRole: lambdaSource('NoRole'),
        Imported: lambdaSource('Imported', IMPORTED_ROLE_ARN),
        Items: { Type: 'AWS::AppSync::DataSource', Properties: { ApiId: apiId, Name: 'Items', Type: 'AMAZON_DYNAMODB' } },
        AResolver: resolver('a', 'Good'),
        BResolver: resolver('b', 'NoRole'),
        CResolver: resolver('c', 'Imported'),
        DResolver: resolver('d', 'Items'),
        Table: {
          Type: 'AWS::DynamoDB::Table',
          Properties: {
            AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
            SSESpecification: { SSEEnabled: true },
            ...tableProperties,
          },
        },
      },
    },
  };
}

/** Deploys stacks locally in a temporary work directory. */
export function deployStacks(stacks: StackArtifact[]): LocalDeployment {
  const workDir = mkdtempSync(path.join(tmpdir(), 'appsync-template-'));
  try {
    return deployApp(stacks, { region: 'us-east-1', identity: LocalIdentity.ephemeral(), graphqlBaseUrl: 'http://127.0.0.1:20002', workDir });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
