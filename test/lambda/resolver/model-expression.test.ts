import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../../lambda/resolver/errors';
import { ExpressionAttributes } from '../../../lambda/resolver/expression-attributes';
import { ModelExpressionTranslator } from '../../../lambda/resolver/model-expression';
import { expectResolverError, TODO_API, TODO_MODEL, type TodoResolver, useTodoTable } from './resolver-fixture';

const translator = new ModelExpressionTranslator(TODO_API);
const translateTodoFilter = (filter: unknown, attributes: ExpressionAttributes) => translator.translate(filter, 'filter', TODO_MODEL.filter!, attributes);
const translateTodoCondition = (condition: unknown, attributes: ExpressionAttributes) =>
  translator.translate(condition, 'condition', TODO_MODEL.condition!, attributes);

const table = useTodoTable();

function translatedFilter(filter: unknown): { expression: string | undefined } & ReturnType<ExpressionAttributes['toCommandInput']> {
  const attributes = new ExpressionAttributes();
  const expression = translateTodoFilter(filter, attributes);
  return { expression, ...attributes.toCommandInput(expression) };
}

function translationError(translate: () => unknown): Error {
  try {
    translate();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected the translation to throw');
}

describe('translation', () => {
  test('puts every attribute name and value behind a placeholder', () => {
    expect(
      translatedFilter({
        name: { eq: "x' OR 1=1" },
        or: [{ description: { beginsWith: ':v0' } }, { not: { id: { attributeExists: false } } }],
      }),
    ).toEqual({
      expression: '(#n0 = :v0) AND ((begins_with(#n1, :v1)) OR (NOT (attribute_not_exists(#n2))))',
      ExpressionAttributeNames: { '#n0': 'name', '#n1': 'description', '#n2': 'id' },
      ExpressionAttributeValues: { ':v0': "x' OR 1=1", ':v1': ':v0' },
    });
  });

  test('reuses one placeholder per attribute name', () => {
    expect(translatedFilter({ name: { ge: 'a', lt: 'b' } })).toEqual({
      expression: '(#n0 >= :v0) AND (#n0 < :v1)',
      ExpressionAttributeNames: { '#n0': 'name' },
      ExpressionAttributeValues: { ':v0': 'a', ':v1': 'b' },
    });
  });

  test.each([
    [{ name: { attributeType: 'binary' } }, 'B'],
    [{ name: { attributeType: 'binarySet' } }, 'BS'],
    [{ name: { attributeType: 'bool' } }, 'BOOL'],
    [{ name: { attributeType: 'list' } }, 'L'],
    [{ name: { attributeType: 'map' } }, 'M'],
    [{ name: { attributeType: 'number' } }, 'N'],
    [{ name: { attributeType: 'numberSet' } }, 'NS'],
    [{ name: { attributeType: 'string' } }, 'S'],
    [{ name: { attributeType: 'stringSet' } }, 'SS'],
    [{ name: { attributeType: '_null' } }, 'NULL'],
  ])('maps attributeType %j to DynamoDB type %s', (filter, dynamoDbType) => {
    expect(translatedFilter(filter)).toEqual({
      expression: 'attribute_type(#n0, :v0)',
      ExpressionAttributeNames: { '#n0': 'name' },
      ExpressionAttributeValues: { ':v0': dynamoDbType },
    });
  });

  test.each([null, undefined, {}, { name: {} }, { name: null }, { and: [] }, { and: null, not: null }, { or: [{}, { name: { eq: 'x' } }] }])(
    'treats %j as no filter, sending no placeholders',
    (filter) => {
      expect(translatedFilter(filter)).toEqual({ expression: undefined });
    },
  );

  test('refuses nesting deeper than 50 levels with a clear error instead of overflowing the stack', () => {
    const nestedNot = (levels: number): Record<string, unknown> =>
      Array.from({ length: levels }).reduce<Record<string, unknown>>((inner) => ({ not: inner }), { name: { eq: 'x' } });
    const nestedAnd = (levels: number): Record<string, unknown> =>
      Array.from({ length: levels }).reduce<Record<string, unknown>>((inner) => ({ and: [inner] }), { name: { eq: 'x' } });

    expect(translatedFilter(nestedNot(50)).expression).toContain('NOT');
    for (const tooDeep of [nestedNot(51), nestedAnd(51), nestedNot(100_000)]) {
      const error = translationError(() => translateTodoFilter(tooDeep, new ExpressionAttributes()));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/^ValidationException: filter\..*nests and\/or\/not more than 50 levels deep$/);
    }
  });

  test('leaves `id` out of conditions, as Amplify does, and says what is allowed', () => {
    const error = translationError(() => translateTodoCondition({ id: { eq: 'x' } }, new ExpressionAttributes()));
    expect(error).toBeInstanceOf(ValidationError);
    // The list is the schema's (with priority added, it names priority too); the app's fields are all in it.
    expect(error.message).toBe(
      `ValidationException: unknown field 'id' in condition; expected one of ${[...Object.keys(TODO_MODEL.condition!), 'and', 'or', 'not'].join(', ')}`,
    );
    expect(Object.keys(TODO_MODEL.condition!)).toEqual(expect.arrayContaining(['name', 'description', 'createdAt', 'updatedAt']));
    expect(Object.keys(TODO_MODEL.condition!)).not.toContain('id');
  });

  test.each([
    [{ title: { eq: 'x' } }, `unknown field 'title' in filter; expected one of ${[...Object.keys(TODO_MODEL.filter!), 'and', 'or', 'not'].join(', ')}`],
    [
      { and: [{ name: { like: 'x' } }] },
      "unknown operator 'like' in filter.and[0].name; expected one of eq, ne, le, lt, ge, gt, contains, notContains, between, beginsWith, attributeExists, attributeType, size",
    ],
    [{ name: { size: { contains: 1 } } }, "unknown operator 'contains' in filter.name.size; expected one of eq, ne, le, lt, ge, gt, between"],
    [{ name: { between: ['a'] } }, 'filter.name.between needs exactly 2 elements, a lower and an upper bound (got ["a"])'],
    [{ name: { between: ['a', 'b', 'c'] } }, 'filter.name.between needs exactly 2 elements'],
    [{ name: { between: 'a' } }, 'filter.name.between needs exactly 2 elements'],
    [{ name: { between: ['a', null] } }, 'filter.name.between[1] must be a string (got null)'],
    [{ name: { size: { between: [1] } } }, 'filter.name.size.between needs exactly 2 elements'],
    [{ name: { size: { between: [1, 2.5] } } }, 'filter.name.size.between[1] must be an integer (got 2.5)'],
    [{ name: { size: { gt: '3' } } }, 'filter.name.size.gt must be an integer (got "3")'],
    [{ name: { eq: 5 } }, 'filter.name.eq must be a string (got 5)'],
    [{ name: { contains: null } }, 'filter.name.contains is null, but only eq and ne can compare with null'],
    [{ name: { lt: null } }, 'filter.name.lt is null, but only eq and ne can compare with null'],
    [{ name: { between: null } }, 'filter.name.between is null, but only eq and ne can compare with null'],
    [{ name: { size: null } }, 'filter.name.size is null, but only eq and ne can compare with null'],
    [{ name: { size: { eq: null } } }, 'filter.name.size.eq must be an integer (got null)'],
    [{ name: { unknownOp: null } }, "unknown operator 'unknownOp' in filter.name"],
    [{ title: null }, "unknown field 'title' in filter"],
    [{ name: { attributeExists: 'yes' } }, 'filter.name.attributeExists must be a boolean (got "yes")'],
    [
      { name: { attributeType: 'S' } },
      'filter.name.attributeType must be one of binary, binarySet, bool, list, map, number, numberSet, string, stringSet, _null (got "S")',
    ],
    [{ name: { attributeType: 'toString' } }, 'filter.name.attributeType must be one of'],
    [{ name: 'apple' }, 'filter.name must be an input object (got "apple")'],
    [{ or: [] }, 'filter.or is an empty list, which would match nothing'],
    [{ or: {} }, 'filter.or must be a list'],
    [{ and: [{ name: { eq: 'x' } }, null] }, 'filter.and[1] is null; remove it'],
    [{ not: {} }, 'filter.not has no conditions, so its negation would match nothing'],
    [{ not: { or: [{ not: { name: {} } }] } }, 'filter.not.or[0].not has no conditions'],
    [['name'], 'filter must be an input object (got ["name"])'],
    ['name = x', 'filter must be an input object'],
  ])('refuses %j, naming the path', (filter, detail) => {
    const error = translationError(() => translateTodoFilter(filter, new ExpressionAttributes()));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain(`ValidationException: ${detail}`);
  });
});

