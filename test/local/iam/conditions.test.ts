/**
 * Every condition operator, through the real compile-and-authorize path: each row is a Condition block, the request
 * it meets (default facts: support.ts) and whether it holds. Each row runs twice: as an Allow's condition (holds →
 * allowed) and as a Deny's next to an Allow of everything (holds → explicitly denied). A condition the local cloud
 * cannot decide ("unknown") must fail closed both ways: the Allow does not apply, the Deny does.
 */
import type { PolicyStatement } from '../../../local/iam/model';
import { decisionFor, NOW, type Request, ROLE_ARN, SESSION_ARN, statement } from './support';

type Outcome = 'holds' | 'fails' | 'unknown';
type Row = [description: string, condition: Record<string, unknown>, outcome: Outcome, request?: Partial<Request>];

const run = (rows: Row[], base: Partial<PolicyStatement> = {}) => {
  const asAllow = rows.map(([description, condition, outcome, request]) => [description, condition, outcome, request] as const);
  test.each(asAllow)('Allow if %s', (_d, condition, outcome, request) => {
    const decision = decisionFor(statement('Allow', { ...base, Condition: condition }), requestOf(request));
    expect(decision).toBe(outcome === 'holds' ? 'Allow' : 'ImplicitDeny');
  });
  test.each(asAllow)('Deny if %s', (_d, condition, outcome, request) => {
    const decision = decisionFor([statement('Allow', base), statement('Deny', { ...base, Condition: condition })], requestOf(request));
    expect(decision).toBe(outcome === 'fails' ? 'Allow' : 'ExplicitDeny');
  });
};

const requestOf = (request?: Partial<Request>): Request => ({
  action: 'appsync:GraphQL',
  resource: 'arn:aws:appsync:us-east-1:123456789012:apis/x/types/Query/fields/f',
  ...request,
});
const at = (currentTime: Date): Partial<Request> => ({ facts: { currentTime } });
const from = (sourceIp: string | undefined): Partial<Request> => ({ facts: { sourceIp } });

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
describe('String condition operators', () => {
  run([
    ['StringEquals on aws:PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': '123456789012' } }, 'holds'],
    ['StringEquals on another account', { StringEquals: { 'aws:PrincipalAccount': '999999999999' } }, 'fails'],
    ['StringEquals is case-sensitive', { StringEquals: { 'aws:RequestedRegion': 'US-EAST-1' } }, 'fails'],
    ['StringNotEquals, another region', { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } }, 'holds'],
    ['StringNotEquals, this region', { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } }, 'fails'],
    ['StringEqualsIgnoreCase', { StringEqualsIgnoreCase: { 'aws:RequestedRegion': 'US-EAST-1' } }, 'holds'],
    ['StringNotEqualsIgnoreCase', { StringNotEqualsIgnoreCase: { 'aws:RequestedRegion': 'US-EAST-1' } }, 'fails'],
    ['StringLike with *', { StringLike: { 'aws:userid': 'AROA*:caller' } }, 'holds'],
    ['StringLike with ?', { StringLike: { 'aws:RequestedRegion': 'us-east-?' } }, 'holds'],
    ['StringLike, no partial match without a wildcard', { StringLike: { 'aws:RequestedRegion': 'us-east' } }, 'fails'],
    ['StringNotLike', { StringNotLike: { 'aws:RequestedRegion': 'eu-*' } }, 'holds'],
    ['StringNotLike, matching', { StringNotLike: { 'aws:RequestedRegion': 'us-*' } }, 'fails'],
    ['aws:PrincipalType is AssumedRole for a role session', { StringEquals: { 'aws:PrincipalType': 'AssumedRole' } }, 'holds'],
    ['aws:userid is <role id>:<session>', { StringEquals: { 'aws:userid': 'AROAEXAMPLEROLEID0001:caller' } }, 'holds'],
    ['aws:UserAgent from the request', { StringLike: { 'aws:UserAgent': 'aws-sdk-js/*' } }, 'holds'],
  ]);
});

