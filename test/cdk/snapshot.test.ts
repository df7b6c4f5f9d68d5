import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { synthApp } from '../support/synth';
import { withoutAddedCallers } from '../support/added-callers';

// One snapshot per stack, synthesized with the real bundles. The serializer (jest.config.ts) replaces asset hashes
// and the API key's expiry, so the snapshots hold on another machine and another day. Callers that `npm run
// add-function` added are left out of the callers' snapshot: test/cdk/callers-stack.test.ts checks them.
describe('synthesized templates', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'snapshot-'));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('TodoApiStack matches its snapshot', () => {
    const { api } = synthApp({ bundle: true, outdir: path.join(outdir, 'api') });
    expect(api.toJSON()).toMatchSnapshot();
  });

  test('TodoCallersStack matches its snapshot', () => {
    const { callers } = synthApp({ bundle: true, outdir: path.join(outdir, 'callers') });
    expect(withoutAddedCallers(callers.toJSON())).toMatchSnapshot();
  });
});
