/**
 * `npm start`'s synth: `cdk synth` into a fresh folder next to the assembly, moved into place only once it succeeded.
 * A failed synth (a schema error, say) leaves the last good assembly as it was, and a synth never pulls files from
 * under a local cloud that runs the assembly (from another state directory): asset folders are named by their
 * content's hash, so those already there are kept as they are, and only the manifest and templates are replaced.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { SynthFailedError } from './errors';

export interface SynthOptions {
  /** The assembly to replace (cdk.out). */
  readonly assemblyDir: string;
  /** `key=value` pairs, passed as `--context`. */
  readonly context: readonly string[];
  readonly projectRoot: string;
  /** Receives the running synth, so that a signal can stop it. */
  readonly onChild?: (child: ChildProcess | undefined) => void;
}

/** The folder a synth writes to before it is moved into place (inside the assembly: git-ignored with it). */
export function stagingDir(assemblyDir: string): string {
  return path.join(assemblyDir, `.synth-${process.pid}`);
}

/** Runs `cdk synth`, quiet unless it fails (its output is only worth showing then), and installs the result. */
export async function synthesize(options: SynthOptions): Promise<void> {
  const staging = stagingDir(options.assemblyDir);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const args = ['cdk', 'synth', '--quiet', '--output', staging, ...options.context.flatMap((pair) => ['--context', pair])];
    const result = await run('npx', args, options);
    if (result.code !== 0) {
      process.stderr.write(cleanSynthOutput(result.output));
      throw new SynthFailedError(options.assemblyDir, result.code ?? result.signal ?? 'unknown', existsSync(path.join(options.assemblyDir, 'manifest.json')));
    }
    install(staging, options.assemblyDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], options: SynthOptions): Promise<{ code: number | null; signal: string | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.projectRoot, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    options.onChild?.(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      options.onChild?.(undefined);
      resolve({ code, signal, output });
    });
  });
}

/**
 * What the synth printed, less the bundler's progress lines (the error is what matters when it failed), ending with
 * a newline.
 */
export function cleanSynthOutput(output: string): string {
  const lines = output
    .split('\n')
    .filter(
      (line) =>
        !/^Bundling asset |^\s+\S*\s+\d+(\.\d+)?[kmg]?b$|^⚡ Done in |^\d+ feature flags are not configured|: Subprocess exited with error \d+$/.test(line),
    );
  const text = lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text ? `${text}\n` : '';
}

/** Moves a finished synth into the assembly folder: new assets in, files replaced one by one, the manifest last. */
function install(staging: string, assemblyDir: string): void {
  mkdirSync(assemblyDir, { recursive: true });
  const entries = readdirSync(staging);
  const files = new Set(entries.filter((name) => !statSync(path.join(staging, name)).isDirectory()));
  for (const name of entries) {
    const source = path.join(staging, name);
    const target = path.join(assemblyDir, name);
    if (files.has(name) || name === 'manifest.json') continue;
    if (/^asset\./.test(name) && existsSync(target)) continue; // the same content, maybe in use
    rmSync(target, { recursive: true, force: true });
    renameSync(source, target);
  }
  for (const name of files) if (name !== 'manifest.json') renameSync(path.join(staging, name), path.join(assemblyDir, name));
  // Templates of stacks that are gone would be read by nothing, but would confuse whoever looks.
  for (const name of readdirSync(assemblyDir)) {
    const target = path.join(assemblyDir, name);
    if (/\.(template|assets|metadata)\.json$/.test(name) && !files.has(name) && statSync(target).isFile()) rmSync(target, { force: true });
  }
  if (files.has('manifest.json')) renameSync(path.join(staging, 'manifest.json'), path.join(assemblyDir, 'manifest.json'));
}
