/**
 * AppSync's predefined scalars and directives, which schema files must not declare (AppSync refuses a schema that
 * does). graphql-js knows none of them: the prelude declares them, and the scalars get AppSync's validation.
 *
 * Formats (AppSync developer guide, "Scalar types in GraphQL"):
 * - AWSDate `YYYY-MM-DD`, AWSTime `hh:mm[:ss[.s…]]` (1 to 9 fraction digits), each with an optional time zone offset
 *   `Z` or `±hh:mm[:ss]`; AWSDateTime `YYYY-MM-DDThh:mm[:ss[.s…]]` with a compulsory offset;
 * - AWSTimestamp: an integer number of seconds since the epoch;
 * - AWSEmail `local-part@domain-part`; AWSURL an absolute URL with a scheme and no `//` in its path;
 * - AWSPhone: digits separated by spaces or hyphens, with a `+country` code or else a North American (NANP) number
 *   (AppSync validates with a phone-number library; this is a close approximation);
 * - AWSIPAddress: IPv4 or IPv6, optionally with a /prefix;
 * - AWSJSON: a string holding JSON; resolvers receive the parsed value; an object returned for an AWSJSON field is
 *   serialised to its JSON text.
 *
 * The error texts follow AppSync's ("Unable to parse `x` as a valid DateTime Object.", "… as a valid phone number.",
 * "… as a valid date."); the texts for the other scalars are written the same way.
 */

import { isIP } from 'node:net';
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import type { AppSyncAuthMode } from '../../lambda/shared/auth-mode';

export const APPSYNC_SCALAR_NAMES = ['AWSDate', 'AWSTime', 'AWSDateTime', 'AWSTimestamp', 'AWSEmail', 'AWSJSON', 'AWSURL', 'AWSPhone', 'AWSIPAddress'] as const;

export type AppSyncScalarName = (typeof APPSYNC_SCALAR_NAMES)[number];

/** Auth directives and the mode each opens a type or field to. */
export const AUTH_DIRECTIVE_MODES = {
  aws_api_key: 'API_KEY',
  aws_iam: 'AWS_IAM',
  aws_cognito_user_pools: 'AMAZON_COGNITO_USER_POOLS',
  aws_auth: 'AMAZON_COGNITO_USER_POOLS',
  aws_oidc: 'OPENID_CONNECT',
  aws_lambda: 'AWS_LAMBDA',
} as const satisfies Record<string, AppSyncAuthMode>;

export const APPSYNC_PRELUDE = [
  ...APPSYNC_SCALAR_NAMES.map((name) => `scalar ${name}`),
  'directive @aws_api_key on OBJECT | FIELD_DEFINITION | INTERFACE',
  'directive @aws_iam on OBJECT | FIELD_DEFINITION | INTERFACE',
  'directive @aws_oidc on OBJECT | FIELD_DEFINITION | INTERFACE',
  'directive @aws_lambda on OBJECT | FIELD_DEFINITION | INTERFACE',
  'directive @aws_cognito_user_pools(cognito_groups: [String]) on OBJECT | FIELD_DEFINITION | INTERFACE',
  'directive @aws_auth(cognito_groups: [String]) on FIELD_DEFINITION',
  'directive @aws_subscribe(mutations: [String]) on FIELD_DEFINITION',
].join('\n');

/** A value refused by an AWS scalar on input; `message` is AppSync's sentence. */
export class AwsScalarParseError extends Error {
  constructor(
    readonly scalar: AppSyncScalarName,
    message: string,
  ) {
    super(message);
    this.name = 'AwsScalarParseError';
  }
}

/** A resolver's value that an AWS scalar cannot serialise. */
export class AwsScalarSerializeError extends Error {
  constructor(
    readonly scalar: AppSyncScalarName,
    message: string,
  ) {
    super(message);
    this.name = 'AwsScalarSerializeError';
  }
}

const NOUN: Record<AppSyncScalarName, string> = {
  AWSDate: 'a valid date',
  AWSTime: 'a valid time',
  AWSDateTime: 'a valid DateTime Object',
  AWSTimestamp: 'a valid timestamp',
  AWSEmail: 'a valid email address',
  AWSJSON: 'valid JSON',
  AWSURL: 'a valid URL',
  AWSPhone: 'a valid phone number',
  AWSIPAddress: 'a valid IP address',
};

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function parseError(scalar: AppSyncScalarName, value: unknown): AwsScalarParseError {
  return new AwsScalarParseError(scalar, `Unable to parse \`${show(value)}\` as ${NOUN[scalar]}.`);
}

function serializeError(scalar: AppSyncScalarName, value: unknown): AwsScalarSerializeError {
  return new AwsScalarSerializeError(scalar, `Unable to serialize \`${show(value)}\` as ${NOUN[scalar]}.`);
}

const DATE = '(\\d{4})-(\\d{2})-(\\d{2})';
const TIME = '(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?';
const OFFSET = '(Z|[+-](\\d{2}):(\\d{2})(?::(\\d{2}))?)';
const DATE_RE = new RegExp(`^${DATE}${OFFSET}?$`);
const TIME_RE = new RegExp(`^${TIME}${OFFSET}?$`);
const DATETIME_RE = new RegExp(`^${DATE}T${TIME}${OFFSET}$`);

function validDate(year: string, month: string, day: string): boolean {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= days;
}

function validTime(hour: string, minute: string, second: string | undefined): boolean {
  return Number(hour) <= 23 && Number(minute) <= 59 && (second === undefined || Number(second) <= 59);
}

