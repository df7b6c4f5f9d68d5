import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GraphqlApi } from 'aws-cdk-lib/aws-appsync';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { NEXTJS_SERVER_ROLE_LOGICAL_ID } from '../../lib/callers-stack';
import { GraphqlServerRole, grantGraphqlFields } from '../../lib/graphql-access';
import { synthApp } from '../support/synth';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** `Type/fields/field` for every appsync:GraphQL resource in the policies attached to a role. */
function grantedFields(template: Template, roleLogicalId: string): string[] {
  const fields: string[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    if (!(policy.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleLogicalId)) continue;
    for (const statement of policy.Properties.PolicyDocument.Statement as Statement[]) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.Action).toBe('appsync:GraphQL');
      for (const resource of ([] as unknown[]).concat(statement.Resource)) {
        const parts = (resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
        fields.push(String(parts[parts.length - 1]).replace(/^.*\/types\//, ''));
      }
    }
  }
  return fields.sort();
}

function fixture() {
  const stack = new Stack(new App(), 'Fixture');
  const api = GraphqlApi.fromGraphqlApiAttributes(stack, 'Api', { graphqlApiId: 'fixtureapiid' });
  const role = new Role(stack, 'Caller', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  return { stack, api, role };
}

describe('grantGraphqlFields', () => {
  test('grants appsync:GraphQL on exactly the fields named, one resource each, nothing else', () => {
    const { stack, api, role } = fixture();
    grantGraphqlFields(api, role, [
      { typeName: 'Query', fieldName: 'a' },
      { typeName: 'Mutation', fieldName: 'c' },
    ]);
    const template = Template.fromStack(stack);
    const roleId = stack.getLogicalId(role.node.defaultChild as never);
    expect(grantedFields(template, roleId)).toEqual(['Mutation/fields/c', 'Query/fields/a']);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/fields\/\*|types\/[A-Za-z]+\/\*"/);
  });

  test.each([
    [[], /at least one field/],
    [[{ typeName: 'Query', fieldName: '*' }], /not a GraphQL field name/],
    [[{ typeName: '*', fieldName: 'a' }], /not a GraphQL type name/],
    [[{ typeName: 'Query', fieldName: 'a/b' }], /not a GraphQL field name/],
    [[{ typeName: 'Query', fieldName: '' }], /not a GraphQL field name/],
    [
      [
        { typeName: 'Query', fieldName: 'a' },
        { typeName: 'Query', fieldName: 'a' },
      ],
      /Query\.a is named twice/,
    ],
  ])('refuses %j (nothing is granted)', (fields, message) => {
    const { stack, api, role } = fixture();
    expect(() => grantGraphqlFields(api, role, fields)).toThrow(message);
    expect(Template.fromStack(stack).findResources('AWS::IAM::Policy')).toEqual({});
  });
});

describe('the Next.js server role', () => {
  const { callers, callersStack } = synthApp();

  test('has the fixed logical id the local cloud names its profile by, and its ARN is an output', () => {
    expect(Object.keys(callers.findResources('AWS::IAM::Role'))).toContain(NEXTJS_SERVER_ROLE_LOGICAL_ID);
    callers.hasOutput('NextjsServerRoleArn', { Value: { 'Fn::GetAtt': [NEXTJS_SERVER_ROLE_LOGICAL_ID, 'Arn'] } });
    expect(callersStack.nextjsServerRole.fields.map((f) => `${f.typeName}.${f.fieldName}`)).toEqual([
      'Query.listTodos',
      'Query.getTodo',
      'Mutation.createTodo',
    ]);
  });

  test('may call listTodos, getTodo and createTodo, and nothing else (no deleteTodo, no updateTodo)', () => {
    expect(grantedFields(callers, NEXTJS_SERVER_ROLE_LOGICAL_ID)).toEqual(['Mutation/fields/createTodo', 'Query/fields/getTodo', 'Query/fields/listTodos']);
  });

  test('has no managed policy, no inline policy, and is assumed only by the compute services a Next.js server runs on', () => {
    const role = callers.findResources('AWS::IAM::Role')[NEXTJS_SERVER_ROLE_LOGICAL_ID];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
    const principals = (role.Properties.AssumeRolePolicyDocument.Statement as Array<{ Action: string; Principal: { Service: string | string[] } }>).flatMap(
      (s) => {
        expect(s.Action).toBe('sts:AssumeRole');
        return ([] as string[]).concat(s.Principal.Service);
      },
    );
    expect(principals.sort()).toEqual(['amplify.amazonaws.com', 'ecs-tasks.amazonaws.com', 'lambda.amazonaws.com']);
  });

  test('GraphqlServerRole grants through grantGraphqlFields (the same refusals)', () => {
    const { stack, api } = fixture();
    expect(
      () =>
        new GraphqlServerRole(stack, 'Bad', { api, fields: [{ typeName: 'Query', fieldName: '*' }], assumedBy: new ServicePrincipal('lambda.amazonaws.com') }),
    ).toThrow(/not a GraphQL field name/);
  });
});
