import { type IntrinsicContext, resolveIntrinsics, TemplateError, type TemplateValue } from '../../../local/cloudformation/intrinsics';

const context: IntrinsicContext = {
  where: 'Stack/Resource.Properties',
  ref: (name) =>
    ({
      'AWS::Region': 'eu-west-1',
      'AWS::AccountId': '000000000000',
      'AWS::StackId': 'arn:aws:cloudformation:eu-west-1:000000000000:stack/S/1234-abcd',
      Table: 'my-table',
    })[name] ?? `ref:${name}`,
  getAtt: (logicalId, attribute) => `${logicalId}.${attribute}`,
  importValue: (name) => {
    if (name === 'Other:Url') return 'http://127.0.0.1:20002/graphql';
    throw new TemplateError(`no stack exports ${name}`);
  },
  condition: (name) => name === 'IsTrue',
};
const resolve = (value: TemplateValue) => resolveIntrinsics(value, context);

describe('the intrinsic function resolver', () => {
  test.each<[string, TemplateValue, TemplateValue]>([
    ['Ref of a pseudo parameter', { Ref: 'AWS::Region' }, 'eu-west-1'],
    ['Ref of a resource', { Ref: 'Table' }, 'my-table'],
    ['Fn::GetAtt as a list', { 'Fn::GetAtt': ['Api', 'GraphQLUrl'] }, 'Api.GraphQLUrl'],
    ['Fn::GetAtt as a dotted string', { 'Fn::GetAtt': 'Api.ApiId' }, 'Api.ApiId'],
    ['Fn::Join', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Region' }, ':x']] }, 'arn:eu-west-1:x'],
    ['Fn::Select of Fn::Split (the stack id UUID)', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }, '1234-abcd'],
    [
      'Fn::Sub with parameters, attributes and an escaped literal',
      { 'Fn::Sub': 'a-${AWS::AccountId}-${Api.ApiId}-${!Literal}' },
      'a-000000000000-Api.ApiId-${Literal}',
    ],
    ['Fn::Sub with its own variables', { 'Fn::Sub': ['${Name}-${AWS::Region}', { Name: { Ref: 'Table' } }] }, 'my-table-eu-west-1'],
    ['Fn::ImportValue', { 'Fn::ImportValue': 'Other:Url' }, 'http://127.0.0.1:20002/graphql'],
    ['Fn::If on a condition', { 'Fn::If': ['IsTrue', 'yes', 'no'] }, 'yes'],
    [
      'Fn::Equals / Fn::Not / Fn::Or / Fn::And',
      { 'Fn::And': [{ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] }, { 'Fn::Not': [{ 'Fn::Or': [false, false] }] }] },
      true,
    ],
    ['AWS::NoValue removes a property', { Keep: 1, Drop: { Ref: 'AWS::NoValue' } }, { Keep: 1 }],
    ['AWS::NoValue removes a list element', ['a', { 'Fn::If': ['IsFalse', 'b', { Ref: 'AWS::NoValue' }] }], ['a']],
    ['nested structures', { A: [{ B: { Ref: 'Table' } }] }, { A: [{ B: 'my-table' }] }],
    ['plain values unchanged', { n: 1, s: 'x', b: false, z: null }, { n: 1, s: 'x', b: false, z: null }],
  ])('%s', (_name, input, expected) => {
    expect(resolve(input)).toEqual(expected);
  });

  test('an unsupported intrinsic is an error naming where it is', () => {
    expect(() => resolve({ 'Fn::Transform': { Name: 'AWS::Include' } })).toThrow(
      new TemplateError('Stack/Resource.Properties: the intrinsic function Fn::Transform is not supported by the local cloud'),
    );
  });

  test('Fn::Select out of range is an error, not undefined', () => {
    expect(() => resolve({ 'Fn::Select': [3, ['a', 'b']] })).toThrow(/Fn::Select index 3 is out of range for a list of 2/);
  });

  test('a missing export is an error', () => {
    expect(() => resolve({ 'Fn::ImportValue': 'Nope' })).toThrow(/no stack exports Nope/);
  });

  test('Fn::Join refuses to turn an object into a string', () => {
    expect(() => resolve({ 'Fn::Join': ['', [{ a: 1 }]] })).toThrow(/Fn::Join cannot turn \{"a":1\} into a string/);
  });
});
