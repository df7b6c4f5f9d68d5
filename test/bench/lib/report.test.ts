/**
 * What fails a benchmark run (CI runs `npm run bench -- --quick`): errors and missing rows, never a timing.
 */
import { type BenchResults, type ColdStartRow, formatReport, missingRows, type WarmRow } from '../../../bench/lib/report';

const NODE_24 = { label: 'nodejs24.x', version: 'v24.22.3', fallback: false };
const HOST = { label: 'host', version: 'v20.20.2', fallback: false };
const CALLERS = ['listTodosApiKey', 'createTodoApiKey', 'listTodosIam', 'createTodoIam'];

function cold(fn: string, node = NODE_24, ms = 10): ColdStartRow {
  return {
    function: fn,
    node,
    ms,
    fetchMs: 20,
    baselineMs: 30,
    ratio: ms / 30,
    loadMs: 1,
    baselineLoadMs: 2,
    processMs: 40,
    fetchProcessMs: 50,
    baselineProcessMs: 60,
    cpuMs: 9,
    fetchCpuMs: 18,
    baselineCpuMs: 27,
    samples: 3,
  };
}

function warm(fn: string, node = NODE_24): WarmRow {
  return {
    function: fn,
    node,
    p50Ms: 1,
    p99Ms: 2,
    fetchP50Ms: 1.2,
    fetchP99Ms: 2.2,
    baselineP50Ms: 1.5,
    baselineP99Ms: 3,
    rawP50Ms: 0.9,
    rawP99Ms: 1.9,
    overRawMs: 0.1,
    baselineOverRawMs: 0.1,
    invocations: 100,
  };
}

function results(overrides: Partial<BenchResults> = {}, local: Partial<BenchResults['local']> = {}): BenchResults {
  const nodes = [NODE_24, HOST];
  return {
    bundles: CALLERS.map((fn) => ({ function: fn, bytes: 1000, baselineBytes: 10_000, ratio: 0.1, mapBytes: 10, holds: [], baselineHolds: [] })),
    coldStart: nodes.flatMap((node) => CALLERS.map((fn) => cold(fn, node))),
    warm: nodes.flatMap((node) => CALLERS.map((fn) => warm(fn, node))),
    latency: ['__typename', 'listTodos(limit: 20)', 'createTodo'].map((operation) => ({
      operation,
      p50Ms: 1,
      p99Ms: 2,
      requests: 100,
      errors: 0,
      errorSamples: [],
    })),
    signing: { usPerOp: 8, baselineUsPerOp: 30, ratio: 0.27, sdkUsPerOp: 30 },
    local: {
      rps: 900,
      p50Ms: 40,
      p99Ms: 100,
      concurrency: 50,
      errors: 0,
      requests: 1800,
      iamRps: 800,
      iamP50Ms: 45,
      iamP99Ms: 110,
      iamErrors: 0,
      iamRequests: 1600,
      peerRps: 400,
      peerP50Ms: 100,
      peerP99Ms: 200,
      peerErrors: 0,
      peerRequests: 800,
      amplifyMockRps: 30,
      amplifyMockP50Ms: 1500,
      amplifyMockP99Ms: 3000,
      amplifyMockErrors: 0,
      amplifyMockRequests: 60,
      peakRssMb: 600,
      peerPeakRssMb: 500,
      amplifyMockPeakRssMb: 2000,
      durationS: 2,
      errorSamples: [],
      cpuMsPerRequest: {},
      maxWorkersPerFunction: 2,
      ...local,
    },
    meta: {
      quick: true,
      date: '2026-12-02T03:00:00.000Z',
      node: '20.20.2',
      runtime: 'nodejs24.x',
      nodes,
      cpus: 2,
      loadAverageAtStart: 1,
      elapsedS: 60,
    },
    ...overrides,
  };
}

