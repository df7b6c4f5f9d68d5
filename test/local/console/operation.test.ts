/** The console's choice of the operation to run (local/console/ui/operation.ts), against GraphiQL's stale name. */
import { operationToRun } from '../../../local/console/ui/operation';

const LIST = 'query ListTodos { listTodos { items { id } } }';
const TWO = `${LIST}\nquery GetTodo($id: ID!) { getTodo(id: $id) { id } }`;

test("a name the document does not hold (GraphiQL's, from the previous document) gives way to its one operation", () => {
  expect(operationToRun(LIST, 'GetTodo')).toBe('ListTodos');
  expect(operationToRun('{ listTodos { items { id } } }', 'GetTodo')).toBeNull();
});

test('a name the document holds is kept, and none is chosen among several', () => {
  expect(operationToRun(TWO, 'GetTodo')).toBe('GetTodo');
  expect(operationToRun(TWO, 'Other')).toBe('Other');
  expect(operationToRun(TWO, undefined)).toBeNull();
});

test('text that is not a document is sent as it is, for AppSync to say what is wrong', () => {
  expect(operationToRun('query {', 'GetTodo')).toBe('GetTodo');
});
