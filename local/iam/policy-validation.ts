/**
 * Validation of IAM policy documents, as IAM validates them before it stores one: a document that breaks the policy
 * grammar (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html) is refused with a
 * MalformedPolicyError naming the resource and the element, as CreatePolicy/PutRolePolicy would answer
 * `MalformedPolicyDocument` and fail the stack. What passes comes out normalized (lists for every single-or-list
 * element, conditions split into operator, set qualifier, IfExists, key and values), ready to compile.
 *
 * Where IAM's wording of the refusal is known it is quoted in the message.
 */
import { isIP } from 'node:net';
import { MalformedPolicyError } from './errors';

/** Identity-based policies (inline, managed, boundaries) or resource-based ones (Lambda permissions, table policies). */
export type PolicyKind = 'identity' | 'resource';

/** Where a document sits, for messages: the resource (`<stack>/<logicalId>`) and the path of the document inside it. */
export interface PolicyLocation {
  readonly resource: string;
  /** e.g. `Properties.Policies[0].PolicyDocument`. */
  readonly element: string;
}

export type PolicyLanguageVersion = '2008-10-17' | '2012-10-17';

export interface NormalizedPolicy {
  readonly version: PolicyLanguageVersion;
  readonly statements: readonly NormalizedStatement[];
}

export interface NormalizedStatement {
  readonly index: number;
  /** Path of the statement, for messages: `Properties.PolicyDocument.Statement[1]`. */
  readonly element: string;
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly action: { readonly not: boolean; readonly values: readonly string[] };
  readonly resource: { readonly not: boolean; readonly values: readonly string[] };
  /** Resource-based policies only. */
  readonly principal?: { readonly not: boolean; readonly value: NormalizedPrincipal };
  readonly conditions: readonly NormalizedCondition[];
}

export type PrincipalType = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';
export type NormalizedPrincipal = '*' | Readonly<Partial<Record<PrincipalType, readonly string[]>>>;

/** The condition operators of https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html */
export enum ConditionOperator {
  StringEquals = 'StringEquals',
  StringNotEquals = 'StringNotEquals',
  StringEqualsIgnoreCase = 'StringEqualsIgnoreCase',
  StringNotEqualsIgnoreCase = 'StringNotEqualsIgnoreCase',
  StringLike = 'StringLike',
  StringNotLike = 'StringNotLike',
  NumericEquals = 'NumericEquals',
  NumericNotEquals = 'NumericNotEquals',
  NumericLessThan = 'NumericLessThan',
  NumericLessThanEquals = 'NumericLessThanEquals',
  NumericGreaterThan = 'NumericGreaterThan',
  NumericGreaterThanEquals = 'NumericGreaterThanEquals',
  DateEquals = 'DateEquals',
  DateNotEquals = 'DateNotEquals',
  DateLessThan = 'DateLessThan',
  DateLessThanEquals = 'DateLessThanEquals',
  DateGreaterThan = 'DateGreaterThan',
  DateGreaterThanEquals = 'DateGreaterThanEquals',
  Bool = 'Bool',
  BinaryEquals = 'BinaryEquals',
  IpAddress = 'IpAddress',
  NotIpAddress = 'NotIpAddress',
  ArnEquals = 'ArnEquals',
  ArnLike = 'ArnLike',
  ArnNotEquals = 'ArnNotEquals',
  ArnNotLike = 'ArnNotLike',
  Null = 'Null',
}

export enum SetOperator {
  ForAllValues = 'ForAllValues',
  ForAnyValue = 'ForAnyValue',
}

/** What kind of values an operator compares, which decides how its policy values must be written. */
export type OperatorFamily = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';

export const OPERATOR_FAMILY: Readonly<Record<ConditionOperator, OperatorFamily>> = {
  StringEquals: 'string',
  StringNotEquals: 'string',
  StringEqualsIgnoreCase: 'string',
  StringNotEqualsIgnoreCase: 'string',
  StringLike: 'string',
  StringNotLike: 'string',
  NumericEquals: 'numeric',
  NumericNotEquals: 'numeric',
  NumericLessThan: 'numeric',
  NumericLessThanEquals: 'numeric',
  NumericGreaterThan: 'numeric',
  NumericGreaterThanEquals: 'numeric',
  DateEquals: 'date',
  DateNotEquals: 'date',
  DateLessThan: 'date',
  DateLessThanEquals: 'date',
  DateGreaterThan: 'date',
  DateGreaterThanEquals: 'date',
  Bool: 'bool',
  BinaryEquals: 'binary',
  IpAddress: 'ip',
  NotIpAddress: 'ip',
  ArnEquals: 'arn',
  ArnLike: 'arn',
  ArnNotEquals: 'arn',
  ArnNotLike: 'arn',
  Null: 'null',
};

