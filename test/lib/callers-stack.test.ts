import { Match, type Template } from 'aws-cdk-lib/assertions';
import { CallerAuthMode } from '../../lib/graphql-caller';
import { capitalize } from '../../lib/schema-fields';
import { resourcesOfType, synthApp } from '../support/synth';

const ENDPOINT_VAR = 'API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT';
const ID_VAR = 'API_TODOAPI_GRAPHQLAPIIDOUTPUT';
const KEY_VAR = 'API_TODOAPI_GRAPHQLAPIKEYOUTPUT';
const CALLERS = {
  listTodosApiKey: { auth: 'API_KEY', fields: [] as string[] },
  createTodoApiKey: { auth: 'API_KEY', fields: [] as string[] },
  listTodosIam: { auth: 'IAM', fields: ['Query/fields/listTodos'] },
  createTodoIam: { auth: 'IAM', fields: ['Mutation/fields/createTodo', 'Query/fields/getTodo'] },
} as const;
type CallerId = string;

/**
 * Every caller the stack declares: the four it ships with (CALLERS, whose grants are written out above) and any that
 * `npm run add-function` added, whose expected environment and grant come from their declaration (the add line).
 */
const DECLARED = synthApp().callersStack.callers;
const ALL_CALLERS: CallerId[] = Object.keys(DECLARED);

function expected(id: CallerId): { auth: 'API_KEY' | 'IAM'; fields: readonly string[] } {
  if (id in CALLERS) return CALLERS[id as keyof typeof CALLERS];
  const caller = DECLARED[id];
  const iam = caller.authMode === CallerAuthMode.IAM;
  return { auth: iam ? 'IAM' : 'API_KEY', fields: iam ? caller.operations.map((op) => `${op.typeName}/fields/${op.fieldName}`) : [] };
}

interface FunctionResource {
  Properties: {
    Runtime: string;
    Architectures: string[];
    Role: { 'Fn::GetAtt': [string, string] };
    Environment: { Variables: Record<string, unknown> };
    Description: string;
  };
}

/** The caller's function, found by the logical id CDK derives from the caller's construct id. */
function callerFunction(template: Template, callerId: CallerId): [string, FunctionResource] {
  const matches = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([logicalId]) => logicalId.startsWith(`${callerId}Function`));
  if (matches.length !== 1) throw new Error(`expected one function for ${callerId}, found ${matches.length}`);
  return matches[0] as [string, FunctionResource];
}

