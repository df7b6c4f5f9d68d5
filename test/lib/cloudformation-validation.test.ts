/**
 * CDK's built-in CloudFormation validation (a rule engine that `cdk synth` runs on every template) finds nothing in
 * the app's templates. The other tests run with it off (test/support/jest-environment.ts: it costs ~3 s per test
 * file); here it is on, with findings as errors (`@aws-cdk/core:validateAgainstDefaultRules`), as a synth that must
 * not warn.
 */
import { CfnResource } from 'aws-cdk-lib';
import { VALIDATE_AGAINST_DEFAULT_RULES } from 'aws-cdk-lib/cx-api';
import { createApp } from '../../lib/synth';

let previous: string | undefined;

beforeEach(() => {
  previous = process.env.CDK_VALIDATION;
  delete process.env.CDK_VALIDATION;
});

afterEach(() => {
  if (previous === undefined) delete process.env.CDK_VALIDATION;
  else process.env.CDK_VALIDATION = previous;
});

const FINDINGS_AS_ERRORS = { [VALIDATE_AGAINST_DEFAULT_RULES]: true };

test('the app synthesizes with CloudFormation validation on and findings as errors', () => {
  // GIVEN
  const { app } = createApp({ bundle: false, context: FINDINGS_AS_ERRORS });

  // WHEN
  const assembly = app.synth();

  // THEN
  expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual(['TodoApi-dev', 'TodoCallers-dev']);
});

test('a template with a finding fails that synth, naming the rule engine and the resource (the check can fail)', () => {
  // GIVEN
  const { app, apiStack } = createApp({ bundle: false, context: FINDINGS_AS_ERRORS });
  new CfnResource(apiStack, 'NotAQueueProperty', { type: 'AWS::SQS::Queue', properties: { NoSuchProperty: 1 } });

  // WHEN / THEN
  expect(() => app.synth()).toThrow(/CloudFormation Validate[\s\S]*NotAQueueProperty/);
});
