/** `npm run codegen` as a process: --out-dir, --check, a broken schema, a bad command line. */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GENERATED_FILES, generateClientCode } from '../../../lib/codegen';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const SCHEMA_PATH = path.join(REPO_ROOT, 'schema', 'schema.graphql');
// A busy 2-core machine: ts-node and the generator take a few seconds to load.
const CLI_TIMEOUT_MS = 120_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs bin/codegen.ts from the repository root (where ts-node finds tsconfig.json). */
function codegen(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(REPO_ROOT, 'bin', 'codegen.ts'), ...args],
      { cwd: REPO_ROOT, timeout: CLI_TIMEOUT_MS, env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'codegen-cli-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

// A promise, not a beforeAll: jest starts concurrent tests without waiting for beforeAll hooks.
const expectedFiles = generateClientCode(readFileSync(SCHEMA_PATH, 'utf8'));
expectedFiles.catch(() => undefined); // awaited by each test, which reports the failure

test.concurrent(
  '--out-dir writes the four files into that directory, and --check then finds them up to date',
  async () => {
    const out = tempDir();
    const [write, expected] = await Promise.all([codegen('--out-dir', out), expectedFiles]);
    expect(write.stderr).toBe('');
    expect(write.code).toBe(0);
    for (const file of GENERATED_FILES) {
      expect(readFileSync(path.join(out, file), 'utf8')).toBe(expected.get(file));
    }
    // Nothing else: no temporary file is left behind.
    expect(readdirSync(out).sort()).toEqual(['API.ts', 'graphql']);
    expect(readdirSync(path.join(out, 'graphql')).sort()).toEqual(['mutations.ts', 'queries.ts', 'subscriptions.ts']);

    const check = await codegen('--check', '--out-dir', out);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/up to date/);
  },
  CLI_TIMEOUT_MS * 2,
);

test.concurrent(
  '--check against a stale copy exits 1 naming the stale and missing files, and writes nothing',
  async () => {
    const expected = await expectedFiles;
    const out = tempDir();
    for (const [file, content] of expected) {
      mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
      writeFileSync(path.join(out, file), content);
    }
    const staleQueries = `${expected.get('graphql/queries.ts')}\n// edited by hand\n`;
    writeFileSync(path.join(out, 'graphql', 'queries.ts'), staleQueries);
    unlinkSync(path.join(out, 'graphql', 'subscriptions.ts'));

    const check = await codegen('--check', '--out-dir', out);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/run npm run codegen/);
    expect(check.stderr).toMatch(/graphql\/queries\.ts \(out of date/);
    expect(check.stderr).toMatch(/graphql\/subscriptions\.ts \(missing\)/);
    expect(check.stderr).not.toMatch(/graphql\/mutations\.ts|API\.ts/);
    expect(readFileSync(path.join(out, 'graphql', 'queries.ts'), 'utf8')).toBe(staleQueries);
    expect(existsSync(path.join(out, 'graphql', 'subscriptions.ts'))).toBe(false);
  },
  CLI_TIMEOUT_MS,
);

test.concurrent(
  'a schema that does not parse is one line naming file:line:column, exit 1, no stack trace, nothing written',
  async () => {
    const dir = tempDir();
    const schema = path.join(dir, 'broken.graphql');
    writeFileSync(schema, 'type Todo {\n  id: ID!\n  name String\n}\n');
    const out = path.join(dir, 'out');

    const run = await codegen('--schema', schema, '--out-dir', out);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/broken\.graphql:3:8: Syntax Error: Expected ":", found Name "String"\.$/)]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  },
  CLI_TIMEOUT_MS,
);

test.concurrent(
  'a schema that parses but does not validate: the same, at the offending type',
  async () => {
    const dir = tempDir();
    const schema = path.join(dir, 'invalid.graphql');
    writeFileSync(schema, readFileSync(SCHEMA_PATH, 'utf8').replace('  description: String\n  createdAt', '  description: Strin\n  createdAt'));
    const line =
      readFileSync(schema, 'utf8')
        .split('\n')
        .findIndex((text) => text.trim() === 'description: Strin') + 1;
    const out = tempDir();
    cpSync(path.join(REPO_ROOT, 'graphql'), path.join(out, 'graphql'), { recursive: true });
    writeFileSync(path.join(out, 'API.ts'), 'stale');

    const run = await codegen('--schema', schema, '--out-dir', out);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([`codegen: ${schema}:${line}:16: Unknown type "Strin". Did you mean "String"?`]);
    // Nothing was written: the old files are as they were.
    expect(readFileSync(path.join(out, 'API.ts'), 'utf8')).toBe('stale');
    expect(readdirSync(path.join(out, 'graphql')).sort()).toEqual(['mutations.ts', 'queries.ts', 'subscriptions.ts']);
  },
  CLI_TIMEOUT_MS,
);

test.concurrent(
  'an unknown option is a usage error: exit 2 with the usage; --help prints it and exits 0',
  async () => {
    const [unknown, help] = await Promise.all([codegen('--shema', 'x.graphql'), codegen('--help')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--shema'/);
    expect(unknown.stderr).toMatch(/Usage: npm run codegen/);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--schema PATH[\s\S]*--out-dir DIR[\s\S]*--check/);
  },
  CLI_TIMEOUT_MS,
);
