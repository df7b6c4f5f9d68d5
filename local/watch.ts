/**
 * `npm start -- --watch`: every edit of what the synth reads (synth-inputs.ts) synthesizes the app again, in this
 * process, and swaps the new assembly into the running local cloud (RunningLocalCloud.reload): the store's data, the
 * API keys, the credentials and the ports stay. An edit that does not synthesize, or an assembly the local cloud
 * refuses, keeps the running version and prints why; the next edit tries again. One line per reload.
 *
 * The synth blocks this process for its seconds (CDK is synchronous): requests that arrive meanwhile wait for it.
 */
import { type FSWatcher, statSync, watch } from 'node:fs';
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
  /** Resolves once no reload runs (tests wait on it, and so does the stop). */
  idle(): Promise<void>;
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

  const watchers = watchedPaths(options.projectRoot).map(({ dir, recursive, names }) => {
    const watcher: FSWatcher = watch(dir, { recursive }, (_event, file) => {
      if (!names || (file && names.has(String(file)))) changed();
    });
    // A watched folder that goes away (removed, renamed) must not end the local cloud.
    watcher.on('error', () => undefined);
    return watcher;
  });

  return {
    async idle() {
      while (timer || running) await (running ?? new Promise((resolve) => setTimeout(resolve, SETTLE_MS)));
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}

/** The folders of the synth's inputs (recursively) and the project folder itself, for its files among them. */
function watchedPaths(projectRoot: string): Array<{ dir: string; recursive: boolean; names?: Set<string> }> {
  const folders: Array<{ dir: string; recursive: boolean; names?: Set<string> }> = [];
  const rootFiles = new Set<string>();
  for (const source of SYNTH_SOURCES) {
    const absolute = path.join(projectRoot, source);
    if (statSync(absolute, { throwIfNoEntry: false })?.isDirectory()) folders.push({ dir: absolute, recursive: true });
    // A file of the project folder (or not there yet): watched by name.
    else rootFiles.add(source);
  }
  folders.push({ dir: projectRoot, recursive: false, names: rootFiles });
  return folders;
}

function describeFiles(files: readonly string[]): string {
  if (files.length === 0) return 'The inputs';
  const shown = files.slice(0, 3).join(', ');
  return files.length > 3 ? `${shown} and ${files.length - 3} more` : shown;
}
