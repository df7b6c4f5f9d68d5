/**
 * `npm run bench [-- --quick] [-- --out FILE]`: measures the callers and the local cloud against their baselines in
 * one run, so the ratios hold on a noisy machine. Never part of `npm test`; nothing here reaches AWS (every endpoint
 * is on 127.0.0.1, the AWS config files point nowhere, instance metadata is disabled).
 *
 * 1. builds: `cdk synth` into .local/bench/cdk.out (the assets `cdk deploy` would upload), the docs-style twins
 *    (bench/twins, esbuild defaults), the benchmark's child processes;
 * 2. bundle sizes, and what each bundle holds (esbuild metafiles);
 * 3. starts the local cloud (in memory, free ports) in a process of its own;
 * 4. cold starts: a fresh Node process per sample, ours and the twin's interleaved, each loading its bundle with its
 *    function's environment and completing one invocation against the local cloud;
 * 5. warm invocations in one process per bundle, ours interleaved with the same request sent bare;
 * 6. signing cost;
 * 7. the local cloud under load (API key, then IAM), its peak memory; then the peer (amplify-appsync-simulator).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readCloudAssembly } from '../local/cloudformation/cloud-assembly';
import { nodeBinaryFor, nodeMajorOf } from '../local/lambda/node-runtime';
import type { ColdSample, WarmRun } from './children/invoker';
import type { SigningResult } from './children/signing';
import {
  assetBytes,
  buildChildren,
  buildFetchVariants,
  buildTwins,
  bundleFile,
  type ChildName,
  PROJECT_ROOT,
  synthesize,
  WORK_DIR,
  workerProfilerScript,
} from './lib/build';
import { CALLERS, type CallerSpec, eventFor } from './lib/callers';
import { callerMetafile, holdings } from './lib/holdings';
import { sampleRss, splitServerCpu, startChild, threadCpuMs, treeCpuMs } from './lib/processes';
import type { CallerFunctionInfo, CloudReady, LoadResult, LoadSettings } from './lib/protocol';
import {
  type BenchResults,
  type BundleRow,
  type ColdStartRow,
  formatReport,
  type LatencyRow,
  type LoadRow,
  missingRows,
  type NodeUnderTest,
  type WarmRow,
} from './lib/report';
import { median, percentile, round } from './lib/stats';

export const USAGE = `npm run bench [-- options]

Measures the caller bundles (size, cold start, warm invocations, signing) against docs-style twins, and the local
cloud (req/s at 50 concurrent, API key and IAM, peak memory) against amplify-appsync-simulator. Prints a table.

  --quick        a short run (seconds): fewer samples, 2 s of load
  --out FILE     also write the results as JSON
  --no-synth     reuse .local/bench/cdk.out from an earlier run instead of running cdk synth
  --cpu-prof DIR write V8 CPU profiles (.cpuprofile, for Chrome DevTools or speedscope) of the local cloud, its
                 Lambda workers, the load generator and the peer into DIR
  --help         this text`;

interface Options {
  readonly quick: boolean;
  readonly out?: string;
  readonly synth: boolean;
  readonly cpuProf?: string;
}

interface Plan {
  readonly coldSamples: number;
  readonly warmInvocations: number;
  readonly warmup: number;
  readonly signingRounds: number;
  readonly signingRoundMs: number;
  readonly loadMs: number;
  readonly loadWarmupMs: number;
  readonly peerIam: boolean;
  /** Load on the local cloud before the callers are measured, so its own JIT warm-up is not counted. */
  readonly serverWarmupMs: number;
  /** Time of each operation sent one at a time (latency at concurrency 1). */
  readonly latencyMs: number;
}

const CONCURRENCY = 50;
/**
 * The same load on the peer as amplify mock runs it, whose answers take seconds at this concurrency (a Node.js
 * process starts for each): a request counts as an error only after a minute without an answer.
 */
