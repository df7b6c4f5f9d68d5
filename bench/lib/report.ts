/**
 * The benchmark's results: the JSON shape `--out` writes (the issue's keys, plus more), and the table for people.
 */
import type { Holding } from './holdings';

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

export interface ColdStartRow {
  readonly function: string;
  /** Median, loading the bundle + first invocation against the local cloud. */
  readonly ms: number;
  readonly baselineMs: number;
  readonly ratio: number;
  readonly loadMs: number;
  readonly baselineLoadMs: number;
  /** Median time from the process start (Node's own bootstrap included) to the end of the first invocation. */
  readonly processMs: number;
  readonly baselineProcessMs: number;
  readonly samples: number;
}

export interface WarmRow {
  readonly function: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly baselineP50Ms: number;
  readonly baselineP99Ms: number;
  /** The same request sent bare (node:http, headers prepared once), interleaved with our invocations. */
  readonly rawP50Ms: number;
  readonly rawP99Ms: number;
  /** p50 of ours minus p50 of the bare request. */
  readonly overRawMs: number;
  readonly invocations: number;
}

export interface LoadRow {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly requests: number;
}

export interface BenchResults {
  readonly bundles: BundleRow[];
  readonly coldStart: ColdStartRow[];
  readonly warm: WarmRow[];
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
    /** Peak resident memory of the local cloud (its process and its Lambda workers) during the load. */
    readonly peakRssMb: number;
    readonly peerPeakRssMb: number;
    readonly durationS: number;
    readonly errorSamples: string[];
    /** CPU time per request (ms): the server process, its Lambda workers, the load generator; and the cores the server got. */
    readonly cpuMsPerRequest: Record<string, { server: number; workers: number; loadGenerator: number; serverCores: number }>;
    readonly maxWorkersPerFunction: number;
  };
  readonly meta: {
    readonly quick: boolean;
    readonly date: string;
    readonly node: string;
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
      [`cold start (median of ${results.coldStart[0]?.samples ?? 0})`, 'ours', 'twin', 'ours/twin', 'ours from process start', 'twin from process start'],
      results.coldStart.map((row) => [row.function, ms(row.ms), ms(row.baselineMs), ratio(row.ratio), ms(row.processMs), ms(row.baselineProcessMs)]),
    ),
    table(
      [
        `warm (${results.warm[0]?.invocations ?? 0} invocations)`,
        'ours p50',
        'ours p99',
        'bare request p50',
        'ours − bare',
        'twin p50',
        'twin p99',
        'ours/twin p50',
      ],
      results.warm.map((row) => [
        row.function,
        ms(row.p50Ms),
        ms(row.p99Ms),
        ms(row.rawP50Ms),
        ms(row.overRawMs),
        ms(row.baselineP50Ms),
        ms(row.baselineP99Ms),
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
        [
          'ours, API key',
          local.rps.toFixed(0),
          ms(local.p50Ms),
          ms(local.p99Ms),
          String(local.errors),
          String(local.requests),
          `${local.peakRssMb.toFixed(0)} MiB`,
        ],
        [
          'ours, IAM (SigV4 verified, IAM policies evaluated)',
          local.iamRps.toFixed(0),
          ms(local.iamP50Ms),
          ms(local.iamP99Ms),
          String(local.iamErrors),
          String(local.iamRequests),
          '',
        ],
        [
          'peer: amplify-appsync-simulator, API key',
          local.peerRps.toFixed(0),
          ms(local.peerP50Ms),
          ms(local.peerP99Ms),
          String(local.peerErrors),
          String(local.peerRequests),
          `${local.peerPeakRssMb.toFixed(0)} MiB`,
        ],
        ...(local.peerIamRps !== undefined
          ? [['peer, IAM (signatures not verified)', local.peerIamRps.toFixed(0), '', '', String(local.peerIamErrors ?? 0), '', '']]
          : []),
        ['ours / peer (API key)', ratio(local.rps / local.peerRps), '', '', '', '', ''],
      ],
    ),
    table(
      ['CPU per request (ms)', 'server process', 'Lambda workers', 'load generator', 'total', 'cores the server got'],
      Object.entries(local.cpuMsPerRequest).map(([name, cpu]) => [
        name,
        cpu.server.toFixed(2),
        cpu.workers.toFixed(2),
        cpu.loadGenerator.toFixed(2),
        (cpu.server + cpu.workers + cpu.loadGenerator).toFixed(2),
        cpu.serverCores.toFixed(2),
      ]),
    ),
  ];
  const meta = results.meta;
  return (
    `${sections.join('\n\n')}\n\n${meta.quick ? 'quick run' : 'full run'}: Node ${meta.node}, ${meta.cpus} cores (load average ${meta.loadAverageAtStart} at the start), ` +
    `${local.maxWorkersPerFunction} Lambda workers per function, ${meta.date}${meta.commit ? `, ${meta.commit}` : ''}, ${meta.elapsedS.toFixed(0)} s`
  );
}
