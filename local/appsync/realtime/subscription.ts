/**
 * A `start`, served as AppSync serves it: authenticated with its own `extensions.authorization` (a connection may
 * carry subscriptions of several modes), then the HTTP endpoint's stages (document, operation, variables, IAM per
 * root field), then the root field's @aws_* rule; what is left is the subscription: its field, its argument filter
 * and how to turn a mutation's result into its `data`.
 *
 * Delivery (AppSync developer guide, "Using subscriptions for real-time data"): "Subscriptions are triggered from
 * mutations and the mutation selection set is sent to subscribers." The subscription's selection set is applied to
 * what the mutation returned: a field the mutation did not select is null (and a non-null one nulls its parent, with
 * AppSync's "Cannot return null for non-nullable type" error, as Amplify users see when a mutation selects too little).
 * Arguments filter by equality with the same-named fields of the mutation's result, all of them (an argument the
 * mutation did not select never matches: aws/aws-appsync-community#109); an argument that is null or absent matches
 * anything (*unconfirmed* for an explicit null).
 */

import { isDeepStrictEqual } from 'node:util';
import {
  type DocumentNode,
  execute,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  getArgumentValues,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { executionLimitsOf } from '../api-limits';
import { type Authenticator, MISSING_AUTH_MESSAGE, type RequestAuth } from '../auth';
import { authorizeStage } from '../authorize';
import { documentStage } from '../document-cache';
import { executionError, type RealtimeError, RealtimeErrorType, realtimeError, unsupportedOperationError } from '../errors';
import { findOperation, type SelectedOperation } from '../operation';
import { iamIdentity, type ResolverContext, type TIMED_OUT } from '../resolvers';
import type { ApiRuntime } from '../schema';
import type { OperationOutcome } from '../stage';
import { variablesStage } from '../variables';
import { authenticateRealtime } from './auth';
import type { RealtimeRoute } from './handshake';
import type { DataPayload } from './protocol';

/** A subscription a start registered. */
export interface Subscription {
  readonly id: string;
  readonly runtime: ApiRuntime;
  /** The Subscription field, e.g. `onCreateTodo`. */
  readonly fieldName: string;
  readonly document: DocumentNode;
  readonly operation: SelectedOperation;
  readonly variables: Record<string, unknown>;
  /** The arguments that filter, by name (null and absent ones left out). */
  readonly filter: ReadonlyMap<string, unknown>;
  readonly auth: RequestAuth;
}

export type StartOutcome = { readonly ok: true; readonly subscription: Subscription } | { readonly ok: false; readonly errors: readonly unknown[] };

export interface StartInput {
  readonly id: string;
  readonly payload: unknown;
  readonly route: RealtimeRoute;
  readonly sourceIp: string;
}

export async function startSubscription(authenticators: readonly Authenticator[], input: StartInput, log: string[]): Promise<StartOutcome> {
  const { runtime } = input.route;
  const request = startRequest(input.payload);
  if ('error' in request) return refused(request.error);

  // The signature covers `data` as sent, so authentication comes before anything is read from it.
  const authentication = await authenticateRealtime(
    authenticators,
    { headers: request.authorization, path: input.route.graphqlPath, body: request.data, sourceIp: input.sourceIp },
    runtime,
    log,
  );
  if (!authentication.ok) return refused(realtimeError(authentication.errorType, authentication.message));
  const { auth } = authentication;

  const graphql = graphqlRequest(request.data);
  if (!graphql) return refused(unsupportedOperationError('unknown'));
  const document = documentStage(runtime.schema, graphql.query, log);
  if ('outcome' in document) return refusedBy(document.outcome);
  const operation = findOperation(document.next, graphql.operationName, log);
  if ('outcome' in operation) return refusedBy(operation.outcome);
  if (operation.next.definition.operation !== 'subscription') {
    log.push(`${operation.next.definition.operation} refused on the real-time channel`);
    return refused(unsupportedOperationError(operation.next.definition.operation));
  }
  const variables = variablesStage(runtime.schema, operation.next, graphql.variables, log);
  if ('outcome' in variables) return refusedBy(variables.outcome);
  const authorized = authorizeStage(runtime, document.next, operation.next, variables.next, auth, log);
  if ('outcome' in authorized) return refusedBy(authorized.outcome);

  const root = rootField(runtime, document.next, operation.next);
  if (!root) return refused(unsupportedOperationError('unknown'));
  const rule = runtime.fieldAuth('Subscription', root.definition.name);
  if (!rule.modes.has(auth.mode)) {
    log.push(`field Subscription.${root.definition.name} refused to ${auth.mode} (${rule.source})`);
    return refused(realtimeError(RealtimeErrorType.Unauthorized, `Not Authorized to access ${root.definition.name} on type Subscription`));
  }
  if (runtime.resolver('Subscription', root.definition.name)) {
    // A resolver on a subscription field runs when AppSync registers the subscription (often to authorize it): not
    // emulated, so the start is refused rather than let through unchecked.
    log.push(`resolver Subscription.${root.definition.name} not emulated`);
    return refused(
      realtimeError(
        RealtimeErrorType.UnsupportedResolver,
        `The resolver of Subscription.${root.definition.name} cannot run in the local cloud: subscription resolvers are not emulated.`,
      ),
    );
  }
  log.push(`Subscription.${root.definition.name} open to ${auth.mode} (${rule.source})`);
  return {
    ok: true,
    subscription: {
      id: input.id,
      runtime,
      fieldName: root.definition.name,
      document: document.next,
      operation: operation.next,
      variables: variables.next,
      filter: argumentFilter(root.definition, root.node, variables.next),
      auth,
    },
  };
}

/** Whether a mutation's result (one top-level field's value, as its client selected it) passes the filter. */
export function matchesFilter(subscription: Subscription, value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return subscription.filter.size === 0;
  const result = value as Record<string, unknown>;
  for (const [name, expected] of subscription.filter) {
    if (!Object.hasOwn(result, name) || !isDeepStrictEqual(result[name], expected)) return false;
  }
  return true;
}

/** The subscription's `data` for a mutation's result: its selection set applied to the value, under its own auth. */
export async function deliveryPayload(subscription: Subscription, value: unknown): Promise<DataPayload> {
  const decisions: string[] = [];
  const context: ResolverContext = {
    auth: subscription.auth,
    identity: iamIdentity(subscription.auth),
    headers: {},
    rawVariables: subscription.variables,
    invokeLambda: () => Promise.reject(new Error('no resolver runs for a subscription payload')),
    // The payload comes from the mutation's result (fromSourceOnly): no resolver is invoked, so none is authorized.
    authorizeInvoke: () => {
      throw new Error('no resolver runs for a subscription payload');
    },
    limits: executionLimitsOf(subscription.runtime.api),
    resolverExecutions: 0,
    deadline: new Promise<typeof TIMED_OUT>(() => {}),
    timedOut: false,
    decisions,
    fromSourceOnly: true,
  };
  const { schema } = subscription.runtime;
  const result = await execute({
    schema,
    document: subscription.document,
    operationName: subscription.operation.definition.name?.value,
    variableValues: subscription.variables,
    contextValue: context,
    rootValue: { [subscription.fieldName]: value },
  });
  const data = (result.data as Record<string, unknown> | null | undefined) ?? null;
  return result.errors && result.errors.length > 0 ? { data, errors: result.errors.map((error) => executionError(schema, error)) } : { data };
}

interface StartRequest {
  /** The JSON text of `{query, variables}`, exactly as sent (what an IAM signature covers). */
  readonly data: string;
  readonly authorization: Record<string, unknown>;
}

/** A start's payload: `{data: "<JSON text>", extensions: {authorization: {...headers}}}`. */
function startRequest(payload: unknown): StartRequest | { readonly error: RealtimeError } {
  if (!payload || typeof payload !== 'object') return { error: unsupportedOperationError('unknown') };
  const { data, extensions } = payload as Record<string, unknown>;
  // A start whose payload has no `data` string (the query sent as graphql-ws sends it): recorded as
  // `unknown not supported through the realtime channel`.
  if (typeof data !== 'string') return { error: unsupportedOperationError('unknown') };
  const authorization = extensions && typeof extensions === 'object' ? (extensions as Record<string, unknown>).authorization : undefined;
  if (!authorization || typeof authorization !== 'object' || Array.isArray(authorization)) {
    return { error: realtimeError(RealtimeErrorType.UnauthorizedException, MISSING_AUTH_MESSAGE) };
  }
  return { data, authorization: authorization as Record<string, unknown> };
}

interface GraphqlRequest {
  readonly query: string;
  readonly variables: Record<string, unknown> | null;
  readonly operationName: string | null;
}

function graphqlRequest(data: string): GraphqlRequest | undefined {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const { query, variables, operationName } = json as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '') return undefined;
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
  return {
    query,
    variables: (variables as Record<string, unknown> | null | undefined) ?? null,
    operationName: typeof operationName === 'string' && operationName !== '' ? operationName : null,
  };
}

