/**
 * What `npm start`'s synth is made of, hashed, so that a start with nothing changed reuses the assembly instead of
 * synthesizing it again (seconds saved on every start). The record is written next to the assembly once a synth is
 * installed (cdk.out/.local-synth-inputs.json, git-ignored with cdk.out), and the assembly is reused only when the
 * inputs hash the same and the assembly is still the one that synth installed (its manifest, templates and asset
 * folders as they were: a `cdk synth -c ...` of its own in between, or a deleted asset, means a synth).
 *
 * Contents are hashed, not modification times (a checkout or a copy keeps the content and changes the time, an
 * editor's undo does the reverse): the ~100 files take a few tens of ms. This module loads no CDK: the reuse path
 * never pays for aws-cdk-lib.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Folders and files of the project whose content the app's synth reads (code, schema, settings, dependencies). */
export const SYNTH_SOURCES: readonly string[] = [
  'bin',
  'lib',
  'lambda',
  'schema',
  'graphql',
  'API.ts',
  'cdk.json',
  'cdk.context.json',
  'package-lock.json',
  'tsconfig.json',
];

export const INPUTS_RECORD = '.local-synth-inputs.json';
/** Bumped when what is hashed changes: a record of another version never matches. */
const RECORD_VERSION = 1;

export interface SynthInputs {
  /** The hash of everything below. */
  readonly hash: string;
  /** Each input's own hash, by project-relative path (to say what changed). */
  readonly files: Readonly<Record<string, string>>;
}

/**
 * The inputs of a synth of the project with these `-c` pairs. Besides the sources: the context pairs, the files
 * context values name outside those folders (a `todo:schemaPath` elsewhere), Node.js's major version, and the UTC
 * day (the synth checks the API key's expiry against today, so a reused assembly is checked again once a day).
 */
export function synthInputs(projectRoot: string, context: readonly string[], now = new Date()): SynthInputs {
  const files: Record<string, string> = {};
  const visit = (relative: string) => {
    const absolute = path.join(projectRoot, relative);
    const stat = statSync(absolute, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(absolute).sort()) if (entry !== 'node_modules') visit(path.join(relative, entry));
    } else if (stat.isFile()) {
      files[relative] = digest(readFileSync(absolute));
    }
  };
  SYNTH_SOURCES.forEach(visit);
  for (const file of filesNamedByContext(projectRoot, context)) if (!(file in files)) visit(file);
  const hash = createHash('sha256').update(`v${RECORD_VERSION}\n`);
  for (const [file, fileHash] of Object.entries(files)) hash.update(`${file}\0${fileHash}\n`);
  hash.update(`context\0${JSON.stringify(context)}\n`);
  hash.update(`node\0${process.versions.node.split('.')[0]}\n`);
  hash.update(`day\0${now.toISOString().slice(0, 10)}\n`);
  return { hash: hash.digest('hex'), files };
}

/** Project files (relative paths) that a string value of the context names: cdk.json's, cdk.context.json's, `-c`'s. */
function filesNamedByContext(projectRoot: string, context: readonly string[]): string[] {
  const values: unknown[] = context.map((pair) => pair.slice(pair.indexOf('=') + 1));
  for (const [file, pick] of [
    ['cdk.json', (json: { context?: Record<string, unknown> }) => json.context],
    ['cdk.context.json', (json: Record<string, unknown>) => json],
  ] as const) {
    try {
      values.push(...Object.values(pick(JSON.parse(readFileSync(path.join(projectRoot, file), 'utf8'))) ?? {}));
    } catch {
      // Missing or not JSON: the synth says so.
    }
  }
  const named: string[] = [];
  for (const value of values) {
    if (typeof value !== 'string' || value === '' || value.length > 1000) continue;
    const relative = path.relative(projectRoot, path.resolve(projectRoot, value));
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
    if (statSync(path.join(projectRoot, relative), { throwIfNoEntry: false })?.isFile()) named.push(relative);
  }
  return named;
}

interface InputsRecord {
  readonly version: number;
  readonly inputs: string;
  /** The hash of the assembly's manifest and stack files as installed, and its asset folders. */
  readonly assembly: string;
  readonly files: Record<string, string>;
}

/** The record of the synth that made the assembly, if it is there and of this version. */
function readRecord(assemblyDir: string): InputsRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(path.join(assemblyDir, INPUTS_RECORD), 'utf8')) as InputsRecord;
    return record.version === RECORD_VERSION ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the assembly is the complete result of a synth of exactly these inputs. */
export function assemblyIsUpToDate(assemblyDir: string, inputs: SynthInputs): boolean {
  const record = readRecord(assemblyDir);
  return record !== undefined && record.inputs === inputs.hash && record.assembly === assemblyFingerprint(assemblyDir);
}

/** The inputs that differ from the last synth's (added, changed or removed), for the log; empty when unknown. */
export function changedInputs(assemblyDir: string, inputs: SynthInputs): string[] {
  const record = readRecord(assemblyDir);
  if (!record) return [];
  const names = new Set([...Object.keys(record.files), ...Object.keys(inputs.files)]);
  return [...names].filter((name) => record.files[name] !== inputs.files[name]).sort();
}

/** Records that the assembly, as it is now, is the synth of these inputs (written last, after the install). */
export function recordInputs(assemblyDir: string, inputs: SynthInputs): void {
  const record: InputsRecord = { version: RECORD_VERSION, inputs: inputs.hash, assembly: assemblyFingerprint(assemblyDir), files: { ...inputs.files } };
  writeFileSync(path.join(assemblyDir, INPUTS_RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * The manifest and the stacks' files (content), and the names of the asset folders the stacks' asset manifests
 * list, each present (their names are their content's hash): undefined-like ('missing') when there is no manifest
 * or an asset folder is gone.
 */
function assemblyFingerprint(assemblyDir: string): string {
  const hash = createHash('sha256');
  let entries: string[];
  try {
    entries = readdirSync(assemblyDir).sort();
  } catch {
    return 'missing';
  }
  if (!entries.includes('manifest.json')) return 'missing';
  for (const name of entries) {
    if (name !== 'manifest.json' && !/\.(template|assets|metadata)\.json$/.test(name)) continue;
    const content = readFileSync(path.join(assemblyDir, name));
    hash.update(`${name}\0${digest(content)}\n`);
    if (!name.endsWith('.assets.json')) continue;
    for (const assetPath of assetPaths(content)) {
      if (!statSync(path.join(assemblyDir, assetPath), { throwIfNoEntry: false })) return 'missing';
    }
  }
  return hash.digest('hex');
}

/** The `source.path` of every file asset of an asset manifest (folders like `asset.<hash>`, or the templates). */
function assetPaths(content: Buffer): string[] {
  try {
    const manifest = JSON.parse(content.toString('utf8')) as { files?: Record<string, { source?: { path?: string } }> };
    return Object.values(manifest.files ?? {})
      .map((file) => file.source?.path)
      .filter((file): file is string => typeof file === 'string');
  } catch {
    return ['<unreadable asset manifest>'];
  }
}

function digest(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
