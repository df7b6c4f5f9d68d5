/**
 * Everything the benchmark runs, built before anything is timed: the app's assembly (`cdk synth`, as users deploy
 * it), the docs-style twins (esbuild with its default settings, as the Amplify docs have them bundled), and the
 * benchmark's own child processes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build, buildSync, type Metafile, type Plugin } from 'esbuild';
import { CALLERS } from './callers';

export const PROJECT_ROOT = path.join(__dirname, '..', '..');
/** Inside the project (git-ignored): the bundles resolve `@aws-sdk/*` from the project's node_modules, as in Lambda. */
export const WORK_DIR = path.join(PROJECT_ROOT, '.local', 'bench');

export interface Builds {
  readonly assemblyDir: string;
  /** Caller id → folder of its docs-style twin (index.js). */
  readonly twins: Record<string, string>;
  readonly twinMetafiles: Record<string, Metafile>;
  /** Child process scripts by name. */
  readonly children: Record<ChildName, string>;
}

export type ChildName = 'cloud-host' | 'load' | 'invoker' | 'signing' | 'one-invocation';

/** `cdk synth --quiet` into .local/bench/cdk.out. */
export function synthesize(log: (line: string) => void): string {
  const assemblyDir = path.join(WORK_DIR, 'cdk.out');
  rmSync(assemblyDir, { recursive: true, force: true });
  log('cdk synth (the assembly cdk deploy would upload)...');
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', assemblyDir], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  if (result.status !== 0) throw new Error(`cdk synth failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  return assemblyDir;
}

/**
 * The twins, bundled the way a docs-style function is: esbuild with its defaults for Node (CommonJS output,
 * CommonJS-first package resolution, not minified), every dependency inside the bundle (the Lambda runtime does not
 * ship @aws-sdk/signature-v4, @aws-sdk/protocol-http nor node-fetch, so the docs' package.json installs them).
 */
export async function buildTwins(): Promise<Pick<Builds, 'twins' | 'twinMetafiles'>> {
  const twins: Record<string, string> = {};
  const twinMetafiles: Record<string, Metafile> = {};
  for (const spec of CALLERS) {
    const outdir = path.join(WORK_DIR, 'twins', spec.id);
    rmSync(outdir, { recursive: true, force: true });
    const result = await build({
      entryPoints: [path.join(PROJECT_ROOT, 'bench', 'twins', spec.twin)],
      bundle: true,
      platform: 'node',
      target: 'node22',
      outfile: path.join(outdir, 'index.js'),
      metafile: true,
      logLevel: 'error',
    });
    twins[spec.id] = outdir;
    twinMetafiles[spec.id] = result.metafile;
  }
  return { twins, twinMetafiles };
}

/**
 * The benchmark's child processes, bundled (the project's own TypeScript inside, packages from node_modules), so
 * they start in milliseconds and their memory is theirs, not a TypeScript compiler's. The local Lambda worker is
 * compiled next to them as worker.mjs, which the runtime then uses as is (local/lambda/worker-script.ts).
 */
export function buildChildren(): Record<ChildName, string> {
  const outdir = path.join(WORK_DIR, 'build');
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const names: ChildName[] = ['cloud-host', 'load', 'invoker', 'signing', 'one-invocation'];
  const children = {} as Record<ChildName, string>;
  for (const name of names) {
    const outfile = path.join(outdir, `${name}.cjs`);
    buildSync({
      entryPoints: [path.join(PROJECT_ROOT, 'bench', 'children', `${name}.ts`)],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      mainFields: ['module', 'main'],
      outfile,
      logLevel: 'error',
    });
    children[name] = outfile;
  }
  // As npm run build:worker compiles it (local/lambda/build-worker.mjs).
  buildSync({
    entryPoints: [path.join(PROJECT_ROOT, 'local', 'lambda', 'worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: path.join(outdir, 'worker.mjs'),
    logLevel: 'error',
  });
  writeFileSync(path.join(outdir, 'package.json'), '{"type":"commonjs"}\n');
  writeFileSync(path.join(outdir, 'worker-profiler.cjs'), WORKER_PROFILER);
  return children;
}

/** Where the preloaded profiler of the Lambda workers is (`--cpu-prof`). */
export function workerProfilerScript(): string {
  return path.join(WORK_DIR, 'build', 'worker-profiler.cjs');
}

/**
 * Preloaded into each Lambda worker with `--cpu-prof DIR` (BENCH_CPU_PROF_DIR): runs V8's profiler from the start and
 * writes the profile when the process ends (normal exit, its parent gone, or SIGTERM from the cloud host).
 */
const WORKER_PROFILER = `'use strict';
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('SIGTERM', () => process.exit(0));
process.on('exit', () => {
  session.post('Profiler.stop', (error, result) => {
    if (!error) fs.writeFileSync(path.join(process.env.BENCH_CPU_PROF_DIR, 'lambda-worker-' + process.pid + '.cpuprofile'), JSON.stringify(result.profile));
  });
});
`;

/** Bytes of the code files of an asset folder (what Lambda loads), and of its source maps. */
export function assetBytes(dir: string): { code: number; maps: number } {
  let code = 0;
  let maps = 0;
  for (const file of readdirSync(dir)) {
    const full = path.join(dir, file);
    if (!statSync(full).isFile()) continue;
    if (file.endsWith('.map')) maps += statSync(full).size;
    else if (/\.(m|c)?js$/.test(file)) code += statSync(full).size;
  }
  return { code, maps };
}

export function bundleFile(dir: string): string {
  const file = ['index.mjs', 'index.js', 'index.cjs'].map((name) => path.join(dir, name)).find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`no index.mjs/.js/.cjs in ${dir}`);
  return file;
}

/**
 * Our caller bundles again, but sending over Node's built-in fetch (bench/lib/fetch-transport.ts, the transport the
 * callers had before) instead of lambda/shared/http-transport.ts: the same entry points and the options
 * lib/todo-function.ts gives NodejsFunction, so the two differ only in the transport. Measured side by side to choose.
 */
export async function buildFetchVariants(nodeMajor: number): Promise<Record<string, string>> {
  const fetchTransport = path.join(PROJECT_ROOT, 'bench', 'lib', 'fetch-transport.ts');
  const swapTransport: Plugin = {
    name: 'fetch-transport',
    setup(plugin) {
      plugin.onResolve({ filter: /\/http-transport$/ }, (args) => (args.importer.endsWith('graphql-client.ts') ? { path: fetchTransport } : undefined));
    },
  };
  const dirs: Record<string, string> = {};
  for (const spec of CALLERS) {
    const outdir = path.join(WORK_DIR, 'ours-fetch', spec.id);
    rmSync(outdir, { recursive: true, force: true });
    const result = await build({
      entryPoints: [path.join(PROJECT_ROOT, spec.entry)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: `node${nodeMajor}`,
      mainFields: ['module', 'main'],
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" },
      external: ['@aws-sdk/*'],
      outfile: path.join(outdir, 'index.mjs'),
      plugins: [swapTransport],
      metafile: true,
      logLevel: 'error',
    });
    if (!Object.keys(result.metafile.inputs).some((input) => input.endsWith('fetch-transport.ts')))
      throw new Error(`the fetch variant of ${spec.id} does not hold bench/lib/fetch-transport.ts`);
    dirs[spec.id] = outdir;
  }
  return dirs;
}
