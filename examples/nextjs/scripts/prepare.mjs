#!/usr/bin/env node
/**
 * Prepares the example for a target: writes amplifyconfiguration.json and amplify_outputs.json (the product's
 * client configuration) into examples/nextjs, and, for the local cloud, .env.local with the AWS profile the server
 * runs with. Build (or restart `next dev`) after preparing: Next reads the configuration at build time.
 *
 *   npm run prepare:local                                  # after `npm start` at the repository root
 *   npm run prepare:local -- --state-dir ../../.local --profile NextjsServerRole
 *   npm run prepare:deployed -- --outputs-file ../../cdk-outputs.json [--stack TodoApi-dev]
 *
 * Exit codes: 0 prepared, 1 cannot (the message says why), 2 usage.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const EXAMPLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROJECT_ROOT = path.resolve(EXAMPLE_DIR, '..', '..');
const CONFIG_FILES = ['amplifyconfiguration.json', 'amplify_outputs.json'];
const ENV_FILE = path.join(EXAMPLE_DIR, '.env.local');
const ENV_MARKER = '# Written by npm run prepare:local';
/** The Next.js server's role (lib/callers-stack.ts NEXTJS_SERVER_ROLE_LOGICAL_ID): the local cloud's profile name. */
const DEFAULT_PROFILE = 'NextjsServerRole';

const USAGE = `Usage:
  npm run prepare:local [-- --state-dir DIR] [--profile NAME]
      for the local cloud (npm start at the repository root); DIR defaults to ../../.local,
      NAME (the AWS profile the server signs with) to ${DEFAULT_PROFILE}
  npm run prepare:deployed -- --outputs-file FILE [--stack NAME]
      for a deployed stack: FILE from \`npx cdk deploy --all --outputs-file FILE\``;

class PrepareError extends Error {}

function main(argv) {
  const [target, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { 'state-dir': { type: 'string' }, profile: { type: 'string' }, 'outputs-file': { type: 'string' }, stack: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help || !target) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (target === 'local') return prepareLocal(path.resolve(process.env.INIT_CWD ?? process.cwd(), values['state-dir'] ?? path.join(PROJECT_ROOT, '.local')), values.profile ?? DEFAULT_PROFILE);
  if (target === 'deployed') {
    if (!values['outputs-file']) throw new UsageError('--outputs-file is required for prepare:deployed');
    return prepareDeployed(path.resolve(process.env.INIT_CWD ?? process.cwd(), values['outputs-file']), values.stack);
  }
  throw new UsageError(`unknown target ${JSON.stringify(target)} (local or deployed)`);
}

class UsageError extends Error {}

function prepareLocal(stateDir, profile) {
  for (const name of CONFIG_FILES) {
    if (!existsSync(path.join(stateDir, name))) {
      throw new PrepareError(`${path.join(stateDir, name)} does not exist: start the local cloud first (\`npm start\` at the repository root writes it)`);
    }
  }
  const credentials = path.join(stateDir, 'credentials');
  const config = path.join(stateDir, 'config');
  const text = existsSync(credentials) ? readFileSync(credentials, 'utf8') : '';
  if (!new RegExp(`^\\[${profile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\]$`, 'm').test(text)) {
    throw new PrepareError(`${credentials} has no profile [${profile}]: synthesize and start the local cloud again (the role is in lib/callers-stack.ts)`);
  }
  for (const name of CONFIG_FILES) copyPrivate(path.join(stateDir, name), path.join(EXAMPLE_DIR, name));
  writeFileSync(
    ENV_FILE,
    [
      `${ENV_MARKER} (local cloud in ${stateDir}). The server signs IAM requests as profile ${profile}.`,
      `AWS_SHARED_CREDENTIALS_FILE=${credentials}`,
      `AWS_CONFIG_FILE=${config}`,
      `AWS_PROFILE=${profile}`,
      // Nothing to find on an instance metadata service here: fail fast instead of waiting for it.
      'AWS_EC2_METADATA_DISABLED=true',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  process.stdout.write(`Prepared for the local cloud: ${CONFIG_FILES.join(', ')}, .env.local (AWS_PROFILE=${profile}). Now: npm run build && npm start\n`);
  return 0;
}

function prepareDeployed(outputsFile, stack) {
  const args = ['run', '--silent', 'client-config', '--', '--outputs-file', outputsFile, '--out-dir', EXAMPLE_DIR, ...(stack ? ['--stack', stack] : [])];
  const result = spawnSync('npm', args, { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new PrepareError(`npm run client-config failed (exit ${result.status ?? result.signal})`);
  // The local cloud's profile means nothing to a deployed stack: the server signs with its compute's role.
  if (existsSync(ENV_FILE) && readFileSync(ENV_FILE, 'utf8').startsWith(ENV_MARKER)) rmSync(ENV_FILE);
  process.stdout.write('Prepared for the deployed stack. IAM requests are signed with the credentials of the default provider chain (the compute\'s role, or AWS_PROFILE). Now: npm run build && npm start\n');
  return 0;
}

function copyPrivate(from, to) {
  copyFileSync(from, to);
  chmodSync(to, 0o600);
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`prepare: ${error.message}\n`);
  if (error instanceof UsageError || error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
  } else process.exitCode = 1;
}