const AMPLIFY_MOCK_SHAPE = { concurrency: CONCURRENCY, operations: 'mixed', requestTimeoutMs: 60_000 } as const;
const FULL: Plan = {
  coldSamples: 10,
  warmInvocations: 500,
  warmup: 50,
  signingRounds: 10,
  signingRoundMs: 200,
  loadMs: 20_000,
  // Under this load the server, its store and the Lambda workers take 20–30 s to reach their steady state (the JIT):
  // 2026-12-03, 8 s windows from a fresh start, 249, 399, 444, 463, 514 req/s. 2 s of warm-up measured ours, and
  // the peer more so (it starts fresh, ours has served the callers first), before they got there.
  loadWarmupMs: 10_000,
  peerIam: true,
  serverWarmupMs: 3_000,
  latencyMs: 3_000,
};
const QUICK: Plan = {
  coldSamples: 3,
  warmInvocations: 100,
  warmup: 20,
  signingRounds: 3,
  signingRoundMs: 100,
  loadMs: 2_000,
  loadWarmupMs: 500,
  peerIam: false,
  serverWarmupMs: 1_000,
  latencyMs: 500,
};

class UsageError extends Error {}

export function parseOptions(argv: readonly string[]): Options | 'help' {
  let quick = false;
  let out: string | undefined;
  let synth = true;
  let cpuProf: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--quick') quick = true;
    else if (arg === '--no-synth') synth = false;
    else if (arg === '--cpu-prof') {
      cpuProf = argv[++index];
      if (!cpuProf) throw new UsageError('--cpu-prof needs a folder');
    } else if (arg === '--out') {
      out = argv[++index];
      if (!out) throw new UsageError('--out needs a file name');
    } else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
    else throw new UsageError(`unknown option ${arg}\n\n${USAGE}`);
  }
  return { quick, out, synth, cpuProf: cpuProf === undefined ? undefined : path.resolve(cpuProf) };
}

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** The profiles' folder with --cpu-prof. */
let profiling: string | undefined;

