/**
 * A copy of this project in a temporary folder, for tests of the commands that edit the project (add-function): the
 * files those commands read and write, or (full) every tracked file with node_modules linked, so the copy synthesizes.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from './project-root';

export { PROJECT_ROOT };

const COMMAND_FILES = ['lib/callers-stack.ts', 'lib/added-functions.json', 'README.md', 'cdk.json', 'biome.json', 'schema', 'graphql', 'API.ts'];

export interface ProjectCopy {
  readonly root: string;
  read(relative: string): string;
  /** Every file below the copy (node_modules aside), path → content. */
  snapshot(): Record<string, string>;
  remove(): void;
}

/**
 * `full: false` copies what add-function reads and writes; `full: true` copies every file git tracks and links
 * node_modules, and must be inside the project (`inside`) when the copy is to be synthesized: CDK bundles only entries
 * under the project root it is given, and the bundles find `@aws-sdk/*` in a node_modules above them.
 */
export function copyProject({ full = false, inside }: { full?: boolean; inside?: string } = {}): ProjectCopy {
  const parent = inside ?? tmpdir();
  mkdirSync(parent, { recursive: true });
  const root = mkdtempSync(path.join(parent, 'project-copy-'));
  const files = full
    ? execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean)
    : COMMAND_FILES;
  for (const relative of files) {
    const source = path.join(PROJECT_ROOT, relative);
    if (!statSync(source, { throwIfNoEntry: false })) continue;
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    cpSync(source, path.join(root, relative), { recursive: true });
  }
  mkdirSync(path.join(root, 'lambda', 'callers'), { recursive: true });
  mkdirSync(path.join(root, 'test', 'lambda', 'callers'), { recursive: true });
  if (full) symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return {
    root,
    read: (relative) => readFileSync(path.join(root, relative), 'utf8'),
    snapshot: () => snapshotOf(root),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

function snapshotOf(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const visit = (relative: string) => {
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      if (entry.name === 'node_modules' || entry.name === 'cdk.out') continue;
      if (entry.isDirectory()) visit(child);
      else files[child] = readFileSync(path.join(root, child), 'utf8');
    }
  };
  visit('');
  return files;
}
