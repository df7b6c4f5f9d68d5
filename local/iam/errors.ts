/**
 * Every error of the local IAM, in one catalogue. They are a template's mistakes found while the local deployment is
 * built (IAM or CloudFormation would refuse the same template), never a bug of the local cloud: each names the
 * resource (`<stack>/<logicalId>`), the element and what to change. Code that must tell them apart branches on the
 * class, never on the message.
 */

/** The base of every local IAM error. */
export class IamError extends Error {
  override name = 'IamError';
}

/**
 * A policy document IAM refuses to store: CreatePolicy, PutRolePolicy and AddPermission answer `MalformedPolicyDocument`
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html), so CloudFormation would fail the
 * stack. `element` is the path inside the resource's properties, e.g. `PolicyDocument.Statement[1].Condition.StringEqualz`.
 */
export class MalformedPolicyError extends IamError {
  override name = 'MalformedPolicyError';

  constructor(
    readonly resource: string,
    readonly element: string,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`${resource}: ${element}: ${problem} (IAM refuses to store this policy: MalformedPolicyDocument)`, options);
  }
}

/** A property of an IAM resource that CloudFormation would refuse (a managed policy ARN that is not one, a boundary that names nothing…). */
export class InvalidIamPropertyError extends IamError {
  override name = 'InvalidIamPropertyError';

  constructor(
    readonly resource: string,
    readonly element: string,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`${resource}: ${element}: ${problem}`, options);
  }
}
