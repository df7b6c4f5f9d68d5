import type { Template } from 'aws-cdk-lib/assertions';
import { synthApp } from '../support/synth';

// What the app's security rests on, checked on the synthesized templates: where the API key goes, and what each role
// may do. README: Security.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: Json;
}
interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
}

const KEY_PARAMETER_NAME = '/todoapi/dev/graphql-api-key';
const KEY_VAR = 'API_TODOAPI_GRAPHQLAPIKEYOUTPUT';
const API_KEY_CALLERS = ['listTodosApiKey', 'createTodoApiKey'];
const XRAY_WRITE = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

function resources(template: Template): Record<string, Resource> {
  return template.toJSON().Resources as Record<string, Resource>;
}

/**
 * Every place in a template that refers to one of the given logical ids (`Ref`, `Fn::GetAtt`, `${Id}` in `Fn::Sub`), as
 * a dotted path such as `Outputs.GraphQLAPIKeyOutput.Value`. `DependsOn` is an order, not a reference to a value.
 */
function referencesTo(template: Template, logicalIds: readonly string[]): string[] {
  const ids = new Set(logicalIds);
  const found: string[] = [];
  const visit = (value: Json, at: string[]): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visit(item, [...at, String(index)]);
      });
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value)) {
      if (key === 'DependsOn') continue;
      const refers =
        (key === 'Ref' && typeof item === 'string' && ids.has(item)) ||
        (key === 'Fn::GetAtt' && ids.has(Array.isArray(item) ? String(item[0]) : String(item).split('.')[0])) ||
        (key === 'Fn::Sub' && [...ids].some((id) => String(Array.isArray(item) ? item[0] : item).match(new RegExp(`\\$\\{${id}[.}]`))));
      if (refers) found.push(at.join('.'));
      visit(item, [...at, key]);
    }
  };
  visit(template.toJSON() as Json, []);
  return found.sort();
}

