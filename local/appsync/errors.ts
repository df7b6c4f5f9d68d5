/**
 * AppSync's error shapes. AppSync runs graphql-java; its messages differ from graphql-js's, so graphql-js's errors are
 * translated here. Shapes (key order as AppSync writes them):
 *
 * - request-level (HTTP 4xx): `{"errors":[{"errorType":…,"message":…}]}` or, for body problems,
 *   `{"errors":[{"message":…,"errorType":…}]}` — both orders are AppSync's, per the wire facts;
 * - validation, syntax and variable errors (HTTP 200, `data: null`): `{"path":null,"locations":[{"line","column",
 *   "sourceName":null}],"message":…}`;
 * - field errors (resolvers, auth, Lambda): `{"path":[…],"data":null,"errorType":…,"errorInfo":null,"locations":[…],
 *   "message":…}`;
 * - serialisation and non-null errors: `{"path":[…],"locations":null,"message":…}`.
 *
 * Validation wording: FieldUndefined is AppSync's exactly; UnknownArgument, MissingFieldArgument, SubSelectionRequired,
 * SubSelectionNotAllowed, UndefinedVariable, UnusedVariable, VariableTypeMismatch, UnknownType, UndefinedFragment,
 * UnusedFragment, UnknownDirective, MisplacedDirective and WrongType follow graphql-java's sentences (the validator
 * AppSync runs); anything else is `Validation error of type <closest graphql-java type>: <graphql-js's sentence>`.
 */
import {
  type ASTNode,
  type DocumentNode,
  GraphQLError,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isObjectType,
  Kind,
  type ObjectValueNode,
  type SourceLocation,
  TypeInfo,
  type ValueNode,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { AwsScalarParseError, AwsScalarSerializeError } from './scalars';

export interface AppSyncLocation {
  readonly line: number;
  readonly column: number;
  readonly sourceName: null;
}

/** An error a resolver raises for its field, with AppSync's errorType. */
export class FieldError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = 'FieldError';
  }
}

export function locations(locs: readonly SourceLocation[] | undefined): AppSyncLocation[] | null {
  return locs && locs.length > 0 ? locs.map(({ line, column }) => ({ line, column, sourceName: null })) : null;
}

/** `{"errors":[{"errorType","message"}]}` — the auth failures' order. */
export function authErrorBody(errorType: string, message: string): string {
  return JSON.stringify({ errors: [{ errorType, message }] });
}

/** `{"errors":[{"message","errorType"}]}` — the malformed-request order. */
export function requestErrorBody(message: string, errorType: string): string {
  return JSON.stringify({ errors: [{ message, errorType }] });
}

export function requestLevelError(message: string, locs: readonly SourceLocation[] | undefined): Record<string, unknown> {
  return { path: null, locations: locations(locs), message };
}

// ---------------------------------------------------------------------------------------------------------------
// Syntax errors

/** graphql-java's `Invalid Syntax : offending token 'x' at line L column C` for a graphql-js syntax error. */
export function syntaxError(error: GraphQLError, source: string): Record<string, unknown> {
  const location = error.locations?.[0];
  if (!location) return requestLevelError(`Invalid Syntax : ${error.message.replace(/^Syntax Error: /, '')}`, undefined);
  const token = offendingToken(source, location);
  // graphql-java's own words when its token limit stops the parser (AppSync's limit may differ from the local one;
  // graphql-js 16 writes "more that").
  const tooMany = /^Syntax Error: Document contains more tha[nt] (\d+) tokens\. Parsing aborted\.$/.exec(error.message);
  const prefix = tooMany
    ? `More than ${tooMany[1]} 'grammar' tokens have been presented. To prevent Denial Of Service attacks, parsing has been cancelled. `
    : '';
  return requestLevelError(`Invalid Syntax : ${prefix}offending token '${token}' at line ${location.line} column ${location.column}`, [location]);
}

function offendingToken(source: string, location: SourceLocation): string {
  const lines = source.split(/\r\n|[\n\r]/);
  const rest = (lines[location.line - 1] ?? '').slice(location.column - 1) + (location.line < lines.length ? '\n' : '');
  if (location.line > lines.length || (rest.trim() === '' && location.line >= lines.length)) return '<EOF>';
  const match = /^(?:[_A-Za-z][_0-9A-Za-z]*|"(?:[^"\\\n]|\\.)*"?|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\.\.|\S)/.exec(rest);
  return (match?.[0] ?? '<EOF>').slice(0, 100);
}

// ---------------------------------------------------------------------------------------------------------------
// Validation errors

