#!/usr/bin/env node
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
/**
 * `npm run build:worker`: compiles the local Lambda worker (local/lambda/worker.ts) once, at install or build time,
 * to local/lambda/dist/worker.mjs (git-ignored), the file the local Lambda runtime forks for every function
 * (worker-script.ts). `npm ci` (prepare), `npm test`, `npm start` and `npm run bench` run it first.
 *
 * The worker must use Node.js built-ins only (it runs inside each function's process, next to the function's own
 * modules): any other import fails the build. Plain JavaScript, so that it needs no TypeScript compiler to run.
 */
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
/** What the worker is compiled from; worker-script.ts checks the output is newer than each (keep the two lists equal). */
const SOURCES = ['worker.ts', 'worker-protocol.ts'];
const outfile = path.join(here, 'dist', 'worker.mjs');
const builtins = new Set(builtinModules);

const onlyBuiltins = {
  name: 'node-built-ins-only',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (builtins.has(name) || builtins.has(name.split('/')[0])) return { path: args.path, external: true };
      return { errors: [{ text: `The local Lambda worker may import Node.js built-ins only, not "${args.path}"` }] };
    });
  },
};

let result;
try {
  result = await build({
    entryPoints: [path.join(here, 'worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [onlyBuiltins],
    banner: { js: '// Compiled from local/lambda/worker.ts by `npm run build:worker`; do not edit.' },
  });
} catch (error) {
  fail(error);
}

const inputs = Object.keys(result.metafile.inputs).map((input) => path.relative(here, path.resolve(process.cwd(), input)));
const unlisted = inputs.filter((input) => !SOURCES.includes(input));
if (unlisted.length > 0) {
  fail(new Error(`The worker now also compiles ${unlisted.join(', ')}: add it to SOURCES here and WORKER_SOURCES in worker-script.ts`));
}

// Written next to its final name, then renamed: a runtime starting a worker meanwhile reads the old file or the new
// one, never half of one.
fs.mkdirSync(path.dirname(outfile), { recursive: true });
const temporary = `${outfile}.${process.pid}.tmp`;
fs.writeFileSync(temporary, result.outputFiles[0].contents);
fs.renameSync(temporary, outfile);

function fail(error) {
  const messages = error?.errors?.map((entry) => entry.text) ?? [error?.message ?? String(error)];
  process.stderr.write(`build:worker: ${messages.join('\n')}\n`);
  process.exit(1);
}
