/**
 * The request context IAM evaluates conditions and policy variables against: AWS's global condition keys, filled from
 * the principal (its role, session and tags) and from the facts the receiving service knows of the request (source
 * IP, time, region…), as "AWS global condition context keys" documents each key's availability
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
 *
 * Every key is in one of three states: present (with its values), absent (AWS would not put it in this request's
 * context either), or unknown: a real request might carry it, but the local cloud cannot know its value (whether the
 * account is in an AWS Organization, a resource's tags, the address of a service calling on a role's behalf…). A
 * condition on an unknown key can decide neither way, so the evaluator fails closed on it: a Deny that tests it
 * applies and an Allow that tests it does not, each with the reason in the decision log.
 *
 * Key names are case-insensitive ("Condition key names are not case-sensitive",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html): lookups take lower case.
 */

/** What the receiving service knows of the request, from which the request context's global keys are filled. */
export interface RequestFacts {
  /**
   * The caller's address as the socket saw it (`aws:SourceIp`). Leave it out when a service makes the call with a
   * service role (AppSync invoking a resolver with its data source's role): AWS then sees the service's own address,
   * which the local cloud does not know, so `aws:SourceIp` is unknown.
   */
  readonly sourceIp?: string;
  /** Whether the request came over TLS as AWS would see it (`aws:SecureTransport`): the AWS endpoints the local cloud stands in for are HTTPS-only. */
  readonly secureTransport: boolean;
  /** When the request was received (`aws:CurrentTime`, `aws:EpochTime`). */
  readonly currentTime: Date;
  /** The region the request was made to (`aws:RequestedRegion`). */
  readonly requestedRegion: string;
  /**
   * The request's headers that global keys come from (`aws:UserAgent`, `aws:referer`), when the service has them; a
   * header missing from a given `headers` is absent. Without `headers` both keys are unknown.
   */
  readonly headers?: { readonly userAgent?: string; readonly referer?: string };
}

/** A value of a context key as a service gives it. */
export type ContextValue = string | number | boolean | Date | readonly string[];

export type KeyLookup =
  | { readonly state: 'present'; readonly values: readonly string[] }
  | { readonly state: 'absent' }
  | { readonly state: 'unknown'; readonly why: string };

/** Who makes the request, as the context keys describe it; built once per principal. */
export interface SessionIdentity {
  readonly kind: 'root' | 'role-session';
  readonly accountId: string;
  /** `arn:aws:iam::<account>:root` or `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly principalArn: string;
  /** The role of a session, path included: what `aws:PrincipalArn` holds for a role session. */
  readonly roleArn?: string;
  /** The role's unique id (`AROA…`): `aws:userid` is `<role id>:<session name>`. */
  readonly roleId?: string;
  readonly sessionName?: string;
  /** The role's tags (`aws:PrincipalTag/<key>`), by lower-case key. */
  readonly tags: ReadonlyMap<string, string>;
  /** When the session's temporary credentials were issued (`aws:TokenIssueTime`): when the local cloud started. */
  readonly issuedAt?: Date;
  /** The function whose execution role the session is (`lambda:SourceFunctionArn`). */
  readonly sourceFunctionArn?: string;
}

/** What the context needs of the request besides the facts. */
export interface ContextRequest {
  readonly action: string;
  readonly resource: string;
  readonly facts: RequestFacts;
  /** The condition keys only the request can tell (see AuthorizationRequest.requestKeys). */
  readonly requestKeys?: Readonly<Record<string, ContextValue>>;
  /** The resource's tags (`aws:ResourceTag/<key>`), when the service supports them for the action. */
  readonly resourceTags?: Readonly<Record<string, string>>;
}

const ABSENT: KeyLookup = { state: 'absent' };

