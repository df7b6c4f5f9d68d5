/**
 * Who may call the local cloud with SigV4: the principal store built from a `LocalDeployment`.
 *
 * - The admin credentials (`adminCredentials`, long-term keys, no session token) belong to the account's root user,
 *   `arn:aws:iam::<account>:root`: allowed every action on every resource, as root is in AWS. A request signed with
 *   them must not carry a session token.
 * - Each role's credentials are temporary ones, as Lambda hands its functions: a request signed with them must carry
 *   the matching X-Amz-Security-Token, else it is refused (UnrecognizedClientException). Its principal is the
 *   assumed-role session `arn:aws:sts::<account>:assumed-role/<role name>/<session>`; the session name is the name of
 *   the function that runs with the role (what Lambda uses), or the role name when no function does.
 *
 * `username` is what AppSync puts in `identity.username`: the account id for root, `<role id>:<session>` for a role
 * session, the role id being the role's `RoleId` attribute (derived from its ARN for a role built without one).
 *
 * Each principal's policies are compiled here, once: the authorizer evaluates `permissions` on every request.
 */
import { createHash } from 'node:crypto';
import type { LocalDeployment } from '../deployment';
import type { LocalRole, NamedPolicy } from './model';
import { type CompiledPolicy, compilePolicy } from './policy-evaluator';
import type { SessionIdentity } from './request-context';
import { ResourcePolicyIndex } from './resource-policies';
import type { SigningSecret } from './sigv4';

/** What the authorizer needs of a principal, compiled once when the store is built (never per request). */
export interface PrincipalPermissions {
  readonly identity: SessionIdentity;
  /** Identity-based policies: inline, attached, customer and AWS managed. */
  readonly identityPolicies: readonly CompiledPolicy[];
  /** The permissions boundary, when the role has one. */
  readonly boundary?: CompiledPolicy;
  /** The deployment's resource-based policies (shared by every principal). */
  readonly resourcePolicies: ResourcePolicyIndex;
  /** AWS managed policies the role names that the local catalogue lacks (they allow nothing locally). */
  readonly unknownManagedPolicies: readonly string[];
}

export interface LocalPrincipal {
  readonly kind: 'admin' | 'role';
  /** `arn:aws:iam::<account>:root` or `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly principalArn: string;
  readonly accountId: string;
  /** The role a session belongs to (`arn:aws:iam::<account>:role/<path><name>`); absent for the admin. */
  readonly roleArn?: string;
  /** AppSync's `identity.username`. */
  readonly username: string;
  readonly policies: readonly NamedPolicy[];
  /** The policies, compiled; what the authorizer evaluates. */
  readonly permissions: PrincipalPermissions;
  readonly isAdmin: boolean;
  readonly accessKeyId: string;
  /** The profile of the shared credentials file that holds these credentials. */
  readonly profileName: string;
  /** For logs: `admin` or `role <stack>/<logicalId>`. */
  readonly description: string;
}

/** The admin's profile in the rendered AWS shared credentials and config files. */
export const ADMIN_PROFILE = 'local';

/**
 * What a principal store is built from: the parts of a deployment it reads, plain data (a structured clone of it
 * builds the same store in another thread: the DynamoDB store's, local/dynamodb/store-thread.ts).
 */
export interface PrincipalSource {
  readonly accountId: string;
  readonly region: string;
  readonly adminCredentials: LocalDeployment['adminCredentials'];
  readonly roles: readonly LocalRole[];
  readonly resourcePolicies?: LocalDeployment['resourcePolicies'];
  readonly functions: ReadonlyArray<Pick<LocalDeployment['functions'][number], 'name' | 'roleArn' | 'arn'>>;
}

interface Entry {
  readonly principal: LocalPrincipal;
  readonly secret: SigningSecret;
  /** For a role's entry: the role's ARN and name. */
  readonly role?: { readonly arn: string; readonly name: string };
}

export class PrincipalStore {
  private readonly byAccessKey = new Map<string, Entry>();
  private readonly byRoleArn = new Map<string, Entry>();

  private constructor(
    readonly accountId: string,
    readonly region: string,
    entries: readonly Entry[],
    /** What the store was built from, and when its sessions count as issued: enough to build it again elsewhere. */
    readonly origin: { readonly source: PrincipalSource; readonly issuedAt: Date },
  ) {
    for (const entry of entries) {
      this.byAccessKey.set(entry.principal.accessKeyId, entry);
      if (entry.role) this.byRoleArn.set(entry.role.arn, entry);
    }
  }

