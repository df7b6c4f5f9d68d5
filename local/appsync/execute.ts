/**
 * Runs one GraphQL operation against an API the way AppSync does, once the request is authenticated: parse,
 * validate, pick the operation, coerce variables, check the IAM policy for each top-level field, execute (every field
 * checked against its @aws_* auth rule, direct Lambda resolvers invoked with AppSync's event, a deadline on the whole
 * request), and answer in AppSync's shapes.
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  GraphQLIncludeDirective,
  type GraphQLResolveInfo,
  GraphQLSkipDirective,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  defaultFieldResolver,
  execute,
  getDirectiveValues,
  getVariableValues,
  parse,
  print,
  specifiedRules,
  validate,
} from 'graphql';
import type { LocalPrincipal } from '../iam/principals';
import { describeStatement, evaluate } from '../iam/policy-evaluator';
import { FieldError, authErrorBody, executionError, locations, requestErrorBody, requestLevelError, syntaxError, validationErrors, variableErrors } from './errors';
import type { ApiRuntime, AuthMode, FieldResolverFactory } from './schema';

/**
 * HTTP status for an IAM request whose policies do not allow `appsync:GraphQL` on a requested top-level field.
 * *Unconfirmed* (appsync-wire-facts.md): 401 is the most plausible, as AppSync answers every other authorisation
 * refusal with 401 UnauthorizedException. Change it here if a real response shows otherwise.
 */
export const IAM_PERMISSION_DENIED_STATUS = 401;
export const PERMISSION_DENIED_MESSAGE = 'Permission denied';

/** Parsed and validated documents kept per schema (least recently used dropped first), and the longest query text kept. */
export const DOCUMENT_CACHE_ENTRIES = 200;
export const DOCUMENT_CACHE_MAX_QUERY_CHARS = 16 * 1024;

/** AppSync's hard limit on a request's execution. */
export const EXECUTION_TIMEOUT_MS = 30_000;
/** Parsing stops past this many tokens, so that a huge document cannot hold the server (AppSync has limits too). */
export const MAX_QUERY_TOKENS = 100_000;

export type InvokeLambdaResult = { ok: true; payload: unknown } | { ok: false; errorType: string; errorMessage: string };
export type InvokeLambda = (functionArn: string, event: unknown) => Promise<InvokeLambdaResult>;

export interface RequestAuth {
  readonly mode: AuthMode;
  /** IAM only. */
  readonly principal?: LocalPrincipal;
  readonly sourceIp: string;
}

export interface OperationInput {
  readonly query: string;
  readonly variables: Record<string, unknown> | null;
  readonly operationName: string | null;
  readonly httpMethod: string;
  /** The request's headers, lower-case names, as resolvers see them in `request.headers`. */
  readonly headers: Record<string, string>;
}

export interface OperationOutcome {
  readonly status: number;
  readonly body: string;
  /** For `x-amzn-ErrorType` on request-level refusals. */
  readonly errorType?: string;
  /** `query LIST_TODOS` etc., when known. */
  readonly operation?: string;
  /** What decided, for the request's log line. */
  readonly decisions: readonly string[];
}

export interface ExecutionDeps {
  readonly invokeLambda: InvokeLambda;
  readonly timeoutMs: number;
}

const TIMED_OUT = Symbol('timed out');

interface ResolverContext {
  readonly auth: RequestAuth;
  readonly identity: Record<string, unknown> | null;
  readonly headers: Record<string, string>;
  readonly rawVariables: Record<string, unknown>;
  readonly invokeLambda: InvokeLambda;
  readonly deadline: Promise<typeof TIMED_OUT>;
  timedOut: boolean;
  readonly decisions: string[];
}

