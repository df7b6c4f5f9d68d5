/**
 * Jest snapshot serializer for CloudFormation templates: replaces what changes across machines (asset hashes, in
 * values and in keys) with placeholders, so a snapshot fails only when the infrastructure really changed. The API
 * key's `Expires` is left as it is: it is a date fixed by cdk.json (lib/api-key-lifetime.ts), not the synth time.
 *
 * The GraphQL schema's text is replaced too: the schema is the user's to edit (README: Change the schema), and an
 * added field must not fail a snapshot. What the schema becomes is checked where it is the subject: test/schema
 * (the documents validate), test/lib/codegen (the generated code is current) and the per-model template tests.
 */
import type { Config, NewPlugin, Printer, Refs } from 'pretty-format';

const ASSET_HASH = /[0-9a-f]{64}/g;
const normalized = new WeakSet<object>();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isCloudFormationTemplate(value: unknown): value is { Resources: Record<string, Json> } {
  return typeof value === 'object' && value !== null && 'Resources' in value && !normalized.has(value);
}

export function normalizeTemplate(template: { Resources: Record<string, Json> }): Json {
  const copy = normalizeJson(template as unknown as Json) as { [key: string]: Json };
  const resources = copy.Resources as { [key: string]: { Type?: string; Properties?: { [key: string]: Json } } };
  for (const resource of Object.values(resources)) {
    if (resource.Type === 'AWS::AppSync::GraphQLSchema' && resource.Properties && typeof resource.Properties.Definition === 'string') {
      resource.Properties.Definition = '[SCHEMA: the text of schema/schema.graphql]';
    }
  }
  return copy;
}

function normalizeJson(value: Json): Json {
  if (typeof value === 'string') return value.replace(ASSET_HASH, '[ASSET HASH]');
  if (Array.isArray(value)) return value.map(normalizeJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key.replace(ASSET_HASH, '[ASSET HASH]'), normalizeJson(item)]));
  }
  return value;
}

// Jest loads this module as the serializer itself: `test` and `serialize` are its plugin interface.
export const test: NewPlugin['test'] = isCloudFormationTemplate;

export function serialize(
  value: { Resources: Record<string, Json> },
  config: Config,
  indentation: string,
  depth: number,
  refs: Refs,
  printer: Printer,
): string {
  const stable = normalizeTemplate(value) as object;
  normalized.add(stable);
  return printer(stable, config, indentation, depth, refs);
}
