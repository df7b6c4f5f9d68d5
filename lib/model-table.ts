import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export interface ModelTableProps {
  /**
   * Whether deleting the stack deletes the table and its data.
   * @default false - the table is retained
   */
  readonly destroyOnDelete?: boolean;
  /**
   * The partition key attribute (a string).
   * @default 'id'
   */
  readonly partitionKey?: string;
}

/** The DynamoDB table behind one @model type: keyed by its key, on demand, recoverable to any second of the last 35 days. */
export class ModelTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: ModelTableProps = {}) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: props.partitionKey ?? 'id', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: props.destroyOnDelete ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
  }
}
