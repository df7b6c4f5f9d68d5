import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Node } from 'constructs';

const PROJECT_ROOT = path.join(__dirname, '..');

/** Settings read from CDK context (`cdk.json`, or `-c key=value` on the command line). */
export interface AppConfig {
  /** Amplify-style environment name, exposed to callers as `ENV` and used in stack names. */
  readonly envName: string;
  /** Logical API name; it names the API and the callers' `API_<NAME>_...` variables. */
  readonly apiName: string;
  /** Days until the API key expires, counted from each deploy (1 to 365). */
  readonly apiKeyExpiresInDays: number;
  /** Bump to rotate the API key: a new key replaces the old one on the next deploy. */
  readonly apiKeyGeneration: number;
  /** Whether `cdk destroy` deletes the model tables and their data (retained by default). */
  readonly destroyDataOnDelete: boolean;
  /**
   * The GraphQL schema the API serves, relative to the project root (or absolute); its models make the tables and
   * the resolver. Mostly for tests and experiments: the app's schema is schema/schema.graphql.
   */
  readonly schemaPath: string;
}

export const CONTEXT_KEYS = {
  envName: 'todo:envName',
  apiName: 'todo:apiName',
  apiKeyExpiresInDays: 'todo:apiKeyExpiresInDays',
  apiKeyGeneration: 'todo:apiKeyGeneration',
  destroyDataOnDelete: 'todo:destroyDataOnDelete',
  schemaPath: 'todo:schemaPath',
} as const;

export const DEFAULT_CONFIG: AppConfig = {
  envName: 'dev',
  apiName: 'todoapi',
  apiKeyExpiresInDays: 365,
  apiKeyGeneration: 1,
  destroyDataOnDelete: false,
  schemaPath: 'schema/schema.graphql',
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the app's context so a typo fails at synth with a message, not at deploy. */
export function readAppConfig(node: Node): AppConfig {
  const raw = (key: keyof typeof CONTEXT_KEYS): unknown => node.tryGetContext(CONTEXT_KEYS[key]);
  return {
    envName: readName(CONTEXT_KEYS.envName, raw('envName'), DEFAULT_CONFIG.envName),
    apiName: readName(CONTEXT_KEYS.apiName, raw('apiName'), DEFAULT_CONFIG.apiName),
    apiKeyExpiresInDays: readInteger(CONTEXT_KEYS.apiKeyExpiresInDays, raw('apiKeyExpiresInDays'), DEFAULT_CONFIG.apiKeyExpiresInDays, 1, 365),
    apiKeyGeneration: readInteger(CONTEXT_KEYS.apiKeyGeneration, raw('apiKeyGeneration'), DEFAULT_CONFIG.apiKeyGeneration, 1, 9999),
    destroyDataOnDelete: readBoolean(CONTEXT_KEYS.destroyDataOnDelete, raw('destroyDataOnDelete'), DEFAULT_CONFIG.destroyDataOnDelete),
    schemaPath: readSchemaPath(CONTEXT_KEYS.schemaPath, raw('schemaPath'), DEFAULT_CONFIG.schemaPath),
  };
}

function readName(key: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^[a-zA-Z][a-zA-Z0-9]{0,31}$/.test(value)) {
    throw new ConfigError(`Context ${key} must be 1-32 letters or digits, starting with a letter (got ${JSON.stringify(value)}); e.g. -c ${key}=${fallback}`);
  }
  return value;
}

function readInteger(key: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  // `-c key=30` arrives as a string, cdk.json values as numbers: accept both.
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof parsed !== 'number' || !Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`Context ${key} must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return parsed;
}

function readSchemaPath(key: string, value: unknown, fallback: string): string {
  const relative = value === undefined ? fallback : value;
  if (typeof relative !== 'string' || relative.trim() === '') {
    throw new ConfigError(`Context ${key} must be the path of a .graphql file (got ${JSON.stringify(value)}); e.g. -c ${key}=${fallback}`);
  }
  const absolute = path.resolve(PROJECT_ROOT, relative);
  if (!existsSync(absolute)) {
    throw new ConfigError(`Context ${key}: no schema file at ${absolute}; point it at a .graphql file, e.g. -c ${key}=${fallback}`);
  }
  return absolute;
}

function readBoolean(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ConfigError(`Context ${key} must be true or false (got ${JSON.stringify(value)})`);
}
