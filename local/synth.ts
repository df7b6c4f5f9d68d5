/**
 * `npm start`'s synth, in this process: the app is built as every other path builds it (lib/synth.ts createApp, with
 * the context the CDK CLI adds), into a fresh folder next to the assembly, and moved into place only once it
 * succeeded. A failed synth (a schema error, say) leaves the last good assembly as it was, and a synth never pulls
 * files from under a local cloud that runs the assembly (from another state directory): asset folders are named by
 * their content's hash, so those already there are kept as they are, and only the manifest and templates are replaced.
 *
 * In process rather than `npx cdk synth`: no npx, CLI and second ts-node to start, and a watch (`--watch`) keeps
 * aws-cdk-lib loaded between synths. This module loads aws-cdk-lib: start.ts requires it only when a synth is due.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { AssetStaging, Errors } from 'aws-cdk-lib';
import { VALIDATE_AGAINST_DEFAULT_RULES } from 'aws-cdk-lib/cx-api';
import { TSError } from 'ts-node';
import { SynthFailedError } from './errors';
import { recordInputs, type SynthInputs } from './synth-inputs';

export interface SynthOptions {
  /** The assembly to replace (cdk.out). */
  readonly assemblyDir: string;
  /** `key=value` pairs, as `cdk synth --context` takes them. */
  readonly context: readonly string[];
  readonly projectRoot: string;
  /** What the synth is made of, recorded next to the assembly once it is installed (synth-inputs.ts). */
  readonly inputs: SynthInputs;
}

/**
 * What the CDK CLI puts in the context of every synth (its defaults: cdk.json can turn them off, this project does
 * not), so that the assembly is the one `cdk synth` writes: path and asset metadata on every resource, the version
 * report, every stack bundled.
 */
export const CLI_CONTEXT: Readonly<Record<string, unknown>> = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
};

/** The folder a synth writes to before it is moved into place (inside the assembly: git-ignored with it). */
export function stagingDir(assemblyDir: string): string {
  return path.join(assemblyDir, `.synth-${process.pid}`);
}

/**
 * Synthesizes the app, quiet unless it fails (what it printed is only worth showing then), and installs the result.
 * A user's mistake (a schema, a setting, a syntax error in lib/, a finding of cdk-nag) is printed without a stack
 * trace and thrown as SynthFailedError.
 */
export function synthesize(options: SynthOptions): void {
  const staging = stagingDir(options.assemblyDir);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const output = captureOutput();
    let failure: string | undefined;
    try {
      failure = synthesizeInto(staging, options);
    } catch (error) {
      failure = describeSynthError(error, options.projectRoot);
    } finally {
      output.restore();
    }
    if (failure !== undefined) {
      process.stderr.write(cleanSynthOutput(`${output.text()}\n${failure}`));
      throw new SynthFailedError(options.assemblyDir, existsSync(path.join(options.assemblyDir, 'manifest.json')));
    }
    install(staging, options.assemblyDir);
    recordInputs(options.assemblyDir, options.inputs);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Builds and synthesizes the app into `outdir`; returns the errors the assembly reports (as `cdk synth` fails on them). */
function synthesizeInto(outdir: string, options: SynthOptions): string | undefined {
  // Edits must be seen: the project's own modules are loaded afresh (aws-cdk-lib and the rest of node_modules stay).
  forgetProjectModules(options.projectRoot);
  // CDK keeps staged assets by their source folder and options, across apps: a changed function must be bundled again.
  AssetStaging.clearAssetHashCache();
  const { createApp, projectContext } = require(path.join(options.projectRoot, 'lib', 'synth')) as typeof import('../lib/synth');
  const context = { ...cdkContextJson(options.projectRoot), ...projectContext(), ...CLI_CONTEXT, ...contextPairs(options.context) };
  const { app } = createApp({ outdir, context });
  const assembly = withoutWarningOnlyValidation(context, () => app.synth());
  const errors = assembly.stacksRecursively.flatMap((stack) =>
    stack.messages.filter((message) => message.level === 'error').map((message) => `[Error at ${message.id}] ${String(message.entry.data)}`),
  );
  return errors.length > 0 ? `${errors.join('\n')}\n\nFound errors` : undefined;
}

/**
 * Runs the synth without CDK's built-in CloudFormation validation (a WebAssembly rule engine, about half of the
 * synth's time here: ~4 s of ~8 s on a busy 2-core machine) when it could only warn: unless
 * `@aws-cdk/core:validateAgainstDefaultRules` is on, CDK reports what it finds as warnings, and npm start shows a
 * synth's warnings only when it fails. cdk-nag and the app's own checks run as before.
 */
function withoutWarningOnlyValidation<T>(context: Record<string, unknown>, synth: () => T): T {
  const rule = context[VALIDATE_AGAINST_DEFAULT_RULES];
  if (rule === true || rule === 'true') return synth();
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    return synth();
  } finally {
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
  }
}

/** `key=value` pairs as the CDK CLI passes them: values are strings. */
function contextPairs(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

/** cdk.context.json (the CLI's cache of lookups), under cdk.json's context as the CLI has it. */
function cdkContextJson(projectRoot: string): Record<string, unknown> {
  const file = path.join(projectRoot, 'cdk.context.json');
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** Drops the project's modules (outside node_modules and the local cloud's own local/) from the require cache. */
function forgetProjectModules(projectRoot: string): void {
  const root = `${path.resolve(projectRoot)}${path.sep}`;
  const kept = [path.join(root, 'node_modules'), path.join(root, 'local')].map((dir) => `${dir}${path.sep}`);
  for (const file of Object.keys(require.cache)) {
    if (file.startsWith(root) && !kept.some((dir) => file.startsWith(dir))) delete require.cache[file];
  }
}

/** A mistake in the app, as the one message that says what and where; a stack only for what is not one of the app's own errors. */
export function describeSynthError(error: unknown, projectRoot: string): string {
  if (!(error instanceof Error)) return String(error);
  // ts-node's: a syntax error in a file the app loads (its location and line are in diagnosticText).
  if (error instanceof TSError) return `Unable to compile TypeScript:\n${error.diagnosticText.trimEnd()}`;
  // CDK's validation of the app (a cdk-nag finding: its report was printed above) says where in its message.
  if (Errors.isValidationError(error)) return error.message.replace(/ A copy of this report can be found in: \S+/, '');
  // The app's own errors say where: those of the modules this synth loaded (a reload loads them afresh).
  const appErrors = [loadedClass(projectRoot, 'schema-model', 'SchemaModelError'), loadedClass(projectRoot, 'config-error', 'ConfigError')];
  if (appErrors.some((type) => type && error instanceof type)) return error.message;
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && line.includes(projectRoot) && !line.includes(`${path.sep}node_modules${path.sep}`))
    .slice(0, 5)
    .map((line) => line.replace(`${projectRoot}${path.sep}`, ''));
  return [`${error.name}: ${error.message}`, ...frames].join('\n');
}

/** An error class of one of the app's lib/ modules, as loaded now (undefined when that module does not load). */
function loadedClass(projectRoot: string, module: string, name: string): (new (...args: never[]) => Error) | undefined {
  try {
    return (require(path.join(projectRoot, 'lib', module)) as Record<string, new (...args: never[]) => Error>)[name];
  } catch {
    return undefined;
  }
}

/** Collects what the app writes to stdout and stderr (CDK's "Bundling asset" lines, cdk-nag's report) instead of printing it. */
function captureOutput(): { text(): string; restore(): void } {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  }
  return {
    text: () => chunks.join(''),
    restore: () => {
      streams.forEach((stream, index) => {
        stream.write = originals[index];
      });
    },
  };
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
