/**
 * The Condition element, compiled once (parsed numbers, dates and CIDR blocks, wildcard matchers, policy-variable
 * templates) and evaluated on each request against the request context. As the IAM User Guide documents it:
 *
 * - operators, and keys under one operator, are ANDed; the values of one key are ORed, and NORed for a negated
 *   operator (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html);
 * - a key absent from the request makes a positive operator false and a negated one true, except for `...IfExists`
 *   (true when absent) and `Null` (which tests presence)
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html);
 * - `ForAllValues:` holds when every request value matches some policy value, and when the key is absent or empty;
 *   `ForAnyValue:` when some request value matches some policy value, never when absent; with a negated operator "a
 *   value matches" reads "a value matches none of the policy values";
 * - key names are case-insensitive; values compare as each operator says.
 *
 * Beyond that, conditions are three-valued here: a key the local cloud cannot know (request-context.ts), or a request
 * value an operator cannot read (a date operator on an address), makes the condition `unknown` — AWS's evaluation
 * "generates an exception and closes" on an error (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html),
 * and the evaluator fails closed on unknown: a Deny applies, an Allow does not.
 */
import { BlockList } from 'node:net';
import {
  ConditionOperator,
  NEGATED_OPERATORS,
  type NormalizedCondition,
  OPERATOR_FAMILY,
  type PolicyLanguageVersion,
  parseCidr,
  SetOperator,
} from './policy-validation';
import { parseTemplate, type ResolvedValue, resolveTemplate, type ValueTemplate } from './policy-variables';
import type { RequestContext } from './request-context';
import { arnLikePattern, stringLikePattern } from './wildcards';

/** Three-valued truth. */
export enum Truth {
  False = 0,
  True = 1,
  Unknown = 2,
}

export interface ConditionOutcome {
  readonly truth: Truth;
  /** Why it did not hold, or why it is unknown; empty when it holds. */
  readonly reason: string;
}

export interface CompiledCondition {
  /** The keys it tests, lower case (for the start-up report). */
  readonly keys: readonly string[];
  evaluate(context: RequestContext): ConditionOutcome;
}

const HOLDS: ConditionOutcome = { truth: Truth.True, reason: '' };

/** One policy value compared with one request value; Unknown when the request value cannot be read by the operator. */
type Comparison = (actual: string, context: RequestContext) => Truth;

interface CompiledEntry {
  readonly condition: NormalizedCondition;
  readonly lowerKey: string;
  readonly negated: boolean;
  readonly comparisons: readonly Comparison[];
}

export function compileCondition(conditions: readonly NormalizedCondition[], version: PolicyLanguageVersion): CompiledCondition | undefined {
  if (conditions.length === 0) return undefined;
  const entries = conditions.map(
    (condition): CompiledEntry => ({
      condition,
      lowerKey: condition.key.toLowerCase(),
      negated: NEGATED_OPERATORS.has(condition.operator),
      comparisons: condition.values.map((value) => compileComparison(condition.operator, value, version)),
    }),
  );
  return {
    keys: [...new Set(entries.map((entry) => entry.lowerKey))],
    evaluate(context) {
      let unknown: ConditionOutcome | undefined;
      for (const entry of entries) {
        const outcome = evaluateEntry(entry, context);
        if (outcome.truth === Truth.False) return outcome;
        if (outcome.truth === Truth.Unknown) unknown ??= outcome;
      }
      return unknown ?? HOLDS;
    },
  };
}

