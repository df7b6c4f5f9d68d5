/**
 * Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'company-wide'}`), parsed once at deployment and
 * filled from the request context on each request. As the IAM User Guide documents them
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html):
 *
 * - only with `"Version": "2012-10-17"`; under 2008-10-17 (or no Version) `${...}` is literal text;
 * - in `Resource`/`NotResource` (after the ARN's fifth colon) and in the values of string and ARN condition operators
 *   (and Bool, which the operators page lists as supporting them);
 * - key names are case-insensitive; only single-valued keys can be variables;
 * - `${*}`, `${?}` and `${$}` stand for the literal characters; `${key, 'default'}` gives a value when the key has none;
 * - a key with no value and no default leaves the value "effectively null": a Resource holding it matches nothing and
 *   a condition value holding it matches nothing (so a positive operator does not hold and a negated one does).
 */
import type { KeyLookup, RequestContext } from './request-context';

type Piece =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'literal'; readonly char: '*' | '?' | '$' }
  | { readonly kind: 'variable'; readonly key: string; readonly written: string; readonly fallback?: string };

/** A string of a policy, with its variables (if any). */
export interface ValueTemplate {
  readonly source: string;
  /** False when the string holds no variable: then `source` is the value, wildcards and all. */
  readonly hasVariables: boolean;
  readonly pieces: readonly Piece[];
}

/** What a template resolved to for one request. */
export type ResolvedValue =
  /** `literal(i)` tells whether character i came from a variable (its `*` and `?` are not wildcards). */
  | { readonly kind: 'value'; readonly text: string; readonly literal?: (index: number) => boolean }
  /** A variable whose key the request does not have: the value matches nothing. */
  | { readonly kind: 'missing'; readonly key: string }
  /** A variable whose key the local cloud cannot know for this request. */
  | { readonly kind: 'unknown'; readonly key: string; readonly why: string };

const VARIABLE = /\$\{([^}]*)\}/g;

/** Parses a policy string; `variablesEnabled` is false for the 2008-10-17 policy language. */
export function parseTemplate(source: string, variablesEnabled: boolean): ValueTemplate {
  if (!variablesEnabled || !source.includes('${')) return { source, hasVariables: false, pieces: [{ kind: 'text', text: source }] };
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of source.matchAll(VARIABLE)) {
    if (match.index > last) pieces.push({ kind: 'text', text: source.slice(last, match.index) });
    pieces.push(variablePiece(match[1]));
    last = match.index + match[0].length;
  }
  if (last < source.length) pieces.push({ kind: 'text', text: source.slice(last) });
  return { source, hasVariables: pieces.some((piece) => piece.kind !== 'text'), pieces };
}

function variablePiece(inside: string): Piece {
  if (inside === '*' || inside === '?' || inside === '$') return { kind: 'literal', char: inside };
  // "surround the default value with single quotes (' '), and separate the variable text and the default value with a comma and space"
  const withDefault = /^\s*([^,\s]+)\s*,\s*'([^']*)'\s*$/.exec(inside);
  const written = withDefault ? withDefault[1] : inside.trim();
  return { kind: 'variable', key: written.toLowerCase(), written, ...(withDefault ? { fallback: withDefault[2] } : {}) };
}

/** The keys a template reads (lower case), for validation and for the start-up report. */
export function variableKeys(template: ValueTemplate): string[] {
  return template.pieces.flatMap((piece) => (piece.kind === 'variable' ? [piece.key] : []));
}

/** Fills a template's variables from the request context. */
export function resolveTemplate(template: ValueTemplate, context: RequestContext): ResolvedValue {
  if (!template.hasVariables) return { kind: 'value', text: template.source };
  let text = '';
  const literalRanges: Array<[number, number]> = [];
  for (const piece of template.pieces) {
    if (piece.kind === 'text') {
      text += piece.text;
      continue;
    }
    const value = piece.kind === 'literal' ? piece.char : variableValue(piece, context.lookup(piece.key));
    if (typeof value !== 'string') return value;
    literalRanges.push([text.length, text.length + value.length]);
    text += value;
  }
  return { kind: 'value', text, literal: (index) => literalRanges.some(([start, end]) => index >= start && index < end) };
}

function variableValue(piece: Extract<Piece, { kind: 'variable' }>, lookup: KeyLookup): string | ResolvedValue {
  if (lookup.state === 'unknown') return { kind: 'unknown', key: piece.written, why: lookup.why };
  if (lookup.state === 'present' && lookup.values.length === 1) return lookup.values[0];
  if (lookup.state === 'present' && lookup.values.length > 1) {
    return { kind: 'unknown', key: piece.written, why: 'it has several values in this request, and a multivalued key cannot be a policy variable' };
  }
  return piece.fallback ?? { kind: 'missing', key: piece.written };
}