/** The negated operators: true when the key is absent, and NOR over their values. */
export const NEGATED_OPERATORS: ReadonlySet<ConditionOperator> = new Set([
  ConditionOperator.StringNotEquals,
  ConditionOperator.StringNotEqualsIgnoreCase,
  ConditionOperator.StringNotLike,
  ConditionOperator.NumericNotEquals,
  ConditionOperator.DateNotEquals,
  ConditionOperator.NotIpAddress,
  ConditionOperator.ArnNotEquals,
  ConditionOperator.ArnNotLike,
]);

export interface NormalizedCondition {
  /** As written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly written: string;
  readonly operator: ConditionOperator;
  readonly setOperator?: SetOperator;
  readonly ifExists: boolean;
  /** As written (IAM compares key names case-insensitively). */
  readonly key: string;
  readonly values: readonly string[];
  /** Path, e.g. `…Statement[0].Condition.StringEquals.aws:PrincipalTag/team`. */
  readonly element: string;
}

const POLICY_ELEMENTS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
const PRINCIPAL_TYPES = new Set<string>(['AWS', 'Service', 'Federated', 'CanonicalUser']);
/** A service namespace, a colon, a name: "Consists of a service namespace, a colon, and the name of an action". */
const ACTION = /^[A-Za-z0-9*?-]+:[^\s:]+$/;
const CONDITION_KEY = /^[^\s:]+:\S+$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
/** W3C's ISO 8601 profile (YYYY, YYYY-MM, YYYY-MM-DD, with hh:mm[:ss[.s]] and a zone), or epoch seconds. */
const W3C_DATE = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Validates a document; the normalized form, or a MalformedPolicyError naming what IAM would refuse. */
export function validatePolicy(document: unknown, kind: PolicyKind, where: PolicyLocation): NormalizedPolicy {
  const fail = (element: string, problem: string): never => {
    throw new MalformedPolicyError(where.resource, element, problem);
  };
  if (!isObject(document)) fail(where.element, `a policy document is a JSON object; this is ${describe(document)}. "Syntax errors in policy."`);
  const policy = document as Record<string, unknown>;
  for (const name of Object.keys(policy)) {
    if (!POLICY_ELEMENTS.has(name))
      fail(`${where.element}.${name}`, `unknown policy element ${name} (a policy holds Version, Id and Statement). "Syntax errors in policy."`);
  }
  // "The id_block is optional in resource-based policies. It must not be included in identity-based policies."
  if (policy.Id !== undefined && kind === 'identity')
    fail(`${where.element}.Id`, 'Id is not allowed in an identity-based policy (only in resource-based ones)');
  const version = (policy.Version === undefined ? '2008-10-17' : policy.Version) as string;
  if (version !== '2008-10-17' && version !== '2012-10-17') {
    fail(
      `${where.element}.Version`,
      `Version must be "2012-10-17" (or the older "2008-10-17"), not ${JSON.stringify(policy.Version)}. "The policy failed legacy parsing"`,
    );
  }
  if (policy.Statement === undefined) fail(`${where.element}.Statement`, 'a policy needs a Statement (one statement or a list of them)');
  const raw = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  const statements = raw.map((statement, index) =>
    validateStatement(
      statement,
      index,
      Array.isArray(policy.Statement) ? `${where.element}.Statement[${index}]` : `${where.element}.Statement`,
      kind,
      version,
      fail,
    ),
  );
  const sids = new Map<string, number>();
  for (const statement of statements) {
    if (statement.sid === undefined || statement.sid === '') continue;
    if (sids.has(statement.sid))
      fail(`${statement.element}.Sid`, `Sid ${JSON.stringify(statement.sid)} is used twice. "Statement IDs (SID) in a single policy must be unique."`);
    sids.set(statement.sid, statement.index);
  }
  return { version: version as PolicyLanguageVersion, statements };
}

type Fail = (element: string, problem: string) => never;

