/**
 * `npm start` (local/start.ts, as a process) on a state directory that is damaged, or in use, or with a port taken:
 * each is refused with one clear message (the file, the running local cloud, the option), a non-zero exit, no stack
 * trace and no "bug"; and nothing of the state changes. Before, a missing CURRENT started an empty database and
 * deleted the data files, a second start on the same folder crashed with "Database is not open", and every one of
 * these was called a bug.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isolatedAwsEnvironment } from '../support/aws-isolation';
import { type CloudProcess, startCloudProcess } from '../support/cloud-process';
import { apiKeyClient, eventually, isAlive } from '../support/hardening';
import { portOptions } from '../support/port-options';
import { sharedAssembly } from '../support/shared-assembly';
import { startCommandArgs } from '../support/start-command';

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const CREATE = 'mutation ($input: CreateTodoInput!) { createTodo(input: $input) { id } }';
const LIST = 'query { listTodos(limit: 100) { items { id } } }';

let root: string;
let assemblyDir: string;
/** A registry of running local clouds of this suite's own (the real one is per user). */
let registry: string;
const clouds: CloudProcess[] = [];
const children = new Set<ChildProcess>();

beforeAll(() => {
  assemblyDir = sharedAssembly();
  root = mkdtempSync(path.join(tmpdir(), 'state-guard-'));
  registry = path.join(root, 'registry');
});

afterAll(async () => {
  for (const cloud of clouds) await cloud.kill9().catch(() => undefined);
  for (const child of children) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

function env(): Record<string, string> {
  return { LOCAL_CLOUD_REGISTRY_DIR: registry };
}

async function start(stateDir: string, args: string[] = []): Promise<CloudProcess> {
  const cloud = await startCloudProcess({ assemblyDir, stateDir, args, env: env() });
  clouds.push(cloud);
  return cloud;
}

/** `npm start` expected to refuse: its exit code and output. */
function refusedStart(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, startCommandArgs(args), {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', AWS_REGION: 'us-east-1', ...isolatedAwsEnvironment(), ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (code) => {
      children.delete(child);
      resolve({ code, output });
    });
  });
}

const FREE_PORTS = ['--graphql-port', '0', '--lambda-port', '0', '--dynamodb-port', '0'];

/** Every file below a folder, by relative path, as base64. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const visit = (relative: string) => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) visit(child);
      else files[child] = readFileSync(path.join(dir, child)).toString('base64');
    }
  };
  visit('');
  return files;
}

function expectClearRefusal(result: { code: number | null; output: string }, message: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.output).toMatch(message);
  expect(result.output).not.toMatch(/bug/i);
  expect(result.output).not.toMatch(/\n\s+at /);
}

/** A state directory with data in its store: a local cloud started, 16 Todos written, stopped twice (the data in table files). */
async function stateWithData(name: string): Promise<{ stateDir: string; ids: string[] }> {
  const stateDir = path.join(root, name);
  let cloud = await start(stateDir);
  const client = apiKeyClient(cloud.graphqlUrl, cloud.apiKey);
  const ids: string[] = [];
  for (let i = 0; i < 16; i++) {
    const created = await client.query(CREATE, { input: { name: `todo ${i}` } });
    ids.push((created.json as { data: { createTodo: { id: string } } }).data.createTodo.id);
  }
  expect(await cloud.stop()).toBe(0);
  cloud = await start(stateDir);
  expect(await cloud.stop()).toBe(0);
  return { stateDir, ids };
}

