/**
 * The benchmark's results: the JSON shape `--out` writes (the issue's keys, plus more), and the table for people.
 */

import type { Holding } from './holdings';
import type { ServerThreadsCpu } from './processes';

export interface BundleRow {
  readonly function: string;
  /** Bytes of the code of the synthesized asset (index.mjs / index.js): what Lambda loads. */
  readonly bytes: number;
  readonly baselineBytes: number;
  readonly ratio: number;
  /** Bytes of the asset's source maps, besides (not loaded unless a stack trace is mapped). */
  readonly mapBytes: number;
  readonly holds: Holding[];
  readonly baselineHolds: Holding[];
}

/** Which Node.js a cold or warm row ran on. */
export interface NodeUnderTest {
  /** The functions' runtime (`nodejs24.x`), or `host`. */
  readonly label: string;
  /** As `node --version` prints it. */
  readonly version: string;
  /** The host's Node.js standing in for the runtime's (which could not be had). */
  readonly fallback: boolean;
}

export interface ColdStartRow {
  readonly function: string;
  readonly node: NodeUnderTest;
  /** Median, loading the bundle + first invocation against the local cloud. */
  readonly ms: number;
  /** The same for our bundle sending over fetch instead (bench/lib/fetch-transport.ts). */
  readonly fetchMs: number;
  readonly baselineMs: number;
  readonly ratio: number;
  readonly loadMs: number;
  readonly baselineLoadMs: number;
  /** Median time from the process start (Node's own bootstrap included) to the end of the first invocation. */
  readonly processMs: number;
  readonly fetchProcessMs: number;
  readonly baselineProcessMs: number;
  /** Median CPU time (user + system) over the same span as `ms`: steadier than wall time when other work shares the cores. */
  readonly cpuMs: number;
  readonly fetchCpuMs: number;
  readonly baselineCpuMs: number;
  readonly samples: number;
}

export interface WarmRow {
  readonly function: string;
  readonly node: NodeUnderTest;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Our bundle sending over fetch instead. */
  readonly fetchP50Ms: number;
  readonly fetchP99Ms: number;
  readonly baselineP50Ms: number;
  readonly baselineP99Ms: number;
  /** The same request sent bare (node:http, headers prepared once), interleaved with our invocations. */
  readonly rawP50Ms: number;
  readonly rawP99Ms: number;
  /** p50 of ours minus p50 of the bare request. */
  readonly overRawMs: number;
  /** The twin's p50 less the bare request's: its own time, as overRawMs is ours. */
  readonly baselineOverRawMs: number;
  readonly invocations: number;
}

/** One operation sent one request at a time (API key), as a user clicking through an app would. */
export interface LatencyRow {
  readonly operation: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly errors: number;
  readonly errorSamples: string[];
}

export interface LoadRow {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly requests: number;
}

/** CPU time per request (ms) over a measured load, and the cores the server got. */
export interface LocalCloudCpu {
  /** The local cloud's process, all its threads. */
  readonly server: number;
  /**
   * The same by thread, where /proc tells (Linux): the main thread (HTTP, the AppSync layer, the Lambda runtime's
   * side), the DynamoDB store's thread, and the rest (V8's garbage collection and compiler threads, libuv's pool).
   */
  readonly serverThreads?: ServerThreadsCpu;
  readonly workers: number;
  readonly loadGenerator: number;
  readonly serverCores: number;
}

