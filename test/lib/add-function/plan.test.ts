import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  type AddFunctionAnswers,
  FunctionAuth,
  InvalidAnswerError,
  Project,
  ProjectStateError,
  planAddFunction,
  planRemoveFunction,
} from '../../../lib/add-function';
import { applyPlan } from '../../../lib/file-plan';
import { copyProject, type ProjectCopy } from '../../support/project-copy';

let copy: ProjectCopy;
let project: Project;
beforeEach(() => {
  copy = copyProject();
  project = new Project(copy.root);
});
afterEach(() => copy.remove());

const READ_TODO_PROBE: AddFunctionAnswers = { name: 'readTodoProbe', auth: FunctionAuth.IAM, operations: ['getTodo'], format: 'esm' };

function add(answers: AddFunctionAnswers): string[] {
  return applyPlan(planAddFunction(answers, project).plan, copy.root);
}

describe('add-function writes a caller', () => {
  test("what it writes passes the project's lint and format check (Biome) as it is", () => {
    // GIVEN two callers of each kind, several operations (a stack line longer than the line width)
    add(READ_TODO_PROBE);
    add({ name: 'everyTodoProbe', auth: FunctionAuth.API_KEY, operations: ['getTodo', 'listTodos', 'createTodo', 'updateTodo', 'deleteTodo'], format: 'cjs' });
    // WHEN
    const check = spawnSync(
      process.execPath,
      [require.resolve('@biomejs/biome/bin/biome'), 'check', '--vcs-use-ignore-file=false', 'lambda', 'test', 'lib', 'biome.json'],
      { cwd: copy.root, encoding: 'utf8' },
    );
    // THEN
    expect(check.stdout + check.stderr).toMatch(/Checked \d+ files/);
    expect(check.status).toBe(0);
  });

  test('its handler, its test, its stack line, its README example and its manifest entry, and nothing else', () => {
    // GIVEN
    const before = copy.snapshot();
    // WHEN
    const written = add(READ_TODO_PROBE);
    // THEN
    expect(written.sort()).toEqual([
      'README.md',
      'lambda/callers/read-todo-probe.ts',
      'lib/added-functions.json',
      'lib/callers-stack.ts',
      'test/lambda/callers/added/read-todo-probe.test.ts',
    ]);
    const after = copy.snapshot();
    const changed = Object.keys(after)
      .filter((file) => before[file] !== after[file])
      .sort();
    expect(changed).toEqual(written.sort());
    // The stack gets exactly one line, above the marker, granting exactly the chosen field.
    const addedLines = after['lib/callers-stack.ts'].split('\n').filter((line) => !before['lib/callers-stack.ts'].split('\n').includes(line));
    expect(addedLines).toEqual(["    add('readTodoProbe', 'read-todo-probe.ts', CallerAuthMode.IAM, [{ typeName: 'Query', fieldName: 'getTodo' }]);"]);
    const handler = after['lambda/callers/read-todo-probe.ts'];
    expect(handler).toContain("import { getTodo } from '../../graphql/queries';");
    expect(handler).toContain("variables: [{ name: 'id', type: 'ID', kind: 'scalar', nonNull: true }]");
    expect(handler).toContain('createOperationsHandler(operations, containerRuntime)');
    expect(after['README.md']).toContain('- `readTodoProbe` (IAM; Query.getTodo): `npm run invoke -- ');
    // Written for the project as shipped and after a user added functions of their own.
    expect(JSON.parse(after['lib/added-functions.json']).functions).toEqual([
      ...JSON.parse(before['lib/added-functions.json']).functions,
      expect.objectContaining({ name: 'readTodoProbe', auth: 'iam', operations: ['getTodo'] }),
    ]);
  });

  test('an API-key caller runs on the API-key-only runtime; CommonJS is passed on the stack line', () => {
    add({ name: 'createTodoProbe', auth: FunctionAuth.API_KEY, operations: ['createTodo', 'listTodos'], format: 'cjs' });
    const handler = copy.read('lambda/callers/create-todo-probe.ts');
    expect(handler).toContain("import { createTodo } from '../../graphql/mutations';");
    expect(handler).toContain("import { listTodos } from '../../graphql/queries';");
    expect(handler).toContain('createOperationsHandler(operations, apiKeyContainerRuntime)');
    expect(handler).toContain('"operation" is one of createTodo, listTodos');
    expect(copy.read('lib/callers-stack.ts')).toContain(
      "    add('createTodoProbe', 'create-todo-probe.ts', CallerAuthMode.API_KEY, [{ typeName: 'Mutation', fieldName: 'createTodo' }, { typeName: 'Query', fieldName: 'listTodos' }], { moduleFormat: 'cjs' });",
    );
  });

  test('no operations is a Hello World handler that calls nothing and is granted nothing', () => {
    add({ name: 'helloProbe', auth: FunctionAuth.IAM, operations: [], format: 'esm' });
    expect(copy.read('lambda/callers/hello-probe.ts')).toContain('Hello from');
    expect(copy.read('lib/callers-stack.ts')).toContain("    add('helloProbe', 'hello-probe.ts', CallerAuthMode.IAM, []);");
  });
});