interface NodeInfo {
  /** Field names from the operation (or fragment) root down to the field, joined by '/'. */
  readonly fieldPath: string;
  /** For values inside arguments: the argument name and input object fields, joined by '.'. */
  readonly argPath?: string;
  readonly inputType?: GraphQLInputType;
  /** For an ObjectField node: the object value holding it and that value's argPath. */
  readonly parentObject?: { readonly node: ObjectValueNode; readonly argPath: string; readonly type?: GraphQLInputType };
}

function describeNodes(schema: GraphQLSchema, document: DocumentNode): Map<ASTNode, NodeInfo> {
  const info = new Map<ASTNode, NodeInfo>();
  const typeInfo = new TypeInfo(schema);
  const fields: string[] = [];
  const argPath: string[] = [];
  const objects: Array<{ node: ObjectValueNode; argPath: string; type?: GraphQLInputType }> = [];
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      enter(node) {
        switch (node.kind) {
          case Kind.FIELD:
            fields.push(node.name.value);
            info.set(node, { fieldPath: fields.join('/') });
            return;
          case Kind.ARGUMENT:
            argPath.push(node.name.value);
            info.set(node, { fieldPath: fields.join('/'), argPath: argPath.join('.') });
            return;
          case Kind.OBJECT_FIELD: {
            const parent = objects[objects.length - 1];
            info.set(node, { fieldPath: fields.join('/'), argPath: argPath.join('.'), parentObject: parent });
            argPath.push(node.name.value);
            return;
          }
          case Kind.DIRECTIVE:
          case Kind.FRAGMENT_SPREAD:
          case Kind.VARIABLE_DEFINITION:
            info.set(node, { fieldPath: fields.join('/') });
            return;
          default:
            if (isValueNode(node)) {
              const entry: NodeInfo = { fieldPath: fields.join('/'), argPath: argPath.join('.'), inputType: typeInfo.getInputType() ?? undefined };
              info.set(node, entry);
              if (node.kind === Kind.OBJECT) objects.push({ node, argPath: entry.argPath ?? '', type: entry.inputType });
            }
        }
      },
      leave(node) {
        if (node.kind === Kind.FIELD) fields.pop();
        else if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) argPath.pop();
        else if (node.kind === Kind.OBJECT) objects.pop();
      },
    }),
  );
  return info;
}

function isValueNode(node: ASTNode): node is ValueNode {
  switch (node.kind) {
    case Kind.VARIABLE:
    case Kind.INT:
    case Kind.FLOAT:
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.NULL:
    case Kind.ENUM:
    case Kind.LIST:
    case Kind.OBJECT:
      return true;
    default:
      return false;
  }
}

/** graphql-java's toString of a literal, as it appears in WrongType messages. */
export function javaValue(node: ValueNode): string {
  switch (node.kind) {
    case Kind.STRING:
      return `StringValue{value='${node.value}'}`;
    case Kind.INT:
      return `IntValue{value=${node.value}}`;
    case Kind.FLOAT:
      return `FloatValue{value=${node.value}}`;
    case Kind.BOOLEAN:
      return `BooleanValue{value=${node.value}}`;
    case Kind.NULL:
      return 'NullValue{}';
    case Kind.ENUM:
      return `EnumValue{name='${node.value}'}`;
    case Kind.VARIABLE:
      return `VariableReference{name='${node.name.value}'}`;
    case Kind.LIST:
      return `ArrayValue{values=[${node.values.map(javaValue).join(', ')}]}`;
    case Kind.OBJECT:
      return `ObjectValue{objectFields=[${node.fields.map((field) => `ObjectField{name='${field.name.value}', value=${javaValue(field.value)}}`).join(', ')}]}`;
  }
}

type Translation = readonly [RegExp, string, (match: RegExpExecArray, node: ASTNode | undefined, info: NodeInfo | undefined) => string, boolean?];

const at = (info: NodeInfo | undefined) => (info?.fieldPath ? ` @ '${info.fieldPath}'` : '');