function validateStatement(raw: unknown, index: number, element: string, kind: PolicyKind, version: string, fail: Fail): NormalizedStatement {
  if (!isObject(raw)) fail(element, `a statement is a JSON object; this is ${describe(raw)}. "Syntax errors in policy."`);
  const statement = raw as Record<string, unknown>;
  for (const name of Object.keys(statement)) {
    if (!STATEMENT_ELEMENTS.has(name)) {
      fail(
        `${element}.${name}`,
        `unknown statement element ${name} (a statement holds Sid, Effect, Principal/NotPrincipal, Action/NotAction, Resource/NotResource, Condition). "Syntax errors in policy."`,
      );
    }
  }
  const sid = validateSid(statement.Sid, `${element}.Sid`, kind, fail);
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    fail(
      `${element}.Effect`,
      `Effect must be "Allow" or "Deny" (exactly so), not ${statement.Effect === undefined ? 'missing' : JSON.stringify(statement.Effect)}`,
    );
  }
  const effect = statement.Effect as 'Allow' | 'Deny';
  const action = eitherOf(statement, 'Action', 'NotAction', element, 'Policy statement must contain actions.', fail);
  for (const [i, value] of action.values.entries()) {
    if (value !== '*' && !ACTION.test(value)) {
      fail(
        `${element}.${action.not ? 'NotAction' : 'Action'}${action.values.length > 1 ? `[${i}]` : ''}`,
        `${JSON.stringify(value)} has no service prefix. "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."`,
      );
    }
  }
  const resource = eitherOf(statement, 'Resource', 'NotResource', element, 'Policy statement must contain resources.', fail);
  for (const [i, value] of resource.values.entries())
    validateResource(value, `${element}.${resource.not ? 'NotResource' : 'Resource'}${resource.values.length > 1 ? `[${i}]` : ''}`, version, fail);
  const principal = validatePrincipalElement(statement, element, kind, effect, fail);
  const conditions = statement.Condition === undefined ? [] : validateCondition(statement.Condition, `${element}.Condition`, version, fail);
  return { index, element, ...(sid !== undefined ? { sid } : {}), effect, action, resource, ...(principal ? { principal } : {}), conditions };
}

function validateSid(value: unknown, element: string, kind: PolicyKind, fail: Fail): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(element, `Sid is a string, not ${describe(value)}`);
  // "For IAM policies, basic alphanumeric characters (A-Z,a-z,0-9) are the only allowed characters in the Sid value."
  if (kind === 'identity' && !/^[0-9A-Za-z]*$/.test(value as string)) {
    fail(element, `Sid ${JSON.stringify(value)} may hold only A-Z, a-z and 0-9. "Statement IDs (SID) must be alpha-numeric."`);
  }
  return value as string;
}

function eitherOf(
  statement: Record<string, unknown>,
  name: 'Action' | 'Resource',
  notName: 'NotAction' | 'NotResource',
  element: string,
  missing: string,
  fail: Fail,
): { not: boolean; values: string[] } {
  const has = statement[name] !== undefined;
  const hasNot = statement[notName] !== undefined;
  if (has && hasNot) fail(`${element}.${notName}`, `a statement holds ${name} or ${notName}, not both`);
  if (!has && !hasNot) fail(element, `the statement has neither ${name} nor ${notName}. "${missing}"`);
  const key = has ? name : notName;
  return { not: !has, values: stringList(statement[key], `${element}.${key}`, fail) };
}

/** A string or a non-empty list of strings (an object here is usually an intrinsic function CloudFormation would have resolved). */
function stringList(value: unknown, element: string, fail: Fail): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) fail(element, 'an empty list names nothing. "Syntax errors in policy."');
  return list.map((item, i) => {
    if (typeof item !== 'string')
      fail(Array.isArray(value) ? `${element}[${i}]` : element, `expected a string, found ${describe(item)}. "Syntax errors in policy."`);
    if (item === '') fail(Array.isArray(value) ? `${element}[${i}]` : element, 'an empty string names nothing. "Syntax errors in policy."');
    return item as string;
  });
}

