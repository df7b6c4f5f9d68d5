import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { withoutAddedCallers } from '../support/added-callers';
import { synthApp } from '../support/synth';

// One snapshot per stack, synthesized with the real bundles. The serializer (jest.config.ts) replaces asset hashes, so
// the snapshots hold on another machine; the API key's expiry is a date fixed by cdk.json, so they hold on another day. Callers that `npm run
// add-function` added are left out of the callers' snapshot: test/lib/callers-stack.test.ts checks them.
describe('synthesized templates', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'snapshot-'));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  // One synth (with the real bundles) for both stacks: bundling is most of a synth's time.
  let synthesized: ReturnType<typeof synthApp>;
  const templates = () => (synthesized ??= synthApp({ bundle: true, outdir: path.join(outdir, 'app') }));

  test('TodoApiStack matches its snapshot', () => {
    expect(templates().api.toJSON()).toMatchSnapshot();
  });

  test('TodoCallersStack matches its snapshot', () => {
    expect(withoutAddedCallers(templates().callers.toJSON())).toMatchSnapshot();
  });
});