/*
 * The same cases run as a listTodos filter and as an updateTodo condition
 * against dynalite, so the expressions are checked by a real evaluator, not
 * just by their text.
 */
const T = (second: number): string => `2024-05-01T10:00:0${second}.000Z`;

async function seedFruit(resolver: TodoResolver): Promise<void> {
  const seeds = [
    { id: 'a', name: 'apple', description: 'red fruit' },
    { id: 'b', name: 'banana', description: 'yellow fruit' },
    { id: 'c', name: 'cherry' },
    { id: 'd', name: 'date palm', description: 'sweet' },
    { id: 'e', description: 'mystery' },
  ];
  for (const input of seeds) await resolver.createTodo({ input });
}

function clockFrom(seconds: number[]): () => Date {
  let reading = 0;
  return () => new Date(T(seconds[Math.min(reading++, seconds.length - 1)]));
}

const ALL = ['a', 'b', 'c', 'd', 'e'];
// Each case lists the fruit it matches; seeded at T(0)..T(4), in alphabetical order.
const OPERATOR_CASES: [string, Record<string, unknown>, string[]][] = [
  ['eq', { name: { eq: 'banana' } }, ['b']],
  ['ne (a missing attribute counts as not equal)', { name: { ne: 'banana' } }, ['a', 'c', 'd', 'e']],
  ['le', { name: { le: 'banana' } }, ['a', 'b']],
  ['lt', { name: { lt: 'banana' } }, ['a']],
  ['ge', { name: { ge: 'cherry' } }, ['c', 'd']],
  ['gt', { name: { gt: 'cherry' } }, ['d']],
  ['contains', { name: { contains: 'an' } }, ['b']],
  ['notContains (a missing attribute does not contain)', { description: { notContains: 'fruit' } }, ['c', 'd', 'e']],
  ['between (inclusive)', { name: { between: ['banana', 'cherry'] } }, ['b', 'c']],
  ['beginsWith', { name: { beginsWith: 'da' } }, ['d']],
  ['attributeExists true', { description: { attributeExists: true } }, ['a', 'b', 'd', 'e']],
  ['attributeExists false', { description: { attributeExists: false } }, ['c']],
  ['attributeType string', { name: { attributeType: 'string' } }, ['a', 'b', 'c', 'd']],
  ['attributeType number', { name: { attributeType: 'number' } }, []],
  ['size eq', { name: { size: { eq: 5 } } }, ['a']],
  ['size ne (a missing attribute has no size, so it is not equal)', { name: { size: { ne: 5 } } }, ['b', 'c', 'd', 'e']],
  ['size le', { name: { size: { le: 6 } } }, ['a', 'b', 'c']],
  ['size lt', { name: { size: { lt: 6 } } }, ['a']],
  ['size ge', { name: { size: { ge: 6 } } }, ['b', 'c', 'd']],
  ['size gt', { name: { size: { gt: 6 } } }, ['d']],
  ['size between', { name: { size: { between: [6, 9] } } }, ['b', 'c', 'd']],
  ['eq null (missing)', { name: { eq: null } }, ['e']],
  ['ne null (present)', { name: { ne: null } }, ['a', 'b', 'c', 'd']],
  ['a timestamp range', { createdAt: { between: [T(1), T(3)] } }, ['b', 'c', 'd']],
  ['updatedAt', { updatedAt: { lt: T(1) } }, ['a']],
  ['several operators on one field are ANDed', { name: { ge: 'b', lt: 'd' } }, ['b', 'c']],
  ['several fields are ANDed', { name: { beginsWith: 'b' }, description: { contains: 'yellow' } }, ['b']],
  ['several fields that never hold together', { name: { beginsWith: 'b' }, description: { contains: 'red' } }, []],
  ['and', { and: [{ name: { ge: 'b' } }, { name: { lt: 'd' } }] }, ['b', 'c']],
  ['or', { or: [{ name: { eq: 'apple' } }, { description: { eq: 'sweet' } }] }, ['a', 'd']],
  ['not', { not: { name: { beginsWith: 'b' } } }, ['a', 'c', 'd', 'e']],
  ['and beside fields', { description: { contains: 'fruit' }, and: [{ not: { name: { eq: 'apple' } } }] }, ['b']],
  [
    'nested and/or/not',
    {
      or: [
        { and: [{ name: { beginsWith: 'a' } }, { not: { description: { contains: 'yellow' } } }] },
        { not: { or: [{ name: { attributeExists: true } }, { description: { eq: 'nothing' } }] } },
      ],
    },
    ['a', 'e'],
  ],
  ['not of not', { not: { not: { name: { eq: 'cherry' } } } }, ['c']],
  ['an or with an unconstrained branch', { or: [{ name: {} }, { name: { eq: 'apple' } }] }, ALL],
];

