/**
 * What IAM must allow for a DynamoDB call: each `X-Amz-Target` operation the endpoint serves, mapped to the IAM
 * actions and resource ARNs it needs, read from the request's own members.
 *
 * As the Service Authorization Reference ("Actions, resources, and condition keys for Amazon DynamoDB") and the
 * DynamoDB Developer Guide document them:
 * - item and table operations need the action of their name on the table: `arn:aws:dynamodb:<region>:<account>:table/<name>`;
 * - Query and Scan with an `IndexName` need it on the index: `.../table/<name>/index/<index>` (ionic-team/starters#7
 *   shows AWS refusing `dynamodb:Query on resource: ...:table/ionic-mobile-hub-tasks/index/DateSorted`);
 * - BatchGetItem and BatchWriteItem need their own action on every table of `RequestItems`;
 * - TransactWriteItems and TransactGetItems have no action of their own: each item needs the action of its kind
 *   (ConditionCheck → dynamodb:ConditionCheckItem, Put → PutItem, Update → UpdateItem, Delete → DeleteItem, Get →
 *   GetItem) on its table ("Using IAM with DynamoDB transactions", DynamoDB Developer Guide);
 * - ListTables is authorized on `*` (AWS: "... not authorized to perform: dynamodb:ListTables on resource: *",
 *   sebdah/dynamic-dynamodb#321);
 * - the tagging operations on the ARN they name (`ResourceArn`).
 *
 * An operation not listed here is refused (UnknownOperationException) before anything else is looked at: the store
 * never serves a call whose permissions were not checked. A table or index name that is missing or malformed is
 * refused with DynamoDB's validation error before IAM is asked, so every resource asked about is a well-formed ARN.
 */
import { SerializationError, UnknownOperationError, ValidationError } from './errors';

/** The operations of the DynamoDB API the endpoint authorizes, by their X-Amz-Target name (`DynamoDB_20120810.<name>`). */
export enum DynamoDbOperation {
  BatchGetItem = 'BatchGetItem',
  BatchWriteItem = 'BatchWriteItem',
  CreateTable = 'CreateTable',
  DeleteItem = 'DeleteItem',
  DeleteTable = 'DeleteTable',
  DescribeTable = 'DescribeTable',
  DescribeTimeToLive = 'DescribeTimeToLive',
  GetItem = 'GetItem',
  ListTables = 'ListTables',
  ListTagsOfResource = 'ListTagsOfResource',
  PutItem = 'PutItem',
  Query = 'Query',
  Scan = 'Scan',
  TagResource = 'TagResource',
  TransactGetItems = 'TransactGetItems',
  TransactWriteItems = 'TransactWriteItems',
  UntagResource = 'UntagResource',
  UpdateItem = 'UpdateItem',
  UpdateTable = 'UpdateTable',
  UpdateTimeToLive = 'UpdateTimeToLive',
}

/** The API version of every current SDK; the 2011 one (other request shapes) is not served. */
export const DYNAMODB_TARGET_PREFIX = 'DynamoDB_20120810';

export interface Permission {
  /** `dynamodb:PutItem`. */
  readonly action: string;
  readonly resource: string;
}

/** Where unqualified table names live. */
export interface ResourceScope {
  readonly region: string;
  readonly accountId: string;
}

const OPERATIONS = new Set<string>(Object.values(DynamoDbOperation));

/** The operation an X-Amz-Target names; UnknownOperationError for anything else. */
export function operationOfTarget(target: string | undefined): DynamoDbOperation {
  const parts = (target ?? '').split('.');
  if (parts.length !== 2 || parts[0] !== DYNAMODB_TARGET_PREFIX || !OPERATIONS.has(parts[1])) throw new UnknownOperationError();
  return parts[1] as DynamoDbOperation;
}

const action = (name: string) => `dynamodb:${name}`;

/** Operations that act on the one table their `TableName` names, with the action of their own name. */
const ON_TABLE = new Set<DynamoDbOperation>([
  DynamoDbOperation.CreateTable,
  DynamoDbOperation.DeleteItem,
  DynamoDbOperation.DeleteTable,
  DynamoDbOperation.DescribeTable,
  DynamoDbOperation.DescribeTimeToLive,
  DynamoDbOperation.GetItem,
  DynamoDbOperation.PutItem,
  DynamoDbOperation.UpdateItem,
  DynamoDbOperation.UpdateTable,
  DynamoDbOperation.UpdateTimeToLive,
]);

/** The kinds of item of TransactWriteItems / TransactGetItems and the action each needs. */
const TRANSACT_WRITE_ACTIONS: Readonly<Record<string, string>> = {
  ConditionCheck: action('ConditionCheckItem'),
  Put: action('PutItem'),
  Update: action('UpdateItem'),
  Delete: action('DeleteItem'),
};
const TRANSACT_GET_ACTIONS: Readonly<Record<string, string>> = { Get: action('GetItem') };

/**
 * Every permission the call needs, in the order of the request (the first refused one is reported). Throws
 * ValidationError or SerializationError when a member that names a resource is missing or malformed.
 */