/** The resolver of every field: auth rule first, then the configured resolver or the default one. */
export const makeFieldResolver: FieldResolverFactory = (runtime, typeName, fieldName) => {
  const rule = runtime.fieldAuth(typeName, fieldName);
  const resolver = runtime.resolver(typeName, fieldName);
  const resolve: GraphQLFieldResolver<unknown, ResolverContext> = (source, args, context, info) => {
    if (!rule.modes.has(context.auth.mode)) {
      context.decisions.push(`field ${typeName}.${fieldName} refused to ${context.auth.mode} (${rule.source})`);
      throw new FieldError('Unauthorized', `Not Authorized to access ${fieldName} on type ${typeName}`);
    }
    // Top-level fields only, to keep the line short: what opened them to this mode.
    if (info.path.prev === undefined) context.decisions.push(`${typeName}.${fieldName} open to ${context.auth.mode} (${rule.source})`);
    if (!resolver) return defaultFieldResolver(source, args, context, info);
    if (resolver.unsupported !== undefined || resolver.lambdaFunctionArn === undefined) {
      const why = resolver.unsupported ?? 'it is not a direct Lambda resolver';
      context.decisions.push(`resolver ${typeName}.${fieldName} not emulated`);
      throw new FieldError('UnsupportedResolver', `The resolver of ${typeName}.${fieldName} cannot run in the local cloud: ${why}.`);
    }
    return invokeDirectLambda(resolver.lambdaFunctionArn, source, args, context, info, typeName, fieldName);
  };
  return resolve as GraphQLFieldResolver<unknown, unknown>;
};

async function invokeDirectLambda(
  functionArn: string,
  source: unknown,
  args: Record<string, unknown>,
  context: ResolverContext,
  info: GraphQLResolveInfo,
  typeName: string,
  fieldName: string,
): Promise<unknown> {
  if (context.timedOut) throw new FieldError('Lambda:ExecutionTimeoutException', 'Execution timed out.');
  const event = lambdaEvent(source, args, context, info);
  const invocation = Promise.resolve()
    .then(() => context.invokeLambda(functionArn, event))
    .then(
    (result) => result,
    (error: unknown): InvokeLambdaResult => ({ ok: false, errorType: 'Lambda:Unhandled', errorMessage: `The local Lambda runtime could not invoke ${functionArn}: ${(error as Error)?.message ?? String(error)}` }),
  );
  const outcome = await Promise.race([invocation, context.deadline]);
  if (outcome === TIMED_OUT) {
    context.decisions.push(`${typeName}.${fieldName} timed out`);
    throw new FieldError('Lambda:ExecutionTimeoutException', 'Execution timed out.');
  }
  if (!outcome.ok) {
    context.decisions.push(`${typeName}.${fieldName} Lambda error ${outcome.errorType}`);
    // AppSync drops the function's own errorType: every failure of a direct Lambda resolver is Lambda:Unhandled.
    throw new FieldError('Lambda:Unhandled', outcome.errorMessage);
  }
  return outcome.payload ?? null;
}

/** AppSync's direct Lambda resolver event (Context object). */
function lambdaEvent(source: unknown, args: Record<string, unknown>, context: ResolverContext, info: GraphQLResolveInfo): Record<string, unknown> {
  const field = info.parentType.getFields()[info.fieldName];
  const argumentsWithNulls: Record<string, unknown> = {};
  for (const arg of field?.args ?? []) argumentsWithNulls[arg.name] = Object.prototype.hasOwnProperty.call(args, arg.name) ? args[arg.name] : null;
  for (const [name, value] of Object.entries(args)) if (!(name in argumentsWithNulls)) argumentsWithNulls[name] = value;
  const isRoot = info.path.prev === undefined;
  return {
    arguments: argumentsWithNulls,
    identity: context.identity,
    source: isRoot ? null : (source ?? null),
    request: { headers: context.headers, domainName: null },
    info: {
      fieldName: info.fieldName,
      parentTypeName: info.parentType.name,
      variables: context.rawVariables,
      ...selectionSetOf(info),
    },
    prev: null,
    stash: {},
  };
}

interface SelectionSetDescription {
  readonly selectionSetList: readonly string[];
  readonly selectionSetGraphQL: string;
}

/** By field node: with documents kept (checkedDocument), the same operation yields the same nodes, and these strings. */
const selectionSets = new WeakMap<FieldNode, SelectionSetDescription>();

function selectionSetOf(info: GraphQLResolveInfo): SelectionSetDescription {
  const node = info.fieldNodes.length === 1 ? info.fieldNodes[0] : undefined;
  const cached = node ? selectionSets.get(node) : undefined;
  if (cached) return { selectionSetList: [...cached.selectionSetList], selectionSetGraphQL: cached.selectionSetGraphQL };
  const described: SelectionSetDescription = {
    selectionSetList: selectionSetList(info),
    selectionSetGraphQL: info.fieldNodes[0]?.selectionSet ? print(info.fieldNodes[0].selectionSet) : '',
  };
  if (node) selectionSets.set(node, described);
  return { selectionSetList: [...described.selectionSetList], selectionSetGraphQL: described.selectionSetGraphQL };
}

