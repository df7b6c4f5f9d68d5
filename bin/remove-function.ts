/**
 * `npm run remove-function -- NAME [--force]`: undoes exactly what `npm run add-function` wrote for NAME (its handler,
 * its test, its line in lib/callers-stack.ts and in the README, its manifest entry), and refuses while a file it wrote
 * has been changed since, unless --force.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { FunctionCommandError, Project, planRemoveFunction } from '../lib/add-function';
import { applyPlan } from '../lib/file-plan';

const USAGE = `Usage: npm run remove-function -- NAME [--force]

Removes a caller that npm run add-function added, and only what it wrote.
  --force          also when its files were changed since (those changes are lost)
  --project DIR    the project to remove it from (default: this one)`;

function main(argv: readonly string[]): void {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { force: { type: 'boolean', default: false }, project: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    usage((error as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (parsed.positionals.length !== 1) usage(parsed.positionals.length === 0 ? 'name the function to remove' : 'name one function');
  const [name] = parsed.positionals;
  const project = new Project(parsed.values.project === undefined ? undefined : path.resolve(parsed.values.project));
  const removed = applyPlan(planRemoveFunction(name, project, { force: parsed.values.force }), project.root);
  process.stdout.write(`Removed ${name}:\n${removed.map((file) => `  ${file}`).join('\n')}\n`);
}

function usage(message: string): never {
  process.stderr.write(`remove-function: ${message}\n${USAGE}\n`);
  process.exit(2);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  const known = error instanceof FunctionCommandError;
  process.stderr.write(`remove-function: ${(error as Error).message}\n${known ? '' : 'This is unexpected; nothing was changed.\n'}`);
  process.exit(1);
}
