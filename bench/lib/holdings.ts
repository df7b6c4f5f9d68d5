/**
 * What a bundle holds, from an esbuild metafile: bytes in the output per package (or per project file).
 */
import * as path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { PROJECT_ROOT } from './build';

export interface Holding {
  readonly input: string;
  readonly bytes: number;
}

/** Output bytes per package (`@smithy/signature-v4`, `node-fetch`…) or per project file, largest first. */
export function holdings(metafile: Metafile): Holding[] {
  const byInput = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const key = packageOf(input);
      byInput.set(key, (byInput.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...byInput]
    .map(([input, bytes]) => ({ input, bytes }))
    .filter((holding) => holding.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input;
  const rest = input.slice(at + 'node_modules/'.length).split('/');
  return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
}

/**
 * The metafile of a caller entry point bundled with the options lib/todo-function.ts gives NodejsFunction (ESM,
 * module-first resolution, minified, @aws-sdk/* left to the runtime), without writing anything.
 */
export async function callerMetafile(entry: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [path.join(PROJECT_ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    minify: true,
    external: ['@aws-sdk/*'],
    outfile: path.join(PROJECT_ROOT, '.local', 'bench', 'metafile-only.mjs'),
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  return result.metafile;
}
