import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { IntrospectionConfig as CdkIntrospectionConfig, Definition, GraphqlApi, SchemaFile } from 'aws-cdk-lib/aws-appsync';
import { IntrospectionConfig } from '../../../local/appsync/model';
import { readCloudAssembly } from '../../../local/cloudformation/cloud-assembly';
import { appSyncStack, deployStacks, FUNCTION_ARN, IMPORTED_ROLE_ARN } from '../../support/appsync-template';

const apiOf = (properties: Parameters<typeof appSyncStack>[0] = {}) => deployStacks([appSyncStack(properties)]).graphqlApis[0];

describe("the API's settings from the template", () => {
  test('unset, they are AppSync defaults: introspection on, no depth limit, the default resolver limit', () => {
    const api = apiOf();
    expect(api.introspectionConfig).toBeUndefined();
    expect(api.queryDepthLimit).toBeUndefined();
    expect(api.resolverCountLimit).toBeUndefined();
  });

  test('IntrospectionConfig, QueryDepthLimit and ResolverCountLimit are read (CDK writes numbers; strings of digits too)', () => {
    expect(apiOf({ IntrospectionConfig: 'DISABLED', QueryDepthLimit: 75, ResolverCountLimit: '10000' })).toMatchObject({
      introspectionConfig: IntrospectionConfig.Disabled,
      queryDepthLimit: 75,
      resolverCountLimit: 10_000,
    });
    expect(apiOf({ IntrospectionConfig: 'ENABLED', QueryDepthLimit: 1, ResolverCountLimit: 1 })).toMatchObject({
      introspectionConfig: IntrospectionConfig.Enabled,
      queryDepthLimit: 1,
      resolverCountLimit: 1,
    });
  });

  test("0 is AppSync's default for either limit", () => {
    const api = apiOf({ QueryDepthLimit: 0, ResolverCountLimit: 0 });
    expect(api.queryDepthLimit).toBeUndefined();
    expect(api.resolverCountLimit).toBeUndefined();
  });

  test.each([
    ['QueryDepthLimit', 76, "Api-test/Api.Properties.QueryDepthLimit must be an integer from 0 (AppSync's default) to 75, not 76"],
    ['QueryDepthLimit', -1, 'to 75, not -1'],
    ['QueryDepthLimit', 2.5, 'to 75, not 2.5'],
    ['QueryDepthLimit', 'deep', 'to 75, not "deep"'],
    ['ResolverCountLimit', 10_001, "Api-test/Api.Properties.ResolverCountLimit must be an integer from 0 (AppSync's default) to 10000, not 10001"],
    ['IntrospectionConfig', 'OFF', 'Api-test/Api.Properties.IntrospectionConfig must be ENABLED or DISABLED, not "OFF"'],
  ])('%s %j is refused at start-up, naming the resource and the property', (property, value, message) => {
    expect(() => apiOf({ [property]: value })).toThrow(expect.objectContaining({ name: 'TemplateError', message: expect.stringContaining(message) }));
  });
});

describe("each Lambda resolver carries its data source's role", () => {
  test('ServiceRoleArn resolved from the template, or none', () => {
    const byField = Object.fromEntries(apiOf().resolvers.map((resolver) => [resolver.fieldName, resolver]));
    expect(byField.a).toMatchObject({
      lambdaFunctionArn: FUNCTION_ARN,
      serviceRoleArn: expect.stringMatching(/^arn:aws:iam::000000000000:role\/Api-test-InvokeRole/),
    });
    expect(byField.b.serviceRoleArn).toBeUndefined();
    expect(byField.c.serviceRoleArn).toBe(IMPORTED_ROLE_ARN);
    expect(byField.d.unsupported).toMatch(/not a Lambda data source/);
  });
});

describe("CDK's GraphqlApi props reach the local API", () => {
  test('introspectionConfig, queryDepthLimit and resolverCountLimit', () => {
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'cdk-settings-')) });
    const stack = new Stack(app, 'Settings', { stackName: 'Settings-test' });
    new GraphqlApi(stack, 'Api', {
      name: 'settings',
      definition: Definition.fromSchema(SchemaFile.fromAsset(path.join(__dirname, '../../../schema/schema.graphql'))),
      introspectionConfig: CdkIntrospectionConfig.DISABLED,
      queryDepthLimit: 12,
      resolverCountLimit: 345,
    });
    const outdir = app.synth().directory;
    try {
      const [api] = deployStacks(readCloudAssembly(outdir)).graphqlApis;
      expect(api).toMatchObject({ introspectionConfig: IntrospectionConfig.Disabled, queryDepthLimit: 12, resolverCountLimit: 345 });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