/**
 * "*" or an ARN (six colon-delimited components), with no wildcard in the service component ("You can't use a
 * wildcard in the service segment") and policy variables only in the resource part ("only in the resource portion of
 * the ARN. This portion of the ARN appears after the fifth colon"),
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 */
function validateResource(value: string, element: string, version: string, fail: Fail): void {
  if (value === '*') return;
  const components = value.split(':');
  if (components[0] !== 'arn' || components.length < 6)
    fail(
      element,
      `${JSON.stringify(value)} is neither an ARN (arn:partition:service:region:account:resource) nor "*". "Resource ${value} must be in ARN format or "*"."`,
    );
  if (/[*?]/.test(components[2])) fail(element, `${JSON.stringify(value)} has a wildcard in its service component, which IAM does not allow`);
  if (version === '2012-10-17' && components.slice(0, 5).some((component) => component.includes('${'))) {
    fail(element, `${JSON.stringify(value)} has a policy variable before the ARN's fifth colon; variables may stand only in the resource part`);
  }
}

function validatePrincipalElement(
  statement: Record<string, unknown>,
  element: string,
  kind: PolicyKind,
  effect: 'Allow' | 'Deny',
  fail: Fail,
): NormalizedStatement['principal'] {
  const has = statement.Principal !== undefined;
  const hasNot = statement.NotPrincipal !== undefined;
  if (kind === 'identity') {
    // "The principal_block element ... must not be included in identity-based policies."
    if (has)
      fail(
        `${element}.Principal`,
        'an identity-based policy names no Principal (it applies to whoever it is attached to). "Policy document should not specify a principal."',
      );
    // "You cannot use the NotPrincipal element in an IAM identity-based policy"
    if (hasNot) fail(`${element}.NotPrincipal`, 'NotPrincipal cannot be used in an identity-based policy');
    return undefined;
  }
  if (has && hasNot) fail(`${element}.NotPrincipal`, 'a statement holds Principal or NotPrincipal, not both');
  if (!has && !hasNot) fail(element, 'a resource-based policy statement must name a Principal (or NotPrincipal)');
  // "Most resource-based policy types do not allow the use of NotPrincipal with "Effect": "Allow"" (reference_policies_elements_notprincipal.html)
  if (hasNot && effect === 'Allow')
    fail(`${element}.NotPrincipal`, 'NotPrincipal with "Effect": "Allow" is refused (it would grant everyone else, anonymous callers included); use Principal');
  const name = has ? 'Principal' : 'NotPrincipal';
  return { not: hasNot, value: validatePrincipal(statement[name], `${element}.${name}`, fail) };
}

function validatePrincipal(value: unknown, element: string, fail: Fail): NormalizedPrincipal {
  if (value === '*') return '*';
  if (!isObject(value)) fail(element, `expected "*" or an object such as {"AWS": "<ARN>"}, found ${describe(value)}`);
  const result: Partial<Record<PrincipalType, string[]>> = {};
  for (const [type, ids] of Object.entries(value as Record<string, unknown>)) {
    if (!PRINCIPAL_TYPES.has(type)) fail(`${element}.${type}`, `unknown principal type ${type} (AWS, Service, Federated or CanonicalUser)`);
    const list = stringList(ids, `${element}.${type}`, fail);
    for (const id of list) {
      // "you can use * only to specify "everyone/anonymous." You cannot use it to specify part of a name or ARN."
      if (id !== '*' && /[*?]/.test(id))
        fail(`${element}.${type}`, `${JSON.stringify(id)}: a wildcard may only stand alone ("*"). "Invalid principal in policy"`);
      if (type === 'AWS' && id !== '*' && !/^\d{12}$/.test(id) && !/^arn:[^:]+:(iam|sts)::\d{12}:\S+$/.test(id)) {
        fail(`${element}.${type}`, `${JSON.stringify(id)} is neither an account id nor an IAM or STS ARN. "Invalid principal in policy"`);
      }
    }
    result[type as PrincipalType] = list;
  }
  return result;
}