/** Options of a child process to profile (servers and load generators only: cold and warm samples stay unprofiled). */
function profiled(env: NodeJS.ProcessEnv = process.env): { execArgv: string[]; env: NodeJS.ProcessEnv } {
  if (!profiling) return { execArgv: [], env };
  return {
    execArgv: ['--cpu-prof', `--cpu-prof-dir=${profiling}`],
    env: { ...env, BENCH_CPU_PROF_DIR: profiling, BENCH_WORKER_PROFILER: workerProfilerScript() },
  };
}

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const options = parsed;
  const plan = options.quick ? QUICK : FULL;
  const startedAt = performance.now();
  const loadAverageAtStart = round(os.loadavg()[0], 2);
  if (loadAverageAtStart > os.cpus().length) {
    log(
      `warning: the load average is ${loadAverageAtStart} on ${os.cpus().length} cores: other work shares the machine, the figures will be low (the ratios, measured in the same run, still compare)`,
    );
  }
  mkdirSync(WORK_DIR, { recursive: true });

  const assemblyDir = options.synth ? synthesize(log) : path.join(WORK_DIR, 'cdk.out');
  log('building the twins and the benchmark processes...');
  const { twins, twinMetafiles } = await buildTwins();
  const children = buildChildren();
  profiling = options.cpuProf;
  if (profiling) mkdirSync(profiling, { recursive: true });

  // Bundles.
  const stack = readCloudAssembly(assemblyDir).find((candidate) => candidate.id === 'TodoCallersStack');
  if (!stack) throw new Error(`no TodoCallersStack in ${assemblyDir}`);
  const assetDirs: Record<string, string> = {};
  const bundles: BundleRow[] = [];
  for (const spec of CALLERS) {
    const resource = Object.entries(stack.template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(spec.id));
    if (!resource) throw new Error(`no function ${spec.id} in the callers template`);
    const dir = stack.assetsByObjectKey.get((resource[1].Properties?.Code as { S3Key?: string } | undefined)?.S3Key ?? '');
    if (!dir) throw new Error(`no asset for ${spec.id}`);
    assetDirs[spec.id] = dir;
    const ours = assetBytes(dir);
    const twin = assetBytes(twins[spec.id]);
    bundles.push({
      function: spec.id,
      bytes: ours.code,
      baselineBytes: twin.code,
      ratio: round(ours.code / twin.code, 4),
      mapBytes: ours.maps,
      holds: holdings(await callerMetafile(spec.entry)),
      baselineHolds: holdings(twinMetafiles[spec.id]).slice(0, 8),
    });
  }

  // The Node.js the callers deploy on (their template's Runtime), and the host's as a second row.
  const runtime = callersRuntime(stack.template.Resources);
  const nodes = await nodesUnderTest(runtime);
  const fetchVariants = await buildFetchVariants(nodeMajorOf(runtime) ?? 24);

  // The local cloud.
  log('starting the local cloud...');
  const cloud = startChild(children['cloud-host'], [assemblyDir, path.join(WORK_DIR, 'state')], profiled());
  let results: BenchResults;
  try {
    const ready = await cloud.next<CloudReady>('ready', 120_000);
    const server: Server = { pid: cloud.process.pid!, threadsBefore: new Set(ready.threadsBeforeCloud) };
    const functions = Object.fromEntries(ready.callers.map((fn) => [fn.caller, fn]));

    // The local cloud's own JIT warm-up is not the callers' cold start: a short burst first, both auth modes.
    log('warming up the local cloud...');
    const targets = loadTargets(ready);
    await load(children.load, targets.apiKey, serverWarmUp(plan), 'warm-up-api-key', server, true);
    await load(children.load, targets.iam, serverWarmUp(plan), 'warm-up-iam', server, true);

    const coldStart: ColdStartRow[] = [];
    const warm: WarmRow[] = [];
    for (const node of nodes) {
      log(`cold starts on Node.js ${node.version} (${node.label}; ${plan.coldSamples} samples each, ours, ours on fetch and the twin's interleaved)...`);
      for (const spec of CALLERS) {
        const variants = { ours: assetDirs[spec.id], fetch: fetchVariants[spec.id], twin: twins[spec.id] };
        coldStart.push(await coldStarts(spec, functions[spec.id], variants, children.invoker, plan, node, runtime));
      }
      log(`warm invocations on Node.js ${node.version} (${plan.warmInvocations} each)...`);
      for (const spec of CALLERS) {
        const variants = { ours: assetDirs[spec.id], fetch: fetchVariants[spec.id], twin: twins[spec.id] };
        warm.push(await warmRuns(spec, functions[spec.id], variants, children.invoker, plan, node, runtime));
      }
    }

    log('signing...');
    const signingChild = startChild(children.signing, [ready.graphqlUrl, String(plan.signingRounds), String(plan.signingRoundMs)], {
      env: lambdaEnvironment(functions.listTodosIam, assetDirs.listTodosIam, false, runtime),
      execPath: nodes[0].path,
    });
    const signing = await signingChild.next<SigningResult>('signing', 120_000);

    log(`local cloud, one request at a time (${plan.latencyMs / 1000} s per operation, API key)...`);
    const latency: LatencyRow[] = [];
    for (const operations of ['typename', 'list', 'create'] as const) {
      const single: Plan = { ...plan, loadMs: plan.latencyMs, loadWarmupMs: Math.min(500, plan.latencyMs) };
      const result = await load(children.load, targets.apiKey, single, `latency-${operations}`, server, true, { concurrency: 1, operations });
      latency.push({
        operation: LATENCY_OPERATIONS[operations],
        p50Ms: round(result.p50Ms, 3),
        p99Ms: round(result.p99Ms, 3),
        requests: result.requests,
        errors: result.errors,
        errorSamples: result.errorSamples,
      });
    }

    log(
      `local cloud under load: API key, then IAM (${CONCURRENCY} concurrent, ${plan.loadMs / 1000} s each after ${plan.loadWarmupMs / 1000} s of warm-up)...`,
    );
    const rss = sampleRss(cloud.process.pid!);
    const apiKeyLoad = await load(children.load, targets.apiKey, plan, 'ours-api-key', server);
    const iamLoad = await load(children.load, targets.iam, plan, 'ours-iam', server);
    const peakRssMb = rss.stop() ?? 0;
    await cloud.stop(10_000);

    log('the peer (amplify-appsync-simulator) under the same load...');
    const peer = await measuredPeer(children, assemblyDir, plan, {
      name: 'peer',
      flag: '--peer',
      warmUp: ['apiKey', 'iam'],
      measured: plan.peerIam ? ['apiKey', 'iam'] : ['apiKey'],
    });
    const peerLoad = peer.loads.apiKey!;
    const peerIamLoad = peer.loads.iam;
    const peerPeakRssMb = peer.peakRssMb;

    log('the peer as `amplify mock api` runs it (a new Node.js process per resolver call), API key...');
    const amplifyMock = await measuredPeer(children, assemblyDir, plan, {
      name: 'amplify-mock',
      flag: '--peer-process-per-invocation',
      warmUp: ['apiKey'],
      measured: ['apiKey'],
      shape: AMPLIFY_MOCK_SHAPE,
    });
    const amplifyMockLoad = amplifyMock.loads.apiKey!;
    const amplifyMockPeakRssMb = amplifyMock.peakRssMb;

    const row = (result: MeasuredLoad): LoadRow => ({
      rps: round(result.rps, 1),
      p50Ms: round(result.p50Ms),
      p99Ms: round(result.p99Ms),
      errors: result.errors,
      requests: result.requests,
    });
    const ours = row(apiKeyLoad);
    const iam = row(iamLoad);
    const peerRow = row(peerLoad);
    const amplifyMockRow = row(amplifyMockLoad);
    results = {
      bundles,
      coldStart,
      warm,
      latency,
      signing: {
        usPerOp: round(signing.usPerOp),
        baselineUsPerOp: round(signing.baselineUsPerOp),
        ratio: round(signing.usPerOp / signing.baselineUsPerOp, 4),
        sdkUsPerOp: round(signing.sdkUsPerOp),
      },
      local: {
        ...ours,
        concurrency: CONCURRENCY,
        iamRps: iam.rps,
        iamP50Ms: iam.p50Ms,
        iamP99Ms: iam.p99Ms,
        iamErrors: iam.errors,
        iamRequests: iam.requests,
        peerRps: peerRow.rps,
        peerP50Ms: peerRow.p50Ms,
        peerP99Ms: peerRow.p99Ms,
        peerErrors: peerRow.errors,
        peerRequests: peerRow.requests,
        ...(peerIamLoad ? { peerIamRps: round(peerIamLoad.rps, 1), peerIamErrors: peerIamLoad.errors } : {}),
        amplifyMockRps: amplifyMockRow.rps,
        amplifyMockP50Ms: amplifyMockRow.p50Ms,
        amplifyMockP99Ms: amplifyMockRow.p99Ms,
        amplifyMockErrors: amplifyMockRow.errors,
        amplifyMockRequests: amplifyMockRow.requests,
        peakRssMb: round(peakRssMb, 1),
        peerPeakRssMb: round(peerPeakRssMb, 1),
        amplifyMockPeakRssMb: round(amplifyMockPeakRssMb, 1),
        durationS: plan.loadMs / 1000,
        errorSamples: [
          ...latency.flatMap((row) => row.errorSamples),
          ...apiKeyLoad.errorSamples,
          ...iamLoad.errorSamples,
          ...peerLoad.errorSamples,
          ...(peerIamLoad?.errorSamples ?? []),
          ...amplifyMockLoad.errorSamples,
        ],
        cpuMsPerRequest: {
          apiKey: apiKeyLoad.cpu,
          iam: iamLoad.cpu,
          peer: peerLoad.cpu,
          ...(peerIamLoad ? { peerIam: peerIamLoad.cpu } : {}),
          amplifyMock: amplifyMockLoad.cpu,
        },
        maxWorkersPerFunction: ready.maxWorkersPerFunction,
      },
      meta: {
        quick: options.quick,
        date: new Date().toISOString(),
        node: process.versions.node,
        runtime,
        nodes: nodes.map(({ label, version, fallback, reason }) => ({ label, version, fallback, ...(reason ? { reason } : {}) })),
        cpus: os.cpus().length,
        commit: gitDescription(),
        loadAverageAtStart: loadAverageAtStart,
        elapsedS: round((performance.now() - startedAt) / 1000, 1),
      },
    };
  } finally {
    await cloud.stop();
  }

  process.stdout.write(`${formatReport(results)}\n`);
  for (const sample of results.local.errorSamples) log(`load error: ${sample}`);
  // Errors fail the run (as in CI); a timing never does.
  const missing = missingRows(results, CALLERS.length);
  if (missing.length > 0) {
    log(`failed: ${missing.join('; ')}`);
    process.exitCode = 1;
  }
  if (options.out) {
    const file = path.resolve(options.out);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    log(`results written to ${file}`);
  }
  if (profiling) log(`CPU profiles written to ${profiling}`);
}

