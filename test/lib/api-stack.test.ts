import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { SCHEMA_PATH } from '../../lib/todo-api';
import { resourcesOfType, synthApp } from '../support/synth';

function nodeMajor(runtime: unknown): number {
  const match = /^nodejs(\d+)\.x$/.exec(String(runtime));
  if (!match) throw new Error(`not a Node.js runtime: ${String(runtime)}`);
  return Number(match[1]);
}

describe('TodoApiStack', () => {
  test('the API takes the API key by default and IAM as additional mode', () => {
    // GIVEN / WHEN
    const { api } = synthApp();
    // THEN
    api.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'API_KEY',
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }],
      XrayEnabled: true,
    });
  });

  test('the schema deployed is the schema file, unchanged', () => {
    const { api } = synthApp();
    api.hasResourceProperties('AWS::AppSync::GraphQLSchema', {
      Definition: readFileSync(SCHEMA_PATH, 'utf8'),
    });
  });

  test("the API key expires on a date fixed by cdk.json, never CDK's silent 7 days (test/lib/api-key-lifetime.test.ts)", () => {
    const { api } = synthApp({ now: new Date('2026-12-02T12:00:00Z'), context: { 'todo:apiKeyIssuedOn': '2026-12-02' } });
    const keys = Object.values(resourcesOfType(api, 'AWS::AppSync::ApiKey'));
    expect(keys).toHaveLength(1);
    expect(keys[0].Properties?.Expires).toBe(Date.parse('2027-12-02T00:00:00Z') / 1000);
  });

  test.each([['0'], ['366'], ['1.5'], ['soon']])('an API key expiry of %s days is refused at synth with a clear message', (days) => {
    expect(() => synthApp({ context: { 'todo:apiKeyExpiresInDays': days } })).toThrow(/todo:apiKeyExpiresInDays must be an integer from 1 to 365/);
  });

  test('the table is on demand, keyed by id, with point-in-time recovery, and retained by default', () => {
    const { api } = synthApp();
    api.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    api.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('the table is deleted with the stack only when the context flag says so', () => {
    const { api } = synthApp({ context: { 'todo:destroyDataOnDelete': 'true' } });
    api.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  test('the resolver function runs on Node.js 22 or newer, ARM64, with the table and token key in its environment', () => {
    const { api } = synthApp();
    const functions = Object.values(resourcesOfType(api, 'AWS::Lambda::Function'));
    expect(functions).toHaveLength(1);
    const props = functions[0].Properties ?? {};
    expect(nodeMajor(props.Runtime)).toBeGreaterThanOrEqual(22);
    expect(props.Architectures).toEqual(['arm64']);
    api.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          TODO_TABLE_NAME: { Ref: Match.stringLikeRegexp('TodoTable') },
          PAGINATION_TOKEN_KEY: { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] },
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  test('the resolver function may read and write the table', () => {
    const { api } = synthApp();
    const statements = Object.values(api.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>,
    );
    const tableStatement = statements.find((statement) => JSON.stringify(statement.Resource).includes('TodoTable'));
    expect(tableStatement?.Action).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
    );
  });

  test('AppSync request logs go to a log group with a retention, through a role limited to that group', () => {
    const { api } = synthApp();
    api.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['/aws/appsync/apis/', { 'Fn::GetAtt': [Match.stringLikeRegexp('GraphQLAPI'), 'ApiId'] }]] },
      RetentionInDays: 30,
    });
    api.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'appsync.amazonaws.com' } })] },
    });
    api.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('RequestLoggingLogGroup'), 'Arn'] },
          },
        ],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('RequestLoggingRole') }],
    });
    expect(Object.keys(api.findResources('Custom::LogRetention'))).toHaveLength(0);
  });

  test('one Lambda data source serves the API', () => {
    const { api } = synthApp();
    const sources = Object.values(resourcesOfType(api, 'AWS::AppSync::DataSource'));
    expect(sources).toHaveLength(1);
    expect(sources[0].Properties).toMatchObject({
      Type: 'AWS_LAMBDA',
      LambdaConfig: { LambdaFunctionArn: { 'Fn::GetAtt': [expect.stringMatching(/ResolverFunction/), 'Arn'] } },
    });
  });

  test('every Query and Mutation field has a direct Lambda resolver (no mapping templates)', () => {
    const { api } = synthApp();
    const resolvers = Object.values(resourcesOfType(api, 'AWS::AppSync::Resolver')).map((r) => r.Properties ?? {});
    const fields = resolvers.map((r) => `${String(r.TypeName)}.${String(r.FieldName)}`).sort();
    expect(fields).toEqual(['Mutation.createTodo', 'Mutation.deleteTodo', 'Mutation.updateTodo', 'Query.getTodo', 'Query.listTodos']);
    for (const resolver of resolvers) {
      expect(resolver).toMatchObject({ Kind: 'UNIT', DataSourceName: expect.anything() });
      expect(resolver).not.toHaveProperty('RequestMappingTemplate');
      expect(resolver).not.toHaveProperty('ResponseMappingTemplate');
      expect(resolver).not.toHaveProperty('Code');
    }
  });

  test("the outputs are named like Amplify's", () => {
    const { api } = synthApp();
    api.hasOutput('GraphQLAPIEndpointOutput', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('GraphQLAPI'), 'GraphQLUrl'] } });
    api.hasOutput('GraphQLAPIIdOutput', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('GraphQLAPI'), 'ApiId'] } });
    api.hasOutput('GraphQLAPIKeyOutput', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('ApiKey'), 'ApiKey'] } });
  });

  test('the current API key is published in SSM for the callers to read at deploy time', () => {
    const { api } = synthApp();
    api.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/todoapi/dev/graphql-api-key',
      Type: 'String',
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('ApiKey'), 'ApiKey'] },
    });
  });

  test('AppSync logs errors without verbose content', () => {
    const { api } = synthApp();
    api.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      LogConfig: { FieldLogLevel: 'ERROR', ExcludeVerboseContent: true, CloudWatchLogsRoleArn: Match.anyValue() },
    });
  });

  test('function logs are kept for a month, not forever', () => {
    const { api } = synthApp();
    api.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });
});
