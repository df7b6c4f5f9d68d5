/**
 * Where the compiled local Lambda worker is. It is compiled once, at install or build time, by
 * `npm run build:worker` (build-worker.mjs: worker.ts → dist/worker.mjs, git-ignored), which `npm ci` (prepare),
 * `npm test`, `npm start` and `npm run bench` run first. At run time this module only finds the file, and refuses
 * one that is missing or older than its sources, with a message naming the command to run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The command that compiles the worker. */
export const WORKER_BUILD_COMMAND = 'npm run build:worker';

/** What the worker is compiled from (build-worker.mjs refuses to compile anything else). */
export const WORKER_SOURCES: readonly string[] = ['worker.ts', 'worker-protocol.ts'];

/** The compiled worker, relative to the folder of the sources. */
export const COMPILED_WORKER = path.join('dist', 'worker.mjs');

/** The compiled worker is missing or stale: its message says what to run. Not a bug of the local cloud. */
export class WorkerNotBuiltError extends Error {
  override name = 'WorkerNotBuiltError';
}

/**
 * The compiled worker for the sources in `directory`:
 * - `worker.mjs` right in `directory` (a bundled copy of the local cloud, such as the benchmark's child processes,
 *   ships the worker next to itself) is used as is;
 * - otherwise `dist/worker.mjs`, which must exist and be newer than every source.
 */
export function locateWorkerScript(directory: string): string {
  const shipped = path.join(directory, 'worker.mjs');
  if (fs.existsSync(shipped)) return shipped;
  const compiled = path.join(directory, COMPILED_WORKER);
  const shown = displayPath(compiled);
  const compiledAt = fs.statSync(compiled, { throwIfNoEntry: false })?.mtimeMs;
  if (compiledAt === undefined) {
    throw new WorkerNotBuiltError(
      `The local Lambda worker is not built: ${shown} is missing. Run \`${WORKER_BUILD_COMMAND}\` (npm ci, npm test and npm start run it).`,
    );
  }
  for (const source of WORKER_SOURCES) {
    const sourceAt = fs.statSync(path.join(directory, source), { throwIfNoEntry: false })?.mtimeMs;
    if (sourceAt !== undefined && sourceAt > compiledAt) {
      throw new WorkerNotBuiltError(
        `The local Lambda worker is out of date: ${shown} is older than ${displayPath(path.join(directory, source))}. Run \`${WORKER_BUILD_COMMAND}\`.`,
      );
    }
  }
  return compiled;
}

let located: string | undefined;

/** The compiled worker of this copy of the local cloud (checked once per process, then only that it still exists). */
export function workerScript(): string {
  if (located && fs.existsSync(located)) return located;
  return (located = locateWorkerScript(__dirname));
}

/** Relative to the working directory when inside it (what a user typing the command sees), absolute otherwise. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
