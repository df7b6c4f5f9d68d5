import { ConfigurationError } from './errors';
import type { ApiModels } from './model';

export interface ResolverSettings {
  /** Each model's table, by model name, from the model's `<MODEL>_TABLE_NAME` variable. */
  tableNames: Record<string, string>;
  paginationTokenKey: string;
}

/** Reads the function's environment once per cold start; a missing value fails there, naming the variable. */
export function readResolverSettings(environment: Readonly<Record<string, string | undefined>>, api: Pick<ApiModels, 'models'>): ResolverSettings {
  return {
    tableNames: Object.fromEntries(api.models.map((model) => [model.name, requireVariable(environment, model.tableVariable)])),
    paginationTokenKey: requireVariable(environment, 'PAGINATION_TOKEN_KEY'),
  };
}

function requireVariable(environment: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = environment[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(`environment variable ${name} is not set`);
  }
  return value;
}