describe('missingRows', () => {
  it('passes a complete run whatever its timings, slow ones included', () => {
    const slow = results({ coldStart: results().coldStart.map((row) => ({ ...row, ms: 10_000, ratio: 300 })) });
    expect(missingRows(slow, CALLERS.length)).toEqual([]);
  });

  it('fails on an error under load, naming the row', () => {
    expect(missingRows(results({}, { iamErrors: 3 }), CALLERS.length)).toEqual(['ours, IAM: 3 errors under load']);
  });

  it('fails on an error one request at a time', () => {
    const latency = results().latency.map((row) => (row.operation === 'createTodo' ? { ...row, errors: 1 } : row));
    expect(missingRows(results({ latency }), CALLERS.length)).toEqual(['createTodo one at a time: 1 errors']);
  });

  it('fails when a load served nothing', () => {
    expect(missingRows(results({}, { peerRequests: 0 }), CALLERS.length)).toEqual(['peer, API key: no request served under load']);
  });

  it('fails on an error of the peer as amplify mock runs it', () => {
    expect(missingRows(results({}, { amplifyMockErrors: 2 }), CALLERS.length)).toEqual(['peer as amplify mock runs it, API key: 2 errors under load']);
  });

  it('fails when a Node.js lacks its cold-start or warm rows', () => {
    const onlyDeployed = results({ coldStart: CALLERS.map((fn) => cold(fn)), warm: CALLERS.map((fn) => warm(fn)) });
    expect(missingRows(onlyDeployed, CALLERS.length)).toEqual(['4 cold-start rows, expected 8', '4 warm rows, expected 8']);
  });

  it('fails on a row without a measurement', () => {
    const broken = results({ warm: [...results().warm.slice(1), { ...warm('listTodosApiKey'), fetchP50Ms: Number.NaN }] });
    expect(missingRows(broken, CALLERS.length)).toEqual(['a cold or warm row without a measurement']);
  });
});

describe('formatReport', () => {
  it('says which Node.js each cold and warm row ran on, and which ran the callers', () => {
    const text = formatReport(results());
    const coldLines = text.split('\n').filter((line) => line.startsWith('| listTodosIam') && line.includes('ms'));
    expect(coldLines.some((line) => line.includes('v24.22.3 (nodejs24.x)'))).toBe(true);
    expect(coldLines.some((line) => line.includes('v20.20.2 (host)'))).toBe(true);
    expect(text).toContain('callers (nodejs24.x) on Node v24.22.3 (nodejs24.x) and v20.20.2 (host)');
  });

  it('compares ours with both peers: on our Lambda runtime, and as amplify mock runs it', () => {
    const cells = (start: string) =>
      formatReport(results())
        .split('\n')
        .find((line) => line.startsWith(`| ${start}`))
        ?.split('|')
        .map((cell) => cell.trim())
        .slice(1, 3);
    expect(cells('peer as `amplify mock api` runs it')).toEqual([
      'peer as `amplify mock api` runs it (a new Node.js process per resolver call), API key',
      '30',
    ]);
    expect(cells('ours / peer (API key)')).toEqual(['ours / peer (API key)', '2.25']);
    expect(cells('ours / peer as `amplify mock api`')).toEqual(['ours / peer as `amplify mock api` runs it (API key)', '30.00']);
  });
});

describe('formatReport: the local cloud against the peer', () => {
  const cpu = (main: number, store: number, other: number, workers: number) => ({
    server: main + store + other,
    serverThreads: { main, store, other },
    workers,
    loadGenerator: 0.3,
    serverCores: 1.6,
  });

  it("splits the server's CPU by thread and bounds ours / peer by the part both share", () => {
    // GIVEN ours and the peer with the same store and workers, the peer's main thread three times ours
    const text = formatReport(results({}, { cpuMsPerRequest: { apiKey: cpu(0.7, 0.9, 0.1, 1.8), peer: cpu(2.1, 0.9, 0.1, 1.8) } }));

    // THEN the CPU table has the threads, and the comparison the ratio of the main threads and the bound
    const apiKeyRow = text.split('\n').find((line) => line.startsWith('| apiKey '));
    expect(apiKeyRow?.split('|').map((cell) => cell.trim())).toEqual(['', 'apiKey', '1.70', '0.70', '0.90', '0.10', '1.80', '0.30', '3.80', '1.60', '']);
    expect(text).toMatch(/\| the server's main thread \(the only part they do not share\) +\| 0\.70 +\| 2\.10 +\| 3\.00 +\|/);
    // (2.1 + 0.9 + 0.1 + 1.8 + 0.3) / (0.9 + 0.1 + 1.8 + 0.3) = 5.2 / 3.1
    expect(text).toMatch(/the most ours \/ peer in req\/s can be +\| 3\.10 +\| 5\.20 +\| 1\.68 +\|/);
  });

  it('leaves the thread columns empty and the comparison out where /proc did not tell', () => {
    const text = formatReport(results({}, { cpuMsPerRequest: { apiKey: { server: 1.7, workers: 1.8, loadGenerator: 0.3, serverCores: 1.6 } } }));
    expect(text).toMatch(/\| apiKey +\| 1\.70 +\| +\| +\| +\| 1\.80 +\|/);
    expect(text).not.toContain('the only part they do not share');
  });
});
