import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, CfnResource, Validations } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { buildApp, type TodoAppStacks } from '../../lib/app';
import { NAG_PACK, newestKnownNodeRuntime } from '../../lib/nag-suppressions';
import { createApp } from '../../lib/synth';
import { TodoFunction } from '../../lib/todo-function';
import { captureConsole } from '../support/console-capture';
import { synthApp } from '../support/synth';

// cdk-nag's AwsSolutionsChecks runs as a CDK validation plugin on every synth of the app (lib/app.ts): an error fails
// the synth, a warning is only printed by `cdk synth`, so these tests are what keeps warnings out too.

/** The parts of cdk.out/validation-report.json read here (@aws-cdk/cloud-assembly-schema's PolicyValidationReportJson). */
interface ValidationReport {
  pluginReports: Array<{
    pluginName: string;
    violations: Array<{ ruleName: string; severity: string; violatingConstructs: Array<{ constructPath: string }> }>;
    suppressedViolations?: Array<{ ruleName: string; acknowledgedId: string; reason?: string; violatingConstructs: Array<{ constructPath: string }> }>;
  }>;
}

interface NagOutcome {
  /** Unacknowledged findings, as `<severity> <rule> at <construct path>`. */
  readonly findings: string[];
  /** Acknowledged findings, as `<acknowledged id> at <construct path>`, with the reason the report carries. */
  readonly acknowledged: Array<{ finding: string; reason?: string }>;
}

/** Synthesizes the app (or takes its assembly) and reads what cdk-nag reported, from the report `cdk synth` writes. */
function nagOutcome(app: App): NagOutcome {
  const report = JSON.parse(readFileSync(path.join(app.synth().directory, VALIDATION_REPORT_FILE), 'utf8')) as ValidationReport;
  expect(Array.isArray(report.pluginReports)).toBe(true);
  const nag = report.pluginReports.filter((plugin) => plugin.pluginName === NAG_PACK);
  return {
    findings: nag.flatMap((plugin) => plugin.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.severity} ${v.ruleName} at ${c.constructPath}`))),
    acknowledged: nag.flatMap((plugin) =>
      (plugin.suppressedViolations ?? []).flatMap((v) =>
        v.violatingConstructs.map((c) => ({ finding: `${v.acknowledgedId} at ${c.constructPath}`, reason: v.reason })),
      ),
    ),
  };
}

/** Every acknowledgment recorded in the construct tree (`Validations.of(x).acknowledge(...)`), where it was made. */
function acknowledgments(app: App): Array<{ id: string; reason: string; scope: IConstruct }> {
  return app.node
    .findAll()
    .flatMap((scope) =>
      scope.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ id, reason, scope }))),
    );
}

/** A fresh App built like bin/app.ts builds it (no bundling, as in test/support/synth.ts), not synthesized yet. */
function unsynthesizedApp(extend: (stacks: TodoAppStacks) => void): App {
  const { app, ...stacks } = createApp({ bundle: false });
  extend(stacks);
  return app;
}

/** The app built into a bare App, without cdk.json's context (feature flags), as a library user might. */
function appWithoutProjectContext(): App {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  buildApp(app);
  return app;
}

describe('cdk-nag AwsSolutionsChecks', () => {
  test.each([
    ['the cdk.json context, as npx cdk synth and every test run it', {}],
    ['a prod environment that destroys its data on delete', { 'todo:envName': 'prod', 'todo:destroyDataOnDelete': 'true' }],
  ])('the app has no unacknowledged finding, error or warning, with %s', (_, context) => {
    const { app } = synthApp({ context });
    expect(nagOutcome(app).findings).toEqual([]);
  });

  test('the app has no unacknowledged finding either when built without cdk.json (no feature flags)', () => {
    expect(nagOutcome(appWithoutProjectContext()).findings).toEqual([]);
  });

  test('a new error fails the synth, naming the rule and the resource', () => {
    const app = unsynthesizedApp(({ apiStack }) => {
      new Policy(apiStack, 'TooBroad', {
        statements: [new PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] })],
        roles: [apiStack.todoApi.resolverFunction.role!],
      });
    });
    expect(() => app.synth()).toThrow(/TodoApiStack\/TooBroad\/Resource[\s\S]*AwsSolutions-IAM5\[Action::dynamodb:\*\]/);
  });

  test('a new warning does not fail the synth but is a finding here (a table without point-in-time recovery)', () => {
    const app = unsynthesizedApp(({ apiStack }) => {
      new Table(apiStack, 'NoRecovery', { partitionKey: { name: 'id', type: AttributeType.STRING } });
    });
    // cdk synth prints the report; keep it out of the test output.
    const output = captureConsole();
    try {
      expect(nagOutcome(app).findings).toEqual(['warning AwsSolutions-DDB3 at TodoApiStack/NoRecovery/Resource']);
    } finally {
      output.restore();
    }
    expect(output.lines.join('\n')).toMatch(/point-in-time recovery/i);
  });

  test('every acknowledgment is made on the one resource it concerns, names its finding, and gives a reason', () => {
    const { app } = synthApp();
    const acks = acknowledgments(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const { id, reason, scope } of acks) {
      const where = `${id} on ${scope.node.path}`;
      // The narrowest scope: the CloudFormation resource itself, never a construct, a stack or the app around it.
      expect({ where, isResource: CfnResource.isCfnResource(scope) }).toEqual({ where, isResource: true });
      // As `cdk synth` prints it: the pack, the rule, and for IAM rules the exact finding (`appliesTo` in cdk-nag v2).
      expect(id).toMatch(/^AwsSolutions::AwsSolutions-[A-Z]+[0-9]+(\[[^\]]+\])?$/);
      if (/-IAM[45]/.test(id)) expect(id).toMatch(/\[(Resource|Action|Policy)::.+\]$/);
      // A reason a reviewer can check: sentences, not a placeholder.
      expect({ where, reason }).toEqual({ where, reason: expect.stringMatching(/^[A-Z].{79,}\.$/s) });
      expect(reason).not.toMatch(/\b(TODO|FIXME|TBD)\b/);
    }
  });

  test('every acknowledgment matches a finding cdk-nag raised on that resource, with the same reason (none is stale)', () => {
    const { app } = synthApp();
    const made = acknowledgments(app)
      .map(({ id, reason, scope }) => ({ finding: `${id} at ${scope.node.path}`, reason }))
      .sort((a, b) => a.finding.localeCompare(b.finding));
    const reported = [...nagOutcome(app).acknowledged].sort((a, b) => a.finding.localeCompare(b.finding));
    expect(reported).toEqual(made);
  });

  test('only the reviewed kinds of finding are acknowledged (README: Security lists them with their reasons)', () => {
    // A new kind of acknowledgment is a new decision for a reviewer: add it here and to the README.
    const { app } = synthApp();
    const ids = new Set(acknowledgments(app).map(({ id }) => id));
    // L1 (latest runtime) only while the pinned runtime is behind the newest this CDK knows (lib/nag-suppressions.ts).
    const pinnedBehind = TodoFunction.RUNTIME.name !== newestKnownNodeRuntime();
    expect([...ids].sort()).toEqual(
      ['AwsSolutions::AwsSolutions-ASC3', 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', ...(pinnedBehind ? ['AwsSolutions::AwsSolutions-L1'] : [])].sort(),
    );
  });
});
