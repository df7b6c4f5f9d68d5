import * as path from 'node:path';

const PROJECT_ROOT = path.join(__dirname, '..', '..');

/**
 * The arguments `npm start` gives node (package.json's start script, without npm): ts-node with the esbuild
 * transpiler, then local/start.ts. Tests start the local cloud the way users do; TypeScript's own transpiler, the
 * `--transpile-only` default, costs ~3 s more CPU a start on this project, which a suite of a few dozen starts feels.
 * `root`: the project to start (a copy of this one, say); this project by default.
 */
export function startCommandArgs(args: readonly string[], root: string = PROJECT_ROOT): string[] {
  return [
    path.join(PROJECT_ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'),
    '--transpile-only',
    '--transpiler',
    path.join(root, 'local', 'ts-node-esbuild.cjs'),
    path.join(root, 'local', 'start.ts'),
    ...args,
  ];
}
