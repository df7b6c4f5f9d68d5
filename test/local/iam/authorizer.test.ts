/**
 * How identity-based policies, permissions boundaries and resource-based policies combine, within one account, as
 * "Policy evaluation logic" documents it
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow),
 * and the findings of the review: every Deny conditioned on a key the request has applies; Allows conditioned on keys
 * AWS always sets pass.
 */
import { type Authorization, authorize, denialContext, PolicyType } from '../../../local/iam/authorizer';
import type { PolicyStatement, ResourcePolicy } from '../../../local/iam/model';
import {
  ACCOUNT,
  decide,
  decisionFor,
  FUNCTION_ARN,
  facts,
  NOW,
  named,
  type PrincipalSetup,
  principalsWith,
  REGION,
  ROLE_ARN,
  ROOT_ARN,
  SESSION_ARN,
  statement,
} from './support';

const invoke = { action: 'lambda:InvokeFunction', resource: FUNCTION_ARN };
const invokeAllowed = named('Stack/CallerRole/Invoke', statement('Allow', { Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN }));
const functionPolicy = (...statements: PolicyStatement[]): ResourcePolicy => ({
  resourceArn: FUNCTION_ARN,
  source: 'Stack/InvokePermission',
  document: { Version: '2012-10-17', Statement: statements },
});
const grantTo = (principal: unknown, extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Sid: 'grant',
  Effect: 'Allow',
  Principal: principal,
  Action: 'lambda:InvokeFunction',
  Resource: FUNCTION_ARN,
  ...extra,
});
const boundaryOf = (...statements: PolicyStatement[]) => named('Stack/Boundary', statements);
const allowsOnlyAppSync = boundaryOf(statement('Allow', { Action: 'appsync:*' }));

type Row = [description: string, setup: PrincipalSetup, expected: Pick<Authorization, 'decision'> & { deniedBy?: PolicyType }];

// Identity-based policies and permissions boundaries: "the resulting permissions are the intersection of the two
// categories" (reference_policies_evaluation-logic.html#policy-eval-basics-id-bound, access_policies_boundaries.html).
const boundaryRows: Row[] = [
  ['identity policy allows, no boundary', { policies: [invokeAllowed] }, { decision: 'Allow' }],
  [
    'identity policy allows, the boundary allows too',
    { policies: [invokeAllowed], boundary: boundaryOf(statement('Allow', { Action: 'lambda:*' })) },
    { decision: 'Allow' },
  ],
  [
    'identity policy allows, the boundary does not',
    { policies: [invokeAllowed], boundary: allowsOnlyAppSync },
    { decision: 'ImplicitDeny', deniedBy: PolicyType.PermissionsBoundary },
  ],
  [
    'the boundary allows, no identity policy does (a boundary grants nothing)',
    { boundary: boundaryOf(statement('Allow', { Action: '*' })) },
    { decision: 'ImplicitDeny', deniedBy: PolicyType.IdentityBased },
  ],
  [
    'an explicit Deny in the boundary',
    { policies: [invokeAllowed], boundary: boundaryOf(statement('Allow', { Action: '*' }), statement('Deny', { Action: 'lambda:*' })) },
    { decision: 'ExplicitDeny', deniedBy: PolicyType.PermissionsBoundary },
  ],
  [
    'an empty boundary (an AWS managed one the catalogue lacks) denies everything',
    { policies: [invokeAllowed], boundary: named('unknown boundary', []) },
    { decision: 'ImplicitDeny', deniedBy: PolicyType.PermissionsBoundary },
  ],
];

