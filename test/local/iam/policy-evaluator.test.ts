/**
 * Whether statements apply: Action/NotAction, Resource/NotResource (with IAM's wildcards and policy variables), the
 * first Deny winning over every Allow, through the real authorize path.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 */
import type { PolicyStatement } from '../../../local/iam/model';
import { API_ARN, decide, decisionFor, field, named, principalsWith, type Request, statement } from './support';

type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';
type Row = [description: string, statements: PolicyStatement | PolicyStatement[], request: Request, decision: Decision];

const gql = (resource: string, action = 'appsync:GraphQL'): Request => ({ action, resource });
const allow = (Resource: string | string[], Action: string | string[] = 'appsync:GraphQL', extra: Partial<PolicyStatement> = {}) =>
  statement('Allow', { Action, Resource, ...extra });
const deny = (Resource: string | string[], Action: string | string[] = 'appsync:GraphQL', extra: Partial<PolicyStatement> = {}) =>
  statement('Deny', { Action, Resource, ...extra });

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
const rows: Row[] = [
  ['exact action and field', allow(field('Query', 'listTodos')), gql(field('Query', 'listTodos')), 'Allow'],
  ['another field of the same type', allow(field('Query', 'listTodos')), gql(field('Query', 'getTodo')), 'ImplicitDeny'],
  ['a type wildcard .../types/Query/*', allow(`${API_ARN}/types/Query/*`), gql(field('Query', 'getTodo')), 'Allow'],
  ['the type wildcard does not reach Mutation', allow(`${API_ARN}/types/Query/*`), gql(field('Mutation', 'createTodo')), 'ImplicitDeny'],
  ['an API wildcard', allow(`${API_ARN}/*`), gql(field('Mutation', 'createTodo')), 'Allow'],
  ['another API', allow(`${API_ARN}/*`), gql('arn:aws:appsync:us-east-1:123456789012:apis/other/types/Query/fields/x'), 'ImplicitDeny'],
  ['? matches exactly one character', allow(`${API_ARN}/types/Query/fields/getTod?`), gql(field('Query', 'getTodo')), 'Allow'],
  ['? does not match two', allow(`${API_ARN}/types/Query/fields/get?`), gql(field('Query', 'getTodo')), 'ImplicitDeny'],
  ['* matches an empty run', allow(`${API_ARN}/types/Query/fields/listTodos*`), gql(field('Query', 'listTodos')), 'Allow'],
  ['actions are case-insensitive', allow('*', 'AppSync:graphql'), gql(field('Query', 'x')), 'Allow'],
  ['the request’s action is case-insensitive too', allow('*'), gql(field('Query', 'x'), 'APPSYNC:GRAPHQL'), 'Allow'],
  ['an action wildcard appsync:*', allow('*', 'appsync:*'), gql(field('Query', 'x')), 'Allow'],
  ['another service', allow('*', 'lambda:InvokeFunction'), gql(field('Query', 'x')), 'ImplicitDeny'],
  ['resources are case-sensitive', allow(`${API_ARN}/types/query/*`), gql(field('Query', 'x')), 'ImplicitDeny'],
  ['a list of actions', allow('*', ['dynamodb:GetItem', 'appsync:GraphQL']), gql(field('Query', 'x')), 'Allow'],
  ['a list of resources', allow([field('Query', 'a'), field('Query', 'b')]), gql(field('Query', 'b')), 'Allow'],
  ['an explicit Deny wins over an Allow', [allow(`${API_ARN}/*`), deny(field('Mutation', 'deleteTodo'))], gql(field('Mutation', 'deleteTodo')), 'ExplicitDeny'],
  [
    'the Deny elsewhere leaves this field allowed',
    [allow(`${API_ARN}/*`), deny(field('Mutation', 'deleteTodo'))],
    gql(field('Mutation', 'createTodo')),
    'Allow',
  ],
  ['a Deny alone allows nothing', deny(field('Query', 'a')), gql(field('Query', 'b')), 'ImplicitDeny'],
  // "NotAction … matches everything except the specified list of actions"
  ['NotAction: every other action', statement('Allow', { Action: undefined, NotAction: 'iam:*' }), gql(field('Query', 'x')), 'Allow'],
  ['NotAction excluding this action', statement('Allow', { Action: undefined, NotAction: 'appsync:*' }), gql(field('Query', 'x')), 'ImplicitDeny'],
  // The NotAction with Deny example: deny everything but IAM outside us-east-1... here: deny all but appsync.
  [
    'Deny with NotAction spares the named actions',
    [allow('*', '*'), statement('Deny', { Action: undefined, NotAction: 'appsync:*' })],
    gql(field('Query', 'x')),
    'Allow',
  ],
  [
    'Deny with NotAction hits the others',
    [allow('*', '*'), statement('Deny', { Action: undefined, NotAction: 'appsync:*' })],
    gql('arn:aws:lambda:us-east-1:123456789012:function:f', 'lambda:InvokeFunction'),
    'ExplicitDeny',
  ],
  [
    'NotResource: every other resource',
    allow(undefined as unknown as string, 'appsync:GraphQL', { Resource: undefined, NotResource: field('Query', 'secret') }),
    gql(field('Query', 'x')),
    'Allow',
  ],
  [
    'NotResource excluding this resource',
    allow(undefined as unknown as string, 'appsync:GraphQL', { Resource: undefined, NotResource: `${API_ARN}/types/Query/*` }),
    gql(field('Query', 'x')),
    'ImplicitDeny',
  ],
  [
    'Deny with NotResource',
    [allow('*'), deny(undefined as unknown as string, '*', { Resource: undefined, NotResource: field('Query', 'open') })],
    gql(field('Query', 'x')),
    'ExplicitDeny',
  ],
  [
    'Deny with NotResource spares the named resource',
    [allow('*'), deny(undefined as unknown as string, '*', { Resource: undefined, NotResource: field('Query', 'open') })],
    gql(field('Query', 'open')),
    'Allow',
  ],
  // The evaluation-logic page's example: "DenyS3Logs" denies "arn:aws:s3:::*log*" over "AllowS3Self".
  [
    'the evaluation-logic page’s carlossalazar example: logs bucket',
    [allow(['arn:aws:s3:::carlossalazar/*', 'arn:aws:s3:::carlossalazar'], 's3:*'), deny('arn:aws:s3:::*log*', 's3:*')],
    gql('arn:aws:s3:::carlossalazar-logs/file.txt', 's3:PutObject'),
    'ExplicitDeny',
  ],
  [
    'the evaluation-logic page’s carlossalazar example: own bucket',
    [allow(['arn:aws:s3:::carlossalazar/*', 'arn:aws:s3:::carlossalazar'], 's3:*'), deny('arn:aws:s3:::*log*', 's3:*')],
    gql('arn:aws:s3:::carlossalazar/file.txt', 's3:PutObject'),
    'Allow',
  ],
  // The explicit/implicit page's example: AllowGetList with DenyReports.
  ['iam:Get* allowed', [allow('*', ['iam:Get*', 'iam:List*']), deny('*', 'iam:*Report')], gql('arn:aws:iam::123456789012:user/x', 'iam:GetUser'), 'Allow'],
  ['iam:*Report denied', [allow('*', ['iam:Get*', 'iam:List*']), deny('*', 'iam:*Report')], gql('*', 'iam:GetOrganizationsAccessReport'), 'ExplicitDeny'],
  ['iam:CreatePolicy implicitly denied', [allow('*', ['iam:Get*', 'iam:List*']), deny('*', 'iam:*Report')], gql('*', 'iam:CreatePolicy'), 'ImplicitDeny'],
];

