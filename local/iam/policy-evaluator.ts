/**
 * IAM policy statements, compiled once per deployment and evaluated on each request. A statement applies to a request
 * when its Action (or NotAction), Resource (or NotResource), Principal (resource-based policies) and Condition all
 * match it (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html). How the statements of
 * identity-based policies, a permissions boundary and a resource-based policy combine into a decision is the
 * authorizer's (authorizer.ts); this module finds, within one set of policies, the first Deny and the first Allow
 * that apply, failing closed on what it cannot know:
 *
 * - a condition on a key the local cloud cannot know (conditions.ts) makes a Deny apply and an Allow not apply;
 * - a Resource holding a policy variable whose key is unknown likewise; one whose key is absent matches nothing
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value);
 * - where IAM's two readings of a wildcard in a resource ARN differ (wildcards.ts), a Deny takes the wider and an
 *   Allow the narrower.
 */
import { type CompiledCondition, compileCondition, Truth } from './conditions';
import type { NamedPolicy } from './model';
import { type PolicyKind, type PolicyLocation, validatePolicy } from './policy-validation';
import { parseTemplate, resolveTemplate, type ValueTemplate } from './policy-variables';
import { type CompiledPrincipal, compilePrincipal, type GrantScope } from './principal-element';
import type { RequestContext, SessionIdentity } from './request-context';
import { actionPattern, type Matcher, type ResourceMatcher, resourcePattern } from './wildcards';

export type PolicyDecision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface StatementRef {
  /** `NamedPolicy.source` of the policy holding the statement. */
  readonly source: string;
  readonly sid?: string;
  /** Position of the statement in the policy's Statement list (0 when Statement is a single object). */
  readonly index: number;
}

type CompiledResource = { readonly kind: 'static'; readonly matcher: ResourceMatcher } | { readonly kind: 'template'; readonly template: ValueTemplate };

export interface CompiledStatement {
  readonly ref: StatementRef;
  readonly effect: 'Allow' | 'Deny';
  readonly notAction: boolean;
  /** Lower-case patterns, matched against the lower-case action. */
  readonly actions: readonly Matcher[];
  readonly notResource: boolean;
  readonly resources: readonly CompiledResource[];
  readonly principal?: { readonly not: boolean; readonly matcher: CompiledPrincipal };
  readonly condition?: CompiledCondition;
}

export interface CompiledPolicy {
  readonly source: string;
  readonly kind: PolicyKind;
  readonly statements: readonly CompiledStatement[];
}

/**
 * Validates (policy-validation.ts: a MalformedPolicyError names what IAM would refuse) and compiles a document.
 * `where` defaults to the policy's source, for documents that were validated when the deployment was built.
 */
export function compilePolicy(
  policy: NamedPolicy,
  kind: PolicyKind,
  where: PolicyLocation = { resource: policy.source, element: 'PolicyDocument' },
): CompiledPolicy {
  const normalized = validatePolicy(policy.document, kind, where);
  const variables = normalized.version === '2012-10-17';
  return {
    source: policy.source,
    kind,
    statements: normalized.statements.map((statement) => ({
      ref: { source: policy.source, ...(statement.sid !== undefined ? { sid: statement.sid } : {}), index: statement.index },
      effect: statement.effect,
      notAction: statement.action.not,
      actions: statement.action.values.map(actionPattern),
      notResource: statement.resource.not,
      resources: statement.resource.values.map((pattern): CompiledResource => {
        const template = parseTemplate(pattern, variables);
        return template.hasVariables ? { kind: 'template', template } : { kind: 'static', matcher: resourcePattern(pattern) };
      }),
      ...(statement.principal ? { principal: { not: statement.principal.not, matcher: compilePrincipal(statement.principal.value) } } : {}),
      ...(statement.conditions.length > 0 ? { condition: compileCondition(statement.conditions, normalized.version) } : {}),
    })),
  };
}

/** What a request is, as statements see it. */
export interface EvaluationRequest {
  /** The action in lower case ("The prefix and the action name are case insensitive"). */
  readonly action: string;
  readonly resource: string;
  readonly identity: SessionIdentity;
  /** Whether the principal has a permissions boundary (NotPrincipal with Deny always denies such a principal). */
  readonly hasBoundary: boolean;
  readonly context: RequestContext;
}

/** A statement that applies, and what made it apply when the evaluator could not be sure. */
export interface StatementMatch {
  readonly statement: CompiledStatement;
  /** For a resource-based policy's Allow: how far it reaches. */
  readonly scope?: GrantScope;
  /** Set when a Deny applies because something it tests is unknown locally (it fails closed). */
  readonly precaution?: string;
}

