/**
 * The ts-node transpiler `npm start` runs (local/ts-node-esbuild.cjs): types stripped by esbuild, syntax errors as
 * ts-node's TSError with the place, and each file's output kept in a cache that a changed file, a damaged entry or
 * an unwritable folder cannot turn into a wrong or failed start.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

interface Transpiler {
  transpile(input: string, options: { fileName: string }): { outputText: string; sourceMapText: string };
}

let cacheDir: string;
const previous = process.env.TS_NODE_ESBUILD_CACHE;

beforeEach(() => {
  cacheDir = mkdtempSync(path.join(tmpdir(), 'ts-node-esbuild-'));
  process.env.TS_NODE_ESBUILD_CACHE = cacheDir;
});

afterEach(() => {
  rmSync(cacheDir, { recursive: true, force: true });
  if (previous === undefined) delete process.env.TS_NODE_ESBUILD_CACHE;
  else process.env.TS_NODE_ESBUILD_CACHE = previous;
});

/** A fresh copy of the module, so that it reads TS_NODE_ESBUILD_CACHE as set now. */
function transpiler(): Transpiler {
  let created: Transpiler | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    created = (require('../../local/ts-node-esbuild.cjs') as { create(): Transpiler }).create();
  });
  return created!;
}

const SOURCE = 'export const answer: number = 42;\nexport type Unused = { a: string };\n';
const FILE = '/project/lib/answer.ts';

function entries(): string[] {
  return readdirSync(cacheDir).filter((name) => name.endsWith('.json'));
}

test('strips the types and keeps the code, as CommonJS with a source map', () => {
  const { outputText, sourceMapText } = transpiler().transpile(SOURCE, { fileName: FILE });
  expect(outputText).toContain('const answer = 42;');
  expect(outputText).not.toMatch(/: number|type Unused/);
  expect(outputText).toMatch(/module\.exports/);
  expect(JSON.parse(sourceMapText).sources).toEqual([FILE]);
});

test('a second start reads the file from the cache, without esbuild', () => {
  // GIVEN a file transpiled once, and its entry then replaced by a marker
  const first = transpiler().transpile(SOURCE, { fileName: FILE });
  expect(entries()).toHaveLength(1);
  const entry = path.join(cacheDir, entries()[0]);
  expect(JSON.parse(readFileSync(entry, 'utf8'))).toEqual(first);
  writeFileSync(entry, JSON.stringify({ outputText: 'exports.fromCache = true;', sourceMapText: '{}' }));
  // WHEN a new process (a fresh module) transpiles the same file
  const second = transpiler().transpile(SOURCE, { fileName: FILE });
  // THEN the cached entry is what it gets
  expect(second.outputText).toBe('exports.fromCache = true;');
});

test('an edited file, or the same text at another path, is transpiled again', () => {
  const compile = transpiler();
  compile.transpile(SOURCE, { fileName: FILE });
  writeFileSync(path.join(cacheDir, entries()[0]), JSON.stringify({ outputText: 'stale', sourceMapText: '{}' }));
  expect(compile.transpile(SOURCE.replace('42', '43'), { fileName: FILE }).outputText).toContain('const answer = 43;');
  expect(compile.transpile(SOURCE, { fileName: '/project/lib/other.ts' }).outputText).toContain('const answer = 42;');
  expect(entries()).toHaveLength(3);
});

test('a damaged entry is transpiled again and written anew', () => {
  const compile = transpiler();
  compile.transpile(SOURCE, { fileName: FILE });
  const entry = path.join(cacheDir, entries()[0]);
  for (const damaged of ['{"outputText": "half', '{"outputText": 7, "sourceMapText": "{}"}', '']) {
    writeFileSync(entry, damaged);
    expect(transpiler().transpile(SOURCE, { fileName: FILE }).outputText).toContain('const answer = 42;');
    expect(JSON.parse(readFileSync(entry, 'utf8')).outputText).toContain('const answer = 42;');
  }
});

test('a start that writes an entry drops the ones older than a week; a start that only reads drops nothing', () => {
  // GIVEN an entry written 8 days ago, one written an hour ago, and a temporary file a killed start left 8 days ago
  transpiler().transpile(SOURCE, { fileName: FILE });
  const recent = entries()[0];
  const day = 24 * 60 * 60;
  const now = Date.now() / 1000;
  const old = path.join(cacheDir, `${'0'.repeat(64)}.json`);
  const leftover = path.join(cacheDir, `${'1'.repeat(64)}.json.4242.tmp`);
  writeFileSync(old, JSON.stringify({ outputText: 'old', sourceMapText: '{}' }));
  writeFileSync(leftover, '{"outputText": "half');
  utimesSync(old, now - 8 * day, now - 8 * day);
  utimesSync(leftover, now - 8 * day, now - 8 * day);
  utimesSync(path.join(cacheDir, recent), now - 3600, now - 3600);
  // WHEN a start reads only what is cached
  transpiler().transpile(SOURCE, { fileName: FILE });
  // THEN nothing is dropped
  expect(readdirSync(cacheDir).sort()).toEqual([old, leftover, path.join(cacheDir, recent)].map((file) => path.basename(file)).sort());
  // WHEN a start writes a new entry
  transpiler().transpile(SOURCE.replace('42', '44'), { fileName: FILE });
  // THEN the old entry and the leftover are gone, the recent one and the new one are there
  expect(readdirSync(cacheDir)).not.toContain(path.basename(old));
  expect(readdirSync(cacheDir)).not.toContain(path.basename(leftover));
  expect(readdirSync(cacheDir)).toContain(recent);
  expect(entries()).toHaveLength(2);
});

test('a cache folder it cannot create: the file is transpiled all the same', () => {
  // A file where the folder should be (unlike a read-only mode, this holds for root too).
  rmSync(cacheDir, { recursive: true });
  writeFileSync(cacheDir, 'not a folder');
  expect(transpiler().transpile(SOURCE, { fileName: FILE }).outputText).toContain('const answer = 42;');
  expect(readFileSync(cacheDir, 'utf8')).toBe('not a folder');
});

test('a syntax error is a TSError naming the file, line and column, with the line and a caret', () => {
  const compile = transpiler();
  let thrown: unknown;
  try {
    compile.transpile('const x = ;\n', { fileName: path.join(process.cwd(), 'lib', 'broken.ts') });
  } catch (error) {
    thrown = error;
  }
  expect((thrown as Error).name).toBe('TSError');
  expect((thrown as Error).message).toContain('lib/broken.ts:1:11: Unexpected ";"');
  expect((thrown as Error).message).toContain('  1 | const x = ;\n    |           ^');
  expect(entries()).toEqual([]);
});
