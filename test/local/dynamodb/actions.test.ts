import { DynamoDbOperation, operationOfTarget, requiredPermissions } from '../../../local/dynamodb/actions';
import { SerializationError, UnknownOperationError, ValidationError } from '../../../local/dynamodb/errors';

const scope = { region: 'us-east-1', accountId: '000000000000' };
const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/Todo';
const OTHER = 'arn:aws:dynamodb:us-east-1:000000000000:table/Other';

describe('operationOfTarget', () => {
  test.each(Object.values(DynamoDbOperation))('DynamoDB_20120810.%s is served', (operation) => {
    expect(operationOfTarget(`DynamoDB_20120810.${operation}`)).toBe(operation);
  });

  test.each([
    ['no target', undefined],
    ['another API version', 'DynamoDB_20111205.GetItem'],
    ['an operation the endpoint does not authorize', 'DynamoDB_20120810.ExecuteStatement'],
    ['a misspelt operation', 'DynamoDB_20120810.ListTable'],
    ['three parts', 'DynamoDB_20120810.GetItem.x'],
    ['a prototype key', 'DynamoDB_20120810.constructor'],
  ])('%s is UnknownOperationException', (_what, target) => {
    expect(() => operationOfTarget(target)).toThrow(UnknownOperationError);
  });
});

