/**
 * The tests check the template `cdk deploy` ships: the app a test builds (test/support/synth.ts → lib/synth.ts) and
 * the one `npx cdk synth` writes (bin/app.ts under the CDK CLI, with cdk.json) are the same, stack by stack.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readCloudAssembly } from '../../local/cloudformation/cloud-assembly';
import { normalizeTemplate } from '../support/cdk-snapshot-serializer';
import { sharedAssembly } from '../support/shared-assembly';

const PROJECT_ROOT = path.join(__dirname, '..', '..');

type Template = { Resources: Record<string, unknown>; Conditions?: Record<string, unknown> } & Record<string, unknown>;

/**
 * As the snapshots see it, and without what the CDK CLI adds through its own context for itself: version reporting
 * (the `CDKMetadata` resource and its condition) and each resource's `Metadata` (`aws:cdk:path`, `aws:asset:*`), which
 * CloudFormation stores but does not act on. Everything CloudFormation deploys is compared.
 */
function comparable(template: Template): unknown {
  const { CDKMetadata: _metadata, ...withMetadata } = template.Resources;
  const resources = Object.fromEntries(
    Object.entries(withMetadata).map(([id, resource]) => {
      const { Metadata: _cliMetadata, ...deployed } = resource as Record<string, unknown>;
      return [id, deployed];
    }),
  );
  const { CDKMetadataAvailable: _available, ...conditions } = template.Conditions ?? {};
  const { Conditions: _conditions, ...rest } = template;
  return normalizeTemplate({ ...rest, Resources: resources, ...(Object.keys(conditions).length > 0 ? { Conditions: conditions } : {}) } as never);
}

describe('one synth path', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'synth-path-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the templates a test builds equal the ones npx cdk synth writes', () => {
    // GIVEN the CLI's synth, as a user runs it
    const cli = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', path.join(dir, 'cli')], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    expect({ status: cli.status, stderr: cli.status === 0 ? '' : cli.stderr }).toEqual({ status: 0, stderr: '' });
    // WHEN a test builds the app (the assembly the local-cloud suites share is synthApp({ bundle: true }))
    const byTest = readCloudAssembly(sharedAssembly());
    // THEN every stack's template is the same, but for asset hashes and the key's expiry (the snapshot's normalisation)
    const byCli = readCloudAssembly(path.join(dir, 'cli'));
    expect(byTest.map((stack) => stack.stackName)).toEqual(byCli.map((stack) => stack.stackName));
    for (const stack of byCli) {
      const built = byTest.find((candidate) => candidate.stackName === stack.stackName)!;
      expect({ stack: stack.stackName, template: comparable(built.template as never) }).toEqual({
        stack: stack.stackName,
        template: comparable(stack.template as never),
      });
    }
  }, 240_000);
});
