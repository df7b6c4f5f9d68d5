import { callerIdOf, isSecretName, maskEnvironment } from '../../../local/console/functions';
import { reportSummary } from '../../../local/console/invoke';
import { reportLine } from '../../../local/lambda/log-format';

describe('function environments in the console', () => {
  test.each([
    ['API_TODOAPI_GRAPHQLAPIKEYOUTPUT', true],
    ['STRIPE_SECRET', true],
    ['GITHUB_TOKEN', true],
    ['DB_PASSWORD', true],
    ['PRIVATE_PEM', true],
    ['AWS_ACCESS_KEY_ID', false],
    ['KMS_KEY_ARN', false],
    ['API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT', false],
    ['REGION', false],
  ])('%s is a secret by its name: %s', (name, secret) => {
    expect(isSecretName(name)).toBe(secret);
  });

  test("secret values never come out: masked by name, or by being one of the local cloud's own secrets whatever the name", () => {
    const masked = maskEnvironment(
      { REGION: 'us-east-1', API_X_GRAPHQLAPIKEYOUTPUT: 'da2-abc', INNOCENT: 'sekrit-session-token' },
      new Set(['sekrit-session-token']),
    );
    expect(masked).toEqual([
      { name: 'API_X_GRAPHQLAPIKEYOUTPUT', masked: true, length: 7 },
      { name: 'INNOCENT', masked: true, length: 20 },
      { name: 'REGION', value: 'us-east-1', masked: false, length: 9 },
    ]);
    expect(JSON.stringify(masked)).not.toMatch(/da2-abc|sekrit/);
  });

  test('a caller id is the output name without FunctionName, as lib/graphql-caller.ts capitalised it', () => {
    expect(callerIdOf('ListTodosIamFunctionName')).toBe('listTodosIam');
  });
});

describe("the execution summary, from the invocation's REPORT line", () => {
  test('reads duration, billed duration, memory and init duration', () => {
    const log = [
      'START RequestId: r1 Version: $LATEST',
      'some output',
      'END RequestId: r1',
      reportLine({ requestId: 'r1', durationMs: 12.345, memorySizeMb: 128, maxMemoryUsedMb: 61, initDurationMs: 150.5 }),
    ].join('\n');
    expect(reportSummary(log, 'r1')).toEqual({ durationMs: 12.35, billedDurationMs: 163, memorySizeMb: 128, maxMemoryUsedMb: 61, initDurationMs: 150.5 });
  });

  test("is empty without the invocation's REPORT line (another request's does not count)", () => {
    expect(reportSummary(reportLine({ requestId: 'other', durationMs: 1, memorySizeMb: 128, maxMemoryUsedMb: 1 }), 'r1')).toEqual({});
    expect(reportSummary('', 'r1')).toEqual({});
  });
});