describe('a damaged state directory', () => {
  let good: string;
  let ids: string[];
  beforeAll(async () => {
    ({ stateDir: good, ids } = await stateWithData('good'));
    expect(readdirSync(path.join(good, 'dynamodb')).some((name) => name.endsWith('.ldb'))).toBe(true);
    // Two starts and two stops: more than the 60 s of one test on a busy 2-core machine (seen: two CPU-bound loops).
  }, 240_000);

  test.each<[string, (stateDir: string) => string]>([
    [
      'CURRENT deleted',
      (stateDir) => {
        unlinkSync(path.join(stateDir, 'dynamodb', 'CURRENT'));
        return path.join(stateDir, 'dynamodb', 'CURRENT');
      },
    ],
    [
      'a garbage MANIFEST',
      (stateDir) => {
        const manifest = path.join(stateDir, 'dynamodb', readFileSync(path.join(stateDir, 'dynamodb', 'CURRENT'), 'utf8').trim());
        writeFileSync(manifest, Buffer.alloc(statSync(manifest).size, 0x5a));
        return manifest;
      },
    ],
    [
      'a garbage table file',
      (stateDir) => {
        const table = path.join(stateDir, 'dynamodb', readdirSync(path.join(stateDir, 'dynamodb')).find((name) => name.endsWith('.ldb'))!);
        writeFileSync(table, Buffer.alloc(statSync(table).size, 0x5a));
        return table;
      },
    ],
    [
      'a damaged identity.json',
      (stateDir) => {
        writeFileSync(path.join(stateDir, 'identity.json'), '{"seed": "not hex');
        return path.join(stateDir, 'identity.json');
      },
    ],
  ])('%s: refused, naming the file and --reset, with every file of the state kept byte for byte', async (name, damage) => {
    const stateDir = path.join(root, name.replace(/\W+/g, '-'));
    cpSync(good, stateDir, { recursive: true });
    const file = damage(stateDir);
    const before = snapshot(stateDir);
    const result = await refusedStart(['--no-synth', '--assembly', assemblyDir, '--state-dir', stateDir, ...FREE_PORTS]);
    expectClearRefusal(result, /The local cloud's state is damaged: /);
    expect(result.output).toContain(file);
    expect(result.output).toContain(`npm start -- --reset --state-dir ${stateDir}`);
    expect(snapshot(stateDir)).toEqual(before);
  });

  test('--reset moves the old state aside (byte for byte, nothing deleted) and starts afresh', async () => {
    const stateDir = path.join(root, 'reset');
    cpSync(good, stateDir, { recursive: true });
    unlinkSync(path.join(stateDir, 'dynamodb', 'CURRENT'));
    const before = snapshot(stateDir);
    const cloud = await start(stateDir, ['--reset']);
    expect(cloud.output()).toMatch(/--reset: the old state is in \S+reset-\d{4}-\d\d-\d\dT[\d-]+Z \(nothing was deleted\)/);
    const aside = readdirSync(stateDir).find((name) => name.startsWith('reset-'))!;
    const moved = snapshot(path.join(stateDir, aside));
    expect(moved).toEqual(before);
    const listed = await apiKeyClient(cloud.graphqlUrl, cloud.apiKey).query(LIST);
    expect(listed.json).toEqual({ data: { listTodos: { items: [] } } });
    expect(await cloud.stop()).toBe(0);
  });

  test('the healthy state starts with its data', async () => {
    const cloud = await start(good);
    const listed = await apiKeyClient(cloud.graphqlUrl, cloud.apiKey).query(LIST);
    const listedIds = (listed.json as { data: { listTodos: { items: Array<{ id: string }> } } }).data.listTodos.items.map((item) => item.id);
    expect(listedIds.sort()).toEqual([...ids].sort());
    expect(await cloud.stop()).toBe(0);
  });
});

describe('a state directory in use, and ports in use', () => {
  let stateDir: string;
  let first: CloudProcess;
  let other: Server | undefined;
  beforeAll(async () => {
    stateDir = path.join(root, 'in-use');
    first = await start(stateDir);
  });
  afterAll(async () => {
    other?.close();
    await first?.stop();
  });

  test('a second local cloud on the same folder is refused at once, naming the first (pid, ports), before it synthesizes anything', async () => {
    const assemblyCopy = path.join(root, 'assembly-copy');
    cpSync(assemblyDir, assemblyCopy, { recursive: true });
    const before = snapshot(assemblyCopy);
    // Not --no-synth: the synth would replace the assembly the first one serves.
    const result = await refusedStart(['--assembly', assemblyCopy, '--state-dir', stateDir, ...FREE_PORTS]);
    expectClearRefusal(result, new RegExp(`${stateDir} is in use by another local cloud \\(pid ${first.pid}, started [^;]+; listening on `));
    expect(result.output).toContain(first.graphqlUrl);
    expect(result.output).toContain('--state-dir');
    expect(result.output).not.toMatch(/Synthesizing/);
    expect(snapshot(assemblyCopy)).toEqual(before);
    // The first one was not disturbed.
    expect((await apiKeyClient(first.graphqlUrl, first.apiKey).query(LIST)).status).toBe(200);
  });

  test('a port another local cloud holds: the option to change, and which local cloud', async () => {
    const port = new URL(first.graphqlUrl).port;
    const result = await refusedStart(['--no-synth', '--assembly', assemblyDir, '--in-memory', ...portOptions({ graphql: port })]);
    expectClearRefusal(
      result,
      new RegExp(
        `Port ${port} on 127\\.0\\.0\\.1 \\(the GraphQL endpoint, --graphql-port\\) is in use by the local cloud of pid ${first.pid} \\(state dir ${stateDir}\\)`,
      ),
    );
    expect(result.output).toContain(`npm start -- --graphql-port ${Number(port) + 1}`);
  });

  test('a port another program holds: the option to change', async () => {
    other = createServer();
    await new Promise<void>((resolve) => other!.listen(0, '127.0.0.1', resolve));
    const port = String((other.address() as { port: number }).port);
    const result = await refusedStart(['--no-synth', '--assembly', assemblyDir, '--in-memory', ...portOptions({ dynamodb: port })]);
    expectClearRefusal(result, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 \\(DynamoDB, --dynamodb-port\\) is in use by another program`));
  });
});

describe('--in-memory', () => {
  test('writes nothing under the state directory, says where its files are, and npm run invoke finds it without --state-dir', async () => {
    const stateDir = path.join(root, 'never-written');
    const cloud = await start(stateDir, ['--in-memory']);
    expect(existsSync(stateDir)).toBe(false);
    expect(cloud.filesDir).not.toBe(stateDir);
    expect(existsSync(path.join(cloud.filesDir, 'credentials'))).toBe(true);

    // From a folder without a .local: the one running local cloud is found through the registry.
    const elsewhere = mkdtempSync(path.join(root, 'cwd-'));
    const invoked = await invokeFrom(elsewhere, [cloud.outputs['TodoCallers-dev'].ListTodosIamFunctionName, '{"limit":1}']);
    expect(invoked.stderr).toContain(`invoke: using the local cloud of pid ${cloud.pid}, in memory (its files are in ${cloud.filesDir})`);
    expect(invoked.code).toBe(0);
    expect(JSON.parse(invoked.stdout)).toMatchObject({ statusCode: 200 });

    expect(await cloud.stop()).toBe(0);
    expect(existsSync(cloud.filesDir)).toBe(false);
    expect(existsSync(stateDir)).toBe(false);
    // The function ran on this machine's Node.js, standing in for nodejs22.x: the SDK's warning about it is noise.
    expect(cloud.output()).not.toContain('NodeVersionSupportWarning');
  });
});

/** `npm run invoke` from another folder. */
function invokeFrom(cwd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), path.join(PROJECT_ROOT, 'local', 'lambda', 'invoke-cli.ts'), ...args],
      {
        cwd,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TS_NODE_PROJECT: path.join(PROJECT_ROOT, 'tsconfig.json'), ...env() },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

test('a stopped local cloud leaves no lock and no registry entry behind', async () => {
  await eventually(() => clouds.every((cloud) => !isAlive(cloud.pid)), 10_000);
  for (const dir of readdirSync(root)) expect(existsSync(path.join(root, dir, 'lock.json'))).toBe(false);
  const entries = existsSync(registry) ? readdirSync(registry).flatMap((user) => readdirSync(path.join(registry, user))) : [];
  expect(entries).toEqual([]);
});
