import { normalizeTemplate } from '../support/cdk-snapshot-serializer';

describe('the snapshot serializer', () => {
  test('replaces asset hashes in values and keys, and keeps the API key expiry (a date fixed by cdk.json)', () => {
    // GIVEN a template with what changes across machines
    const hash = `${'a'.repeat(40)}0123456789abcdef01234567`;
    const template = {
      Resources: {
        Key: { Type: 'AWS::AppSync::ApiKey', Properties: { Expires: 1893456000 } },
        Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Key: `${hash}.zip` } } },
      },
      Outputs: { [`Asset${hash}`]: { Value: 'x' } },
    };
    // WHEN
    const stable = normalizeTemplate(template) as typeof template;
    // THEN
    expect(JSON.stringify(stable)).not.toContain(hash);
    expect(stable.Resources.Fn.Properties.Code.S3Key).toBe('[ASSET HASH].zip');
    expect(stable.Resources.Key.Properties.Expires).toBe(1893456000);
    expect(Object.keys(stable.Outputs)).toEqual(['Asset[ASSET HASH]']);
  });

  test('replaces the schema text, which the user edits, so an added field does not fail the snapshot', () => {
    // GIVEN
    const template = {
      Resources: { S: { Type: 'AWS::AppSync::GraphQLSchema', Properties: { ApiId: 'x', Definition: 'type Todo { id: ID! priority: Int }' } } },
    };
    // WHEN
    const stable = normalizeTemplate(template) as typeof template;
    // THEN
    expect(stable.Resources.S.Properties.Definition).toBe('[SCHEMA: the text of schema/schema.graphql]');
    expect(stable.Resources.S.Properties.ApiId).toBe('x');
  });

  test('leaves everything else alone', () => {
    const template = { Resources: { T: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST', Short: 'abc123' } } } };
    expect(normalizeTemplate(template)).toEqual(template);
  });
});
