import { ADMIN_PROFILE, PrincipalStore, renderAwsProfiles } from '../../../local/iam/principals';
import { ACCOUNT, ADMIN, DENY_DELETE_ROLE, deployment, LIST_ONLY_ROLE, QUERY_WILDCARD_ROLE } from '../appsync/fixture';

describe('PrincipalStore', () => {
  const store = PrincipalStore.fromDeployment(deployment());

  test('the admin is the account root, allowed everything, with long-term keys', () => {
    expect(store.principal(ADMIN.accessKeyId)).toMatchObject({
      kind: 'admin',
      principalArn: `arn:aws:iam::${ACCOUNT}:root`,
      isAdmin: true,
      username: ACCOUNT,
      profileName: ADMIN_PROFILE,
    });
    expect(store.credentials(ADMIN.accessKeyId)).toEqual({ secretAccessKey: ADMIN.secretAccessKey });
  });

  test('a role is an assumed-role session, named after the function that runs with it', () => {
    const principal = store.principal(LIST_ONLY_ROLE.credentials.accessKeyId);
    expect(principal).toMatchObject({
      kind: 'role',
      principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${LIST_ONLY_ROLE.roleName}/listTodosCaller`,
      isAdmin: false,
      policies: LIST_ONLY_ROLE.policies,
      profileName: 'ListOnlyRole',
    });
    expect(principal?.username).toMatch(/^AROA[A-Z2-7]{17}:listTodosCaller$/);
    // A role no function uses: the session is named after the role.
    expect(store.principal(DENY_DELETE_ROLE.credentials.accessKeyId)?.principalArn).toBe(
      `arn:aws:sts::${ACCOUNT}:assumed-role/${DENY_DELETE_ROLE.roleName}/${DENY_DELETE_ROLE.roleName}`,
    );
  });

  test("a role's credentials carry its session token", () => {
    expect(store.credentials(QUERY_WILDCARD_ROLE.credentials.accessKeyId)).toEqual({
      secretAccessKey: QUERY_WILDCARD_ROLE.credentials.secretAccessKey,
      sessionToken: QUERY_WILDCARD_ROLE.credentials.sessionToken,
    });
  });

  test('an unknown key is unknown', () => {
    expect(store.credentials('AKIAUNKNOWN')).toBeUndefined();
    expect(store.principal('AKIAUNKNOWN')).toBeUndefined();
    expect(store.list()).toHaveLength(4);
  });

  test('two stacks with the same role logical id get distinct profiles', () => {
    const base = deployment();
    const twin = {
      ...LIST_ONLY_ROLE,
      stackName: 'Other',
      arn: `${LIST_ONLY_ROLE.arn}-other`,
      credentials: { ...LIST_ONLY_ROLE.credentials, accessKeyId: 'ASIATWIN' },
    };
    const twins = PrincipalStore.fromDeployment({ ...base, roles: [...base.roles, twin] });
    expect(twins.principal(LIST_ONLY_ROLE.credentials.accessKeyId)?.profileName).toBe('Callers-test-ListOnlyRole');
    expect(twins.principal('ASIATWIN')?.profileName).toBe('Other-ListOnlyRole');
  });
});

describe('renderAwsProfiles', () => {
  const files = renderAwsProfiles(deployment());

  test('credentials: profile local (admin) and one profile per role, with its session token', () => {
    expect(files.credentials).toContain(`[local]\naws_access_key_id = ${ADMIN.accessKeyId}\naws_secret_access_key = ${ADMIN.secretAccessKey}\n`);
    expect(files.credentials).toContain(
      `[ListOnlyRole]\naws_access_key_id = ${LIST_ONLY_ROLE.credentials.accessKeyId}\naws_secret_access_key = ${LIST_ONLY_ROLE.credentials.secretAccessKey}\naws_session_token = ${LIST_ONLY_ROLE.credentials.sessionToken}\n`,
    );
    expect(files.credentials.match(/^\[/gm)).toHaveLength(4);
    expect(files.credentials.split('\n').filter((line) => line.startsWith('[local]'))).toHaveLength(1);
    expect(files.credentials).not.toMatch(/\[local\][^[]*aws_session_token/);
  });

  test('config: every profile with region and JSON output', () => {
    expect(files.config).toContain('[profile local]\nregion = us-east-1\noutput = json\n');
    for (const name of ['ListOnlyRole', 'DenyDeleteRole', 'QueryWildcardRole']) {
      expect(files.config).toContain(`[profile ${name}]\nregion = us-east-1\noutput = json\n`);
    }
    expect(files.profiles.map((p) => p.name)).toEqual(['local', 'ListOnlyRole', 'DenyDeleteRole', 'QueryWildcardRole']);
  });
});

describe('PrincipalStore.principalForRole', () => {
  const store = PrincipalStore.fromDeployment(deployment());

  test("a role's session principal by the role's ARN (AppSync's data-source roles are looked up this way)", () => {
    expect(store.principalForRole(DENY_DELETE_ROLE.arn)).toBe(store.principal(DENY_DELETE_ROLE.credentials.accessKeyId));
    expect(store.principalForRole(DENY_DELETE_ROLE.arn)?.roleArn).toBe(DENY_DELETE_ROLE.arn);
  });

  test('an unknown role, and the admin (no role), are not found', () => {
    expect(store.principalForRole(`${DENY_DELETE_ROLE.arn}-gone`)).toBeUndefined();
    expect(store.principal(ADMIN.accessKeyId)?.roleArn).toBeUndefined();
  });

  test("a role's principal by its ARN, the same as by its key", () => {
    expect(store.principalForRole(LIST_ONLY_ROLE.arn)).toEqual(store.principal(LIST_ONLY_ROLE.credentials.accessKeyId));
  });

  test('as the session a service names (AppSync assumes a data-source role as APPSYNC_ASSUME_ROLE), with the same policies', () => {
    const session = store.principalForRole(DENY_DELETE_ROLE.arn, 'APPSYNC_ASSUME_ROLE');
    expect(session).toMatchObject({
      principalArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${DENY_DELETE_ROLE.roleName}/APPSYNC_ASSUME_ROLE`,
      policies: DENY_DELETE_ROLE.policies,
      isAdmin: false,
    });
    expect(session?.username).toMatch(/^AROA[A-Z2-7]{17}:APPSYNC_ASSUME_ROLE$/);
  });

  test('a role the deployment does not define is unknown', () => {
    expect(store.principalForRole(`arn:aws:iam::${ACCOUNT}:role/Elsewhere`)).toBeUndefined();
    expect(store.principalForRole(`arn:aws:iam::${ACCOUNT}:root`)).toBeUndefined();
  });
});
