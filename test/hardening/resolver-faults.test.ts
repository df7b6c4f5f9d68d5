/**
 * Faults of a direct Lambda resolver, end to end through the local cloud (AppSync endpoint → Lambda runtime → worker
 * process), with a hand-made assembly whose functions misbehave on request (test/support/fault-assembly.ts): the
 * request is answered the way AppSync answers it, the broken worker is replaced, the next call succeeds, and other
 * requests keep being served meanwhile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type RunningLocalCloud, startLocalCloud } from '../../local/local-cloud';
import { FAULT_STACK, writeFaultAssembly } from '../support/fault-assembly';
import { apiKeyClient, eventually, isAlive, processesWorkingIn, sleep } from '../support/hardening';

const EXECUTION_TIMEOUT_MS = 2500;

let assembly: ReturnType<typeof writeFaultAssembly>;
let stateDir: string;
let cloud: RunningLocalCloud;
let client: ReturnType<typeof apiKeyClient>;
const logLines: string[] = [];

beforeAll(async () => {
  assembly = writeFaultAssembly();
  stateDir = mkdtempSync(path.join(tmpdir(), 'fault-state-'));
  cloud = await startLocalCloud({
    assemblyDir: assembly.dir,
    stateDir,
    inMemory: true,
    graphqlPort: 0,
    lambdaPort: 0,
    dynamodbPort: 0,
    executionTimeoutMs: EXECUTION_TIMEOUT_MS,
    log: (line) => logLines.push(line),
  });
  const outputs = cloud.deployment.stacks.find((stack) => stack.stackName === FAULT_STACK)!.outputs;
  client = apiKeyClient(outputs.GraphQLUrl.value, outputs.ApiKey.value);
});

afterAll(async () => {
  const codeDirs = cloud ? [...new Set(cloud.deployment.functions.map((fn) => fn.codeDir))] : [];
  await cloud?.close();
  // No worker of this suite outlives the local cloud.
  for (const dir of codeDirs) expect(processesWorkingIn(dir)).toEqual([]);
  assembly?.remove();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Invocations the functions have started so far (their START lines). */
const invocations = () => logLines.filter((line) => line.includes('START RequestId:')).length;

/** Runs probe(mode: "ok") and returns the pid of the worker that answered. */
async function okPid(field: 'probe' | 'slow' = 'probe'): Promise<number> {
  const reply = await client.query(`{ ${field}(mode: "ok") }`);
  expect(reply.status).toBe(200);
  expect(reply.json.errors).toBeUndefined();
  return (JSON.parse(reply.json.data[field]) as { pid: number }).pid;
}

