/**
 * The local cloud as a process of its own (`local/start.ts`, as `npm start` runs it): clients that go away mid-request
 * on any of its ports do not take it down; killed with SIGKILL in the middle of a stream of writes and started again
 * on the same state directory, it still has every write it acknowledged, and its Lambda workers die with it.
 * (`npm run test:load` does the same at 2,000 writes and 50 concurrent.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startCloudProcess, type CloudProcess } from '../support/cloud-process';
import { eventually, isAlive, resetMidRequest } from '../support/hardening';
import { createTodos, duplicates, listAllTodos } from '../support/load';
import { sharedAssembly } from '../support/shared-assembly';

let assemblyDir: string;
let stateDir: string;
let cloud: CloudProcess | undefined;

beforeAll(() => {
  assemblyDir = sharedAssembly();
  stateDir = mkdtempSync(path.join(tmpdir(), 'crash-recovery-'));
});

afterAll(async () => {
  await cloud?.kill9();
  rmSync(stateDir, { recursive: true, force: true });
});

async function createOne(target: CloudProcess, id: string): Promise<number> {
  const response = await fetch(target.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': target.apiKey },
    body: JSON.stringify({ query: 'mutation ($input: CreateTodoInput!) { createTodo(input: $input) { id } }', variables: { input: { id, name: id } } }),
  });
  await response.text();
  return response.status;
}

test('clients that go away mid-request, or send garbage, on any port do not take the process down', async () => {
  cloud = await startCloudProcess({ assemblyDir, stateDir });
  const port = (url: string) => Number(new URL(url).port);
  const partial = (head: string) => `${head}\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query":`;
  const dynamoRequest = (length: number) =>
    `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: ${length}\r\n\r\n{}`;
  const cases: Array<[string, number, string]> = [
    ['GraphQL, body cut short', port(cloud.graphqlUrl), partial(`POST /graphql HTTP/1.1\r\nx-api-key: ${cloud.apiKey}`)],
    ['GraphQL, not HTTP', port(cloud.graphqlUrl), '\u0000\u00ff garbage\r\n\r\n'],
    ['Lambda, body cut short', port(cloud.lambdaUrl), partial('POST /2015-03-31/functions/x/invocations HTTP/1.1')],
    ['Lambda, not HTTP', port(cloud.lambdaUrl), 'GET\r\n\r\n\r\n'],
    ['DynamoDB, body cut short', port(cloud.dynamodbUrl), dynamoRequest(1000)],
    ['DynamoDB, whole request then gone', port(cloud.dynamodbUrl), dynamoRequest(2)],
    ['DynamoDB, not HTTP', port(cloud.dynamodbUrl), '\u0000\u0001\u0002'],
  ];
  for (const [, target, data] of cases) {
    await resetMidRequest(target, data, 30);
    await resetMidRequest(target, data, 0);
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect({ alive: isAlive(cloud.pid), stderr: cloud.stderr() }).toEqual({ alive: true, stderr: expect.not.stringMatching(/Error: aborted|uncaught|ECONNRESET/i) });
  expect(await createOne(cloud, 'after-resets')).toBe(200);
});

test('killed with SIGKILL mid-load and started again on the same state directory: every acknowledged write is there', async () => {
  cloud ??= await startCloudProcess({ assemblyDir, stateDir });
  const first = cloud;
  const ids = Array.from({ length: 600 }, (_, index) => `crash-${String(index).padStart(4, '0')}`);
  let workers: number[] = [];
  let killing: Promise<void> | undefined;
  const load = await createTodos({
    url: first.graphqlUrl,
    apiKey: first.apiKey,
    ids,
    concurrency: 20,
    deadlineMs: 60_000,
    requestTimeoutMs: 10_000,
    onAcknowledged: (count) => {
      if (count === 150 && !killing) {
        workers = first.children();
        killing = first.kill9();
      }
    },
  });
  await killing;
  expect(load.acknowledged.length).toBeGreaterThanOrEqual(150);
  // Some requests were in flight when the process died: they failed, and were not acknowledged.
  expect(load.failures.length).toBeGreaterThan(0);
  expect(first.output()).not.toMatch(/SIGINT|SIGTERM/);

  // The Lambda workers died with it.
  expect(workers.length).toBeGreaterThan(0);
  expect(await eventually(() => workers.every((pid) => !isAlive(pid)), 5000)).toBe(true);

  cloud = await startCloudProcess({ assemblyDir, stateDir });
  expect(cloud.apiKey).toBe(first.apiKey);
  const listing = await listAllTodos(cloud.graphqlUrl, cloud.apiKey, 1000);
  expect(duplicates(listing.ids)).toEqual([]);
  const stored = new Set(listing.ids);
  expect(load.acknowledged.filter((id) => !stored.has(id))).toEqual([]);
  expect(stored.has('after-resets')).toBe(true);
  // Nothing appears that was never sent.
  const sent = new Set(ids.slice(0, ids.length - load.unsent));
  expect(listing.ids.filter((id) => id.startsWith('crash-') && !sent.has(id))).toEqual([]);
  // And it takes writes again.
  expect(await createOne(cloud, 'after-restart')).toBe(200);
});

test('a clean stop (SIGTERM) exits 0 and leaves no worker behind', async () => {
  cloud ??= await startCloudProcess({ assemblyDir, stateDir });
  expect(await createOne(cloud, 'before-stop')).toBe(200);
  const workers = cloud.children();
  expect(workers.length).toBeGreaterThan(0);
  expect(await cloud.stop()).toBe(0);
  cloud = undefined;
  expect(await eventually(() => workers.every((pid) => !isAlive(pid)), 5000)).toBe(true);
});