/** Field paths below the field (`items`, `items/id`…), by field name (not alias), fragments flattened, no duplicates. */
function selectionSetList(info: GraphQLResolveInfo): string[] {
  const list: string[] = [];
  const seen = new Set<string>();
  const visiting = new Set<string>();
  const walk = (selectionSet: SelectionSetNode, prefix: string) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const path = prefix === '' ? selection.name.value : `${prefix}/${selection.name.value}`;
        if (!seen.has(path)) {
          seen.add(path);
          list.push(path);
        }
        if (selection.selectionSet) walk(selection.selectionSet, path);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, prefix);
      } else {
        const fragment = info.fragments[selection.name.value];
        if (fragment && !visiting.has(fragment.name.value)) {
          visiting.add(fragment.name.value);
          walk(fragment.selectionSet, prefix);
          visiting.delete(fragment.name.value);
        }
      }
    }
  };
  for (const node of info.fieldNodes) if (node.selectionSet) walk(node.selectionSet, '');
  return list;
}

function iamIdentity(auth: RequestAuth): Record<string, unknown> | null {
  if (auth.mode !== 'AWS_IAM' || !auth.principal) return null;
  return {
    accountId: auth.principal.accountId,
    cognitoIdentityAuthProvider: null,
    cognitoIdentityAuthType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    sourceIp: [auth.sourceIp],
    userArn: auth.principal.principalArn,
    username: auth.principal.username,
  };
}

function ok(body: Record<string, unknown>, decisions: string[], operation?: string): OperationOutcome {
  return { status: 200, body: JSON.stringify(body), decisions, operation };
}

interface CheckedDocument {
  readonly document: DocumentNode;
  readonly validation: readonly GraphQLError[];
}

const documentCaches = new WeakMap<GraphQLSchema, Map<string, CheckedDocument>>();

/**
 * The document of a query text, parsed and validated against the schema. Both depend on nothing but the text and the
 * schema, and clients send the same few operations again and again, so the result is kept (documents are never
 * mutated: graphql-js treats them as immutable). Throws parse's GraphQLError for a syntax error (not kept).
 */
