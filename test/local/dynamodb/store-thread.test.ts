/**
 * The store in a worker thread of its own (local/dynamodb/store-thread.ts): it answers while the main thread is busy,
 * a port in use is the same PortInUseError as in process, only the one authorizer can be sent to it, and a thread that
 * stops is replaced (up to a limit).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startLocalDynamoDb } from '../../../local/dynamodb';
import type { LocalTable } from '../../../local/dynamodb/model';
import { hostStoreInThread, STORE_RESTART_LIMIT } from '../../../local/dynamodb/store-thread';
import { PortInUseError } from '../../../local/http';
import { authorize } from '../../../local/iam/authorizer';
import { adminOnly, DUMMY_CREDENTIALS } from '../../support/dynalite';

jest.setTimeout(60_000);

test('the store answers from its own thread while the main thread is blocked', async () => {
  // GIVEN a store in its own thread, and a client in another process ready to call it
  const store = await startLocalDynamoDb({ host: '127.0.0.1', port: 0, region: 'us-east-1' });
  try {
    store.authorizeWith(adminOnly(DUMMY_CREDENTIALS), authorize);
    const client = spawn(
      process.execPath,
      [
        '-e',
        `process.stdin.once('data', async () => {
          const answer = await fetch(${JSON.stringify(store.url)}, { method: 'POST', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
          console.log(JSON.stringify({ status: answer.status, at: Date.now() }));
        });
        console.log('ready');`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let output = '';
    client.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve) => client.stdout.once('data', () => resolve()));

    // WHEN the main thread blocks (no event loop turn at all) right after telling the client to call
    client.stdin.end('go\n');
    const blockedUntil = Date.now() + 5_000;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5_000);
    await new Promise((resolve) => client.once('close', resolve));

    // THEN the store's thread answered (an unsigned call: DynamoDB's 400) before the main thread was free again
    const answer = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { status: number; at: number };
    expect(answer.status).toBe(400);
    expect(answer.at).toBeLessThan(blockedUntil);
  } finally {
    await store.close();
  }
});

test('a port in use is a PortInUseError, and nothing is left running', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  try {
    const port = (taken.address() as { port: number }).port;
    await expect(startLocalDynamoDb({ host: '127.0.0.1', port, region: 'us-east-1' })).rejects.toBeInstanceOf(PortInUseError);
  } finally {
    await new Promise((resolve) => taken.close(resolve));
  }
});

test('another authorizer than the one of local/iam is refused by a store in its own thread, with the way out', async () => {
  const store = await startLocalDynamoDb({ host: '127.0.0.1', port: 0, region: 'us-east-1' });
  try {
    expect(() => store.authorizeWith(adminOnly(DUMMY_CREDENTIALS), () => ({ allowed: true }) as never)).toThrow(/thread: false/);
  } finally {
    await store.close();
  }
});

describe('a store thread that stops is started again', () => {
  const tableOf = (tableName: string): LocalTable => ({
    stackName: 'test',
    logicalId: 'TodoTable',
    tableName,
    arn: `arn:aws:dynamodb:us-east-1:000000000000:table/${tableName}`,
    properties: {
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    },
  });

  /** Calls the store until it answers again (a call can land while the new thread is starting). */
  async function untilServing<T>(call: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        return await call();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  test('on disk: on the same port, with the same principals, and the items kept', async () => {
    // GIVEN a store on disk on a port picked for it, with an item
    const dataDir = mkdtempSync(path.join(tmpdir(), 'store-restart-'));
    const lines: string[] = [];
    const store = await startLocalDynamoDb({ host: '127.0.0.1', port: 0, region: 'us-east-1', dataDir, log: (line) => lines.push(line) });
    try {
      store.authorizeWith(adminOnly(DUMMY_CREDENTIALS), authorize);
      await store.createTables([tableOf('kept')]);
      await store.client.send(new PutItemCommand({ TableName: 'kept', Item: { id: { S: 'before' } } }));

      // WHEN its thread ends as an uncaught error in dynalite would end it
      await store.injectFault?.();

      // THEN a new thread answers at the same URL, verifying the same admin's signatures, with the item still there
      const { Item } = await untilServing(() =>
        store.client.send(new GetItemCommand({ TableName: 'kept', Key: { id: { S: 'before' } }, ConsistentRead: true })),
      );
      expect(Item).toEqual({ id: { S: 'before' } });
      expect(lines.join('\n')).toMatch(/store's thread stopped: a fault injected by a test\. Starting it again on the same port \(the data on disk is kept\)/);
      await untilServing(async () => expect(lines.join('\n')).toMatch(/serving again/));
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('in memory: the tables are created again, empty, and the log says the items are lost', async () => {
    // GIVEN
    const lines: string[] = [];
    const store = await startLocalDynamoDb({ host: '127.0.0.1', port: 0, region: 'us-east-1', log: (line) => lines.push(line) });
    try {
      store.authorizeWith(adminOnly(DUMMY_CREDENTIALS), authorize);
      await store.createTables([tableOf('fresh')]);
      await store.client.send(new PutItemCommand({ TableName: 'fresh', Item: { id: { S: 'before' } } }));

      // WHEN
      await store.injectFault?.();

      // THEN the table is there again, without the item
      await untilServing(async () => expect(lines.join('\n')).toMatch(/serving again/));
      const { Item } = await store.client.send(new GetItemCommand({ TableName: 'fresh', Key: { id: { S: 'before' } }, ConsistentRead: true }));
      expect(Item).toBeUndefined();
      await store.client.send(new PutItemCommand({ TableName: 'fresh', Item: { id: { S: 'after' } } }));
      expect(lines.join('\n')).toMatch(/in memory, so its items are lost and its tables are created again, empty/);
    } finally {
      await store.close();
    }
  });

  test(`after ${STORE_RESTART_LIMIT.restarts} restarts within a minute it is left stopped, and the log says what to do`, async () => {
    // GIVEN
    const lines: string[] = [];
    const hosted = await hostStoreInThread({ host: '127.0.0.1', port: 0, region: 'us-east-1' }, (line) => lines.push(line));
    const serving = () => lines.filter((line) => /serving again/.test(line)).length;
    try {
      // WHEN it stops once more than it may
      for (let stop = 1; stop <= STORE_RESTART_LIMIT.restarts; stop++) {
        await hosted.injectFault();
        await untilServing(async () => expect(serving()).toBe(stop));
      }
      await hosted.injectFault();

      // THEN
      await untilServing(async () => expect(lines.join('\n')).toMatch(/is not started again: every DynamoDB call fails until the local cloud is restarted/));
      await expect(hosted.refuseRolesOn([])).rejects.toThrow(/a fault injected by a test/);
    } finally {
      await hosted.close();
    }
  });
});
