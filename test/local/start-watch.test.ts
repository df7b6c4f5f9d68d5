/**
 * `npm start` in a copy of the project, as `npm start` runs it (ts-node with the esbuild transpiler): a second start
 * with nothing changed reuses cdk.out without synthesizing (the manifest untouched), an edit of schema/ synthesizes,
 * and `--watch` takes a schema edit into the running local cloud without a restart: the new field answers, the data
 * written before is still there, the API key is the same. A broken edit (a schema error, a syntax error in lib/)
 * keeps the running version serving and prints the error, without a stack trace.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isolatedAwsEnvironment } from '../support/aws-isolation';
import { apiKeyClient, eventually } from '../support/hardening';
import { portOptions } from '../support/port-options';
import { copyProject, type ProjectCopy } from '../support/project-copy';
import { addTodoPriority } from '../support/schema-edits';
import { startCommandArgs } from '../support/start-command';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const READY = 'Press Ctrl-C to stop.';
const SYNTH_TIMEOUT_MS = 120_000;

interface Started {
  readonly child: ChildProcess;
  output(): string;
  /** Waits until the output (from `from` on) matches; fails with the output when it does not in time. */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<string>;
  readonly graphqlUrl: string;
  readonly apiKey: string;
  stop(): Promise<number | null>;
}

let copy: ProjectCopy;
const running = new Set<ChildProcess>();

beforeAll(() => {
  // Inside the project: the bundles find @aws-sdk/* in a node_modules above them, as in Lambda.
  copy = copyProject({ full: true, inside: path.join(PROJECT_ROOT, '.local', 'test-projects') });
  // Built files are git-ignored, so not copied: the worker (the functions need it) and the console's page.
  for (const built of ['local/lambda/dist', 'local/console/dist']) cpSync(path.join(PROJECT_ROOT, built), path.join(copy.root, built), { recursive: true });
});

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  copy?.remove();
});

