/**
 * The processes that launched `npm start`'s node process, watched so that it never outlives them.
 *
 * npm forwards SIGINT and SIGTERM to the script's process only (@npmcli/run-script's signal-manager): `npm start` runs
 * `exec ts-node …` so that this process is that one (a `sh -c` in between dies of SIGTERM, or ignores SIGINT,
 * without passing it on). SIGHUP and SIGKILL to npm reach nobody: this process would keep listening on every port,
 * re-parented to init. So it polls its launchers (npm, and a shell if there is one) and stops cleanly once one of
 * them is gone.
 */
import { readFileSync } from 'node:fs';
import { isSameProcessAlive, processStartTicks } from './state-lock';

interface Launcher {
  readonly pid: number;
  readonly startTicks?: string;
  readonly name: string;
}

/** Clock ticks per second of /proc's start times (USER_HZ, 100 on every Linux architecture Node.js supports). */
const TICKS_PER_SECOND = 100;
const MAX_DEPTH = 4;

/**
 * Calls `onGone` (once) when a launcher of this process is gone. Launchers are watched only under a package manager
 * (`npm_lifecycle_event` set): run directly from a shell, a process is expected to outlive it under `nohup`.
 */
export function watchLaunchers(onGone: (launcher: string) => void, intervalMs = 500): () => void {
  const launchers = launchersOf(process.env);
  if (launchers.length === 0) return () => undefined;
  const parent = process.ppid;
  const timer = setInterval(() => {
    const gone = process.ppid !== parent ? launchers[0] : launchers.find((launcher) => !isSameProcessAlive(launcher.pid, launcher.startTicks));
    if (!gone) return;
    clearInterval(timer);
    onGone(`${gone.name} (pid ${gone.pid})`);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The parent and, up to npm itself, its ancestors; empty when not started by a package manager. */
function launchersOf(env: NodeJS.ProcessEnv): Launcher[] {
  if (!env.npm_lifecycle_event) return [];
  const launchers: Launcher[] = [];
  let pid = process.ppid;
  for (let depth = 0; depth < MAX_DEPTH && pid > 1; depth++) {
    const name = commandName(pid);
    launchers.push({ pid, startTicks: processStartTicks(pid), name: name ?? 'the parent process' });
    if (name === undefined || /(^|\/)npm(-cli\.js)?$|^npm /.test(name)) break;
    const next = parentOf(pid);
    if (next === undefined) break;
    pid = next;
  }
  return launchers;
}

/** The process's command (its argv[0], or argv[1] for `node npm-cli.js`); undefined where there is no /proc. */
function commandName(pid: number): string | undefined {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    if (/(^|\/)node$/.test(argv[0] ?? '') && argv[1]) return argv[1].endsWith('npm-cli.js') ? 'npm' : argv[0];
    return argv[0]?.startsWith('npm ') ? 'npm' : argv[0];
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * When the command started, in ms since the epoch: npm's start when run by `npm start` (its prestart build included),
 * else this process's.
 */
export function commandStartedAt(): number {
  const ownStart = Date.now() - process.uptime() * 1000;
  const launchers = launchersOf(process.env);
  const own = Number(processStartTicks(process.pid));
  const first = Number(launchers[launchers.length - 1]?.startTicks);
  if (!Number.isFinite(own) || !Number.isFinite(first) || first > own) return ownStart;
  return ownStart - ((own - first) / TICKS_PER_SECOND) * 1000;
}
