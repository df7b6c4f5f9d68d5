/**
 * The committed client code (graphql/*.ts, API.ts) is what `npm run codegen` generates from schema/schema.graphql
 * today: a schema change without a regeneration fails here, naming the stale file.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describeStaleFiles, findStaleFiles, GENERATED_FILES, generateClientCode } from '../../../lib/codegen';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const SCHEMA_PATH = path.join(REPO_ROOT, 'schema', 'schema.graphql');

function readCommitted(file: string): string | undefined {
  try {
    return readFileSync(path.join(REPO_ROOT, file), 'utf8');
  } catch {
    return undefined;
  }
}

/** The first line where the two differ, to show in the failure. */
function firstDifference(expected: string, actual: string): string {
  const want = expected.split('\n');
  const got = actual.split('\n');
  const line = want.findIndex((text, index) => text !== got[index]);
  const at = line === -1 ? want.length : line;
  return `line ${at + 1}: expected ${JSON.stringify(want[at] ?? '<end of file>')}, found ${JSON.stringify(got[at] ?? '<end of file>')}`;
}

let fresh: Map<string, string>;

beforeAll(async () => {
  fresh = await generateClientCode(readFileSync(SCHEMA_PATH, 'utf8'), { schemaName: 'schema/schema.graphql' });
});

it('generates the four files Amplify gives a Gen 1 TypeScript project', () => {
  expect([...fresh.keys()]).toEqual([...GENERATED_FILES]);
});

it('the committed graphql/*.ts and API.ts equal a fresh generation from schema/schema.graphql', () => {
  const stale = findStaleFiles(fresh, readCommitted);
  if (stale.length > 0) {
    const details = stale
      .filter((file) => file.state === 'outdated')
      .map((file) => `  ${file.path}: ${firstDifference(fresh.get(file.path) ?? '', readCommitted(file.path) ?? '')}`);
    throw new Error([describeStaleFiles(stale), ...details].join('\n'));
  }
});
