/**
 * The IAM model read from templates: where identity-based policies come from (inline, AWS::IAM::Policy, customer
 * managed by Ref, by ARN and by their own Roles, AWS managed from the catalogue), permissions boundaries, tags, role
 * ids, resource-based policies (AWS::Lambda::Permission, table policies); what IAM or CloudFormation would refuse is
 * refused with the resource and the element; what is not emulated is a gap in the start-up report, and denies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readCloudAssembly, type StackArtifact } from '../../../local/cloudformation/cloud-assembly';
import { deployApp, type LocalDeployment } from '../../../local/deployment';
import { authorize } from '../../../local/iam/authorizer';
import { InvalidIamPropertyError, MalformedPolicyError } from '../../../local/iam/errors';
import { awsManagedPolicy, CATALOGUE_SOURCE } from '../../../local/iam/managed-policies';
import catalogue from '../../../local/iam/managed-policies/aws-managed-policies.json';
import { validatePolicy } from '../../../local/iam/policy-validation';
import { PrincipalStore } from '../../../local/iam/principals';
import { LocalIdentity } from '../../../local/state';
import { synthApp } from '../../support/synth';
import { facts } from './support';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'iam-model-'));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: unknown = '*') => ({ Effect: 'Allow', Action, Resource });
const awsManaged = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name}`]] });
const fn = (role: string) => ({
  Type: 'AWS::Lambda::Function',
  Properties: {
    FunctionName: 'target',
    Handler: 'index.handler',
    Runtime: 'nodejs22.x',
    Code: { ZipFile: 'exports.handler = async () => 1;' },
    Role: { 'Fn::GetAtt': [role, 'Arn'] },
  },
});

function deploy(resources: Resources): LocalDeployment {
  const stack: StackArtifact = {
    id: 'Stack',
    stackName: 'Stack',
    dependencies: [],
    assetsByObjectKey: new Map(),
    template: { Resources: resources } as StackArtifact['template'],
  };
  return deployApp([stack], { region: REGION, identity: LocalIdentity.ephemeral(), graphqlBaseUrl: 'http://127.0.0.1:20002', workDir });
}

function authorizeRole(deployment: LocalDeployment, logicalId: string, action: string, resource = '*') {
  const role = deployment.roles.find((candidate) => candidate.logicalId === logicalId)!;
  const principal = PrincipalStore.fromDeployment(deployment).principalForRole(role.arn)!;
  return authorize(principal, { action, resource, facts: facts(), requestKeys: {} });
}

const thrown = (run: () => unknown): Error => {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

describe('identity-based policies of a role', () => {
  const deployment = () =>
    deploy({
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: trust,
          Policies: [{ PolicyName: 'Inline', PolicyDocument: doc(allow('appsync:GraphQL')) }],
          ManagedPolicyArns: [{ Ref: 'ByRef' }, `arn:aws:iam::${ACCOUNT}:policy/team/by-arn`, awsManaged('service-role/AWSLambdaBasicExecutionRole')],
          Tags: [{ Key: 'team', Value: 'blue' }],
        },
      },
      Attached: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'Attached', PolicyDocument: doc(allow('dynamodb:GetItem')), Roles: [{ Ref: 'Role' }] } },
      Embedded: {
        Type: 'AWS::IAM::RolePolicy',
        Properties: { PolicyName: 'Embedded', PolicyDocument: doc({ Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }), RoleName: { Ref: 'Role' } },
      },
      ByRef: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { PolicyDocument: doc(allow('s3:GetObject'), { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }) },
      },
      ByArn: { Type: 'AWS::IAM::ManagedPolicy', Properties: { ManagedPolicyName: 'by-arn', Path: '/team/', PolicyDocument: doc(allow('sqs:SendMessage')) } },
      ByItsRoles: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc(allow('sns:Publish')), Roles: [{ Ref: 'Role' }] } },
    });

  test('inline, AWS::IAM::Policy, AWS::IAM::RolePolicy, customer managed (by Ref, by ARN with its path, by its Roles) and AWS managed', () => {
    const d = deployment();
    expect(d.roles[0].policies.map((policy) => policy.source)).toEqual([
      'Stack/Role/Inline',
      'Stack/ByRef',
      'Stack/ByArn',
      'AWS managed policy service-role/AWSLambdaBasicExecutionRole (v1)',
      'Stack/Attached',
      'Stack/Embedded',
      'Stack/ByItsRoles',
    ]);
    for (const action of ['appsync:GraphQL', 'dynamodb:GetItem', 's3:GetObject', 'sqs:SendMessage', 'sns:Publish', 'logs:PutLogEvents']) {
      expect([action, authorizeRole(d, 'Role', action).decision]).toEqual([action, 'Allow']);
    }
    expect(authorizeRole(d, 'Role', 'logs:DeleteLogGroup').decision).toBe('ImplicitDeny');
    expect(d.notEmulated).toEqual([]);
  });

  test("a customer managed policy's Deny applies, and an AWS::IAM::RolePolicy's", () => {
    expect(authorizeRole(deployment(), 'Role', 's3:DeleteObject').decision).toBe('ExplicitDeny');
    expect(authorizeRole(deployment(), 'Role', 's3:PutObject').decision).toBe('ExplicitDeny');
  });

  test('tags and the role id reach the request context', () => {
    const d = deployment();
    expect(d.roles[0].tags).toEqual({ team: 'blue' });
    expect(d.roles[0].roleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    const principal = PrincipalStore.fromDeployment(d).principalForRole(d.roles[0].arn)!;
    expect(principal.username).toBe(`${d.roles[0].roleId}:${d.roles[0].roleName}`);
  });

  test("an AWS managed policy's Deny applies (AWSDenyAll)", () => {
    const d = deploy({
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: trust,
          ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/AWSDenyAll'],
        },
      },
    });
    expect(authorizeRole(d, 'Role', 'appsync:GraphQL').decision).toBe('ExplicitDeny');
  });

  test('an AWS managed policy the catalogue lacks allows nothing, and is reported', () => {
    const d = deploy({
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust, ManagedPolicyArns: ['arn:aws:iam::aws:policy/AmazonBrandNewAccess'] } },
    });
    expect(authorizeRole(d, 'Role', 'appsync:GraphQL')).toMatchObject({ allowed: false, decision: 'ImplicitDeny' });
    expect(d.notEmulated).toEqual([
      {
        resource: 'Stack/Role',
        element: 'Properties.ManagedPolicyArns[0]',
        instead:
          'arn:aws:iam::aws:policy/AmazonBrandNewAccess is not in the local catalogue of AWS managed policies (local/iam/managed-policies): it allows nothing locally (requests it would allow are denied), and any Deny it holds is not known',
      },
    ]);
  });

  test('a customer managed policy the templates do not declare allows nothing, and is reported', () => {
    const d = deploy({
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust, ManagedPolicyArns: ['arn:aws:iam::111122223333:policy/Elsewhere'] } },
    });
    expect(d.notEmulated[0]).toMatchObject({
      resource: 'Stack/Role',
      element: 'Properties.ManagedPolicyArns[0]',
      instead: expect.stringContaining('is not a managed policy of these templates'),
    });
  });

  test('an AWS managed policy under the wrong path is refused, with where it is', () => {
    const error = thrown(() =>
      deploy({
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: { AssumeRolePolicyDocument: trust, ManagedPolicyArns: ['arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole'] },
        },
      }),
    );
    expect(error).toBeInstanceOf(InvalidIamPropertyError);
    expect(error.message).toBe(
      'Stack/Role: Properties.ManagedPolicyArns[0]: arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole does not exist (AWS keeps this policy at arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole)',
    );
  });

  test('a ManagedPolicyArns entry that is no policy ARN is refused', () => {
    expect(() =>
      deploy({ Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust, ManagedPolicyArns: ['AdministratorAccess'] } } }),
    ).toThrow('Stack/Role: Properties.ManagedPolicyArns[0]: "AdministratorAccess" is not the ARN of a managed policy');
  });
});

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
describe('permissions boundaries', () => {
  const withBoundary = (boundary: unknown) =>
    deploy({
      Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc(allow(['appsync:*', 'logs:*'])) } },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: { AssumeRolePolicyDocument: trust, PermissionsBoundary: boundary, ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
      },
    });

  test('a customer managed boundary by Ref: the intersection with the identity-based policies', () => {
    const d = withBoundary({ Ref: 'Boundary' });
    expect(authorizeRole(d, 'Role', 'appsync:GraphQL').decision).toBe('Allow');
    expect(authorizeRole(d, 'Role', 'dynamodb:DeleteTable')).toMatchObject({ decision: 'ImplicitDeny', deniedBy: 'permissions boundary' });
  });

  test('an AWS managed boundary from the catalogue', () => {
    const d = withBoundary(awsManaged('service-role/AWSLambdaBasicExecutionRole'));
    expect(authorizeRole(d, 'Role', 'logs:PutLogEvents').decision).toBe('Allow');
    expect(authorizeRole(d, 'Role', 'appsync:GraphQL').decision).toBe('ImplicitDeny');
  });

  test('a boundary nothing is known of denies every request of the role, and is reported', () => {
    const d = withBoundary('arn:aws:iam::aws:policy/SomeFutureBoundary');
    expect(authorizeRole(d, 'Role', 'logs:PutLogEvents').decision).toBe('ImplicitDeny');
    expect(d.notEmulated).toEqual([
      expect.objectContaining({
        resource: 'Stack/Role',
        element: 'Properties.PermissionsBoundary',
        instead: expect.stringContaining('every request of this role is denied'),
      }),
    ]);
  });
});

// https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html, API_AddPermission.html
describe('AWS::Lambda::Permission: the function’s resource-based policy', () => {
  const withPermission = (properties: Record<string, unknown>, roleExtra: Record<string, unknown> = {}) =>
    deploy({
      Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust, ...roleExtra } },
      Target: fn('Role'),
      Permission: { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction', FunctionName: { Ref: 'Target' }, ...properties } },
    });
  const targetArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:target`;

  test('naming the role suffices in the same account (no identity-based policy needed)', () => {
    const d = withPermission({ Principal: { 'Fn::GetAtt': ['Role', 'Arn'] } });
    expect(d.resourcePolicies).toEqual([
      {
        resourceArn: targetArn,
        source: 'Stack/Permission',
        document: {
          Version: '2012-10-17',
          Statement: [expect.objectContaining({ Effect: 'Allow', Principal: { AWS: d.roles[0].arn }, Action: 'lambda:InvokeFunction', Resource: targetArn })],
        },
      },
    ]);
    expect(authorizeRole(d, 'Role', 'lambda:InvokeFunction', targetArn).decision).toBe('Allow');
    expect(authorizeRole(d, 'Role', 'lambda:InvokeFunction', `${targetArn}-other`).decision).toBe('ImplicitDeny');
  });

  test('naming the account delegates to identity-based policies', () => {
    const d = withPermission({ Principal: ACCOUNT });
    expect(d.resourcePolicies?.[0].document.Statement).toEqual([expect.objectContaining({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })]);
    expect(authorizeRole(d, 'Role', 'lambda:InvokeFunction', targetArn).decision).toBe('ImplicitDeny');
  });

  test('a service principal with SourceArn and SourceAccount becomes conditions, and grants no role', () => {
    const d = withPermission({ Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::bucket', SourceAccount: ACCOUNT });
    expect(d.resourcePolicies?.[0].document.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 's3.amazonaws.com' },
        Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::bucket' }, StringEquals: { 'AWS:SourceAccount': ACCOUNT } },
      }),
    ]);
    expect(authorizeRole(d, 'Role', 'lambda:InvokeFunction', targetArn).decision).toBe('ImplicitDeny');
  });

  test('PrincipalOrgID cannot be known locally: the permission never applies, and is reported', () => {
    const d = withPermission({ Principal: '*', PrincipalOrgID: 'o-abc' });
    expect(authorizeRole(d, 'Role', 'lambda:InvokeFunction', targetArn).decision).toBe('ImplicitDeny');
    expect(d.notEmulated).toEqual([
      expect.objectContaining({
        resource: 'Stack/Permission',
        element: 'Properties (as its policy statement).Statement[0].Condition.StringEquals.aws:PrincipalOrgID',
        instead: expect.stringContaining('this Allow never applies'),
      }),
    ]);
  });

  test.each([
    [{ Principal: 'bob' }, 'Stack/Permission: Properties.Principal: "bob" is none of'],
    [{ Principal: ACCOUNT, Action: 'InvokeFunction' }, 'Stack/Permission: Properties.Action: "InvokeFunction" is not a Lambda action'],
    [{ Principal: ACCOUNT, Unknown: 1 }, 'Stack/Permission: Properties.Unknown: AWS::Lambda::Permission has no property Unknown'],
  ])('refused: %j', (properties, message) => {
    const error = thrown(() => withPermission(properties));
    expect(error).toBeInstanceOf(InvalidIamPropertyError);
    expect(error.message).toContain(message);
  });
});

describe('a DynamoDB table’s resource-based policy', () => {
  const withTablePolicy = (document: unknown) =>
    deploy({
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: { AssumeRolePolicyDocument: trust, ManagedPolicyArns: ['arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess'] },
      },
      Table: {
        Type: 'AWS::DynamoDB::Table',
        Properties: { TableName: 'Todo', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], ResourcePolicy: { PolicyDocument: document } },
      },
    });
  const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Todo`;

  test('its Deny applies to the table and its indexes', () => {
    const d = withTablePolicy(doc({ Effect: 'Deny', Principal: '*', Action: 'dynamodb:DeleteItem', Resource: [table, `${table}/index/*`] }));
    expect(authorizeRole(d, 'Role', 'dynamodb:DeleteItem', table).decision).toBe('ExplicitDeny');
    expect(authorizeRole(d, 'Role', 'dynamodb:DeleteItem', `${table}/index/byName`).decision).toBe('ExplicitDeny');
    expect(authorizeRole(d, 'Role', 'dynamodb:GetItem', table).decision).toBe('Allow');
  });

  test('a malformed table policy is refused, naming the element', () => {
    expect(() => withTablePolicy(doc({ Effect: 'Deny', Action: 'dynamodb:*', Resource: table }))).toThrow(
      'Stack/Table: Properties.ResourcePolicy.PolicyDocument.Statement[0]: a resource-based policy statement must name a Principal',
    );
  });
});

describe('malformed policies stop the deployment, naming <stack>/<logicalId> and the element', () => {
  test.each([
    [
      'an unknown condition operator in an inline policy',
      {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: trust,
            Policies: [{ PolicyName: 'P', PolicyDocument: doc(allow('s3:*'), { ...allow('s3:*'), Condition: { StringEqualz: { 'aws:username': 'x' } } }) }],
          },
        },
      },
      'Stack/Role: Properties.Policies[0].PolicyDocument.Statement[1].Condition.StringEqualz: unknown condition operator StringEqualz. "Invalid Condition type : StringEqualz" (IAM refuses to store this policy: MalformedPolicyDocument)',
    ],
    [
      'an AWS::IAM::Policy without a service prefix',
      {
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust } },
        P: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'P', PolicyDocument: doc(allow('GetItem')), Roles: [{ Ref: 'Role' }] } },
      },
      'Stack/P: Properties.PolicyDocument.Statement[0].Action: "GetItem" has no service prefix.',
    ],
    [
      'a managed policy with a Principal',
      { P: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc({ ...allow('s3:*'), Principal: '*' }) } } },
      'Stack/P: Properties.PolicyDocument.Statement[0].Principal: an identity-based policy names no Principal',
    ],
    [
      'a bad Effect',
      {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: { AssumeRolePolicyDocument: trust, Policies: [{ PolicyName: 'P', PolicyDocument: doc({ ...allow('s3:*'), Effect: 'Permit' }) }] },
        },
      },
      'Stack/Role: Properties.Policies[0].PolicyDocument.Statement[0].Effect: Effect must be "Allow" or "Deny"',
    ],
  ])('%s', (_description, resources, message) => {
    const error = thrown(() => deploy(resources as Resources));
    expect(error).toBeInstanceOf(MalformedPolicyError);
    expect(error.message).toContain(message);
  });

  test('a condition on a key the local cloud cannot know is reported, and fails closed', () => {
    const d = deploy({
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: trust,
          Policies: [
            {
              PolicyName: 'P',
              PolicyDocument: doc(allow('*'), { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } } }),
            },
          ],
        },
      },
    });
    expect(d.notEmulated).toEqual([
      {
        resource: 'Stack/Role',
        element: 'Properties.Policies[0].PolicyDocument.Statement[1].Condition.StringNotEquals.aws:PrincipalOrgID',
        instead:
          'aws:PrincipalOrgID cannot be known locally (whether the account belongs to an AWS Organization is not in the templates): this Deny applies to every request it otherwise matches',
      },
    ]);
    expect(authorizeRole(d, 'Role', 's3:GetObject').decision).toBe('ExplicitDeny');
  });
});

describe('the AWS managed policy catalogue', () => {
  test('holds the policies this app’s constructs and their users name, with its source and date', () => {
    for (const name of [
      'service-role/AWSLambdaBasicExecutionRole',
      'service-role/AWSLambdaVPCAccessExecutionRole',
      'AWSXRayDaemonWriteAccess',
      'service-role/AWSAppSyncPushToCloudWatchLogs',
    ]) {
      expect(awsManagedPolicy(`arn:aws:iam::aws:policy/${name}`)).toMatchObject({ name });
    }
    expect(CATALOGUE_SOURCE).toMatch(/MAMIP \(commit [0-9a-f]{40}, \d{4}-\d{2}-\d{2}\).*retrieved \d{4}-\d{2}-\d{2}/);
  });

  test('every document in it is a valid identity-based policy', () => {
    for (const [arn, { document }] of Object.entries(catalogue.policies)) {
      expect(() => validatePolicy(document, 'identity', { resource: arn, element: 'document' })).not.toThrow();
    }
  });
});

describe("the app's own templates", () => {
  test('every policy validates, no IAM gap, and the callers get exactly their fields', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iam-app-'));
    try {
      synthApp({ outdir: dir }).app.synth();
      const d = deployApp(readCloudAssembly(dir), {
        region: REGION,
        identity: LocalIdentity.ephemeral(),
        graphqlBaseUrl: 'http://127.0.0.1:20002',
        workDir: dir,
      });
      // IAM's part has no gap (the API's logging and tracing settings are AppSync's, reported by it).
      expect(d.notEmulated.filter((gap) => !gap.element.startsWith('Properties.LogConfig') && !gap.element.startsWith('Properties.XrayEnabled'))).toEqual([]);
      const api = d.graphqlApis[0].arn;
      const caller = d.roles.find((role) => role.logicalId.startsWith('listTodosIam'))!;
      const principal = PrincipalStore.fromDeployment(d).principalForRole(caller.arn)!;
      const ask = (fieldPath: string) => authorize(principal, { action: 'appsync:GraphQL', resource: `${api}/types/${fieldPath}`, facts: facts() }).decision;
      expect(ask('Query/fields/listTodos')).toBe('Allow');
      expect(ask('Mutation/fields/deleteTodo')).toBe('ImplicitDeny');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
