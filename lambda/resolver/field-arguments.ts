import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { describe } from './describe-value';
import { ValidationError } from './errors';
import { checkValue, type EnumValues } from './field-values';
import type { ModelDescription, TypeRef } from './model';

/*
 * Checks each field's `arguments` before anything depends on them, against the model the schema describes. Behind
 * AppSync, GraphQL validation already guarantees most of this; the checks are cheap and make a hand-written Invoke
 * (or a schema drift) fail with a clear message instead of a TypeError deep inside, or a wrong item.
 *
 * Filter and condition objects are only checked to be objects here; their contents are validated field by field while
 * they are translated (model-expression.ts).
 */

/** A model item's stored attributes, by field name. */
export type ModelItem = Record<string, NativeAttributeValue>;

export interface GetArguments {
  readonly key: string;
}

export interface ListArguments {
  readonly filter: object | null;
  readonly limit: number;
  readonly nextToken: string | null;
}

export interface MutationArguments {
  /** Only the fields the input gave; an explicit null is kept (update removes the attribute). */
  readonly input: ModelItem;
  readonly key: string | null;
  readonly condition: object | null;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** A list field's `limit`, defaulted; used for parsed and typed callers alike. */
export function pageSizeFrom(limit: unknown): number {
  if (limit === null || limit === undefined) return DEFAULT_PAGE_SIZE;
  if (typeof limit === 'number' && Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE_SIZE) return limit;
  throw new ValidationError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE} (got ${describe(limit)})`);
}

/** Parses the arguments of one model's root fields. */
export class ModelArguments {
  private readonly serverOwned: readonly string[];

  constructor(
    private readonly model: ModelDescription,
    private readonly enums: EnumValues,
  ) {
    this.serverOwned = [...model.timestamps, '__typename'];
  }

  get(raw: unknown): GetArguments {
    const args = requireObject(raw, 'arguments', [this.model.key]);
    return { key: requireKey(args[this.model.key], this.model.key) };
  }

  list(raw: unknown): ListArguments {
    const args = requireObject(raw, 'arguments', ['filter', 'limit', 'nextToken']);
    return {
      filter: optionalObject(args.filter, 'filter'),
      limit: pageSizeFrom(args.limit),
      nextToken: optionalString(args.nextToken, 'nextToken'),
    };
  }

  create(raw: unknown): MutationArguments {
    const { input, condition } = this.mutation(raw, this.model.createInput ?? {});
    const key = input[this.model.key];
    // A missing key means "generate one"; a given one must be usable as a partition key.
    const givenKey = key === null || key === undefined ? null : requireKey(key, `input.${this.model.key}`);
    return { input, key: givenKey, condition };
  }

  update(raw: unknown): MutationArguments {
    const { input, condition } = this.mutation(raw, this.model.updateInput ?? {});
    return { input, key: requireKey(input[this.model.key], `input.${this.model.key}`), condition };
  }

  delete(raw: unknown): MutationArguments {
    const { input, condition } = this.mutation(raw, { [this.model.key]: { name: 'ID', nonNull: true } });
    return { input, key: requireKey(input[this.model.key], `input.${this.model.key}`), condition };
  }

  private mutation(raw: unknown, inputFields: Readonly<Record<string, TypeRef>>): { input: ModelItem; condition: object | null } {
    const args = requireObject(raw, 'arguments', ['input', 'condition']);
    return { input: this.input(args.input, inputFields), condition: optionalObject(args.condition, 'condition') };
  }

  private input(raw: unknown, inputFields: Readonly<Record<string, TypeRef>>): ModelItem {
    if (raw === null || raw === undefined) throw new ValidationError('input is required');
    if (typeof raw === 'object' && !Array.isArray(raw)) {
      const serverOwned = Object.keys(raw).find((key) => this.serverOwned.includes(key));
      if (serverOwned !== undefined) {
        throw new ValidationError(`input.${serverOwned} cannot be set; the server sets ${this.serverOwned.join(', ')}`);
      }
    }
    const input = requireObject(raw, 'input', Object.keys(inputFields));
    const checked: ModelItem = {};
    for (const [field, type] of Object.entries(inputFields)) {
      // The key is checked by each mutation: create generates a missing one, the others need it.
      if (field === this.model.key) {
        if (field in input) checked[field] = input[field] as NativeAttributeValue;
        continue;
      }
      // Omitted and null mean different things to an update (untouched vs removed), so omission is kept.
      if (!(field in input)) {
        if (type.nonNull) throw new ValidationError(`input.${field} is required`);
        continue;
      }
      checked[field] = checkValue(type, input[field], `input.${field}`, this.enums);
    }
    return checked;
  }
}

function requireObject(raw: unknown, path: string, allowedKeys: readonly string[]): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError(`${path} must be an object (got ${describe(raw)})`);
  }
  const unknownKey = Object.keys(raw).find((key) => !allowedKeys.includes(key));
  if (unknownKey !== undefined) {
    throw new ValidationError(`unknown field '${unknownKey}' in ${path}; expected ${allowedKeys.join(', ')}`);
  }
  return raw as Record<string, unknown>;
}

function requireKey(raw: unknown, path: string): string {
  // DynamoDB refuses an empty partition key; saying so here names the argument.
  if (typeof raw !== 'string' || raw.length === 0) {
    throw new ValidationError(`${path} must be a non-empty string (got ${describe(raw)})`);
  }
  return raw;
}

function optionalString(raw: unknown, path: string): string | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'string') throw new ValidationError(`${path} must be a string or null (got ${describe(raw)})`);
  return raw;
}

function optionalObject(raw: unknown, path: string): object | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ValidationError(`${path} must be an input object or null (got ${describe(raw)})`);
  }
  return raw;
}
