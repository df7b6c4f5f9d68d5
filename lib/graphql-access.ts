import { CfnOutput, Stack } from 'aws-cdk-lib';
import { IamResource, type IGraphqlApi } from 'aws-cdk-lib/aws-appsync';
import { type CfnRole, type IGrantable, type IPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { GraphqlField } from './schema-fields';

/** A GraphQL name (https://spec.graphql.org/October2021/#Name): no wildcard, no path, nothing else. */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/**
 * The one way this app grants IAM access to the GraphQL API: `appsync:GraphQL` on exactly the fields named
 * (`arn:...:apis/<id>/types/<Type>/fields/<field>`), one resource per field, in the order given, never a wildcard.
 * The callers (GraphqlCaller) and any other role that calls the API with SigV4 (the Next.js server's) use it.
 *
 * Throws on an empty list, a name that is not a GraphQL name (`*`, `Query/*`, ...) and on a field named twice, so a
 * grant says exactly what it allows.
 */
export function grantGraphqlFields(api: IGraphqlApi, grantee: IGrantable, fields: readonly GraphqlField[]): void {
  if (fields.length === 0) throw new Error('grantGraphqlFields: name at least one field to grant (an empty grant allows nothing; leave the call out instead)');
  const seen = new Set<string>();
  for (const { typeName, fieldName } of fields) {
    for (const [what, name] of [
      ['type', typeName],
      ['field', fieldName],
    ] as const) {
      if (!GRAPHQL_NAME.test(name)) {
        throw new Error(`grantGraphqlFields: ${JSON.stringify(name)} is not a GraphQL ${what} name; grants name exact fields (Type.field), never a wildcard`);
      }
    }
    const key = `${typeName}.${fieldName}`;
    if (seen.has(key)) throw new Error(`grantGraphqlFields: ${key} is named twice`);
    seen.add(key);
  }
  for (const { typeName, fieldName } of fields) {
    api.grant(grantee, IamResource.ofType(typeName, fieldName), 'appsync:GraphQL');
  }
}

export interface GraphqlServerRoleProps {
  /** The API the server calls. */
  readonly api: IGraphqlApi;
  /** The fields the server may call; it is granted exactly these. */
  readonly fields: readonly GraphqlField[];
  /** Who runs with the role: the compute the server is deployed on. */
  readonly assumedBy: IPrincipal;
  readonly description?: string;
  /**
   * A fixed logical id for the role, so that its name in tools that go by logical id stays put (the local cloud's
   * `.local/credentials` profile is named by it).
   * @default the id CDK derives from the construct path
   */
  readonly logicalId?: string;
  /**
   * Name of a stack output with the role's ARN (to attach it to the compute).
   * @default no output
   */
  readonly roleArnOutput?: string;
}

/**
 * A role for a server that calls the GraphQL API with SigV4 using its own credentials (a Next.js server on Lambda,
 * ECS or Amplify Hosting compute): allowed `appsync:GraphQL` on exactly its fields (grantGraphqlFields) and nothing
 * else, no managed policy.
 */
export class GraphqlServerRole extends Construct {
  readonly role: Role;
  readonly fields: readonly GraphqlField[];

  constructor(scope: Construct, id: string, props: GraphqlServerRoleProps) {
    super(scope, id);
    this.fields = props.fields;
    this.role = new Role(this, 'Role', {
      assumedBy: props.assumedBy,
      description: props.description ?? `${id}: calls ${props.fields.map((f) => `${f.typeName}.${f.fieldName}`).join(', ')} with IAM (SigV4)`,
    });
    if (props.logicalId) (this.role.node.defaultChild as CfnRole).overrideLogicalId(props.logicalId);
    grantGraphqlFields(props.api, this.role, props.fields);
    if (props.roleArnOutput) {
      new CfnOutput(Stack.of(this), props.roleArnOutput, { value: this.role.roleArn, description: `ARN of the ${id} role (the role its compute runs with)` });
    }
  }
}
