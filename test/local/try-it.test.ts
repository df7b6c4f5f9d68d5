/**
 * The README's "Try it" block, run verbatim with bash in a copy of the project (as a fresh clone has it: event.json
 * included) against a started local cloud, with the AWS CLI this machine has; and the same commands are what
 * `npm start` prints. Before, the block named an event.json that did not exist, used `--cli-binary-format` (which
 * AWS CLI v1 rejects) and hard-coded the `-dev` stack names.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { tryItCommands } from '../../local/try-it';
import { type CloudProcess, startCloudProcess } from '../support/cloud-process';
import { copyProject, type ProjectCopy } from '../support/project-copy';
import { sharedAssembly } from '../support/shared-assembly';

const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** The first ```bash block after the "## Try it" heading. */
function readmeBlock(): string {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Try it'));
  const match = /```bash\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md has no ```bash block under "## Try it"');
  return match[1];
}

/** The "Try it" lines npm start printed, unindented. */
function printedBlock(stdout: string): string {
  const start = stdout.indexOf('\nTry it');
  const lines = stdout.slice(stdout.indexOf('\n', start + 1) + 1).split('\n');
  const end = lines.findIndex((line) => /^(Not emulated|Not fully emulated|Press Ctrl-C)/.test(line));
  return `${lines
    .slice(0, end)
    .map((line) => line.replace(/^ {2}/, ''))
    .join('\n')
    .trimEnd()}\n`;
}

let copy: ProjectCopy;
let cloud: CloudProcess;
let outputNames: Set<string>;

beforeAll(async () => {
  const assemblyDir = sharedAssembly();
  // Inside the project, so that npm run invoke in the copy finds the project's node_modules.
  copy = copyProject({ full: true, inside: path.join(PROJECT_ROOT, '.local', 'test-projects') });
  cloud = await startCloudProcess({ assemblyDir, stateDir: path.join(copy.root, '.local') });
  outputNames = new Set(Object.values(cloud.outputs).flatMap((outputs) => Object.keys(outputs)));
});

afterAll(async () => {
  await cloud?.stop();
  copy?.remove();
});

test("the README's block is the commands npm start prints (for .local), and npm start printed them for its own folder", () => {
  expect(readmeBlock()).toBe(`${tryItCommands('.local', outputNames).join('\n')}\n`);
  // The folder as typed from where npm start ran (relative to it when below it).
  expect(printedBlock(cloud.stdout())).toBe(`${tryItCommands(path.relative(PROJECT_ROOT, path.join(copy.root, '.local')), outputNames).join('\n')}\n`);
  expect(readmeBlock()).not.toMatch(/-dev\b|--cli-binary-format|127\.0\.0\.1:\d+/);
});

test("the README's block runs verbatim with bash, from the project's folder, and every command succeeds", async () => {
  const aws = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  expect({ awsCli: aws.status === 0 ? 'installed' : `missing: ${aws.error?.message}` }).toEqual({ awsCli: 'installed' });

  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    // Its stdout a real pipe, as in a terminal's `… | less`: Node's stdio pipes are sockets, which `aws lambda invoke
    // … /dev/stdout` cannot open (ENXIO).
    const child = spawn('bash', ['-c', 'bash -e -o pipefail -c "$TRY_IT" | cat; exit "${PIPESTATUS[0]}"'], {
      cwd: copy.root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', TRY_IT: readmeBlock() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
  const out = run.stdout;
  // The API key: created, then listed; and SigV4 with the local profile.
  expect(out).toMatch(/\{"data":\{"createTodo":\{"id":"[^"]+","name":"first","createdAt":"[^"]+"\}\}\}/);
  expect(out.match(/\{"data":\{"listTodos":\{"items":\[[^\]]*"name":"first"/g)?.length).toBe(2);
  // aws lambda invoke with event.json, list-functions, get-function-configuration (the environment as configured).
  expect(out).toMatch(/\{"statusCode":200,"body":"\{\\"data\\":\{\\"createTodo\\":\{[^}]*\\"name\\":\\"Buy milk\\"/);
  expect(out).toContain('"StatusCode": 200');
  expect(out).toContain(`"${cloud.outputs['TodoCallers-dev'].ListTodosIamFunctionName}"`);
  expect(out).toMatch(/"API_TODOAPI_GRAPHQLAPIKEYOUTPUT": "da2-/);
  // npm run invoke, inline and with --event event.json.
  expect(out).toMatch(/"statusCode": 200,\s+"body": "\{\\"data\\":\{\\"listTodos\\"/);
  expect(out).toMatch(/"body": "\{\\"data\\":\{\\"createTodo\\":\{[^"]*\\"id\\"[\s\S]*Buy milk/);
  expect(run.stderr).not.toMatch(/NodeVersionSupportWarning/);
});
