import * as path from 'node:path';
import { PROJECT_ROOT } from './project-root';

/**
 * The arguments `npm start` gives node (package.json's start script, without npm): ts-node, then local/start.ts.
 * ts-node takes its transpiler from the started project's tsconfig.json (`ts-node.transpiler`: esbuild with a cache,
 * local/ts-node-esbuild.cjs), so tests start the local cloud the way users do; TypeScript's own transpiler costs ~3 s
 * more CPU a start on this project, which a suite of a few dozen starts feels.
 * `root`: the project to start (a copy of this one, say); this project by default.
 */
export function startCommandArgs(args: readonly string[], root: string = PROJECT_ROOT): string[] {
  return [path.join(PROJECT_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'), '--transpile-only', path.join(root, 'local', 'start.ts'), ...args];
}