/** [graphql-js message, graphql-java type, detail, whether the path suffix applies]. */
const TRANSLATIONS: readonly Translation[] = [
  [/^Cannot query field "(.+?)" on type "(.+?)"\./, 'FieldUndefined', (m) => `Field '${m[1]}' in type '${m[2]}' is undefined`],
  [/^Unknown argument "(.+?)" on field "(.+?)"\./, 'UnknownArgument', (m) => `Unknown field argument ${m[1]}`],
  [/^Unknown argument "(.+?)" on directive "@(.+?)"\./, 'UnknownDirective', (m) => `Unknown directive argument ${m[1]}`],
  [/^Field "(.+?)" argument "(.+?)" of type "(.+?)" is required, but it was not provided\./, 'MissingFieldArgument', (m) => `Missing field argument ${m[2]}`],
  [
    /^Directive "@(.+?)" argument "(.+?)" of type "(.+?)" is required, but it was not provided\./,
    'MissingDirectiveArgument',
    (m) => `Missing directive argument ${m[2]}`,
  ],
  [
    /^Field "(.+?)" of type "(.+?)" must have a selection of subfields\./,
    'SubSelectionRequired',
    (m) => `Sub selection required for type ${m[2]} of field ${m[1]}`,
  ],
  [
    /^Field "(.+?)" must not have a selection since type "(.+?)" has no subfields\./,
    'SubSelectionNotAllowed',
    (m) => `Sub selection not allowed on leaf type ${m[2]} of field ${m[1]}`,
  ],
  [/^Variable "\$(.+?)" is not defined/, 'UndefinedVariable', (m) => `Undefined variable ${m[1]}`],
  [/^Variable "\$(.+?)" is never used/, 'UnusedVariable', (m) => `Unused variable ${m[1]}`, false],
  [
    /^Variable "\$(.+?)" of type "(.+?)" used in position expecting type "(.+?)"\./,
    'VariableTypeMismatch',
    (m) => `Variable type '${m[2]}' doesn't match expected type '${m[3]}'`,
  ],
  [/^Unknown type "(.+?)"\./, 'UnknownType', (m) => `Unknown type ${m[1]}`, false],
  [/^Unknown fragment "(.+?)"\./, 'UndefinedFragment', (m) => `Undefined fragment ${m[1]}`],
  [/^Fragment "(.+?)" is never used\./, 'UnusedFragment', (m) => `Unused fragment ${m[1]}`, false],
  [/^Unknown directive "@(.+?)"\./, 'UnknownDirective', (m) => `Unknown directive ${m[1]}`],
  [/^Directive "@(.+?)" may not be used on (.+?)\./, 'MisplacedDirective', (m) => `Directive ${m[1]} not allowed here`],
  [
    /^The directive "@(.+?)" can only be used once at this location\./,
    'DuplicateDirectiveName',
    (m) => `Directives must be uniquely named within a location. The directive '${m[1]}' is used more than once`,
  ],
  [/^There can be only one operation named "(.+?)"\./, 'DuplicateOperationName', (m) => `There can be only one operation named '${m[1]}'`, false],
  [
    /^This anonymous operation must be the only defined operation\./,
    'LoneAnonymousOperationViolation',
    () => 'Anonymous operation with other operations.',
    false,
  ],
  [/^There can be only one fragment named "(.+?)"\./, 'DuplicateFragmentName', (m) => `There can be only one fragment named '${m[1]}'`, false],
  [/^There can be only one argument named "(.+?)"\./, 'DuplicateArgumentNames', (m) => `There can be only one argument named '${m[1]}'`],
  [/^There can be only one variable named "\$(.+?)"\./, 'DuplicateVariableName', (m) => `There can be only one variable named '${m[1]}'`, false],
  [
    /^Variable "\$(.+?)" cannot be non-input type "(.+?)"\./,
    'NonInputTypeOnVariable',
    (m) => `Input type ${m[2]} of variable ${m[1]} is not an input type`,
    false,
  ],
  [/^Cannot spread fragment "(.+?)" within itself/, 'FragmentCycle', (m) => `Fragment cycles not allowed: ${m[1]}`, false],
  [
    /^Fragment "(.+?)" cannot be spread here as objects of type "(.+?)" can never be of type "(.+?)"\./,
    'InvalidFragmentType',
    (m) => `Fragment ${m[1]} cannot be spread here as objects of type ${m[2]} can never be of type ${m[3]}`,
  ],
  [
    /^Fragment cannot be spread here as objects of type "(.+?)" can never be of type "(.+?)"\./,
    'InvalidFragmentType',
    (m) => `Inline fragment cannot be spread here as objects of type ${m[1]} can never be of type ${m[2]}`,
  ],
  [/^Fields "(.+?)" conflict because (.+)$/s, 'FieldsConflict', (m) => `${m[1]}: ${m[2].replace(/\.$/, '')}`],
  [
    /(?:^Subscription "(.+?)"|^Anonymous Subscription) must select only one top level field\./,
    'SubscriptionMultipleRootFields',
    () => 'Subscription operation must only have one root field',
    false,
  ],
  [
    /^(?:Subscription "(.+?)"|Anonymous Subscription) must not select an introspection top level field\./,
    'SubscriptionIntrospectionRootField',
    () => 'Subscription operation must not have an introspection root field',
    false,
  ],
  [
    /^Schema does not define the required query root type\.|^Schema is not configured to execute (\w+) operation\./,
    'UnknownOperation',
    (m) => `The '${m[1] ?? 'query'}' operation is not supported by the schema`,
    false,
  ],
];

