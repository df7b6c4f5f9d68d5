import type { EmulationGap } from '../../local/deployment';
import { startupReport } from '../../local/outputs';
import { appSyncStack, deployStacks, IMPORTED_ROLE_ARN } from '../support/appsync-template';

const gapsOf = (...args: Parameters<typeof appSyncStack>) => deployStacks([appSyncStack(...args)]).notEmulated;

describe('LocalDeployment.notEmulated', () => {
  test('nothing for an API and a table that use only what the local cloud emulates', () => {
    const gaps = gapsOf({ IntrospectionConfig: 'DISABLED', QueryDepthLimit: 3, Tags: [{ Key: 'a', Value: 'b' }], XrayEnabled: false });
    // The data sources without a usable role and the DynamoDB resolver of the fixture, and nothing else.
    expect(gaps.map((gap) => gap.resource)).toEqual(['Api-test/NoRole', 'Api-test/Imported', 'Api-test/DResolver']);
  });

  test('settings that only observe are ignored, unknown ones not understood, auth modes not emulated refuse', () => {
    const gaps = gapsOf({
      LogConfig: { FieldLogLevel: 'ERROR', CloudWatchLogsRoleArn: 'arn:aws:iam::000000000000:role/Logs' },
      XrayEnabled: true,
      Visibility: 'PRIVATE',
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }, { AuthenticationType: 'AMAZON_COGNITO_USER_POOLS' }],
      SomethingNew: 1,
    }).filter((gap) => gap.resource === 'Api-test/Api');
    expect(gaps).toEqual<EmulationGap[]>([
      {
        resource: 'Api-test/Api',
        element: 'Properties.LogConfig',
        instead: "ignored: request logs go to the local cloud's log (the terminal), not CloudWatch Logs",
      },
      { resource: 'Api-test/Api', element: 'Properties.XrayEnabled', instead: 'ignored: no X-Ray traces are recorded' },
      { resource: 'Api-test/Api', element: 'Properties.Visibility', instead: 'ignored: the API is served on loopback as a GLOBAL one (no VPC endpoint)' },
      { resource: 'Api-test/Api', element: 'Properties.SomethingNew', instead: 'not understood by the local cloud: ignored' },
      {
        resource: 'Api-test/Api',
        element: 'Properties.AdditionalAuthenticationProviders[1]',
        instead: 'not emulated: requests in AMAZON_COGNITO_USER_POOLS mode are refused with 401 UnauthorizedException',
      },
    ]);
  });

  test('data sources without a role, or with a role of no stack, refuse their fields; resolvers not emulated error', () => {
    const gaps = gapsOf();
    expect(gaps).toEqual(
      expect.arrayContaining([
        { resource: 'Api-test/NoRole', element: 'Properties.ServiceRoleArn', instead: expect.stringMatching(/^missing: .*DataSourceRoleError/) },
        {
          resource: 'Api-test/Imported',
          element: 'Properties.ServiceRoleArn',
          instead: expect.stringContaining(`not evaluated: ${IMPORTED_ROLE_ARN} is not a role`),
        },
        { resource: 'Api-test/DResolver', element: 'Properties (Query.d)', instead: expect.stringMatching(/not a Lambda data source.*UnsupportedResolver/) },
      ]),
    );
  });

  test("a table's streams, TTL and resource policy are listed; encryption and backups are not", () => {
    const gaps = gapsOf(
      {},
      {
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
        TimeToLiveSpecification: { AttributeName: 'expires', Enabled: true },
        ResourcePolicy: { PolicyDocument: { Statement: [] } },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: false,
      },
    ).filter((gap) => gap.resource === 'Api-test/Table');
    expect(gaps.map((gap) => gap.element)).toEqual(['Properties.StreamSpecification', 'Properties.TimeToLiveSpecification', 'Properties.ResourcePolicy']);
    expect(gaps[2].instead).toMatch(/refused .*AccessDeniedException/);
  });

  test('the start-up report prints one line per gap', () => {
    const deployment = deployStacks([appSyncStack({ XrayEnabled: true })]);
    const report = startupReport(deployment, { graphql: {}, lambda: 'http://l', dynamodb: 'http://d' }, { credentials: 'c', config: 'f', endpoints: 'e' });
    const lines = report.split('\n');
    const heading = lines.indexOf('Not fully emulated (also in endpoints.json, "notEmulated"):');
    expect(heading).toBeGreaterThan(0);
    expect(lines.slice(heading + 1, heading + 1 + deployment.notEmulated.length)).toEqual(
      deployment.notEmulated.map((gap) => `  ${gap.resource} ${gap.element}: ${gap.instead}`),
    );
    expect(report).toContain('  Api-test/Api Properties.XrayEnabled: ignored: no X-Ray traces are recorded');
  });
});
