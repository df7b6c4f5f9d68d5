import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Node } from 'constructs';
import { type ApiKeyLifetime, utcDate } from './api-key-lifetime';
import { ConfigError } from './config-error';

export { ConfigError } from './config-error';

const PROJECT_ROOT = path.join(__dirname, '..');

/** Settings read from CDK context (`cdk.json`, or `-c key=value` on the command line). */
export interface AppConfig {
  /** Amplify-style environment name, exposed to callers as `ENV` and used in stack names. */
  readonly envName: string;
  /** Logical API name; it names the API and the callers' `API_<NAME>_...` variables. */
  readonly apiName: string;
  /**
   * When the API keys expire: `days` (context todo:apiKeyExpiresInDays, 1 to 365) after `issuedOn` (context
   * todo:apiKeyIssuedOn, a YYYY-MM-DD date), never after the time of the synth (lib/api-key-lifetime.ts).
   */
  readonly apiKeyLifetime: ApiKeyLifetime;
  /**
   * The live API key generations, oldest first: one, or two while rotating (`[1, 2]`, then `[2]`). The callers hold
   * the newest; the older one keeps working until it is removed (README: API key expiry and rotation).
   */
  readonly apiKeyGenerations: readonly number[];
  /** Whether `cdk destroy` deletes the model tables and their data (retained by default). */
  readonly destroyDataOnDelete: boolean;
  /** What the configuration asks to change, without being wrong (shown as synth warnings). */
  readonly warnings: readonly string[];
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
  apiKeyIssuedOn: 'todo:apiKeyIssuedOn',
  apiKeyGenerations: 'todo:apiKeyGenerations',
  /** The single generation of earlier versions, read as `[generation]` when todo:apiKeyGenerations is not set. */
  apiKeyGeneration: 'todo:apiKeyGeneration',
  destroyDataOnDelete: 'todo:destroyDataOnDelete',
  schemaPath: 'todo:schemaPath',
} as const;

export const DEFAULT_CONFIG = {
  envName: 'dev',
  apiName: 'todoapi',
  apiKeyExpiresInDays: 365,
  apiKeyGenerations: [1],
  destroyDataOnDelete: false,
  schemaPath: 'schema/schema.graphql',
} as const;

/** At most two generations live at once: the one being retired and the one replacing it. */
export const MAX_LIVE_GENERATIONS = 2;

/** Reads and validates the app's context so a typo fails at synth with a message, not at deploy. */
export function readAppConfig(node: Node, now: Date = new Date()): AppConfig {
  const raw = (key: keyof typeof CONTEXT_KEYS): unknown => node.tryGetContext(CONTEXT_KEYS[key]);
  const warnings: string[] = [];
  return {
    envName: readName(CONTEXT_KEYS.envName, raw('envName'), DEFAULT_CONFIG.envName),
    apiName: readName(CONTEXT_KEYS.apiName, raw('apiName'), DEFAULT_CONFIG.apiName),
    apiKeyLifetime: {
      // Without a date in the configuration (an app built without cdk.json): today's, so same-day synths still agree.
      issuedOn: readDate(CONTEXT_KEYS.apiKeyIssuedOn, raw('apiKeyIssuedOn'), utcDate(now)),
      days: readInteger(CONTEXT_KEYS.apiKeyExpiresInDays, raw('apiKeyExpiresInDays'), DEFAULT_CONFIG.apiKeyExpiresInDays, 1, 365),
    },
    apiKeyGenerations: readGenerations(raw('apiKeyGenerations'), raw('apiKeyGeneration'), warnings),
    destroyDataOnDelete: readBoolean(CONTEXT_KEYS.destroyDataOnDelete, raw('destroyDataOnDelete'), DEFAULT_CONFIG.destroyDataOnDelete),
    schemaPath: readSchemaPath(CONTEXT_KEYS.schemaPath, raw('schemaPath'), DEFAULT_CONFIG.schemaPath),
    warnings,
  };
}

/**
 * todo:apiKeyGenerations: an array (cdk.json), or `[1,2]` / `1,2` / `2` from `-c`. The single todo:apiKeyGeneration
 * of earlier versions still works alone (with a warning), but not together with the new key: bumping it replaced the
 * key in one deploy, with an outage.
 */
function readGenerations(value: unknown, legacy: unknown, warnings: string[]): readonly number[] {
  const key = CONTEXT_KEYS.apiKeyGenerations;
  const oldKey = CONTEXT_KEYS.apiKeyGeneration;
  if (value !== undefined && legacy !== undefined) {
    throw new ConfigError(
      `Context ${oldKey} (got ${JSON.stringify(legacy)}) is replaced by ${key} (got ${JSON.stringify(value)}): remove ${oldKey}; to rotate without an outage, deploy with -c ${key}=[<current>,<next>], then with -c ${key}=[<next>] (README: API key expiry and rotation)`,
    );
  }
  if (value === undefined && legacy !== undefined) {
    const generation = readInteger(oldKey, legacy, 1, 1, 9999);
    warnings.push(
      `Context ${oldKey} is deprecated: replace it with "${key}": [${generation}] in cdk.json, and rotate in two deploys (README: API key expiry and rotation)`,
    );
    return [generation];
  }
  if (value === undefined) return DEFAULT_CONFIG.apiKeyGenerations;
  const list = generationList(key, value);
  const generations = list.map((item) => readInteger(key, item, 1, 1, 9999));
  if (generations.length === 0 || generations.length > MAX_LIVE_GENERATIONS || new Set(generations).size !== generations.length) {
    throw new ConfigError(
      `Context ${key} must list one or two different key generations, e.g. [1], or [1,2] while rotating from 1 to 2 (got ${JSON.stringify(value)})`,
    );
  }
  return [...generations].sort((a, b) => a - b);
}

function generationList(key: string, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'number') return [value];
  if (typeof value === 'string') {
    const text = value.trim().replace(/^\[(.*)\]$/s, '$1');
    return text === '' ? [] : text.split(',').map((item) => item.trim());
  }
  throw new ConfigError(`Context ${key} must be a list of key generations such as [1,2] (got ${JSON.stringify(value)})`);
}

function readDate(key: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  const text = typeof value === 'string' ? value.trim() : value;
  if (
    typeof text !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(text) ||
    Number.isNaN(Date.parse(`${text}T00:00:00Z`)) ||
    new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) !== text
  ) {
    throw new ConfigError(`Context ${key} must be a date, YYYY-MM-DD (UTC), e.g. -c ${key}=${fallback} (got ${JSON.stringify(value)})`);
  }
  return text;
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
