/**
 * One real synth of the app (real bundles) shared by the suites that only run it: synthesized once per content of
 * the app's sources, kept under .local/test-assemblies/shared-<hash>, and reused by every later suite and run until a
 * source changes. A lock directory makes concurrent jest workers wait for the one that synthesizes.
 *
 * Suites that change nothing in the assembly use this; suites that need an assembly of their own keep using
 * synthAssembly() from local-cloud-harness.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from './project-root';
import { synthApp } from './synth';

const TEST_ROOT = path.join(PROJECT_ROOT, '.local', 'test-assemblies');
/** What the synth is made of: a change to any of these gives a new assembly. */
const SOURCES = ['bin', 'lib', 'lambda', 'schema', 'graphql', 'API.ts', 'package-lock.json', 'cdk.json', 'test/support/synth.ts'];
const COMPLETE = '.complete';
/** A lock older than this belongs to a suite that died while synthesizing. */
const STALE_LOCK_MS = 180_000;

export function sharedAssembly(): string {
  const hash = sourcesHash();
  const dir = path.join(TEST_ROOT, `shared-${hash}`);
  const lock = `${dir}.lock`;
  mkdirSync(TEST_ROOT, { recursive: true });
  const deadline = Date.now() + 2 * STALE_LOCK_MS;
  while (!existsSync(path.join(dir, COMPLETE))) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${lock} to be released`);
    try {
      mkdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else sleepSync(250);
      continue;
    }
    try {
      if (existsSync(path.join(dir, COMPLETE))) break;
      const building = `${dir}.building-${process.pid}`;
      rmSync(building, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(building, { recursive: true });
      synthApp({ bundle: true, outdir: building }).app.synth();
      writeFileSync(path.join(building, COMPLETE), `${new Date().toISOString()}\n`);
      renameSync(building, dir);
      removeOtherSharedAssemblies(dir);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return dir;
}

function sourcesHash(): string {
  const hash = createHash('sha256');
  const visit = (relative: string) => {
    const absolute = path.join(PROJECT_ROOT, relative);
    const stat = statSync(absolute, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(absolute).sort()) visit(path.join(relative, entry));
    } else {
      hash.update(`${relative}\n`).update(readFileSync(absolute)).update('\n');
    }
  };
  SOURCES.forEach(visit);
  return hash.digest('hex').slice(0, 16);
}

function removeOtherSharedAssemblies(current: string): void {
  for (const entry of readdirSync(TEST_ROOT)) {
    const full = path.join(TEST_ROOT, entry);
    if (full === current || !/^shared-[0-9a-f]{16}$/.test(entry)) continue;
    // Only assemblies nobody could still be starting from (an hour old).
    if (Date.now() - statSync(full).mtimeMs > 3_600_000) rmSync(full, { recursive: true, force: true });
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
