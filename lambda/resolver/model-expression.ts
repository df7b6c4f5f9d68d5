import { ValidationError } from './errors';
import { describe } from './describe-value';
import { allOf, type ExpressionAttributes } from './expression-attributes';

/*
 * Translates Amplify's ModelTodoFilterInput / ModelTodoConditionInput into a
 * DynamoDB filter or condition expression. Input arrives as `unknown` because it
 * comes off the wire (GraphQL validates it behind AppSync, but nothing does for
 * a direct Invoke), so translation validates as it walks and names the exact
 * path of anything it refuses.
 *
 * `undefined` as a translation result means "no constraint at all".
 */

export type ModelAttributeTypes =
  | 'binary'
  | 'binarySet'
  | 'bool'
  | 'list'
  | 'map'
  | 'number'
  | 'numberSet'
  | 'string'
  | 'stringSet'
  | '_null';

export interface ModelSizeInput {
  ne?: number | null;
  eq?: number | null;
  le?: number | null;
  lt?: number | null;
  ge?: number | null;
  gt?: number | null;
  between?: (number | null)[] | null;
}

export interface ModelStringInput {
  ne?: string | null;
  eq?: string | null;
  le?: string | null;
  lt?: string | null;
  ge?: string | null;
  gt?: string | null;
  contains?: string | null;
  notContains?: string | null;
  between?: (string | null)[] | null;
  beginsWith?: string | null;
  attributeExists?: boolean | null;
  attributeType?: ModelAttributeTypes | null;
  size?: ModelSizeInput | null;
}

export type ModelIDInput = ModelStringInput;

export interface ModelTodoConditionInput {
  name?: ModelStringInput | null;
  description?: ModelStringInput | null;
  createdAt?: ModelStringInput | null;
  updatedAt?: ModelStringInput | null;
  and?: (ModelTodoConditionInput | null)[] | null;
  or?: (ModelTodoConditionInput | null)[] | null;
  not?: ModelTodoConditionInput | null;
}

export interface ModelTodoFilterInput {
  id?: ModelIDInput | null;
  name?: ModelStringInput | null;
  description?: ModelStringInput | null;
  createdAt?: ModelStringInput | null;
  updatedAt?: ModelStringInput | null;
  and?: (ModelTodoFilterInput | null)[] | null;
  or?: (ModelTodoFilterInput | null)[] | null;
  not?: ModelTodoFilterInput | null;
}

const DYNAMODB_TYPE_BY_MODEL_ATTRIBUTE_TYPE: Readonly<Record<ModelAttributeTypes, string>> = {
  binary: 'B',
  binarySet: 'BS',
  bool: 'BOOL',
  list: 'L',
  map: 'M',
  number: 'N',
  numberSet: 'NS',
  string: 'S',
  stringSet: 'SS',
  _null: 'NULL',
};

const COMPARISON_OPERATORS = { eq: '=', ne: '<>', le: '<=', lt: '<', ge: '>=', gt: '>' } as const;
type ComparisonOperator = keyof typeof COMPARISON_OPERATORS;

const STRING_INPUT_OPERATORS = [
  ...(Object.keys(COMPARISON_OPERATORS) as ComparisonOperator[]),
  'contains',
  'notContains',
  'between',
  'beginsWith',
  'attributeExists',
  'attributeType',
  'size',
] as const;
type StringInputOperator = (typeof STRING_INPUT_OPERATORS)[number];
const SIZE_INPUT_OPERATORS = [...(Object.keys(COMPARISON_OPERATORS) as ComparisonOperator[]), 'between'] as const;
const LOGICAL_KEYS = ['and', 'or', 'not'] as const;

/**
 * Far beyond what DynamoDB's 4 KB expression limit could hold anyway; the
 * guard keeps a hostile, deeply nested input from overflowing the stack.
 */
const MAX_NESTING_DEPTH = 50;

const FILTER_FIELDS = ['id', 'name', 'description', 'createdAt', 'updatedAt'] as const;
// Amplify leaves `id` out of ModelTodoConditionInput: the key is already pinned by the mutation's input.
const CONDITION_FIELDS = ['name', 'description', 'createdAt', 'updatedAt'] as const;

export function translateTodoFilter(filter: unknown, attributes: ExpressionAttributes): string | undefined {
  return translateModelInput(filter, 'filter', FILTER_FIELDS, attributes, 0);
}