/** Messages ValuesOfCorrectTypeRule and the scalars raise for a literal: all are graphql-java's WrongType. */
function wrongType(error: GraphQLError, node: ASTNode | undefined, info: NodeInfo | undefined): string | undefined {
  if (!node) return undefined;
  const unknownField = /^Field "(.+?)" is not defined by type "(.+?)"\./.exec(error.message);
  if (unknownField && node.kind === Kind.OBJECT_FIELD && info?.parentObject) {
    const parent = info.parentObject;
    return `argument '${parent.argPath}' with value '${javaValue(parent.node)}' contains a field not in '${unknownField[2]}': '${unknownField[1]}'`;
  }
  const missingField = /^Field "(.+?)\.(.+?)" of required type "(.+?)" was not provided\./.exec(error.message);
  if (missingField && isValueNode(node)) {
    return `argument '${info?.argPath ?? ''}' with value '${javaValue(node)}' is missing required fields '[${missingField[2]}]'`;
  }
  if (
    isValueNode(node) &&
    (rootCause(error) instanceof AwsScalarParseError ||
      /^Expected value of type "(.+?)", found /.test(error.message) ||
      / cannot represent /.test(error.message) ||
      /^Value ".*" does not exist in ".*" enum\./.test(error.message))
  ) {
    // graphql-java names the type without its non-null marker (it unwraps it before checking the value).
    const expected = info?.inputType
      ? String(getNullableType(info.inputType))
      : (/^Expected value of type "(.+?)!?", found /.exec(error.message)?.[1] ?? 'unknown');
    return `argument '${info?.argPath ?? ''}' with value '${javaValue(node)}' is not a valid '${expected}'`;
  }
  return undefined;
}

