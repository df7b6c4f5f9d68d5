import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT, synthAssembly } from '../support/local-cloud-harness';

/** Runs `npm start`'s entry point as a user would, until `ready` matches its output. */
function startCli(args: string[]): { child: ChildProcess; output: () => string; ready: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    [path.join(PROJECT_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'), '--transpile-only', path.join(PROJECT_ROOT, 'local', 'start.ts'), ...args],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, AWS_REGION: 'us-east-1' },
    },
  );
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl-C to stop.')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', () => reject(new Error(`npm start exited early:\n${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, ready, exited };
}

describe('npm start (local/start.ts)', () => {
  let assembly: ReturnType<typeof synthAssembly>;
  let stateDir: string;
  beforeAll(() => {
    assembly = synthAssembly('start-cli');
    stateDir = mkdtempSync(path.join(tmpdir(), 'start-cli-'));
  });
  afterAll(() => {
    assembly?.remove();
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('prints the outputs and the endpoints, serves them, writes the outputs file, and stops on SIGINT', async () => {
    const outputsFile = path.join(stateDir, 'outputs-copy.json');
    const cli = startCli([
      '--no-synth',
      '--assembly',
      assembly.dir,
      '--state-dir',
      stateDir,
      '--graphql-port',
      '0',
      '--lambda-port',
      '0',
      '--dynamodb-port',
      '0',
      '--outputs-file',
      outputsFile,
    ]);
    try {
      await cli.ready;
      const text = cli.output();
      const endpoint = /TodoApiStack\.GraphQLAPIEndpointOutput = (\S+)/.exec(text)?.[1];
      const key = /TodoApiStack\.GraphQLAPIKeyOutput = (da2-\S+)/.exec(text)?.[1];
      expect(text).toMatch(/TodoCallersStack\.ListTodosIamFunctionName = TodoCallers-dev-listTodosIam\S+/);
      expect(text).toMatch(/Lambda Invoke API: http:\/\/127\.0\.0\.1:\d+/);
      const response = await fetch(endpoint!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key! },
        body: JSON.stringify({ query: '{ listTodos { items { id } } }' }),
      });
      expect(response.status).toBe(200);
      const outputs = JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>;
      expect(outputs['TodoApi-dev'].GraphQLAPIEndpointOutput).toBe(endpoint);
      const endpoints = JSON.parse(readFileSync(path.join(stateDir, 'endpoints.json'), 'utf8')) as {
        graphql: Record<string, string>;
        lambda: string;
        dynamodb: string;
      };
      expect(Object.values(endpoints.graphql)).toEqual([endpoint]);
      // The console's URL is printed with this start's token, which opens it; endpoints.json has it without.
      const consoleUrl = /Console: +(\S+)/.exec(text)?.[1];
      expect(consoleUrl).toMatch(new RegExp(`^${new URL(endpoint!).origin}/\\?token=[A-Za-z0-9_-]{43}$`));
      const page = await fetch(consoleUrl!, { redirect: 'manual' });
      expect(page.status).toBe(303);
      expect(page.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
      expect((endpoints as { console?: string }).console).toBe(`${new URL(endpoint!).origin}/`);
      expect(readFileSync(path.join(stateDir, 'endpoints.json'), 'utf8')).not.toContain(new URL(consoleUrl!).searchParams.get('token'));
    } finally {
      cli.child.kill('SIGINT');
    }
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toMatch(/SIGINT: stopping the local cloud/);
  });

  test('an unknown option is refused with a clear message and exit code 2', async () => {
    const cli = startCli(['--no-synth', '--bogus']);
    cli.ready.catch(() => undefined);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toMatch(/Unknown option --bogus\. Run `npm start -- --help`/);
    expect(cli.output()).not.toMatch(/\n\s+at /);
  });

  test('a missing cloud assembly is a clear error, not a stack trace', async () => {
    const cli = startCli([
      '--no-synth',
      '--assembly',
      path.join(stateDir, 'nothing-here'),
      '--in-memory',
      '--graphql-port',
      '0',
      '--lambda-port',
      '0',
      '--dynamodb-port',
      '0',
    ]);
    cli.ready.catch(() => undefined);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toMatch(/No cloud assembly at .*run `npx cdk synth` first/);
    expect(cli.output()).not.toMatch(/\n\s+at /);
  });
});
