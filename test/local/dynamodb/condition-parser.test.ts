/**
 * dynalite's condition parser with PEG.js's result cache (local/dynamodb/condition-parser.ts): the same answers as
 * dynalite's own for every expression of a corpus, and, in the store's thread, nested parentheses no longer take time
 * that doubles with each level.
 */
import { readFileSync } from 'node:fs';
import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { compileParser, dynaliteConditionParserPath, withResultCache } from '../../../local/dynamodb/condition-parser';
import { type DynaliteInstance, startDynalite } from '../../support/dynalite';

jest.setTimeout(60_000);

type Parser = { parse(input: string, options: { context: Record<string, unknown> }): unknown };

const filename = dynaliteConditionParserPath();
const source = readFileSync(filename, 'utf8');

function parserFrom(text: string): Parser {
  return compileParser(text, filename).exports as Parser;
}

/** What dynalite's validation gives its parser (validations/index.js), fresh for each expression. */
function context(isKeyCondition = false): Record<string, unknown> {
  return {
    attrNames: { '#n': 'name', '#d': 'description', '#s': 'size' },
    attrVals: { ':a': { S: 'a' }, ':b': { S: 'b' }, ':n': { N: '3' }, ':l': { L: [{ S: 'x' }] } },
    unusedAttrNames: { '#n': true, '#d': true, '#s': true },
    unusedAttrVals: { ':a': true, ':b': true, ':n': true, ':l': true },
    isReserved: (name: string) => ['NAME', 'SIZE', 'DATA'].includes(name.toUpperCase()),
    compare: () => false,
    isKeyCondition,
  };
}

/** The parse's outcome and what it left in the context (the names and values it used), or the error's words. */
function outcome(parser: Parser, expression: string, isKeyCondition = false): unknown {
  const ctx = context(isKeyCondition);
  try {
    return { result: parser.parse(expression, { context: ctx }), unusedNames: ctx.unusedAttrNames, unusedValues: ctx.unusedAttrVals };
  } catch (error) {
    const { name, message } = error as Error;
    return { error: name, message };
  }
}

const nested = (levels: number, inner: string) => `${'('.repeat(levels)}${inner}${')'.repeat(levels)}`;

/** The shape the resolver writes for nested and/or filters, without the redundant parentheses DynamoDB refuses. */
function resolverShaped(levels: number): string {
  let filter = '#n = :a';
  for (let level = 0; level < levels; level++) filter = level % 2 === 0 ? `(attribute_exists(id)) AND (${filter})` : `(#n = :b) OR (${filter})`;
  return filter;
}

const CORPUS = [
  'attribute_exists(id)',
  'attribute_not_exists(#n) AND #d = :a',
  '#n = :a OR #n = :b AND NOT (#d <> :a)',
  '(#n = :a) OR (#n = :b)',
  '((#n = :a)) AND ((#d = :b))',
  '#n BETWEEN :a AND :b',
  '#n IN (:a, :b)',
  'size(#d) > :n',
  'begins_with(#n, :a) AND contains(#d, :a)',
  'attribute_type(#n, :a)',
  'a.b[0].c = :a',
  '#n.#d[1] = :l',
  nested(6, '#n = :a'),
  nested(3, '#n = :a AND (#d = :b OR (NOT attribute_exists(#d)))'),
  '(#n = :a) OR ((#n = :b) AND (NOT (#d = :a)))',
  resolverShaped(5),
  // Invalid ones: the errors' words must match too.
  '',
  '#n = ',
  '#n = :missing',
  '#unknown = :a',
  'name = :a',
  '(#n = :a',
  '#n = :a)',
  'NOT NOT #n = :a',
  'size(size(#d)) > :n',
  'foo(#n)',
  '#n = :a AND',
  nested(5, '#n ='),
  ':a = :a',
  '#n BETWEEN :b AND :a',
  '#n IN ()',
];

test('for every expression of the corpus, the cached parser answers exactly as dynalite’s own', () => {
  // GIVEN
  const cached = withResultCache(source);
  expect(cached).toBeDefined();
  const [theirs, ours] = [parserFrom(source), parserFrom(cached as string)];

  // WHEN / THEN (conditions, and the same expressions as key conditions, where the grammar checks more)
  for (const isKeyCondition of [false, true]) {
    for (const expression of CORPUS) {
      expect({ expression, isKeyCondition, outcome: outcome(ours, expression, isKeyCondition) }).toEqual({
        expression,
        isKeyCondition,
        outcome: outcome(theirs, expression, isKeyCondition),
      });
    }
  }
});

test('a source not shaped as PEG.js 0.10 generates it is left alone', () => {
  expect(withResultCache('module.exports = { parse() {} };')).toBeUndefined();
});

describe('in the store', () => {
  let store: DynaliteInstance;
  let table: string;

  beforeAll(async () => {
    store = await startDynalite();
    table = await store.createTodoTable();
    for (const name of ['a', 'b']) await store.documentClient.send(new PutItemCommand({ TableName: table, Item: { id: { S: name }, name: { S: name } } }));
  });

  afterAll(async () => {
    await store?.close();
  });

  test('a FilterExpression 40 levels of parentheses deep is answered, with the right items', async () => {
    // GIVEN the shape the resolver writes for nested and/or filters (no redundant parentheses, which DynamoDB refuses);
    // with dynalite's own parser the work doubled about every level (16 levels: 3.9 s): this one would take years
    const filter = resolverShaped(40);

    // WHEN
    const { Items } = await store.documentClient.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: filter,
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':a': { S: 'a' }, ':b': { S: 'nobody' } },
      }),
    );

    // THEN
    expect(Items).toEqual([{ id: { S: 'a' }, name: { S: 'a' } }]);
  });
});