/**
 * The environment the local Lambda runtime gives the function (local/lambda/environment.ts), as Lambda does: the
 * template's variables, the reserved AWS_* ones, the role's credentials; no AWS config files, no instance metadata,
 * and a closed local port as the default AWS endpoint. The twin gets the same, less NODE_OPTIONS (the docs'
 * function sets none).
 */
function lambdaEnvironment(fn: CallerFunctionInfo, codeDir: string, twin: boolean, runtime: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    ...fn.environment,
    AWS_REGION: fn.environment.REGION ?? 'us-east-1',
    AWS_DEFAULT_REGION: fn.environment.REGION ?? 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}`,
    LAMBDA_TASK_ROOT: codeDir,
    _HANDLER: fn.handler,
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/.aws/credentials',
    AWS_CONFIG_FILE: '/nonexistent/.aws/config',
    AWS_EC2_METADATA_DISABLED: 'true',
    HOME: '/nonexistent',
  };
  if (fn.credentials) {
    env.AWS_ACCESS_KEY_ID = fn.credentials.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = fn.credentials.secretAccessKey;
    if (fn.credentials.sessionToken) env.AWS_SESSION_TOKEN = fn.credentials.sessionToken;
  }
  if (twin) delete env.NODE_OPTIONS;
  return env;
}

/** The bundles measured side by side: ours (the synthesized asset), ours sending over fetch, the docs-style twin. */
interface Variants {
  readonly ours: string;
  readonly fetch: string;
  readonly twin: string;
}
type VariantName = keyof Variants;
const VARIANTS: readonly VariantName[] = ['ours', 'fetch', 'twin'];

/** The order of the variants for the index-th sample: rotated, so that none always follows the same one. */
function rotation(index: number): VariantName[] {
  const shift = index % VARIANTS.length;
  return [...VARIANTS.slice(shift), ...VARIANTS.slice(0, shift)];
}

async function coldStarts(
  spec: CallerSpec,
  fn: CallerFunctionInfo,
  variants: Variants,
  invoker: string,
  plan: Plan,
  node: NodeUnderTest & { readonly path: string },
  runtime: string,
): Promise<ColdStartRow> {
  const samples: Record<VariantName, ColdSample[]> = { ours: [], fetch: [], twin: [] };
  const sample = async (variant: VariantName, index: number, profile = false): Promise<ColdSample> => {
    const dir = variants[variant];
    const child = startChild(invoker, ['cold', bundleFile(dir), JSON.stringify(eventFor(spec, index, `cold ${spec.id}`))], {
      env: lambdaEnvironment(fn, dir, variant === 'twin', runtime),
      cwd: dir,
      execPath: node.path,
      execArgv:
        profile && profiling ? ['--cpu-prof', `--cpu-prof-dir=${profiling}`, `--cpu-prof-name=cold-${spec.id}-${variant}-node${node.version}.cpuprofile`] : [],
    });
    const result = await child.next<ColdSample>('cold', 60_000);
    await child.stop(1000);
    if (result.statusCode !== 200) throw new Error(`${spec.id} (${variant}, Node.js ${node.version}) answered ${result.statusCode} on its cold start`);
    return result;
  };
  if (profiling) {
    // One extra sample of each, profiled, not counted (the profiler slows what it watches).
    for (const variant of VARIANTS) await sample(variant, -1, true);
  }
  for (let index = 0; index < plan.coldSamples; index++) {
    for (const variant of rotation(index)) samples[variant].push(await sample(variant, index));
  }
  const medianOf = (variant: VariantName, pick: (s: ColdSample) => number) => median(samples[variant].map(pick));
  const oursMs = medianOf('ours', (s) => s.ms);
  const fetchMs = medianOf('fetch', (s) => s.ms);
  const twinMs = medianOf('twin', (s) => s.ms);
  return {
    function: spec.id,
    node: { label: node.label, version: node.version, fallback: node.fallback },
    ms: round(oursMs),
    fetchMs: round(fetchMs),
    baselineMs: round(twinMs),
    ratio: round(oursMs / twinMs, 3),
    loadMs: round(medianOf('ours', (s) => s.loadMs)),
    baselineLoadMs: round(medianOf('twin', (s) => s.loadMs)),
    processMs: round(medianOf('ours', (s) => s.sinceProcessStartMs)),
    fetchProcessMs: round(medianOf('fetch', (s) => s.sinceProcessStartMs)),
    baselineProcessMs: round(medianOf('twin', (s) => s.sinceProcessStartMs)),
    cpuMs: round(medianOf('ours', (s) => s.cpuMs)),
    fetchCpuMs: round(medianOf('fetch', (s) => s.cpuMs)),
    baselineCpuMs: round(medianOf('twin', (s) => s.cpuMs)),
    samples: plan.coldSamples,
  };
}

async function warmRuns(
  spec: CallerSpec,
  fn: CallerFunctionInfo,
  variants: Variants,
  invoker: string,
  plan: Plan,
  node: NodeUnderTest & { readonly path: string },
  runtime: string,
): Promise<WarmRow> {
  const events = Array.from({ length: 50 }, (_, index) => eventFor(spec, index, `warm ${spec.id}`));
  // One process for all three and the bare request, interleaved turn by turn (invoker.ts): the function's own
  // environment (ours), in which the twin finds the same endpoint, key and credentials it reads.
  const bundles = Object.fromEntries(VARIANTS.map((variant) => [variant, bundleFile(variants[variant])]));
  const child = startChild(invoker, ['warm', JSON.stringify(bundles), JSON.stringify(events), String(plan.warmInvocations), String(plan.warmup)], {
    env: lambdaEnvironment(fn, variants.ours, false, runtime),
    cwd: variants.ours,
    execPath: node.path,
  });
  const result = await child.next<WarmRun>('warm', 600_000);
  await child.stop(1000);
  if (result.failures.length > 0) throw new Error(`${spec.id} (Node.js ${node.version}) failed warm invocations: ${result.failures.join('; ')}`);
  const sorted = (values: readonly number[] = []) => [...values].sort((a, b) => a - b);
  const oursSorted = sorted(result.ms.ours);
  const rawSorted = sorted(result.rawMs);
  const fetchSorted = sorted(result.ms.fetch);
  const twinSorted = sorted(result.ms.twin);
  return {
    function: spec.id,
    node: { label: node.label, version: node.version, fallback: node.fallback },
    p50Ms: round(percentile(oursSorted, 0.5), 3),
    p99Ms: round(percentile(oursSorted, 0.99), 3),
    fetchP50Ms: round(percentile(fetchSorted, 0.5), 3),
    fetchP99Ms: round(percentile(fetchSorted, 0.99), 3),
    baselineP50Ms: round(percentile(twinSorted, 0.5), 3),
    baselineP99Ms: round(percentile(twinSorted, 0.99), 3),
    rawP50Ms: round(percentile(rawSorted, 0.5), 3),
    rawP99Ms: round(percentile(rawSorted, 0.99), 3),
    overRawMs: round(percentile(oursSorted, 0.5) - percentile(rawSorted, 0.5), 3),
    baselineOverRawMs: round(percentile(twinSorted, 0.5) - percentile(rawSorted, 0.5), 3),
    invocations: oursSorted.length,
  };
}

/** The Runtime of the callers' functions in the synthesized template (one for all: TodoFunction.RUNTIME). */
function callersRuntime(resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>): string {
  const runtimes = new Set(
    Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((resource) => resource.Properties?.Runtime)
      .filter((value): value is string => typeof value === 'string'),
  );
  if (runtimes.size !== 1) throw new Error(`the callers' functions should share one Runtime, found: ${[...runtimes].join(', ') || 'none'}`);
  return [...runtimes][0];
}

