/**
 * The store in a worker thread of its own (local/dynamodb/store-thread.ts): it answers while the main thread is busy,
 * a port in use is the same PortInUseError as in process, and only the one authorizer can be sent to it.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { startLocalDynamoDb } from '../../../local/dynamodb';
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
