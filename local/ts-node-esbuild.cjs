/**
 * The project's ts-node transpiler (tsconfig.json's "ts-node" section, so every ts-node command here: npm start, the
 * npm scripts, cdk.json's app for `cdk synth`, the tests' child processes), which strips types
 * with esbuild instead of TypeScript's transpileModule: the same output for this project (tsconfig has
 * isolatedModules, so every file compiles on its own), about ten times faster. TypeScript's transpileModule costs
 * ~15 ms a file: the ~200 files of local/ took ~2.7 s to load, ~0.5 s with esbuild; the app's lib/ for an in-process
 * synth likewise. Type checking stays with `tsc --noEmit` (npm test, the editor), as with --transpile-only.
 *
 * A syntax error is thrown as ts-node's TSError, as TypeScript's transpiler does, with esbuild's location and line.
 *
 * Each file's output is kept in node_modules/.cache/ts-node-esbuild (`TS_NODE_ESBUILD_CACHE` elsewhere), keyed by the
 * SHA-256 of the source, its path and everything that shapes the output (esbuild's version, the options below), so a
 * start that changed nothing reads ~130 small files instead of sending each one to esbuild's service (five alternating
 * `--no-synth` starts to ready: 2.61–2.94 s without the cache, 1.91–2.43 s with it). esbuild is loaded only on a
 * miss. The cache is best-effort: an entry that cannot be read or written is transpiled again, and entries are
 * written to a temporary name and renamed, so two starts at once never read half an entry. Entries older than a week
 * are dropped (MAX_ENTRY_AGE_MS); delete the folder to empty it.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { TSError } = require('ts-node');

/** What tsconfig.json sets that changes the emitted JavaScript (target ES2022: class fields are defined, as tsc does). */
const TSCONFIG = { compilerOptions: { target: 'ES2022', useDefineForClassFields: true, jsx: 'react-jsx', esModuleInterop: true } };

const CACHE_DIR = process.env.TS_NODE_ESBUILD_CACHE || path.join(__dirname, '..', 'node_modules', '.cache', 'ts-node-esbuild');
/**
 * Entries are written once and never touched again, so an entry older than this is dropped when a start writes a new
 * one: the cache holds about a week of edits, and a file unchanged for longer is transpiled again once.
 */
const MAX_ENTRY_AGE_MS = 7 * 24 * 60 * 60 * 1000;

exports.create = function create() {
  // esbuild's version is read from its package.json, not by loading esbuild: a start that only hits the cache never does.
  const esbuildVersion = JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version;
  const salt = JSON.stringify({ esbuildVersion, options: transformOptions('x.ts'), transpiler: readFileSync(__filename, 'utf8') });
  let cacheReady = false;
  return {
    transpile(input, { fileName }) {
      const key = createHash('sha256').update(salt).update('\0').update(fileName).update('\0').update(input).digest('hex');
      const entry = path.join(CACHE_DIR, `${key}.json`);
      const cached = readEntry(entry);
      if (cached) return cached;
      const output = transpileWithEsbuild(input, fileName);
      try {
        if (!cacheReady) {
          mkdirSync(CACHE_DIR, { recursive: true });
          dropOldEntries();
        }
        cacheReady = true;
        const temporary = `${entry}.${process.pid}.tmp`;
        writeFileSync(temporary, JSON.stringify(output));
        renameSync(temporary, entry);
      } catch {
        // A read-only or full disk: this start goes on without the cache.
      }
      return output;
    },
  };
};

/** Entries (and temporary files a killed start left) older than MAX_ENTRY_AGE_MS; once per process, on its first write. */
function dropOldEntries() {
  const oldest = Date.now() - MAX_ENTRY_AGE_MS;
  for (const name of readdirSync(CACHE_DIR)) {
    const file = path.join(CACHE_DIR, name);
    try {
      if (statSync(file).mtimeMs < oldest) rmSync(file, { force: true });
    } catch {
      // Removed by another start meanwhile.
    }
  }
}

function readEntry(entry) {
  try {
    const value = JSON.parse(readFileSync(entry, 'utf8'));
    return typeof value?.outputText === 'string' && typeof value.sourceMapText === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function transformOptions(fileName) {
  return {
    loader: fileName.endsWith('.tsx') ? 'tsx' : fileName.endsWith('.ts') || fileName.endsWith('.mts') || fileName.endsWith('.cts') ? 'ts' : 'js',
    format: 'cjs',
    target: 'node20',
    platform: 'node',
    sourcefile: fileName,
    sourcemap: 'external',
    logLevel: 'silent',
    tsconfigRaw: TSCONFIG,
  };
}

function transpileWithEsbuild(input, fileName) {
  const { transformSync } = require('esbuild');
  try {
    const result = transformSync(input, transformOptions(fileName));
    return { outputText: result.code, sourceMapText: result.map };
  } catch (error) {
    if (!Array.isArray(error?.errors)) throw error;
    throw new TSError(error.errors.map(describe).join('\n'), []);
  }
}

/** `lib/x.ts:3:7: Expected ";" but found "y"`, then the line and a caret, as a compiler prints it. */
function describe(message) {
  const where = message.location;
  if (!where) return message.text;
  const file = path.relative(process.cwd(), where.file) || where.file;
  const gutter = String(where.line);
  return (
    `${file}:${where.line}:${where.column + 1}: ${message.text}\n` +
    `  ${gutter} | ${where.lineText}\n` +
    `  ${' '.repeat(gutter.length)} | ${' '.repeat(where.column)}^`
  );
}
