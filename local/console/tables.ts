/**
 * The Tables tab: each DynamoDB table of the templates and its items, a page at a time, as the DynamoDB console's
 * "Explore items" scans them. Read as the admin, with the AWS SDK, from the embedded store.
 *
 * A page is one Scan of at most `limit` items; the next page starts after the last one (`LastEvaluatedKey`), which
 * the page gets back as an opaque cursor (base64url JSON of the key, in DynamoDB's attribute-value form). Items go to
 * the page as plain JSON (numbers as numbers, sets as lists, binary as base64), as the console's JSON view shows them.
 */
import { type AttributeValue, DescribeTableCommand, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { LocalTable } from '../dynamodb/model';
import { InvalidPageCursorError, InvalidRequestError, UnknownTableError } from './errors';

/** Items per page unless asked otherwise, and the most a page may hold (the DynamoDB console offers 50 to 300). */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 300;

export interface TableDescription {
  readonly tableName: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly arn: string;
  /** Partition key first, then the sort key. */
  readonly keySchema: ReadonlyArray<{ readonly name: string; readonly keyType: string }>;
  /** As DescribeTable says. */
  readonly itemCount?: number;
  readonly status?: string;
}

export interface ItemsPage {
  readonly tableName: string;
  readonly items: ReadonlyArray<Record<string, unknown>>;
  /** Where the next page starts; absent on the last page. */
  readonly nextCursor?: string;
  readonly scannedCount: number;
}

export class TableBrowser {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: readonly LocalTable[],
  ) {}

  async list(): Promise<TableDescription[]> {
    return Promise.all(this.tables.map((table) => this.describe(table)));
  }

  async page(tableName: string, options: { limit?: unknown; cursor?: unknown }): Promise<ItemsPage> {
    const table = this.find(tableName);
    const limit = pageSize(options.limit);
    const exclusiveStartKey = options.cursor === undefined || options.cursor === '' ? undefined : decodeCursor(options.cursor);
    const result = await this.client.send(new ScanCommand({ TableName: table.tableName, Limit: limit, ExclusiveStartKey: exclusiveStartKey }));
    return {
      tableName: table.tableName,
      items: (result.Items ?? []).map(plainItem),
      ...(result.LastEvaluatedKey ? { nextCursor: encodeCursor(result.LastEvaluatedKey) } : {}),
      scannedCount: result.ScannedCount ?? 0,
    };
  }

  private find(tableName: string): LocalTable {
    const table = this.tables.find((candidate) => candidate.tableName === tableName);
    if (!table) throw new UnknownTableError(tableName);
    return table;
  }

  private async describe(table: LocalTable): Promise<TableDescription> {
    const keySchema = ((table.properties.KeySchema ?? []) as Array<{ AttributeName: string; KeyType: string }>)
      .map((key) => ({ name: key.AttributeName, keyType: key.KeyType }))
      .sort((a, b) => (a.keyType === 'HASH' ? -1 : b.keyType === 'HASH' ? 1 : 0));
    const { Table } = await this.client.send(new DescribeTableCommand({ TableName: table.tableName }));
    return {
      tableName: table.tableName,
      stackName: table.stackName,
      logicalId: table.logicalId,
      arn: table.arn,
      keySchema,
      ...(Table?.ItemCount !== undefined ? { itemCount: Table.ItemCount } : {}),
      ...(Table?.TableStatus ? { status: Table.TableStatus } : {}),
    };
  }
}

function pageSize(limit: unknown): number {
  if (limit === undefined || limit === '') return DEFAULT_PAGE_SIZE;
  const value = typeof limit === 'string' ? Number(limit) : limit;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw new InvalidRequestError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE} (got ${JSON.stringify(limit)}).`);
  }
  return value;
}

export function encodeCursor(key: Record<string, AttributeValue>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** A cursor this console gave: a JSON object of attribute values. Anything else is refused before it reaches the store. */
export function decodeCursor(cursor: unknown): Record<string, AttributeValue> {
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]{1,8192}$/.test(cursor)) throw new InvalidPageCursorError();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidPageCursorError({ cause: error });
  }
  const isAttributeValue = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1;
  if (key === null || typeof key !== 'object' || Array.isArray(key) || !Object.values(key).every(isAttributeValue)) throw new InvalidPageCursorError();
  return key as Record<string, AttributeValue>;
}

/** An item as plain JSON. */
export function plainItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, plainValue(value)]));
}

function plainValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return plainNumber(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  if (value.L !== undefined) return value.L.map(plainValue);
  if (value.M !== undefined) return plainItem(value.M);
  if (value.SS !== undefined) return value.SS;
  if (value.NS !== undefined) return value.NS.map(plainNumber);
  if (value.BS !== undefined) return value.BS.map((bytes) => Buffer.from(bytes).toString('base64'));
  return null;
}

/** A number JSON can hold exactly, else its digits as a string (DynamoDB numbers have up to 38 digits). */
function plainNumber(digits: string): number | string {
  const value = Number(digits);
  return Number.isFinite(value) && String(value) === digits ? value : digits;
}
