/**
 * The IAM model of a local deployment, read from what the engine provisioned: every role with its identity-based
 * policies (inline `Policies`, AWS::IAM::RolePolicy, AWS::IAM::Policy and AWS::IAM::ManagedPolicy attached through their `Roles`, managed
 * policies named in `ManagedPolicyArns` by Ref or ARN, AWS managed ones from the catalogue), its permissions
 * boundary and tags; and the resource-based policies (AWS::Lambda::Permission, DynamoDB table and stream policies).
 *
 * Every policy document is validated here, as IAM validates it before storing it: a malformed one stops the
 * deployment with a MalformedPolicyError naming `<stack>/<logicalId>` and the element. What the local cloud
 * deliberately does not emulate fully is returned as gaps (the start-up report lists them) and always denies.
 */
import type { ProvisionedResource, ProvisionedStack } from '../cloudformation/deployment';
import { asStringList } from '../cloudformation/deployment';
import type { TemplateValue } from '../cloudformation/intrinsics';
import type { EmulationGap } from '../deployment';
import { functionArn, parseFunctionName } from '../lambda/function-name';
import { type LocalIdentity, MIXED_ALNUM, UPPER_ALNUM } from '../state';
import { InvalidIamPropertyError } from './errors';
import { awsManagedPolicy, isAwsManagedPolicyArn, sameNameElsewhere } from './managed-policies';
import type { AwsCredentials, LocalRole, NamedPolicy, PolicyDocument, PolicyStatement, ResourcePolicy } from './model';
import { type NormalizedPolicy, type PolicyKind, validatePolicy } from './policy-validation';
import { unknowableKey } from './request-context';

export interface IamDeployment {
  readonly roles: LocalRole[];
  readonly resourcePolicies: ResourcePolicy[];
  /** What is provisioned but not emulated fully; each denies what it would otherwise decide. */
  readonly gaps: EmulationGap[];
}

/** A customer managed policy of the templates, by ARN. */
interface CustomerManagedPolicy {
  readonly where: string;
  readonly policy: NamedPolicy;
}

/** Where the stacks are deployed. */
export interface IamScope {
  readonly region: string;
  readonly accountId: string;
}

/** Reads the IAM model of the provisioned stacks; throws a MalformedPolicyError or InvalidIamPropertyError for what IAM would refuse. */
export function iamOf(stacks: readonly ProvisionedStack[], identity: LocalIdentity, scope: IamScope): IamDeployment {
  const gaps: EmulationGap[] = [];
  const validate = (document: unknown, kind: PolicyKind, resource: string, element: string) => {
    const normalized = validatePolicy(document, kind, { resource, element });
    gaps.push(...conditionGaps(normalized, resource));
    return normalized;
  };
  const managed = customerManagedPolicies(stacks, validate);
  const roles: Array<LocalRole & { policies: NamedPolicy[] }> = [];
  for (const stack of stacks) {
    for (const role of stack.byType('AWS::IAM::Role')) roles.push(roleOf(stack, role, identity, managed, validate, gaps));
  }
  const byName = new Map(roles.map((role) => [role.roleName, role]));
  for (const stack of stacks) {
    for (const policy of stack.byType('AWS::IAM::Policy')) {
      const where = `${stack.stackName}/${policy.logicalId}`;
      validate(policy.properties.PolicyDocument, 'identity', where, 'Properties.PolicyDocument');
      for (const roleName of asStringList(policy.properties.Roles)) {
        // A role of the templates; one they do not declare is not emulated, and neither is its policy.
        byName.get(roleName)?.policies.push({ source: where, document: policy.properties.PolicyDocument as unknown as PolicyDocument });
      }
    }
    for (const policy of stack.byType('AWS::IAM::RolePolicy')) {
      const where = `${stack.stackName}/${policy.logicalId}`;
      if (policy.properties.PolicyDocument === undefined) continue;
      validate(policy.properties.PolicyDocument, 'identity', where, 'Properties.PolicyDocument');
      const roleName = policy.properties.RoleName;
      if (typeof roleName !== 'string')
        throw new InvalidIamPropertyError(where, 'Properties.RoleName', 'RoleName is the name of the role the policy is embedded in');
      byName.get(roleName)?.policies.push({ source: where, document: policy.properties.PolicyDocument as unknown as PolicyDocument });
    }
    for (const policy of stack.byType('AWS::IAM::ManagedPolicy')) {
      const attached = managed.get(policy.ref)!;
      for (const roleName of asStringList(policy.properties.Roles)) byName.get(roleName)?.policies.push(attached.policy);
    }
  }
  return { roles, resourcePolicies: resourcePoliciesOf(stacks, scope, validate), gaps };
}

