import type { ResourceProvider } from '../../cloudformation/resource-provider';

/** AWS::DynamoDB::Table: created in the embedded store under its (given or generated) name. */
export const tableProvider: ResourceProvider = {
  type: 'AWS::DynamoDB::Table',
  identify(properties, scope) {
    const name = typeof properties.TableName === 'string' ? properties.TableName : scope.generatedName(255);
    const arn = `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${name}`;
    return { ref: name, attributes: { Arn: arn, StreamArn: `${arn}/stream/1970-01-01T00:00:00.000` } };
  },
};
