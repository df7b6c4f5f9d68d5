import { functionArn, parseFunctionName } from '../../../local/lambda/function-name';
import { exitError, reportLine, signalDescription, tailLog, timeoutError } from '../../../local/lambda/log-format';

describe('parseFunctionName', () => {
  test('every form Lambda accepts', () => {
    expect(parseFunctionName('my-function')).toEqual({ name: 'my-function' });
    expect(parseFunctionName('my-function:v1')).toEqual({ name: 'my-function', qualifier: 'v1' });
    expect(parseFunctionName('123456789012:function:my-function')).toEqual({ name: 'my-function', accountId: '123456789012' });
    expect(parseFunctionName('arn:aws:lambda:us-west-2:123456789012:function:my-function:$LATEST')).toEqual({
      name: 'my-function',
      qualifier: '$LATEST',
      region: 'us-west-2',
      accountId: '123456789012',
      partition: 'aws',
    });
    expect(parseFunctionName('arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f')).toMatchObject({
      partition: 'aws-us-gov',
      region: 'us-gov-west-1',
    });
  });

  test('names Lambda refuses', () => {
    for (const bad of ['', 'has space', 'a/b', 'x'.repeat(171), 'arn:aws:s3:::bucket', 'f:bad.qualifier']) {
      expect([bad, parseFunctionName(bad)]).toEqual([bad, undefined]);
    }
  });

  test('functionArn', () => {
    expect(functionArn('f', 'eu-west-1', '111122223333')).toBe('arn:aws:lambda:eu-west-1:111122223333:function:f');
    expect(functionArn('f', 'eu-west-1', '111122223333', 'prod')).toBe('arn:aws:lambda:eu-west-1:111122223333:function:f:prod');
  });
});

describe("the service's own lines and errors", () => {
  test('REPORT line, tab separated, with Init Duration and status when relevant', () => {
    expect(reportLine({ requestId: 'r', durationMs: 12.344, memorySizeMb: 256, maxMemoryUsedMb: 70 })).toBe(
      'REPORT RequestId: r\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 70 MB',
    );
    expect(
      reportLine({
        requestId: 'r',
        durationMs: 1.5,
        memorySizeMb: 128,
        maxMemoryUsedMb: 40,
        initDurationMs: 100.25,
        status: 'error',
        errorType: 'Runtime.ExitError',
      }),
    ).toBe(
      'REPORT RequestId: r\tDuration: 1.50 ms\tBilled Duration: 102 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 100.25 ms\tStatus: error\tError Type: Runtime.ExitError',
    );
  });

  test('timeout and exit errors, worded as Lambda words them', () => {
    expect(timeoutError('id', 3)).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: id Error: Task timed out after 3.00 seconds' });
    expect(exitError('id', 1, null).errorMessage).toBe('RequestId: id Error: Runtime exited with error: exit status 1');
    expect(exitError('id', null, 'SIGSEGV').errorMessage).toBe('RequestId: id Error: Runtime exited with error: signal: segmentation fault');
    expect(exitError('id', 0, null).errorMessage).toBe('RequestId: id Error: Runtime exited without providing a reason');
    expect(signalDescription('SIGKILL')).toBe('killed');
  });

  test('the tail is at most 4096 bytes and never splits a character', () => {
    // The last 4096 bytes start in the middle of an 'é' (2 bytes): the cut moves to the next character.
    const log = `${'a'.repeat(10)}${'é'.repeat(3000)}b`;
    const tail = Buffer.from(tailLog(log), 'base64');
    expect(tail.length).toBe(4095);
    expect(tail.toString('utf8')).toBe(`${'é'.repeat(2047)}b`);
    expect(Buffer.from(tailLog('short'), 'base64').toString()).toBe('short');
  });
});