export interface SetEvaluation {
  readonly deny?: StatementMatch;
  /** The first applying Allow; for resource-based policies, the one reaching furthest. */
  readonly allow?: StatementMatch;
}

const SCOPE_RANK: Readonly<Record<GrantScope, number>> = { session: 3, role: 2, everyone: 1, account: 0 };

/** The first Deny and the first Allow of the policies that apply to the request; `notes` collects statements set aside. */
export function evaluatePolicies(policies: readonly CompiledPolicy[], request: EvaluationRequest, notes: string[]): SetEvaluation {
  let allow: StatementMatch | undefined;
  for (const policy of policies) {
    for (const statement of policy.statements) {
      const match = applies(statement, request, notes);
      if (!match) continue;
      if (statement.effect === 'Deny') return { deny: match, ...(allow ? { allow } : {}) };
      if (!allow || (match.scope && allow.scope && SCOPE_RANK[match.scope] > SCOPE_RANK[allow.scope])) allow = match;
    }
  }
  return allow ? { allow } : {};
}

function applies(statement: CompiledStatement, request: EvaluationRequest, notes: string[]): StatementMatch | undefined {
  if (!matchesAction(statement, request.action)) return undefined;
  const deny = statement.effect === 'Deny';
  let precaution: string | undefined;
  const resource = matchesResource(statement, request);
  if (resource === Truth.False) return undefined;
  if (resource === Truth.Unknown) {
    const why = `a policy variable in its Resource cannot be known locally`;
    if (!deny) return setAside(statement, why, notes);
    precaution = why;
  }
  let scope: GrantScope | undefined;
  if (statement.principal) {
    const named = principalApplies(statement, request);
    if (named === false) return undefined;
    scope = named === true ? undefined : named;
  }
  if (statement.condition) {
    const outcome = statement.condition.evaluate(request.context);
    if (outcome.truth === Truth.False) return setAside(statement, outcome.reason, notes);
    if (outcome.truth === Truth.Unknown) {
      if (!deny) return setAside(statement, outcome.reason, notes);
      precaution ??= outcome.reason;
    }
  }
  return { statement, ...(scope ? { scope } : {}), ...(precaution ? { precaution } : {}) };
}

function setAside(statement: CompiledStatement, reason: string, notes: string[]): undefined {
  notes.push(`${describeStatement(statement.ref)} (${statement.effect}) set aside: ${reason}`);
  return undefined;
}

function matchesAction(statement: CompiledStatement, action: string): boolean {
  let matched = false;
  for (const matcher of statement.actions) {
    if (matcher.matches(action)) {
      matched = true;
      break;
    }
  }
  return matched !== statement.notAction;
}

/**
 * Whether the Resource (or NotResource) element covers the resource. An Allow counts on the narrower reading of its
 * patterns and a Deny on the wider one; for NotResource the readings swap, so that doubt always denies.
 */
function matchesResource(statement: CompiledStatement, request: EvaluationRequest): Truth {
  const wide = (statement.effect === 'Deny') !== statement.notResource;
  let unknown = false;
  for (const resource of statement.resources) {
    let matcher: ResourceMatcher;
    if (resource.kind === 'static') {
      matcher = resource.matcher;
    } else {
      const resolved = resolveTemplate(resource.template, request.context);
      if (resolved.kind === 'missing') continue;
      if (resolved.kind === 'unknown') {
        unknown = true;
        continue;
      }
      matcher = resourcePattern(resolved.text, resolved.literal);
    }
    if (wide ? matcher.matchesForDeny(request.resource) : matcher.matchesForAllow(request.resource)) return statement.notResource ? Truth.False : Truth.True;
  }
  if (unknown) return Truth.Unknown;
  return statement.notResource ? Truth.True : Truth.False;
}

/** true: applies without a scope (a Deny); a scope: an Allow naming the principal; false: does not name it. */
function principalApplies(statement: CompiledStatement, request: EvaluationRequest): boolean | GrantScope {
  const { not, matcher } = statement.principal!;
  if (not) {
    // "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a permissions boundary
    // policy attached, regardless of the values specified in the NotPrincipal element." (access_policies_boundaries.html)
    if (request.hasBoundary) return true;
    return !matcher.namesWholeChain(request.identity);
  }
  const scope = matcher.scopeFor(request.identity);
  if (!scope) return false;
  return statement.effect === 'Deny' ? true : scope;
}

/** `source` (Sid X, statement N) — for logs. */
export function describeStatement(ref: StatementRef): string {
  return `${ref.source} (${ref.sid !== undefined && ref.sid !== '' ? `Sid ${ref.sid}, ` : ''}statement ${ref.index})`;
}