/** The all-powerful profile, like an account admin's keys. */
export function adminCredentialsOf(identity: LocalIdentity): Required<Pick<AwsCredentials, 'accessKeyId' | 'secretAccessKey'>> {
  return {
    accessKeyId: `AKIA${identity.derive('admin:akid', 16, UPPER_ALNUM)}`,
    secretAccessKey: identity.derive('admin:secret', 40, MIXED_ALNUM),
  };
}

type Validate = (document: unknown, kind: PolicyKind, resource: string, element: string) => NormalizedPolicy;

function customerManagedPolicies(stacks: readonly ProvisionedStack[], validate: Validate): Map<string, CustomerManagedPolicy> {
  const managed = new Map<string, CustomerManagedPolicy>();
  for (const stack of stacks) {
    for (const policy of stack.byType('AWS::IAM::ManagedPolicy')) {
      const where = `${stack.stackName}/${policy.logicalId}`;
      validate(policy.properties.PolicyDocument, 'identity', where, 'Properties.PolicyDocument');
      managed.set(policy.ref, { where, policy: { source: where, document: policy.properties.PolicyDocument as unknown as PolicyDocument } });
    }
  }
  return managed;
}

function roleOf(
  stack: ProvisionedStack,
  role: ProvisionedResource,
  identity: LocalIdentity,
  managed: ReadonlyMap<string, CustomerManagedPolicy>,
  validate: Validate,
  gaps: EmulationGap[],
): LocalRole & { policies: NamedPolicy[] } {
  const where = `${stack.stackName}/${role.logicalId}`;
  const unknownManagedPolicies: string[] = [];
  const policies = [...inlinePoliciesOf(role, where, validate), ...managedPoliciesOf(role, where, managed, unknownManagedPolicies, gaps)];
  const permissionsBoundary = boundaryOf(role, where, managed, unknownManagedPolicies, gaps);
  return {
    stackName: stack.stackName,
    logicalId: role.logicalId,
    roleName: role.ref,
    arn: String(role.attributes.Arn),
    ...(typeof role.attributes.RoleId === 'string' ? { roleId: role.attributes.RoleId } : {}),
    policies,
    ...(permissionsBoundary ? { permissionsBoundary } : {}),
    ...(unknownManagedPolicies.length > 0 ? { unknownManagedPolicies } : {}),
    tags: tagsOf(role.properties.Tags, where),
    credentials: credentialsOf(identity, `role:${where}`),
  };
}

/** The role's own `Policies`. */
function inlinePoliciesOf(role: ProvisionedResource, where: string, validate: Validate): NamedPolicy[] {
  const inline = role.properties.Policies;
  if (inline === undefined) return [];
  if (!Array.isArray(inline)) throw new InvalidIamPropertyError(where, 'Properties.Policies', 'Policies is a list of {PolicyName, PolicyDocument}');
  return inline.map((entry, index) => {
    const { PolicyName, PolicyDocument } = (entry ?? {}) as { PolicyName?: unknown; PolicyDocument?: unknown };
    if (typeof PolicyName !== 'string' || PolicyName === '') {
      throw new InvalidIamPropertyError(where, `Properties.Policies[${index}].PolicyName`, 'each inline policy needs a PolicyName');
    }
    validate(PolicyDocument, 'identity', where, `Properties.Policies[${index}].PolicyDocument`);
    return { source: `${where}/${PolicyName}`, document: PolicyDocument as PolicyDocument };
  });
}

