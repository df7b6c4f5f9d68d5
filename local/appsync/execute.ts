/**
 * Runs one GraphQL operation against an API the way AppSync does, once the request is authenticated, in stages:
 * document (parsed and validated, cached) → introspection (IntrospectionConfig, api-limits.ts) → operation → variables
 * → authorize (IAM per top-level field) → execute (QueryDepthLimit and ResolverCountLimit checked per field)
 * (per-field @aws_* rules and direct Lambda resolvers, resolvers.ts, under a deadline) → format (AppSync's shapes).
 * After a mutation, `onMutation` hears what each top-level field returned: the seam for subscriptions.
 */
import { type DocumentNode, execute, type GraphQLError, type GraphQLSchema } from 'graphql';
import { executionLimitsOf, introspectionStage } from './api-limits';
import type { RequestAuth } from './auth';
import { authorizeStage } from './authorize';
import type { InvokeAuthorizer } from './data-source-role';
import { documentStage } from './document-cache';
import { executionError } from './errors';
import { operationStage, type SelectedOperation } from './operation';
import { type InvokeLambda, iamIdentity, type ResolverContext, TIMED_OUT } from './resolvers';
import type { ApiRuntime } from './schema';
import { answer, type OperationOutcome } from './stage';
import { variablesStage } from './variables';

export type { RequestAuth } from './auth';
export { IAM_PERMISSION_DENIED_STATUS, PERMISSION_DENIED_MESSAGE } from './authorize';
export { DOCUMENT_CACHE_ENTRIES, DOCUMENT_CACHE_MAX_QUERY_CHARS, MAX_QUERY_TOKENS } from './document-cache';
export { type InvokeLambda, type InvokeLambdaResult, makeFieldResolver } from './resolvers';
export type { OperationOutcome } from './stage';

/** AppSync's hard limit on a request's execution. */
export const EXECUTION_TIMEOUT_MS = 30_000;

export interface OperationInput {
  readonly query: string;
  readonly variables: Record<string, unknown> | null;
  readonly operationName: string | null;
  readonly httpMethod: string;
  /** The request's headers, lower-case names, as resolvers see them in `request.headers`. */
  readonly headers: Record<string, string>;
}

/** What a mutation's top-level field returned (what AppSync publishes to the subscriptions that name the mutation). */
export interface MutationEvent {
  readonly apiId: string;
  readonly fieldName: string;
  /** The field's value as the client selected it (null when the field failed). */
  readonly value: unknown;
  readonly auth: RequestAuth;
}

export type MutationListener = (event: MutationEvent) => void;

export interface ExecutionDeps {
  readonly invokeLambda: InvokeLambda;
  /** Whether a data source's role may invoke its function (data-source-role.ts). */
  readonly authorizeInvoke: InvokeAuthorizer;
  readonly timeoutMs: number;
  /** Called after each executed mutation, once per top-level field; a listener that throws is ignored. */
  readonly onMutation?: MutationListener;
}

export async function runOperation(runtime: ApiRuntime, input: OperationInput, auth: RequestAuth, deps: ExecutionDeps): Promise<OperationOutcome> {
  const decisions: string[] = [];
  const { schema } = runtime;

  const document = documentStage(schema, input.query, decisions);
  if ('outcome' in document) return document.outcome;
  const introspection = introspectionStage(runtime.api, document.next, decisions);
  if ('outcome' in introspection) return introspection.outcome;
  const operation = operationStage(document.next, input.operationName, input.httpMethod, decisions);
  if ('outcome' in operation) return operation.outcome;
  const variables = variablesStage(schema, operation.next, input.variables, decisions);
  if ('outcome' in variables) return variables.outcome;
  const authorized = authorizeStage(runtime, document.next, operation.next, variables.next, auth, decisions);
  if ('outcome' in authorized) return authorized.outcome;

  const result = await executeStage(runtime, document.next, operation.next, input, auth, deps, decisions);
  if (operation.next.definition.operation === 'mutation') publishMutation(runtime, operation.next, result.data, auth, deps.onMutation);
  return formatStage(schema, result, operation.next, decisions);
}

interface ExecutedOperation {
  readonly data: Record<string, unknown> | null | undefined;
  readonly errors: readonly GraphQLError[] | undefined;
}

/** Stage 5: graphql-js's execution with the request's resolver context, under the request's deadline. */
async function executeStage(
  runtime: ApiRuntime,
  document: DocumentNode,
  operation: SelectedOperation,
  input: OperationInput,
  auth: RequestAuth,
  deps: ExecutionDeps,
  decisions: string[],
): Promise<ExecutedOperation> {
  const { schema } = runtime;
  let timer: NodeJS.Timeout | undefined;
  const context: ResolverContext = {
    auth,
    identity: iamIdentity(auth),
    headers: input.headers,
    rawVariables: input.variables ?? {},
    invokeLambda: deps.invokeLambda,
    authorizeInvoke: (resolver, functionArn) => deps.authorizeInvoke(resolver, functionArn, { currentTime: auth.receivedAt, requestedRegion: runtime.region }),
    deadline: new Promise((resolve) => {
      timer = setTimeout(() => {
        context.timedOut = true;
        resolve(TIMED_OUT);
      }, deps.timeoutMs);
    }),
    timedOut: false,
    limits: executionLimitsOf(runtime.api),
    resolverExecutions: 0,
    decisions,
  };
  try {
    const result = await execute({
      schema,
      document,
      operationName: operation.definition.name?.value,
      variableValues: input.variables ?? {},
      contextValue: context,
      rootValue: {},
    });
    return { data: result.data as Record<string, unknown> | null | undefined, errors: result.errors };
  } finally {
    clearTimeout(timer);
  }
}

/** Stage 6: the response body in AppSync's shapes. */
function formatStage(schema: GraphQLSchema, result: ExecutedOperation, operation: SelectedOperation, decisions: readonly string[]): OperationOutcome {
  const body: Record<string, unknown> = { data: result.data ?? null };
  if (result.errors && result.errors.length > 0) body.errors = result.errors.map((error) => executionError(schema, error));
  return answer(body, decisions, operation.label).outcome;
}

function publishMutation(
  runtime: ApiRuntime,
  operation: SelectedOperation,
  data: ExecutedOperation['data'],
  auth: RequestAuth,
  listener: MutationListener | undefined,
): void {
  if (!listener || !data) return;
  for (const selection of operation.definition.selectionSet.selections) {
    // Top-level fields selected directly (a mutation's fields are, in every client this project knows).
    if (selection.kind !== 'Field') continue;
    const responseKey = selection.alias?.value ?? selection.name.value;
    if (!(responseKey in data)) continue;
    try {
      listener({ apiId: runtime.api.apiId, fieldName: selection.name.value, value: data[responseKey], auth });
    } catch {
      // A listener's failure is its own: the mutation has happened and its answer goes out.
    }
  }
}