describe('statements', () => {
  test.each(rows)('%s', (_description, statements, request, decision) => {
    expect(decisionFor(statements, request)).toBe(decision);
  });

  test('the first allowing statement is reported, the Deny when one applies', () => {
    const { role } = principalsWith({
      policies: [named('first', allow(`${API_ARN}/*`)), named('second', [allow('*'), { ...deny(field('Query', 'no')), Sid: 'No' }])],
    });
    expect(decide(role, gql(field('Query', 'x'))).statement).toEqual({ source: 'first', index: 0 });
    expect(decide(role, gql(field('Query', 'no')))).toMatchObject({ decision: 'ExplicitDeny', statement: { source: 'second', sid: 'No', index: 1 } });
  });
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-resourceelement
describe('policy variables in Resource', () => {
  const tagged = { tags: { team: 'Query' } };
  test.each<[string, string, Request, Decision, object?]>([
    ['a tag in the resource part', `${API_ARN}/types/\${aws:PrincipalTag/team}/*`, gql(field('Query', 'x')), 'Allow', tagged],
    ['the tag’s value decides', `${API_ARN}/types/\${aws:PrincipalTag/team}/*`, gql(field('Mutation', 'x')), 'ImplicitDeny', tagged],
    // "the resource that includes a policy variable with no value will not match any resource"
    ['a variable with no value matches nothing', `${API_ARN}/types/\${aws:PrincipalTag/team}/*`, gql(field('Query', 'x')), 'ImplicitDeny'],
    ['aws:username has no value for a role', `${API_ARN}/types/\${aws:username}/*`, gql(field('Query', 'x')), 'ImplicitDeny'],
    ["a default value: ${aws:PrincipalTag/team, 'Query'}", `${API_ARN}/types/\${aws:PrincipalTag/team, 'Query'}/*`, gql(field('Query', 'x')), 'Allow'],
    ['${*} is a literal *, not a wildcard', `${API_ARN}/types/Query/fields/\${*}`, gql(field('Query', 'x')), 'ImplicitDeny'],
    ['${*} matches a literal *', `${API_ARN}/types/Query/fields/\${*}`, gql(field('Query', '*')), 'Allow'],
    [
      'a wildcard inside a tag’s value is literal',
      `${API_ARN}/types/\${aws:PrincipalTag/team}`,
      gql(`${API_ARN}/types/Query`),
      'ImplicitDeny',
      { tags: { team: 'Q*' } },
    ],
    [
      'aws:PrincipalAccount in a resource',
      'arn:aws:appsync:us-east-1:123456789012:apis/abcdefghijklmnopqrstuvwxyz/types/Query/fields/${aws:PrincipalAccount}',
      gql(field('Query', '123456789012')),
      'Allow',
    ],
    ['a variable whose key is unknown: an Allow does not apply', `${API_ARN}/types/\${aws:PrincipalOrgID}/*`, gql(field('Query', 'x')), 'ImplicitDeny'],
  ])('%s', (_description, resource, request, decision, setup = {}) => {
    expect(decisionFor(allow(resource), request, setup)).toBe(decision);
  });

  test('a variable whose key is unknown: a Deny applies (fails closed)', () => {
    expect(decisionFor([allow('*'), deny(`${API_ARN}/types/\${aws:PrincipalOrgID}/*`)], gql(field('Query', 'x')))).toBe('ExplicitDeny');
  });

  test('variables are literal under the 2008-10-17 policy language', () => {
    expect(decisionFor(allow(`${API_ARN}/types/Query/fields/\${x}`), gql(`${API_ARN}/types/Query/fields/\${x}`), {}, '2008-10-17')).toBe('Allow');
  });
});
