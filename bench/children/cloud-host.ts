/**
 * Runs the local cloud (the same `startLocalCloud` as `npm start`, in memory, on free loopback ports) in a process of
 * its own, so that the load generator and the runner do not share its event loop and its memory can be measured
 * alone. Talks to the runner over IPC: sends `ready` with what clients need, stops on `stop` (or when the runner
 * goes away).
 *
 * `--peer`: also serves the same schema with amplify-appsync-simulator (see ./peer.ts), whose Lambda data source
 * invokes the same resolver bundle through the same local Lambda runtime and store; `--peer-process-per-invocation`:
 * the same, with a new Node.js process per resolver call, as `amplify mock api` runs it.
 */
import { startLocalCloud } from '../../local/local-cloud';
import { defaultMaxWorkersPerFunction } from '../../local/services';
import { CALLER_IDS } from '../lib/callers';
import { threadCpuMs } from '../lib/processes';
import type { CallerFunctionInfo, CloudReady } from '../lib/protocol';
import { PeerInvocation, startPeer } from './peer';

/** The peer each mode serves instead of ours: its Lambda data sources on our runtime, or a process per call. */
const PEER_MODES: Record<string, PeerInvocation | undefined> = {
  '--peer': PeerInvocation.SHARED_RUNTIME,
  '--peer-process-per-invocation': PeerInvocation.PROCESS_PER_INVOCATION,
};

async function main(): Promise<void> {
  const [assemblyDir, stateDir, mode] = process.argv.slice(2);
  if (!assemblyDir || !stateDir) throw new Error('usage: cloud-host <assemblyDir> <stateDir> [--peer | --peer-process-per-invocation]');
  // Lines are formatted exactly as for `npm start`; the runner points stderr at /dev/null.
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // The threads this process has before the local cloud starts (V8's own, mostly): the runner tells the cloud's own from them.
  const threadsBeforeCloud = [...(threadCpuMs(process.pid)?.keys() ?? [])];
  const cloud = await startLocalCloud({ assemblyDir, stateDir, inMemory: true, graphqlPort: 0, lambdaPort: 0, dynamodbPort: 0, log });
  const api = cloud.deployment.graphqlApis[0];
  let graphqlUrl = api.url;
  let stopPeer: (() => Promise<void>) | undefined;
  const peerInvocation = PEER_MODES[mode ?? ''];
  if (peerInvocation) {
    const peer = await startPeer(cloud, peerInvocation, log);
    graphqlUrl = peer.url;
    stopPeer = peer.stop;
  }
  const callers: CallerFunctionInfo[] = [];
  for (const caller of CALLER_IDS) {
    const fn = cloud.deployment.functions.find((candidate) => candidate.stackName.startsWith('TodoCallers') && candidate.logicalId.startsWith(caller));
    if (!fn) throw new Error(`no function for caller ${caller} in the assembly`);
    callers.push({
      caller,
      name: fn.name,
      codeDir: fn.codeDir,
      handler: fn.handler,
      timeoutSeconds: fn.timeoutSeconds,
      memorySize: fn.memorySize,
      // A copy: the callers run outside the cloud (the runner's own processes), unaffected by what follows.
      environment: { ...fn.environment },
      credentials: fn.credentials,
    });
  }
  // `npm run bench -- --cpu-prof DIR`: every Lambda worker also writes a V8 CPU profile there (node refuses --cpu-prof
  // in NODE_OPTIONS, so a preloaded script runs the profiler; see build.ts). Set before any worker starts.
  const profiler = process.env.BENCH_WORKER_PROFILER;
  if (profiler) {
    for (const fn of cloud.deployment.functions) {
      fn.environment.NODE_OPTIONS = `${fn.environment.NODE_OPTIONS ?? ''} --require ${profiler}`.trim();
      fn.environment.BENCH_CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR ?? '.';
    }
  }
  const ready: CloudReady = {
    type: 'ready',
    graphqlUrl,
    apiKey: api.apiKeys[0].value,
    region: cloud.deployment.region,
    callers,
    maxWorkersPerFunction: defaultMaxWorkersPerFunction(),
    threadsBeforeCloud,
  };
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    if (profiler) {
      // Workers end on SIGTERM when profiled (writing their profile); close() would SIGKILL them.
      for (const worker of cloud.services.runtime.listWorkers()) if (worker.pid) process.kill(worker.pid, 'SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    await stopPeer?.();
    await cloud.close();
    process.exit(0);
  };
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  process.send?.(ready);
}

main().catch((error: Error) => {
  process.stderr.write(`cloud-host: ${error.stack ?? error.message}\n`);
  process.send?.({ type: 'error', message: error.message });
  process.exit(1);
});
