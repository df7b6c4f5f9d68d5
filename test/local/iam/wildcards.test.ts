import { actionPattern, arnLikePattern, resourcePattern, stringLikePattern } from '../../../local/iam/wildcards';

type Row = [pattern: string, value: string, matches: boolean];

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
// "The asterisk (*) character can expand to replace everything within a segment, including characters like a forward
// slash (/)" — the page's own list of objects "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*" applies to, and does not.
const bucketExample = 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*';
const resourceRows: Row[] = [
  ...[
    'DOC-EXAMPLE-BUCKET/1/test/object.jpg',
    'DOC-EXAMPLE-BUCKET/1/2/test/object.jpg',
    'DOC-EXAMPLE-BUCKET/1/2/test/3/object.jpg',
    'DOC-EXAMPLE-BUCKET/1/2/3/test/4/object.jpg',
    'DOC-EXAMPLE-BUCKET/1///test///object.jpg',
    'DOC-EXAMPLE-BUCKET/1/test/.jpg',
    'DOC-EXAMPLE-BUCKET//test/object.jpg',
    'DOC-EXAMPLE-BUCKET/1/test/',
  ].map((key): Row => [bucketExample, `arn:aws:s3:::${key}`, true]),
  ...['DOC-EXAMPLE-BUCKET/1-test/object.jpg', 'DOC-EXAMPLE-BUCKET/test/object.jpg', 'DOC-EXAMPLE-BUCKET/1/2/test.jpg'].map(
    (key): Row => [bucketExample, `arn:aws:s3:::${key}`, false],
  ),
  // "all IAM users whose path is /accounting"
  ['arn:aws:iam::123456789012:user/accounting/*', 'arn:aws:iam::123456789012:user/accounting/bob', true],
  ['arn:aws:iam::123456789012:user/accounting/*', 'arn:aws:iam::123456789012:user/sales/bob', false],
  // "If the * wildcard is the last character of a resource ARN segment, it can expand to match beyond the colon boundaries."
  ['arn:aws:lambda:us-east-1:123456789012:function:todo*', 'arn:aws:lambda:us-east-1:123456789012:function:todo:live', true],
  ['arn:aws:lambda:*:123456789012:function:todo', 'arn:aws:lambda:eu-west-1:123456789012:function:todo', true],
  ['*', 'arn:aws:lambda:eu-west-1:123456789012:function:todo:1', true],
  // A wildcard inside a segment stays inside it.
  ['arn:aws:lambda:us-*-1:123456789012:function:todo', 'arn:aws:lambda:us-east-1:123456789012:function:todo', true],
  ['arn:aws:lambda:us-*-1:123456789012:function:todo', 'arn:aws:lambda:us-east-1:999:x-1:123456789012:function:todo', false],
  ['arn:aws:lambda:us-east-?:123456789012:function:todo', 'arn:aws:lambda:us-east-1:123456789012:function:todo', true],
  ['arn:aws:lambda:us-east-?:123456789012:function:todo', 'arn:aws:lambda:us-east-12:123456789012:function:todo', false],
  // Resources are compared as written (case-sensitive): "In the Resource element, the IAM user name is case sensitive."
  ['arn:aws:iam::123456789012:user/Bob', 'arn:aws:iam::123456789012:user/bob', false],
  // Regular-expression characters are plain text.
  ['arn:aws:s3:::a.c', 'arn:aws:s3:::abc', false],
  ['arn:aws:s3:::a+c(1)', 'arn:aws:s3:::a+c(1)', true],
];