/**
 * The functions' Node.js first (as the local cloud runs them: local/lambda/node-runtime.ts), then the host's, each
 * labelled. When the runtime's cannot be had (offline, no cache), the host's stands in, said so in the report.
 */
async function nodesUnderTest(runtime: string): Promise<Array<NodeUnderTest & { readonly path: string; readonly reason?: string }>> {
  const deployed = await nodeBinaryFor(runtime);
  if (deployed.fallback) log(`warning: no Node.js for ${runtime} (${deployed.reason ?? 'unknown reason'}): the host's Node.js stands in`);
  const nodes: Array<NodeUnderTest & { readonly path: string; readonly reason?: string }> = [
    {
      label: deployed.fallback ? `host, standing in for ${runtime}` : runtime,
      version: deployed.version,
      fallback: deployed.fallback,
      path: deployed.path,
      ...(deployed.reason ? { reason: deployed.reason } : {}),
    },
  ];
  if (!deployed.fallback && deployed.version !== process.version)
    nodes.push({ label: 'host', version: process.version, fallback: false, path: process.execPath });
  return nodes;
}

const LATENCY_OPERATIONS = { typename: '__typename', list: 'listTodos(limit: 20)', create: 'createTodo' } as const;

function iamAuth(ready: CloudReady): LoadSettings['auth'] {
  const byCaller = Object.fromEntries(ready.callers.map((fn) => [fn.caller, fn]));
  const list = byCaller.listTodosIam.credentials;
  const create = byCaller.createTodoIam.credentials;
  if (!list || !create) throw new Error('the IAM callers have no local credentials');
  return { mode: 'AWS_IAM', region: ready.region, list, create };
}