function evaluateEntry(entry: CompiledEntry, context: RequestContext): ConditionOutcome {
  const { condition } = entry;
  const where = `${condition.written} on ${condition.key}`;
  const lookup = context.lookup(entry.lowerKey);
  if (lookup.state === 'unknown') return { truth: Truth.Unknown, reason: `${where}: the local cloud cannot know ${condition.key} (${lookup.why})` };
  const values = lookup.state === 'present' ? lookup.values : [];
  if (condition.operator === ConditionOperator.Null) {
    // "true (the key doesn't exist — it is null) or false (the key exists and its value is not null)"
    const isNull = values.length === 0;
    const holds = condition.values.some((value) => (value.toLowerCase() === 'true') === isNull);
    return holds ? HOLDS : { truth: Truth.False, reason: `${where} does not hold: the key is ${isNull ? 'absent' : 'present'}` };
  }
  if (values.length === 0) return absentKey(entry, where);
  let truth: Truth;
  switch (condition.setOperator) {
    case SetOperator.ForAllValues:
      truth = allValues(entry, values, context);
      break;
    case SetOperator.ForAnyValue:
      truth = anyValue(entry, values, context);
      break;
    default:
      truth = maybeNot(anyMatch(entry, values, context), entry.negated);
  }
  if (truth === Truth.True) return HOLDS;
  if (truth === Truth.Unknown)
    return { truth, reason: `${where}: a value of ${condition.key} (${values.join(', ')}) cannot be compared by ${condition.operator}` };
  return { truth, reason: `${where} does not hold (${condition.key} is ${values.join(', ')})` };
}

function absentKey(entry: CompiledEntry, where: string): ConditionOutcome {
  const { condition } = entry;
  if (condition.ifExists) return HOLDS;
  if (condition.setOperator === SetOperator.ForAllValues) return HOLDS;
  if (condition.setOperator === SetOperator.ForAnyValue) return { truth: Truth.False, reason: `${where} does not hold: the key is absent` };
  return entry.negated ? HOLDS : { truth: Truth.False, reason: `${where} does not hold: the key is absent` };
}

function maybeNot(truth: Truth, negate: boolean): Truth {
  if (!negate || truth === Truth.Unknown) return truth;
  return truth === Truth.True ? Truth.False : Truth.True;
}

/** Whether one request value matches one of the policy values (OR). */
function matchOne(entry: CompiledEntry, actual: string, context: RequestContext): Truth {
  let unknown = false;
  for (const compare of entry.comparisons) {
    const result = compare(actual, context);
    if (result === Truth.True) return Truth.True;
    if (result === Truth.Unknown) unknown = true;
  }
  return unknown ? Truth.Unknown : Truth.False;
}

/** Whether some request value matches some policy value (the operator before negation). */
function anyMatch(entry: CompiledEntry, values: readonly string[], context: RequestContext): Truth {
  let unknown = false;
  for (const actual of values) {
    const result = matchOne(entry, actual, context);
    if (result === Truth.True) return Truth.True;
    if (result === Truth.Unknown) unknown = true;
  }
  return unknown ? Truth.Unknown : Truth.False;
}

/** ForAnyValue: some request value satisfies the operator (for a negated one: matches none of the policy values). */
function anyValue(entry: CompiledEntry, values: readonly string[], context: RequestContext): Truth {
  let unknown = false;
  for (const actual of values) {
    const result = maybeNot(matchOne(entry, actual, context), entry.negated);
    if (result === Truth.True) return Truth.True;
    if (result === Truth.Unknown) unknown = true;
  }
  return unknown ? Truth.Unknown : Truth.False;
}

/** ForAllValues: every request value satisfies the operator. */
function allValues(entry: CompiledEntry, values: readonly string[], context: RequestContext): Truth {
  let unknown = false;
  for (const actual of values) {
    const result = maybeNot(matchOne(entry, actual, context), entry.negated);
    if (result === Truth.False) return Truth.False;
    if (result === Truth.Unknown) unknown = true;
  }
  return unknown ? Truth.Unknown : Truth.True;
}