describe('Resource wildcards (IAM JSON policy elements: Resource)', () => {
  test.each(resourceRows)('%s ~ %s → %s', (pattern, value, matches) => {
    const matcher = resourcePattern(pattern);
    expect(matcher.matchesForAllow(value)).toBe(matches);
    expect(matcher.matchesForDeny(value)).toBe(matches);
  });

  // Where the Resource page's reading (a `*` not last in its segment stays in it) and the ARN operators' reading (the
  // sixth component may hold colons) differ, an Allow matches only what both match and a Deny what either matches.
  test.each([
    ['arn:aws:lambda:us-east-1:123456789012:function:*-fn', 'arn:aws:lambda:us-east-1:123456789012:function:a:b-fn'],
    ['arn:aws:lambda:*:123456789012:function:todo', 'arn:aws:lambda:us-east-1:999999999999:123456789012:function:todo'],
  ])('readings differ: %s ~ %s matches for a Deny only', (pattern, value) => {
    expect(resourcePattern(pattern).matchesForAllow(value)).toBe(false);
    expect(resourcePattern(pattern).matchesForDeny(value)).toBe(true);
  });

  test('text from a policy variable is literal: its * is not a wildcard', () => {
    const pattern = 'arn:aws:s3:::bucket/a*b';
    const fromVariable = (index: number) => index >= pattern.indexOf('a*b');
    expect(resourcePattern(pattern, fromVariable).matchesForAllow('arn:aws:s3:::bucket/a*b')).toBe(true);
    expect(resourcePattern(pattern, fromVariable).matchesForAllow('arn:aws:s3:::bucket/axxb')).toBe(false);
    expect(resourcePattern(pattern).matchesForAllow('arn:aws:s3:::bucket/axxb')).toBe(true);
  });

  test('adversarial patterns stay fast (no exponential backtracking)', () => {
    const pattern = `arn:aws:s3:::${'*a'.repeat(30)}b`;
    const started = process.hrtime.bigint();
    expect(resourcePattern(pattern).matchesForDeny(`arn:aws:s3:::${'a'.repeat(200)}`)).toBe(false);
    // Generous: a backtracking matcher takes minutes here.
    expect(Number(process.hrtime.bigint() - started) / 1e9).toBeLessThan(5);
  });
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
// "With a StringLike condition, the match succeeds… With an ArnLike condition, which matches elements between colons, the match fails."
describe('ARN operators compare component by component (IAM JSON policy elements: Condition operators)', () => {
  const pattern = 'arn:aws:someservice:*:111122223333:finance/*';
  const value = 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt';
  test('the page’s example', () => {
    expect(stringLikePattern(pattern).matches(value)).toBe(true);
    expect(arnLikePattern(pattern).matches(value)).toBe(false);
  });
  test.each<Row>([
    ['arn:aws:sns:*:111122223333:topic', 'arn:aws:sns:us-east-1:111122223333:topic', true],
    ['arn:aws:lambda:*:*:function:*', 'arn:aws:lambda:us-east-1:111122223333:function:fn:alias', true],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/path/name', true],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:user/name', false],
    ['*', 'arn:aws:iam::111122223333:user/name', true],
  ])('%s ~ %s → %s', (p, v, matches) => expect(arnLikePattern(p).matches(v)).toBe(matches));
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
// "The prefix and the action name are case insensitive. For example, iam:ListAccessKeys is the same as IAM:listaccesskeys."
describe('Action wildcards (IAM JSON policy elements: Action)', () => {
  test.each<Row>([
    ['iam:ListAccessKeys', 'iam:listaccesskeys', true],
    ['IAM:listaccesskeys', 'iam:listaccesskeys', true],
    ['s3:*', 's3:getobject', true],
    ['iam:*AccessKey*', 'iam:createaccesskey', true],
    ['iam:*AccessKey*', 'iam:listaccesskeys', true],
    ['iam:*AccessKey*', 'iam:listusers', false],
    ['*', 'appsync:graphql', true],
    ['appsync:Graph??', 'appsync:graphql', true],
    ['appsync:Graph?', 'appsync:graphql', false],
    ['lambda:InvokeFunction', 'appsync:graphql', false],
  ])('%s ~ %s → %s', (pattern, action, matches) => {
    // The evaluator lower-cases the action once per request; the matcher lower-cased the pattern once.
    expect(actionPattern(pattern).matches(action)).toBe(matches);
  });
});
