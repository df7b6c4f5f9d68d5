/**
 * Bounds on how deeply a request may nest, checked before graphql-js sees it.
 *
 * graphql-js parses, validates and coerces recursively: a document nested a few thousand levels deep (`{a{a{a…`,
 * `[[[…`), variables nested as deep, or a chain of thousands of fragments each spreading the next, overflow the
 * stack, which would otherwise be answered as a 500 for what is the client's mistake.
 *
 * Local choices (AppSync's exact limits and wording here are not known; AppSync answers syntax and validation problems
 * with HTTP 200 and a GraphQL error, and so do these): at most MAX_NESTING levels of `{`, `[` and `(` in a document,
 * and of objects and arrays in the variables. MAX_NESTING leaves room for what the resolver accepts (a filter nested
 * 50 levels takes about 100 levels of `{` and `[`), and is far below where graphql-js runs out of stack (beyond 1,000).
 */
import { Lexer, Source, TokenKind } from 'graphql';

export const MAX_NESTING = 500;

export interface NestingProblem {
  readonly message: string;
  readonly locations?: ReadonlyArray<{ line: number; column: number }>;
}

const OPENERS = new Set<TokenKind>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSERS = new Set<TokenKind>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/** The first place where a document nests deeper than MAX_NESTING, if it does. */
export function documentNestingProblem(query: string): NestingProblem | undefined {
  // A document with fewer brackets than the limit cannot pass it: the common case costs one scan of the text.
  let brackets = 0;
  for (let index = 0; index < query.length; index++) {
    const code = query.charCodeAt(index);
    if (code === 123 /* { */ || code === 91 /* [ */ || code === 40 /* ( */) brackets++;
  }
  if (brackets <= MAX_NESTING) return undefined;

  const lexer = new Lexer(new Source(query));
  let depth = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (OPENERS.has(token.kind)) {
        if (++depth > MAX_NESTING) {
          return {
            message: `Query is nested too deeply: more than ${MAX_NESTING} levels of braces, brackets or parentheses (at line ${token.line} column ${token.column}).`,
            locations: [{ line: token.line, column: token.column }],
          };
        }
      } else if (CLOSERS.has(token.kind)) {
        depth--;
      }
    }
  } catch {
    // A syntax error: the parser reports it, as it would have.
  }
  return undefined;
}

/** The first variable whose value nests deeper than MAX_NESTING (objects and arrays), if any. Iterative: never overflows. */
export function variablesNestingProblem(variables: Record<string, unknown> | null | undefined): NestingProblem | undefined {
  if (!variables) return undefined;
  for (const [name, value] of Object.entries(variables)) {
    const stack: Array<[unknown, number]> = [[value, 1]];
    while (stack.length > 0) {
      const [current, depth] = stack.pop()!;
      if (current === null || typeof current !== 'object') continue;
      if (depth > MAX_NESTING) {
        return { message: `Variable '${name}' is nested too deeply: more than ${MAX_NESTING} levels of objects or arrays.` };
      }
      for (const child of Array.isArray(current) ? current : Object.values(current)) {
        if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
      }
    }
  }
  return undefined;
}

/** A RangeError from the stack running out (graphql-js recursing through a pathological document). */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

export const TOO_COMPLEX_MESSAGE = 'Query is too complex to process: its selections, fragments or values are nested too deeply.';