function checkedDocument(schema: GraphQLSchema, query: string): CheckedDocument {
  let cache = documentCaches.get(schema);
  if (!cache) documentCaches.set(schema, (cache = new Map()));
  const cached = cache.get(query);
  if (cached) {
    // Most recently used last.
    cache.delete(query);
    cache.set(query, cached);
    return cached;
  }
  const document = parse(query, { maxTokens: MAX_QUERY_TOKENS });
  const checked: CheckedDocument = { document, validation: validate(schema, document, specifiedRules, { maxErrors: 50 }) };
  if (query.length <= DOCUMENT_CACHE_MAX_QUERY_CHARS) {
    cache.set(query, checked);
    if (cache.size > DOCUMENT_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  }
  return checked;
}

export async function runOperation(runtime: ApiRuntime, input: OperationInput, auth: RequestAuth, deps: ExecutionDeps): Promise<OperationOutcome> {
  const decisions: string[] = [];
  const { schema } = runtime;

  let document: DocumentNode;
  let validation: readonly GraphQLError[];
  try {
    ({ document, validation } = checkedDocument(schema, input.query));
  } catch (error) {
    if (error instanceof GraphQLError) {
      decisions.push('syntax error');
      return ok({ data: null, errors: [syntaxError(error, input.query)] }, decisions);
    }
    throw error;
  }

  if (validation.length > 0) {
    decisions.push(`${validation.length} validation error(s)`);
    return ok({ data: null, errors: validationErrors(schema, document, validation) }, decisions);
  }

  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  let operation: OperationDefinitionNode | undefined;
  if (input.operationName !== null) {
    operation = operations.find((candidate) => candidate.name?.value === input.operationName);
    if (!operation) {
      decisions.push('unknown operation name');
      return ok({ data: null, errors: [requestLevelError(`Unknown operation named '${input.operationName}'.`, undefined)] }, decisions);
    }
  } else if (operations.length === 1) {
    operation = operations[0];
  } else {
    decisions.push('several operations, no operationName');
    return ok({ data: null, errors: [requestLevelError('Must provide operation name if query contains multiple operations.', undefined)] }, decisions);
  }
  const operationLabel = `${operation.operation}${operation.name ? ` ${operation.name.value}` : ''}`;

  if (operation.operation === 'subscription') {
    // AppSync serves subscriptions over its real-time (WebSocket) endpoint only, which the local cloud does not emulate.
    decisions.push('subscription over HTTP refused');
    return ok(
      {
        data: null,
        errors: [
          {
            path: null,
            data: null,
            errorType: 'UnsupportedOperation',
            errorInfo: null,
            locations: locations(operation.loc ? [{ line: operation.loc.startToken.line, column: operation.loc.startToken.column }] : undefined),
            message: 'Subscriptions are not supported over HTTP: subscribe through the real-time (WebSocket) endpoint, which the local cloud does not emulate.',
          },
        ],
      },
      decisions,
      operationLabel,
    );
  }
  if (operation.operation === 'mutation' && input.httpMethod === 'GET') {
    decisions.push('mutation over GET refused');
    return { status: 405, body: requestErrorBody('Mutations cannot be sent with GET; use POST.', 'MalformedHttpRequestException'), errorType: 'MalformedHttpRequestException', operation: operationLabel, decisions };
  }

  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], input.variables ?? {}, { maxErrors: 50 });
  if (coerced.errors) {
    decisions.push('invalid variables');
    return ok({ data: null, errors: variableErrors(coerced.errors) }, decisions, operationLabel);
  }

  // IAM: every top-level field must be allowed by the caller's policies (the admin is allowed everything).
  if (auth.mode === 'AWS_IAM' && auth.principal) {
    const rootType = schema.getRootType(operation.operation);
    if (rootType) {
      const fragments = Object.fromEntries(
        document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
      );
      for (const fieldName of rootFieldNames(operation.selectionSet, fragments, coerced.coerced)) {
        const resource = `${runtime.api.arn}/types/${rootType.name}/fields/${fieldName}`;
        if (auth.principal.isAdmin) {
          decisions.push(`${rootType.name}.${fieldName} allowed: admin`);
          continue;
        }
        const evaluation = evaluate(auth.principal.policies, 'appsync:GraphQL', resource);
        for (const note of evaluation.notes) decisions.push(`note: ${note}`);
        if (evaluation.decision === 'Allow') {
          decisions.push(`${rootType.name}.${fieldName} allowed by ${describeStatement(evaluation.statement!)}`);
          continue;
        }
        decisions.push(
          evaluation.decision === 'ExplicitDeny'
            ? `${rootType.name}.${fieldName} explicitly denied by ${describeStatement(evaluation.statement!)}`
            : `${rootType.name}.${fieldName} implicitly denied: no statement allows appsync:GraphQL on ${resource}`,
        );
        return {
          status: IAM_PERMISSION_DENIED_STATUS,
          body: authErrorBody('UnauthorizedException', PERMISSION_DENIED_MESSAGE),
          errorType: 'UnauthorizedException',
          operation: operationLabel,
          decisions,
        };
      }
    }
  }

  let timer: NodeJS.Timeout | undefined;
  const context: ResolverContext = {
    auth,
    identity: iamIdentity(auth),
    headers: input.headers,
    rawVariables: input.variables ?? {},
    invokeLambda: deps.invokeLambda,
    deadline: new Promise((resolve) => {
      timer = setTimeout(() => {
        context.timedOut = true;
        resolve(TIMED_OUT);
      }, deps.timeoutMs);
    }),
    timedOut: false,
    decisions,
  };
  try {
    const result = await execute({
      schema,
      document,
      operationName: operation.name?.value,
      variableValues: input.variables ?? {},
      contextValue: context,
      rootValue: {},
    });
    const body: Record<string, unknown> = { data: result.data ?? null };
    if (result.errors && result.errors.length > 0) body.errors = result.errors.map((error) => executionError(schema, error));
    return ok(body, decisions, operationLabel);
  } finally {
    clearTimeout(timer);
  }
}

/** Names of the top-level fields an operation selects (fragments followed, @skip/@include applied), once each. */
function rootFieldNames(selectionSet: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>): string[] {
  const names: string[] = [];
  const visited = new Set<string>();
  const included = (node: FieldNode | { directives?: FieldNode['directives'] }) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true && getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  const walk = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (!name.startsWith('__') && !names.includes(name)) names.push(name);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments[selection.name.value];
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(selectionSet);
  return names;
}
