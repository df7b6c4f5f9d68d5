import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface Child {
  readonly process: ChildProcess;
  /** The next message of the given type (or fails on an `error` message, the child's exit, or the time limit). */
  next<T>(type: string, timeoutMs: number): Promise<T>;
  send(message: unknown): void;
  /** Asks politely (`stop`), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Forks a script with an IPC channel; its stdout and stderr go nowhere unless `inherit`. */
export function startChild(
  script: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; execArgv?: string[]; inheritStderr?: boolean; cwd?: string; execPath?: string } = {},
): Child {
  const child = fork(script, args, {
    // The Node.js to run it with (the functions' runtime for cold and warm samples); the host's by default.
    execPath: options.execPath ?? process.execPath,
    env: options.env ?? process.env,
    execArgv: options.execArgv ?? [],
    cwd: options.cwd,
    stdio: ['ignore', 'ignore', options.inheritStderr ? 'inherit' : 'ignore', 'ipc'],
    serialization: 'advanced',
  });
  live.add(child);
  child.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  const inbox: Array<{ type?: string }> = [];
  const waiters: Array<() => void> = [];
  child.on('message', (message: { type?: string }) => {
    inbox.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  child.once('exit', () => {
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    process: child,
    send: (message) => child.send(message as never),
    async next<T>(type: string, timeoutMs: number): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = inbox.findIndex((message) => message?.type === type || message?.type === 'error');
        if (index >= 0) {
          const [message] = inbox.splice(index, 1);
          if (message.type === 'error') throw new Error(`${script}: ${(message as { message?: string }).message}`);
          return message as T;
        }
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`${script} exited (${child.exitCode ?? child.signalCode}) before sending ${type}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`${script} sent no ${type} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) {
        // A channel closing meanwhile answers with an error, which is fine: the timer below ends the process anyway.
        child.send({ type: 'stop' }, () => undefined);
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The fields of a /proc `stat` line (a process's or a thread's) used here: the parent pid, user + system CPU in ms
 * (ticks of USER_HZ, 100 on Linux), and the same of its children that have ended and been waited for. The name in
 * parentheses may hold spaces, so the fields are counted after it.
 */
function parseStat(stat: string): { readonly ppid: number; readonly cpuMs: number; readonly endedChildrenCpuMs: number } {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ms = (ticks: number) => (ticks * 1000) / 100;
  return {
    ppid: Number(fields[1]),
    cpuMs: ms(Number(fields[11]) + Number(fields[12])),
    endedChildrenCpuMs: ms(Number(fields[13]) + Number(fields[14])),
  };
}

type ProcessStat = ReturnType<typeof parseStat>;

/**
 * A process and its descendants, from one scan of /proc (Linux), each with its `stat` fields; throws where there is no
 * /proc. A process that ends during the scan is left out.
 */
function processTree(rootPid: number): Map<number, ProcessStat> {
  const stats = new Map<number, ProcessStat>();
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      stats.set(Number(entry), stat);
      const list = children.get(stat.ppid) ?? [];
      list.push(Number(entry));
      children.set(stat.ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const tree = new Map<number, ProcessStat>();
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    const stat = stats.get(pid);
    if (stat) tree.set(pid, stat);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Resident memory (MiB) of a process and all its descendants, from /proc (Linux); undefined elsewhere. */
export function treeRssMb(rootPid: number): number | undefined {
  try {
    let totalKb = 0;
    for (const pid of processTree(rootPid).keys()) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        totalKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      } catch {
        // gone meanwhile
      }
    }
    return totalKb / 1024;
  } catch {
    return undefined;
  }
}

/** Samples the tree's RSS every `everyMs` until stopped; returns the peak (MiB). */
export function sampleRss(rootPid: number, everyMs = 200): { stop(): number | undefined } {
  let peak: number | undefined;
  const sample = () => {
    const value = treeRssMb(rootPid);
    if (value !== undefined) peak = Math.max(peak ?? 0, value);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/**
 * CPU time (user + system, ms) used so far by a process and its descendants, from /proc (Linux): the live ones, and
 * those that have ended and been waited for by a process of the tree (a process per invocation, a worker replaced).
 * A negative pid: that process's own, without its descendants (read from its one `stat` file). Undefined where there
 * is no /proc, or when that one process is gone.
 */
export function treeCpuMs(rootPid: number): number | undefined {
  try {
    if (rootPid < 0) return parseStat(readFileSync(`/proc/${-rootPid}/stat`, 'utf8')).cpuMs;
    let total = 0;
    for (const stat of processTree(rootPid).values()) total += stat.cpuMs + stat.endedChildrenCpuMs;
    return total;
  } catch {
    return undefined;
  }
}

/**
 * CPU time (ms) of each thread of a process so far, by thread id, from /proc (Linux): the scheduler's own count
 * (`schedstat`, nanoseconds) where the kernel keeps it, else user + system from `stat` (10 ms ticks). Undefined where
 * there is no /proc, or once the process is gone.
 */
export function threadCpuMs(pid: number): Map<number, number> | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const cpu = new Map<number, number>();
  for (const tid of tids) {
    const task = `/proc/${pid}/task/${tid}`;
    try {
      cpu.set(Number(tid), Number(readFileSync(`${task}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
    } catch {
      try {
        cpu.set(Number(tid), parseStat(readFileSync(`${task}/stat`, 'utf8')).cpuMs);
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return cpu;
}

/** Where a server process's CPU went over a span, in ms. */
export interface ServerThreadsCpu {
  /** The main thread: the local cloud's HTTP servers, AppSync (parsing, auth, resolving) and the Lambda runtime's side. */
  readonly main: number;
  /** The busiest thread the local cloud started itself: its DynamoDB store (local/dynamodb/store-thread.ts). */
  readonly store: number;
  /** Every other thread: V8's (garbage collection, compilation), libuv's pool, the ones that ended. */
  readonly other: number;
}

/**
 * Splits a server process's CPU between two snapshots of threadCpuMs: its main thread (tid = pid), the busiest of the
 * threads that were not there before the local cloud started (`threadsBefore`), which is its DynamoDB store, and the
 * rest. `total` is the process's own CPU over the same span (threads that ended count there, and in `other`).
 */
export function splitServerCpu(
  pid: number,
  before: ReadonlyMap<number, number>,
  after: ReadonlyMap<number, number>,
  threadsBefore: ReadonlySet<number>,
  total: number,
): ServerThreadsCpu {
  const used = (tid: number) => Math.max(0, (after.get(tid) ?? 0) - (before.get(tid) ?? 0));
  const main = used(pid);
  let store = 0;
  for (const tid of after.keys()) if (tid !== pid && !threadsBefore.has(tid)) store = Math.max(store, used(tid));
  return { main, store, other: Math.max(0, total - main - store) };
}
