#!/usr/bin/env node
/**
 * npm run codegen: writes graphql/queries.ts, graphql/mutations.ts, graphql/subscriptions.ts and API.ts from
 * schema/schema.graphql with Amplify's generator (lib/codegen.ts). `--check` writes nothing and exits 1 when a
 * committed file differs from a fresh generation.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CodegenError, describeStaleFiles, findStaleFiles, generateClientCode, SchemaFileError, UsageError } from '../lib/codegen';

const REPO_ROOT = path.resolve(__dirname, '..');

export const USAGE = `Usage: npm run codegen -- [--schema PATH] [--out-dir DIR] [--check]

Generates Amplify's client code (graphql/queries.ts, graphql/mutations.ts, graphql/subscriptions.ts, API.ts)
from the AppSync schema.

  --schema PATH   the schema (default: schema/schema.graphql)
  --out-dir DIR   where to write (default: the repository root)
  --check         write nothing; exit 1 listing the files that are missing or stale
  --help          this text`;

export interface CodegenOptions {
  readonly schema: string;
  readonly outDir: string;
  readonly check: boolean;
  readonly help: boolean;
}

/** The command line, or a UsageError. Relative paths are relative to the working directory. */
export function parseCodegenArgs(argv: ReadonlyArray<string>): CodegenOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        schema: { type: 'string' },
        'out-dir': { type: 'string' },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  for (const name of ['schema', 'out-dir'] as const) {
    if (values[name] === '') throw new UsageError(`Option '--${name}' needs a value`);
  }
  return {
    schema: values.schema ?? path.join(REPO_ROOT, 'schema', 'schema.graphql'),
    outDir: values['out-dir'] ?? REPO_ROOT,
    check: values.check ?? false,
    help: values.help ?? false,
  };
}

/** A path as the user knows it: relative to the working directory when inside it. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.resolve(file);
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return undefined;
    }
    throw error;
  }
}

/**
 * Writes every file under a temporary name first, then renames them into place: a failure before the renames
 * leaves the output directory as it was.
 */
export function writeFilesAtomically(outDir: string, files: ReadonlyMap<string, string>): void {
  const suffix = `.codegen-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const staged: Array<[temporary: string, final: string]> = [];
  try {
    for (const [relativePath, content] of files) {
      const final = path.join(outDir, relativePath);
      mkdirSync(path.dirname(final), { recursive: true });
      const temporary = `${final}${suffix}`;
      staged.push([temporary, final]);
      writeFileSync(temporary, content);
    }
  } catch (error) {
    for (const [temporary] of staged) rmSync(temporary, { force: true });
    throw new CodegenError(`Cannot write to ${displayPath(outDir)}: ${(error as Error).message}`, { cause: error });
  }
  for (const [temporary, final] of staged) renameSync(temporary, final);
}

export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** The CLI; resolves to its exit code. */
export async function main(argv: ReadonlyArray<string>, io: Io): Promise<number> {
  let options: CodegenOptions;
  try {
    options = parseCodegenArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`codegen: ${error.message}`);
    io.err(USAGE);
    return 2;
  }
  if (options.help) {
    io.out(USAGE);
    return 0;
  }

  try {
    const schemaName = displayPath(options.schema);
    let sdl: string;
    try {
      sdl = readFileSync(options.schema, 'utf8');
    } catch (error) {
      throw new SchemaFileError(schemaName, `cannot read the schema: ${(error as Error).message}`, { cause: error });
    }
    const files = await generateClientCode(sdl, { schemaName });

    if (options.check) {
      const stale = findStaleFiles(files, (file) => readIfExists(path.join(options.outDir, file)));
      if (stale.length) {
        io.err(describeStaleFiles(stale));
        return 1;
      }
      io.out(`Generated client code is up to date with ${schemaName}`);
      return 0;
    }

    writeFilesAtomically(options.outDir, files);
    for (const file of files.keys()) io.out(`wrote ${displayPath(path.join(options.outDir, file))}`);
    return 0;
  } catch (error) {
    if (error instanceof CodegenError) {
      io.err(`codegen: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
