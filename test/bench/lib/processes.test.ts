/**
 * The benchmark's per-thread CPU accounting (bench/lib/processes.ts), on this process's real threads: /proc on Linux.
 */
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { splitServerCpu, threadCpuMs, treeCpuMs } from '../../../bench/lib/processes';

const onLinux = process.platform === 'linux' ? it : it.skip;

describe('threadCpuMs', () => {
  onLinux(
    'counts the main thread by the process id, and a new thread under its own id',
    async () => {
      // GIVEN the threads before a busy thread starts
      const before = threadCpuMs(process.pid);
      expect(before?.has(process.pid)).toBe(true);

      // WHEN a thread spins (until told to stop) while the main thread looks at it
      const stop = new Int32Array(new SharedArrayBuffer(4));
      const worker = new Worker('const { workerData } = require("node:worker_threads"); while (Atomics.load(workerData, 0) === 0) {}', {
        eval: true,
        workerData: stop,
      });
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      const busiestNewThread = () => {
        const now = threadCpuMs(process.pid) ?? new Map<number, number>();
        return Math.max(0, ...[...now].filter(([tid]) => !before?.has(tid)).map(([, ms]) => ms));
      };
      // However busy the machine, the spinning thread gets 50 ms of CPU in the end; no fixed wait.
      const deadline = Date.now() + 60_000;
      while (busiestNewThread() <= 50 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      const seen = busiestNewThread();
      const during = threadCpuMs(process.pid);
      Atomics.store(stop, 0, 1);
      await exited;

      // THEN the one thread that was not there before is counted, and the main thread's count only grew
      expect(seen).toBeGreaterThan(50);
      expect(during?.get(process.pid)).toBeGreaterThanOrEqual(before?.get(process.pid) ?? 0);
    },
    90_000,
  );

  it('is undefined for a process that does not exist', () => {
    expect(threadCpuMs(2 ** 22 + 1)).toBeUndefined();
  });
});

describe('treeCpuMs', () => {
  onLinux(
    'counts a child that has ended (a process per invocation) in the tree, and not in the process alone',
    async () => {
      // GIVEN the tree's CPU and this process's own
      const treeBefore = treeCpuMs(process.pid) ?? Number.NaN;
      const selfBefore = treeCpuMs(-process.pid) ?? Number.NaN;

      // WHEN a child uses 300 ms of CPU (its own count, however busy the machine) and ends
      const child = spawn(process.execPath, ['-e', 'while (process.cpuUsage().user < 300_000) {}'], { stdio: 'ignore' });
      await new Promise((resolve) => child.once('exit', resolve));

      // THEN its CPU is the tree's (10 ms ticks), over what this process used itself meanwhile
      const fromDescendants = (treeCpuMs(process.pid) ?? Number.NaN) - treeBefore - ((treeCpuMs(-process.pid) ?? Number.NaN) - selfBefore);
      expect(fromDescendants).toBeGreaterThanOrEqual(280);
    },
    90_000,
  );
});

describe('splitServerCpu', () => {
  it('gives the main thread, the busiest thread started since, and the rest of the total', () => {
    // GIVEN pid 10 with a V8 thread (11) from before, a store (20) and a pool thread (21) started since
    const before = new Map([
      [10, 100],
      [11, 50],
    ]);
    const after = new Map([
      [10, 400],
      [11, 90],
      [20, 700],
      [21, 30],
    ]);

    // WHEN the process used 1,100 ms in all (an ended thread's share included)
    const split = splitServerCpu(10, before, after, new Set([10, 11]), 1_100);

    // THEN
    expect(split).toEqual({ main: 300, store: 700, other: 100 });
  });

  it('does not take a thread from before the cloud for its store, however busy', () => {
    const split = splitServerCpu(
      10,
      new Map([[11, 0]]),
      new Map([
        [10, 100],
        [11, 900],
        [20, 50],
      ]),
      new Set([10, 11]),
      1_050,
    );
    expect(split).toEqual({ main: 100, store: 50, other: 900 });
  });
});