describe('every operator as a listTodos filter', () => {
  test.each(OPERATOR_CASES)('%s', async (_, filter, expectedIds) => {
    await seedFruit(table.resolverWith({ now: clockFrom([0, 1, 2, 3, 4]) }));
    const { items, nextToken } = await table.resolver.listTodos({ filter });
    expect(items.map((todo) => todo.id).sort()).toEqual(expectedIds);
    expect(nextToken).toBeNull();
  });

  test('an id filter', async () => {
    await seedFruit(table.resolver);
    const page = await table.resolver.listTodos({ filter: { id: { between: ['b', 'd'] }, not: { id: { eq: 'c' } } } });
    expect(page.items.map((todo) => todo.id).sort()).toEqual(['b', 'd']);
  });

  test('a between whose bounds are reversed is a clear ValidationException from DynamoDB', async () => {
    await expectResolverError(
      table.resolver.listTodos({ filter: { name: { between: ['z', 'a'] } } }),
      'ValidationException',
      /^ValidationException: DynamoDB rejected the request: .*BETWEEN/,
    );
  });

  test('an unknown operator is refused before any scan', async () => {
    await expectResolverError(
      table.resolver.listTodos({ filter: { name: { startsWith: 'a' } } as never }),
      'ValidationException',
      "unknown operator 'startsWith' in filter.name",
    );
  });
});

