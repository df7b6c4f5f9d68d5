import type { ProvisionedStack } from '../cloudformation/deployment';
import { asStringList } from '../cloudformation/deployment';
import { type LocalIdentity, MIXED_ALNUM, UPPER_ALNUM } from '../state';
import type { AwsCredentials, LocalRole, NamedPolicy, PolicyDocument } from './model';

/** The few AWS managed policies a CDK app commonly attaches, with what they allow. */
const KNOWN_MANAGED_POLICIES: Record<string, PolicyDocument> = {
  'service-role/AWSLambdaBasicExecutionRole': {
    Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
  },
  AdministratorAccess: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

/** Every role of the deployed stacks with its inline, attached and managed policies, and local credentials. */
export function rolesOf(stacks: readonly ProvisionedStack[], identity: LocalIdentity): LocalRole[] {
  const roles: LocalRole[] = [];
  for (const stack of stacks) {
    const byName = new Map<string, LocalRole>();
    for (const role of stack.byType('AWS::IAM::Role')) {
      const purpose = `role:${stack.stackName}/${role.logicalId}`;
      const policies: NamedPolicy[] = [];
      for (const inline of (role.properties.Policies as unknown as Array<{ PolicyName: string; PolicyDocument: PolicyDocument }> | undefined) ?? []) {
        policies.push({ source: `${stack.stackName}/${role.logicalId}/${inline.PolicyName}`, document: inline.PolicyDocument });
      }
      for (const managedArn of asStringList(role.properties.ManagedPolicyArns)) {
        const name = managedArn.replace(/^arn:[^:]+:iam::aws:policy\//, '');
        const document = KNOWN_MANAGED_POLICIES[name];
        if (document) policies.push({ source: `AWS managed policy ${name}`, document });
      }
      const localRole: LocalRole = {
        stackName: stack.stackName,
        logicalId: role.logicalId,
        roleName: role.ref,
        arn: String(role.attributes.Arn),
        policies,
        credentials: {
          accessKeyId: `ASIA${identity.derive(`${purpose}:akid`, 16, UPPER_ALNUM)}`,
          secretAccessKey: identity.derive(`${purpose}:secret`, 40, MIXED_ALNUM),
          sessionToken: `IQoJb3JpZ2luX2VjE${identity.derive(`${purpose}:token`, 200, MIXED_ALNUM)}`,
        },
      };
      byName.set(localRole.roleName, localRole);
      roles.push(localRole);
    }
    for (const policy of [...stack.byType('AWS::IAM::Policy'), ...stack.byType('AWS::IAM::ManagedPolicy')]) {
      for (const roleName of asStringList(policy.properties.Roles)) {
        // A role of this stack, or of a stack deployed before it.
        const role = byName.get(roleName) ?? roles.find((candidate) => candidate.roleName === roleName);
        role?.policies.push({ source: `${stack.stackName}/${policy.logicalId}`, document: policy.properties.PolicyDocument as unknown as PolicyDocument });
      }
    }
  }
  return roles;
}

/** The all-powerful profile, like an account admin's keys. */
export function adminCredentialsOf(identity: LocalIdentity): Required<Pick<AwsCredentials, 'accessKeyId' | 'secretAccessKey'>> {
  return {
    accessKeyId: `AKIA${identity.derive('admin:akid', 16, UPPER_ALNUM)}`,
    secretAccessKey: identity.derive('admin:secret', 40, MIXED_ALNUM),
  };
}
