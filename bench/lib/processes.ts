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

/** Resident memory (MiB) of a process and all its descendants, from /proc (Linux); undefined elsewhere. */
export function treeRssMb(rootPid: number): number | undefined {
  try {
    const children = new Map<number, number[]>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const list = children.get(ppid) ?? [];
        list.push(Number(entry));
        children.set(ppid, list);
      } catch {
        // gone meanwhile
      }
    }
    let totalKb = 0;
    const stack = [rootPid];
    while (stack.length > 0) {
      const pid = stack.pop()!;
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        totalKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      } catch {
        // gone meanwhile
      }
      stack.push(...(children.get(pid) ?? []));
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

/** CPU time (user + system, ms) used so far by a process and its live descendants, from /proc (Linux). */
export function treeCpuMs(rootPid: number): number | undefined {
  try {
    const ticks = 100; // USER_HZ, 100 on Linux
    const children = new Map<number, number[]>();
    const cpu = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ppid = Number(fields[1]);
        cpu.set(Number(entry), ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks);
        const list = children.get(ppid) ?? [];
        list.push(Number(entry));
        children.set(ppid, list);
      } catch {
        // gone meanwhile
      }
    }
    // A negative pid: that process alone, without its descendants.
    if (rootPid < 0) return cpu.get(-rootPid) ?? 0;
    let total = 0;
    const stack = [rootPid];
    while (stack.length > 0) {
      const pid = stack.pop()!;
      total += cpu.get(pid) ?? 0;
      stack.push(...(children.get(pid) ?? []));
    }
    return total;
  } catch {
    return undefined;
  }
}
