import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { isJsonValue } from '../shared/json';
import { describe } from './describe-value';
import { ValidationError } from './errors';
import type { TypeRef } from './model';

/*
 * Checks a value against the GraphQL type the schema declares for it. Behind AppSync, GraphQL validation has already
 * done this; the resolver checks again so that a hand-written Invoke (or a schema the function was not built from)
 * fails with a message naming the argument instead of writing a wrong item.
 *
 * AppSync hands resolvers AWSJSON already parsed, so any JSON value is an AWSJSON value here.
 */

const INTEGER_SCALARS = new Set(['Int', 'AWSTimestamp']);
const FLOAT_SCALARS = new Set(['Float']);
const BOOLEAN_SCALARS = new Set(['Boolean']);
const JSON_SCALARS = new Set(['AWSJSON']);
// ID, String and the AWS scalars that travel as strings (AWSDateTime, AWSEmail, AWSURL, AWSPhone, ...).
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

export type EnumValues = Readonly<Record<string, readonly string[]>>;

/** Checks `value` (which may be null where the type allows it) and returns it as stored. */
export function checkValue(type: TypeRef, value: unknown, path: string, enums: EnumValues): NativeAttributeValue {
  if (value === null || value === undefined) {
    if (type.nonNull) throw new ValidationError(`${path} must be ${phraseOf(type, enums)} (got ${describe(value)})`);
    return null;
  }
  if (type.list) {
    if (!Array.isArray(value)) throw new ValidationError(`${path} must be ${phraseOf(type, enums)} (got ${describe(value)})`);
    const element: TypeRef = { name: type.name, nonNull: type.elementNonNull };
    return value.map((item: unknown, index) => checkValue(element, item, `${path}[${index}]`, enums));
  }
  if (!isOfScalarOrEnum(type.name, value, enums)) {
    throw new ValidationError(`${path} must be ${phraseOf(type, enums)} (got ${describe(value)})`);
  }
  return value as NativeAttributeValue;
}

/** As checkValue, for an operand that can never be null (a comparison's right-hand side, a `between` bound). */
export function checkOperand(type: TypeRef, value: unknown, path: string, enums: EnumValues): NativeAttributeValue {
  return checkValue({ ...type, nonNull: true }, value, path, enums);
}

function isOfScalarOrEnum(name: string, value: unknown, enums: EnumValues): boolean {
  const enumValues = enums[name];
  if (enumValues !== undefined) return typeof value === 'string' && enumValues.includes(value);
  if (INTEGER_SCALARS.has(name)) return typeof value === 'number' && Number.isInteger(value) && (name !== 'Int' || (value >= INT_MIN && value <= INT_MAX));
  if (FLOAT_SCALARS.has(name)) return typeof value === 'number' && Number.isFinite(value);
  if (BOOLEAN_SCALARS.has(name)) return typeof value === 'boolean';
  if (JSON_SCALARS.has(name)) return isJsonValue(value);
  return typeof value === 'string';
}

/** `a string`, `an integer or null`, `a list of strings`, `one of LOW, HIGH`. */
function phraseOf(type: TypeRef, enums: EnumValues): string {
  const element = singularPhrase(type.name, enums);
  const phrase = type.list ? `a list of ${pluralPhrase(type.name, enums, element)}` : element;
  return type.nonNull ? phrase : `${phrase} or null`;
}

function singularPhrase(name: string, enums: EnumValues): string {
  const enumValues = enums[name];
  if (enumValues !== undefined) return `one of ${enumValues.join(', ')}`;
  if (name === 'Int') return 'an integer';
  if (INTEGER_SCALARS.has(name)) return 'an integer (seconds since the epoch)';
  if (FLOAT_SCALARS.has(name)) return 'a number';
  if (BOOLEAN_SCALARS.has(name)) return 'a boolean';
  if (JSON_SCALARS.has(name)) return 'a JSON value';
  return 'a string';
}

function pluralPhrase(name: string, enums: EnumValues, singular: string): string {
  if (enums[name] !== undefined) return `values (${singular})`;
  return singular.replace(/^an? /, '').replace(/^(\w+)/, '$1s');
}