/** Every appsync:GraphQL resource the role of a caller is allowed, as `Type/fields/field` strings. */
function grantedFields(template: Template, callerId: CallerId): string[] {
  const [, fn] = callerFunction(template, callerId);
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleId),
  );
  const fields: string[] = [];
  for (const policy of policies) {
    for (const statement of policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>) {
      const actions = ([] as string[]).concat(statement.Action);
      if (!actions.includes('appsync:GraphQL')) continue;
      for (const resource of ([] as unknown[]).concat(statement.Resource)) {
        const parts = (resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
        fields.push(String(parts[parts.length - 1]).replace(/^\/types\//, ''));
      }
    }
  }
  return fields.sort();
}

describe('TodoCallersStack', () => {
  test('there is one function per declared caller, the four the app ships among them', () => {
    const { callers } = synthApp();
    expect(Object.keys(resourcesOfType(callers, 'AWS::Lambda::Function'))).toHaveLength(ALL_CALLERS.length);
    expect(ALL_CALLERS).toEqual(expect.arrayContaining(Object.keys(CALLERS)));
    for (const id of ALL_CALLERS) expect(() => callerFunction(callers, id)).not.toThrow();
  });

  test.each(ALL_CALLERS)('%s gets the Amplify-named endpoint and id, ENV and REGION', (id) => {
    const { callers } = synthApp();
    const [, fn] = callerFunction(callers, id);
    const vars = fn.Properties.Environment.Variables;
    expect(vars[ENDPOINT_VAR]).toEqual({ 'Fn::ImportValue': expect.stringMatching(/GraphQLUrl/) });
    expect(vars[ID_VAR]).toEqual({ 'Fn::ImportValue': expect.stringMatching(/ApiId/) });
    expect(vars.ENV).toBe('dev');
    expect(vars.REGION).toEqual({ Ref: 'AWS::Region' });
  });

  test('only the API-key callers get the API key, read from SSM at deploy time and not from an export', () => {
    const { callers } = synthApp();
    for (const id of ALL_CALLERS) {
      const vars = callerFunction(callers, id)[1].Properties.Environment.Variables;
      if (expected(id).auth === 'API_KEY') {
        expect(vars[KEY_VAR]).toEqual({ Ref: expect.stringMatching(/^SsmParameterValue/) });
      } else {
        expect(vars).not.toHaveProperty(KEY_VAR);
      }
    }
    const keyParameter = Object.values(callers.toJSON().Parameters as Record<string, { Type: string; Default: string }>).find((p) =>
      p.Type.startsWith('AWS::SSM::Parameter::Value'),
    );
    expect(keyParameter).toEqual({ Type: 'AWS::SSM::Parameter::Value<String>', Default: '/todoapi/dev/graphql-api-key' });
  });

  test('the API stack exports nothing that changes when the key rotates', () => {
    const { api } = synthApp();
    const exported = Object.values(api.toJSON().Outputs as Record<string, { Export?: unknown; Value: unknown }>)
      .filter((output) => output.Export)
      .map((output) => JSON.stringify(output.Value));
    expect(exported.length).toBeGreaterThan(0);
    for (const value of exported) expect(value).not.toMatch(/ApiKey/);
  });

  test.each(ALL_CALLERS)('%s is granted appsync:GraphQL on exactly its own fields', (id) => {
    const { callers } = synthApp();
    expect(grantedFields(callers, id)).toEqual([...expected(id).fields].sort());
  });

  test('the IAM grant names the API and the field, never a wildcard', () => {
    const { callers } = synthApp();
    callers.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'appsync:GraphQL',
            Effect: 'Allow',
            Resource: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':appsync:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':apis/',
                  { 'Fn::ImportValue': Match.stringLikeRegexp('ApiId') },
                  '/types/Query/fields/listTodos',
                ],
              ],
            },
          }),
        ]),
      },
    });
    const text = JSON.stringify(callers.toJSON().Resources);
    expect(text).not.toMatch(/fields\/\*|types\/[A-Za-z]+\/\*|apis\/[^"]*"?\s*,?\s*"\/\*"/);
    for (const policy of Object.values(callers.findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>) {
        // The one exception is active tracing's X-Ray writes, which accept no other resource (see test/lib/security.test.ts).
        if (statement.Resource === '*') expect(([] as string[]).concat(statement.Action).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      }
    }
  });

  test('every caller runs on Node.js 22 or newer, ARM64', () => {
    const { callers } = synthApp();
    for (const id of ALL_CALLERS) {
      const { Runtime, Architectures } = callerFunction(callers, id)[1].Properties;
      expect(Number(/^nodejs(\d+)\.x$/.exec(Runtime)?.[1])).toBeGreaterThanOrEqual(22);
      expect(Architectures).toEqual(['arm64']);
    }
  });

  test.each([
    ['ListTodosApiKeyFunctionName', 'listTodosApiKey'],
    ['CreateTodoApiKeyFunctionName', 'createTodoApiKey'],
    ['ListTodosIamFunctionName', 'listTodosIam'],
    ['CreateTodoIamFunctionName', 'createTodoIam'],
    ...ALL_CALLERS.filter((id) => !(id in CALLERS)).map((id) => [`${capitalize(id)}FunctionName`, id]),
  ])('the stack outputs %s', (outputName, id) => {
    const { callers } = synthApp();
    const [logicalId] = callerFunction(callers, id);
    callers.hasOutput(outputName, { Value: { Ref: logicalId } });
  });

  test('the callers stack deploys after the API stack', () => {
    const { apiStack, callersStack } = synthApp();
    expect(callersStack.dependencies).toContain(apiStack);
  });

  test('the environment name flows into ENV and the stack names', () => {
    const { callers, apiStack, callersStack } = synthApp({ context: { 'todo:envName': 'prod' } });
    const vars = callerFunction(callers, 'listTodosIam')[1].Properties.Environment.Variables;
    expect(vars.ENV).toBe('prod');
    expect(apiStack.stackName).toBe('TodoApi-prod');
    expect(callersStack.stackName).toBe('TodoCallers-prod');
  });

  test("the API name flows into the callers' variable names", () => {
    const { callers } = synthApp({ context: { 'todo:apiName': 'notesApi' } });
    const vars = callerFunction(callers, 'listTodosApiKey')[1].Properties.Environment.Variables;
    expect(Object.keys(vars)).toEqual(
      expect.arrayContaining(['API_NOTESAPI_GRAPHQLAPIENDPOINTOUTPUT', 'API_NOTESAPI_GRAPHQLAPIIDOUTPUT', 'API_NOTESAPI_GRAPHQLAPIKEYOUTPUT']),
    );
  });

  test('a bad API name is refused at synth with a message naming the context key', () => {
    expect(() => synthApp({ context: { 'todo:apiName': 'my api!' } })).toThrow(/todo:apiName must be 1-32 letters or digits/);
  });
});