describe('requiredPermissions', () => {
  // Service Authorization Reference, "Actions, resources, and condition keys for Amazon DynamoDB"; DynamoDB Developer
  // Guide, "Using IAM with DynamoDB transactions".
  test.each([
    [DynamoDbOperation.GetItem, { TableName: 'Todo' }, [['dynamodb:GetItem', TABLE]]],
    [DynamoDbOperation.PutItem, { TableName: 'Todo' }, [['dynamodb:PutItem', TABLE]]],
    [DynamoDbOperation.UpdateItem, { TableName: 'Todo' }, [['dynamodb:UpdateItem', TABLE]]],
    [DynamoDbOperation.DeleteItem, { TableName: 'Todo' }, [['dynamodb:DeleteItem', TABLE]]],
    [DynamoDbOperation.CreateTable, { TableName: 'Todo' }, [['dynamodb:CreateTable', TABLE]]],
    [DynamoDbOperation.DeleteTable, { TableName: 'Todo' }, [['dynamodb:DeleteTable', TABLE]]],
    [DynamoDbOperation.DescribeTable, { TableName: 'Todo' }, [['dynamodb:DescribeTable', TABLE]]],
    [DynamoDbOperation.UpdateTable, { TableName: 'Todo' }, [['dynamodb:UpdateTable', TABLE]]],
    [DynamoDbOperation.DescribeTimeToLive, { TableName: 'Todo' }, [['dynamodb:DescribeTimeToLive', TABLE]]],
    [DynamoDbOperation.UpdateTimeToLive, { TableName: 'Todo' }, [['dynamodb:UpdateTimeToLive', TABLE]]],
    [DynamoDbOperation.Scan, { TableName: 'Todo' }, [['dynamodb:Scan', TABLE]]],
    [DynamoDbOperation.Query, { TableName: 'Todo' }, [['dynamodb:Query', TABLE]]],
    [DynamoDbOperation.Query, { TableName: 'Todo', IndexName: 'byName' }, [['dynamodb:Query', `${TABLE}/index/byName`]]],
    [DynamoDbOperation.Scan, { TableName: 'Todo', IndexName: 'byName' }, [['dynamodb:Scan', `${TABLE}/index/byName`]]],
    [DynamoDbOperation.ListTables, {}, [['dynamodb:ListTables', '*']]],
    [DynamoDbOperation.ListTables, { ExclusiveStartTableName: 'Todo', Limit: 1 }, [['dynamodb:ListTables', '*']]],
    [
      DynamoDbOperation.BatchGetItem,
      { RequestItems: { Todo: { Keys: [] }, Other: { Keys: [] } } },
      [
        ['dynamodb:BatchGetItem', TABLE],
        ['dynamodb:BatchGetItem', OTHER],
      ],
    ],
    [
      DynamoDbOperation.BatchWriteItem,
      { RequestItems: { Todo: [], Other: [] } },
      [
        ['dynamodb:BatchWriteItem', TABLE],
        ['dynamodb:BatchWriteItem', OTHER],
      ],
    ],
    [
      DynamoDbOperation.TransactWriteItems,
      {
        TransactItems: [
          { ConditionCheck: { TableName: 'Todo' } },
          { Put: { TableName: 'Other' } },
          { Update: { TableName: 'Todo' } },
          { Delete: { TableName: 'Other' } },
        ],
      },
      [
        ['dynamodb:ConditionCheckItem', TABLE],
        ['dynamodb:PutItem', OTHER],
        ['dynamodb:UpdateItem', TABLE],
        ['dynamodb:DeleteItem', OTHER],
      ],
    ],
    [
      DynamoDbOperation.TransactGetItems,
      { TransactItems: [{ Get: { TableName: 'Todo' } }, { Get: { TableName: 'Other' } }] },
      [
        ['dynamodb:GetItem', TABLE],
        ['dynamodb:GetItem', OTHER],
      ],
    ],
    [DynamoDbOperation.ListTagsOfResource, { ResourceArn: TABLE }, [['dynamodb:ListTagsOfResource', TABLE]]],
    [DynamoDbOperation.TagResource, { ResourceArn: `${TABLE}/index/byName` }, [['dynamodb:TagResource', `${TABLE}/index/byName`]]],
    [DynamoDbOperation.UntagResource, { ResourceArn: TABLE }, [['dynamodb:UntagResource', TABLE]]],
    // A table's ARN wherever its name goes, as DynamoDB takes it.
    [
      DynamoDbOperation.GetItem,
      { TableName: 'arn:aws:dynamodb:eu-west-1:111122223333:table/Far' },
      [['dynamodb:GetItem', 'arn:aws:dynamodb:eu-west-1:111122223333:table/Far']],
    ],
  ])('%s %j needs %j', (operation, request, expected) => {
    expect(requiredPermissions(operation, request, scope)).toEqual(expected.map(([action, resource]) => ({ action, resource })));
  });

  test('a batch naming the same table by name and by ARN is asked about once', () => {
    expect(requiredPermissions(DynamoDbOperation.BatchGetItem, { RequestItems: { Todo: {}, [TABLE]: {} } }, scope)).toEqual([
      { action: 'dynamodb:BatchGetItem', resource: TABLE },
    ]);
  });

  test.each([
    [DynamoDbOperation.GetItem, {}, "Value null at 'tableName' failed to satisfy constraint: Member must not be null"],
    [DynamoDbOperation.GetItem, { TableName: null }, "Value null at 'tableName'"],
    [
      DynamoDbOperation.GetItem,
      { TableName: 'ab' },
      "Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
    ],
    [DynamoDbOperation.GetItem, { TableName: 'Todo/index/x' }, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+'],
    [DynamoDbOperation.GetItem, { TableName: 'Todo*' }, 'Member must satisfy regular expression pattern'],
    [DynamoDbOperation.GetItem, { TableName: 'x'.repeat(256) }, 'Member must have length less than or equal to 255'],
    [DynamoDbOperation.Query, { TableName: 'Todo', IndexName: '*' }, "at 'indexName'"],
    [DynamoDbOperation.BatchWriteItem, {}, "Value null at 'requestItems'"],
    [
      DynamoDbOperation.BatchWriteItem,
      { RequestItems: {} },
      "at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ],
    [DynamoDbOperation.BatchGetItem, { RequestItems: { 'no/slash': {} } }, "at 'requestItems.no/slash'"],
    [DynamoDbOperation.TransactWriteItems, {}, "Value null at 'transactItems'"],
    [DynamoDbOperation.TransactWriteItems, { TransactItems: [{}] }, 'transactItems.1.member must name exactly one of ConditionCheck, Put, Update, Delete'],
    [DynamoDbOperation.TransactWriteItems, { TransactItems: [{ Put: { TableName: 'Todo' }, Delete: { TableName: 'Other' } }] }, 'must name exactly one of'],
    [DynamoDbOperation.TransactWriteItems, { TransactItems: [{ Put: {} }] }, "Value null at 'transactItems.1.member.put.tableName'"],
    [DynamoDbOperation.TransactGetItems, { TransactItems: [{ Put: { TableName: 'Todo' } }] }, 'must name exactly one of Get'],
    [DynamoDbOperation.TagResource, { ResourceArn: 'arn:aws:s3:::bucket' }, 'Invalid ResourceArn'],
  ])('%s %j is refused with ValidationException (%s)', (operation, request, message) => {
    let thrown: unknown;
    try {
      requiredPermissions(operation, request, scope);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as Error).message).toContain(message);
  });

  test.each([
    [{ TableName: 12 }, 'NUMBER_VALUE cannot be converted to String'],
    [{ TableName: 1.5 }, 'DECIMAL_VALUE cannot be converted to String'],
    [{ TableName: true }, 'TRUE_VALUE cannot be converted to String'],
    [{ TableName: ['Todo'] }, 'Unrecognized collection type class java.lang.String'],
    [{ TableName: { S: 'Todo' } }, 'Start of structure or map found where not expected'],
  ])('a TableName of the wrong type (%j) is refused with SerializationException', (request, message) => {
    expect(() => requiredPermissions(DynamoDbOperation.GetItem, request, scope)).toThrow(new SerializationError(message));
  });

  test('RequestItems and TransactItems of the wrong type are refused with SerializationException', () => {
    expect(() => requiredPermissions(DynamoDbOperation.BatchGetItem, { RequestItems: ['Todo'] }, scope)).toThrow(SerializationError);
    expect(() => requiredPermissions(DynamoDbOperation.TransactWriteItems, { TransactItems: { Put: {} } }, scope)).toThrow(SerializationError);
  });
});
