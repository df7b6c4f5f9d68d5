import { type GeneratedOperation, operationsCaller } from '../../../lambda/callers/operation-caller';

const GET: GeneratedOperation = {
  fieldName: 'getTodo',
  operationType: 'query',
  document: 'query GetTodo($id: ID!) { getTodo(id: $id) { id } }',
  variables: [{ name: 'id', type: 'ID', kind: 'scalar', nonNull: true }],
};
const LIST: GeneratedOperation = {
  fieldName: 'listTodos',
  operationType: 'query',
  document: 'query ListTodos($filter: ModelTodoFilterInput, $limit: Int, $nextToken: String) { listTodos { nextToken } }',
  variables: [
    { name: 'filter', type: 'ModelTodoFilterInput', kind: 'input' },
    { name: 'limit', type: 'Int', kind: 'scalar' },
    { name: 'nextToken', type: 'String', kind: 'scalar' },
  ],
};
const TAGGED: GeneratedOperation = {
  fieldName: 'tagTodo',
  operationType: 'mutation',
  document: 'mutation TagTodo($tags: [String]!, $color: Color, $weight: Float, $done: Boolean) { tagTodo { id } }',
  variables: [
    { name: 'tags', type: 'String', kind: 'scalar', nonNull: true, list: true },
    { name: 'color', type: 'Color', kind: 'enum' },
    { name: 'weight', type: 'Float', kind: 'scalar' },
    { name: 'done', type: 'Boolean', kind: 'scalar' },
  ],
};

describe('the event of a generated caller', () => {
  test('is the variables of its one operation, sent with the generated document', () => {
    const parsed = operationsCaller([GET]).parseEvent({ id: 'todo-1' });
    expect(parsed).toEqual({
      ok: true,
      value: { operation: { operationName: 'GetTodo', operationType: 'query', query: GET.document }, variables: { id: 'todo-1' } },
    });
  });

  test('leaves out what is null or missing, and takes no event as no variables', () => {
    expect(operationsCaller([LIST]).parseEvent({ limit: 5, nextToken: null })).toMatchObject({ ok: true, value: { variables: { limit: 5 } } });
    expect(operationsCaller([LIST]).parseEvent(undefined)).toMatchObject({ ok: true, value: { variables: {} } });
  });

  test('names the operation when there are several', () => {
    const caller = operationsCaller([GET, LIST]);
    expect(caller.name).toBe('GetTodo|ListTodos');
    expect(caller.parseEvent({ operation: 'listTodos', limit: 2 })).toMatchObject({
      ok: true,
      value: { operation: { operationName: 'ListTodos' }, variables: { limit: 2 } },
    });
    expect(caller.parseEvent({ id: 'x' })).toEqual({ ok: false, problems: ['"operation" must be one of getTodo, listTodos, got nothing'] });
  });

  test.each([
    [[GET], {}, 'id is required (ID!)'],
    [[GET], { id: '' }, 'id must be a non-empty string, got the string ""'],
    [[GET], { id: 'x', name: 'y' }, 'unknown field "name": the event accepts only id'],
    [[GET], 'todo-1', 'the event must be a JSON object of the operation\'s variables, got the string "todo-1"'],
    [[LIST], { limit: 1.5 }, 'limit must be an integer, got the number 1.5'],
    [[LIST], { filter: 'name=x' }, 'filter must be a ModelTodoFilterInput object, got the string "name=x"'],
    [[TAGGED], { tags: 'a' }, 'tags must be a list ([String]!), got the string "a"'],
    [[TAGGED], { tags: ['a', 3] }, 'tags[1] must be a string, got the number 3'],
    [[TAGGED], { tags: [], color: 4 }, 'color must be a Color value, got the number 4'],
    [[TAGGED], { tags: [], weight: 'heavy' }, 'weight must be a number, got the string "heavy"'],
    [[TAGGED], { tags: [], done: 'yes' }, 'done must be a boolean, got the string "yes"'],
  ])('refuses %#: %j, saying %s', (operations, event, problem) => {
    const parsed = operationsCaller(operations as GeneratedOperation[]).parseEvent(event);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems).toContain(problem);
  });
});
