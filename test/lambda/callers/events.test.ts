import { parseCreateTodoEvent, parseListTodosEvent } from '../../../lambda/callers/events';

describe('parseListTodosEvent', () => {
  it.each([
    ['no payload', undefined, {}],
    ['null', null, {}],
    ['an empty object', {}, {}],
    [
      'every field',
      { limit: 1000, nextToken: 'abc', filter: { name: { contains: 'milk' } } },
      { limit: 1000, nextToken: 'abc', filter: { name: { contains: 'milk' } } },
    ],
    ['null optional fields (a pagination loop passing nextToken: null back)', { limit: null, nextToken: null, filter: null }, {}],
    ['limit 1', { limit: 1 }, { limit: 1 }],
  ])('accepts %s', (_case, event, value) => {
    expect(parseListTodosEvent(event)).toEqual({ ok: true, value });
  });

  it.each([
    ['limit 0', { limit: 0 }, 'limit must be an integer from 1 to 1000, got the number 0'],
    ['limit 1001', { limit: 1001 }, 'limit must be an integer from 1 to 1000, got the number 1001'],
    ['a fractional limit', { limit: 2.5 }, 'limit must be an integer from 1 to 1000, got the number 2.5'],
    ['a limit in a string', { limit: '10' }, 'limit must be an integer from 1 to 1000, got the string "10"'],
    ['a numeric nextToken', { nextToken: 5 }, 'nextToken must be a string (the nextToken of the previous page), got the number 5'],
    [
      'a filter that is a string',
      { filter: 'milk' },
      'filter must be a ModelTodoFilterInput object such as {"name":{"contains":"milk"}}, got the string "milk"',
    ],
    ['a filter that is an array', { filter: [] }, 'filter must be a ModelTodoFilterInput object such as {"name":{"contains":"milk"}}, got an array'],
    ['an unknown field', { limit: 5, pageSize: 5 }, 'unknown field "pageSize": the event accepts only limit, nextToken, filter'],
    ['an array event', [1], 'the event must be a JSON object like {"limit":10}, got an array'],
    ['a string event', 'list', 'the event must be a JSON object like {"limit":10}, got the string "list"'],
  ])('refuses %s, naming the field and what it should be', (_case, event, problem) => {
    expect(parseListTodosEvent(event)).toEqual({ ok: false, problems: [problem] });
  });

  it('reports every problem at once', () => {
    const parsed = parseListTodosEvent({ limit: -1, nextToken: false, extra: 1 });
    expect(parsed.ok ? [] : parsed.problems).toHaveLength(3);
  });

  it('shortens a long value in the message', () => {
    const parsed = parseListTodosEvent({ limit: 'y'.repeat(500) });
    expect(parsed).toEqual({ ok: false, problems: [`limit must be an integer from 1 to 1000, got the string "${'y'.repeat(40)}…"`] });
  });
});

describe('parseCreateTodoEvent', () => {
  it.each([
    ['a name', { name: 'Buy milk' }, { name: 'Buy milk' }],
    ['every field', { name: 'Buy milk', description: '2 litres', id: 'todo-1' }, { name: 'Buy milk', description: '2 litres', id: 'todo-1' }],
    ['an empty description', { name: 'a', description: '' }, { name: 'a', description: '' }],
    ['null optional fields', { name: 'a', description: null, id: null }, { name: 'a' }],
  ])('accepts %s', (_case, event, value) => {
    expect(parseCreateTodoEvent(event)).toEqual({ ok: true, value });
  });

  it.each([
    ['no name', {}, 'name must be a non-empty string, got nothing'],
    ['a blank name', { name: '   ' }, 'name must be a non-empty string, got the string "   "'],
    ['a numeric name', { name: 42 }, 'name must be a non-empty string, got the number 42'],
    ['a description object', { name: 'a', description: { text: 'x' } }, 'description must be a string, got an object'],
    ['an empty id', { name: 'a', id: '' }, 'id must be a non-empty string (choose it to make the create safe to retry), got the string ""'],
    ['a numeric id', { name: 'a', id: 7 }, 'id must be a non-empty string (choose it to make the create safe to retry), got the number 7'],
    ['an unknown field', { name: 'a', title: 'b' }, 'unknown field "title": the event accepts only name, description, id'],
    ['no payload', undefined, 'the event must be a JSON object like {"name":"Buy milk"}, got nothing'],
  ])('refuses %s, naming the field and what it should be', (_case, event, problem) => {
    expect(parseCreateTodoEvent(event)).toEqual({ ok: false, problems: [problem] });
  });
});