function validateCondition(value: unknown, element: string, version: string, fail: Fail): NormalizedCondition[] {
  if (!isObject(value)) fail(element, `Condition is an object of operators, found ${describe(value)}. "Syntax errors in policy."`);
  const conditions: NormalizedCondition[] = [];
  for (const [written, block] of Object.entries(value as Record<string, unknown>)) {
    const operatorElement = `${element}.${written}`;
    const { operator, setOperator, ifExists } = parseOperator(written, operatorElement, fail);
    if (!isObject(block)) fail(operatorElement, `an operator takes an object of keys and values, found ${describe(block)}. "Syntax errors in policy."`);
    for (const [key, rawValues] of Object.entries(block as Record<string, unknown>)) {
      const keyElement = `${operatorElement}.${key}`;
      if (!CONDITION_KEY.test(key))
        fail(
          keyElement,
          `condition key ${JSON.stringify(key)} has no prefix (aws: or a service's). "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."`,
        );
      const list = Array.isArray(rawValues) ? rawValues : [rawValues];
      if (list.length === 0) fail(keyElement, 'an empty list of values matches nothing. "Syntax errors in policy."');
      const values = list.map((item) => {
        // "Quotation marks are optional for numeric and Boolean values."
        if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean')
          fail(keyElement, `a condition value is a string, number or boolean, not ${describe(item)}`);
        return String(item);
      });
      for (const condValue of values) validateConditionValue(operator, condValue, keyElement, version, fail);
      conditions.push({ written, operator, ...(setOperator ? { setOperator } : {}), ifExists, key, values, element: keyElement });
    }
  }
  return conditions;
}

/** `[ForAllValues:|ForAnyValue:]<operator>[IfExists]`, names as IAM spells them (IAM answers "Invalid Condition type : stringEquals"). */
function parseOperator(written: string, element: string, fail: Fail): { operator: ConditionOperator; setOperator?: SetOperator; ifExists: boolean } {
  let rest = written;
  let setOperator: SetOperator | undefined;
  const qualified = /^(ForAllValues|ForAnyValue):(.*)$/.exec(rest);
  if (qualified) {
    setOperator = qualified[1] as SetOperator;
    rest = qualified[2];
  }
  let ifExists = false;
  if (rest.endsWith('IfExists') && rest !== 'IfExists') {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const operator = Object.values(ConditionOperator).find((candidate) => candidate === rest);
  if (!operator) fail(element, `unknown condition operator ${written}. "Invalid Condition type : ${written}"`);
  // "You can add IfExists to the end of any condition operator name except the Null condition"
  if (operator === ConditionOperator.Null && (ifExists || setOperator))
    fail(element, `${written}: Null takes neither IfExists nor a set operator. "Invalid Condition type : ${written}"`);
  return { operator: operator as ConditionOperator, ...(setOperator ? { setOperator } : {}), ifExists };
}

/** Values each family can compare; policy variables only where the operators page allows them (string, ARN, Bool). */
function validateConditionValue(operator: ConditionOperator, value: string, element: string, version: string, fail: Fail): void {
  const variable = version === '2012-10-17' && value.includes('${');
  switch (OPERATOR_FAMILY[operator]) {
    case 'numeric':
      if (!NUMBER.test(value))
        fail(element, `${operator} compares numbers; ${JSON.stringify(value)} is not one (policy variables cannot be used with numeric operators)`);
      return;
    case 'date':
      if (!/^\d+$/.test(value) && !(W3C_DATE.test(value) && !Number.isNaN(Date.parse(value)))) {
        fail(element, `${operator} compares dates; ${JSON.stringify(value)} is neither an ISO 8601 date (e.g. 2024-05-01T12:00:00Z) nor epoch seconds`);
      }
      return;
    case 'bool':
      if (!variable && !/^(true|false)$/i.test(value)) fail(element, `Bool compares with "true" or "false", not ${JSON.stringify(value)}`);
      return;
    case 'null':
      if (!/^(true|false)$/i.test(value)) fail(element, `Null takes "true" (the key is absent) or "false" (it is present), not ${JSON.stringify(value)}`);
      return;
    case 'binary':
      if (!BASE64.test(value)) fail(element, `BinaryEquals compares with a base-64 value; ${JSON.stringify(value)} is not base 64`);
      return;
    case 'ip':
      if (!parseCidr(value))
        fail(element, `${operator} compares with an IPv4 or IPv6 address or CIDR range (203.0.113.0/24, 2001:DB8::/32); ${JSON.stringify(value)} is neither`);
      return;
    default:
      return;
  }
}

/** `203.0.113.0/24`, `2001:DB8:1234:5678::/64`, or an address alone (/32, /128: "IAM uses the default prefix value of /32"). */
export function parseCidr(value: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address, prefixText, extra] = value.split('/');
  if (extra !== undefined) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return undefined;
  return { address, prefix: Number(prefixText), family };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object')
    return `an object (${
      Object.keys(value as object)
        .slice(0, 2)
        .join(', ') || 'empty'
    })`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
