import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT, synthAssembly } from '../support/local-cloud-harness';
import { portOptions } from '../support/port-options';
import { startCommandArgs } from '../support/start-command';

/** Runs `npm start`'s entry point as a user would, until `ready` matches its output. */
function startCli(args: string[]): { child: ChildProcess; output: () => string; ready: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, startCommandArgs(args), {
    cwd: PROJECT_ROOT,
    env: { ...process.env, AWS_REGION: 'us-east-1' },
  });
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
    const cli = startCli(['--no-synth', '--assembly', assembly.dir, '--state-dir', stateDir, ...portOptions(), '--outputs-file', outputsFile]);
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

  test('a mistyped option names the one meant', async () => {
    const cli = startCli(['--graphql-prot', '0']);
    cli.ready.catch(() => undefined);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toBe('npm start: Unknown option --graphql-prot. Did you mean --graphql-port? Run `npm start -- --help` for the options.\n');
  });

  test('a schema error fails the synth, located in the file with the offending line, and leaves the last good assembly as it was', async () => {
    const schemaDir = path.join(PROJECT_ROOT, '.local', `test-schemas-${process.pid}`);
    mkdirSync(schemaDir, { recursive: true });
    const schema = readFileSync(path.join(PROJECT_ROOT, 'schema', 'schema.graphql'), 'utf8');
    writeFileSync(path.join(schemaDir, 'unknown-type.graphql'), schema.replace('  items: [Todo]!\n', '  items: [Todo]!\n  owner: Person\n'));
    const line = readFileSync(path.join(schemaDir, 'unknown-type.graphql'), 'utf8').split('\n').indexOf('  owner: Person') + 1;
    const lastGood = path.join(stateDir, 'last-good');
    cpSync(assembly.dir, lastGood, { recursive: true });
    const before = listing(lastGood);
    try {
      const relative = path.relative(PROJECT_ROOT, path.join(schemaDir, 'unknown-type.graphql'));
      const cli = startCli(['--assembly', lastGood, '--in-memory', '-c', `todo:schemaPath=${relative}`, ...portOptions()]);
      cli.ready.catch(() => undefined);
      expect(await cli.exited).toBe(1);
      const output = cli.output();
      expect(output).toContain(`Synthesizing the app (cdk synth -c todo:schemaPath=${relative})`);
      expect(output).toContain(`${relative}:${line}:10: Unknown type "Person".\n  ${line} |   owner: Person\n`);
      expect(output).toMatch(/cdk synth failed: fix the error above and start again\. The last good .*last-good was left as it was/);
      expect(output).not.toMatch(/\n\s+at |bug/);
      expect(listing(lastGood)).toEqual(before);
    } finally {
      rmSync(schemaDir, { recursive: true, force: true });
    }
  });

  test('an assembly synthesized before the schema was checked: its schema error is located, not called a bug', async () => {
    const stale = path.join(stateDir, 'stale-assembly');
    cpSync(assembly.dir, stale, { recursive: true });
    const templateFile = path.join(stale, 'TodoApiStack.template.json');
    const template = JSON.parse(readFileSync(templateFile, 'utf8')) as { Resources: Record<string, { Type: string; Properties: { Definition?: string } }> };
    const schemaResource = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::AppSync::GraphQLSchema')!;
    schemaResource.Properties.Definition = schemaResource.Properties.Definition!.replace('  items: [Todo]!\n', '  items: [Todo]!\n  owner: Person\n');
    writeFileSync(templateFile, JSON.stringify(template));
    const cli = startCli(['--no-synth', '--assembly', stale, '--in-memory', '--graphql-port', '0', '--lambda-port', '0', '--dynamodb-port', '0']);
    cli.ready.catch(() => undefined);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toMatch(
      /its schema does not build: Unknown type "Person" \(line \d+, column 10 of the schema: owner: Person\)\. Fix schema\/schema\.graphql/,
    );
    expect(cli.output()).not.toMatch(/\n\s+at |bug/);
  });

  test('a missing cloud assembly is a clear error, not a stack trace', async () => {
    const cli = startCli(['--no-synth', '--assembly', path.join(stateDir, 'nothing-here'), '--in-memory', ...portOptions()]);
    cli.ready.catch(() => undefined);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toMatch(/No cloud assembly at .*run `npx cdk synth` first/);
    expect(cli.output()).not.toMatch(/\n\s+at |bug/);
  });

  test('a policy IAM would refuse to store stops the start with the resource and the element, as the user’s mistake', async () => {
    const dir = path.join(stateDir, 'malformed-policy-assembly');
    mkdirSync(dir, { recursive: true });
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEqualz: { 'aws:username': 'x' } } }],
    };
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    writeFileSync(
      path.join(dir, 'Bad.template.json'),
      JSON.stringify({
        Resources: {
          Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust, Policies: [{ PolicyName: 'P', PolicyDocument: policy }] } },
        },
      }),
    );
    writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({
        version: '36.0.0',
        artifacts: {
          Bad: {
            type: 'aws:cloudformation:stack',
            environment: 'aws://unknown-account/unknown-region',
            properties: { templateFile: 'Bad.template.json', stackName: 'Bad' },
          },
        },
      }),
    );
    const cli = startCli(['--no-synth', '--assembly', dir, '--in-memory', '--graphql-port', '0', '--lambda-port', '0', '--dynamodb-port', '0']);
    cli.ready.catch(() => undefined);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain(
      'npm start: Bad/Role: Properties.Policies[0].PolicyDocument.Statement[0].Condition.StringEqualz: unknown condition operator StringEqualz. "Invalid Condition type : StringEqualz" (IAM refuses to store this policy: MalformedPolicyDocument)',
    );
    expect(cli.output()).not.toMatch(/looks like a bug|\n\s+at /);
  });
});

/** Every file below a folder with its size and modification time. */
function listing(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const visit = (relative: string) => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) visit(child);
      else {
        const stat = statSync(path.join(dir, child));
        files[child] = `${stat.size} ${stat.mtimeMs}`;
      }
    }
  };
  visit('');
  return files;
}