export function validationErrors(schema: GraphQLSchema, document: DocumentNode, errors: readonly GraphQLError[]): Array<Record<string, unknown>> {
  const infoByNode = describeNodes(schema, document);
  return errors.map((error) => {
    const nodes = error.nodes ?? [];
    for (const [pattern, type, detail, withPath] of TRANSLATIONS) {
      const match = pattern.exec(error.message);
      if (!match) continue;
      // VariablesInAllowedPosition reports [definition, usage]: the usage is where the field path is.
      const node = type === 'VariableTypeMismatch' ? nodes[nodes.length - 1] : nodes[0];
      const info = node ? infoByNode.get(node) : undefined;
      const locs =
        type === 'VariableTypeMismatch' && node?.loc
          ? [error.locations?.[error.locations.length - 1]].filter((l): l is SourceLocation => !!l)
          : error.locations;
      return requestLevelError(`Validation error of type ${type}: ${detail(match, node, info)}${withPath === false ? '' : at(info)}`, locs);
    }
    const node = nodes[0];
    const info = node ? infoByNode.get(node) : undefined;
    const wrong = wrongType(error, node, info);
    if (wrong !== undefined) return requestLevelError(`Validation error of type WrongType: ${wrong}${at(info)}`, error.locations);
    return requestLevelError(`Validation error: ${error.message}`, error.locations);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Variable coercion errors

/** graphql-js wraps a scalar's own error in one or more GraphQLErrors. */
function rootCause(error: Error): Error {
  let cause: Error = error;
  while (cause instanceof GraphQLError && cause.originalError) cause = cause.originalError;
  return cause;
}

export function variableErrors(errors: readonly GraphQLError[]): Array<Record<string, unknown>> {
  return errors.map((error) => {
    const definition = error.nodes?.[0];
    const name = definition?.kind === Kind.VARIABLE_DEFINITION ? definition.variable.name.value : (/^Variable "\$([^"]+)"/.exec(error.message)?.[1] ?? '');
    const locs = error.locations;
    const notProvided = /^Variable "\$.+?" of (?:required|non-null) type "(.+?)" (?:was not provided|must not be null)\./.exec(error.message);
    if (notProvided) return requestLevelError(`Variable '${name}' has coerced Null value for NonNull type '${notProvided[1]}'`, locs);
    const cause = rootCause(error);
    if (cause instanceof AwsScalarParseError) {
      return requestLevelError(`Variable '${name}' has an invalid value. ${cause.message}`, locs);
    }
    const unknownField = /; Field "(.+?)" is not defined by type "(.+?)"\./.exec(error.message);
    if (unknownField) {
      // AppSync's sentence, trailing space included.
      return requestLevelError(
        `The variables input contains a field name '${unknownField[1]}' that is not defined for input object type '${unknownField[2]}' `,
        locs,
      );
    }
    const missingField = /; Field "(.+?)" of required type "(.+?)" was not provided\./.exec(error.message);
    if (missingField) return requestLevelError(`Variable '${name}' has coerced Null value for NonNull type '${missingField[2]}'`, locs);
    const invalid = /^Variable "\$.+?" got invalid value .*?; (.*)$/s.exec(error.message);
    return requestLevelError(`Variable '${name}' has an invalid value. ${invalid ? invalid[1] : error.message}`, locs);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Execution errors

function pathText(path: ReadonlyArray<string | number>): string {
  return path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `/${segment}`)).join('');
}

export function executionError(schema: GraphQLSchema, error: GraphQLError): Record<string, unknown> {
  const path = error.path ? [...error.path] : null;
  const original = error.originalError;
  if (original instanceof FieldError) {
    return { path, data: null, errorType: original.errorType, errorInfo: null, locations: locations(error.locations), message: original.message };
  }
  if (original instanceof AwsScalarSerializeError) {
    return { path, locations: null, message: `Can't serialize value (${pathText(path ?? [])}) : ${original.message}` };
  }
  const nonNull = /^Cannot return null for non-nullable field (.+?)\.(.+?)\.$/.exec(error.message);
  if (nonNull) {
    const parent = schema.getType(nonNull[1]);
    const field = isObjectType(parent) ? parent.getFields()[nonNull[2]] : undefined;
    const typeName = field ? getNamedType(field.type).name : nonNull[2];
    return {
      path,
      locations: null,
      message: `Cannot return null for non-nullable type: '${typeName}' within parent '${nonNull[1]}' (${pathText(path ?? [])})`,
    };
  }
  // Anything else (a result that does not fit its type, …): AppSync's field-error shape, graphql-js's sentence.
  return { path, data: null, errorType: null, errorInfo: null, locations: locations(error.locations), message: error.message };
}

// ---------------------------------------------------------------------------------------------------------------
// Real-time (WebSocket) errors

/**
 * The errorTypes of AppSync's real-time endpoint. Recorded responses: SubProtocolNotSupportedError
 * (graphql-dotnet/graphql-client#591, with errorCode 400 and no errorType), UnauthorizedException on connect
 * (amplify-flutter#2763, errorCode 401), UnsupportedOperation (`<what> not supported through the realtime channel`,
 * a start without `data`), Unauthorized and UnauthorizedException/Permission denied on start (amplify-js#12679,
 * amplify-cli#4137), MaxSubscriptionsReachedError and DuplicatedOperationError (named by AWS's real-time clients and
 * re:Post; their messages here are *unconfirmed*).
 */
export enum RealtimeErrorType {
  UnsupportedOperation = 'UnsupportedOperation',
  Unauthorized = 'Unauthorized',
  UnauthorizedException = 'UnauthorizedException',
  MaxSubscriptionsReached = 'MaxSubscriptionsReachedError',
  DuplicatedOperation = 'DuplicatedOperationError',
  BadRequest = 'BadRequestException',
  UnsupportedResolver = 'UnsupportedResolver',
}

/** One error of a real-time `error` or `connection_error` message's `payload.errors`. */
export interface RealtimeError {
  readonly errorType?: string;
  readonly message: string;
  /** connection_error only: the HTTP status AppSync would have answered (Amplify treats 400, 401 and 403 as final). */
  readonly errorCode?: number;
}

/** `{"errorType","message"}`: the shape of every recorded start error. */
export function realtimeError(errorType: RealtimeErrorType | string, message: string): RealtimeError {
  return { errorType, message };
}

/** A start or message AppSync cannot place: `<what> not supported through the realtime channel`. */
export function unsupportedOperationError(what: string): RealtimeError {
  return realtimeError(RealtimeErrorType.UnsupportedOperation, `${what} not supported through the realtime channel`);
}

/** The connection's subprotocol is not graphql-ws: AppSync's recorded error has a message and a code, no errorType. */
export function subProtocolNotSupportedError(): RealtimeError {
  return { message: 'SubProtocolNotSupportedError', errorCode: 400 };
}

/** A refused connect: the HTTP endpoint's errorType and message, with its status as errorCode. */
export function connectRefusedError(errorType: string, message: string, status: number): RealtimeError {
  return { errorType, message, errorCode: status };
}
