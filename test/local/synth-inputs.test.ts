/**
 * When npm start may reuse cdk.out (local/synth-inputs.ts): only for the same inputs (content, not times) and the
 * assembly as that synth installed it.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { assemblyIsUpToDate, changedInputs, recordInputs, synthInputs } from '../../local/synth-inputs';

let root: string;
let assembly: string;
const NOW = new Date('2026-12-02T10:00:00Z');

function write(relative: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  writeFileSync(path.join(root, relative), content);
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'synth-inputs-'));
  assembly = path.join(root, 'cdk.out');
  write('lib/app.ts', 'export const a = 1;\n');
  write('schema/schema.graphql', 'type Query { a: Int }\n');
  write('cdk.json', JSON.stringify({ app: 'x', context: { 'todo:envName': 'dev' } }));
  write('package-lock.json', '{}');
  write('cdk.out/manifest.json', '{"version":"1"}');
  write('cdk.out/Stack.template.json', '{}');
  write('cdk.out/Stack.assets.json', JSON.stringify({ files: { a: { source: { path: 'asset.abc' } } } }));
  write('cdk.out/asset.abc/index.mjs', 'code');
  recordInputs(assembly, synthInputs(root, [], NOW));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const upToDate = (context: string[] = [], now = NOW) => assemblyIsUpToDate(assembly, synthInputs(root, context, now));

test('the same inputs and the assembly as installed: up to date, whatever the modification times', () => {
  expect(upToDate()).toBe(true);
  utimesSync(path.join(root, 'lib', 'app.ts'), new Date(), new Date());
  expect(upToDate()).toBe(true);
});

test.each([
  ['a source changes', () => write('lib/app.ts', 'export const a = 2;\n')],
  ['a source is added', () => write('lambda/new.ts', 'x')],
  ['the schema changes', () => write('schema/schema.graphql', 'type Query { b: Int }\n')],
  ['the lock file changes', () => write('package-lock.json', '{"v":2}')],
  ['cdk.context.json appears', () => write('cdk.context.json', '{}')],
  ['another synth replaced a template', () => write('cdk.out/Stack.template.json', '{"Resources":{}}')],
  ['an asset folder is gone', () => rmSync(path.join(assembly, 'asset.abc'), { recursive: true })],
  ['the record is gone', () => rmSync(path.join(assembly, '.local-synth-inputs.json'))],
])('not up to date when %s', (_what, change) => {
  change();
  expect(upToDate()).toBe(false);
});

test('other -c pairs, or another day (the API key expiry is checked at synth), are other inputs', () => {
  expect(upToDate(['todo:envName=prod'])).toBe(false);
  expect(upToDate([], new Date('2026-12-03T00:00:01Z'))).toBe(false);
});

test('a file a context value names outside the watched folders is an input (a todo:schemaPath elsewhere)', () => {
  write('.local/other.graphql', 'type Query { a: Int }\n');
  const context = ['todo:schemaPath=.local/other.graphql'];
  recordInputs(assembly, synthInputs(root, context, NOW));
  expect(upToDate(context)).toBe(true);
  write('.local/other.graphql', 'type Query { c: Int }\n');
  expect(upToDate(context)).toBe(false);
  expect(changedInputs(assembly, synthInputs(root, context, NOW))).toEqual(['.local/other.graphql']);
});

test('what changed since the last synth, for the log', () => {
  write('lib/app.ts', 'export const a = 3;\n');
  rmSync(path.join(root, 'schema', 'schema.graphql'));
  write('bin/app.ts', '');
  expect(changedInputs(assembly, synthInputs(root, [], NOW))).toEqual(['bin/app.ts', 'lib/app.ts', 'schema/schema.graphql']);
});