/** CPU time per request (ms) over a measured phase (see LocalCloudCpu in lib/report.ts). */
export type MeasuredCpu = BenchResults['local']['cpuMsPerRequest'][string];

export interface MeasuredLoad extends LoadResult {
  readonly cpu: MeasuredCpu;
}

/** The process serving the load, and the threads it had before its local cloud started. */
interface Server {
  readonly pid: number;
  readonly threadsBefore: ReadonlySet<number>;
}

type LoadAuth = 'apiKey' | 'iam';

/** Where a load goes on a cloud host that is ready, and how it authorizes, by auth mode. */
function loadTargets(ready: CloudReady): Record<LoadAuth, Pick<LoadSettings, 'url' | 'auth'>> {
  return {
    apiKey: { url: ready.graphqlUrl, auth: { mode: 'API_KEY', apiKey: ready.apiKey } },
    iam: { url: ready.graphqlUrl, auth: iamAuth(ready) },
  };
}

/** The burst a fresh server gets before it is measured (its own JIT warm-up, not the callers' cold start). */
function serverWarmUp(plan: Plan): Plan {
  return { ...plan, loadMs: plan.serverWarmupMs, loadWarmupMs: 0 };
}

interface PeerRun {
  /** Its state folder's name and its loads' labels' prefix. */
  readonly name: string;
  /** What cloud-host runs: `--peer`, `--peer-process-per-invocation`. */
  readonly flag: string;
  /** The auth modes of the warm-up ours had before it was measured, and of the measured loads. */
  readonly warmUp: readonly LoadAuth[];
  readonly measured: readonly LoadAuth[];
  readonly shape?: Parameters<typeof load>[6];
}