/** The comparison of one policy value (validated already: policy-validation.ts) with request values. */
function compileComparison(operator: ConditionOperator, value: string, version: PolicyLanguageVersion): Comparison {
  const template = parseTemplate(value, version === '2012-10-17');
  switch (operator) {
    case ConditionOperator.StringEquals:
    case ConditionOperator.StringNotEquals:
      return withTemplate(template, (resolved) => (actual) => truth(actual === resolved.text));
    case ConditionOperator.StringEqualsIgnoreCase:
    case ConditionOperator.StringNotEqualsIgnoreCase:
      return withTemplate(template, (resolved) => {
        const expected = resolved.text.toLowerCase();
        return (actual) => truth(actual.toLowerCase() === expected);
      });
    case ConditionOperator.StringLike:
    case ConditionOperator.StringNotLike:
      return withTemplate(template, (resolved) => {
        const matcher = stringLikePattern(resolved.text, resolved.literal);
        return (actual) => truth(matcher.matches(actual));
      });
    case ConditionOperator.ArnEquals:
    case ConditionOperator.ArnLike:
    case ConditionOperator.ArnNotEquals:
    case ConditionOperator.ArnNotLike:
      // "The ArnEquals and ArnLike condition operators behave identically."
      return withTemplate(template, (resolved) => {
        const matcher = arnLikePattern(resolved.text, resolved.literal);
        return (actual) => truth(matcher.matches(actual));
      });
    case ConditionOperator.Bool:
      return withTemplate(template, (resolved) => {
        const expected = resolved.text.toLowerCase();
        return (actual) => (/^(true|false)$/i.test(actual) ? truth(actual.toLowerCase() === expected) : Truth.Unknown);
      });
    case ConditionOperator.BinaryEquals: {
      // "compares the value of the specified key byte for byte against a base-64 encoded representation"
      const expected = Buffer.from(value, 'base64');
      return (actual) => truth(Buffer.from(actual, 'base64').equals(expected));
    }
    case ConditionOperator.IpAddress:
    case ConditionOperator.NotIpAddress:
      return ipComparison(value);
    case ConditionOperator.Null:
      return () => Truth.Unknown;
    default:
      return OPERATOR_FAMILY[operator] === 'numeric' ? numericComparison(operator, Number(value)) : dateComparison(operator, parseDate(value));
  }
}

/** A comparison built from the policy value, filled per request when it holds policy variables (no regex either way). */
function withTemplate(template: ValueTemplate, build: (resolved: Extract<ResolvedValue, { kind: 'value' }>) => Comparison): Comparison {
  if (!template.hasVariables) return build({ kind: 'value', text: template.source });
  return (actual, context) => {
    const resolved = resolveTemplate(template, context);
    // A variable with no value is "effectively null": no value equals or is like it.
    if (resolved.kind === 'missing') return Truth.False;
    if (resolved.kind === 'unknown') return Truth.Unknown;
    return build(resolved)(actual, context);
  };
}

function ipComparison(value: string): Comparison {
  const cidr = parseCidr(value)!;
  const block = new BlockList();
  block.addSubnet(cidr.address, cidr.prefix, cidr.family);
  return (actual) => {
    const address = parseCidr(actual);
    if (!address || address.prefix !== (address.family === 'ipv4' ? 32 : 128)) return Truth.Unknown;
    return truth(block.check(address.address, address.family));
  };
}

function numericComparison(operator: ConditionOperator, expected: number): Comparison {
  const compare = NUMERIC_COMPARE[operator]!;
  return (actual) => (/^-?\d+(\.\d+)?$/.test(actual) ? truth(compare(Number(actual), expected)) : Truth.Unknown);
}

function dateComparison(operator: ConditionOperator, expected: number): Comparison {
  const compare = NUMERIC_COMPARE[operator]!;
  return (actual) => {
    const time = parseDate(actual);
    return Number.isNaN(time) ? Truth.Unknown : truth(compare(time, expected));
  };
}

/** An ISO 8601 date, or epoch seconds ("This key also accepts the number of seconds since January 1, 1970"). */
export function parseDate(value: string): number {
  return /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
}

const NUMERIC_COMPARE: Partial<Record<ConditionOperator, (actual: number, expected: number) => boolean>> = {
  NumericEquals: (a, e) => a === e,
  NumericNotEquals: (a, e) => a === e,
  NumericLessThan: (a, e) => a < e,
  NumericLessThanEquals: (a, e) => a <= e,
  NumericGreaterThan: (a, e) => a > e,
  NumericGreaterThanEquals: (a, e) => a >= e,
  DateEquals: (a, e) => a === e,
  DateNotEquals: (a, e) => a === e,
  DateLessThan: (a, e) => a < e,
  DateLessThanEquals: (a, e) => a <= e,
  DateGreaterThan: (a, e) => a > e,
  DateGreaterThanEquals: (a, e) => a >= e,
};

function truth(value: boolean): Truth {
  return value ? Truth.True : Truth.False;
}