export function translateTodoCondition(condition: unknown, attributes: ExpressionAttributes): string | undefined {
  return translateModelInput(condition, 'condition', CONDITION_FIELDS, attributes, 0);
}

function translateModelInput(
  input: unknown,
  path: string,
  fields: readonly string[],
  attributes: ExpressionAttributes,
  depth: number,
): string | undefined {
  if (input === null || input === undefined) return undefined;
  if (depth > MAX_NESTING_DEPTH) {
    throw new ValidationError(`${path.slice(0, 40)}... nests and/or/not more than ${MAX_NESTING_DEPTH} levels deep`);
  }
  const entries = inputObjectEntries(input, path);
  const parts = entries.map(([key, value]) => {
    const isLogicalKey = (LOGICAL_KEYS as readonly string[]).includes(key);
    if (!isLogicalKey && !fields.includes(key)) {
      throw new ValidationError(`unknown field '${key}' in ${path}; expected one of ${[...fields, ...LOGICAL_KEYS].join(', ')}`);
    }
    // An explicit null on an optional input field is GraphQL for "not given".
    if (value === null || value === undefined) return undefined;
    const keyPath = `${path}.${key}`;
    if (key === 'and') return allOf(translateList(value, keyPath, fields, attributes, depth + 1));
    if (key === 'or') return anyOf(translateList(value, keyPath, fields, attributes, depth + 1), keyPath);
    if (key === 'not') return negate(translateModelInput(value, keyPath, fields, attributes, depth + 1), keyPath);
    return translateStringInput(key, value, keyPath, attributes);
  });
  return allOf(parts);
}

function translateList(
  list: unknown,
  path: string,
  fields: readonly string[],
  attributes: ExpressionAttributes,
  depth: number,
): (string | undefined)[] {
  if (!Array.isArray(list)) throw new ValidationError(`${path} must be a list`);
  return list.map((element: unknown, index) => {
    const elementPath = `${path}[${index}]`;
    // Unlike an omitted field, a null list element has no sensible reading (in an `or` it would match everything).
    if (element === null || element === undefined) throw new ValidationError(`${elementPath} is null; remove it`);
    return translateModelInput(element, elementPath, fields, attributes, depth);
  });
}

function anyOf(parts: readonly (string | undefined)[], path: string): string | undefined {
  if (parts.length === 0) {
    throw new ValidationError(`${path} is an empty list, which would match nothing; leave '${path}' out instead`);
  }
  // One unconstrained alternative makes the whole disjunction match everything.
  if (parts.some((part) => part === undefined)) return undefined;
  if (parts.length === 1) return parts[0];
  return parts.map((part) => `(${part})`).join(' OR ');
}

function negate(inner: string | undefined, path: string): string {
  if (inner === undefined) {
    throw new ValidationError(`${path} has no conditions, so its negation would match nothing`);
  }
  return `NOT (${inner})`;
}

function translateStringInput(
  attributeName: string,
  input: unknown,
  path: string,
  attributes: ExpressionAttributes,
): string | undefined {
  const attribute = attributes.name(attributeName);
  const parts = inputObjectEntries(input, path).map(([operator, operand]) => {
    if (!isStringInputOperator(operator)) {
      throw new ValidationError(`unknown operator '${operator}' in ${path}; expected one of ${STRING_INPUT_OPERATORS.join(', ')}`);
    }
    const operandPath = `${path}.${operator}`;
    if (operand === undefined) return undefined;
    if (operand === null) return compareWithNull(operator, attribute, operandPath, attributes);
    if (isComparisonOperator(operator)) {
      return `${attribute} ${COMPARISON_OPERATORS[operator]} ${attributes.value(requireString(operand, operandPath))}`;
    }
    switch (operator) {
      case 'contains':
        return `contains(${attribute}, ${attributes.value(requireString(operand, operandPath))})`;
      case 'notContains':
        return `NOT contains(${attribute}, ${attributes.value(requireString(operand, operandPath))})`;
      case 'beginsWith':
        return `begins_with(${attribute}, ${attributes.value(requireString(operand, operandPath))})`;
      case 'between': {
        const [low, high] = requirePair(operand, operandPath, requireString);
        return `${attribute} BETWEEN ${attributes.value(low)} AND ${attributes.value(high)}`;
      }
      case 'attributeExists':
        return requireBoolean(operand, operandPath) ? `attribute_exists(${attribute})` : `attribute_not_exists(${attribute})`;
      case 'attributeType':
        return `attribute_type(${attribute}, ${attributes.value(requireAttributeType(operand, operandPath))})`;
      case 'size':
        return translateSizeInput(attribute, operand, operandPath, attributes);
    }
  });
  return allOf(parts);
}

