/**
 * IAM's wildcards, compiled once (at deployment) into matchers that run on every request without building a regular
 * expression. A pattern is a list of parts: literal text, `*` (any run of characters, possibly empty) and `?` (exactly
 * one character); each wildcard either may or may not cross a colon, which is what tells IAM's readings apart:
 *
 * - Action (`Action`/`NotAction`), `StringLike`: `*` and `?` match any characters, `:` included; actions are compared
 *   case-insensitively ("The prefix and the action name are case insensitive",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html), strings as written.
 * - ARN condition operators (`ArnLike`, `ArnEquals`…): "Each of the six colon-delimited components of the ARN is checked
 *   separately and each can include multi-character match wildcards (*) or single-character match wildcards (?)"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN):
 *   in the first five components a wildcard stays within its component; in the sixth (the resource, which may itself
 *   hold colons, `function:name:alias`) it may cross them.
 * - `Resource`/`NotResource`: "You can use wildcard characters (* and ?) within the individual segments of an ARN (the
 *   parts separated by colons) … If the * wildcard is the last character of a resource ARN segment, it can expand to
 *   match beyond the colon boundaries" and "The asterisk (*) character can expand to replace everything within a
 *   segment, including characters like a forward slash (/)"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards).
 *   The page leaves open whether a `*` inside the resource part (not last in its segment) may cross a colon, and the
 *   ARN operators' reading says it may. Both readings are kept (`resourcePattern`): an Allow's resource matches only
 *   what both readings match, a Deny's what either matches, so the gap can only ever deny.
 *
 * Text from a policy variable (`${aws:username}`) or from `${*}`, `${?}`, `${$}` is literal: a `*` in a user name is
 * not a wildcard (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-specialchars).
 */

/** One part of a compiled pattern. */
export type PatternPart =
  | { readonly kind: 'text'; readonly text: string }
  /** `*`: any run of characters; `crossesColons` false keeps it inside one colon-delimited segment. */
  | { readonly kind: 'any'; readonly crossesColons: boolean }
  /** `?`: exactly one character (never a colon when `crossesColons` is false). */
  | { readonly kind: 'one'; readonly crossesColons: boolean };

export interface Matcher {
  /** The pattern as written (for logs). */
  readonly source: string;
  matches(value: string): boolean;
}

/** How the wildcards of a pattern treat colons. */
export type WildcardReading = 'free' | 'arn-components' | 'arn-segments';

/**
 * Splits a pattern into parts. `literal` marks the ranges (from policy variables) whose `*` and `?` are plain text;
 * none for a pattern as written in a policy.
 */
export function parsePattern(pattern: string, reading: WildcardReading, literal: (index: number) => boolean = () => false): PatternPart[] {
  // `*` alone is every value under every reading ("Resource": "*", "ArnLike": {"aws:SourceArn": "*"}).
  if (pattern === '*' && !literal(0)) return [{ kind: 'any', crossesColons: true }];
  const parts: PatternPart[] = [];
  let text = '';
  let colons = 0;
  const flush = () => {
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
  };
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if ((char === '*' || char === '?') && !literal(index)) {
      flush();
      parts.push({ kind: char === '*' ? 'any' : 'one', crossesColons: crossesColons(reading, char, colons, pattern[index + 1]) });
      continue;
    }
    if (char === ':') colons++;
    text += char;
  }
  flush();
  return parts;
}

function crossesColons(reading: WildcardReading, char: '*' | '?', colonsBefore: number, next: string | undefined): boolean {
  switch (reading) {
    case 'free':
      return true;
    case 'arn-components':
      // The sixth component starts after the fifth colon and runs to the end, colons and all.
      return colonsBefore >= 5;
    case 'arn-segments':
      // Only a `*` that ends its segment expands beyond the colon.
      return char === '*' && (next === undefined || next === ':');
  }
}

