/**
 * The read-only check of the store's LevelDB folder (local/dynamodb/store-check.ts), on a real store written by
 * dynalite: a healthy store passes; each kind of damage is refused naming the file, and nothing in the folder changes.
 * Without the check, a missing CURRENT made LevelDB start an empty database and delete the table files.
 */

import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startLocalDynamoDb } from '../../../local/dynamodb';
import type { LocalTable } from '../../../local/dynamodb/model';
import { checkStore, DamagedStoreError } from '../../../local/dynamodb/store-check';
import { authorize } from '../../../local/iam/authorizer';
import { adminOnly, DUMMY_CREDENTIALS } from '../../support/dynalite';

const TABLE = {
  logicalId: 'Items',
  tableName: 'items',
  properties: {
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  },
} as unknown as LocalTable;

let root: string;
let healthy: string;

/** Opens the store, writes `items` items (or none), closes it: each open/close moves the log into a table file. */
async function session(dataDir: string, items: number): Promise<number> {
  const store = await startLocalDynamoDb({ host: '127.0.0.1', port: 0, dataDir, region: 'us-east-1' });
  store.authorizeWith(adminOnly(DUMMY_CREDENTIALS), authorize);
  try {
    await store.createTables([TABLE]);
    for (let i = 0; i < items; i++) await store.client.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: `item-${i}` }, n: { N: String(i) } } }));
    return (await store.client.send(new ScanCommand({ TableName: 'items' }))).Count ?? 0;
  } finally {
    await store.close();
  }
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(path.join(dir, name)).toString('base64')]));
}

/** A copy of the healthy store, damaged; with its table files as they were before. */
function damaged(name: string, damage: (dir: string, tables: string[]) => void): { dir: string; tables: string[] } {
  const dir = path.join(root, name);
  cpSync(healthy, dir, { recursive: true });
  const tables = readdirSync(dir).filter((file) => file.endsWith('.ldb'));
  damage(dir, tables);
  return { dir, tables };
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'store-check-'));
  healthy = path.join(root, 'healthy');
  await session(healthy, 16);
  await session(healthy, 0);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

test('a healthy store passes, with its table files listed; a missing or empty folder is a new store', () => {
  const result = checkStore(healthy);
  expect(result.fresh).toBe(false);
  expect(result.tables.length).toBeGreaterThan(0);
  expect(checkStore(path.join(root, 'nothing-here'))).toEqual({ fresh: true, tables: [] });
});

test.each<[string, (dir: string, tables: string[]) => void, RegExp, (dir: string, tables: string[]) => string]>([
  ['CURRENT missing', (dir) => unlinkSync(path.join(dir, 'CURRENT')), /is missing, but the store has data files/, (dir) => path.join(dir, 'CURRENT')],
  ['CURRENT naming nothing', (dir) => writeFileSync(path.join(dir, 'CURRENT'), 'garbage'), /does not name a MANIFEST file/, (dir) => path.join(dir, 'CURRENT')],
  [
    'a garbage MANIFEST',
    (dir) => writeFileSync(path.join(dir, readFileSync(path.join(dir, 'CURRENT'), 'utf8').trim()), Buffer.alloc(300, 7)),
    /MANIFEST|record|checksum|incomplete/,
    (dir) => path.join(dir, readFileSync(path.join(dir, 'CURRENT'), 'utf8').trim()),
  ],
  ['a table file gone', (dir, [table]) => unlinkSync(path.join(dir, table)), /is missing \(MANIFEST-\d+ lists it\)/, (dir, [table]) => path.join(dir, table)],
  [
    'a garbage table file',
    (dir, [table]) => writeFileSync(path.join(dir, table), Buffer.alloc(readFileSync(path.join(dir, table)).length, 1)),
    /bad magic number/,
    (dir, [table]) => path.join(dir, table),
  ],
  [
    'a table file cut short',
    (dir, [table]) => truncateSync(path.join(dir, table), 100),
    /is 100 bytes long, but the MANIFEST says/,
    (dir, [table]) => path.join(dir, table),
  ],
  [
    'a flipped byte in a data block',
    (dir, [table]) => {
      const bytes = readFileSync(path.join(dir, table));
      bytes[10] ^= 0xff;
      writeFileSync(path.join(dir, table), bytes);
    },
    /has a block with a wrong checksum at byte 0/,
    (dir, [table]) => path.join(dir, table),
  ],
])('%s: refused, naming the file, with every byte kept', (name, damage, problem, faultyFile) => {
  const { dir, tables } = damaged(name.replace(/\W+/g, '-'), damage);
  const before = snapshot(dir);
  let error: unknown;
  try {
    checkStore(dir);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(DamagedStoreError);
  expect((error as DamagedStoreError).file).toBe(faultyFile(dir, tables));
  expect((error as DamagedStoreError).problem).toMatch(problem);
  expect(snapshot(dir)).toEqual(before);
});

test('a record torn at the end of the MANIFEST (a crash mid-write) is what LevelDB tolerates: the store passes, and opens with its data', async () => {
  const { dir } = damaged('torn-manifest', (target) => {
    const manifest = path.join(target, readFileSync(path.join(target, 'CURRENT'), 'utf8').trim());
    writeFileSync(manifest, Buffer.concat([readFileSync(manifest), Buffer.from([1, 2, 3, 4, 200, 0, 1, 9, 9])]));
  });
  expect(checkStore(dir).fresh).toBe(false);
  expect(await session(dir, 0)).toBe(16);
});