/**
 * `eq: null` asks for "no value". Items never store a NULL-typed attribute
 * (create leaves out null fields, update removes them), but a NULL written by
 * another tool is honoured too, so both a missing attribute and NULL match.
 */
function compareWithNull(
  operator: StringInputOperator,
  attribute: string,
  path: string,
  attributes: ExpressionAttributes,
): string {
  if (operator === 'eq') return `attribute_not_exists(${attribute}) OR attribute_type(${attribute}, ${attributes.value('NULL')})`;
  if (operator === 'ne') return `attribute_exists(${attribute}) AND NOT attribute_type(${attribute}, ${attributes.value('NULL')})`;
  throw new ValidationError(`${path} is null, but only eq and ne can compare with null; leave it out instead`);
}

function translateSizeInput(
  attribute: string,
  input: unknown,
  path: string,
  attributes: ExpressionAttributes,
): string | undefined {
  const parts = inputObjectEntries(input, path).map(([operator, operand]) => {
    const operandPath = `${path}.${operator}`;
    if (operand === undefined) return undefined;
    if (isComparisonOperator(operator)) {
      return `size(${attribute}) ${COMPARISON_OPERATORS[operator]} ${attributes.value(requireInteger(operand, operandPath))}`;
    }
    if (operator === 'between') {
      const [low, high] = requirePair(operand, operandPath, requireInteger);
      return `size(${attribute}) BETWEEN ${attributes.value(low)} AND ${attributes.value(high)}`;
    }
    throw new ValidationError(`unknown operator '${operator}' in ${path}; expected one of ${SIZE_INPUT_OPERATORS.join(', ')}`);
  });
  return allOf(parts);
}

function isStringInputOperator(operator: string): operator is StringInputOperator {
  return (STRING_INPUT_OPERATORS as readonly string[]).includes(operator);
}

function isComparisonOperator(operator: string): operator is ComparisonOperator {
  return Object.prototype.hasOwnProperty.call(COMPARISON_OPERATORS, operator);
}

function inputObjectEntries(input: unknown, path: string): [string, unknown][] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError(`${path} must be an input object (got ${describe(input)})`);
  }
  return Object.entries(input);
}

function requireString(operand: unknown, path: string): string {
  if (typeof operand !== 'string') throw new ValidationError(`${path} must be a string (got ${describe(operand)})`);
  return operand;
}

function requireInteger(operand: unknown, path: string): number {
  if (typeof operand !== 'number' || !Number.isInteger(operand)) {
    throw new ValidationError(`${path} must be an integer (got ${describe(operand)})`);
  }
  return operand;
}

function requireBoolean(operand: unknown, path: string): boolean {
  if (typeof operand !== 'boolean') throw new ValidationError(`${path} must be a boolean (got ${describe(operand)})`);
  return operand;
}

function requireAttributeType(operand: unknown, path: string): string {
  if (typeof operand === 'string' && Object.prototype.hasOwnProperty.call(DYNAMODB_TYPE_BY_MODEL_ATTRIBUTE_TYPE, operand)) {
    return DYNAMODB_TYPE_BY_MODEL_ATTRIBUTE_TYPE[operand as ModelAttributeTypes];
  }
  throw new ValidationError(
    `${path} must be one of ${Object.keys(DYNAMODB_TYPE_BY_MODEL_ATTRIBUTE_TYPE).join(', ')} (got ${describe(operand)})`,
  );
}

function requirePair<T>(operand: unknown, path: string, requireElement: (element: unknown, path: string) => T): [T, T] {
  if (!Array.isArray(operand) || operand.length !== 2) {
    throw new ValidationError(`${path} needs exactly 2 elements, a lower and an upper bound (got ${describe(operand)})`);
  }
  return [requireElement(operand[0], `${path}[0]`), requireElement(operand[1], `${path}[1]`)];
}