/** Global keys a request to the local cloud never carries, and why (for the report of what is emulated). */
export const ABSENT_GLOBAL_KEYS: Readonly<Record<string, string>> = {
  'aws:username': 'present only for IAM users; the local cloud has roles and the root user',
  'aws:multifactorauthage': 'present only after MFA; no local credentials use MFA',
  'aws:calledvia': 'present only when a service uses the caller’s own credentials (forward access sessions); local services call with service roles',
  'aws:calledviafirst': 'see aws:CalledVia',
  'aws:calledvialast': 'see aws:CalledVia',
  'aws:principalservicename': 'present only for calls by a service principal; every local call is signed by a role session or the root user',
  'aws:principalservicenameslist': 'see aws:PrincipalServiceName',
  'aws:sourcearn': 'present only in service-to-service calls made by a service principal',
  'aws:sourceaccount': 'see aws:SourceArn',
  'aws:sourceowner': 'see aws:SourceArn',
  'aws:sourceorgid': 'see aws:SourceArn',
  'aws:sourceorgpaths': 'see aws:SourceArn',
  'aws:sourceidentity': 'present only after a source identity was set on AssumeRole; Lambda sets none',
  'aws:federatedprovider': 'present only for federated sessions',
  'aws:sourcevpc': 'present only through a VPC endpoint; the local cloud is reached directly (as aws:SourceIp says)',
  'aws:sourcevpce': 'see aws:SourceVpc',
  'aws:sourcevpcarn': 'see aws:SourceVpc',
  'aws:vpcsourceip': 'see aws:SourceVpc',
  'aws:ec2instancesourcevpc': 'present only for EC2 instance-role credentials',
  'aws:ec2instancesourceprivateipv4': 'see aws:Ec2InstanceSourceVpc',
};

/** Global keys a real request may carry that the local cloud cannot know; a condition on one fails closed. */
export const UNKNOWN_GLOBAL_KEYS: Readonly<Record<string, string>> = {
  'aws:principalorgid': 'whether the account belongs to an AWS Organization is not in the templates',
  'aws:principalorgpaths': 'see aws:PrincipalOrgID',
  'aws:resourceorgid': 'see aws:PrincipalOrgID',
  'aws:resourceorgpaths': 'see aws:PrincipalOrgID',
};

/** The global keys the local cloud fills (present, or absent as AWS would leave them) from the principal and the facts. */
const FILLED_GLOBAL_KEYS = new Set([
  'aws:principalarn',
  'aws:principalaccount',
  'aws:principaltype',
  'aws:userid',
  'aws:principalisawsservice',
  'aws:viaawsservice',
  'aws:multifactorauthpresent',
  'aws:tokenissuetime',
  'aws:sourceip',
  'aws:securetransport',
  'aws:currenttime',
  'aws:epochtime',
  'aws:requestedregion',
  'aws:useragent',
  'aws:referer',
  'aws:resourceaccount',
  'aws:tagkeys',
]);

/**
 * Why a condition key can never be known locally, whatever the request (for the start-up report of what is not
 * emulated); undefined for keys the local cloud fills or a service may pass.
 */
export function unknowableKey(lowerKey: string): string | undefined {
  if (!lowerKey.startsWith('aws:')) return undefined;
  if (FILLED_GLOBAL_KEYS.has(lowerKey) || lowerKey in ABSENT_GLOBAL_KEYS) return undefined;
  if (lowerKey.startsWith('aws:principaltag/') || lowerKey.startsWith('aws:requesttag/')) return undefined;
  if (lowerKey.startsWith('aws:resourcetag/')) return 'no local service passes resource tags to the authorizer';
  return UNKNOWN_GLOBAL_KEYS[lowerKey] ?? 'it is not a global condition key the local cloud fills';
}

export class RequestContext {
  private servicePrefix?: string;

  constructor(
    private readonly identity: SessionIdentity,
    private readonly request: ContextRequest,
  ) {}

  /** A key's state and values; `key` in lower case. */
  lookup(key: string): KeyLookup {
    if (key.startsWith('aws:')) return this.globalKey(key);
    return this.serviceKey(key);
  }

