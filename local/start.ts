/**
 * `npm start`: synthesizes the app quietly, then runs it locally in the foreground until Ctrl-C.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseStartOptions, START_USAGE, UsageError } from './cli-options';
import { WorkerNotBuiltError } from './lambda/worker-script';
import { startLocalCloud } from './local-cloud';
import { startupReport } from './outputs';

const PROJECT_ROOT = path.join(__dirname, '..');

async function main(): Promise<void> {
  const options = parseStartOptions(process.argv.slice(2), process.env);
  if (options.help) {
    process.stdout.write(`${START_USAGE}\n`);
    return;
  }
  if (options.synth) synthesize(options.assemblyDir);

  const startedAt = Date.now();
  const cloud = await startLocalCloud({ ...options, assemblyDir: path.resolve(PROJECT_ROOT, options.assemblyDir) });
  process.stdout.write(`${startupReport(cloud.deployment, cloud.endpoints, cloud.files, cloud.clientConfigSkipped, cloud.tls)}\n`);
  process.stderr.write(`local cloud ready in ${Date.now() - startedAt} ms\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping the local cloud...\n`);
    cloud.close().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`error while stopping: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** `cdk synth`, quiet unless it fails: its output is only worth showing when something is wrong. */
function synthesize(assemblyDir: string): void {
  process.stderr.write('Synthesizing the app (cdk synth)...\n');
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', assemblyDir], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    throw new StartError(
      `cdk synth failed (exit ${result.status ?? result.signal}); fix the error above, or run with --no-synth to use the existing ${assemblyDir}`,
    );
  }
}

class StartError extends Error {
  override name = 'StartError';
}

main().catch((error: Error) => {
  const known = error instanceof UsageError || error instanceof StartError || error instanceof WorkerNotBuiltError || error.name === 'TemplateError';
  process.stderr.write(`npm start: ${error.message}\n${known ? '' : 'This looks like a bug in the local cloud; please report it with the message above.\n'}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
