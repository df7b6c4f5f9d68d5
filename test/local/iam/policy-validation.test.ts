/**
 * What IAM refuses to store is refused here, naming the resource and the element: every unknown element, operator
 * and malformed value fails closed (never evaluated as "does not apply"). Rows from the grammar
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html), the element pages, and IAM's
 * own refusals where known ("Invalid Condition type : stringEquals", https://github.com/ministryofjustice/modernisation-platform-environments/pull/8893).
 */
import { MalformedPolicyError } from '../../../local/iam/errors';
import { type PolicyKind, validatePolicy } from '../../../local/iam/policy-validation';

const where = { resource: 'Stack/Role', element: 'Properties.Policies[0].PolicyDocument' };
const base = { Effect: 'Allow', Action: 'appsync:GraphQL', Resource: '*' };
const doc = (statement: unknown, extra: Record<string, unknown> = {}) => ({ Version: '2012-10-17', Statement: [statement], ...extra });
const at = (path: string) => `${where.element}.${path}`;

type Refused = [description: string, document: unknown, element: string, problem: RegExp, kind?: PolicyKind];

const refused: Refused[] = [
  ['a document that is not an object', 'allow all', where.element, /a policy document is a JSON object/],
  ['an unknown policy element', doc(base, { Statment: [] }), at('Statment'), /unknown policy element Statment.*Syntax errors in policy/],
  ['a Version that is not a policy language version', doc(base, { Version: '2012-10-18' }), at('Version'), /Version must be "2012-10-17".*legacy parsing/],
  ['a Version that is a number', doc(base, { Version: 2012 }), at('Version'), /not 2012/],
  ['no Statement', { Version: '2012-10-17' }, at('Statement'), /needs a Statement/],
  ['Id in an identity-based policy', doc(base, { Id: 'x' }), at('Id'), /Id is not allowed in an identity-based policy/],
  ['a statement that is not an object', doc('Allow *'), at('Statement[0]'), /a statement is a JSON object/],
  ['an unknown statement element', doc({ ...base, Resources: '*' }), at('Statement[0].Resources'), /unknown statement element Resources/],
  ['an Effect other than Allow or Deny', doc({ ...base, Effect: 'Permit' }), at('Statement[0].Effect'), /Effect must be "Allow" or "Deny"/],
  ['an Effect in another case', doc({ ...base, Effect: 'allow' }), at('Statement[0].Effect'), /not "allow"/],
  ['no Effect', doc({ Action: 'appsync:GraphQL', Resource: '*' }), at('Statement[0].Effect'), /not missing/],
  ['no Action', doc({ Effect: 'Allow', Resource: '*' }), at('Statement[0]'), /Policy statement must contain actions/],
  ['Action and NotAction', doc({ ...base, NotAction: 'iam:*' }), at('Statement[0].NotAction'), /not both/],
  ['an action without a service prefix', doc({ ...base, Action: 'GraphQL' }), at('Statement[0].Action'), /no service prefix.*prefaced by a vendor/],
  [
    'a list holding one action without a prefix',
    doc({ ...base, Action: ['appsync:GraphQL', 'Invoke'] }),
    at('Statement[0].Action[1]'),
    /"Invoke" has no service prefix/,
  ],
  ['an empty action list', doc({ ...base, Action: [] }), at('Statement[0].Action'), /an empty list names nothing/],
  [
    'an action that is an object (an unresolved intrinsic)',
    doc({ ...base, Action: { 'Fn::Join': [] } }),
    at('Statement[0].Action'),
    /expected a string, found an object \(Fn::Join\)/,
  ],
  ['no Resource', doc({ Effect: 'Allow', Action: 'appsync:GraphQL' }), at('Statement[0]'), /Policy statement must contain resources/],
  ['Resource and NotResource', doc({ ...base, NotResource: '*' }), at('Statement[0].NotResource'), /not both/],
  ['a Resource that is not an ARN', doc({ ...base, Resource: 'my-table' }), at('Statement[0].Resource'), /must be in ARN format or "\*"/],
  ['an ARN with too few components', doc({ ...base, Resource: 'arn:aws:s3:bucket' }), at('Statement[0].Resource'), /neither an ARN/],
  [
    'a wildcard in the service component',
    doc({ ...base, Resource: 'arn:aws:*:us-east-1:123456789012:x' }),
    at('Statement[0].Resource'),
    /wildcard in its service component/,
  ],
  [
    'a policy variable before the fifth colon',
    doc({ ...base, Resource: 'arn:aws:s3:${aws:RequestedRegion}::b' }),
    at('Statement[0].Resource'),
    /before the ARN's fifth colon/,
  ],
  [
    'a Sid that is not alphanumeric (identity-based)',
    doc({ ...base, Sid: 'allow-read' }),
    at('Statement[0].Sid'),
    /Statement IDs \(SID\) must be alpha-numeric/,
  ],
  [
    'two statements with one Sid',
    {
      Version: '2012-10-17',
      Statement: [
        { ...base, Sid: 'A' },
        { ...base, Sid: 'A' },
      ],
    },
    at('Statement[1].Sid'),
    /must be unique/,
  ],
  ['a Principal in an identity-based policy', doc({ ...base, Principal: '*' }), at('Statement[0].Principal'), /Policy document should not specify a principal/],
  [
    'a NotPrincipal in an identity-based policy',
    doc({ ...base, NotPrincipal: { AWS: '123456789012' } }),
    at('Statement[0].NotPrincipal'),
    /NotPrincipal cannot be used in an identity-based policy/,
  ],
  ['a Condition that is not an object', doc({ ...base, Condition: 'yes' }), at('Statement[0].Condition'), /Condition is an object of operators/],
  [
    'an unknown condition operator',
    doc({ ...base, Condition: { StringEqualz: { 'aws:username': 'x' } } }),
    at('Statement[0].Condition.StringEqualz'),
    /Invalid Condition type : StringEqualz/,
  ],
  [
    'an operator in another case',
    doc({ ...base, Condition: { stringEquals: { 'aws:username': 'x' } } }),
    at('Statement[0].Condition.stringEquals'),
    /Invalid Condition type : stringEquals/,
  ],
  [
    'an unknown set operator',
    doc({ ...base, Condition: { 'ForSomeValues:StringEquals': { 'aws:TagKeys': 'x' } } }),
    at('Statement[0].Condition.ForSomeValues:StringEquals'),
    /Invalid Condition type/,
  ],
  [
    'NullIfExists',
    doc({ ...base, Condition: { NullIfExists: { 'aws:username': 'true' } } }),
    at('Statement[0].Condition.NullIfExists'),
    /Null takes neither IfExists/,
  ],
  [
    'an operator block that is not an object',
    doc({ ...base, Condition: { StringEquals: 'x' } }),
    at('Statement[0].Condition.StringEquals'),
    /takes an object of keys and values/,
  ],
  [
    'a condition key without a prefix',
    doc({ ...base, Condition: { StringEquals: { username: 'x' } } }),
    at('Statement[0].Condition.StringEquals.username'),
    /has no prefix/,
  ],
  [
    'an empty list of values',
    doc({ ...base, Condition: { StringEquals: { 'aws:username': [] } } }),
    at('Statement[0].Condition.StringEquals.aws:username'),
    /empty list of values/,
  ],
  [
    'a value that is an object',
    doc({ ...base, Condition: { StringEquals: { 'aws:username': { a: 1 } } } }),
    at('Statement[0].Condition.StringEquals.aws:username'),
    /string, number or boolean/,
  ],
  [
    'a numeric operator with a non-number',
    doc({ ...base, Condition: { NumericLessThan: { 's3:max-keys': 'ten' } } }),
    at('Statement[0].Condition.NumericLessThan.s3:max-keys'),
    /compares numbers/,
  ],
  [
    'a numeric operator with a policy variable',
    doc({ ...base, Condition: { NumericEquals: { 'aws:EpochTime': '${aws:EpochTime}' } } }),
    at('Statement[0].Condition.NumericEquals.aws:EpochTime'),
    /policy variables cannot be used with numeric/,
  ],
  [
    'a date operator with a non-date',
    doc({ ...base, Condition: { DateLessThan: { 'aws:CurrentTime': 'tomorrow' } } }),
    at('Statement[0].Condition.DateLessThan.aws:CurrentTime'),
    /compares dates/,
  ],
  [
    'Bool with yes',
    doc({ ...base, Condition: { Bool: { 'aws:SecureTransport': 'yes' } } }),
    at('Statement[0].Condition.Bool.aws:SecureTransport'),
    /"true" or "false"/,
  ],
  [
    'Null with maybe',
    doc({ ...base, Condition: { Null: { 'aws:TokenIssueTime': 'maybe' } } }),
    at('Statement[0].Condition.Null.aws:TokenIssueTime'),
    /Null takes "true"/,
  ],
  [
    'BinaryEquals with a non-base-64 value',
    doc({ ...base, Condition: { BinaryEquals: { 'x:y': 'not base 64!' } } }),
    at('Statement[0].Condition.BinaryEquals.x:y'),
    /not base 64/,
  ],
  [
    'IpAddress with a non-address',
    doc({ ...base, Condition: { IpAddress: { 'aws:SourceIp': '203.0.113' } } }),
    at('Statement[0].Condition.IpAddress.aws:SourceIp'),
    /IPv4 or IPv6 address or CIDR/,
  ],
  [
    'IpAddress with a prefix too long',
    doc({ ...base, Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/33' } } }),
    at('Statement[0].Condition.IpAddress.aws:SourceIp'),
    /IPv4 or IPv6/,
  ],
  [
    'NotIpAddress with an IPv6 prefix too long',
    doc({ ...base, Condition: { NotIpAddress: { 'aws:SourceIp': '2001:db8::/129' } } }),
    at('Statement[0].Condition.NotIpAddress.aws:SourceIp'),
    /IPv4 or IPv6/,
  ],
  // Resource-based policies.
  ['no Principal in a resource-based policy', doc(base), at('Statement[0]'), /must name a Principal/, 'resource'],
  ['Principal and NotPrincipal', doc({ ...base, Principal: '*', NotPrincipal: '*' }), at('Statement[0].NotPrincipal'), /not both/, 'resource'],
  [
    'NotPrincipal with Allow',
    doc({ ...base, NotPrincipal: { AWS: '123456789012' } }),
    at('Statement[0].NotPrincipal'),
    /NotPrincipal with "Effect": "Allow" is refused/,
    'resource',
  ],
  ['an unknown principal type', doc({ ...base, Principal: { User: 'bob' } }), at('Statement[0].Principal.User'), /unknown principal type User/, 'resource'],
  [
    'a wildcard inside a principal ARN',
    doc({ ...base, Principal: { AWS: 'arn:aws:iam::123456789012:role/*' } }),
    at('Statement[0].Principal.AWS'),
    /Invalid principal in policy/,
    'resource',
  ],
  [
    'an AWS principal that is neither account nor ARN',
    doc({ ...base, Principal: { AWS: 'bob' } }),
    at('Statement[0].Principal.AWS'),
    /neither an account id nor an IAM or STS ARN/,
    'resource',
  ],
];

describe('validatePolicy refuses what IAM refuses to store', () => {
  test.each(refused)('%s', (_description, document, element, problem, kind = 'identity') => {
    let error: unknown;
    try {
      validatePolicy(document, kind, where);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(MalformedPolicyError);
    const malformed = error as MalformedPolicyError;
    expect(malformed.name).toBe('MalformedPolicyError');
    expect(malformed.resource).toBe('Stack/Role');
    expect(malformed.element).toBe(element);
    expect(malformed.problem).toMatch(problem);
    expect(malformed.message).toBe(`Stack/Role: ${element}: ${malformed.problem} (IAM refuses to store this policy: MalformedPolicyDocument)`);
  });
});

type Accepted = [description: string, document: unknown, kind?: PolicyKind];

const accepted: Accepted[] = [
  ['a single statement object', { Version: '2012-10-17', Statement: base }],
  ['no Version (2008-10-17 applies)', { Statement: [base] }],
  ['Version 2008-10-17', { Version: '2008-10-17', Statement: [base] }],
  ['an empty statement list (grants nothing)', { Version: '2012-10-17', Statement: [] }],
  ['elements in any order', { Statement: [{ Resource: '*', Action: 'appsync:GraphQL', Effect: 'Deny' }], Version: '2012-10-17' }],
  ['Action "*"', doc({ ...base, Action: '*' })],
  ['wildcards in action names', doc({ ...base, Action: ['iam:*AccessKey*', 's3:Get?bject'] })],
  ['NotAction and NotResource', doc({ Effect: 'Deny', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::bucket/*' })],
  ['a Sid of letters and digits', doc({ ...base, Sid: 'AllowRead2' })],
  ['an empty Sid', doc({ ...base, Sid: '' })],
  [
    'every operator family',
    doc({
      ...base,
      Condition: {
        StringEqualsIgnoreCase: { 'aws:username': 'x' },
        NumericGreaterThanEquals: { 's3:max-keys': -1.5 },
        DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:01Z', 'aws:EpochTime': '1577836801' },
        BoolIfExists: { 'aws:MultiFactorAuthPresent': false },
        BinaryEquals: { 'x:y': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' },
        IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64', '198.51.100.7'] },
        ArnNotLikeIfExists: { 'aws:SourceArn': 'arn:aws:sns:*:123456789012:*' },
        Null: { 'aws:TokenIssueTime': 'true' },
        'ForAllValues:StringLike': { 'aws:TagKeys': ['a*'] },
        'ForAnyValue:StringNotEqualsIfExists': { 'aws:TagKeys': 'b' },
      },
    }),
  ],
  ['a policy variable in Bool (allowed with Boolean operators)', doc({ ...base, Condition: { Bool: { 'aws:SecureTransport': '${aws:ViaAWSService}' } } })],
  [
    'W3C date formats',
    doc({ ...base, Condition: { DateLessThan: { 'aws:CurrentTime': ['2030', '2030-01', '2030-01-01', '2030-01-01T10:00+02:00', '2030-01-01T10:00:00.5Z'] } } }),
  ],
  [
    'a resource-based policy with Principal and Id',
    {
      Version: '2012-10-17',
      Id: 'p',
      Statement: [
        { ...base, Sid: 'lambda-permission_1', Principal: { AWS: ['123456789012', 'arn:aws:iam::123456789012:role/x'], Service: 'appsync.amazonaws.com' } },
      ],
    },
    'resource',
  ],
  ['NotPrincipal with Deny', doc({ ...base, Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::123456789012:root' } }), 'resource'],
];

describe('validatePolicy accepts what IAM stores', () => {
  test.each(accepted)('%s', (_description, document, kind = 'identity') => {
    expect(() => validatePolicy(document, kind, where)).not.toThrow();
  });

  test('a single statement is addressed without an index', () => {
    expect(() => validatePolicy({ Version: '2012-10-17', Statement: { ...base, Effect: 'Permit' } }, 'identity', where)).toThrow(
      `${where.element}.Statement.Effect`,
    );
  });
});
