/**
 * The API's own settings from the template, as AppSync enforces them ("Configuring GraphQL run complexity, query
 * depth, and introspection with AWS AppSync", AppSync Developer Guide; CreateGraphqlApi, AppSync API Reference):
 *
 * - `IntrospectionConfig: DISABLED`: a document that selects `__schema` or `__type` is refused with a validation
 *   error (the AWS blog "Control GraphQL execution complexity, query depth, and introspection with AWS AppSync": "a
 *   client which uses an introspection query ... will receive validation errors on their query"); `__typename` stays
 *   (it describes no schema). Stage 1b, right after the document is validated.
 * - `QueryDepthLimit` (1 to 75): "Depth refers to the amount of nested levels allowed in the body of query ... If a
 *   non-nullable field produces an error, the error will be thrown upwards to the first nullable field": so a field
 *   nested deeper than the limit errors while executing, and its null bubbles as any field error's does. A top-level
 *   field is at depth 1.
 * - `ResolverCountLimit` (1 to 10,000; AppSync's default, 0, is 10,000): "The maximum number of resolvers that can be
 *   invoked in a single request". Each field with a resolver counts each time it runs (once per list item); past the
 *   limit the field errors instead of running.
 *
 * The wording of the three errors is *unconfirmed* (no recorded response was found): the introspection one is
 * graphql-java's FieldUndefined, what graphql-java answers when introspection fields are hidden; the two limits are
 * the local cloud's, below. Change them here if a real response shows otherwise.
 */
import { type DocumentNode, type ResponsePath, visit } from 'graphql';
import { FieldError, requestLevelError } from './errors';
import { IntrospectionConfig, type LocalGraphqlApi } from './model';
import { answer, type StageResult } from './stage';

/** AppSync's limit on resolver executions per request when the API sets none. */
export const DEFAULT_RESOLVER_COUNT_LIMIT = 10_000;
export const QUERY_DEPTH_LIMIT_ERROR_TYPE = 'QueryDepthLimitExceeded';
export const RESOLVER_COUNT_LIMIT_ERROR_TYPE = 'ResolverCountLimitExceeded';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

interface IntrospectionUse {
  readonly name: string;
  /** The field's path from its operation or fragment (`__schema`), as validation errors name it. */
  readonly fieldPath: string;
  readonly line: number;
  readonly column: number;
}

/** Per document (the document cache hands out the same node for the same text): where it uses introspection. */
const introspectionUses = new WeakMap<DocumentNode, readonly IntrospectionUse[]>();

/** Stage 1b: with introspection disabled, a document that uses it gets AppSync's validation error. */
export function introspectionStage(api: LocalGraphqlApi, document: DocumentNode, decisions: string[]): StageResult<void> {
  if (api.introspectionConfig !== IntrospectionConfig.Disabled) return { next: undefined };
  const uses = introspectionUsesOf(document);
  if (uses.length === 0) return { next: undefined };
  decisions.push('introspection disabled (IntrospectionConfig)');
  return answer(
    {
      data: null,
      errors: uses.map((use) =>
        requestLevelError(`Validation error of type FieldUndefined: Field '${use.name}' in type 'Query' is undefined @ '${use.fieldPath}'`, [
          { line: use.line, column: use.column },
        ]),
      ),
    },
    decisions,
  );
}

function introspectionUsesOf(document: DocumentNode): readonly IntrospectionUse[] {
  const cached = introspectionUses.get(document);
  if (cached) return cached;
  const uses: IntrospectionUse[] = [];
  const fields: string[] = [];
  visit(document, {
    Field: {
      enter(node) {
        fields.push(node.name.value);
        if (INTROSPECTION_FIELDS.has(node.name.value)) {
          uses.push({ name: node.name.value, fieldPath: fields.join('/'), line: node.loc?.startToken.line ?? 1, column: node.loc?.startToken.column ?? 1 });
        }
      },
      leave() {
        fields.pop();
      },
    },
  });
  introspectionUses.set(document, uses);
  return uses;
}

/** What executing one request may do, from the API's settings. */
export interface ExecutionLimits {
  /** Undefined: no depth limit (AppSync's default). */
  readonly queryDepth?: number;
  readonly resolverCount: number;
  /** Whether the resolver limit is AppSync's default rather than the template's. */
  readonly resolverCountIsDefault: boolean;
}

export function executionLimitsOf(api: LocalGraphqlApi): ExecutionLimits {
  return {
    queryDepth: api.queryDepthLimit,
    resolverCount: api.resolverCountLimit ?? DEFAULT_RESOLVER_COUNT_LIMIT,
    resolverCountIsDefault: api.resolverCountLimit === undefined,
  };
}

/** How deep a field is: its response path without list indexes (a top-level field is at 1). */
export function depthOf(path: ResponsePath): number {
  let depth = 0;
  for (let segment: ResponsePath | undefined = path; segment; segment = segment.prev) if (typeof segment.key === 'string') depth++;
  return depth;
}

/** The field error of a field nested deeper than the API's QueryDepthLimit; undefined when it is within it. */
export function queryDepthProblem(limits: ExecutionLimits, path: ResponsePath): FieldError | undefined {
  if (limits.queryDepth === undefined) return undefined;
  const depth = depthOf(path);
  if (depth <= limits.queryDepth) return undefined;
  return new FieldError(
    QUERY_DEPTH_LIMIT_ERROR_TYPE,
    `This field is nested ${depth} levels deep, deeper than the API's QueryDepthLimit of ${limits.queryDepth}.`,
  );
}

/** The field error of a resolver execution past the request's limit (the `executions`-th of the request). */
export function resolverCountProblem(limits: ExecutionLimits, executions: number): FieldError | undefined {
  if (executions <= limits.resolverCount) return undefined;
  const which = limits.resolverCountIsDefault ? "AppSync's default" : "the API's ResolverCountLimit";
  return new FieldError(
    RESOLVER_COUNT_LIMIT_ERROR_TYPE,
    `The request has reached ${which} of ${limits.resolverCount} resolver executions; this field's resolver did not run.`,
  );
}
