/**
 * The one authorizer of the local cloud: every service (AppSync per top-level field, the Lambda Invoke API, DynamoDB,
 * AppSync's data-source roles) asks it whether a principal may perform an action on a resource, with the facts of the
 * request that IAM's global condition keys come from. Nothing else evaluates policies.
 *
 * The decision follows "Policy evaluation logic" for requests within one account
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow):
 *
 * 1. an explicit Deny in any policy that applies (identity-based, permissions boundary, resource-based) denies;
 * 2. an Allow in the resource's resource-based policy naming the role session allows, whatever the identity-based
 *    policies and the boundary say; naming the role (or everyone) allows unless a permissions boundary does not;
 *    naming the account delegates to the identity-based policies;
 * 3. otherwise an Allow in an identity-based policy is needed, and, when the role has a permissions boundary, an Allow
 *    in the boundary too ("the intersection of the two");
 * 4. anything else is an implicit deny. The account's root user (the local admin) has every permission, except what a
 *    resource-based policy explicitly denies it.
 *
 * SCPs, RCPs and session policies do not exist locally. What the local cloud cannot know fails closed (see
 * policy-evaluator.ts, conditions.ts, request-context.ts), with the reason in `notes`.
 */
import { describeStatement, type EvaluationRequest, evaluatePolicies, type PolicyDecision, type StatementMatch, type StatementRef } from './policy-evaluator';
import { GrantScope } from './principal-element';
import type { LocalPrincipal } from './principals';
import { type ContextValue, RequestContext, type RequestFacts } from './request-context';

export type { RequestFacts } from './request-context';

/** The policy type a refusal is due to, as AWS's AccessDenied messages name it. */
export enum PolicyType {
  IdentityBased = 'identity-based policy',
  PermissionsBoundary = 'permissions boundary',
  ResourceBased = 'resource-based policy',
}

export interface Authorization {
  readonly allowed: boolean;
  readonly decision: PolicyDecision;
  /** The statement that decided, when one did. */
  readonly statement?: StatementRef;
  /** For a refusal: the type of policy that denied (explicitly) or did not allow (implicitly). */
  readonly deniedBy?: PolicyType;
  /** One line for the decision log: why it was allowed or refused (never a secret). */
  readonly reason: string;
  /** Statements set aside and why, for the decision log. */
  readonly notes: readonly string[];
}

export interface AuthorizationRequest {
  readonly action: string;
  readonly resource: string;
  readonly facts: RequestFacts;
  /**
   * The condition keys only the request itself can tell: the action's own service's keys (`dynamodb:LeadingKeys`,
   * `dynamodb:Attributes`…), `aws:RequestTag/<key>` and `aws:TagKeys`. When given, a key of that kind it does not
   * hold is absent from the request; when not given, such keys are unknown and statements testing them fail closed.
   * Actions known to carry none (ACTIONS_WITHOUT_REQUEST_KEYS) need not pass it.
   */
  readonly requestKeys?: Readonly<Record<string, ContextValue>>;
  /** The resource's tags, for `aws:ResourceTag/<key>` (unknown when not given). */
  readonly resourceTags?: Readonly<Record<string, string>>;
}

/**
 * Actions whose requests carry none of their service's condition keys and no request tags (Service Authorization
 * Reference: AppSync's GraphQL and Lambda's InvokeFunction list none), so that statements testing such a key see it
 * absent, as AWS would.
 */
export const ACTIONS_WITHOUT_REQUEST_KEYS: ReadonlySet<string> = new Set(['appsync:graphql', 'lambda:invokefunction']);

const NO_KEYS: Readonly<Record<string, ContextValue>> = Object.freeze({});

export function authorize(principal: LocalPrincipal, request: AuthorizationRequest): Authorization {
  const { permissions } = principal;
  const action = request.action.toLowerCase();
  const context = new RequestContext(permissions.identity, {
    ...request,
    requestKeys: request.requestKeys ?? (ACTIONS_WITHOUT_REQUEST_KEYS.has(action) ? NO_KEYS : undefined),
  });
  const notes: string[] = [];
  const input: EvaluationRequest = {
    action,
    resource: request.resource,
    identity: permissions.identity,
    hasBoundary: permissions.boundary !== undefined,
    context,
  };
  const resourcePolicy = permissions.resourcePolicies.policyFor(request.resource);
  const resourceBased = resourcePolicy ? evaluatePolicies([resourcePolicy], input, notes) : {};
  if (resourceBased.deny) return explicitDeny(resourceBased.deny, PolicyType.ResourceBased, notes);
  if (principal.isAdmin) return { allowed: true, decision: 'Allow', reason: 'allowed: admin (the account’s root user)', notes };

  const identityBased = evaluatePolicies(permissions.identityPolicies, input, notes);
  if (identityBased.deny) return explicitDeny(identityBased.deny, PolicyType.IdentityBased, notes);
  const boundary = permissions.boundary ? evaluatePolicies([permissions.boundary], input, notes) : undefined;
  if (boundary?.deny) return explicitDeny(boundary.deny, PolicyType.PermissionsBoundary, notes);

  const withinBoundary = !boundary || boundary.allow !== undefined;
  const grant = resourceBased.allow;
  if (grant && (grant.scope === GrantScope.Session || (grant.scope !== GrantScope.Account && withinBoundary))) {
    return allow(grant, notes, 'by the resource-based policy');
  }
  if (identityBased.allow && withinBoundary) return allow(identityBased.allow, notes, '');
  for (const arn of permissions.unknownManagedPolicies) notes.push(`${arn} is not known locally: it allows nothing here`);
  if (identityBased.allow) {
    return {
      allowed: false,
      decision: 'ImplicitDeny',
      deniedBy: PolicyType.PermissionsBoundary,
      notes,
      reason: `implicitly denied: ${describeStatement(identityBased.allow.statement.ref)} allows ${request.action} on ${request.resource}, but the permissions boundary does not`,
    };
  }
  return {
    allowed: false,
    decision: 'ImplicitDeny',
    deniedBy: PolicyType.IdentityBased,
    notes,
    reason: `implicitly denied: no statement allows ${request.action} on ${request.resource}`,
  };
}

function allow(match: StatementMatch, notes: string[], via: string): Authorization {
  return {
    allowed: true,
    decision: 'Allow',
    statement: match.statement.ref,
    notes,
    reason: `allowed ${via ? `${via} ` : ''}by ${describeStatement(match.statement.ref)}`,
  };
}

function explicitDeny(match: StatementMatch, deniedBy: PolicyType, notes: string[]): Authorization {
  const precaution = match.precaution ? ` (applied as a precaution: ${match.precaution})` : '';
  return {
    allowed: false,
    decision: 'ExplicitDeny',
    statement: match.statement.ref,
    deniedBy,
    notes,
    reason: `explicitly denied by ${describeStatement(match.statement.ref)}${precaution}`,
  };
}

/**
 * The end of AWS's AccessDenied message for a refusal: "with an explicit deny in a <type>" or "because no <type>
 * allows the <action> action" (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
 */
export function denialContext(authorization: Authorization, action: string): string {
  const type = authorization.deniedBy ?? PolicyType.IdentityBased;
  if (authorization.decision === 'ExplicitDeny') return `with an explicit deny in ${type === PolicyType.IdentityBased ? 'an' : 'a'} ${type}`;
  return `because no ${type} allows the ${action} action`;
}
