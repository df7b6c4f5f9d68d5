/**
 * The resolver of every field, as AppSync runs it while executing: the field's @aws_* auth rule first, then its
 * direct Lambda resolver (invoked with AppSync's event, within the request's deadline) or the default resolver.
 */
import { defaultFieldResolver, type FieldNode, type GraphQLFieldResolver, type GraphQLResolveInfo, Kind, print, type SelectionSetNode } from 'graphql';
import { type ExecutionLimits, queryDepthProblem, resolverCountProblem } from './api-limits';
import type { RequestAuth } from './auth';
import type { InvokeDecision } from './data-source-role';
import { FieldError } from './errors';
import type { LocalResolver } from './model';
import type { FieldResolverFactory } from './schema';

export type InvokeLambdaResult = { ok: true; payload: unknown } | { ok: false; errorType: string; errorMessage: string };
export type InvokeLambda = (functionArn: string, event: unknown) => Promise<InvokeLambdaResult>;

export const TIMED_OUT = Symbol('timed out');

/** What every resolver of one request shares. */
export interface ResolverContext {
  readonly auth: RequestAuth;
  readonly identity: Record<string, unknown> | null;
  readonly headers: Record<string, string>;
  readonly rawVariables: Record<string, unknown>;
  readonly invokeLambda: InvokeLambda;
  /** Whether the resolver's data-source role may invoke its function (data-source-role.ts), asked before each invoke. */
  readonly authorizeInvoke: (resolver: LocalResolver, functionArn: string) => InvokeDecision;
  readonly deadline: Promise<typeof TIMED_OUT>;
  timedOut: boolean;
  /** The API's QueryDepthLimit and ResolverCountLimit (api-limits.ts). */
  readonly limits: ExecutionLimits;
  /** Resolver executions so far in this request. */
  resolverExecutions: number;
  readonly decisions: string[];
  /**
   * Set while a subscription's selection set is applied to a mutation's result: AppSync publishes what the mutation
   * returned, so configured resolvers are not run and every field resolves from its source.
   */
  readonly fromSourceOnly?: boolean;
}

/** The resolver of every field: auth rule first, then the configured resolver or the default one. */
export const makeFieldResolver: FieldResolverFactory = (runtime, typeName, fieldName) => {
  const rule = runtime.fieldAuth(typeName, fieldName);
  const resolver = runtime.resolver(typeName, fieldName);
  const resolve: GraphQLFieldResolver<unknown, ResolverContext> = (source, args, context, info) => {
    const tooDeep = queryDepthProblem(context.limits, info.path);
    if (tooDeep) {
      context.decisions.push(`${typeName}.${fieldName} beyond QueryDepthLimit`);
      throw tooDeep;
    }
    if (!rule.modes.has(context.auth.mode)) {
      context.decisions.push(`field ${typeName}.${fieldName} refused to ${context.auth.mode} (${rule.source})`);
      throw new FieldError('Unauthorized', `Not Authorized to access ${fieldName} on type ${typeName}`);
    }
    // Top-level fields only, to keep the line short: what opened them to this mode.
    if (info.path.prev === undefined) context.decisions.push(`${typeName}.${fieldName} open to ${context.auth.mode} (${rule.source})`);
    if (!resolver || context.fromSourceOnly) return defaultFieldResolver(source, args, context, info);
    if (resolver.unsupported !== undefined || resolver.lambdaFunctionArn === undefined) {
      const why = resolver.unsupported ?? 'it is not a direct Lambda resolver';
      context.decisions.push(`resolver ${typeName}.${fieldName} not emulated`);
      throw new FieldError('UnsupportedResolver', `The resolver of ${typeName}.${fieldName} cannot run in the local cloud: ${why}.`);
    }
    const overLimit = resolverCountProblem(context.limits, ++context.resolverExecutions);
    if (overLimit) {
      // Once per request: every later resolver is over the limit too.
      if (context.resolverExecutions === context.limits.resolverCount + 1) context.decisions.push(`resolver limit of ${context.limits.resolverCount} reached`);
      throw overLimit;
    }
    return invokeDirectLambda(resolver, resolver.lambdaFunctionArn, source, args, context, info);
  };
  return resolve as GraphQLFieldResolver<unknown, unknown>;
};

async function invokeDirectLambda(
  resolver: LocalResolver,
  functionArn: string,
  source: unknown,
  args: Record<string, unknown>,
  context: ResolverContext,
  info: GraphQLResolveInfo,
): Promise<unknown> {
  const { typeName, fieldName } = resolver;
  if (context.timedOut) throw new FieldError('Lambda:ExecutionTimeoutException', 'Execution timed out.');
  const permission = context.authorizeInvoke(resolver, functionArn);
  if (!permission.allowed) {
    context.decisions.push(`${typeName}.${fieldName} not invoked: ${permission.reason}`);
    throw permission.error;
  }
  const event = lambdaEvent(source, args, context, info);
  const invocation = Promise.resolve()
    .then(() => context.invokeLambda(functionArn, event))
    .then(
      (result) => result,
      (error: unknown): InvokeLambdaResult => ({
        ok: false,
        errorType: 'Lambda:Unhandled',
        errorMessage: `The local Lambda runtime could not invoke ${functionArn}: ${(error as Error)?.message ?? String(error)}`,
      }),
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
  for (const arg of field?.args ?? []) argumentsWithNulls[arg.name] = Object.hasOwn(args, arg.name) ? args[arg.name] : null;
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

export function iamIdentity(auth: RequestAuth): Record<string, unknown> | null {
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
