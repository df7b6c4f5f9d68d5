/** A Lambda Context whose remaining time counts down from `remainingMs` in real time. */
import type { Context } from 'aws-lambda';

export function fakeLambdaContext(remainingMs = 15_000, functionName = 'caller-under-test'): Context {
  const startedAt = Date.now();
  const unused = (): never => {
    throw new Error('callers must not end the invocation through the context');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `req-${Math.random().toString(16).slice(2, 10)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2024/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, remainingMs - (Date.now() - startedAt)),
    done: unused,
    fail: unused,
    succeed: unused,
  };
}