/** A peer in a cloud host of its own, started fresh, warmed up as ours was, measured, and stopped whatever happens. */
async function measuredPeer(
  children: Readonly<Record<ChildName, string>>,
  assemblyDir: string,
  plan: Plan,
  run: PeerRun,
): Promise<{ loads: Partial<Record<LoadAuth, MeasuredLoad>>; peakRssMb: number }> {
  const host = startChild(children['cloud-host'], [assemblyDir, path.join(WORK_DIR, `${run.name}-state`), run.flag], profiled());
  try {
    const ready = await host.next<CloudReady>('ready', 120_000);
    const server: Server = { pid: host.process.pid!, threadsBefore: new Set(ready.threadsBeforeCloud) };
    const targets = loadTargets(ready);
    const labels: Record<LoadAuth, string> = { apiKey: 'api-key', iam: 'iam' };
    for (const auth of run.warmUp) await load(children.load, targets[auth], serverWarmUp(plan), `${run.name}-warm-up-${labels[auth]}`, server, true, run.shape);
    const rss = sampleRss(host.process.pid!);
    const loads: Partial<Record<LoadAuth, MeasuredLoad>> = {};
    for (const auth of run.measured) loads[auth] = await load(children.load, targets[auth], plan, `${run.name}-${labels[auth]}`, server, false, run.shape);
    return { loads, peakRssMb: rss.stop() ?? 0 };
  } finally {
    await host.stop(10_000);
  }
}

