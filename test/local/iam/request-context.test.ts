/**
 * The global keys a request carries, for a role session and for the root user, as "AWS global condition context keys"
 * documents each key's availability (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
 * and the principal table of the policy-variables page
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable).
 */
import { type KeyLookup, RequestContext, type SessionIdentity, unknowableKey } from '../../../local/iam/request-context';
import { ACCOUNT, FUNCTION_ARN, facts, ISSUED_AT, NOW, REGION, ROLE_ARN, ROLE_ID, ROOT_ARN, SESSION_ARN } from './support';

const session: SessionIdentity = {
  kind: 'role-session',
  accountId: ACCOUNT,
  principalArn: SESSION_ARN,
  roleArn: ROLE_ARN,
  roleId: ROLE_ID,
  sessionName: 'caller',
  tags: new Map([['team', 'blue']]),
  issuedAt: ISSUED_AT,
  sourceFunctionArn: FUNCTION_ARN,
};
const root: SessionIdentity = { kind: 'root', accountId: ACCOUNT, principalArn: ROOT_ARN, tags: new Map() };
const resource = `arn:aws:appsync:${REGION}:${ACCOUNT}:apis/x/types/Query/fields/f`;
const contextOf = (identity: SessionIdentity, overrides = {}) => new RequestContext(identity, { action: 'appsync:GraphQL', resource, facts: facts(overrides) });
const value = (...values: string[]): KeyLookup => ({ state: 'present', values });
const absent: KeyLookup = { state: 'absent' };

describe('a role session (a function’s execution role)', () => {
  const context = contextOf(session);
  test.each<[string, KeyLookup]>([
    ['aws:PrincipalArn', value(ROLE_ARN)],
    ['aws:PrincipalAccount', value(ACCOUNT)],
    ['aws:PrincipalType', value('AssumedRole')],
    ['aws:userid', value(`${ROLE_ID}:caller`)],
    ['aws:username', absent],
    ['aws:SourceIp', value('203.0.113.7')],
    ['aws:SecureTransport', value('true')],
    ['aws:CurrentTime', value(NOW.toISOString())],
    ['aws:EpochTime', value(String(NOW.getTime() / 1000))],
    ['aws:RequestedRegion', value(REGION)],
    ['aws:TokenIssueTime', value(ISSUED_AT.toISOString())],
    ['aws:MultiFactorAuthPresent', value('false')],
    ['aws:MultiFactorAuthAge', absent],
    ['aws:PrincipalTag/team', value('blue')],
    ['aws:PrincipalTag/TEAM', value('blue')],
    ['aws:PrincipalTag/other', absent],
    ['aws:ViaAWSService', value('false')],
    ['aws:PrincipalIsAWSService', value('false')],
    ['aws:CalledVia', absent],
    ['aws:PrincipalServiceName', absent],
    ['aws:SourceArn', absent],
    ['aws:SourceVpc', absent],
    ['aws:UserAgent', value('aws-sdk-js/3.0.0')],
    ['aws:referer', absent],
    ['aws:ResourceAccount', value(ACCOUNT)],
    ['lambda:SourceFunctionArn', value(FUNCTION_ARN)],
    ['s3:prefix', absent],
    ['appsync:anything', { state: 'unknown', why: 'the service does not tell the local authorizer the keys of this request' }],
  ])('%s', (key, expected) => {
    expect(context.lookup(key.toLowerCase())).toEqual(expected);
  });
});

describe('the root user (the local admin)', () => {
  const context = contextOf(root);
  test.each<[string, KeyLookup]>([
    ['aws:PrincipalArn', value(ROOT_ARN)],
    ['aws:PrincipalType', value('Account')],
    ['aws:userid', value(ACCOUNT)],
    ['aws:TokenIssueTime', absent],
    ['aws:MultiFactorAuthPresent', absent],
    ['lambda:SourceFunctionArn', absent],
  ])('%s', (key, expected) => {
    expect(context.lookup(key.toLowerCase())).toEqual(expected);
  });
});

describe('what the local cloud cannot know', () => {
  test.each([
    ['aws:SourceIp when a service calls', { sourceIp: undefined }, 'aws:sourceip'],
    ['aws:UserAgent when the service does not pass headers', { headers: undefined }, 'aws:useragent'],
  ])('%s', (_description, overrides, key) => {
    expect(contextOf(session, overrides).lookup(key).state).toBe('unknown');
  });

  test.each(['aws:PrincipalOrgID', 'aws:PrincipalOrgPaths', 'aws:ResourceOrgID', 'aws:ResourceTag/env', 'aws:NotAKey'])(
    '%s is unknowable, and reported',
    (key) => {
      expect(contextOf(session).lookup(key.toLowerCase()).state).toBe('unknown');
      expect(unknowableKey(key.toLowerCase())).toEqual(expect.any(String));
    },
  );

  test.each(['aws:SourceIp', 'aws:PrincipalTag/x', 'aws:RequestTag/x', 'aws:CalledVia', 'dynamodb:LeadingKeys'])('%s is not reported as unknowable', (key) => {
    expect(unknowableKey(key.toLowerCase())).toBeUndefined();
  });
});
