import { ConfigurationError } from './errors';

export interface ResolverSettings {
  tableName: string;
  paginationTokenKey: string;
}

/** Reads the function's environment once per cold start; a missing value fails there, naming the variable. */
export function readResolverSettings(environment: Readonly<Record<string, string | undefined>>): ResolverSettings {
  return {
    tableName: requireVariable(environment, 'TODO_TABLE_NAME'),
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
