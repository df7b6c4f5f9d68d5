/**
 * The warm workers of one function: one invocation at a time per worker, a new worker when all are busy (up to
 * `maxWorkers`), further invocations in a FIFO queue. (Lambda would throttle with 429 at its concurrency limit
 * instead of queueing.) A worker that dies (crash, timeout, exit) is dropped and replaced by the next invocation.
 */
import { ServiceShuttingDownError, WorkerStartError } from './errors';
import type { LocalFunctionDefinition } from './types';
import { type Outcome, type Pending, type WorkerLaunch, WorkerProcess, type WorkerState } from './worker-process';

export interface WorkerInfo {
  functionName: string;
  pid: number | undefined;
  state: WorkerState;
  invocations: number;
}

export interface PoolHost {
  /** Every log line of the function's workers. */
  log(line: string): void;
  /** What the next new worker starts with (called once per worker; throws when none can start). */
  launch(): WorkerLaunch;
}

export class FunctionPool {
  private readonly workers = new Set<WorkerProcess>();
  private readonly queue: Array<{ pending: Pending; resolve(outcome: Outcome): void; reject(error: Error): void }> = [];
  private closed = false;

  constructor(
    private readonly fn: LocalFunctionDefinition,
    private readonly maxWorkers: number,
    private readonly host: PoolHost,
  ) {}

  /** Runs the invocation on the first free worker, in arrival order. */
  submit(pending: Pending): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ pending, resolve, reject });
      this.pump();
    });
  }

  describe(): WorkerInfo[] {
    return [...this.workers].map((worker) => ({ functionName: this.fn.name, pid: worker.pid, state: worker.state, invocations: worker.invocations }));
  }

  /** Refuses what is queued (503), kills every worker and waits until they are gone. */
  async close(): Promise<void> {
    this.closed = true;
    for (const queued of this.queue.splice(0)) {
      queued.reject(new ServiceShuttingDownError());
    }
    await Promise.all([...this.workers].map((worker) => worker.kill()));
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let worker = [...this.workers].find((candidate) => candidate.state === 'idle');
      if (!worker) {
        const alive = [...this.workers].filter((candidate) => candidate.state !== 'dead').length;
        if (alive >= this.maxWorkers) return;
        try {
          worker = this.spawn();
        } catch (error) {
          this.queue.shift()!.reject(new WorkerStartError(this.fn.name, (error as Error).message));
          continue;
        }
      }
      const queued = this.queue.shift()!;
      worker.reserve();
      worker
        .run(queued.pending)
        .then(queued.resolve, queued.reject)
        .finally(() => this.pump());
    }
  }

  private spawn(): WorkerProcess {
    const worker = new WorkerProcess({
      ...this.host.launch(),
      fn: this.fn,
      log: this.host.log,
      onGone: () => {
        this.workers.delete(worker);
        this.pump();
      },
    });
    this.workers.add(worker);
    return worker;
  }
}
