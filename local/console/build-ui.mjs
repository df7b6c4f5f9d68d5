#!/usr/bin/env node
/**
 * `npm run build:console`: compiles the local console's page (local/console/ui/main.tsx: React, GraphiQL and their
 * styles) once, at install or build time, into local/console/dist/console.js and console.css (git-ignored), which
 * the console serves itself (assets.ts): nothing comes from a CDN. `npm ci` (prepare), `npm test` and `npm start` run
 * it, as they run build:worker.
 *
 * The page runs in the browser: an import of a Node.js built-in (a server module pulled in by mistake instead of
 * `import type`) fails the build.
 */
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.join(here, 'dist');
const builtins = new Set(builtinModules);

const noNodeBuiltins = {
  name: 'no-node-built-ins',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (args.path.startsWith('node:') || builtins.has(name) || builtins.has(name.split('/')[0])) {
        return {
          errors: [
            {
              text: `The console's page runs in the browser and cannot import "${args.path}" (imported by ${path.relative(here, args.importer)}); use \`import type\` for server modules`,
            },
          ],
        };
      }
      return undefined;
    });
  },
};

let result;
try {
  result = await build({
    entryPoints: { console: path.join(here, 'ui', 'main.tsx') },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    jsx: 'automatic',
    minify: true,
    legalComments: 'linked',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.woff2': 'dataurl', '.png': 'dataurl', '.svg': 'dataurl' },
    outdir,
    write: false,
    logLevel: 'silent',
    plugins: [noNodeBuiltins],
    banner: { js: '// Compiled from local/console/ui by `npm run build:console`; do not edit.' },
  });
} catch (error) {
  fail(error);
}

// Each file is written next to its final name, then renamed: a console serving meanwhile reads the old file or the
// new one, never half of one. The stylesheet first: the page is complete once the script is new.
fs.mkdirSync(outdir, { recursive: true });
const files = [...result.outputFiles].sort((a, b) => Number(a.path.endsWith('.js')) - Number(b.path.endsWith('.js')));
for (const file of files) {
  const temporary = `${file.path}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, file.contents);
  fs.renameSync(temporary, file.path);
}

function fail(error) {
  const messages = error?.errors?.map((entry) => entry.text) ?? [error?.message ?? String(error)];
  process.stderr.write(`build:console: ${messages.join('\n')}\n`);
  process.exit(1);
}
