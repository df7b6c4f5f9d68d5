/**
 * A small hand-made cloud assembly (manifest + one template, no synth) for fault tests: an AppSync API (API key) whose
 * `probe` and `slow` fields are direct Lambda resolvers backed by inline functions that misbehave on request.
 *
 * - `probe(mode)` → ProbeFunction, timeout PROBE_TIMEOUT_SECONDS (shorter than the API's execution limit in the tests);
 * - `slow(mode)` → SlowFunction, timeout SLOW_TIMEOUT_SECONDS (longer than it, so AppSync's own deadline hits first).
 *
 * Modes: ok (answers `{"pid","invocations"}` as a string), echo, throw, exit, hang (pending, with a timer running),
 * pending (pending, nothing running), spin, malformed (an object for a String), circular, huge (a 7 MB answer), oom
 * (exhausts the heap), timer-throw (throws from a timer while its answer is pending).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const PROBE_TIMEOUT_SECONDS = 1;
export const SLOW_TIMEOUT_SECONDS = 8;
export const FAULT_STACK = 'FaultProbe';

export const FAULT_SCHEMA = `
type Query {
  probe(mode: String!, at: AWSDateTime, ref: ID): String
  slow(mode: String!): String
}
`;

export const FAULT_FUNCTION_CODE = `
let invocations = 0;
exports.handler = async (event) => {
  invocations += 1;
  const args = event.arguments || {};
  switch (args.mode) {
    case 'ok':
      return JSON.stringify({ pid: process.pid, invocations });
    case 'echo':
      return JSON.stringify(args);
    case 'throw':
      throw new Error('probe failed on purpose');
    case 'exit':
      process.exit(3);
    case 'hang':
      // Something keeps the event loop busy, as a stuck request or a forgotten poller would.
      return new Promise(() => { setInterval(() => undefined, 1000); });
    case 'pending':
      // Nothing left to run and nothing to settle the promise: Lambda ends the invocation (Runtime.NodeJsExit).
      return new Promise(() => undefined);
    case 'spin':
      for (;;) {}
    case 'malformed':
      return { not: 'a string' };
    case 'circular': {
      const value = {};
      value.self = value;
      return value;
    }
    case 'huge':
      return 'x'.repeat(7 * 1024 * 1024);
    case 'oom': {
      const hoard = [];
      for (;;) hoard.push(new Array(1e6).fill(hoard.length));
    }
    case 'timer-throw':
      setTimeout(() => { throw new Error('thrown from a timer'); }, 10);
      return new Promise((resolve) => setTimeout(() => resolve('too late'), 500));
    default:
      throw new Error('unknown mode ' + args.mode);
  }
};
`;

/** Writes the assembly into a new temporary directory. */
export function writeFaultAssembly(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'fault-assembly-'));
  mkdirSync(dir, { recursive: true });
  const fn = (timeout: number) => ({
    Type: 'AWS::Lambda::Function',
    Properties: { Code: { ZipFile: FAULT_FUNCTION_CODE }, Handler: 'index.handler', Runtime: 'nodejs24.x', Timeout: timeout, MemorySize: 128 },
  });
  const dataSource = (name: string, fnId: string) => ({
    Type: 'AWS::AppSync::DataSource',
    Properties: {
      ApiId: { 'Fn::GetAtt': ['Api', 'ApiId'] },
      Name: name,
      Type: 'AWS_LAMBDA',
      LambdaConfig: { LambdaFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] } },
      // AppSync invokes the function as this role, which must be allowed to.
      ServiceRoleArn: { 'Fn::GetAtt': ['InvokeRole', 'Arn'] },
    },
  });
  const resolver = (fieldName: string, dataSourceName: string, dependsOn: string) => ({
    Type: 'AWS::AppSync::Resolver',
    Properties: { ApiId: { 'Fn::GetAtt': ['Api', 'ApiId'] }, TypeName: 'Query', FieldName: fieldName, DataSourceName: dataSourceName, Kind: 'UNIT' },
    DependsOn: [dependsOn, 'Schema'],
  });
  const template = {
    Resources: {
      Api: { Type: 'AWS::AppSync::GraphQLApi', Properties: { Name: 'fault-probe', AuthenticationType: 'API_KEY' } },
      Schema: { Type: 'AWS::AppSync::GraphQLSchema', Properties: { ApiId: { 'Fn::GetAtt': ['Api', 'ApiId'] }, Definition: FAULT_SCHEMA } },
      Key: { Type: 'AWS::AppSync::ApiKey', Properties: { ApiId: { 'Fn::GetAtt': ['Api', 'ApiId'] }, Expires: Math.floor(Date.now() / 1000) + 30 * 24 * 3600 } },
      InvokeRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'appsync.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
          Policies: [
            {
              PolicyName: 'InvokeProbes',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: 'lambda:InvokeFunction',
                    Resource: [{ 'Fn::GetAtt': ['ProbeFunction', 'Arn'] }, { 'Fn::GetAtt': ['SlowFunction', 'Arn'] }],
                  },
                ],
              },
            },
          ],
        },
      },
      ProbeFunction: fn(PROBE_TIMEOUT_SECONDS),
      SlowFunction: fn(SLOW_TIMEOUT_SECONDS),
      ProbeSource: dataSource('ProbeSource', 'ProbeFunction'),
      SlowSource: dataSource('SlowSource', 'SlowFunction'),
      ProbeResolver: resolver('probe', 'ProbeSource', 'ProbeSource'),
      SlowResolver: resolver('slow', 'SlowSource', 'SlowSource'),
    },
    Outputs: {
      GraphQLUrl: { Value: { 'Fn::GetAtt': ['Api', 'GraphQLUrl'] } },
      ApiKey: { Value: { 'Fn::GetAtt': ['Key', 'ApiKey'] } },
    },
  };
  writeFileSync(path.join(dir, `${FAULT_STACK}.template.json`), JSON.stringify(template, null, 2));
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      version: '36.0.0',
      artifacts: {
        [FAULT_STACK]: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://unknown-account/unknown-region',
          properties: { templateFile: `${FAULT_STACK}.template.json`, stackName: FAULT_STACK },
        },
      },
    }),
  );
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
