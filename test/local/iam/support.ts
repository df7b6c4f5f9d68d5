/**
 * Principals for the IAM tests, built the way the local cloud builds them (PrincipalStore.fromDeployment over a
 * LocalDeployment), so that every table runs through the real compile-and-authorize path.
 */
import type { LocalDeployment } from '../../../local/deployment';
import { type Authorization, type AuthorizationRequest, authorize, type RequestFacts } from '../../../local/iam/authorizer';
import type { LocalRole, NamedPolicy, PolicyDocument, PolicyStatement, ResourcePolicy } from '../../../local/iam/model';
import { type LocalPrincipal, PrincipalStore } from '../../../local/iam/principals';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const ROLE_NAME = 'CallerRole';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/app/${ROLE_NAME}`;
export const ROLE_ID = 'AROAEXAMPLEROLEID0001';
export const FUNCTION_NAME = 'caller';
export const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FUNCTION_NAME}`;
/** The role session the caller function runs as. */
export const SESSION_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE_NAME}/${FUNCTION_NAME}`;
export const ROOT_ARN = `arn:aws:iam::${ACCOUNT}:root`;
export const API_ARN = `arn:aws:appsync:${REGION}:${ACCOUNT}:apis/abcdefghijklmnopqrstuvwxyz`;
export const field = (type: string, name: string) => `${API_ARN}/types/${type}/fields/${name}`;
const ROLE_ACCESS_KEY = 'ASIAROLEEXAMPLE00001';
const ADMIN_ACCESS_KEY = 'AKIAADMINEXAMPLE0001';
export const NOW = new Date('2024-05-01T12:00:00Z');
export const ISSUED_AT = new Date('2024-05-01T09:00:00Z');

export const statement = (effect: 'Allow' | 'Deny', extra: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Effect: effect,
  Action: 'appsync:GraphQL',
  Resource: '*',
  ...extra,
});
export const document = (statements: PolicyStatement | PolicyStatement[], version = '2012-10-17'): PolicyDocument => ({
  Version: version,
  Statement: statements,
});
export const named = (source: string, statements: PolicyStatement | PolicyStatement[], version?: string): NamedPolicy => ({
  source,
  document: document(statements, version),
});

export interface PrincipalSetup {
  readonly policies?: NamedPolicy[];
  readonly boundary?: NamedPolicy;
  readonly tags?: Record<string, string>;
  readonly resourcePolicies?: ResourcePolicy[];
  readonly unknownManagedPolicies?: string[];
}

/** A deployment holding one role (run by the `caller` function) and the given resource policies. */
export function deploymentWith(setup: PrincipalSetup = {}): LocalDeployment {
  const role: LocalRole = {
    stackName: 'Stack',
    logicalId: 'CallerRole',
    roleName: ROLE_NAME,
    arn: ROLE_ARN,
    roleId: ROLE_ID,
    policies: setup.policies ?? [],
    ...(setup.boundary ? { permissionsBoundary: setup.boundary } : {}),
    ...(setup.unknownManagedPolicies ? { unknownManagedPolicies: setup.unknownManagedPolicies } : {}),
    tags: setup.tags ?? {},
    credentials: { accessKeyId: ROLE_ACCESS_KEY, secretAccessKey: 'roleSecret/abcdefghijklmnopqrstuvwxyz01234', sessionToken: 'IQoJb3JpZ2luX2VjEtoken' },
  };
  return {
    region: REGION,
    accountId: ACCOUNT,
    stacks: [],
    functions: [
      {
        stackName: 'Stack',
        logicalId: 'Caller',
        name: FUNCTION_NAME,
        arn: FUNCTION_ARN,
        codeDir: '/nonexistent',
        handler: 'index.handler',
        runtime: 'nodejs22.x',
        timeoutSeconds: 3,
        memorySize: 128,
        environment: {},
        roleArn: ROLE_ARN,
      },
    ],
    graphqlApis: [],
    tables: [],
    roles: [role],
    resourcePolicies: setup.resourcePolicies ?? [],
    adminCredentials: { accessKeyId: ADMIN_ACCESS_KEY, secretAccessKey: 'adminSecret/abcdefghijklmnopqrstuvwxyz0123' },
    skipped: [],
    notEmulated: [],
  };
}

export interface Principals {
  readonly role: LocalPrincipal;
  readonly admin: LocalPrincipal;
}

export function principalsWith(setup: PrincipalSetup = {}): Principals {
  const store = PrincipalStore.fromDeployment(deploymentWith(setup), ISSUED_AT);
  return { role: store.principal(ROLE_ACCESS_KEY)!, admin: store.principal(ADMIN_ACCESS_KEY)! };
}

export const facts = (overrides: Partial<RequestFacts> = {}): RequestFacts => ({
  sourceIp: '203.0.113.7',
  secureTransport: true,
  currentTime: NOW,
  requestedRegion: REGION,
  headers: { userAgent: 'aws-sdk-js/3.0.0' },
  ...overrides,
});

export type Request = Omit<AuthorizationRequest, 'facts'> & { readonly facts?: Partial<RequestFacts> };

/** `authorize` with the default facts, so tables only say what they change. */
export function decide(principal: LocalPrincipal, request: Request = { action: 'appsync:GraphQL', resource: field('Query', 'listTodos') }): Authorization {
  return authorize(principal, { ...request, facts: facts(request.facts) });
}

/** The decision for the role holding exactly these identity-based statements. */
export function decisionFor(
  statements: PolicyStatement | PolicyStatement[],
  request?: Request,
  setup: PrincipalSetup = {},
  version?: string,
): Authorization['decision'] {
  const { role } = principalsWith({ ...setup, policies: [named('Stack/CallerRole/Policy', statements, version), ...(setup.policies ?? [])] });
  return decide(role, request).decision;
}