/** The managed policies the role's `ManagedPolicyArns` names; those known nowhere become gaps (they allow nothing). */
function managedPoliciesOf(
  role: ProvisionedResource,
  where: string,
  managed: ReadonlyMap<string, CustomerManagedPolicy>,
  unknown: string[],
  gaps: EmulationGap[],
): NamedPolicy[] {
  const policies: NamedPolicy[] = [];
  for (const [index, arn] of asStringList(role.properties.ManagedPolicyArns).entries()) {
    const element = `Properties.ManagedPolicyArns[${index}]`;
    const policy = managedPolicy(arn, where, element, managed);
    if (policy) {
      policies.push(policy);
    } else {
      unknown.push(arn);
      gaps.push({ resource: where, element, instead: unknownPolicyInstead(arn, 'policy') });
    }
  }
  return policies;
}

/** The role's `PermissionsBoundary`; one known nowhere is a gap, and a boundary that allows nothing. */
function boundaryOf(
  role: ProvisionedResource,
  where: string,
  managed: ReadonlyMap<string, CustomerManagedPolicy>,
  unknown: string[],
  gaps: EmulationGap[],
): NamedPolicy | undefined {
  const arn = role.properties.PermissionsBoundary;
  if (arn === undefined) return undefined;
  if (typeof arn !== 'string') throw new InvalidIamPropertyError(where, 'Properties.PermissionsBoundary', 'PermissionsBoundary is the ARN of a managed policy');
  const boundary = managedPolicy(arn, where, 'Properties.PermissionsBoundary', managed);
  if (boundary) return boundary;
  unknown.push(arn);
  gaps.push({ resource: where, element: 'Properties.PermissionsBoundary', instead: unknownPolicyInstead(arn, 'boundary') });
  // A boundary nothing is known of allows nothing: the role is denied everything its own policies grant.
  return { source: `permissions boundary ${arn} (not known locally)`, document: { Version: '2012-10-17', Statement: [] } };
}

/** A managed policy by ARN: one of the templates' customer managed policies, or an AWS managed one from the catalogue. */
function managedPolicy(arn: string, where: string, element: string, managed: ReadonlyMap<string, CustomerManagedPolicy>): NamedPolicy | undefined {
  if (!/^arn:[^:]+:iam::(aws|\d{12}):policy\/.+$/.test(arn)) {
    throw new InvalidIamPropertyError(
      where,
      element,
      `${JSON.stringify(arn)} is not the ARN of a managed policy (arn:aws:iam::aws:policy/<name> or arn:aws:iam::<account>:policy/<name>)`,
    );
  }
  const customer = managed.get(arn);
  if (customer) return customer.policy;
  if (!isAwsManagedPolicyArn(arn)) return undefined;
  const aws = awsManagedPolicy(arn);
  if (aws) return { source: `AWS managed policy ${aws.name} (${aws.versionId})`, document: aws.document };
  const elsewhere = sameNameElsewhere(arn);
  if (elsewhere) {
    // IAM refuses to attach a policy that does not exist: "Policy ... does not exist or is not attachable."
    throw new InvalidIamPropertyError(where, element, `${arn} does not exist (AWS keeps this policy at ${elsewhere})`);
  }
  return undefined;
}

function unknownPolicyInstead(arn: string, as: 'policy' | 'boundary'): string {
  const what = isAwsManagedPolicyArn(arn)
    ? `${arn} is not in the local catalogue of AWS managed policies (local/iam/managed-policies)`
    : `${arn} is not a managed policy of these templates`;
  return as === 'policy'
    ? `${what}: it allows nothing locally (requests it would allow are denied), and any Deny it holds is not known`
    : `${what}: as a permissions boundary it allows nothing, so every request of this role is denied`;
}

function tagsOf(value: TemplateValue | undefined, where: string): Record<string, string> {
  if (value === undefined) return {};
  if (!Array.isArray(value)) throw new InvalidIamPropertyError(where, 'Properties.Tags', 'Tags is a list of {Key, Value}');
  const tags: Record<string, string> = {};
  for (const [index, tag] of value.entries()) {
    const { Key, Value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof Key !== 'string' || typeof Value !== 'string')
      throw new InvalidIamPropertyError(where, `Properties.Tags[${index}]`, 'a tag is {Key: string, Value: string}');
    tags[Key] = Value;
  }
  return tags;
}