// Resource-based policies within one account (reference_policies_evaluation-logic.html#policy-eval-denyallow, step 3).
const resourceRows: Row[] = [
  // "For most resources, you only need an explicit allow for the principal in either an identity-based policy or a resource-based policy"
  ['a Lambda permission naming the role, no identity policy', { resourcePolicies: [functionPolicy(grantTo({ AWS: ROLE_ARN }))] }, { decision: 'Allow' }],
  ['a Lambda permission naming the session, no identity policy', { resourcePolicies: [functionPolicy(grantTo({ AWS: SESSION_ARN }))] }, { decision: 'Allow' }],
  ['a permission naming everyone', { resourcePolicies: [functionPolicy(grantTo('*'))] }, { decision: 'Allow' }],
  [
    'a permission naming another role',
    { resourcePolicies: [functionPolicy(grantTo({ AWS: `arn:aws:iam::${ACCOUNT}:role/other` }))] },
    { decision: 'ImplicitDeny' },
  ],
  [
    'a permission naming a service (AppSync), not this role',
    { resourcePolicies: [functionPolicy(grantTo({ Service: 'appsync.amazonaws.com' }))] },
    { decision: 'ImplicitDeny' },
  ],
  // The account principal delegates to the account's identity-based policies.
  ['a permission naming the account, no identity policy', { resourcePolicies: [functionPolicy(grantTo({ AWS: ROOT_ARN }))] }, { decision: 'ImplicitDeny' }],
  [
    'a permission naming the account by id, with an identity policy',
    { policies: [invokeAllowed], resourcePolicies: [functionPolicy(grantTo({ AWS: ACCOUNT }))] },
    { decision: 'Allow' },
  ],
  // "Resource-based policies that grant permissions to an IAM role ARN are limited by an implicit deny in a permissions boundary"
  [
    'the role named, a boundary that does not allow',
    { boundary: allowsOnlyAppSync, resourcePolicies: [functionPolicy(grantTo({ AWS: ROLE_ARN }))] },
    { decision: 'ImplicitDeny', deniedBy: PolicyType.IdentityBased },
  ],
  // "Permissions granted directly to a session are not limited by an implicit deny in an identity-based policy, a permissions boundary"
  [
    'the session named, a boundary that does not allow',
    { boundary: allowsOnlyAppSync, resourcePolicies: [functionPolicy(grantTo({ AWS: SESSION_ARN }))] },
    { decision: 'Allow' },
  ],
  [
    'everyone named, a boundary that does not allow (read as the role’s ARN)',
    { boundary: allowsOnlyAppSync, resourcePolicies: [functionPolicy(grantTo('*'))] },
    { decision: 'ImplicitDeny' },
  ],
  // "An explicit deny in either of these policies overrides the allow."
  [
    'a Deny in the resource policy beats the identity policy’s Allow',
    { policies: [invokeAllowed], resourcePolicies: [functionPolicy(grantTo({ AWS: ROLE_ARN }, { Effect: 'Deny' }))] },
    { decision: 'ExplicitDeny', deniedBy: PolicyType.ResourceBased },
  ],
  [
    'a Deny in the identity policy beats the resource policy’s Allow',
    { policies: [named('p', statement('Deny', { Action: 'lambda:*' }))], resourcePolicies: [functionPolicy(grantTo({ AWS: SESSION_ARN }))] },
    { decision: 'ExplicitDeny', deniedBy: PolicyType.IdentityBased },
  ],
  [
    'a permission whose condition fails (SourceArn: another caller)',
    { resourcePolicies: [functionPolicy(grantTo({ AWS: ROLE_ARN }, { Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::b' } } }))] },
    { decision: 'ImplicitDeny' },
  ],
  // NotPrincipal with Deny: "AWS might validate the account first, then the role, and then the assumed-role user".
  [
    'NotPrincipal Deny exempting the whole chain',
    {
      policies: [invokeAllowed],
      resourcePolicies: [
        functionPolicy(grantTo(undefined, { Effect: 'Deny', Principal: undefined, NotPrincipal: { AWS: [ROOT_ARN, ROLE_ARN, SESSION_ARN] } })),
      ],
    },
    { decision: 'Allow' },
  ],
  [
    'NotPrincipal Deny exempting only the session',
    {
      policies: [invokeAllowed],
      resourcePolicies: [functionPolicy(grantTo(undefined, { Effect: 'Deny', Principal: undefined, NotPrincipal: { AWS: SESSION_ARN } }))],
    },
    { decision: 'ExplicitDeny', deniedBy: PolicyType.ResourceBased },
  ],
  // "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a permissions boundary policy attached"
  [
    'NotPrincipal Deny and a permissions boundary: always denied',
    {
      policies: [invokeAllowed],
      boundary: boundaryOf(statement('Allow', { Action: '*' })),
      resourcePolicies: [
        functionPolicy(grantTo(undefined, { Effect: 'Deny', Principal: undefined, NotPrincipal: { AWS: [ROOT_ARN, ROLE_ARN, SESSION_ARN] } })),
      ],
    },
    { decision: 'ExplicitDeny', deniedBy: PolicyType.ResourceBased },
  ],
];

describe('evaluation order within one account', () => {
  test.each([...boundaryRows, ...resourceRows])('%s', (_description, setup, expected) => {
    const { role } = principalsWith(setup);
    const authorization = decide(role, invoke);
    expect(authorization.decision).toBe(expected.decision);
    expect(authorization.allowed).toBe(expected.decision === 'Allow');
    if (expected.deniedBy) expect(authorization.deniedBy).toBe(expected.deniedBy);
  });

  test('a resource policy is found by the ARN it is attached to: a qualified ARN (alias, version) has its own', () => {
    const { role } = principalsWith({ resourcePolicies: [functionPolicy(grantTo({ AWS: ROLE_ARN }))] });
    expect(decide(role, invoke).allowed).toBe(true);
    expect(decide(role, { ...invoke, resource: `${FUNCTION_ARN}:live` }).allowed).toBe(false);
  });

  test('a table’s policy also governs its indexes', () => {
    const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Todo`;
    const policy: ResourcePolicy = {
      resourceArn: table,
      governsPrefix: `${table}/index/`,
      source: 'Stack/Table (table policy)',
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'dynamodb:Query', Resource: [table, `${table}/index/*`] }] },
    };
    const { role } = principalsWith({ policies: [named('p', statement('Allow', { Action: 'dynamodb:*' }))], resourcePolicies: [policy] });
    expect(decide(role, { action: 'dynamodb:Query', resource: `${table}/index/byName`, requestKeys: {} }).decision).toBe('ExplicitDeny');
    expect(decide(role, { action: 'dynamodb:GetItem', resource: table, requestKeys: {} }).decision).toBe('Allow');
  });
});

describe('the admin (the account root user)', () => {
  // "By default, all requests are implicitly denied with the exception of the AWS account root user, which has full access."
  test('is allowed everything, with no policy at all', () => {
    const { admin } = principalsWith();
    expect(decide(admin, invoke)).toMatchObject({ allowed: true, decision: 'Allow' });
  });

  test('except what a resource-based policy explicitly denies it', () => {
    const { admin } = principalsWith({ resourcePolicies: [functionPolicy(grantTo('*', { Effect: 'Deny' }))] });
    expect(decide(admin, invoke)).toMatchObject({ allowed: false, decision: 'ExplicitDeny', deniedBy: PolicyType.ResourceBased });
  });

  test('its context keys: PrincipalType Account, PrincipalArn root, no session keys', () => {
    const { admin } = principalsWith({
      resourcePolicies: [
        functionPolicy(
          grantTo('*', {
            Effect: 'Deny',
            Condition: {
              StringEquals: { 'aws:PrincipalType': 'Account' },
              Null: { 'aws:TokenIssueTime': 'true' },
              ArnEquals: { 'aws:PrincipalArn': ROOT_ARN },
            },
          }),
        ),
      ],
    });
    expect(decide(admin, invoke).decision).toBe('ExplicitDeny');
  });
});

// The review's finding: "a Deny with a condition on aws:PrincipalArn, aws:PrincipalAccount, aws:CurrentTime,
// aws:EpochTime, aws:SecureTransport, aws:RequestedRegion or aws:SourceIp is set aside and the request is allowed".
// Every key the request carries, under an operator that matches its value: the Deny must apply.
describe('every Deny conditioned on a key the request has applies', () => {
  const epoch = String(NOW.getTime() / 1000);
  const present: Array<[key: string, operator: string, value: string]> = [
    ['aws:PrincipalArn', 'ArnEquals', ROLE_ARN],
    ['aws:PrincipalArn', 'StringLike', 'arn:aws:iam::*:role/*'],
    ['aws:PrincipalAccount', 'StringEquals', ACCOUNT],
    ['aws:PrincipalType', 'StringEquals', 'AssumedRole'],
    ['aws:userid', 'StringLike', '*:caller'],
    ['aws:CurrentTime', 'DateGreaterThanEquals', NOW.toISOString()],
    ['aws:CurrentTime', 'DateLessThan', '2100-01-01T00:00:00Z'],
    ['aws:EpochTime', 'NumericEquals', epoch],
    ['aws:EpochTime', 'DateEquals', epoch],
    ['aws:SecureTransport', 'Bool', 'true'],
    ['aws:RequestedRegion', 'StringEquals', REGION],
    ['aws:SourceIp', 'IpAddress', '203.0.113.7/32'],
    ['aws:SourceIp', 'NotIpAddress', '10.0.0.0/8'],
    ['aws:TokenIssueTime', 'DateLessThan', NOW.toISOString()],
    ['aws:MultiFactorAuthPresent', 'Bool', 'false'],
    ['aws:ViaAWSService', 'Bool', 'false'],
    ['aws:PrincipalIsAWSService', 'Bool', 'false'],
    ['aws:PrincipalTag/team', 'StringEquals', 'blue'],
    ['aws:ResourceAccount', 'StringEquals', ACCOUNT],
    ['aws:UserAgent', 'StringLike', '*sdk*'],
    ['lambda:SourceFunctionArn', 'ArnLike', 'arn:aws:lambda:*:*:function:caller'],
  ];
  const cases = present.flatMap(([key, operator, value]) => [
    [`${operator} on ${key}`, { [operator]: { [key]: value } }] as const,
    [`${operator}IfExists on ${key}`, { [`${operator}IfExists`]: { [key]: value } }] as const,
    [`ForAnyValue:${operator} on ${key}`, { [`ForAnyValue:${operator}`]: { [key]: value } }] as const,
    [`Null false on ${key}`, { Null: { [key]: 'false' } }] as const,
  ]);
  test.each(cases)('%s', (_description, condition) => {
    const authorization = decide(
      principalsWith({ tags: { team: 'blue' }, policies: [named('p', [statement('Allow'), statement('Deny', { Condition: condition })])] }).role,
    );
    expect(authorization).toMatchObject({ allowed: false, decision: 'ExplicitDeny' });
  });
});

// The mirror image: "an Allow conditioned on keys AWS always sets is refused, so a correct policy looks broken locally."
describe('Allows conditioned on keys AWS always sets pass', () => {
  test.each([
    ['aws:SecureTransport true', { Bool: { 'aws:SecureTransport': 'true' } }],
    ['aws:RequestedRegion', { StringEquals: { 'aws:RequestedRegion': REGION } }],
    ['aws:PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } }],
    ['aws:PrincipalArn', { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/*` } }],
    ['aws:CurrentTime', { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }],
    ['aws:EpochTime', { NumericGreaterThan: { 'aws:EpochTime': '1577836800' } }],
    ['aws:SourceIp', { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '127.0.0.1', '::1'] } }],
    ['aws:ViaAWSService false', { Bool: { 'aws:ViaAWSService': 'false' } }],
    ['all of them at once', { Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:RequestedRegion': REGION, 'aws:PrincipalAccount': ACCOUNT } }],
  ])('%s', (_description, condition) => {
    expect(decisionFor(statement('Allow', { Condition: condition }))).toBe('Allow');
  });
});

describe('what the log and the refusal say', () => {
  test('an explicit Deny names its statement; a precautionary one says why', () => {
    const { role } = principalsWith({
      policies: [
        named('Stack/Role/P', [statement('Allow'), { ...statement('Deny', { Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } }), Sid: 'Org' }]),
      ],
    });
    const authorization = decide(role);
    expect(authorization.reason).toBe(
      'explicitly denied by Stack/Role/P (Sid Org, statement 1) (applied as a precaution: StringEquals on aws:PrincipalOrgID: the local cloud cannot know aws:PrincipalOrgID (whether the account belongs to an AWS Organization is not in the templates))',
    );
  });

  test('a statement set aside by its condition is noted', () => {
    const { role } = principalsWith({
      policies: [named('Stack/Role/P', { ...statement('Allow', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }), Sid: 'Eu' })],
    });
    expect(decide(role).notes).toEqual([
      'Stack/Role/P (Sid Eu, statement 0) (Allow) set aside: StringEquals on aws:RequestedRegion does not hold (aws:RequestedRegion is us-east-1)',
    ]);
  });

  test('an AWS managed policy the catalogue lacks is named when nothing allows', () => {
    const { role } = principalsWith({ unknownManagedPolicies: ['arn:aws:iam::aws:policy/SomethingNew'] });
    expect(decide(role).notes).toContain('arn:aws:iam::aws:policy/SomethingNew is not known locally: it allows nothing here');
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
  test.each([
    [{ policies: [] }, 'because no identity-based policy allows the lambda:InvokeFunction action'],
    [{ policies: [named('p', statement('Deny', { Action: '*' }))] }, 'with an explicit deny in an identity-based policy'],
    [{ policies: [invokeAllowed], boundary: allowsOnlyAppSync }, 'because no permissions boundary allows the lambda:InvokeFunction action'],
    [{ policies: [invokeAllowed], boundary: boundaryOf(statement('Deny', { Action: '*' })) }, 'with an explicit deny in a permissions boundary'],
    [{ policies: [invokeAllowed], resourcePolicies: [functionPolicy(grantTo('*', { Effect: 'Deny' }))] }, 'with an explicit deny in a resource-based policy'],
  ] as Array<[PrincipalSetup, string]>)('AccessDenied context %#: %s', (setup, context) => {
    expect(denialContext(decide(principalsWith(setup).role, invoke), 'lambda:InvokeFunction')).toBe(context);
  });

  test('the call shape the services use stays as it was', () => {
    const { role } = principalsWith({ policies: [invokeAllowed] });
    expect(authorize(role, { ...invoke, facts: facts() }).allowed).toBe(true);
  });
});
