/** The IAM part of a local deployment: roles with their policies, resource-based policies, and the credentials the local cloud gives roles. */

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, unknown>;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Id?: string;
  readonly Statement: PolicyStatement | PolicyStatement[];
}

export interface NamedPolicy {
  /** Where the policy comes from, for the decision log, e.g. `TodoCallers-dev/listTodosIamFunctionServiceRoleDefaultPolicy`. */
  readonly source: string;
  readonly document: PolicyDocument;
}

export interface LocalRole {
  readonly stackName: string;
  readonly logicalId: string;
  readonly roleName: string;
  readonly arn: string;
  /** The role's unique id (`Fn::GetAtt Role.RoleId`), which `aws:userid` holds; derived from the ARN when absent. */
  readonly roleId?: string;
  /** Identity-based policies: inline, attached AWS::IAM::Policy, customer managed and AWS managed ones. */
  readonly policies: NamedPolicy[];
  /** The permissions boundary (`PermissionsBoundary`): the most the identity-based policies may grant. */
  readonly permissionsBoundary?: NamedPolicy;
  /** AWS managed policies the role names (as policies or boundary) that the local catalogue lacks: they allow nothing locally. */
  readonly unknownManagedPolicies?: readonly string[];
  /** The role's tags (`aws:PrincipalTag/<key>`). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Temporary credentials, as Lambda hands its functions (with a session token). */
  readonly credentials: Required<AwsCredentials>;
}

/** A resource-based policy: a Lambda function's (from AWS::Lambda::Permission), a DynamoDB table's or stream's. */
export interface ResourcePolicy {
  /** The resource it is attached to, e.g. `arn:aws:lambda:us-east-1:000000000000:function:todo`. */
  readonly resourceArn: string;
  /** ARNs below the resource that the policy also governs (a table's indexes: `<table ARN>/index/`). */
  readonly governsPrefix?: string;
  /** For the decision log, e.g. `TodoApi-dev/InvokePermission`. */
  readonly source: string;
  readonly document: PolicyDocument;
}