describe('a resolver failure is a field error, the worker is replaced when it must be, and the next call succeeds', () => {
  test.each([
    // mode, the message AppSync shows (the Lambda's errorMessage), whether the worker process is gone afterwards
    ['throw', /^probe failed on purpose$/, false],
    ['exit', /^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3$/, true],
    ['hang', /^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/, true],
    ['spin', /^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/, true],
    // V8 aborts when the heap (sized from the function's memory) is full; a slow machine may hit the 1 s timeout first.
    ['oom', /^RequestId: [0-9a-f-]{36} Error: (Runtime exited with error: signal: aborted|Task timed out after 1\.00 seconds)$/, true],
    ['timer-throw', /^thrown from a timer$/, true],
    ['circular', /^Unable to stringify response body$/, false],
    ['huge', /^Response payload size \(\d+ bytes\) exceeded maximum allowed payload size \(\d+ bytes\)\.$/, false],
  ] as const)('%s', async (mode, message, replaced) => {
    // Calls are sequential, so the one idle worker answers both the probe before and the faulty call.
    const pid = await okPid();
    const reply = await client.query(`query FAULT { probe(mode: "${mode}") }`);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      data: { probe: null },
      errors: [
        {
          path: ['probe'],
          data: null,
          errorType: 'Lambda:Unhandled',
          errorInfo: null,
          locations: [{ line: 1, column: 15, sourceName: null }],
          message: expect.stringMatching(message),
        },
      ],
    });
    if (replaced) {
      expect(await eventually(() => !isAlive(pid), 5000)).toBe(true);
      // The runtime lets go of it once its output is read (the 'close' of the process, just after its exit).
      expect(await eventually(() => !cloud.services.runtime.listWorkers().some((worker) => worker.pid === pid), 5000)).toBe(true);
      expect(await okPid()).not.toBe(pid);
    } else {
      expect(isAlive(pid)).toBe(true);
      expect(await okPid()).toBe(pid);
    }
  });

  test('an answer that does not fit the field type is a field error naming the type, and the worker stays warm', async () => {
    const pid = await okPid();
    const reply = await client.query('{ probe(mode: "malformed") }');
    expect(reply.status).toBe(200);
    expect(reply.json.data).toEqual({ probe: null });
    expect(reply.json.errors).toEqual([expect.objectContaining({ path: ['probe'], message: 'String cannot represent value: { not: "a string" }' })]);
    expect(await okPid()).toBe(pid);
  });

  // KNOWN BUG in local/lambda/worker.ts (runInvocation, `onEmptyEventLoop`): when an async handler's promise is still
  // pending and the event loop empties, the worker answers a success with `null`. The Node.js runtime of Lambda fails
  // such an invocation (Runtime.NodeJsExit, `_setDefaultExitListener` with isAsync in the runtime interface client);
  // only a non-async handler that never calls back answers null. Remove `.failing` once the worker tells them apart.
  test.failing('an async handler whose promise never settles, with nothing left to run, fails the invocation (Runtime.NodeJsExit)', async () => {
    const reply = await client.query('{ probe(mode: "pending") }');
    expect(reply.status).toBe(200);
    expect(reply.json.errors).toEqual([expect.objectContaining({ path: ['probe'], errorType: 'Lambda:Unhandled' })]);
  });
});

describe('other requests keep being served', () => {
  test('while one resolver hangs until its timeout, 20 other requests (some failing) are answered, not queued behind it', async () => {
    // GIVEN two warm workers (concurrent calls until two answered), so that the first of the 20 needs no start-up: on
    // a busy machine a new worker can take longer than the 1 s the hanging one takes to time out.
    const warm = new Set<number>();
    for (let round = 0; round < 10 && warm.size < 2; round++) for (const pid of await Promise.all([okPid(), okPid()])) warm.add(pid);
    expect(warm.size).toBeGreaterThanOrEqual(2);
    let hangEnded = 0;
    const hanging = client.query('{ probe(mode: "hang") }').then((reply) => {
      hangEnded = Date.now();
      return reply;
    });
    await sleep(100);
    const othersEnded: number[] = [];
    const others = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        client.query(index % 5 === 0 ? '{ probe(mode: "throw") }' : '{ probe(mode: "echo", ref: 7) }').then((reply) => {
          othersEnded.push(Date.now());
          return reply;
        }),
      ),
    );
    for (const [index, reply] of others.entries()) {
      expect(reply.status).toBe(200);
      if (index % 5 === 0) expect(reply.json.errors[0].message).toBe('probe failed on purpose');
      else expect(reply.json).toEqual({ data: { probe: JSON.stringify({ mode: 'echo', at: null, ref: '7' }) } });
    }
    const hung = await hanging;
    expect(hung.json.errors[0].message).toMatch(/Task timed out after 1\.00 seconds/);
    // They did not queue behind the hanging one: another worker answered them while it hung. (Only the first is
    // compared: on a busy machine all 20 can take longer than the 1 s timeout, but one invocation on the idle warm
    // worker cannot, and a pool that queued them behind the hung worker would answer none before it.)
    expect(Math.min(...othersEnded)).toBeLessThan(hangEnded);
  });

  test("AppSync's execution limit ends a request whose function runs longer; the busy worker is not reused until it is done", async () => {
    const started = Date.now();
    const reply = await client.query('{ slow(mode: "hang") }');
    expect(Date.now() - started).toBeGreaterThanOrEqual(EXECUTION_TIMEOUT_MS - 50);
    expect(Date.now() - started).toBeLessThan(EXECUTION_TIMEOUT_MS + 2000);
    expect(reply.json).toEqual({
      data: { slow: null },
      errors: [expect.objectContaining({ path: ['slow'], errorType: 'Lambda:ExecutionTimeoutException', message: 'Execution timed out.' })],
    });
    // The function still runs (its own timeout is longer); the next call gets another worker at once.
    const busy = cloud.services.runtime
      .listWorkers()
      .filter((worker) => worker.state === 'busy')
      .map((worker) => worker.pid);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    const next = Date.now();
    expect(busy).not.toContain(await okPid('slow'));
    // A new worker's cold start, not the busy one's remaining seconds.
    expect(Date.now() - next).toBeLessThan(5000);
  });

  test('a failing field leaves the other fields of the same request resolved', async () => {
    const reply = await client.query('{ a: probe(mode: "throw") b: probe(mode: "echo") c: slow(mode: "echo") d: probe(mode: "exit") }');
    expect(reply.status).toBe(200);
    expect(reply.json.data).toEqual({ a: null, b: expect.stringContaining('"echo"'), c: expect.stringContaining('"echo"'), d: null });
    expect(reply.json.errors.map((error: { path: string[] }) => error.path[0]).sort()).toEqual(['a', 'd']);
  });

  test('a client that goes away while its request is being resolved does not disturb the endpoint', async () => {
    const abort = new AbortController();
    const gone = client.query('{ probe(mode: "hang") }', undefined, abort.signal);
    await sleep(150);
    abort.abort();
    await expect(gone).rejects.toThrow();
    expect(await okPid()).toEqual(expect.any(Number));
    // Once the abandoned invocation timed out, its answer (written to a closed socket) broke nothing.
    await sleep(1200);
    expect(await okPid()).toEqual(expect.any(Number));
    expect(logLines.join('\n')).not.toMatch(/internal error/);
  });
});

