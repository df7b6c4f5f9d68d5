import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ConfigError } from '../../lib/config';
import { synthApp } from '../support/synth';

// Rotation without an outage, as the README tells it, on the templates of each step:
//   step 0: todo:apiKeyGenerations [1]      one key; the callers hold it
//   step 1: todo:apiKeyGenerations [1, 2]   the new key is created and published, the old one still works
//   step 2: todo:apiKeyGenerations [2]      the old key is deleted; the callers already hold the new one

type Template = ReturnType<typeof synthApp>['api'];

/** The API keys of a template, by logical id. */
function keys(api: Template): Record<string, { Properties: { Description: string; Expires: number } }> {
  return api.findResources('AWS::AppSync::ApiKey') as Record<string, { Properties: { Description: string; Expires: number } }>;
}

function keyIdOf(api: Template, generation: number): string {
  const ids = Object.keys(keys(api)).filter((id) => new RegExp(`Generation${generation}ApiKey`).test(id));
  if (ids.length !== 1) throw new Error(`expected one key of generation ${generation}, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}

/** The key the callers get: the SSM parameter's value and the output, both `Fn::GetAtt <key>.ApiKey`. */
function publishedKey(api: Template): string {
  const parameter = Object.values(api.findResources('AWS::SSM::Parameter'))[0] as { Properties: { Value: { 'Fn::GetAtt': [string, string] } } };
  const output = (api.toJSON().Outputs as Record<string, { Value: { 'Fn::GetAtt': [string, string] } }>).GraphQLAPIKeyOutput;
  expect(output.Value).toEqual(parameter.Properties.Value);
  return parameter.Properties.Value['Fn::GetAtt'][0];
}

const step = (generations: string) => synthApp({ context: { 'todo:apiKeyGenerations': generations } });

describe('API key rotation in two steps', () => {
  const before = step('[1]');
  const during = step('[1,2]');
  const after = step('[2]');

  test('step 1 keeps the old key, unchanged, and adds the new one', () => {
    expect(Object.keys(keys(before.api))).toEqual([keyIdOf(before.api, 1)]);
    expect(Object.keys(keys(during.api)).sort()).toEqual([keyIdOf(during.api, 1), keyIdOf(during.api, 2)].sort());
    // The same logical id with the same properties: CloudFormation leaves the old key alone.
    expect(keyIdOf(during.api, 1)).toBe(keyIdOf(before.api, 1));
    expect(keys(during.api)[keyIdOf(during.api, 1)]).toEqual(keys(before.api)[keyIdOf(before.api, 1)]);
  });

  test('step 1 publishes the new key: the SSM parameter and the output hold the newest, which the callers read at deploy', () => {
    expect(publishedKey(before.api)).toBe(keyIdOf(before.api, 1));
    expect(publishedKey(during.api)).toBe(keyIdOf(during.api, 2));
    // The callers read the parameter by name on every deploy of their stack (which the CDK CLI never skips for a
    // stack with SSM parameters): their template does not change, their key does.
    expect(JSON.stringify(during.callers.toJSON())).toBe(JSON.stringify(before.callers.toJSON()));
    expect(during.callersStack.dependencies).toContain(during.apiStack);
  });

  test('step 2 deletes the old key only; the new one is the same resource as in step 1', () => {
    expect(Object.keys(keys(after.api))).toEqual([keyIdOf(during.api, 2)]);
    expect(keys(after.api)[keyIdOf(after.api, 2)]).toEqual(keys(during.api)[keyIdOf(during.api, 2)]);
    expect(publishedKey(after.api)).toBe(keyIdOf(after.api, 2));
  });

  test('nothing else in the API stack changes between the steps', () => {
    const withoutKeys = (api: Template) => {
      const json = api.toJSON() as { Resources: Record<string, { Type: string }> };
      const resources = Object.fromEntries(
        Object.entries(json.Resources).filter(([, r]) => r.Type !== 'AWS::AppSync::ApiKey' && r.Type !== 'AWS::SSM::Parameter'),
      );
      return JSON.stringify({ ...json, Resources: resources, Outputs: undefined });
    };
    expect(withoutKeys(during.api)).toBe(withoutKeys(before.api));
    expect(withoutKeys(after.api)).toBe(withoutKeys(before.api));
  });

  test.each([['[1,2]'], ['1,2'], ['[2, 1]']])('-c todo:apiKeyGenerations=%s is read as generations 1 and 2', (value) => {
    const { apiStack } = step(value);
    expect(apiStack.todoApi.apiKeyGenerations).toEqual([1, 2]);
  });

  test.each([['[]'], ['[1,2,3]'], ['[2,2]'], ['[0]'], ['[x]']])('todo:apiKeyGenerations=%s is refused, naming the setting', (value) => {
    expect(() => step(value)).toThrow(ConfigError);
    expect(() => step(value)).toThrow(/todo:apiKeyGenerations/);
  });

  test('the old todo:apiKeyGeneration still works alone, with a warning to migrate', () => {
    // Without cdk.json's todo:apiKeyGenerations, as in a project that kept its own cdk.json.
    const { apiStack, api } = synthApp({ context: { 'todo:apiKeyGenerations': undefined, 'todo:apiKeyGeneration': 3 } });
    expect(Object.keys(keys(api))).toEqual([keyIdOf(api, 3)]);
    expect(
      Annotations.fromStack(apiStack).findWarning('*', Match.stringLikeRegexp(/todo:apiKeyGeneration is deprecated.*"todo:apiKeyGenerations": \[3\]/.source)),
    ).toHaveLength(1);
  });

  test('the old todo:apiKeyGeneration with the new setting is refused: bumping it was the rotation with an outage', () => {
    expect(() => synthApp({ context: { 'todo:apiKeyGeneration': 2 } })).toThrow(
      /todo:apiKeyGeneration .* is replaced by todo:apiKeyGenerations.*-c todo:apiKeyGenerations=\[<current>,<next>\]/,
    );
  });
});