async function load(
  script: string,
  target: Pick<LoadSettings, 'url' | 'auth'>,
  plan: Plan,
  label: string,
  server: Server,
  quiet = false,
  shape: Pick<LoadSettings, 'concurrency' | 'operations' | 'requestTimeoutMs'> = { concurrency: CONCURRENCY, operations: 'mixed' },
): Promise<MeasuredLoad> {
  const child = startChild(script, [], quiet ? {} : profiled());
  try {
    child.send({
      ...target,
      ...shape,
      durationMs: plan.loadMs,
      warmupMs: plan.loadWarmupMs,
      maxRequests: 200_000,
      label,
    } satisfies LoadSettings);
    await child.next('measuring', plan.loadWarmupMs + (shape.requestTimeoutMs ?? 0) + 60_000);
    const snapshot = () => ({
      main: treeCpuMs(-server.pid) ?? 0,
      tree: treeCpuMs(server.pid) ?? 0,
      threads: threadCpuMs(server.pid),
      load: treeCpuMs(child.process.pid!) ?? 0,
      at: performance.now(),
    });
    const before = snapshot();
    const { result } = await child.next<{ result: LoadResult }>('result', plan.loadMs + (shape.requestTimeoutMs ?? 0) + 60_000);
    const after = snapshot();
    const per = (ms: number) => round(ms / Math.max(1, result.requests), 3);
    const threads =
      before.threads && after.threads ? splitServerCpu(server.pid, before.threads, after.threads, server.threadsBefore, after.main - before.main) : undefined;
    const cpu: MeasuredCpu = {
      server: per(after.main - before.main),
      ...(threads ? { serverThreads: { main: per(threads.main), store: per(threads.store), other: per(threads.other) } } : {}),
      workers: per(after.tree - after.main - (before.tree - before.main)),
      loadGenerator: per(after.load - before.load),
      serverCores: round((after.tree - before.tree) / (after.at - before.at), 2),
    };
    if (!quiet)
      log(
        `  ${label}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, ${result.errors} errors / ${result.requests}; ` +
          `CPU per request: server ${cpu.server} ms${cpu.serverThreads ? ` (main thread ${cpu.serverThreads.main}, DynamoDB store ${cpu.serverThreads.store}, other threads ${cpu.serverThreads.other})` : ''} ` +
          `+ workers ${cpu.workers} ms + load generator ${cpu.loadGenerator} ms (the server got ${cpu.serverCores} cores)`,
      );
    return { ...result, cpu };
  } finally {
    await child.stop(1000);
  }
}

function gitDescription(): string | undefined {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error instanceof UsageError ? error.message : (error.stack ?? error.message)}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