/** A matcher for a pattern's parts, with fast paths for the shapes policies mostly use. */
export function compileParts(source: string, parts: readonly PatternPart[]): Matcher {
  if (parts.length === 0) return { source, matches: (value) => value === '' };
  if (parts.length === 1 && parts[0].kind === 'any' && parts[0].crossesColons) return { source, matches: () => true };
  const texts = (list: readonly PatternPart[]) => list.map((part) => (part as { text: string }).text).join('');
  if (parts.every((part) => part.kind === 'text')) {
    const text = texts(parts);
    return { source, matches: (value) => value === text };
  }
  const last = parts[parts.length - 1];
  if (last.kind === 'any' && last.crossesColons && parts.slice(0, -1).every((part) => part.kind === 'text')) {
    const prefix = texts(parts.slice(0, -1));
    return { source, matches: (value) => value.startsWith(prefix) };
  }
  return { source, matches: (value) => matchParts(parts, value) };
}

/**
 * Whether `value` matches the parts, by backtracking over the wildcards. Policies hold a handful of wildcards per
 * pattern and values are ARNs, so the search stays small; failed (part, position) pairs are remembered so that it
 * stays linear in their product even for adversarial patterns.
 */
export function matchParts(parts: readonly PatternPart[], value: string): boolean {
  const failed = new Set<number>();
  const width = value.length + 1;
  const visit = (partIndex: number, position: number): boolean => {
    if (partIndex === parts.length) return position === value.length;
    const state = partIndex * width + position;
    if (failed.has(state)) return false;
    const part = parts[partIndex];
    let matched = false;
    if (part.kind === 'text') {
      matched = value.startsWith(part.text, position) && visit(partIndex + 1, position + part.text.length);
    } else if (part.kind === 'one') {
      matched = position < value.length && (part.crossesColons || value[position] !== ':') && visit(partIndex + 1, position + 1);
    } else {
      for (let end = position; end <= value.length; end++) {
        if (visit(partIndex + 1, end)) {
          matched = true;
          break;
        }
        if (!part.crossesColons && value[end] === ':') break;
      }
    }
    if (!matched) failed.add(state);
    return matched;
  };
  return visit(0, 0);
}

/**
 * `Action`/`NotAction` patterns: case-insensitive, `*` and `?` anywhere. The pattern is lower-cased here, once; the
 * matcher takes the action in lower case (the evaluator lower-cases it once per request).
 */
export function actionPattern(pattern: string): Matcher {
  return compileParts(pattern, parsePattern(pattern.toLowerCase(), 'free'));
}

/** `StringLike`/`StringNotLike` values: case-sensitive, `*` and `?` anywhere. */
export function stringLikePattern(pattern: string, literal?: (index: number) => boolean): Matcher {
  return compileParts(pattern, parsePattern(pattern, 'free', literal));
}

/** `ArnLike`/`ArnEquals` values: component by component (see the module comment). */
export function arnLikePattern(pattern: string, literal?: (index: number) => boolean): Matcher {
  return compileParts(pattern, parsePattern(pattern, 'arn-components', literal));
}

/** A `Resource` pattern under both readings; `forAllow` is their intersection, `forDeny` their union. */
export interface ResourceMatcher {
  readonly source: string;
  /** Matched by both readings: what an Allow (or a Deny's NotResource) may count on. */
  matchesForAllow(value: string): boolean;
  /** Matched by either reading: what a Deny (or an Allow's NotResource) must assume. */
  matchesForDeny(value: string): boolean;
}

export function resourcePattern(pattern: string, literal?: (index: number) => boolean): ResourceMatcher {
  const segments = compileParts(pattern, parsePattern(pattern, 'arn-segments', literal));
  const components = compileParts(pattern, parsePattern(pattern, 'arn-components', literal));
  if (samePartsShape(parsePattern(pattern, 'arn-segments', literal), parsePattern(pattern, 'arn-components', literal))) {
    return { source: pattern, matchesForAllow: segments.matches, matchesForDeny: segments.matches };
  }
  return {
    source: pattern,
    matchesForAllow: (value) => segments.matches(value) && components.matches(value),
    matchesForDeny: (value) => segments.matches(value) || components.matches(value),
  };
}

function samePartsShape(a: readonly PatternPart[], b: readonly PatternPart[]): boolean {
  return a.length === b.length && a.every((part, index) => JSON.stringify(part) === JSON.stringify(b[index]));
}