// "If the key that you specify in a policy condition is not present in the request context, the values do not match
// and the condition is false. If the policy condition requires that the key is not matched, such as StringNotLike or
// ArnNotLike, and the right key is not present, the condition is true." (same page)
describe('a key absent from the request', () => {
  run([
    ['StringEquals on aws:username (roles have none)', { StringEquals: { 'aws:username': 'bob' } }, 'fails'],
    ['StringNotEquals on aws:username', { StringNotEquals: { 'aws:username': 'bob' } }, 'holds'],
    ['StringNotLike on aws:SourceVpce', { StringNotLike: { 'aws:SourceVpce': 'vpce-*' } }, 'holds'],
    ['ArnNotLike on aws:SourceArn', { ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }, 'holds'],
    ['ArnLike on aws:SourceArn', { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }, 'fails'],
    ['NumericLessThan on aws:MultiFactorAuthAge', { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }, 'fails'],
    ['a tag the role does not have', { StringEquals: { 'aws:PrincipalTag/team': 'blue' } }, 'fails'],
    ["another service's key", { StringEquals: { 's3:prefix': 'home/' } }, 'fails'],
    ["the action's own service key, which appsync:GraphQL never carries", { StringEquals: { 'appsync:Something': 'x' } }, 'fails'],
  ]);
});