  /** `issuedAt`: when the sessions' credentials count as issued (`aws:TokenIssueTime`); the local cloud's start. */
  static fromDeployment(deployment: PrincipalSource & Partial<Omit<LocalDeployment, keyof PrincipalSource>>, issuedAt = new Date()): PrincipalStore {
    const { accountId } = deployment;
    const names = profileNames(deployment);
    const resourcePolicies = new ResourcePolicyIndex(deployment.resourcePolicies);
    const rootArn = `arn:aws:iam::${accountId}:root`;
    const entries: Entry[] = [
      {
        principal: {
          kind: 'admin',
          principalArn: rootArn,
          accountId,
          username: accountId,
          policies: [],
          permissions: {
            identity: { kind: 'root', accountId, principalArn: rootArn, tags: new Map() },
            identityPolicies: [],
            resourcePolicies,
            unknownManagedPolicies: [],
          },
          isAdmin: true,
          accessKeyId: deployment.adminCredentials.accessKeyId,
          profileName: ADMIN_PROFILE,
          description: 'admin',
        },
        secret: { secretAccessKey: deployment.adminCredentials.secretAccessKey },
      },
    ];
    for (const role of deployment.roles) {
      const session = sessionName(deployment, role.arn, role.roleName);
      const principalArn = `arn:aws:sts::${accountId}:assumed-role/${role.roleName}/${session}`;
      const roleId = role.roleId ?? pseudoRoleId(role.arn);
      const identity: SessionIdentity = {
        kind: 'role-session',
        accountId,
        principalArn,
        roleArn: role.arn,
        roleId,
        sessionName: session,
        tags: new Map(Object.entries(role.tags ?? {}).map(([key, value]) => [key.toLowerCase(), value])),
        issuedAt,
        ...sourceFunction(deployment, role, session),
      };
      entries.push({
        principal: {
          kind: 'role',
          principalArn,
          accountId,
          roleArn: role.arn,
          username: `${roleId}:${session}`,
          policies: role.policies,
          permissions: {
            identity,
            identityPolicies: role.policies.map((policy) => compilePolicy(policy, 'identity')),
            ...(role.permissionsBoundary ? { boundary: compilePolicy(role.permissionsBoundary, 'identity') } : {}),
            resourcePolicies,
            unknownManagedPolicies: role.unknownManagedPolicies ?? [],
          },
          isAdmin: false,
          accessKeyId: role.credentials.accessKeyId,
          profileName: names.get(role.arn) ?? role.logicalId,
          description: `role ${role.stackName}/${role.logicalId}`,
        },
        secret: { secretAccessKey: role.credentials.secretAccessKey, sessionToken: role.credentials.sessionToken },
        role: { arn: role.arn, name: role.roleName },
      });
    }
    const source: PrincipalSource = {
      accountId,
      region: deployment.region,
      adminCredentials: deployment.adminCredentials,
      roles: deployment.roles,
      resourcePolicies: deployment.resourcePolicies,
      functions: deployment.functions.map(({ name, roleArn, arn }) => ({ name, roleArn, arn })),
    };
    return new PrincipalStore(accountId, deployment.region, entries, { source, issuedAt });
  }

  /** The secret (and session token) a SigV4 verifier needs; undefined for an unknown key. */
  credentials(accessKeyId: string): SigningSecret | undefined {
    return this.byAccessKey.get(accessKeyId)?.secret;
  }

  principal(accessKeyId: string): LocalPrincipal | undefined {
    return this.byAccessKey.get(accessKeyId)?.principal;
  }

  /**
   * The principal of a role by its ARN (`arn:aws:iam::<account>:role/<name>`), as a session named `sessionName` when
   * given (a service assuming the role names its own session: AppSync's is `APPSYNC_ASSUME_ROLE`); undefined for a role
   * the deployment does not define.
   */
  principalForRole(roleArn: string, sessionName?: string): LocalPrincipal | undefined {
    const entry = this.byRoleArn.get(roleArn);
    if (!entry?.role || sessionName === undefined) return entry?.principal;
    const { principal, role } = entry;
    const principalArn = `arn:aws:sts::${principal.accountId}:assumed-role/${role.name}/${sessionName}`;
    // The session is the service's, not a function's: no lambda:SourceFunctionArn.
    const { sourceFunctionArn: _notAFunction, ...identity } = principal.permissions.identity as SessionIdentity & { sourceFunctionArn?: string };
    return {
      ...principal,
      principalArn,
      username: `${principal.username.slice(0, principal.username.indexOf(':'))}:${sessionName}`,
      permissions: { ...principal.permissions, identity: { ...identity, principalArn, sessionName } as SessionIdentity },
    };
  }

