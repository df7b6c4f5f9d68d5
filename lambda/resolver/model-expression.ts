import { describe } from './describe-value';
import { ValidationError } from './errors';
import { allOf, type ExpressionAttributes } from './expression-attributes';
import { checkOperand, type EnumValues } from './field-values';
import type { ApiModels, TypeRef } from './model';

/*
 * Translates a model's filter or condition input (Amplify's ModelXFilterInput / ModelXConditionInput) into a
 * DynamoDB filter or condition expression. Which fields may be filtered, with which operators and on what operand
 * types, comes from the schema (lib/schema-model.ts): ModelIntInput's `gt` takes an Int, ModelStringInput's a String.
 * What each operator means in DynamoDB is fixed here.
 *
 * Input arrives as `unknown` because it comes off the wire (GraphQL validates it behind AppSync, but nothing does for
 * a direct Invoke), so translation validates as it walks and names the exact path of anything it refuses.
 *
 * `undefined` as a translation result means "no constraint at all".
 */

const DYNAMODB_TYPE_BY_MODEL_ATTRIBUTE_TYPE: Readonly<Record<string, string>> = {
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

const COMPARISON_OPERATORS: Readonly<Record<string, string>> = { eq: '=', ne: '<>', le: '<=', lt: '<', ge: '>=', gt: '>' };

/** Every operator the translator knows, in the order messages list them. */
export const TRANSLATABLE_OPERATORS = [
  ...Object.keys(COMPARISON_OPERATORS),
  'contains',
  'notContains',
  'between',
  'beginsWith',
  'attributeExists',
  'attributeType',
  'size',
] as const;

const LOGICAL_KEYS = ['and', 'or', 'not'] as const;

/**
 * Far beyond what DynamoDB's 4 KB expression limit could hold anyway; the guard keeps a hostile, deeply nested input
 * from overflowing the stack.
 */
const MAX_NESTING_DEPTH = 50;

/** A filter or condition input type: each field and the operator input type its value is. */
export type ModelInputFields = Readonly<Record<string, string>>;

/** Translates filters and conditions for one API's models. */
export class ModelExpressionTranslator {
  private readonly enums: EnumValues;

  constructor(private readonly api: Pick<ApiModels, 'operatorInputs' | 'enums'>) {
    this.enums = api.enums;
  }

  /** `path` names the argument in messages: `filter`, `condition`. */
  translate(input: unknown, path: string, fields: ModelInputFields, attributes: ExpressionAttributes): string | undefined {
    return this.translateModelInput(input, path, fields, attributes, 0);
  }

  private translateModelInput(input: unknown, path: string, fields: ModelInputFields, attributes: ExpressionAttributes, depth: number): string | undefined {
    if (input === null || input === undefined) return undefined;
    if (depth > MAX_NESTING_DEPTH) {
      throw new ValidationError(`${path.slice(0, 40)}... nests and/or/not more than ${MAX_NESTING_DEPTH} levels deep`);
    }
    const parts = inputObjectEntries(input, path).map(([key, value]) => {
      const isLogicalKey = (LOGICAL_KEYS as readonly string[]).includes(key);
      const operatorInput = Object.hasOwn(fields, key) ? fields[key] : undefined;
      if (!isLogicalKey && operatorInput === undefined) {
        throw new ValidationError(`unknown field '${key}' in ${path}; expected one of ${[...Object.keys(fields), ...LOGICAL_KEYS].join(', ')}`);
      }
      // An explicit null on an optional input field is GraphQL for "not given".
      if (value === null || value === undefined) return undefined;
      const keyPath = `${path}.${key}`;
      if (key === 'and') return allOf(this.translateList(value, keyPath, fields, attributes, depth + 1));
      if (key === 'or') return anyOf(this.translateList(value, keyPath, fields, attributes, depth + 1), keyPath);
      if (key === 'not') return negate(this.translateModelInput(value, keyPath, fields, attributes, depth + 1), keyPath);
      return this.translateFieldInput(attributes.name(key), operatorInput!, value, keyPath, attributes);
    });
    return allOf(parts);
  }

  private translateList(list: unknown, path: string, fields: ModelInputFields, attributes: ExpressionAttributes, depth: number): (string | undefined)[] {
    if (!Array.isArray(list)) throw new ValidationError(`${path} must be a list`);
    return list.map((element: unknown, index) => {
      const elementPath = `${path}[${index}]`;
      // Unlike an omitted field, a null list element has no sensible reading (in an `or` it would match everything).
      if (element === null || element === undefined) throw new ValidationError(`${elementPath} is null; remove it`);
      return this.translateModelInput(element, elementPath, fields, attributes, depth);
    });
  }

  /** One field's operators (`{ gt: 1, lt: 5 }`), ANDed; `attribute` is the field's name placeholder. */
  private translateFieldInput(
    attribute: string,
    operatorInputName: string,
    input: unknown,
    path: string,
    attributes: ExpressionAttributes,
    nested = false,
  ): string | undefined {
    const operators = this.operatorsOf(operatorInputName);
    const parts = inputObjectEntries(input, path).map(([operator, operand]) => {
      const operandType = Object.hasOwn(operators, operator) ? operators[operator] : undefined;
      if (operandType === undefined) {
        const known = TRANSLATABLE_OPERATORS.filter((name) => name in operators);
        throw new ValidationError(`unknown operator '${operator}' in ${path}; expected one of ${known.join(', ')}`);
      }
      const operandPath = `${path}.${operator}`;
      if (operand === undefined) return undefined;
      // `size` compares a length, which is never null: there, null is simply the wrong type.
      if (operand === null && !nested) return compareWithNull(operator, attribute, operandPath, attributes);
      return this.translateOperator(attribute, operator, operandType, operand, operandPath, attributes);
    });
    return allOf(parts);
  }

  private translateOperator(
    attribute: string,
    operator: string,
    operandType: TypeRef,
    operand: unknown,
    path: string,
    attributes: ExpressionAttributes,
  ): string | undefined {
    const value = () => attributes.value(checkOperand(operandType, operand, path, this.enums));
    if (Object.hasOwn(COMPARISON_OPERATORS, operator)) return `${attribute} ${COMPARISON_OPERATORS[operator]} ${value()}`;
    switch (operator) {
      case 'contains':
        return `contains(${attribute}, ${value()})`;
      case 'notContains':
        return `NOT contains(${attribute}, ${value()})`;
      case 'beginsWith':
        return `begins_with(${attribute}, ${value()})`;
      case 'between': {
        const [low, high] = requirePair(operand, path).map((bound, index) =>
          attributes.value(checkOperand({ name: operandType.name }, bound, `${path}[${index}]`, this.enums)),
        );
        return `${attribute} BETWEEN ${low} AND ${high}`;
      }
      case 'attributeExists':
        return checkOperand(operandType, operand, path, this.enums) ? `attribute_exists(${attribute})` : `attribute_not_exists(${attribute})`;
      case 'attributeType': {
        const modelType = checkOperand(operandType, operand, path, this.enums) as string;
        const dynamoDbType = DYNAMODB_TYPE_BY_MODEL_ATTRIBUTE_TYPE[modelType];
        if (dynamoDbType === undefined) throw new ValidationError(`${path} names no DynamoDB type (got ${describe(operand)})`);
        return `attribute_type(${attribute}, ${attributes.value(dynamoDbType)})`;
      }
      case 'size':
        return this.translateFieldInput(`size(${attribute})`, operandType.name, operand, path, attributes, true);
      default:
        // lib/schema-model.ts refuses at synth any operator that is not translated here.
        throw new ValidationError(`operator '${operator}' in ${path} is not supported`);
    }
  }

  private operatorsOf(operatorInputName: string): Readonly<Record<string, TypeRef>> {
    const operators = this.api.operatorInputs[operatorInputName];
    if (operators === undefined) throw new ValidationError(`the schema has no operator input ${operatorInputName}`);
    return operators;
  }
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

/**
 * `eq: null` asks for "no value". Items never store a NULL-typed attribute (create leaves out null fields, update
 * removes them), but a NULL written by another tool is honoured too, so both a missing attribute and NULL match.
 */
function compareWithNull(operator: string, attribute: string, path: string, attributes: ExpressionAttributes): string {
  if (operator === 'eq') return `attribute_not_exists(${attribute}) OR attribute_type(${attribute}, ${attributes.value('NULL')})`;
  if (operator === 'ne') return `attribute_exists(${attribute}) AND NOT attribute_type(${attribute}, ${attributes.value('NULL')})`;
  throw new ValidationError(`${path} is null, but only eq and ne can compare with null; leave it out instead`);
}

function inputObjectEntries(input: unknown, path: string): [string, unknown][] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError(`${path} must be an input object (got ${describe(input)})`);
  }
  return Object.entries(input);
}

function requirePair(operand: unknown, path: string): [unknown, unknown] {
  if (!Array.isArray(operand) || operand.length !== 2) {
    throw new ValidationError(`${path} needs exactly 2 elements, a lower and an upper bound (got ${describe(operand)})`);
  }
  return [operand[0], operand[1]];
}
