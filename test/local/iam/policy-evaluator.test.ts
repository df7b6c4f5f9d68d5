import type { NamedPolicy, PolicyDocument, PolicyStatement } from '../../../local/iam/model';
import { type ConditionContext, evaluate, wildcardMatch } from '../../../local/iam/policy-evaluator';

const API = 'arn:aws:appsync:us-east-1:000000000000:apis/abc123';
const field = (type: string, name: string) => `${API}/types/${type}/fields/${name}`;
const policy = (source: string, statement: PolicyStatement | PolicyStatement[], version = '2012-10-17'): NamedPolicy => ({
  source,
  document: { Version: version, Statement: statement } as PolicyDocument,
});
const allow = (Resource: string | string[], Action: string | string[] = 'appsync:GraphQL', extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...extra,
});
const deny = (Resource: string | string[], Action: string | string[] = 'appsync:GraphQL', extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Effect: 'Deny',
  Action,
  Resource,
  ...extra,
});

type Row = [
  description: string,
  policies: NamedPolicy[],
  action: string,
  resource: string,
  decision: 'Allow' | 'ExplicitDeny' | 'ImplicitDeny',
  statement?: { source: string; sid?: string; index: number },
];

const rows: Row[] = [
  ['no policy at all', [], 'appsync:GraphQL', field('Query', 'listTodos'), 'ImplicitDeny'],
  [
    'exact action and resource',
    [policy('p', allow(field('Query', 'listTodos')))],
    'appsync:GraphQL',
    field('Query', 'listTodos'),
    'Allow',
    { source: 'p', index: 0 },
  ],
  ['another field of the same type', [policy('p', allow(field('Query', 'listTodos')))], 'appsync:GraphQL', field('Query', 'getTodo'), 'ImplicitDeny'],
  [
    'Statement as a list, the second applies',
    [policy('p', [allow(field('Query', 'a')), { ...allow(field('Query', 'b')), Sid: 'B' }])],
    'appsync:GraphQL',
    field('Query', 'b'),
    'Allow',
    { source: 'p', sid: 'B', index: 1 },
  ],
  [
    'type wildcard .../types/Query/*',
    [policy('p', allow(`${API}/types/Query/*`))],
    'appsync:GraphQL',
    field('Query', 'getTodo'),
    'Allow',
    { source: 'p', index: 0 },
  ],
  ['type wildcard does not reach Mutation', [policy('p', allow(`${API}/types/Query/*`))], 'appsync:GraphQL', field('Mutation', 'createTodo'), 'ImplicitDeny'],
  ['API wildcard .../apis/ID/*', [policy('p', allow(`${API}/*`))], 'appsync:GraphQL', field('Mutation', 'createTodo'), 'Allow', { source: 'p', index: 0 }],
  [
    'another API',
    [policy('p', allow(`${API}/*`))],
    'appsync:GraphQL',
    'arn:aws:appsync:us-east-1:000000000000:apis/other/types/Query/fields/x',
    'ImplicitDeny',
  ],
  ['Resource "*"', [policy('p', allow('*'))], 'appsync:GraphQL', field('Query', 'x'), 'Allow', { source: 'p', index: 0 }],
  [
    '? matches exactly one character',
    [policy('p', allow(`${API}/types/Query/fields/getTod?`))],
    'appsync:GraphQL',
    field('Query', 'getTodo'),
    'Allow',
    { source: 'p', index: 0 },
  ],
  ['? does not match two characters', [policy('p', allow(`${API}/types/Query/fields/get?`))], 'appsync:GraphQL', field('Query', 'getTodo'), 'ImplicitDeny'],
  [
    '* matches an empty run',
    [policy('p', allow(`${API}/types/Query/fields/listTodos*`))],
    'appsync:GraphQL',
    field('Query', 'listTodos'),
    'Allow',
    { source: 'p', index: 0 },
  ],
  ['actions are case-insensitive', [policy('p', allow('*', 'AppSync:graphql'))], 'appsync:GraphQL', field('Query', 'x'), 'Allow', { source: 'p', index: 0 }],
  ['action wildcard appsync:*', [policy('p', allow('*', 'appsync:*'))], 'appsync:GraphQL', field('Query', 'x'), 'Allow', { source: 'p', index: 0 }],
  ['action wildcard appsync:Graph*', [policy('p', allow('*', 'appsync:Graph*'))], 'appsync:GraphQL', field('Query', 'x'), 'Allow', { source: 'p', index: 0 }],
  ['another service', [policy('p', allow('*', 'lambda:InvokeFunction'))], 'appsync:GraphQL', field('Query', 'x'), 'ImplicitDeny'],
  ['resources are case-sensitive', [policy('p', allow(`${API}/types/query/*`))], 'appsync:GraphQL', field('Query', 'x'), 'ImplicitDeny'],
  [
    'an action list',
    [policy('p', allow('*', ['dynamodb:GetItem', 'appsync:GraphQL']))],
    'appsync:GraphQL',
    field('Query', 'x'),
    'Allow',
    { source: 'p', index: 0 },
  ],
  [
    'a resource list',
    [policy('p', allow([field('Query', 'a'), field('Query', 'b')]))],
    'appsync:GraphQL',
    field('Query', 'b'),
    'Allow',
    { source: 'p', index: 0 },
  ],
  [
    'explicit Deny wins over Allow in the same policy',
    [policy('p', [allow(`${API}/*`), { ...deny(field('Mutation', 'deleteTodo')), Sid: 'NoDelete' }])],
    'appsync:GraphQL',
    field('Mutation', 'deleteTodo'),
    'ExplicitDeny',
    { source: 'p', sid: 'NoDelete', index: 1 },
  ],
  [
    'explicit Deny in another policy wins',
    [policy('allow', allow('*')), policy('deny', deny(field('Query', 'x')))],
    'appsync:GraphQL',
    field('Query', 'x'),
    'ExplicitDeny',
    { source: 'deny', index: 0 },
  ],
  [
    'Deny elsewhere does not affect this field',
    [policy('p', [allow(`${API}/*`), deny(field('Mutation', 'deleteTodo'))])],
    'appsync:GraphQL',
    field('Mutation', 'createTodo'),
    'Allow',
    { source: 'p', index: 0 },
  ],
  ['Deny alone is ImplicitDeny for other fields', [policy('p', deny(field('Query', 'a')))], 'appsync:GraphQL', field('Query', 'b'), 'ImplicitDeny'],
  [
    'NotAction: every other action',
    [policy('p', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })],
    'appsync:GraphQL',
    field('Query', 'x'),
    'Allow',
    { source: 'p', index: 0 },
  ],
  [
    'NotAction excluding this action',
    [policy('p', { Effect: 'Allow', NotAction: 'appsync:*', Resource: '*' })],
    'appsync:GraphQL',
    field('Query', 'x'),
    'ImplicitDeny',
  ],
  [
    'NotResource: every other resource',
    [policy('p', { Effect: 'Allow', Action: 'appsync:GraphQL', NotResource: field('Query', 'secret') })],
    'appsync:GraphQL',
    field('Query', 'x'),
    'Allow',
    { source: 'p', index: 0 },
  ],
  [
    'NotResource excluding this resource',
    [policy('p', { Effect: 'Allow', Action: 'appsync:GraphQL', NotResource: `${API}/types/Query/*` })],
    'appsync:GraphQL',
    field('Query', 'x'),
    'ImplicitDeny',
  ],
  [
    'Deny with NotResource',
    [policy('p', [allow('*'), { Effect: 'Deny', Action: '*', NotResource: field('Query', 'open') }])],
    'appsync:GraphQL',
    field('Query', 'x'),
    'ExplicitDeny',
    { source: 'p', index: 1 },
  ],
  [
    'a statement without Resource never applies',
    [policy('p', { Effect: 'Allow', Action: 'appsync:GraphQL' })],
    'appsync:GraphQL',
    field('Query', 'x'),
    'ImplicitDeny',
  ],
  ['a statement without Action never applies', [policy('p', { Effect: 'Allow', Resource: '*' })], 'appsync:GraphQL', field('Query', 'x'), 'ImplicitDeny'],
  [
    'an unknown Effect never applies',
    [policy('p', { Effect: 'Maybe' as 'Allow', Action: '*', Resource: '*' })],
    'appsync:GraphQL',
    field('Query', 'x'),
    'ImplicitDeny',
  ],
  [
    'Allow with StringEquals: no condition keys locally, so it does not apply',
    [policy('p', allow('*', 'appsync:GraphQL', { Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } }))],
    'appsync:GraphQL',
    field('Query', 'x'),
    'ImplicitDeny',
  ],
  [
    'Allow with Bool aws:SecureTransport: does not apply',
    [policy('p', allow('*', 'appsync:GraphQL', { Condition: { Bool: { 'aws:SecureTransport': 'true' } } }))],
    'appsync:GraphQL',
    field('Query', 'x'),
    'ImplicitDeny',
  ],
  [
    'Allow with StringLikeIfExists: applies (the key is absent)',
    [policy('p', allow('*', 'appsync:GraphQL', { Condition: { StringLikeIfExists: { 'aws:SourceVpc': 'vpc-*' } } }))],
    'appsync:GraphQL',
    field('Query', 'x'),
    'Allow',
    { source: 'p', index: 0 },
  ],
  [
    'Deny with StringNotEquals: a negated operator holds when the key is absent',
    [policy('p', [allow('*'), deny('*', '*', { Condition: { StringNotEquals: { 'aws:SourceVpc': 'vpc-1' } } })])],
    'appsync:GraphQL',
    field('Query', 'x'),
    'ExplicitDeny',
    { source: 'p', index: 1 },
  ],
  [
    'Deny with Bool false: does not apply',
    [policy('p', [allow('*'), deny('*', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } })])],
    'appsync:GraphQL',
    field('Query', 'x'),
    'Allow',
    { source: 'p', index: 0 },
  ],
  [
    'Null: true holds when the key is absent',
    [policy('p', allow('*', 'appsync:GraphQL', { Condition: { Null: { 'aws:TokenIssueTime': 'true' } } }))],
    'appsync:GraphQL',
    field('Query', 'x'),
    'Allow',
    { source: 'p', index: 0 },
  ],
  [
    'Null: false does not',
    [policy('p', allow('*', 'appsync:GraphQL', { Condition: { Null: { 'aws:TokenIssueTime': 'false' } } }))],
    'appsync:GraphQL',
    field('Query', 'x'),
    'ImplicitDeny',
  ],
  [
    'ForAllValues holds on an absent key',
    [policy('p', allow('*', 'appsync:GraphQL', { Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } } }))],
    'appsync:GraphQL',
    field('Query', 'x'),
    'Allow',
    { source: 'p', index: 0 },
  ],
  [
    'ForAnyValue does not',
    [policy('p', allow('*', 'appsync:GraphQL', { Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a'] } } }))],
    'appsync:GraphQL',
    field('Query', 'x'),
    'ImplicitDeny',
  ],
  [
    'an unknown condition operator never holds (and never throws)',
    [policy('p', allow('*', 'appsync:GraphQL', { Condition: { FancyMatch: { k: 'v' } } }))],
    'appsync:GraphQL',
    field('Query', 'x'),
    'ImplicitDeny',
  ],
  [
    'a malformed Condition never holds',
    [policy('p', allow('*', 'appsync:GraphQL', { Condition: 'nope' as unknown as Record<string, unknown> }))],
    'appsync:GraphQL',
    field('Query', 'x'),
    'ImplicitDeny',
  ],
  [
    'a policy variable with no value matches nothing',
    [policy('p', allow(`${API}/types/\${aws:username}/*`))],
    'appsync:GraphQL',
    field('Query', 'x'),
    'ImplicitDeny',
  ],
  ['${*} is a literal *', [policy('p', allow(`${API}/types/Query/fields/\${*}`))], 'appsync:GraphQL', field('Query', 'x'), 'ImplicitDeny'],
  [
    'policy variables are literal text in the 2008 policy language',
    [policy('p', allow(`${API}/types/Query/fields/\${x}`), '2008-10-17')],
    'appsync:GraphQL',
    `${API}/types/Query/fields/\${x}`,
    'Allow',
    { source: 'p', index: 0 },
  ],
  [
    'a malformed document is ignored',
    [{ source: 'bad', document: null as unknown as PolicyDocument }, policy('p', allow('*'))],
    'appsync:GraphQL',
    field('Query', 'x'),
    'Allow',
    { source: 'p', index: 0 },
  ],
  [
    'the first allowing statement is reported',
    [policy('first', allow(`${API}/*`)), policy('second', allow('*'))],
    'appsync:GraphQL',
    field('Query', 'x'),
    'Allow',
    { source: 'first', index: 0 },
  ],
  ['regex characters in patterns are literal', [policy('p', allow(`${API}/types/Query/fields/a.c`))], 'appsync:GraphQL', field('Query', 'abc'), 'ImplicitDeny'],
];

describe('evaluate (IAM policy evaluation)', () => {
  // One argument per row (jest would pass its `done` callback in place of a missing optional element).
  test.each(rows.map((row) => [row[0], row] as const))('%s', (_description, [, policies, action, resource, decision, statement]) => {
    const result = evaluate(policies, action, resource);
    expect(result.decision).toBe(decision);
    expect(result.statement).toEqual(statement);
  });

  test('says why a statement with a Condition was set aside', () => {
    const result = evaluate(
      [policy('Stack/Role/Policy', { ...allow('*'), Sid: 'OnlyFromVpc', Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } })],
      'appsync:GraphQL',
      field('Query', 'x'),
    );
    expect(result.decision).toBe('ImplicitDeny');
    expect(result.notes).toEqual([
      'Stack/Role/Policy (Sid OnlyFromVpc, statement 0) (Allow) set aside: StringEquals on aws:SourceVpc (the local cloud gives no condition keys) does not hold: the key is absent',
    ]);
  });

  test('conditions are evaluated against a context when one is given', () => {
    const policies = [
      policy('p', allow('*', 'appsync:GraphQL', { Condition: { StringLike: { 'aws:SourceVpc': 'vpc-1*' }, NumericLessThan: { 'x:n': '10' } } })),
    ];
    const context: ConditionContext = { 'aws:SourceVpc': 'vpc-123', 'x:n': 3 };
    expect(evaluate(policies, 'appsync:GraphQL', field('Query', 'x'), context).decision).toBe('Allow');
    expect(evaluate(policies, 'appsync:GraphQL', field('Query', 'x'), { ...context, 'x:n': 11 }).decision).toBe('ImplicitDeny');
    expect(
      evaluate([policy('p', allow(`${API}/types/\${aws:username}/*`))], 'appsync:GraphQL', field('Query', 'x'), { 'aws:username': 'Query' }).decision,
    ).toBe('Allow');
  });

  test('wildcardMatch', () => {
    expect(wildcardMatch('a*c', 'abbbc', false)).toBe(true);
    expect(wildcardMatch('a*c', 'ab/b:c', false)).toBe(true);
    expect(wildcardMatch('a?c', 'ac', false)).toBe(false);
    expect(wildcardMatch('ABC', 'abc', true)).toBe(true);
    expect(wildcardMatch('ABC', 'abc', false)).toBe(false);
    expect(wildcardMatch('a\nb', 'a\nb', false)).toBe(true);
  });
});
