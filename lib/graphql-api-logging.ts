import { Validations } from 'aws-cdk-lib';
import { type CfnGraphQLApi, FieldLogLevel, type GraphqlApi } from 'aws-cdk-lib/aws-appsync';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface GraphqlApiLoggingProps {
  readonly api: GraphqlApi;
  /**
   * Which field resolutions AppSync logs.
   * @default FieldLogLevel.ERROR
   */
  readonly fieldLogLevel?: FieldLogLevel;
  /**
   * How long the request logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly retention?: RetentionDays;
}

/**
 * AppSync request logging with a bounded retention and a least-privilege role. Done by hand instead of GraphqlApi's
 * `logConfig`, which adds a log-retention custom resource (an extra Lambda) and the broad AWS managed policy.
 */
export class GraphqlApiLogging extends Construct {
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: GraphqlApiLoggingProps) {
    super(scope, id);
    // AppSync writes to this fixed name; creating it here gives it a retention instead of "never expire".
    this.logGroup = new LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/appsync/apis/${props.api.apiId}`,
      retention: props.retention ?? RetentionDays.ONE_MONTH,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('appsync.amazonaws.com'),
      description: 'Lets AppSync write the request logs of one API',
    });
    // A separate policy resource, not an inline one: the log group's name needs the API id, and the API needs the
    // role, so an inline policy naming the group would make a dependency cycle.
    new Policy(this, 'WriteRequestLogs', {
      roles: [role],
      statements: [
        new PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          // The group's ARN ends in `:*`, which covers its log streams and nothing else.
          resources: [this.logGroup.logGroupArn],
        }),
      ],
    });
    const cfnApi = props.api.node.defaultChild as CfnGraphQLApi;
    cfnApi.logConfig = {
      cloudWatchLogsRoleArn: role.roleArn,
      fieldLogLevel: props.fieldLogLevel ?? FieldLogLevel.ERROR,
      // Verbose content would carry request headers (and so API keys) into the logs.
      excludeVerboseContent: true,
    };
    // cdk-nag's AwsSolutions-ASC3 accepts request logging only with verbose content; this construct refuses it on purpose.
    Validations.of(cfnApi).acknowledge({
      id: 'AwsSolutions::AwsSolutions-ASC3',
      reason:
        'Request logging is on (field-level logs through a role limited to one log group with a retention) and excludes ' +
        'verbose content on purpose: verbose content includes the request headers, so it would write the x-api-key of every ' +
        'API-key caller into CloudWatch Logs.',
    });
  }
}
