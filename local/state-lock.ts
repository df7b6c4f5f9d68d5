/**
 * One local cloud per state directory: a lock file (`<stateDir>/lock.json`, created exclusively) names the process
 * that holds it (pid, start, endpoints once it listens). A second local cloud on the same folder is refused at once,
 * naming the first; a lock left by a process that is gone (`kill -9`, a crash) is taken over.
 *
 * Also a registry of the running local clouds (one file per process in the temporary folder, none under any state
 * directory), so that `npm run invoke` finds a local cloud started with another `--state-dir`, or `--in-memory`, and
 * a port conflict can name the local cloud that holds the port.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type StateHolder, StateLockedError } from './errors';
import { writeFileAtomic } from './state';

export const LOCK_FILE_NAME = 'lock.json';

interface LockContent extends StateHolder {
  /** The process's start time (Linux: /proc/PID/stat), so that a pid reused by another program is not taken for it. */
  readonly startTicks?: string;
}

export interface StateLock {
  readonly file: string;
  /** Records where the local cloud listens, for the message a second one gets. */
  update(endpoints: NonNullable<StateHolder['endpoints']>): void;
  /** Removes the lock (if it is still this process's); safe to call twice. */
  release(): void;
}

/** Takes the state directory, or throws StateLockedError naming the local cloud that has it. */
export function lockStateDir(stateDir: string): StateLock {
  mkdirSync(stateDir, { recursive: true });
  const file = path.join(stateDir, LOCK_FILE_NAME);
  const content: LockContent = { pid: process.pid, startedAt: new Date().toISOString(), startTicks: processStartTicks(process.pid) };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      try {
        writeSync(fd, `${JSON.stringify(content, null, 2)}\n`);
      } finally {
        closeSync(fd);
      }
      return ownedLock(file, content);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = liveHolder(file);
    if (holder) throw new StateLockedError(stateDir, holder);
    // Left by a process that is gone: removed, and the exclusive create tried again (another starter may win it).
    rmSync(file, { force: true });
  }
  throw new StateLockedError(stateDir, liveHolder(file) ?? { pid: 0, startedAt: 'just now' });
}

/** The live local cloud that holds a state directory, if any. */
export function stateHolder(stateDir: string): StateHolder | undefined {
  return liveHolder(path.join(stateDir, LOCK_FILE_NAME));
}

function ownedLock(file: string, content: LockContent): StateLock {
  let released = false;
  const isOurs = () => readLock(file)?.pid === process.pid;
  return {
    file,
    update(endpoints) {
      if (!released && isOurs()) writeFileAtomic(file, `${JSON.stringify({ ...content, endpoints }, null, 2)}\n`);
    },
    release() {
      if (released) return;
      released = true;
      if (isOurs()) rmSync(file, { force: true });
    },
  };
}

function readLock(file: string): LockContent | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' ? (parsed as LockContent) : undefined;
  } catch {
    // Missing, or half-written by a process killed mid-write: nobody holds it.
    return undefined;
  }
}

function liveHolder(file: string): LockContent | undefined {
  const lock = readLock(file);
  return lock && isSameProcessAlive(lock.pid, lock.startTicks) ? lock : undefined;
}

/** Whether `pid` is alive and (where the start time can be read) the very process that wrote it. */
export function isSameProcessAlive(pid: number, startTicks: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = processStartTicks(pid);
  return startTicks === undefined || now === undefined || now === startTicks;
}

/** Field 22 of /proc/PID/stat (start time in clock ticks after boot); undefined where there is no /proc. */
export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

// --- the registry of running local clouds ---------------------------------------------------------------------------

export interface RunningCloud {
  readonly pid: number;
  readonly startTicks?: string;
  /** The project it runs (the folder of its package.json). */
  readonly projectRoot: string;
  /** Its `--state-dir`; undefined with `--in-memory`. */
  readonly stateDir?: string;
  /** Where its endpoints.json and credentials are (the state directory, or a temporary folder). */
  readonly filesDir: string;
  readonly endpoints: NonNullable<StateHolder['endpoints']>;
}

/** The registry's folder: one per user, in the temporary folder. */
export function registryDir(): string {
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : 'user';
  return path.join(process.env.LOCAL_CLOUD_REGISTRY_DIR ?? tmpdir(), `appsync-local-clouds-${user}`);
}

/** Adds this process's local cloud to the registry; the returned function removes it. */
export function registerRunningCloud(entry: Omit<RunningCloud, 'pid' | 'startTicks'>): () => void {
  const dir = registryDir();
  const file = path.join(dir, `${process.pid}.json`);
  const content: RunningCloud = { ...entry, pid: process.pid, startTicks: processStartTicks(process.pid) };
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`, 0o600);
  } catch {
    // Only a convenience (invoke finds the cloud by --state-dir too).
    return () => undefined;
  }
  return () => rmSync(file, { force: true });
}

/** The local clouds running now (entries of processes that are gone are removed). */
export function runningClouds(): RunningCloud[] {
  const dir = registryDir();
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /^\d+\.json$/.test(name));
  } catch {
    return [];
  }
  const running: RunningCloud[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let entry: RunningCloud;
    try {
      entry = JSON.parse(readFileSync(file, 'utf8')) as RunningCloud;
    } catch {
      continue;
    }
    if (isSameProcessAlive(entry.pid, entry.startTicks)) running.push(entry);
    else rmSync(file, { force: true });
  }
  return running;
}
