/**
 * The Principal and NotPrincipal elements of resource-based policies
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html), matched against the
 * principal making the request. What a statement names decides how far its Allow reaches within the account
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow):
 *
 * - the role session's own ARN (`arn:aws:sts::<account>:assumed-role/<role>/<session>`): granted to the session
 *   directly, "not limited by an implicit deny in an identity-based policy, a permissions boundary, or session policy";
 * - the role's ARN: "limited by an implicit deny in a permissions boundary or session policy";
 * - the account (`123456789012` or `arn:aws:iam::123456789012:root`): delegates to the account, whose identity-based
 *   policies must then allow (it grants nothing by itself to a role; the root user has every permission anyway);
 * - `"*"` (everyone): treated here like the role's ARN, limited by a boundary (the pages do not say; this reading can
 *   only deny more);
 * - a service, federated or canonical principal: never an IAM principal of the local cloud.
 */
import type { NormalizedPrincipal } from './policy-validation';
import type { SessionIdentity } from './request-context';

/** How far an Allow naming the principal reaches (see the module comment). */
export enum GrantScope {
  Session = 'session',
  Role = 'role',
  Everyone = 'everyone',
  Account = 'account',
}

export interface CompiledPrincipal {
  /** The widest way the element names the principal, or undefined when it does not. */
  scopeFor(identity: SessionIdentity): GrantScope | undefined;
  /**
   * Whether the element names every identity of the principal's chain (account, role, session). NotPrincipal with
   * Deny exempts only such a principal: "AWS might validate the account first, then the role, and then the
   * assumed-role user" (reference_policies_elements_notprincipal.html), so exempting fewer can still deny.
   */
  namesWholeChain(identity: SessionIdentity): boolean;
}

export function compilePrincipal(principal: NormalizedPrincipal): CompiledPrincipal {
  if (principal === '*') return { scopeFor: () => GrantScope.Everyone, namesWholeChain: () => true };
  const ids = new Set(principal.AWS ?? []);
  const everyone = ids.has('*');
  const names = (arnOrAccount: string, accountId: string) => ids.has(arnOrAccount) || (arnOrAccount === rootArn(accountId) && ids.has(accountId));
  return {
    scopeFor(identity) {
      if (identity.kind === 'role-session') {
        if (ids.has(identity.principalArn)) return GrantScope.Session;
        if (identity.roleArn && ids.has(identity.roleArn)) return GrantScope.Role;
      }
      if (everyone) return GrantScope.Everyone;
      if (names(rootArn(identity.accountId), identity.accountId)) return GrantScope.Account;
      return undefined;
    },
    namesWholeChain(identity) {
      if (everyone) return true;
      const chain =
        identity.kind === 'role-session' ? [rootArn(identity.accountId), identity.roleArn ?? '', identity.principalArn] : [rootArn(identity.accountId)];
      return chain.every((arn) => names(arn, identity.accountId));
    },
  };
}

function rootArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}
