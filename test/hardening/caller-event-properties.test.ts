/**
 * The callers' event checks, property-based: for any JSON value (and values JSON cannot carry, as a direct SDK or test
 * caller might pass), the parser never throws, accepts exactly the events its contract describes (an independent
 * statement of it below), and names every wrong field when it refuses.
 */
import fc from 'fast-check';
import { MAX_LIST_LIMIT, parseCreateTodoEvent, parseListTodosEvent } from '../../lambda/callers/events';

const RUNS = Number(process.env.FC_RUNS ?? 1);
const fcOptions = (numRuns: number) => ({
  numRuns: Math.max(1, Math.round(numRuns * RUNS)),
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
});

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const absent = (value: unknown) => value === undefined || value === null;
const isJson = (value: unknown): boolean =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value)) ||
  (Array.isArray(value) && value.every(isJson)) ||
  (isPlainObject(value) && Object.values(value).every(isJson));

/** The wrong fields of a listTodos event, by the README's contract; undefined when the event is not an object at all. */
function listProblems(event: unknown): string[] | undefined {
  if (absent(event)) return [];
  if (!isPlainObject(event)) return undefined;
  const wrong = Object.keys(event).filter((key) => !['limit', 'nextToken', 'filter'].includes(key));
  const { limit, nextToken, filter } = event;
  if (!absent(limit) && !(typeof limit === 'number' && Number.isInteger(limit) && limit >= 1 && limit <= MAX_LIST_LIMIT)) wrong.push('limit');
  if (!absent(nextToken) && typeof nextToken !== 'string') wrong.push('nextToken');
  if (!absent(filter) && !(isPlainObject(filter) && isJson(filter))) wrong.push('filter');
  return wrong;
}

function createProblems(event: unknown): string[] | undefined {
  if (!isPlainObject(event)) return undefined;
  const wrong = Object.keys(event).filter((key) => !['name', 'description', 'id'].includes(key));
  const { name, description, id } = event;
  if (typeof name !== 'string' || name.trim() === '') wrong.push('name');
  if (!absent(description) && typeof description !== 'string') wrong.push('description');
  if (!absent(id) && (typeof id !== 'string' || id.trim() === '')) wrong.push('id');
  return wrong;
}

/** Values a caller may be handed: any JSON, plus what only a direct invocation could pass. */
const anyValue = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  fc.constantFrom(undefined, NaN, Infinity, -Infinity, -0, 2 ** 53, 1e-9),
  fc.bigInt().map((value) => value as unknown),
  fc.func(fc.anything()).map((value) => value as unknown),
);
const field = (names: readonly string[]) => fc.dictionary(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 8 })), anyValue, { maxKeys: 5 });
const listEvent = fc.oneof(
  anyValue,
  field(['limit', 'nextToken', 'filter']),
  fc.record(
    {
      limit: fc.oneof(fc.constantFrom(0, 1, MAX_LIST_LIMIT, MAX_LIST_LIMIT + 1, 1.5), fc.integer({ min: -5, max: 1005 }), anyValue),
      nextToken: fc.oneof(fc.string(), anyValue),
      filter: anyValue,
    },
    { requiredKeys: [] },
  ),
);
const createEvent = fc.oneof(
  anyValue,
  field(['name', 'description', 'id']),
  fc.record(
    {
      name: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('', '  ', '\t\n'), anyValue),
      description: fc.oneof(fc.string(), anyValue),
      id: fc.oneof(fc.string({ maxLength: 5 }), anyValue),
    },
    { requiredKeys: [] },
  ),
);

function mentions(problems: readonly string[], fieldName: string): boolean {
  return problems.some((problem) => problem.startsWith(`${fieldName} `) || problem.startsWith(`unknown field ${JSON.stringify(fieldName)}:`));
}

test('parseListTodosEvent accepts exactly the events of its contract and names each wrong field', () => {
  fc.assert(
    fc.property(listEvent, (event) => {
      const parsed = parseListTodosEvent(event);
      const expected = listProblems(event);
      if (expected === undefined) {
        expect(parsed).toEqual({ ok: false, problems: [expect.stringMatching(/^the event must be a JSON object/)] });
      } else if (expected.length === 0) {
        expect(parsed.ok).toBe(true);
      } else {
        expect(parsed.ok).toBe(false);
        const problems = parsed.ok ? [] : parsed.problems;
        for (const wrong of expected) expect({ wrong, named: mentions(problems, wrong) }).toEqual({ wrong, named: true });
        expect(problems).toHaveLength(expected.length);
      }
    }),
    fcOptions(3000),
  );
});

test('parseCreateTodoEvent accepts exactly the events of its contract and names each wrong field', () => {
  fc.assert(
    fc.property(createEvent, (event) => {
      const parsed = parseCreateTodoEvent(event);
      const expected = createProblems(event);
      if (expected === undefined) {
        expect(parsed).toEqual({ ok: false, problems: [expect.stringMatching(/^the event must be a JSON object/)] });
      } else if (expected.length === 0) {
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(parsed.value.name).toBe((event as { name: string }).name);
      } else {
        expect(parsed.ok).toBe(false);
        const problems = parsed.ok ? [] : parsed.problems;
        for (const wrong of expected) expect({ wrong, named: mentions(problems, wrong) }).toEqual({ wrong, named: true });
        expect(problems).toHaveLength(expected.length);
      }
    }),
    fcOptions(3000),
  );
});

test('a refusal message stays short, whatever the size of the value it describes', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1000, maxLength: 5000 }), (long) => {
      const parsed = parseListTodosEvent({ limit: long, nextToken: 5, filter: long });
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) for (const problem of parsed.problems) expect(problem.length).toBeLessThan(300);
    }),
    fcOptions(100),
  );
});