function refused(error: RealtimeError): StartOutcome {
  return { ok: false, errors: [error] };
}

/** A stage's HTTP answer, as a start error: the same errors, in `payload.errors`. */
function refusedBy(outcome: OperationOutcome): StartOutcome {
  const body = JSON.parse(outcome.body) as { errors?: unknown[] };
  return { ok: false, errors: body.errors ?? [] };
}

/** The one root field a (validated) subscription selects, fragments followed. */
function rootField(
  runtime: ApiRuntime,
  document: DocumentNode,
  operation: SelectedOperation,
): { readonly node: FieldNode; readonly definition: GraphQLField<unknown, unknown> } | undefined {
  const subscriptionType = runtime.schema.getSubscriptionType();
  if (!subscriptionType) return undefined;
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const find = (set: SelectionSetNode, seen: Set<string>): FieldNode | undefined => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD && !selection.name.value.startsWith('__')) return selection;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const found = find(selection.selectionSet, seen);
        if (found) return found;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        const found = fragment ? find(fragment.selectionSet, seen) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  };
  const node = find(operation.definition.selectionSet, new Set());
  const definition = node ? subscriptionType.getFields()[node.name.value] : undefined;
  return node && definition ? { node, definition } : undefined;
}

function argumentFilter(definition: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): Map<string, unknown> {
  const values = getArgumentValues(definition, node, variables);
  return new Map(Object.entries(values).filter(([, value]) => value !== null && value !== undefined));
}
