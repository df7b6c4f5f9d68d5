/** The IAM part of a local deployment: roles with their policies and the credentials the local cloud gives them. */

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, unknown>;
}

export interface PolicyDocument {
  readonly Version?: string;
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
  readonly policies: NamedPolicy[];
  /** Temporary credentials, as Lambda hands its functions (with a session token). */
  readonly credentials: Required<AwsCredentials>;
}