export function requiredPermissions(operation: DynamoDbOperation, request: Readonly<Record<string, unknown>>, scope: ResourceScope): Permission[] {
  if (ON_TABLE.has(operation)) return [{ action: action(operation), resource: tableArn(request.TableName, 'tableName', scope) }];
  switch (operation) {
    case DynamoDbOperation.Query:
    case DynamoDbOperation.Scan:
      return [{ action: action(operation), resource: tableOrIndexArn(request, scope) }];
    case DynamoDbOperation.ListTables:
      return [{ action: action(operation), resource: '*' }];
    case DynamoDbOperation.BatchGetItem:
    case DynamoDbOperation.BatchWriteItem:
      return batchTables(request.RequestItems, scope).map((resource) => ({ action: action(operation), resource }));
    case DynamoDbOperation.TransactWriteItems:
      return transactItems(request.TransactItems, TRANSACT_WRITE_ACTIONS, scope);
    case DynamoDbOperation.TransactGetItems:
      return transactItems(request.TransactItems, TRANSACT_GET_ACTIONS, scope);
    case DynamoDbOperation.ListTagsOfResource:
    case DynamoDbOperation.TagResource:
    case DynamoDbOperation.UntagResource:
      return [{ action: action(operation), resource: resourceArn(request.ResourceArn, scope) }];
    default:
      // Every operation is mapped above; one added to the enum but not here is refused, never served unchecked.
      throw new UnknownOperationError();
  }
}

// --- members -------------------------------------------------------------------------------------------------------

/** DynamoDB's naming rule for tables and indexes: 3 to 255 of a-z, A-Z, 0-9, `_`, `-` and `.`. */
const NAME_PATTERN = '[a-zA-Z0-9_.-]+';
const NAME = /^[a-zA-Z0-9_.-]+$/;
const TABLE_ARN = /^arn:aws:dynamodb:([a-z0-9-]+):(\d{12}):table\/([^/]+)$/;

function tableArn(value: unknown, memberPath: string, scope: ResourceScope): string {
  const name = stringMember(value, memberPath);
  const arn = TABLE_ARN.exec(name);
  // DynamoDB also takes a table's ARN wherever it takes its name.
  if (arn) return `arn:aws:dynamodb:${arn[1]}:${arn[2]}:table/${checkedName(arn[3], memberPath)}`;
  return `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${checkedName(name, memberPath)}`;
}

function tableOrIndexArn(request: Readonly<Record<string, unknown>>, scope: ResourceScope): string {
  const table = tableArn(request.TableName, 'tableName', scope);
  if (request.IndexName === undefined || request.IndexName === null) return table;
  return `${table}/index/${checkedName(stringMember(request.IndexName, 'indexName'), 'indexName')}`;
}

function batchTables(value: unknown, scope: ResourceScope): string[] {
  const items = mapMember(value, 'requestItems');
  const names = Object.keys(items);
  if (names.length === 0) {
    throw new ValidationError(
      "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  return [...new Set(names.map((name) => tableArn(name, `requestItems.${name}`, scope)))];
}

function transactItems(value: unknown, actions: Readonly<Record<string, string>>, scope: ResourceScope): Permission[] {
  if (value === undefined || value === null) throw ValidationError.missing('transactItems');
  if (!Array.isArray(value)) throw new SerializationError(typeMismatch(value, 'List'));
  return value.map((entry, index) => {
    const member = `transactItems.${index + 1}.member`;
    const item = mapMember(entry, member);
    const kinds = Object.keys(item).filter((kind) => Object.hasOwn(actions, kind) && item[kind] !== null && item[kind] !== undefined);
    if (kinds.length !== 1) {
      throw new ValidationError(`1 validation error detected: ${member} must name exactly one of ${Object.keys(actions).join(', ')}`);
    }
    const kind = kinds[0];
    const operation = mapMember(item[kind], `${member}.${kind.toLowerCase()}`);
    return { action: actions[kind], resource: tableArn(operation.TableName, `${member}.${kind.toLowerCase()}.tableName`, scope) };
  });
}

function resourceArn(value: unknown, scope: ResourceScope): string {
  const arn = stringMember(value, 'resourceArn');
  // Tags belong to tables (and their indexes and streams): anything else names nothing the store holds.
  const table = /^(arn:aws:dynamodb:[a-z0-9-]+:\d{12}:table\/[^/]+)(\/.*)?$/.exec(arn);
  if (!table) throw new ValidationError(`Invalid TableArn: Invalid ResourceArn provided as input ${arn.slice(0, 256)}`);
  return `${tableArn(table[1], 'resourceArn', scope)}${table[2] ?? ''}`;
}

function stringMember(value: unknown, memberPath: string): string {
  if (value === undefined || value === null) throw ValidationError.missing(memberPath);
  if (typeof value !== 'string') throw new SerializationError(typeMismatch(value, 'String'));
  return value;
}

function mapMember(value: unknown, memberPath: string): Readonly<Record<string, unknown>> {
  if (value === undefined || value === null) throw ValidationError.missing(memberPath);
  if (typeof value !== 'object' || Array.isArray(value)) throw new SerializationError(typeMismatch(value, 'Map'));
  return value as Readonly<Record<string, unknown>>;
}

function checkedName(name: string, memberPath: string): string {
  const problem =
    name.length < 3
      ? 'Member must have length greater than or equal to 3'
      : name.length > 255
        ? 'Member must have length less than or equal to 255'
        : !NAME.test(name)
          ? `Member must satisfy regular expression pattern: ${NAME_PATTERN}`
          : undefined;
  if (problem)
    throw new ValidationError(`1 validation error detected: Value '${name.slice(0, 256)}' at '${memberPath}' failed to satisfy constraint: ${problem}`);
  return name;
}

/** DynamoDB's (Jackson's) words for a JSON value of the wrong type, as dynalite records them. */
function typeMismatch(value: unknown, expected: 'String' | 'Map' | 'List'): string {
  if (typeof value === 'boolean') return `${value ? 'TRUE' : 'FALSE'}_VALUE cannot be converted to ${expected}`;
  if (typeof value === 'number') return `${Number.isInteger(value) ? 'NUMBER' : 'DECIMAL'}_VALUE cannot be converted to ${expected}`;
  if (typeof value === 'string') return `STRING_VALUE cannot be converted to ${expected}`;
  if (Array.isArray(value)) return `Unrecognized collection type class java.lang.${expected}`;
  return 'Start of structure or map found where not expected';
}
