#!/usr/bin/env node
/**
 * `npm run test:e2e:nextjs` (repository root): the example's own dependencies (`npm ci` here, when they are missing or
 * older than its lock file), then its tests: the per-request credential isolation test and the e2e test in Chromium
 * (e2e/nextjs.e2e.test.ts). Needs Debian's Chromium (`apt-get install -y chromium`) or CHROMIUM_PATH.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const EXAMPLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  process.stderr.write(`test:e2e:nextjs: ${chromium} is missing: install Debian's Chromium (apt-get install -y chromium) or set CHROMIUM_PATH\n`);
  process.exit(1);
}

function npm(args) {
  const started = Date.now();
  const result = spawnSync('npm', args, { cwd: EXAMPLE_DIR, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  process.stderr.write(`test:e2e:nextjs: npm ${args.join(' ')}: ${result.status === 0 ? 'done' : `failed (${result.status ?? result.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const installed = path.join(EXAMPLE_DIR, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(path.join(EXAMPLE_DIR, 'package-lock.json')).mtimeMs) {
  npm(['ci', '--no-audit', '--no-fund']);
}
npm(['test']);
npm(['run', 'test:e2e']);
