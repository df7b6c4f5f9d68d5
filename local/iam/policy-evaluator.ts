/**
 * IAM policy evaluation for the local cloud: identity-based policies only (no resource policies, permission
 * boundaries, SCPs or session policies, none of which the local cloud models).
 *
 * Semantics, as IAM documents them:
 * - a statement applies when its Action (or NotAction) matches the action, its Resource (or NotResource) matches the
 *   resource, and its Condition (if any) holds;
 * - `*` matches any run of characters (including none, across `:` and `/`), `?` exactly one; actions are compared
 *   case-insensitively, resources case-sensitively;
 * - an applicable Deny wins over any Allow (ExplicitDeny); no applicable Allow means ImplicitDeny;
 * - `Statement` may be one object or a list; a statement without Action/NotAction or Resource/NotResource, or with
 *   an Effect other than Allow/Deny, never applies (IAM would refuse to store it).
 *
 * Conditions are evaluated against a request context, which the local cloud leaves empty (it has no source IP, tags,
 * MFA, TLS… to offer). With an empty context IAM's rules give: a positive operator (StringEquals, StringLike, Bool…)
 * does not hold; a negated one (StringNotEquals, StringNotLike, ArnNotLike…) holds; `…IfExists` holds; `Null: true`
 * holds; `ForAllValues:` holds; `ForAnyValue:` does not. Operators this evaluator does not know never hold. Every
 * statement whose Condition decided that it does not apply is listed in `notes`, so a log can say why.
 */
import type { NamedPolicy, PolicyStatement } from './model';

export type PolicyDecision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface StatementRef {
  /** `NamedPolicy.source` of the policy holding the statement. */
  readonly source: string;
  readonly sid?: string;
  /** Position of the statement in the policy's Statement list (0 when Statement is a single object). */
  readonly index: number;
}

export interface PolicyEvaluation {
  readonly decision: PolicyDecision;
  /** The statement that decided: the first applicable Deny, else the first applicable Allow; absent for ImplicitDeny. */
  readonly statement?: StatementRef;
  /** Why statements that match the action and resource were set aside (conditions not met, unsupported operators…). */
  readonly notes: readonly string[];
}

/** Condition keys and their values for the request (`aws:SourceIp`, `aws:username`…); the local cloud passes none. */
export type ConditionContext = Readonly<Record<string, string | readonly string[] | boolean | number | undefined>>;

export function evaluate(policies: readonly NamedPolicy[], action: string, resource: string, context: ConditionContext = {}): PolicyEvaluation {
  const notes: string[] = [];
  let allow: StatementRef | undefined;
  for (const policy of policies) {
    const document = policy.document as { Version?: unknown; Statement?: unknown } | undefined;
    if (!document || typeof document !== 'object') {
      notes.push(`${policy.source}: not a policy document, ignored`);
      continue;
    }
    const statements = Array.isArray(document.Statement) ? document.Statement : document.Statement === undefined ? [] : [document.Statement];
    const variablesEnabled = document.Version === '2012-10-17';
    for (let index = 0; index < statements.length; index++) {
      const statement = statements[index] as PolicyStatement;
      if (!statement || typeof statement !== 'object') continue;
      const ref: StatementRef = { source: policy.source, ...(typeof statement.Sid === 'string' ? { sid: statement.Sid } : {}), index };
      if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') continue;
      if (!matchesAction(statement, action)) continue;
      if (!matchesResource(statement, resource, context, variablesEnabled)) continue;
      if (statement.Condition !== undefined) {
        const condition = evaluateCondition(statement.Condition, context);
        if (!condition.holds) {
          notes.push(`${describeStatement(ref)} (${statement.Effect}) set aside: ${condition.reason}`);
          continue;
        }
      }
      if (statement.Effect === 'Deny') return { decision: 'ExplicitDeny', statement: ref, notes };
      allow ??= ref;
    }
  }
  return allow ? { decision: 'Allow', statement: allow, notes } : { decision: 'ImplicitDeny', notes };
}

/** `source` (Sid X, statement N) — for logs. */
export function describeStatement(ref: StatementRef): string {
  return `${ref.source} (${ref.sid !== undefined && ref.sid !== '' ? `Sid ${ref.sid}, ` : ''}statement ${ref.index})`;
}

function asList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