describe('bad AWSDateTime and ID arguments are GraphQL errors naming the argument; nothing reaches the function', () => {
  test.each([
    ['AWSDateTime', 'at', 'yesterday'],
    ['AWSDateTime', 'at', '2024-13-01T00:00:00Z'],
    ['AWSDateTime', 'at', '2024-05-01'],
    ['AWSDateTime', 'at', '2024-05-01T10:00:00'],
    ['AWSDateTime', 'at', 42],
    ['AWSDateTime', 'at', { iso: '2024-05-01T10:00:00Z' }],
    ['ID', 'ref', { id: 1 }],
    ['ID', 'ref', true],
    ['ID', 'ref', 1.5],
    ['ID', 'ref', ['a']],
  ])('%s variable $%s = %j', async (type, name, value) => {
    const invocationsBefore = invocations();
    const reply = await client.query(`query ($${name}: ${type}) { probe(mode: "echo", ${name}: $${name}) }`, { [name]: value });
    expect(invocations()).toBe(invocationsBefore);
    expect(reply.status).toBe(200);
    expect(reply.json.data).toBeNull();
    expect(reply.json.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(new RegExp(`^Variable '${name}' has an invalid value\\.`)) })]);
  });

  test.each([
    ['at: "yesterday"', /argument 'at' with value 'StringValue\{value='yesterday'\}' is not a valid 'AWSDateTime'/],
    ['ref: 1.5', /argument 'ref' with value 'FloatValue\{value=1\.5\}' is not a valid 'ID'/],
    ['ref: true', /argument 'ref' with value 'BooleanValue\{value=true\}' is not a valid 'ID'/],
  ])('literal %s', async (argument, message) => {
    const invocationsBefore = invocations();
    const reply = await client.query(`{ probe(mode: "echo", ${argument}) }`);
    expect(invocations()).toBe(invocationsBefore);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ data: null, errors: [expect.objectContaining({ message: expect.stringMatching(message) })] });
  });

  test('valid values pass, and an Int ID reaches the function as a string', async () => {
    const reply = await client.query('query ($at: AWSDateTime, $ref: ID) { probe(mode: "echo", at: $at, ref: $ref) }', {
      at: '2024-05-01T10:00:00.000Z',
      ref: 12,
    });
    expect(reply.json).toEqual({ data: { probe: JSON.stringify({ mode: 'echo', at: '2024-05-01T10:00:00.000Z', ref: '12' }) } });
  });
});
