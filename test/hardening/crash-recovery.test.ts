/**
 * The local cloud as a process of its own (`local/start.ts`, as `npm start` runs it): clients that go away mid-request
 * on any of its ports do not take it down, and a clean stop leaves nothing behind. (SIGKILL mid-load and a restart on
 * the same state directory: load.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type CloudProcess, startCloudProcess } from '../support/cloud-process';
import { eventually, isAlive, resetMidRequest } from '../support/hardening';
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

/** The process of the previous test, or a new one if there is none (or it died). */
async function running(): Promise<CloudProcess> {
  if (!cloud || !isAlive(cloud.pid)) cloud = await startCloudProcess({ assemblyDir, stateDir });
  return cloud;
}

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
  expect({ alive: isAlive(cloud.pid), stderr: cloud.stderr() }).toEqual({
    alive: true,
    stderr: expect.not.stringMatching(/Error: aborted|uncaught|ECONNRESET/i),
  });
  expect(await createOne(cloud, 'after-resets')).toBe(200);
});

test('a clean stop (SIGTERM) exits 0 and leaves no worker behind', async () => {
  cloud = await running();
  expect(await createOne(cloud, 'before-stop')).toBe(200);
  const workers = cloud.children();
  expect(workers.length).toBeGreaterThan(0);
  expect(await cloud.stop()).toBe(0);
  cloud = undefined;
  expect(await eventually(() => workers.every((pid) => !isAlive(pid)), 5000)).toBe(true);
});