function matchesAction(statement: PolicyStatement, action: string): boolean {
  const actions = asList(statement.Action);
  if (actions !== undefined) return actions.some((pattern) => wildcardMatch(pattern, action, true));
  const notActions = asList(statement.NotAction);
  if (notActions !== undefined) return !notActions.some((pattern) => wildcardMatch(pattern, action, true));
  return false;
}

function matchesResource(statement: PolicyStatement, resource: string, context: ConditionContext, variablesEnabled: boolean): boolean {
  const match = (pattern: string) => {
    const substituted = variablesEnabled ? substituteVariables(pattern, context) : pattern;
    return substituted !== undefined && wildcardMatch(substituted, resource, false);
  };
  const resources = asList(statement.Resource);
  if (resources !== undefined) return resources.some(match);
  const notResources = asList(statement.NotResource);
  if (notResources !== undefined) return !notResources.some(match);
  return false;
}

/**
 * Policy variables (`${aws:username}`) in a resource, with the 2012-10-17 policy language. `${*}`, `${?}` and `${$}`
 * stand for the literal characters. A variable missing from the context makes the pattern match nothing (undefined).
 */
function substituteVariables(pattern: string, context: ConditionContext): string | undefined {
  if (!pattern.includes('${')) return pattern;
  let missing = false;
  const literal = (char: string) => `\u0000${char}`;
  const result = pattern.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
    if (name === '*' || name === '?' || name === '$') return literal(name);
    const [key, fallback] = splitDefault(name);
    const value = lookup(context, key);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return escapeWildcards(String(value));
    if (fallback !== undefined) return escapeWildcards(fallback);
    missing = true;
    return '';
  });
  return missing ? undefined : result;
}

function splitDefault(name: string): [string, string | undefined] {
  // ${aws:username, 'default'}
  const match = /^\s*([^,\s]+)\s*,\s*'([^']*)'\s*$/.exec(name);
  return match ? [match[1], match[2]] : [name.trim(), undefined];
}

function escapeWildcards(value: string): string {
  return value.replace(/[*?]/g, (char) => `\u0000${char}`);
}

const regexCache = new Map<string, RegExp>();

/** IAM wildcard match; characters preceded by \u0000 (from `${*}` or substituted values) are literal. */
export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  if (pattern === '*') return true;
  const key = `${ignoreCase ? 'i' : 's'}:${pattern}`;
  let regex = regexCache.get(key);
  if (!regex) {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const char = pattern[i];
      if (char === '\u0000' && i + 1 < pattern.length) {
        source += escapeRegex(pattern[++i]);
      } else if (char === '*') {
        source += '.*';
      } else if (char === '?') {
        source += '.';
      } else {
        source += escapeRegex(char);
      }
    }
    regex = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(key, regex);
  }
  return regex.test(value);
}

function escapeRegex(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function lookup(context: ConditionContext, key: string): ConditionContext[string] {
  if (Object.hasOwn(context, key)) return context[key];
  const lower = key.toLowerCase();
  for (const [name, value] of Object.entries(context)) {
    if (name.toLowerCase() === lower) return value;
  }
  return undefined;
}

interface ConditionOutcome {
  readonly holds: boolean;
  readonly reason: string;
}

type Comparator = (actual: string, expected: string) => boolean | undefined;

const NEGATED_OPERATORS = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'ArnNotEquals',
  'ArnNotLike',
  'NotIpAddress',
]);

const COMPARATORS: Record<string, Comparator> = {
  StringEquals: (a, e) => a === e,
  StringNotEquals: (a, e) => a === e,
  StringEqualsIgnoreCase: (a, e) => a.toLowerCase() === e.toLowerCase(),
  StringNotEqualsIgnoreCase: (a, e) => a.toLowerCase() === e.toLowerCase(),
  StringLike: (a, e) => wildcardMatch(e, a, false),
  StringNotLike: (a, e) => wildcardMatch(e, a, false),
  ArnEquals: (a, e) => wildcardMatch(e, a, false),
  ArnLike: (a, e) => wildcardMatch(e, a, false),
  ArnNotEquals: (a, e) => wildcardMatch(e, a, false),
  ArnNotLike: (a, e) => wildcardMatch(e, a, false),
  NumericEquals: numeric((a, e) => a === e),
  NumericNotEquals: numeric((a, e) => a === e),
  NumericLessThan: numeric((a, e) => a < e),
  NumericLessThanEquals: numeric((a, e) => a <= e),
  NumericGreaterThan: numeric((a, e) => a > e),
  NumericGreaterThanEquals: numeric((a, e) => a >= e),
  DateEquals: date((a, e) => a === e),
  DateNotEquals: date((a, e) => a === e),
  DateLessThan: date((a, e) => a < e),
  DateLessThanEquals: date((a, e) => a <= e),
  DateGreaterThan: date((a, e) => a > e),
  DateGreaterThanEquals: date((a, e) => a >= e),
  Bool: (a, e) => a.toLowerCase() === e.toLowerCase(),
  BinaryEquals: (a, e) => a === e,
};

