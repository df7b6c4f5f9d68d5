/**
 * `npm start -- --watch`: every edit of what the synth reads (synth-inputs.ts) synthesizes the app again, in this
 * process, and swaps the new assembly into the running local cloud (RunningLocalCloud.reload): the store's data, the
 * API keys, the credentials and the ports stay. An edit that does not synthesize, or an assembly the local cloud
 * refuses, keeps the running version and prints why; the next edit tries again. One line per reload.
 *
 * The synth blocks this process for its seconds (CDK is synchronous): requests that arrive meanwhile wait for it.
 */
import { type Dirent, type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import * as path from 'node:path';
import { SynthFailedError } from './errors';
import type { RunningLocalCloud } from './local-cloud';
import { SYNTH_SOURCES, type SynthInputs, synthInputs } from './synth-inputs';

/** Editors write a file in several steps (a temporary file, a rename, a second save): one reload for them all. */
const SETTLE_MS = 200;

export interface WatchOptions {
  readonly projectRoot: string;
  readonly assemblyDir: string;
  readonly context: readonly string[];
  readonly cloud: RunningLocalCloud;
  /** The inputs of the assembly the cloud runs now. */
  readonly inputs: SynthInputs;
  readonly log: (line: string) => void;
  /** Says why a reload failed, as npm start says it for a start (undefined: not the user's to fix). */
  readonly explain: (error: unknown) => string | undefined;
}

export interface AppWatch {
  close(): void;
}

export function watchApp(options: WatchOptions): AppWatch {
  let served = options.inputs;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  const reload = async (): Promise<void> => {
    const inputs = synthInputs(options.projectRoot, options.context);
    // A save that changed nothing (a touch, an undo, a file outside the synth's inputs).
    if (inputs.hash === served.hash) return;
    const changed = Object.keys({ ...served.files, ...inputs.files }).filter((file) => served.files[file] !== inputs.files[file]);
    const started = Date.now();
    options.log(`${describeFiles(changed)} changed: synthesizing and reloading...`);
    let synthMs: number;
    try {
      const { synthesize } = require('./synth') as typeof import('./synth');
      synthesize({ assemblyDir: options.assemblyDir, context: options.context, projectRoot: options.projectRoot, inputs });
      synthMs = Date.now() - started;
      const summary = await options.cloud.reload(options.assemblyDir);
      served = inputs;
      const what = [
        summary.apisChanged.length > 0 ? `API ${summary.apisChanged.join(', ')}` : '',
        summary.tablesCreated.length > 0 ? `new table ${summary.tablesCreated.join(', ')}` : '',
        ...(['changed', 'added', 'removed'] as const).map((kind) =>
          summary.functions[kind].length > 0 ? `${kind} function ${summary.functions[kind].join(', ')}` : '',
        ),
      ].filter(Boolean);
      options.log(`reloaded in ${Date.now() - started} ms (synth ${synthMs} ms): ${what.length > 0 ? what.join('; ') : 'no resource changed'}`);
    } catch (error) {
      const message =
        error instanceof SynthFailedError
          ? 'the synth failed (the error is above).'
          : (options.explain(error) ?? `the local cloud could not reload: ${(error as Error)?.stack ?? String(error)}`);
      options.log(`reload failed after ${Date.now() - started} ms: ${message} The running version is kept; save a fix and it reloads.`);
    }
  };

  const run = () => {
    timer = undefined;
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = reload().finally(() => {
      running = undefined;
      if (again && !closed) {
        again = false;
        run();
      }
    });
  };
  const changed = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, SETTLE_MS);
  };

  // Files outside those folders that the inputs include (a todo:schemaPath elsewhere): their folder, by name.
  const extraFiles = Object.keys(options.inputs.files).filter((file) => !SYNTH_SOURCES.includes(file.split(path.sep)[0]));
  const watcher = watchTree(options.projectRoot, extraFiles, changed);

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}

/**
 * Calls `onEvent` on any change below the synth's input folders or to the project folder's files among the inputs.
 * Each folder is watched on its own (and new folders are found at every event): Node 20's recursive fs.watch on
 * Linux follows files by inode, and loses a file for good once a tool saves it by renaming a new file over it
 * (`sed -i`, many editors).
 */
function watchTree(projectRoot: string, extraFiles: readonly string[], onEvent: () => void): { close(): void } {
  const watchers = new Map<string, FSWatcher>();
  const rootFiles = new Set<string>(SYNTH_SOURCES);
  const add = (dir: string, filter?: (file: string) => boolean) => {
    if (watchers.has(dir)) return;
    try {
      const watcher = watch(dir, (_event, file) => {
        if (filter && !(file && filter(String(file)))) return;
        rescan();
        onEvent();
      });
      // A folder that goes away (removed, renamed) must not end the local cloud.
      watcher.on('error', () => {
        watcher.close();
        watchers.delete(dir);
      });
      watchers.set(dir, watcher);
    } catch {
      // Gone between the listing and the watch.
    }
  };
  const visit = (dir: string) => {
    add(dir);
    let entries: Dirent[] = [];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      // Gone meanwhile.
    }
    for (const entry of entries) if (entry.isDirectory() && entry.name !== 'node_modules') visit(path.join(dir, entry.name));
  };
  const rescan = () => {
    for (const source of SYNTH_SOURCES) {
      const absolute = path.join(projectRoot, source);
      if (statSync(absolute, { throwIfNoEntry: false })?.isDirectory()) visit(absolute);
    }
  };
  // Folders watched for some of their files only: the project folder (its input files), and those of extra files.
  const namesByFolder = new Map<string, Set<string>>([[projectRoot, rootFiles]]);
  for (const file of extraFiles) {
    const folder = path.join(projectRoot, path.dirname(file));
    namesByFolder.set(folder, new Set([...(namesByFolder.get(folder) ?? []), path.basename(file)]));
  }
  for (const [folder, names] of namesByFolder) add(folder, (file) => names.has(file));
  rescan();
  return {
    close() {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

function describeFiles(files: readonly string[]): string {
  if (files.length === 0) return 'The inputs';
  const shown = files.slice(0, 3).join(', ');
  return files.length > 3 ? `${shown} and ${files.length - 3} more` : shown;
}
