/**
 * Resolves the CloudFormation intrinsic functions a CDK app's templates use, the way CloudFormation does at deploy
 * time. Anything it does not know is an error naming the resource and the function, never a silent wrong value.
 */

export type TemplateValue = null | boolean | number | string | TemplateValue[] | { [key: string]: TemplateValue };

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** What the resolver needs from the deployment being built. */
export interface IntrinsicContext {
  /** Where the value comes from, for error messages, e.g. `TodoApi-dev/MyFunction.Properties.Environment`. */
  readonly where: string;
  /** Ref of a parameter, pseudo parameter or resource. */
  ref(name: string): TemplateValue;
  /** Fn::GetAtt of a resource attribute. */
  getAtt(logicalId: string, attribute: string): TemplateValue;
  /** Fn::ImportValue of another stack's export. */
  importValue(exportName: string): TemplateValue;
  /** Truth of a named condition of the template. */
  condition(name: string): boolean;
}

const NO_VALUE = Symbol('AWS::NoValue');

/** Resolves every intrinsic in a value; `{ Ref: AWS::NoValue }` removes the property or list element. */
export function resolveIntrinsics(value: TemplateValue, context: IntrinsicContext): TemplateValue {
  const resolved = resolve(value, context);
  return resolved === NO_VALUE ? null : resolved;
}

function resolve(value: TemplateValue, context: IntrinsicContext): TemplateValue | typeof NO_VALUE {
  if (Array.isArray(value)) {
    return value.map((item) => resolve(item, context)).filter((item): item is TemplateValue => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) {
    return resolveFunction(keys[0], value[keys[0]], context);
  }
  const result: { [key: string]: TemplateValue } = {};
  for (const key of keys) {
    const item = resolve(value[key], context);
    if (item !== NO_VALUE) result[key] = item;
  }
  return result;
}

function resolveFunction(name: string, argument: TemplateValue, context: IntrinsicContext): TemplateValue | typeof NO_VALUE {
  const arg = (): TemplateValue => resolveIntrinsics(argument, context);
  switch (name) {
    case 'Ref': {
      const target = expectString(arg(), name, context);
      return target === 'AWS::NoValue' ? NO_VALUE : context.ref(target);
    }
    case 'Fn::GetAtt': {
      const parts = typeof argument === 'string' ? splitDotted(argument) : expectList(arg(), name, context, 2).map((part) => expectString(part, name, context));
      return context.getAtt(parts[0], parts[1]);
    }
    case 'Fn::Join': {
      const [separator, items] = expectList(argument, name, context, 2);
      const list = expectList(resolveIntrinsics(items, context), name, context);
      return list.map((item) => scalarToString(item, name, context)).join(expectString(resolveIntrinsics(separator, context), name, context));
    }
    case 'Fn::Select': {
      const [index, items] = expectList(argument, name, context, 2);
      const list = expectList(resolveIntrinsics(items, context), name, context);
      const position = Number(resolveIntrinsics(index, context));
      if (!Number.isInteger(position) || position < 0 || position >= list.length) {
        throw new TemplateError(`${context.where}: Fn::Select index ${position} is out of range for a list of ${list.length}`);
      }
      return list[position];
    }
    case 'Fn::Split': {
      const [separator, source] = expectList(argument, name, context, 2);
      return expectString(resolveIntrinsics(source, context), name, context).split(expectString(resolveIntrinsics(separator, context), name, context));
    }
    case 'Fn::Sub':
      return substitute(argument, context);
    case 'Fn::ImportValue':
      return context.importValue(expectString(arg(), name, context));
    case 'Fn::Base64':
      return Buffer.from(expectString(arg(), name, context)).toString('base64');
    case 'Fn::GetAZs':
      return ['a', 'b', 'c'].map((zone) => `${String(context.ref('AWS::Region'))}${zone}`);
    case 'Fn::If': {
      const [conditionName, whenTrue, whenFalse] = expectList(argument, name, context, 3);
      return resolve(context.condition(expectString(conditionName, name, context)) ? whenTrue : whenFalse, context);
    }
    case 'Fn::Equals': {
      const [left, right] = expectList(argument, name, context, 2);
      return JSON.stringify(resolveIntrinsics(left, context)) === JSON.stringify(resolveIntrinsics(right, context));
    }
    case 'Fn::And':
      return expectList(argument, name, context).every((item) => resolveIntrinsics(item, context) === true);
    case 'Fn::Or':
      return expectList(argument, name, context).some((item) => resolveIntrinsics(item, context) === true);
    case 'Fn::Not':
      return resolveIntrinsics(expectList(argument, name, context, 1)[0], context) !== true;
    case 'Condition':
      return context.condition(expectString(argument, name, context));
    default:
      throw new TemplateError(`${context.where}: the intrinsic function ${name} is not supported by the local cloud`);
  }
}

/** Fn::Sub: `${Param}`, `${Resource.Attribute}`, `${!Literal}`, with an optional map of its own variables. */
function substitute(argument: TemplateValue, context: IntrinsicContext): string {
  const [template, variables] = typeof argument === 'string' ? [argument, {}] : expectList(argument, 'Fn::Sub', context);
  const ownValues = resolveIntrinsics(variables ?? {}, context);
  if (typeof ownValues !== 'object' || ownValues === null || Array.isArray(ownValues)) {
    throw new TemplateError(`${context.where}: Fn::Sub variables must be a map`);
  }
  return expectString(template, 'Fn::Sub', context).replace(/\$\{([^}]*)\}/g, (_match, expression: string) => {
    if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
    const name = expression.trim();
    if (name in ownValues) return scalarToString(ownValues[name], 'Fn::Sub', context);
    if (name.includes('.') && !name.startsWith('AWS::')) {
      const [logicalId, attribute] = splitDotted(name);
      return scalarToString(context.getAtt(logicalId, attribute), 'Fn::Sub', context);
    }
    return scalarToString(context.ref(name), 'Fn::Sub', context);
  });
}

function splitDotted(value: string): [string, string] {
  const dot = value.indexOf('.');
  return [value.slice(0, dot), value.slice(dot + 1)];
}

function expectString(value: TemplateValue, fn: string, context: IntrinsicContext): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new TemplateError(`${context.where}: ${fn} expects a string here, got ${JSON.stringify(value)}`);
}

function expectList(value: TemplateValue, fn: string, context: IntrinsicContext, length?: number): TemplateValue[] {
  if (!Array.isArray(value) || (length !== undefined && value.length < length)) {
    throw new TemplateError(`${context.where}: ${fn} expects a list${length ? ` of ${length}` : ''}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function scalarToString(value: TemplateValue, fn: string, context: IntrinsicContext): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(`${context.where}: ${fn} cannot turn ${JSON.stringify(value)} into a string`);
}