function numeric(compare: (actual: number, expected: number) => boolean): Comparator {
  return (a, e) => {
    const actual = Number(a);
    const expected = Number(e);
    return Number.isNaN(actual) || Number.isNaN(expected) ? undefined : compare(actual, expected);
  };
}

function date(compare: (actual: number, expected: number) => boolean): Comparator {
  const parse = (value: string) => (/^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value));
  return (a, e) => {
    const actual = parse(a);
    const expected = parse(e);
    return Number.isNaN(actual) || Number.isNaN(expected) ? undefined : compare(actual, expected);
  };
}

/** All operators and all keys must hold (AND); any of a key's values may match (OR). Never throws. */
function evaluateCondition(condition: unknown, context: ConditionContext): ConditionOutcome {
  if (!condition || typeof condition !== 'object' || Array.isArray(condition)) {
    return { holds: false, reason: 'its Condition is not an object' };
  }
  const contextIsEmpty = Object.keys(context).length === 0;
  for (const [rawOperator, block] of Object.entries(condition as Record<string, unknown>)) {
    if (!block || typeof block !== 'object' || Array.isArray(block)) {
      return { holds: false, reason: `condition operator ${rawOperator} has no key/value block` };
    }
    let operator = rawOperator;
    let qualifier: 'ForAllValues' | 'ForAnyValue' | undefined;
    const qualified = /^(ForAllValues|ForAnyValue):(.+)$/.exec(operator);
    if (qualified) {
      qualifier = qualified[1] as 'ForAllValues' | 'ForAnyValue';
      operator = qualified[2];
    }
    const ifExists = operator.endsWith('IfExists');
    if (ifExists) operator = operator.slice(0, -'IfExists'.length);
    for (const [key, expectedRaw] of Object.entries(block as Record<string, unknown>)) {
      const expected = (Array.isArray(expectedRaw) ? expectedRaw : [expectedRaw]).map((value) => String(value));
      const actualRaw = lookup(context, key);
      const present = actualRaw !== undefined;
      const where = `${rawOperator} on ${key}${contextIsEmpty ? ' (the local cloud gives no condition keys)' : ''}`;
      if (operator === 'Null') {
        const wantsNull = expected.some((value) => value.toLowerCase() === 'true');
        if (wantsNull === present) return { holds: false, reason: `${where} does not hold` };
        continue;
      }
      const comparator = COMPARATORS[operator];
      if (!comparator) return { holds: false, reason: `condition operator ${rawOperator} is not supported locally` };
      const negated = NEGATED_OPERATORS.has(operator);
      if (!present) {
        if (ifExists) continue;
        if (qualifier === 'ForAllValues') continue;
        if (qualifier === 'ForAnyValue') return { holds: false, reason: `${where} does not hold: the key is absent` };
        if (negated) continue;
        return { holds: false, reason: `${where} does not hold: the key is absent` };
      }
      const actuals = (Array.isArray(actualRaw) ? actualRaw : [actualRaw]).map((value) => String(value));
      const matchesAny = (actual: string) => expected.some((value) => comparator(actual, value) === true);
      let holds: boolean;
      if (qualifier === 'ForAllValues') {
        holds = actuals.every((actual) => (negated ? !matchesAny(actual) : matchesAny(actual)));
      } else if (qualifier === 'ForAnyValue') {
        holds = actuals.some((actual) => (negated ? !matchesAny(actual) : matchesAny(actual)));
      } else {
        const anyMatch = actuals.some(matchesAny);
        holds = negated ? !anyMatch : anyMatch;
      }
      if (!holds) return { holds: false, reason: `${where} does not hold` };
    }
  }
  return { holds: true, reason: '' };
}