/** Logical id of a caller's function (CDK derives it from the caller's construct id). */
function callerFunctionId(template: Template, callerId: string): string {
  const ids = Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) => id.startsWith(`${callerId}Function`));
  if (ids.length !== 1) throw new Error(`expected one function for ${callerId}, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}

/** Every IAM statement of a template: inline role policies and policy resources, with where it comes from. */
function statements(template: Template): Array<{ where: string; roles: string[]; statement: Statement }> {
  const all: Array<{ where: string; roles: string[]; statement: Statement }> = [];
  for (const [id, resource] of Object.entries(resources(template))) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation JSON, shapes checked by the assertions
    const props = (resource.Properties ?? {}) as Record<string, any>;
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of props.Policies ?? []) {
        for (const statement of policy.PolicyDocument.Statement) all.push({ where: `${id}/${policy.PolicyName}`, roles: [id], statement });
      }
    }
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      const roles = (props.Roles ?? []).map((role: { Ref: string }) => role.Ref);
      for (const statement of props.PolicyDocument.Statement) all.push({ where: id, roles, statement });
    }
  }
  return all;
}

const actionsOf = (statement: Statement): string[] => ([] as string[]).concat(statement.Action);
const resourcesOf = (statement: Statement): Json[] => ([] as Json[]).concat(statement.Resource);

describe('where the API key goes', () => {
  test('in the API stack, only the GraphQLAPIKeyOutput output and the SSM parameter hold the key', () => {
    const { api } = synthApp();
    const keyIds = Object.keys(api.findResources('AWS::AppSync::ApiKey'));
    expect(keyIds).toHaveLength(1);
    const [parameterId] = Object.entries(api.findResources('AWS::SSM::Parameter', { Properties: { Name: KEY_PARAMETER_NAME } })).map(([id]) => id);
    // No function environment, no other output, no export (an export of the key would also deadlock its rotation).
    expect(referencesTo(api, keyIds)).toEqual([`Outputs.GraphQLAPIKeyOutput.Value`, `Resources.${parameterId}.Properties.Value`]);
    // And nothing passes the parameter's value on.
    expect(referencesTo(api, [parameterId])).toEqual([]);
  });

  test('during a rotation, the same two places hold the newest key, and nothing holds the retiring one', () => {
    const { api } = synthApp({ context: { 'todo:apiKeyGenerations': '[1,2]' } });
    const keyIds = Object.keys(api.findResources('AWS::AppSync::ApiKey'));
    expect(keyIds).toHaveLength(2);
    const newest = keyIds.filter((id) => id.includes('Generation2'));
    const retiring = keyIds.filter((id) => id.includes('Generation1'));
    const [parameterId] = Object.keys(api.findResources('AWS::SSM::Parameter', { Properties: { Name: KEY_PARAMETER_NAME } }));
    expect(referencesTo(api, newest)).toEqual([`Outputs.GraphQLAPIKeyOutput.Value`, `Resources.${parameterId}.Properties.Value`]);
    expect(referencesTo(api, retiring)).toEqual([]);
  });

  test("in the callers stack, only the API-key callers' environment holds the key, read from SSM at deploy time", () => {
    const { callers } = synthApp();
    const keyParameters = Object.entries(callers.toJSON().Parameters as Record<string, { Type: string; Default?: string }>)
      .filter(([, p]) => p.Type.startsWith('AWS::SSM::Parameter::Value') && p.Default === KEY_PARAMETER_NAME)
      .map(([id]) => id);
    expect(keyParameters).toHaveLength(1);
    expect(referencesTo(callers, keyParameters)).toEqual(
      API_KEY_CALLERS.map((id) => `Resources.${callerFunctionId(callers, id)}.Properties.Environment.Variables.${KEY_VAR}`).sort(),
    );
    // No other way in: nothing imported from the API stack names the key.
    expect(JSON.stringify(callers.toJSON())).not.toMatch(/"Fn::ImportValue":\s*"[^"]*ApiKey/);
  });

  test('no role may read the key at run time (no SSM or AppSync key actions, only appsync:GraphQL)', () => {
    const { api, callers } = synthApp();
    const actions = [...statements(api), ...statements(callers)].flatMap(({ statement }) => actionsOf(statement));
    expect(actions.filter((action) => /^ssm:/i.test(action))).toEqual([]);
    expect(actions.filter((action) => /^appsync:/i.test(action) && action !== 'appsync:GraphQL')).toEqual([]);
  });
});

describe('least privilege', () => {
  test('no role has an AWS managed policy', () => {
    const { api, callers } = synthApp();
    for (const template of [api, callers]) {
      for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
        expect({ id, managed: role.Properties.ManagedPolicyArns }).toEqual({ id, managed: undefined });
      }
      expect(template.findResources('AWS::IAM::ManagedPolicy')).toEqual({});
    }
  });

  test('no action is a wildcard, and the only statements on Resource "*" are the X-Ray writes of active tracing', () => {
    const { api, callers } = synthApp();
    for (const { where, statement } of [...statements(api), ...statements(callers)]) {
      expect({ where, wildcardActions: actionsOf(statement).filter((action) => action.includes('*')) }).toEqual({ where, wildcardActions: [] });
      expect(statement.Effect).toBe('Allow');
      if (resourcesOf(statement).some((resource) => typeof resource === 'string' && resource.includes('*'))) {
        expect({ where, resource: statement.Resource, actions: actionsOf(statement).sort() }).toEqual({ where, resource: '*', actions: XRAY_WRITE });
      }
      // No `<arn>:*` or `<arn>/*` built with Fn::Join either (every version of a function, every item of a path).
      expect({ where, resource: JSON.stringify(statement.Resource) }).not.toEqual({ where, resource: expect.stringMatching(/"[:/]\*"/) });
    }
  });

  test("every function is traced with X-Ray and its role writes only to the function's own log group", () => {
    const { api, callers } = synthApp();
    for (const template of [api, callers]) {
      const all = statements(template);
      const functions = Object.entries(template.findResources('AWS::Lambda::Function'));
      expect(functions.length).toBeGreaterThan(0);
      for (const [id, fn] of functions) {
        expect({ id, tracing: fn.Properties.TracingConfig }).toEqual({ id, tracing: { Mode: 'Active' } });
        const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
        const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
        const logStatements = all.filter(({ roles, statement }) => roles.includes(roleId) && actionsOf(statement).some((a) => a.startsWith('logs:')));
        expect(logStatements.map(({ statement }) => statement)).toEqual([
          { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
        ]);
        expect(all.filter(({ roles, statement }) => roles.includes(roleId) && actionsOf(statement).some((a) => a.startsWith('xray:')))).toHaveLength(1);
      }
    }
  });

  test("AppSync's data source role may invoke the resolver function itself, no version or alias, nothing else", () => {
    const { api } = synthApp();
    const [source] = Object.values(api.findResources('AWS::AppSync::DataSource'));
    const roleId = source.Properties.ServiceRoleArn['Fn::GetAtt'][0] as string;
    const functionId = source.Properties.LambdaConfig.LambdaFunctionArn['Fn::GetAtt'][0] as string;
    expect(
      statements(api)
        .filter(({ roles }) => roles.includes(roleId))
        .map(({ statement }) => statement),
    ).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [functionId, 'Arn'] } }]);
    expect(api.findResources('AWS::Lambda::Permission')).toEqual({});
  });
});
