/**
 * add-function and remove-function as a user runs them: with flags (scripts, CI), and interactively in a terminal
 * (a real pseudo-terminal from util-linux `script`, keys typed as each prompt appears).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { copyProject, PROJECT_ROOT, type ProjectCopy } from '../../support/project-copy';
import { runScript, type ScriptRun } from '../../support/run-script';

jest.setTimeout(120_000);

type Run = ScriptRun;
const run = runScript;

/** Runs add-function in a pseudo-terminal, answering each prompt (matched by its text) with the given keys. */
function runInTerminal(args: readonly string[], answers: ReadonlyArray<[RegExp, string]>): Promise<Run & { answered: number }> {
  const command = [process.execPath, '-r', 'ts-node/register/transpile-only', 'bin/add-function.ts', ...args].map((part) => `'${part}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: PROJECT_ROOT, env: { ...process.env, TERM: 'xterm' } });
    let screen = '';
    let all = '';
    let answered = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      all += chunk.toString();
      while (answered < answers.length && answers[answered][0].test(screen)) {
        child.stdin.write(answers[answered][1]);
        screen = '';
        answered++;
      }
    });
    // A prompt that never appears must fail the test, not hang it: the terminal is closed after a minute.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: all, stderr: '', answered });
    });
  });
}

const ENTER = '\r';
const DOWN = '\x1b[B';
const SPACE = ' ';

let copies: ProjectCopy[] = [];
const newCopy = () => {
  const copy = copyProject();
  copies.push(copy);
  return copy;
};
afterEach(() => {
  for (const copy of copies) copy.remove();
  copies = [];
});

describe('npm run add-function', () => {
  test('the interactive flow, in a terminal, writes the same files as the flags', async () => {
    // GIVEN two copies of the project
    const byFlags = newCopy();
    const byPrompts = newCopy();
    // WHEN one is answered by flags, the other at the prompts (IAM is the second auth choice, getTodo the first operation)
    const flags = await run('bin/add-function.ts', [
      '--project',
      byFlags.root,
      '--name',
      'readTodoProbe',
      '--auth',
      'iam',
      '--operations',
      'getTodo',
      '--format',
      'esm',
      '--yes',
    ]);
    const prompts = await runInTerminal(
      ['--project', byPrompts.root],
      [
        [/Provide a name for your Lambda function/, `readTodoProbe${ENTER}`],
        [/How should it call the GraphQL API/, `${DOWN}${ENTER}`],
        [/Choose the function template/, ENTER],
        [/Select the operations you want to permit on todoapi/, `${SPACE}${ENTER}`],
        [/Module format of the bundle/, ENTER],
        [/Write readTodoProbe \(IAM; getTodo; esm\)\?/, ENTER],
      ],
    );
    // THEN
    expect(flags).toMatchObject({ code: 0 });
    expect(prompts.answered).toBe(6);
    expect(prompts.code).toBe(0);
    expect(prompts.stdout).toContain('-- Query --');
    expect(byPrompts.snapshot()).toEqual(byFlags.snapshot());
    expect(existsSync(path.join(byFlags.root, 'lambda/callers/read-todo-probe.ts'))).toBe(true);
  });

  test('a name already taken is refused at the prompt, which asks again', async () => {
    const copy = newCopy();
    const result = await runInTerminal(
      ['--project', copy.root, '--auth', 'api-key', '--operations', 'listTodos', '--yes'],
      [
        [/Provide a name for your Lambda function/, `listTodosIam${ENTER}`],
        [/a function named listTodosIam already exists/, `\x15scanTodosProbe${ENTER}`],
        [/Module format of the bundle/, ENTER],
      ],
    );
    expect(result.answered).toBe(3);
    expect(result.code).toBe(0);
    expect(copy.read('lib/callers-stack.ts')).toContain("add('scanTodosProbe', 'scan-todos-probe.ts', CallerAuthMode.API_KEY");
  });

  test.each([
    [['--name', 'Bad-Name', '--auth', 'iam', '--operations', 'getTodo', '--yes'], 1, /add-function: function name "Bad-Name" must be camelCase/],
    [['--name', 'readTodoProbe', '--auth', 'iam', '--operations', 'nope', '--yes'], 1, /add-function: unknown operation "nope"/],
    [['--name', 'readTodoProbe', '--auth', 'cognito', '--operations', 'getTodo', '--yes'], 1, /--auth must be api-key or iam/],
    [['--name', 'readTodoProbe', '--yes'], 2, /missing --auth, --operations: give every answer as an option \(and --yes\) when not in a terminal/],
    [['--colour', 'blue'], 2, /Unknown option '--colour'/],
  ])('%j: exit %i with a clear message, no stack trace, nothing written', async (args, code, message) => {
    const copy = newCopy();
    const before = copy.snapshot();
    const result = await run('bin/add-function.ts', ['--project', copy.root, ...args]);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(copy.snapshot()).toEqual(before);
  });
});

describe('npm run remove-function', () => {
  test('removes what add-function wrote, and refuses a name it did not add', async () => {
    const copy = newCopy();
    const before = copy.snapshot();
    expect(
      (await run('bin/add-function.ts', ['--project', copy.root, '--name', 'readTodoProbe', '--auth', 'iam', '--operations', 'getTodo', '--yes'])).code,
    ).toBe(0);
    const removed = await run('bin/remove-function.ts', ['--project', copy.root, 'readTodoProbe']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('Removed readTodoProbe');
    expect(copy.snapshot()).toEqual(before);

    const refused = await run('bin/remove-function.ts', ['--project', copy.root, 'listTodosIam']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^remove-function: no function named "listTodosIam" was added by npm run add-function/);
    expect((await run('bin/remove-function.ts', ['--project', copy.root])).code).toBe(2);
  });
});