describe('every operator as an updateTodo condition', () => {
  // ne/notContains/eq null semantics on a missing attribute matter most here: they decide whether a write happens.
  const conditionCases = OPERATOR_CASES.filter(([, condition]) => !('id' in condition));

  test.each(conditionCases)('%s', async (_, condition, expectedIds) => {
    await seedFruit(table.resolverWith({ now: clockFrom([0, 1, 2, 3, 4]) }));
    const writtenIds: string[] = [];
    for (const id of ALL) {
      try {
        await table.resolver.updateTodo({ input: { id }, condition });
        writtenIds.push(id);
      } catch (error) {
        expect(error).toMatchObject({ name: 'ConditionalCheckFailedException', reason: 'ConditionNotMet' });
      }
    }
    expect(writtenIds).toEqual(expectedIds);
  });
});

describe('attributeType against every DynamoDB type', () => {
  const TYPED_NAMES: [string, unknown][] = [
    ['binary', new Uint8Array([1, 2])],
    ['binarySet', new Set([new Uint8Array([1]), new Uint8Array([2])])],
    ['bool', true],
    ['list', ['x']],
    ['map', { x: 1 }],
    ['number', 42],
    ['numberSet', new Set([1, 2])],
    ['string', 'text'],
    ['stringSet', new Set(['x', 'y'])],
    ['_null', null],
  ];

  test.each(TYPED_NAMES.map(([type]) => type))('%s matches only the item whose name has that type', async (type) => {
    // Written around the resolver: its own items only ever hold strings.
    for (const [typeName, value] of TYPED_NAMES) {
      await table.dynalite.documentClient.send(new PutCommand({ TableName: table.tableName, Item: { id: typeName, name: value } }));
    }
    const { items } = await table.resolver.listTodos({ filter: { name: { attributeType: type as never } } });
    expect(items.map((todo) => todo.id)).toEqual([type]);
  });

  test('eq null also matches a NULL written by another tool', async () => {
    await table.dynalite.documentClient.send(new PutCommand({ TableName: table.tableName, Item: { id: 'null-name', name: null } }));
    await table.resolver.createTodo({ input: { id: 'no-name' } });
    await table.resolver.createTodo({ input: { id: 'named', name: 'n' } });
    const { items } = await table.resolver.listTodos({ filter: { name: { eq: null } } });
    expect(items.map((todo) => todo.id).sort()).toEqual(['no-name', 'null-name']);
  });
});
