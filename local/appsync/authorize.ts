/**
 * Stage 4, authorize: with IAM, every top-level field the operation selects must be allowed `appsync:GraphQL` by the
 * caller's policies (the local admin is allowed everything). The per-field @aws_* rules are checked while executing.
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  getDirectiveValues,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { authorize, type RequestFacts } from '../iam/authorizer';
import type { RequestAuth } from './auth';
import { authErrorBody } from './errors';
import type { SelectedOperation } from './operation';
import type { ApiRuntime } from './schema';
import type { StageResult } from './stage';

/**
 * HTTP status for an IAM request whose policies do not allow `appsync:GraphQL` on a requested top-level field.
 * *Unconfirmed* (appsync-wire-facts.md): 401 is the most plausible, as AppSync answers every other authorisation
 * refusal with 401 UnauthorizedException. Change it here if a real response shows otherwise.
 */
export const IAM_PERMISSION_DENIED_STATUS = 401;
export const PERMISSION_DENIED_MESSAGE = 'Permission denied';

export function authorizeStage(
  runtime: ApiRuntime,
  document: DocumentNode,
  operation: SelectedOperation,
  variables: Record<string, unknown>,
  auth: RequestAuth,
  decisions: string[],
): StageResult<void> {
  if (auth.mode !== 'AWS_IAM' || !auth.principal) return { next: undefined };
  const rootType = runtime.schema.getRootType(operation.definition.operation);
  if (!rootType) return { next: undefined };
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  for (const fieldName of rootFieldNames(operation.definition.selectionSet, fragments, variables)) {
    const resource = `${runtime.api.arn}/types/${rootType.name}/fields/${fieldName}`;
    const authorization = authorize(auth.principal, { action: 'appsync:GraphQL', resource, facts: requestFacts(runtime, auth) });
    for (const note of authorization.notes) decisions.push(`note: ${note}`);
    decisions.push(`${rootType.name}.${fieldName} ${authorization.reason}`);
    if (authorization.allowed) continue;
    return {
      outcome: {
        status: IAM_PERMISSION_DENIED_STATUS,
        body: authErrorBody('UnauthorizedException', PERMISSION_DENIED_MESSAGE),
        errorType: 'UnauthorizedException',
        operation: operation.label,
        decisions,
      },
    };
  }
  return { next: undefined };
}

/** The facts of an AppSync request IAM's global condition keys come from. AppSync is served over HTTPS only. */
function requestFacts(runtime: ApiRuntime, auth: RequestAuth): RequestFacts {
  return { sourceIp: auth.sourceIp, secureTransport: true, currentTime: auth.receivedAt, requestedRegion: runtime.region };
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
