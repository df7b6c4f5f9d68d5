import { ConfigurationError } from './errors';
import type { ApiModels } from './model';

/**
 * The schema's models, put into the bundle at synth time: lib/todo-api.ts reads them from schema/schema.graphql and
 * has esbuild replace `__API_MODELS__` with their JSON (a `define`), so the function always serves the schema it was
 * deployed with. Read from a global of that name where no bundler replaced it (tests set it).
 */
declare const __API_MODELS__: string | undefined;

export function bundledModels(): ApiModels {
  if (typeof __API_MODELS__ !== 'string') {
    throw new ConfigurationError(
      "this resolver was built without the schema's models; build it with lib/todo-api.ts (cdk synth), which bundles them from the schema",
    );
  }
  return JSON.parse(__API_MODELS__) as ApiModels;
}
