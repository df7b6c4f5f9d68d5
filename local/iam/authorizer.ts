/**
 * The one authorizer of the local cloud: every service (AppSync per top-level field, the Lambda Invoke API, DynamoDB,
 * AppSync's data-source roles) asks it whether a principal may perform an action on a resource, with the facts of the
 * request that IAM's global condition keys come from. Nothing else calls the policy evaluator.
 */

import { describeStatement, evaluate, type PolicyDecision, type StatementRef } from './policy-evaluator';
import type { LocalPrincipal } from './principals';

/** What the receiving service knows of the request, from which the request context's global keys are filled. */
export interface RequestFacts {
  /** The caller's address as the socket saw it (`aws:SourceIp`); absent when the call is made by a service (AppSync invoking a resolver). */
  readonly sourceIp?: string;
  /** Whether the request came over TLS as AWS would see it (`aws:SecureTransport`): the AWS endpoints the local cloud stands in for are HTTPS-only. */
  readonly secureTransport: boolean;
  /** When the request was received (`aws:CurrentTime`, `aws:EpochTime`). */
  readonly currentTime: Date;
  /** The region the request was made to (`aws:RequestedRegion`). */
  readonly requestedRegion: string;
}

export interface Authorization {
  readonly allowed: boolean;
  readonly decision: PolicyDecision;
  /** The statement that decided, when one did. */
  readonly statement?: StatementRef;
  /** One line for the decision log: why it was allowed or refused (never a secret). */
  readonly reason: string;
  /** Statements set aside and why, for the decision log. */
  readonly notes: readonly string[];
}

export interface AuthorizationRequest {
  readonly action: string;
  readonly resource: string;
  readonly facts: RequestFacts;
}

export function authorize(principal: LocalPrincipal, request: AuthorizationRequest): Authorization {
  if (principal.isAdmin) return { allowed: true, decision: 'Allow', reason: 'allowed: admin', notes: [] };
  const evaluation = evaluate(principal.policies, request.action, request.resource);
  const { decision, statement, notes } = evaluation;
  switch (decision) {
    case 'Allow':
      return { allowed: true, decision, statement, notes, reason: `allowed by ${describeStatement(statement!)}` };
    case 'ExplicitDeny':
      return { allowed: false, decision, statement, notes, reason: `explicitly denied by ${describeStatement(statement!)}` };
    default:
      return { allowed: false, decision, notes, reason: `implicitly denied: no statement allows ${request.action} on ${request.resource}` };
  }
}
