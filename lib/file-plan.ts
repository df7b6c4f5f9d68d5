import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FilePlan } from './add-function';

/**
 * Applies a plan of new, changed and deleted files all or nothing: every new content is written to a temporary file
 * first, then each is renamed into place; if any step fails, what was already changed is put back.
 * Returns the paths touched, relative to `root`.
 */
export function applyPlan(plan: FilePlan, root: string): string[] {
  const writes = { ...plan.create, ...plan.update };
  const temporary = new Map<string, string>();
  const previous = new Map<string, string | undefined>();
  const done: Array<() => void> = [];
  try {
    for (const [relative, content] of Object.entries(writes)) {
      const file = path.join(root, relative);
      if (relative in plan.create && existsSync(file)) throw new Error(`${relative} already exists`);
      const temp = `${file}.${process.pid}.tmp`;
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(temp, content);
      temporary.set(relative, temp);
    }
    for (const relative of [...Object.keys(writes), ...plan.remove]) {
      const file = path.join(root, relative);
      previous.set(relative, existsSync(file) ? readFileSync(file, 'utf8') : undefined);
    }
    for (const [relative, temp] of temporary) {
      renameSync(temp, path.join(root, relative));
      done.push(() => restore(root, relative, previous.get(relative)));
    }
    for (const relative of plan.remove) {
      rmSync(path.join(root, relative), { force: true });
      done.push(() => restore(root, relative, previous.get(relative)));
    }
  } catch (error) {
    for (const undo of done.reverse()) undo();
    for (const temp of temporary.values()) rmSync(temp, { force: true });
    throw error;
  }
  return [...Object.keys(writes), ...plan.remove];
}

function restore(root: string, relative: string, content: string | undefined): void {
  const file = path.join(root, relative);
  if (content === undefined) rmSync(file, { force: true });
  else writeFileSync(file, content);
}