function credentialsOf(identity: LocalIdentity, purpose: string): Required<AwsCredentials> {
  return {
    accessKeyId: `ASIA${identity.derive(`${purpose}:akid`, 16, UPPER_ALNUM)}`,
    secretAccessKey: identity.derive(`${purpose}:secret`, 40, MIXED_ALNUM),
    sessionToken: `IQoJb3JpZ2luX2VjE${identity.derive(`${purpose}:token`, 200, MIXED_ALNUM)}`,
  };
}

/** Conditions on keys no request to the local cloud can fill: the statement fails closed on every request. */
function conditionGaps(policy: NormalizedPolicy, resource: string): EmulationGap[] {
  const gaps: EmulationGap[] = [];
  for (const statement of policy.statements) {
    for (const condition of statement.conditions) {
      const why = unknowableKey(condition.key.toLowerCase());
      if (!why) continue;
      gaps.push({
        resource,
        element: condition.element,
        instead:
          statement.effect === 'Deny'
            ? `${condition.key} cannot be known locally (${why}): this Deny applies to every request it otherwise matches`
            : `${condition.key} cannot be known locally (${why}): this Allow never applies`,
      });
    }
  }
  return gaps;
}

// --- resource-based policies ---------------------------------------------------------------------------------------

function resourcePoliciesOf(stacks: readonly ProvisionedStack[], scope: IamScope, validate: Validate): ResourcePolicy[] {
  const policies: ResourcePolicy[] = [];
  const byFunction = new Map<string, { sources: string[]; statements: PolicyStatement[] }>();
  for (const stack of stacks) {
    for (const permission of stack.byType('AWS::Lambda::Permission')) {
      const where = `${stack.stackName}/${permission.logicalId}`;
      const { resourceArn, statement } = lambdaPermissionStatement(permission, where, scope);
      validate({ Version: '2012-10-17', Statement: [statement] }, 'resource', where, 'Properties (as its policy statement)');
      const entry = byFunction.get(resourceArn) ?? { sources: [], statements: [] };
      entry.sources.push(where);
      entry.statements.push(statement);
      byFunction.set(resourceArn, entry);
    }
    for (const table of stack.byType('AWS::DynamoDB::Table')) policies.push(...tablePolicies(stack, table, validate));
  }
  for (const [resourceArn, { sources, statements }] of byFunction) {
    policies.push({ resourceArn, source: sources.join(', '), document: { Version: '2012-10-17', Statement: statements } });
  }
  return policies;
}

/** The CloudFormation properties of AWS::Lambda::Permission, each a part of the statement Lambda's AddPermission writes. */
const PERMISSION_PROPERTIES = new Set([
  'Action',
  'FunctionName',
  'Principal',
  'SourceArn',
  'SourceAccount',
  'PrincipalOrgID',
  'EventSourceToken',
  'FunctionUrlAuthType',
  'InvokedViaFunctionUrl',
]);

/**
 * The statement Lambda adds to a function's policy for a permission (AddPermission, as GetPolicy shows it): the
 * principal (an account id becomes `arn:aws:iam::<account>:root`, a service stays a Service principal), the action,
 * the function's ARN, and conditions for SourceArn, SourceAccount, PrincipalOrgID, EventSourceToken and
 * FunctionUrlAuthType (https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html).
 */
