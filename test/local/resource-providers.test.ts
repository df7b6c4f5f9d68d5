import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { StackArtifact } from '../../local/cloudformation/cloud-assembly';
import { deployLocally } from '../../local/cloudformation/deployment';
import type { ResourceProviderRegistry } from '../../local/cloudformation/resource-provider';
import { defaultResourceProviders } from '../../local/resource-providers';
import { LocalIdentity } from '../../local/state';
import { queueProvider } from '../support/queue-provider';

/** The engine provides resource types through a registry: a new type is a provider and a registration, no engine change. */
let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'resource-providers-'));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function stackWithQueue({ readArn = true } = {}): StackArtifact {
  return {
    id: 'QueueStack',
    stackName: 'Queues-dev',
    dependencies: [],
    assetsByObjectKey: new Map(),
    template: {
      Resources: {
        Jobs: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'jobs' } },
        ...(readArn ? { JobsArnParameter: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { 'Fn::GetAtt': ['Jobs', 'Arn'] } } } } : {}),
      },
      Outputs: { JobsQueueUrl: { Value: { Ref: 'Jobs' } } },
    },
  };
}

const deploy = (providers: ResourceProviderRegistry, stack = stackWithQueue()) =>
  deployLocally([stack], { region: 'us-east-1', identity: LocalIdentity.ephemeral(), graphqlBaseUrl: 'http://127.0.0.1:20002', workDir, providers });

describe('resource providers', () => {
  test('a type without a provider is not emulated: listed once, and its attributes cannot be read', () => {
    const deployment = deploy(defaultResourceProviders(), stackWithQueue({ readArn: false }));
    expect(deployment.skipped).toEqual([{ stackName: 'Queues-dev', logicalId: 'Jobs', type: 'AWS::SQS::Queue' }]);
    expect(() => deploy(defaultResourceProviders())).toThrow(
      'Queues-dev/JobsArnParameter.Properties: Fn::GetAtt Jobs.Arn is not an attribute the local cloud knows for AWS::SQS::Queue',
    );
  });

  test('one provider and one registration make a new type work, Ref and Fn::GetAtt included', () => {
    // GIVEN the app's providers plus the stand-in
    const providers = defaultResourceProviders().register(queueProvider);
    // WHEN
    const deployment = deploy(providers);
    // THEN
    expect(deployment.skipped).toEqual([]);
    expect(deployment.stacks[0].outputs.JobsQueueUrl.value).toBe('http://127.0.0.1/queue/000000000000/jobs');
  });

  test("the app's types are each provided once, by their service", () => {
    expect(defaultResourceProviders().types.sort()).toEqual([
      'AWS::AppSync::ApiKey',
      'AWS::AppSync::DataSource',
      'AWS::AppSync::GraphQLApi',
      'AWS::AppSync::GraphQLSchema',
      'AWS::AppSync::Resolver',
      'AWS::DynamoDB::Table',
      'AWS::IAM::ManagedPolicy',
      'AWS::IAM::Policy',
      'AWS::IAM::Role',
      'AWS::IAM::RolePolicy',
      'AWS::Lambda::Function',
      'AWS::Lambda::Permission',
      'AWS::Logs::LogGroup',
      'AWS::SSM::Parameter',
    ]);
    expect(() => defaultResourceProviders().register({ ...queueProvider, type: 'AWS::IAM::Role' })).toThrow('AWS::IAM::Role has two resource providers');
  });
});