  list(): LocalPrincipal[] {
    return [...this.byAccessKey.values()].map((entry) => entry.principal);
  }
}

function sessionName(deployment: PrincipalSource, roleArn: string, roleName: string): string {
  const users = deployment.functions
    .filter((fn) => fn.roleArn === roleArn)
    .map((fn) => fn.name)
    .sort();
  // Session names are at most 64 characters of [\w+=,.@-].
  return (users[0] ?? roleName).replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/** The function a role's session is named after, for `lambda:SourceFunctionArn`. */
function sourceFunction(deployment: PrincipalSource, role: LocalRole, session: string): { sourceFunctionArn?: string } {
  const fn = deployment.functions.find((candidate) => candidate.roleArn === role.arn && candidate.name === session);
  return fn ? { sourceFunctionArn: fn.arn } : {};
}

function pseudoRoleId(roleArn: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(`local-role-id:${roleArn}`).digest();
  let id = 'AROA';
  for (let i = 0; id.length < 21; i++) id += alphabet[digest[i] % alphabet.length];
  return id;
}

/** Role ARN → profile name: the role's logical id, prefixed with its stack when two stacks use the same one. */
function profileNames(deployment: PrincipalSource): Map<string, string> {
  const counts = new Map<string, number>();
  for (const role of deployment.roles) counts.set(role.logicalId, (counts.get(role.logicalId) ?? 0) + 1);
  const names = new Map<string, string>();
  for (const role of deployment.roles) {
    const clash = (counts.get(role.logicalId) ?? 0) > 1 || role.logicalId === ADMIN_PROFILE;
    names.set(role.arn, clash ? `${role.stackName}-${role.logicalId}` : role.logicalId);
  }
  return names;
}

export interface AwsProfileFiles {
  /** Text of the shared credentials file (`~/.aws/credentials` format). */
  readonly credentials: string;
  /** Text of the config file (`~/.aws/config` format). */
  readonly config: string;
  readonly profiles: ReadonlyArray<{ readonly name: string; readonly principalArn: string }>;
}

/**
 * The AWS shared credentials and config files for the local cloud: profile `local` (the admin) and one profile per
 * role, named by its logical id (with its session token). Config gives every profile the deployment's region and
 * JSON output. Point AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE at them; these keys work only locally.
 */
export function renderAwsProfiles(deployment: LocalDeployment): AwsProfileFiles {
  const store = PrincipalStore.fromDeployment(deployment);
  const header = '# Credentials of the local cloud (they work only against it, never against AWS). Generated; do not edit.\n';
  const credentialSections: string[] = [];
  const configSections: string[] = [];
  const profiles: Array<{ name: string; principalArn: string }> = [];
  const admin = deployment.adminCredentials;
  credentialSections.push(section(ADMIN_PROFILE, { aws_access_key_id: admin.accessKeyId, aws_secret_access_key: admin.secretAccessKey }));
  configSections.push(section(`profile ${ADMIN_PROFILE}`, { region: deployment.region, output: 'json' }));
  profiles.push({ name: ADMIN_PROFILE, principalArn: store.principal(admin.accessKeyId)?.principalArn ?? '' });
  for (const role of deployment.roles) {
    const principal = store.principal(role.credentials.accessKeyId);
    const name = principal?.profileName ?? role.logicalId;
    credentialSections.push(
      section(name, {
        aws_access_key_id: role.credentials.accessKeyId,
        aws_secret_access_key: role.credentials.secretAccessKey,
        aws_session_token: role.credentials.sessionToken,
      }),
    );
    configSections.push(section(`profile ${name}`, { region: deployment.region, output: 'json' }));
    profiles.push({ name, principalArn: principal?.principalArn ?? '' });
  }
  return { credentials: header + credentialSections.join('\n'), config: header + configSections.join('\n'), profiles };
}

function section(name: string, values: Record<string, string>): string {
  return `[${name}]\n${Object.entries(values)
    .map(([key, value]) => `${key} = ${value}\n`)
    .join('')}`;
}