describe('add-function refuses, writing nothing', () => {
  test.each([
    ['a name that is not camelCase', { ...READ_TODO_PROBE, name: 'Get-Todo' }, /function name "Get-Todo" must be camelCase/],
    ['a name too short', { ...READ_TODO_PROBE, name: 'ab' }, /must be camelCase/],
    ['a name the app already uses', { ...READ_TODO_PROBE, name: 'listTodosIam' }, /a function named listTodosIam already exists in lib\/callers-stack.ts/],
    [
      'an unknown operation',
      { ...READ_TODO_PROBE, operations: ['searchTodos'] },
      /unknown operation "searchTodos": the schema's generated documents offer getTodo, listTodos/,
    ],
    ['a subscription', { ...READ_TODO_PROBE, operations: ['onCreateTodo'] }, /onCreateTodo is a subscription: it needs a WebSocket client/],
    ['an operation twice', { ...READ_TODO_PROBE, operations: ['getTodo', 'getTodo'] }, /an operation is named twice/],
    ['an unknown auth mode', { ...READ_TODO_PROBE, auth: 'cognito' as FunctionAuth }, /auth must be one of apiKey, iam/],
  ])('%s', (_, answers, message) => {
    const before = copy.snapshot();
    expect(() => add(answers)).toThrow(InvalidAnswerError);
    expect(() => add(answers)).toThrow(message);
    expect(copy.snapshot()).toEqual(before);
  });

  test('a second run with the same name', () => {
    add(READ_TODO_PROBE);
    const before = copy.snapshot();
    expect(() => add(READ_TODO_PROBE)).toThrow(/a function named readTodoProbe already exists/);
    expect(copy.snapshot()).toEqual(before);
  });

  test('a stack file whose marker line is gone, saying which line to put back', () => {
    const stack = path.join(copy.root, 'lib/callers-stack.ts');
    writeFileSync(stack, copy.read('lib/callers-stack.ts').replace('    // npm run add-function adds its callers above this line.\n', ''));
    const before = copy.snapshot();
    expect(() => add(READ_TODO_PROBE)).toThrow(ProjectStateError);
    expect(() => add(READ_TODO_PROBE)).toThrow(/lib\/callers-stack.ts has lost the line add-function inserts above/);
    expect(copy.snapshot()).toEqual(before);
  });
});

describe('remove-function', () => {
  test('undoes exactly what add-function wrote', () => {
    const before = copy.snapshot();
    add(READ_TODO_PROBE);
    add({ name: 'scanTodosProbe', auth: FunctionAuth.API_KEY, operations: ['listTodos'], format: 'esm' });
    applyPlan(planRemoveFunction('readTodoProbe', project), copy.root);
    applyPlan(planRemoveFunction('scanTodosProbe', project), copy.root);
    expect(copy.snapshot()).toEqual(before);
  });

  test('refuses while a file it wrote was changed, unless forced', () => {
    add(READ_TODO_PROBE);
    const handler = path.join(copy.root, 'lambda/callers/read-todo-probe.ts');
    writeFileSync(handler, `${copy.read('lambda/callers/read-todo-probe.ts')}// my change\n`);
    expect(() => planRemoveFunction('readTodoProbe', project)).toThrow(/lambda\/callers\/read-todo-probe.ts was changed since add-function wrote it/);
    applyPlan(planRemoveFunction('readTodoProbe', project, { force: true }), copy.root);
    expect(existsSync(handler)).toBe(false);
    expect(copy.read('lib/callers-stack.ts')).not.toContain('readTodoProbe');
  });

  test('refuses a caller it did not add, naming those it did', () => {
    add(READ_TODO_PROBE);
    expect(() => planRemoveFunction('listTodosIam', project)).toThrow(
      /no function named "listTodosIam" was added by npm run add-function; it added (.*, )?readTodoProbe/,
    );
  });
});