function validOffset(offset: string | undefined, hours: string | undefined, minutes: string | undefined, seconds: string | undefined): boolean {
  if (offset === undefined || offset === 'Z') return true;
  return Number(hours) <= 18 && Number(minutes) <= 59 && (seconds === undefined || Number(seconds) <= 59);
}

export function isAwsDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  return !!m && validDate(m[1], m[2], m[3]) && validOffset(m[4], m[5], m[6], m[7]);
}

export function isAwsTime(value: string): boolean {
  const m = TIME_RE.exec(value);
  return !!m && validTime(m[1], m[2], m[3]) && validOffset(m[5], m[6], m[7], m[8]);
}

export function isAwsDateTime(value: string): boolean {
  const m = DATETIME_RE.exec(value);
  return !!m && validDate(m[1], m[2], m[3]) && validTime(m[4], m[5], m[6]) && validOffset(m[8], m[9], m[10], m[11]);
}

export function isAwsEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(value);
}

export function isAwsUrl(value: string): boolean {
  if (/\s/.test(value) || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) return false;
  try {
    const url = new URL(value);
    return !url.pathname.includes('//');
  } catch {
    return false;
  }
}

export function isAwsPhone(value: string): boolean {
  if (!/^\+?[0-9][0-9 \-().]*[0-9]$/.test(value.trim())) return false;
  const digits = value.replace(/\D/g, '');
  if (value.trim().startsWith('+')) return digits.length >= 8 && digits.length <= 15 && digits[0] !== '0';
  // Without a country code: a North American number, NXX-NXX-XXXX, optionally preceded by 1.
  const national = digits.length === 11 && digits[0] === '1' ? digits.slice(1) : digits;
  return national.length === 10 && national[0] >= '2' && national[3] >= '2';
}

export function isAwsIpAddress(value: string): boolean {
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return false;
  if (slash < 0) return true;
  const prefix = value.slice(slash + 1);
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

function stringScalar(name: AppSyncScalarName, description: string, valid: (value: string) => boolean): GraphQLScalarType {
  return new GraphQLScalarType({
    name,
    description,
    serialize(value) {
      if (typeof value === 'string' && valid(value)) return value;
      if (value instanceof Date && name === 'AWSDateTime' && !Number.isNaN(value.getTime())) return value.toISOString();
      throw serializeError(name, value);
    },
    parseValue(value) {
      if (typeof value === 'string' && valid(value)) return value;
      throw parseError(name, value);
    },
    parseLiteral(node: ValueNode) {
      if (node.kind === Kind.STRING && valid(node.value)) return node.value;
      throw parseError(name, literalText(node));
    },
  });
}

function literalText(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.INT:
    case Kind.FLOAT:
    case Kind.ENUM:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    default:
      return node.kind;
  }
}

const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;

function timestampScalar(): GraphQLScalarType {
  const name = 'AWSTimestamp';
  return new GraphQLScalarType({
    name,
    description: 'An integer number of seconds before or after 1970-01-01T00:00Z.',
    serialize(value) {
      if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= MAX_TIMESTAMP) return value;
      if (typeof value === 'string' && /^-?\d+$/.test(value) && Math.abs(Number(value)) <= MAX_TIMESTAMP) return Number(value);
      throw serializeError(name, value);
    },
    parseValue(value) {
      if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= MAX_TIMESTAMP) return value;
      throw parseError(name, value);
    },
    parseLiteral(node) {
      if (node.kind === Kind.INT && Math.abs(Number(node.value)) <= MAX_TIMESTAMP) return Number(node.value);
      throw parseError(name, literalText(node));
    },
  });
}

function jsonScalar(): GraphQLScalarType {
  const name = 'AWSJSON';
  const parse = (text: string, original: unknown) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw parseError(name, original);
    }
  };
  return new GraphQLScalarType({
    name,
    description: 'A JSON string; resolvers receive the parsed value.',
    serialize(value) {
      if (typeof value === 'string') return value;
      try {
        const text = JSON.stringify(value);
        if (text !== undefined) return text;
      } catch {
        // fall through
      }
      throw serializeError(name, value);
    },
    parseValue(value) {
      if (typeof value !== 'string') throw parseError(name, value);
      return parse(value, value);
    },
    parseLiteral(node) {
      if (node.kind !== Kind.STRING) throw parseError(name, literalText(node));
      return parse(node.value, node.value);
    },
  });
}

/** Fresh scalar instances (graphql-js wants one instance per schema it is built into). */
export function createAppSyncScalars(): Record<AppSyncScalarName, GraphQLScalarType> {
  return {
    AWSDate: stringScalar('AWSDate', 'An extended ISO 8601 date string, YYYY-MM-DD, with an optional time zone offset.', isAwsDate),
    AWSTime: stringScalar('AWSTime', 'An extended ISO 8601 time string, hh:mm:ss.sss, with an optional time zone offset.', isAwsTime),
    AWSDateTime: stringScalar('AWSDateTime', 'An extended ISO 8601 date and time string, YYYY-MM-DDThh:mm:ss.sssZ (offset required).', isAwsDateTime),
    AWSTimestamp: timestampScalar(),
    AWSEmail: stringScalar('AWSEmail', 'An email address, local-part@domain-part.', isAwsEmail),
    AWSJSON: jsonScalar(),
    AWSURL: stringScalar('AWSURL', 'A URL with a scheme.', isAwsUrl),
    AWSPhone: stringScalar('AWSPhone', 'A phone number.', isAwsPhone),
    AWSIPAddress: stringScalar('AWSIPAddress', 'An IPv4 or IPv6 address, optionally with a CIDR prefix.', isAwsIpAddress),
  };
}