export interface BenchResults {
  readonly bundles: BundleRow[];
  readonly coldStart: ColdStartRow[];
  readonly warm: WarmRow[];
  readonly latency: LatencyRow[];
  readonly signing: { readonly usPerOp: number; readonly baselineUsPerOp: number; readonly ratio: number; readonly sdkUsPerOp: number };
  readonly local: {
    readonly rps: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly concurrency: number;
    readonly errors: number;
    readonly requests: number;
    readonly iamRps: number;
    readonly iamP50Ms: number;
    readonly iamP99Ms: number;
    readonly iamErrors: number;
    readonly iamRequests: number;
    readonly peerRps: number;
    readonly peerP50Ms: number;
    readonly peerP99Ms: number;
    readonly peerErrors: number;
    readonly peerRequests: number;
    readonly peerIamRps?: number;
    readonly peerIamErrors?: number;
    /** The peer as `amplify mock api` runs its Lambda data sources: a new Node.js process per resolver call. */
    readonly amplifyMockRps: number;
    readonly amplifyMockP50Ms: number;
    readonly amplifyMockP99Ms: number;
    readonly amplifyMockErrors: number;
    readonly amplifyMockRequests: number;
    /** Peak resident memory of the local cloud (its process and its Lambda workers) during the load. */
    readonly peakRssMb: number;
    readonly peerPeakRssMb: number;
    readonly amplifyMockPeakRssMb: number;
    readonly durationS: number;
    readonly errorSamples: string[];
    /** CPU time per request under each load (apiKey, iam, peer, peerIam, amplifyMock). */
    readonly cpuMsPerRequest: Record<string, LocalCloudCpu>;
    readonly maxWorkersPerFunction: number;
  };
  readonly meta: {
    readonly quick: boolean;
    readonly date: string;
    /** The host's Node.js, which runs the local cloud and the load generator. */
    readonly node: string;
    /** The callers' Runtime in the template, and the Node.js binaries the cold and warm rows ran on. */
    readonly runtime: string;
    readonly nodes: ReadonlyArray<NodeUnderTest & { readonly reason?: string }>;
    readonly cpus: number;
    readonly commit?: string;
    /** One-minute load average when the run started: above the core count, other work shared the machine. */
    readonly loadAverageAtStart: number;
    readonly elapsedS: number;
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const ratio = (value: number) => value.toFixed(2);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

export function formatReport(results: BenchResults): string {
  const { local } = results;
  const sections = [
    table(
      ['bundle (code Lambda loads)', 'ours', 'docs-style twin', 'ours/twin', 'ours holds (largest)'],
      results.bundles.map((row) => [
        row.function,
        kib(row.bytes),
        kib(row.baselineBytes),
        ratio(row.ratio),
        row.holds
          .slice(0, 3)
          .map((holding) => `${holding.input.replace(/^lambda\//, '')} ${kib(holding.bytes)}`)
          .join(', '),
      ]),
    ),
    table(
      [
        `cold start (median of ${results.coldStart[0]?.samples ?? 0})`,
        'Node.js',
        'ours',
        'ours on fetch',
        'twin',
        'ours/twin',
        'ours/fetch',
        'ours from process start',
        'fetch from process start',
        'twin from process start',
        'CPU ms: ours / fetch / twin',
      ],
      results.coldStart.map((row) => [
        row.function,
        nodeCell(row.node),
        ms(row.ms),
        ms(row.fetchMs),
        ms(row.baselineMs),
        ratio(row.ratio),
        ratio(row.ms / row.fetchMs),
        ms(row.processMs),
        ms(row.fetchProcessMs),
        ms(row.baselineProcessMs),
        `${row.cpuMs.toFixed(1)} / ${row.fetchCpuMs.toFixed(1)} / ${row.baselineCpuMs.toFixed(1)}`,
      ]),
    ),
    table(
      [
        `warm (${results.warm[0]?.invocations ?? 0} turns, interleaved)`,
        'Node.js',
        'ours p50',
        'ours p99',
        'fetch p50',
        'fetch p99',
        'bare request p50',
        'ours − bare',
        'twin p50',
        'twin p99',
        'twin − bare',
        'ours/twin p50',
      ],
      results.warm.map((row) => [
        row.function,
        nodeCell(row.node),
        ms(row.p50Ms),
        ms(row.p99Ms),
        ms(row.fetchP50Ms),
        ms(row.fetchP99Ms),
        ms(row.rawP50Ms),
        ms(row.overRawMs),
        ms(row.baselineP50Ms),
        ms(row.baselineP99Ms),
        ms(row.baselineOverRawMs),
        ratio(row.p50Ms / row.baselineP50Ms),
      ]),
    ),
    table(
      ['signing', 'ours', 'twin', 'ours/twin', 'SDK signer alone'],
      [
        [
          'µs per signed request',
          results.signing.usPerOp.toFixed(1),
          results.signing.baselineUsPerOp.toFixed(1),
          ratio(results.signing.ratio),
          results.signing.sdkUsPerOp.toFixed(1),
        ],
      ],
    ),
    table(
      [
        `local cloud, ${local.concurrency} concurrent, ${local.durationS} s, 50/50 listTodos(limit: 20) + createTodo`,
        'req/s',
        'p50',
        'p99',
        'errors',
        'requests',
        'peak RSS',
      ],
      [
        loadRow('ours, API key', local.rps, local.p50Ms, local.p99Ms, local.errors, local.requests, local.peakRssMb),
        loadRow('ours, IAM (SigV4 verified, IAM policies evaluated)', local.iamRps, local.iamP50Ms, local.iamP99Ms, local.iamErrors, local.iamRequests),
        loadRow(
          'peer: amplify-appsync-simulator, API key',
          local.peerRps,
          local.peerP50Ms,
          local.peerP99Ms,
          local.peerErrors,
          local.peerRequests,
          local.peerPeakRssMb,
        ),
        ...(local.peerIamRps !== undefined
          ? [['peer, IAM (signatures not verified)', local.peerIamRps.toFixed(0), '', '', String(local.peerIamErrors ?? 0), '', '']]
          : []),
        loadRow(
          'peer as `amplify mock api` runs it (a new Node.js process per resolver call), API key',
          local.amplifyMockRps,
          local.amplifyMockP50Ms,
          local.amplifyMockP99Ms,
          local.amplifyMockErrors,
          local.amplifyMockRequests,
          local.amplifyMockPeakRssMb,
        ),
        ['ours / peer (API key)', ratio(local.rps / local.peerRps), '', '', '', '', ''],
        ['ours / peer as `amplify mock api` runs it (API key)', ratio(local.rps / local.amplifyMockRps), '', '', '', '', ''],
      ],
    ),
    table(
      ['local cloud, one request at a time (API key)', 'p50', 'p99', 'requests', 'errors'],
      results.latency.map((row) => [row.operation, ms(row.p50Ms), ms(row.p99Ms), String(row.requests), String(row.errors)]),
    ),
    table(
      [
        'CPU per request (ms)',
        'server process',
        'its main thread',
        'its DynamoDB store thread',
        'its other threads',
        'Lambda workers',
        'load generator',
        'total',
        'cores the server got',
      ],
      Object.entries(local.cpuMsPerRequest).map(([name, cpu]) => [
        name,
        cpu.server.toFixed(2),
        cpu.serverThreads?.main.toFixed(2) ?? '',
        cpu.serverThreads?.store.toFixed(2) ?? '',
        cpu.serverThreads?.other.toFixed(2) ?? '',
        cpu.workers.toFixed(2),
        cpu.loadGenerator.toFixed(2),
        cpuTotal(cpu).toFixed(2),
        cpu.serverCores.toFixed(2),
      ]),
    ),
    ...peerComparison(local.cpuMsPerRequest),
  ];
  const meta = results.meta;
  const callersOn = meta.nodes.map((node) => `${node.version} (${node.label})`).join(' and ');
  return (
    `${sections.join('\n\n')}\n\n${meta.quick ? 'quick run' : 'full run'}: callers (${meta.runtime}) on Node ${callersOn}; ` +
    `local cloud and load on the host's Node ${meta.node}, ${meta.cpus} cores (load average ${meta.loadAverageAtStart} at the start), ` +
    `${local.maxWorkersPerFunction} Lambda workers per function, ${meta.date}${meta.commit ? `, ${meta.commit}` : ''}, ${meta.elapsedS.toFixed(0)} s`
  );
}

/** A row of the load table; the peak memory only where it was sampled (once per server process). */
function loadRow(name: string, rps: number, p50Ms: number, p99Ms: number, errors: number, requests: number, peakRssMb?: number): string[] {
  return [name, rps.toFixed(0), ms(p50Ms), ms(p99Ms), String(errors), String(requests), peakRssMb === undefined ? '' : `${peakRssMb.toFixed(0)} MiB`];
}

function nodeCell(node: NodeUnderTest): string {
  return `${node.version} (${node.label})`;
}

/**
 * What makes a run fail (CI runs `npm run bench -- --quick`): an error or a missing row, never a timing. Empty when
 * the run is complete: every caller has a bundle row and a cold and a warm row on each Node.js, and the load saw no
 * error and served requests.
 */
export function missingRows(results: BenchResults, callers: number): string[] {
  const problems: string[] = [];
  const nodes = results.meta.nodes.length;
  if (results.bundles.length !== callers) problems.push(`${results.bundles.length} bundle rows, expected ${callers}`);
  if (results.coldStart.length !== callers * nodes) problems.push(`${results.coldStart.length} cold-start rows, expected ${callers * nodes}`);
  if (results.warm.length !== callers * nodes) problems.push(`${results.warm.length} warm rows, expected ${callers * nodes}`);
  const timings = [
    ...results.coldStart.flatMap((row) => [row.ms, row.fetchMs, row.baselineMs]),
    ...results.warm.flatMap((row) => [row.p50Ms, row.fetchP50Ms, row.baselineP50Ms, row.rawP50Ms]),
  ];
  if (timings.some((value) => !Number.isFinite(value) || value <= 0)) problems.push('a cold or warm row without a measurement');
  if (results.latency.length !== 3) problems.push(`${results.latency.length} rows of latency at concurrency 1, expected 3`);
  for (const row of results.latency) {
    if (row.errors > 0) problems.push(`${row.operation} one at a time: ${row.errors} errors`);
    if (row.requests === 0) problems.push(`${row.operation} one at a time: no request served`);
  }
  const { local } = results;
  const loads: Array<[string, number, number]> = [
    ['ours, API key', local.errors, local.requests],
    ['ours, IAM', local.iamErrors, local.iamRequests],
    ['peer, API key', local.peerErrors, local.peerRequests],
    ['peer as amplify mock runs it, API key', local.amplifyMockErrors, local.amplifyMockRequests],
  ];
  for (const [name, errors, requests] of loads) {
    if (errors > 0) problems.push(`${name}: ${errors} errors under load`);
    if (requests === 0) problems.push(`${name}: no request served under load`);
  }
  if ((local.peerIamErrors ?? 0) > 0) problems.push(`peer, IAM: ${local.peerIamErrors} errors under load`);
  if (!Number.isFinite(results.signing.usPerOp) || results.signing.usPerOp <= 0) problems.push('no signing measurement');
  return problems;
}

function cpuTotal(cpu: LocalCloudCpu): number {
  return cpu.server + cpu.workers + cpu.loadGenerator;
}

/**
 * What the peer comparison can show: the peer shares our DynamoDB store and our Lambda runtime (bench/children/
 * peer.ts), so only the servers' main threads differ. Their ratio is the AppSync layers' own; and the peer's CPU per
 * request over ours without our main thread bounds ours / peer in req/s, were our main thread free.
 */
function peerComparison(cpu: BenchResults['local']['cpuMsPerRequest']): string[] {
  const ours = cpu.apiKey;
  const peer = cpu.peer;
  if (!ours?.serverThreads || !peer?.serverThreads) return [];
  const shared = cpuTotal(ours) - ours.serverThreads.main;
  return [
    table(
      ['ours and the peer, API key, CPU per request (ms)', 'ours', 'peer', 'peer / ours'],
      [
        [
          "the server's main thread (the only part they do not share)",
          ours.serverThreads.main.toFixed(2),
          peer.serverThreads.main.toFixed(2),
          ratio(peer.serverThreads.main / ours.serverThreads.main),
        ],
        [
          "ours without its main thread, the peer's all: the most ours / peer in req/s can be",
          shared.toFixed(2),
          cpuTotal(peer).toFixed(2),
          ratio(cpuTotal(peer) / shared),
        ],
      ],
    ),
  ];
}