// "...IfExists: If the key is not present, evaluate the condition element as true." (same page, #Conditions_IfExists)
describe('...IfExists', () => {
  run([
    ['StringEqualsIfExists, key absent', { StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } }, 'holds'],
    ['StringEqualsIfExists, key present and different', { StringEqualsIfExists: { 'aws:RequestedRegion': 'eu-west-1' } }, 'fails'],
    ['IpAddressIfExists, key present and inside', { IpAddressIfExists: { 'aws:SourceIp': '203.0.113.0/24' } }, 'holds'],
    // "If you are using an "Effect": "Deny" element with a negated condition operator like StringNotEqualsIfExists, the request is still denied even if the tag is missing."
    ['StringNotEqualsIfExists, key absent', { StringNotEqualsIfExists: { 'aws:PrincipalTag/team': 'blue' } }, 'holds'],
    ['BoolIfExists on aws:MultiFactorAuthPresent (false for a session)', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, 'holds'],
  ]);
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric and #Conditions_Date
describe('Numeric and Date condition operators', () => {
  const epoch = NOW.getTime() / 1000;
  run([
    ['NumericEquals on aws:EpochTime', { NumericEquals: { 'aws:EpochTime': String(epoch) } }, 'holds'],
    ['NumericNotEquals on aws:EpochTime', { NumericNotEquals: { 'aws:EpochTime': String(epoch) } }, 'fails'],
    ['NumericLessThan', { NumericLessThan: { 'aws:EpochTime': String(epoch + 1) } }, 'holds'],
    ['NumericLessThanEquals', { NumericLessThanEquals: { 'aws:EpochTime': String(epoch) } }, 'holds'],
    ['NumericGreaterThan', { NumericGreaterThan: { 'aws:EpochTime': String(epoch) } }, 'fails'],
    ['NumericGreaterThanEquals with a decimal', { NumericGreaterThanEquals: { 'aws:EpochTime': `${epoch - 1}.5` } }, 'holds'],
    ['a number JSON-typed, not quoted', { NumericEquals: { 'aws:EpochTime': epoch } }, 'holds'],
    ['DateGreaterThan on aws:CurrentTime', { DateGreaterThan: { 'aws:CurrentTime': '2024-01-01T00:00:00Z' } }, 'holds'],
    ['DateLessThan on aws:CurrentTime', { DateLessThan: { 'aws:CurrentTime': '2024-01-01T00:00:00Z' } }, 'fails'],
    ['DateLessThanEquals, the same instant', { DateLessThanEquals: { 'aws:CurrentTime': '2024-05-01T12:00:00Z' } }, 'holds'],
    ['DateEquals, another zone for the same instant', { DateEquals: { 'aws:CurrentTime': '2024-05-01T14:00:00+02:00' } }, 'holds'],
    ['DateNotEquals', { DateNotEquals: { 'aws:CurrentTime': '2024-05-01T12:00:01Z' } }, 'holds'],
    ['DateGreaterThanEquals with epoch seconds', { DateGreaterThanEquals: { 'aws:CurrentTime': String(epoch) } }, 'holds'],
    ['Date operators on aws:EpochTime', { DateLessThan: { 'aws:EpochTime': '2025-01-01' } }, 'holds'],
    // The AWS: Allows access based on date and time example (reference_policies_examples_aws-dates.html): within a window.
    [
      'a date window, inside',
      { DateGreaterThan: { 'aws:CurrentTime': '2024-04-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2024-06-30T23:59:59Z' } },
      'holds',
    ],
    [
      'a date window, after it',
      { DateGreaterThan: { 'aws:CurrentTime': '2024-04-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2024-06-30T23:59:59Z' } },
      'fails',
      at(new Date('2024-07-01T00:00:00Z')),
    ],
    ['aws:TokenIssueTime (the session was issued at start-up)', { DateLessThan: { 'aws:TokenIssueTime': '2024-05-01T10:00:00Z' } }, 'holds'],
    ['a numeric operator on a value that is no number', { NumericLessThan: { 'aws:RequestedRegion': '5' } }, 'unknown'],
    ['a date operator on a value that is no date', { DateLessThan: { 'aws:SourceIp': '2024-01-01' } }, 'unknown'],
  ]);
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean, #Conditions_BinaryEquals, #Conditions_Null
describe('Bool, BinaryEquals and Null', () => {
  run([
    ['Bool aws:SecureTransport true (AWS endpoints are HTTPS)', { Bool: { 'aws:SecureTransport': 'true' } }, 'holds'],
    ['Bool aws:SecureTransport false (the page’s Deny example)', { Bool: { 'aws:SecureTransport': 'false' } }, 'fails'],
    ['Bool, JSON-typed', { Bool: { 'aws:SecureTransport': true } }, 'holds'],
    ['Bool aws:ViaAWSService false for a direct call', { Bool: { 'aws:ViaAWSService': 'false' } }, 'holds'],
    ['Bool aws:PrincipalIsAWSService false', { Bool: { 'aws:PrincipalIsAWSService': 'false' } }, 'holds'],
    ['BinaryEquals on an absent key', { BinaryEquals: { 'aws:SourceVpc': 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }, 'fails'],
    ['Null true on an absent key', { Null: { 'aws:SourceVpc': 'true' } }, 'holds'],
    ['Null false on an absent key', { Null: { 'aws:SourceVpc': 'false' } }, 'fails'],
    // "If the user is using temporary credentials, then the key aws:TokenIssueTime exists and has a value."
    ['Null true on aws:TokenIssueTime (a session has temporary credentials)', { Null: { 'aws:TokenIssueTime': 'true' } }, 'fails'],
    ['Null false on aws:TokenIssueTime', { Null: { 'aws:TokenIssueTime': 'false' } }, 'holds'],
  ]);
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
// "The value must be in the standard CIDR format (for example, 203.0.113.0/24 or 2001:DB8:1234:5678::/64). If you
// specify an IP address without the associated routing prefix, IAM uses the default prefix value of /32."
describe('IpAddress and NotIpAddress, IPv4 and IPv6', () => {
  run([
    ['IpAddress inside 203.0.113.0/24', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, 'holds'],
    ['IpAddress outside', { IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } }, 'fails'],
    ['IpAddress, an address alone is /32', { IpAddress: { 'aws:SourceIp': '203.0.113.7' } }, 'holds'],
    ['IpAddress, /32 of another address', { IpAddress: { 'aws:SourceIp': '203.0.113.8' } }, 'fails'],
    ['NotIpAddress outside the range', { NotIpAddress: { 'aws:SourceIp': '198.51.100.0/24' } }, 'holds'],
    ['NotIpAddress inside the range', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, 'fails'],
    ['IPv4 and IPv6 ranges mixed (the page’s example), IPv4 caller', { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64'] } }, 'holds'],
    [
      'IPv6 caller inside 2001:DB8:1234:5678::/64',
      { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64'] } },
      'holds',
      from('2001:db8:1234:5678:abcd::1'),
    ],
    ['IPv6 caller outside', { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } }, 'fails', from('2001:db8:1234:9999::1')],
    ['loopback IPv6', { IpAddress: { 'aws:SourceIp': '::1/128' } }, 'holds', from('::1')],
    ['loopback 127.0.0.1', { IpAddress: { 'aws:SourceIp': '127.0.0.1' } }, 'holds', from('127.0.0.1')],
    // A service calling with a service role: AWS sees the service's address, which the local cloud cannot know.
    ['no source address (a service calls)', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, 'unknown', from(undefined)],
    ['NotIpAddress, no source address', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, 'unknown', from(undefined)],
  ]);
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
describe('ARN condition operators', () => {
  run([
    // "For IAM roles, the request context returns the ARN of the role, not the ARN of the user that assumed the role."
    ['ArnEquals on aws:PrincipalArn, the role', { ArnEquals: { 'aws:PrincipalArn': ROLE_ARN } }, 'holds'],
    ['ArnEquals on aws:PrincipalArn, the session ARN (not what the key holds)', { ArnEquals: { 'aws:PrincipalArn': SESSION_ARN } }, 'fails'],
    ['ArnLike with wildcards', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/app/*' } }, 'holds'],
    ['ArnNotLike', { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin/*' } }, 'holds'],
    ['ArnNotEquals, the role', { ArnNotEquals: { 'aws:PrincipalArn': ROLE_ARN } }, 'fails'],
    ['StringEquals on aws:PrincipalArn', { StringEquals: { 'aws:PrincipalArn': ROLE_ARN } }, 'holds'],
    [
      'lambda:SourceFunctionArn of the function the session runs',
      { ArnEquals: { 'lambda:SourceFunctionArn': 'arn:aws:lambda:us-east-1:123456789012:function:caller' } },
      'holds',
    ],
  ]);
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
describe('several keys and values', () => {
  run([
    ['two operators, both hold (AND)', { StringEquals: { 'aws:PrincipalAccount': '123456789012' }, Bool: { 'aws:SecureTransport': 'true' } }, 'holds'],
    ['two operators, one fails (AND)', { StringEquals: { 'aws:PrincipalAccount': '123456789012' }, Bool: { 'aws:SecureTransport': 'false' } }, 'fails'],
    ['two keys under one operator, one fails (AND)', { StringEquals: { 'aws:PrincipalAccount': '123456789012', 'aws:RequestedRegion': 'eu-west-1' } }, 'fails'],
    ['several values, one matches (OR)', { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } }, 'holds'],
    // "When multiple values are listed in a policy for negated matching condition operators ... the effective permissions work like a logical AND."
    ['a negated operator with several values, one matches (NOR)', { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } }, 'fails'],
    ['a negated operator with several values, none matches (NOR)', { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'ap-south-1'] } }, 'holds'],
    // "Condition key names are not case-sensitive." (reference_policies_elements_condition.html)
    ['key names in any case', { StringEquals: { 'AWS:requestedREGION': 'us-east-1' } }, 'holds'],
    ['ForAnyValue on a single-valued key', { 'ForAnyValue:StringEquals': { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } }, 'holds'],
    ['ForAllValues on a single-valued key', { 'ForAllValues:StringEquals': { 'aws:RequestedRegion': ['eu-west-1'] } }, 'fails'],
    // "ForAllValues ... also returns true if there are no keys in the request"; "ForAnyValue ... For no matching key ... returns false."
    ['ForAllValues on an absent key', { 'ForAllValues:StringEquals': { 'aws:CalledVia': ['cloudformation.amazonaws.com'] } }, 'holds'],
    ['ForAnyValue on an absent key', { 'ForAnyValue:StringEquals': { 'aws:CalledVia': ['dynamodb.amazonaws.com'] } }, 'fails'],
    ['ForAnyValue with a negated operator on an absent key', { 'ForAnyValue:StringNotEquals': { 'aws:CalledVia': ['dynamodb.amazonaws.com'] } }, 'fails'],
    ['ForAnyValue:StringLikeIfExists on an absent key', { 'ForAnyValue:StringLikeIfExists': { 'aws:CalledVia': ['x*'] } }, 'holds'],
  ]);
});

// The DynamoDB examples of the same page, with the request's dynamodb:Attributes as the service gives them.
describe('set operators on a multivalued key (reference_policies_multi-value-conditions.html)', () => {
  const attributes = (values: string[]): Partial<Request> => ({
    action: 'dynamodb:GetItem',
    resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/Thread',
    requestKeys: { 'dynamodb:Attributes': values },
  });
  const allowed = { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['ID', 'Message', 'Tags'] } };
  const forbidden = { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': ['ID', 'PostDateTime'] } };
  const table = { Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:*:*:table/Thread' };
  run(
    [
      ['ForAllValues: every requested attribute is listed', allowed, 'holds', attributes(['Message', 'Tags'])],
      ['ForAllValues: UserName is not listed', allowed, 'fails', attributes(['Message', 'UserName'])],
      ['ForAllValues: no attributes at all', allowed, 'holds', attributes([])],
      ['ForAnyValue: PostDateTime is listed', forbidden, 'holds', attributes(['PostDateTime', 'Message'])],
      ['ForAnyValue: none is listed', forbidden, 'fails', attributes(['UserName'])],
      [
        'ForAllValues with a negated operator: none is forbidden',
        { 'ForAllValues:StringNotEquals': { 'dynamodb:Attributes': ['ID'] } },
        'holds',
        attributes(['Message', 'Tags']),
      ],
      [
        'ForAnyValue with a negated operator: one is not ID',
        { 'ForAnyValue:StringNotEquals': { 'dynamodb:Attributes': ['ID'] } },
        'holds',
        attributes(['ID', 'Tags']),
      ],
      [
        'a service that does not tell its keys: unknown',
        allowed,
        'unknown',
        { action: 'dynamodb:GetItem', resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/Thread' },
      ],
    ],
    table,
  );

  test('the statements of the page, as written', () => {
    const policy: PolicyStatement[] = [
      { Effect: 'Allow', ...table, Condition: allowed },
      { Effect: 'Deny', ...table, Condition: forbidden },
    ];
    expect(decisionFor(policy, requestOf(attributes(['Message', 'Tags'])))).toBe('Allow');
    expect(decisionFor(policy, requestOf(attributes(['ID', 'Message'])))).toBe('ExplicitDeny');
  });
});

// Keys a real request might carry and the local cloud cannot know: both ways fail closed (request-context.ts).
describe('keys the local cloud cannot know', () => {
  run([
    ['StringEquals on aws:PrincipalOrgID', { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } }, 'unknown'],
    ['StringNotEquals on aws:PrincipalOrgID', { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc' } }, 'unknown'],
    ['Null on aws:ResourceOrgID', { Null: { 'aws:ResourceOrgID': 'true' } }, 'unknown'],
    ['StringEquals on aws:ResourceTag (no service gives tags)', { StringEquals: { 'aws:ResourceTag/env': 'dev' } }, 'unknown'],
    ['an aws: key the local cloud does not fill', { StringEquals: { 'aws:SomeFutureKey': 'x' } }, 'unknown'],
    ['IfExists does not help: whether it exists is what is unknown', { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc' } }, 'unknown'],
    [
      'one unknown key AND one failing key: the failing one decides',
      { StringEquals: { 'aws:PrincipalOrgID': 'o-abc', 'aws:RequestedRegion': 'eu-west-1' } },
      'fails',
    ],
  ]);
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
describe('policy variables in conditions', () => {
  run([
    ['a variable in a StringLike value', { StringLike: { 'aws:userid': '${aws:PrincipalAccount}*' } }, 'fails'],
    ['a variable in a StringEquals value', { StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:PrincipalAccount}:role/app/CallerRole' } }, 'holds'],
    ['a variable in an ArnLike value', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:PrincipalAccount}:role/*' } }, 'holds'],
    // "Inverted condition operators like StringNotEquals or StringNotLike do match against a null value"
    ['a variable with no value, StringEquals', { StringEquals: { 'aws:RequestedRegion': '${aws:PrincipalTag/region}' } }, 'fails'],
    ['a variable with no value, StringNotEquals', { StringNotEquals: { 'aws:RequestedRegion': '${aws:PrincipalTag/region}' } }, 'holds'],
    ['a default value', { StringEquals: { 'aws:RequestedRegion': "${aws:PrincipalTag/region, 'us-east-1'}" } }, 'holds'],
    ['${*} is a literal *', { StringLike: { 'aws:RequestedRegion': 'us-${*}' } }, 'fails'],
    ['a variable with an unknown key', { StringEquals: { 'aws:RequestedRegion': '${aws:PrincipalOrgID}' } }, 'unknown'],
  ]);

  test('variables are literal text under the 2008-10-17 policy language', () => {
    const condition = { StringEquals: { 'aws:PrincipalAccount': '${aws:PrincipalAccount}' } };
    expect(decisionFor(statement('Allow', { Condition: condition }), undefined, {}, '2012-10-17')).toBe('Allow');
    expect(decisionFor(statement('Allow', { Condition: condition }), undefined, {}, '2008-10-17')).toBe('ImplicitDeny');
  });

  test('a tag as a variable', () => {
    const condition = { StringEquals: { 'aws:RequestedRegion': '${aws:PrincipalTag/Region}' } };
    expect(decisionFor(statement('Allow', { Condition: condition }), undefined, { tags: { region: 'us-east-1' } })).toBe('Allow');
  });
});
