#!/usr/bin/env node
/**
 * `npm start`'s prestart: compiles the local Lambda worker and the console's page only when one is missing or older
 * than its sources, in this one process. Before, prestart ran `npm run build:worker`, `npm run lambda-node` and
 * `npm run build:console`: three npm start-ups and two esbuild builds, ~1.6 s on every start with nothing to do.
 * (The Node.js of the functions' runtime is fetched by the start itself, the first time on a machine, as
 * `npm run lambda-node` does.)
 */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.join(here, '..');

/** Each build: what it writes, what it is compiled from (files or folders), and the script that builds it. */
const BUILDS = [
  {
    outputs: ['lambda/dist/worker.mjs'],
    // The two of build-worker.mjs's SOURCES (it refuses to compile anything else).
    sources: ['lambda/worker.ts', 'lambda/worker-protocol.ts', 'lambda/build-worker.mjs'],
    script: './lambda/build-worker.mjs',
  },
  {
    outputs: ['console/dist/console.js', 'console/dist/console.css'],
    // React and GraphiQL come from node_modules: a new lock file may bring new versions.
    sources: ['console/ui', 'console/build-ui.mjs', '../package-lock.json'],
    script: './console/build-ui.mjs',
  },
];

for (const build of BUILDS) {
  const builtAt = Math.min(...build.outputs.map((output) => statSync(path.join(here, output), { throwIfNoEntry: false })?.mtimeMs ?? -1));
  if (builtAt >= 0 && newestModification(build.sources.map((source) => path.join(here, source))) <= builtAt) continue;
  process.stderr.write(`Building ${path.relative(projectRoot, path.join(here, build.outputs[0]))}...\n`);
  // Each build script builds when imported, and exits non-zero (with its message) when it fails.
  await import(build.script);
}

function newestModification(paths) {
  let newest = 0;
  for (const entry of paths) {
    const stat = statSync(entry, { throwIfNoEntry: false });
    if (!stat) continue;
    if (!stat.isDirectory()) {
      newest = Math.max(newest, stat.mtimeMs);
      continue;
    }
    for (const child of readdirSync(entry, { withFileTypes: true, recursive: true })) {
      if (child.isFile()) newest = Math.max(newest, statSync(path.join(child.parentPath, child.name)).mtimeMs);
    }
  }
  return newest;
}