function lambdaPermissionStatement(permission: ProvisionedResource, where: string, scope: IamScope): { resourceArn: string; statement: PolicyStatement } {
  const props = permission.properties;
  for (const name of Object.keys(props)) {
    if (!PERMISSION_PROPERTIES.has(name)) throw new InvalidIamPropertyError(where, `Properties.${name}`, `AWS::Lambda::Permission has no property ${name}`);
  }
  const text = (name: string, required: boolean): string | undefined => {
    const value = props[name];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value === '') throw new InvalidIamPropertyError(where, `Properties.${name}`, `${name} must be a non-empty string`);
    return value;
  };
  const action = text('Action', true)!;
  // AddPermission's pattern for Action: (lambda:[*]|lambda:[a-zA-Z]+|[*])
  if (!/^(lambda:\*|lambda:[a-zA-Z]+|\*)$/.test(action))
    throw new InvalidIamPropertyError(where, 'Properties.Action', `${JSON.stringify(action)} is not a Lambda action (lambda:InvokeFunction, lambda:*…)`);
  const functionName = text('FunctionName', true)!;
  const parsed = parseFunctionName(functionName);
  if (!parsed) throw new InvalidIamPropertyError(where, 'Properties.FunctionName', `${JSON.stringify(functionName)} is not a function name or ARN`);
  const resourceArn = functionArn(parsed.name, parsed.region ?? scope.region, parsed.accountId ?? scope.accountId, parsed.qualifier, parsed.partition);
  const condition: Record<string, Record<string, string>> = {};
  const add = (operator: string, key: string, value: string | undefined) => {
    if (value !== undefined) condition[operator] = { ...condition[operator], [key]: value };
  };
  add('ArnLike', 'AWS:SourceArn', text('SourceArn', false));
  add('StringEquals', 'AWS:SourceAccount', text('SourceAccount', false));
  add('StringEquals', 'aws:PrincipalOrgID', text('PrincipalOrgID', false));
  add('StringEquals', 'lambda:EventSourceToken', text('EventSourceToken', false));
  add('StringEquals', 'lambda:FunctionUrlAuthType', text('FunctionUrlAuthType', false));
  if (props.InvokedViaFunctionUrl !== undefined) add('Bool', 'lambda:InvokedViaFunctionUrl', String(props.InvokedViaFunctionUrl));
  return {
    resourceArn,
    statement: {
      Sid: permission.ref,
      Effect: 'Allow',
      Principal: lambdaPrincipal(text('Principal', true)!, where),
      Action: action,
      Resource: resourceArn,
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    },
  };
}

/** AddPermission's Principal: a service (`s3.amazonaws.com`), an account id, an IAM/STS ARN, or `*`. */
function lambdaPrincipal(principal: string, where: string): unknown {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (/^arn:[^:]+:(iam|sts)::\d{12}:\S+$/.test(principal)) return { AWS: principal };
  if (/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(principal)) return { Service: principal };
  throw new InvalidIamPropertyError(
    where,
    'Properties.Principal',
    `${JSON.stringify(principal)} is none of: a service principal (appsync.amazonaws.com), an account id, an IAM or STS ARN, "*"`,
  );
}

/** A table's resource-based policy (`ResourcePolicy`, which also governs its indexes) and its stream's. */
function tablePolicies(stack: ProvisionedStack, table: ProvisionedResource, validate: Validate): ResourcePolicy[] {
  const where = `${stack.stackName}/${table.logicalId}`;
  const policies: ResourcePolicy[] = [];
  const tableArn = String(table.attributes.Arn);
  const tablePolicy = (table.properties.ResourcePolicy as { PolicyDocument?: unknown } | undefined)?.PolicyDocument;
  if (table.properties.ResourcePolicy !== undefined) {
    validate(tablePolicy, 'resource', where, 'Properties.ResourcePolicy.PolicyDocument');
    policies.push({ resourceArn: tableArn, governsPrefix: `${tableArn}/index/`, source: `${where} (table policy)`, document: tablePolicy as PolicyDocument });
  }
  const stream = table.properties.StreamSpecification as { ResourcePolicy?: { PolicyDocument?: unknown } } | undefined;
  if (stream?.ResourcePolicy !== undefined) {
    validate(stream.ResourcePolicy.PolicyDocument, 'resource', where, 'Properties.StreamSpecification.ResourcePolicy.PolicyDocument');
    policies.push({
      resourceArn: String(table.attributes.StreamArn),
      source: `${where} (stream policy)`,
      document: stream.ResourcePolicy.PolicyDocument as PolicyDocument,
    });
  }
  return policies;
}
