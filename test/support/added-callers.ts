/**
 * The callers `npm run add-function` added (lib/added-functions.json), so that tests of what the app ships (the
 * callers stack's snapshot) hold when a user adds one, while other tests check the added ones from their declaration.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MANIFEST, type Manifest } from '../../lib/add-function';
import { capitalize } from '../../lib/schema-fields';

export function addedCallerNames(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', MANIFEST), 'utf8')) as Manifest;
  return manifest.functions.map((fn) => fn.name);
}

type TemplateJson = { Resources?: Record<string, unknown>; Outputs?: Record<string, unknown> } & Record<string, unknown>;

/** The template without the added callers' resources (logical ids `<name>Function...`) and outputs. */
export function withoutAddedCallers(template: TemplateJson, names: readonly string[] = addedCallerNames()): TemplateJson {
  const isAdded = (logicalId: string) => names.some((name) => logicalId.startsWith(`${name}Function`));
  const outputs = new Set(names.map((name) => `${capitalize(name)}FunctionName`));
  return {
    ...template,
    Resources: Object.fromEntries(Object.entries(template.Resources ?? {}).filter(([id]) => !isAdded(id))),
    Outputs: Object.fromEntries(Object.entries(template.Outputs ?? {}).filter(([name]) => !outputs.has(name))),
  };
}
