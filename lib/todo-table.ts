import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface TodoTableProps {
  /**
   * Whether deleting the stack deletes the table and its data.
   * @default false - the table is retained
   */
  readonly destroyOnDelete?: boolean;
}

/** The DynamoDB table behind the Todo model: keyed by `id`, on demand, recoverable to any second of the last 35 days. */
export class TodoTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: TodoTableProps = {}) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: props.destroyOnDelete ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
  }
}
