/**
 * dynalite's parser of condition expressions (ConditionExpression, KeyConditionExpression, FilterExpression), with
 * PEG.js's own result cache switched on, put in the place of dynalite's copy before dynalite is loaded.
 *
 * Why: dynalite ships the parser as PEG.js 0.10 generated it, without the cache (`pegjs --cache`), and its grammar
 * tries a parenthesised condition several ways over, so the work doubles about every level of parentheses: 10 levels
 * took 0.1 s, 16 took 3.9 s, and a GraphQL filter nested 14 deep (its FilterExpression, as the resolver writes it)
 * kept the store's thread busy past the resolver's 10 s timeout, with every other DynamoDB call waiting behind it.
 * DynamoDB takes such expressions up to their 4 KB. With the cache (packrat parsing) each rule is tried once per
 * position: linear in the expression's length.
 *
 * How: the cache is what PEG.js itself generates with `--cache`, added to the generated source text: each rule
 * function `peg$parse<Rule>()` is wrapped in one that looks the rule and the position up in `peg$resultsCache`, a
 * table made afresh by each `parse()` call (results found inside a lookahead kept apart, see below). The grammar, its actions and its error messages are dynalite's own; a
 * test parses a corpus of expressions with both and compares the results and the errors.
 *
 * Why not a fork or a patch of the package: dynalite is a dependency installed by `npm ci`, and the one file that needs
 * the cache is generated code; doing it at load time keeps its version and its grammar dynalite's. If a dynalite
 * version ships the parser differently (the rule functions not found), the store starts with dynalite's own parser and
 * says so once (what `installConditionParser` returns).
 */

import { readFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';

/** The generated parser's file in the installed dynalite. */
export function dynaliteConditionParserPath(): string {
  return path.join(path.dirname(require.resolve('dynalite/package.json')), 'db', 'conditionParser.js');
}

const RULE_FUNCTION = /^ {2}function peg\$parse([A-Za-z_][A-Za-z0-9_]*)\(\) \{$/gm;
const PARSE_FUNCTION = /^function peg\$parse\(input, options\) \{$/m;
const START = /^ {2}peg\$result = peg\$startRuleFunction\(\);$/m;

/**
 * The generated parser's source with PEG.js's result cache; undefined when the source is not shaped as PEG.js 0.10
 * generates it (then it is left alone).
 */
export function withResultCache(source: string): string | undefined {
  const rules = [...source.matchAll(RULE_FUNCTION)].map((match) => match[1]);
  if (rules.length === 0 || !PARSE_FUNCTION.test(source) || !START.test(source)) return undefined;
  const renamed = source.replace(RULE_FUNCTION, (_line, rule: string) => `  function peg$parse${rule}$uncached() {`);
  // As PEG.js generates it with --cache (the key is the position and the rule's index), and one thing more: a result
  // found inside a lookahead (peg$silentFails > 0) is kept apart, because it recorded no expectations for the error
  // message; reused outside one, the message would name fewer of them than dynalite's own parser does.
  const wrappers = rules
    .map(
      (rule, index) =>
        `  function peg$parse${rule}() {\n` +
        `    var key = (peg$currPos * ${rules.length} + ${index}) * 2 + (peg$silentFails > 0 ? 1 : 0), cached = peg$resultsCache[key];\n` +
        '    if (cached) { peg$currPos = cached.nextPos; return cached.result; }\n' +
        `    var result = peg$parse${rule}$uncached();\n` +
        '    peg$resultsCache[key] = { nextPos: peg$currPos, result: result };\n' +
        '    return result;\n' +
        '  }\n',
    )
    .join('');
  return renamed.replace(PARSE_FUNCTION, (line) => `${line}\n  var peg$resultsCache = {};`).replace(START, (line) => `${wrappers}\n${line}`);
}

/** Compiles a parser's source as the module `filename` (its own folder's node_modules resolve from there). */
export function compileParser(source: string, filename: string): Module {
  const parser = new Module(filename, module);
  parser.filename = filename;
  parser.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(filename));
  (parser as unknown as { _compile(source: string, filename: string): void })._compile(source, filename);
  parser.loaded = true;
  return parser;
}

/** What installing gave, once per thread: nothing to say, or why dynalite keeps its own parser. */
let installed: { readonly warning?: string } | undefined;

/**
 * Puts the cached parser where dynalite requires its own (Node's module cache), once per thread, before dynalite is
 * loaded. Returns the line to log when dynalite keeps its own parser (nested parentheses are then slow), else
 * undefined. (Jest's module registry ignores Node's cache: there, only a store in its own thread, a real worker
 * thread, has the cached parser.)
 */
export function installConditionParser(): string | undefined {
  installed ??= install();
  return installed.warning;
}

function install(): { readonly warning?: string } {
  const filename = dynaliteConditionParserPath();
  const keeps = (why: string) => ({
    warning: `dynamodb: dynalite's condition parser could not be given its result cache (${why}): expressions with many levels of parentheses will be slow`,
  });
  if (require.cache[filename]) return keeps(`${filename} was loaded before`);
  const cached = withResultCache(readFileSync(filename, 'utf8'));
  if (cached === undefined) return keeps(`${filename} is not shaped as PEG.js 0.10 generates it`);
  require.cache[filename] = compileParser(cached, filename);
  return {};
}