/** `npm start -- <args>` in the copy (what the start script runs, without npm), on free ports, in memory. */
async function start(args: string[] = []): Promise<Started> {
  const child = spawn(process.execPath, startCommandArgs(['--in-memory', ...portOptions(), ...args], copy.root), {
    cwd: copy.root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', AWS_REGION: 'us-east-1', ...isolatedAwsEnvironment() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const waitFor = async (pattern: RegExp, from = 0, timeoutMs = SYNTH_TIMEOUT_MS) => {
    const seen = await eventually(() => gone || pattern.test(output.slice(from)), timeoutMs, 50);
    const match = pattern.exec(output.slice(from));
    if (!seen || !match) throw new Error(`expected ${pattern} in the output of npm start${gone ? ' (it exited)' : ''}:\n${output}`);
    return match[0];
  };
  await waitFor(new RegExp(READY.replace('.', '\\.')));
  const endpoint = /TodoApiStack\.GraphQLAPIEndpointOutput = (\S+)/.exec(output)?.[1];
  const apiKey = /TodoApiStack\.GraphQLAPIKeyOutput = (da2-\S+)/.exec(output)?.[1];
  if (!endpoint || !apiKey) throw new Error(`no endpoint or API key in:\n${output}`);
  return {
    child,
    output: () => output,
    waitFor,
    graphqlUrl: endpoint,
    apiKey,
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

const manifestOf = () => path.join(copy.root, 'cdk.out', 'manifest.json');
const schemaFile = () => path.join(copy.root, 'schema', 'schema.graphql');

test(
  'a second start with nothing changed reuses cdk.out (no synth, the manifest untouched); an edit of schema/ synthesizes again',
  async () => {
    const first = await start();
    expect(first.output()).toMatch(/Synthesizing the app \(cdk synth\)/);
    expect(first.output()).toMatch(/local cloud ready in [\d.]+ m?s \(cdk synth [\d.]+ m?s\)/);
    expect(await first.stop()).toBe(0);
    const manifest = statSync(manifestOf()).mtimeMs;

    const second = await start();
    expect(second.output()).toContain('cdk.out is up to date with its inputs (reused)');
    expect(second.output()).not.toMatch(/Synthesizing/);
    expect(second.output()).toMatch(/local cloud ready in [\d.]+ m?s \(cdk\.out reused\)/);
    expect(await second.stop()).toBe(0);
    expect(statSync(manifestOf()).mtimeMs).toBe(manifest);

    // A comment is an edit too: what the synth reads changed, so it runs (the hash is of the content).
    writeFileSync(schemaFile(), `${readFileSync(schemaFile(), 'utf8')}\n# edited\n`);
    const third = await start();
    expect(third.output()).toMatch(/Synthesizing the app \(cdk synth\); changed: schema\/schema\.graphql\.\.\./);
    expect(await third.stop()).toBe(0);
    expect(statSync(manifestOf()).mtimeMs).toBeGreaterThan(manifest);
  },
  4 * SYNTH_TIMEOUT_MS,
);

describe('npm start -- --watch', () => {
  let cloud: Started;
  beforeAll(async () => {
    cloud = await start(['--watch']);
  }, SYNTH_TIMEOUT_MS);
  afterAll(async () => {
    expect(await cloud?.stop()).toBe(0);
  });

  test(
    'a schema edit is served without a restart: the new field answers, the data written before is there, with the same API key',
    async () => {
      const client = apiKeyClient(cloud.graphqlUrl, cloud.apiKey);
      const created = await client.query('mutation { createTodo(input: { name: "before the reload" }) { id } }');
      const id = created.json.data.createTodo.id as string;
      const refused = await client.query(`{ getTodo(id: "${id}") { id priority } }`);
      expect(refused.json.errors?.[0]?.message).toMatch(/priority/);

      const from = cloud.output().length;
      // Saved as many editors (and sed -i) save: a new file renamed over the old one. Later edits write in place:
      // both must be seen (Node 20's recursive fs.watch loses a file replaced so).
      const saved = `${schemaFile()}.saving`;
      writeFileSync(saved, addTodoPriority(readFileSync(schemaFile(), 'utf8')));
      renameSync(saved, schemaFile());
      expect(await cloud.waitFor(/reloaded in \d+ ms \(synth \d+ ms\): [^\n]*/, from)).toMatch(/API \w+/);
      expect(cloud.output().slice(from)).toMatch(/schema\/schema\.graphql changed: synthesizing and reloading/);

      const updated = await client.query(`mutation { updateTodo(input: { id: "${id}", priority: 3 }) { id name priority } }`);
      expect(updated.json).toEqual({ data: { updateTodo: { id, name: 'before the reload', priority: 3 } } });
      // Written to the files clients read as well: the same key, the same endpoint.
      const outputs = JSON.parse(readFileSync(path.join(filesDir(cloud), 'outputs.json'), 'utf8')) as Record<string, Record<string, string>>;
      expect(outputs['TodoApi-dev'].GraphQLAPIKeyOutput).toBe(cloud.apiKey);
      expect(outputs['TodoApi-dev'].GraphQLAPIEndpointOutput).toBe(cloud.graphqlUrl);
    },
    2 * SYNTH_TIMEOUT_MS,
  );

  test(
    'a broken edit keeps the running version serving and prints the error (located, no stack trace); the fix reloads',
    async () => {
      const client = apiKeyClient(cloud.graphqlUrl, cloud.apiKey);
      const good = readFileSync(schemaFile(), 'utf8');
      let from = cloud.output().length;
      writeFileSync(schemaFile(), good.replace('  items: [Todo]!\n', '  items: [Todo]!\n  owner: Person\n'));
      const line = good.split('\n').indexOf('  items: [Todo]!') + 2;
      await cloud.waitFor(/The running version is kept/, from);
      const printed = cloud.output().slice(from);
      expect(printed).toContain(`schema/schema.graphql:${line}:10: Unknown type "Person".\n  ${line} |   owner: Person\n`);
      expect(printed).toMatch(/reload failed after \d+ ms: the synth failed \(the error is above\)\. The running version is kept; save a fix and it reloads\./);
      expect(printed).not.toMatch(/\n\s+at /);
      const listed = await client.query('{ listTodos { items { name priority } } }');
      expect(listed.json.data.listTodos.items).toEqual([{ name: 'before the reload', priority: 3 }]);

      // A syntax error in the app's code: the same, with the file and line.
      writeFileSync(schemaFile(), good);
      from = cloud.output().length;
      const appFile = path.join(copy.root, 'lib', 'api-stack.ts');
      const code = readFileSync(appFile, 'utf8');
      writeFileSync(appFile, `${code}\nconst broken = ;\n`);
      await cloud.waitFor(/The running version is kept/, from);
      const syntax = cloud.output().slice(from);
      expect(syntax).toMatch(/Unable to compile TypeScript:\nlib\/api-stack\.ts:\d+:16: Unexpected ";"/);
      expect(syntax).not.toMatch(/\n\s+at /);
      expect((await client.query('{ listTodos { items { priority } } }')).json.data.listTodos.items).toEqual([{ priority: 3 }]);

      // The fix (with a comment, so that it differs from the version running) reloads.
      from = cloud.output().length;
      writeFileSync(appFile, `${code}\n// fixed\n`);
      await cloud.waitFor(/reloaded in \d+ ms \(synth \d+ ms\): no resource changed/, from);
      expect((await client.query('{ listTodos { items { name priority } } }')).json.data.listTodos.items).toEqual([{ name: 'before the reload', priority: 3 }]);
    },
    3 * SYNTH_TIMEOUT_MS,
  );
});

/** In memory, the client files are in a temporary folder, which the start names. */
function filesDir(started: Started): string {
  const dir = /the client files are in (\S+), removed on stop/.exec(started.output())?.[1];
  if (!dir) throw new Error(`no files folder in:\n${started.output()}`);
  return dir;
}
