import type { ResourceProvider } from '../../local/cloudformation/resource-provider';

/**
 * A stand-in for a resource type the local cloud does not provide (AWS::SQS::Queue): what adding one takes, one file
 * like this in the service's folder and one line in local/resource-providers.ts.
 */
export const queueProvider: ResourceProvider = {
  type: 'AWS::SQS::Queue',
  identify(properties, scope) {
    const name = typeof properties.QueueName === 'string' ? properties.QueueName : scope.generatedName(80);
    const url = `http://127.0.0.1/queue/${scope.accountId}/${name}`;
    return { ref: url, attributes: { Arn: `arn:aws:sqs:${scope.region}:${scope.accountId}:${name}`, QueueName: name, QueueUrl: url } };
  },
};