  private globalKey(key: string): KeyLookup {
    const { identity } = this;
    const { facts } = this.request;
    const session = identity.kind === 'role-session';
    switch (key) {
      case 'aws:principalarn':
        // "For IAM roles, the request context returns the ARN of the role, not the ARN of the user that assumed the role."
        return present(session ? (identity.roleArn ?? identity.principalArn) : identity.principalArn);
      case 'aws:principalaccount':
        return present(identity.accountId);
      case 'aws:principaltype':
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable
        return present(session ? 'AssumedRole' : 'Account');
      case 'aws:userid':
        return present(session ? `${identity.roleId}:${identity.sessionName}` : identity.accountId);
      case 'aws:principalisawsservice':
      case 'aws:viaawsservice':
        // Always present; false unless a service principal calls, or a service reuses the caller's credentials.
        return present('false');
      case 'aws:multifactorauthpresent':
        // Present only with temporary credentials; Lambda's session credentials are issued without MFA.
        return session ? present('false') : ABSENT;
      case 'aws:tokenissuetime':
        return session && identity.issuedAt ? present(identity.issuedAt.toISOString()) : ABSENT;
      case 'aws:sourceip':
        return facts.sourceIp ? present(facts.sourceIp) : { state: 'unknown', why: 'a service makes this call, and AWS would see that service’s address' };
      case 'aws:securetransport':
        return present(String(facts.secureTransport));
      case 'aws:currenttime':
        return present(facts.currentTime.toISOString());
      case 'aws:epochtime':
        return present(String(Math.floor(facts.currentTime.getTime() / 1000)));
      case 'aws:requestedregion':
        return present(facts.requestedRegion);
      case 'aws:useragent':
        if (!facts.headers) return { state: 'unknown', why: 'this service does not pass the request’s User-Agent to the local authorizer' };
        return facts.headers.userAgent !== undefined ? present(facts.headers.userAgent) : ABSENT;
      case 'aws:referer':
        if (!facts.headers) return { state: 'unknown', why: 'this service does not pass the request’s Referer to the local authorizer' };
        return facts.headers.referer !== undefined ? present(facts.headers.referer) : ABSENT;
      case 'aws:resourceaccount': {
        const account = this.request.resource.split(':')[4];
        return account && /^\d{12}$/.test(account) ? present(account) : { state: 'unknown', why: 'the resource’s ARN names no account' };
      }
      case 'aws:tagkeys':
        return this.fromRequestKeys(key);
    }
    if (key.startsWith('aws:principaltag/')) {
      const value = identity.tags.get(key.slice('aws:principaltag/'.length));
      return value === undefined ? ABSENT : present(value);
    }
    if (key.startsWith('aws:resourcetag/')) {
      const tags = this.request.resourceTags;
      if (!tags) return { state: 'unknown', why: 'the local cloud does not know this resource’s tags for this action' };
      const wanted = key.slice('aws:resourcetag/'.length);
      const found = Object.entries(tags).find(([tagKey]) => tagKey.toLowerCase() === wanted);
      return found ? present(found[1]) : ABSENT;
    }
    if (key.startsWith('aws:requesttag/')) return this.fromRequestKeys(key);
    if (key in ABSENT_GLOBAL_KEYS) return ABSENT;
    return { state: 'unknown', why: UNKNOWN_GLOBAL_KEYS[key] ?? 'it is not a global condition key the local cloud fills' };
  }

  /**
   * A service's key: the action's own service gives its keys for the request (requestKeys); a request to one service
   * carries no keys of another, except `lambda:SourceFunctionArn`, which Lambda attaches to its functions' sessions
   * (https://docs.aws.amazon.com/lambda/latest/dg/permissions-source-function-arn.html).
   */
  private serviceKey(key: string): KeyLookup {
    if (key === 'lambda:sourcefunctionarn') return this.identity.sourceFunctionArn ? present(this.identity.sourceFunctionArn) : ABSENT;
    const prefix = key.slice(0, key.indexOf(':') + 1);
    this.servicePrefix ??= `${this.request.action.slice(0, this.request.action.indexOf(':')).toLowerCase()}:`;
    if (prefix !== this.servicePrefix) return ABSENT;
    return this.fromRequestKeys(key);
  }

  private fromRequestKeys(key: string): KeyLookup {
    const keys = this.request.requestKeys;
    if (!keys) return { state: 'unknown', why: 'the service does not tell the local authorizer the keys of this request' };
    const found = Object.entries(keys).find(([name]) => name.toLowerCase() === key);
    return found ? present(found[1]) : ABSENT;
  }
}

function present(value: ContextValue): KeyLookup {
  if (Array.isArray(value)) return { state: 'present', values: value };
  if (value instanceof Date) return { state: 'present', values: [value.toISOString()] };
  return { state: 'present', values: [String(value)] };
}
