import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalIdentity, MIXED_ALNUM, UPPER_ALNUM } from '../state';
import { CloudFormationTemplate, StackArtifact, TemplateResource } from './cloud-assembly';
import { IntrinsicContext, resolveIntrinsics, TemplateError, TemplateValue } from './intrinsics';
import type { PhysicalIdentity, ProvisionScope, ResourceProviderRegistry } from './resource-provider';

import type { LocalApiKey, LocalGraphqlApi, LocalResolver } from '../appsync/model';
import type { LocalTable } from '../dynamodb/model';
import type { AwsCredentials, LocalRole, NamedPolicy, PolicyDocument } from '../iam/model';
import type { LocalFunction } from '../lambda/model';

export const LOCAL_ACCOUNT_ID = '000000000000';

export interface StackOutputs {
  readonly id: string;
  readonly stackName: string;
  readonly outputs: Record<string, { value: string; description?: string; exportName?: string }>;
}

export interface LocalDeployment {
  readonly region: string;
  readonly accountId: string;
  readonly stacks: StackOutputs[];
  readonly functions: LocalFunction[];
  readonly graphqlApis: LocalGraphqlApi[];
  readonly tables: LocalTable[];
  readonly roles: LocalRole[];
  /** The all-powerful profile, like an account admin's keys. */
  readonly adminCredentials: Required<Pick<AwsCredentials, 'accessKeyId' | 'secretAccessKey'>>;
  /** Resources the local cloud does not emulate, listed once at start-up. */
  readonly skipped: Array<{ stackName: string; logicalId: string; type: string }>;
}

export interface DeployOptions {
  readonly region: string;
  readonly identity: LocalIdentity;
  /** Base URL of the local GraphQL server, e.g. http://127.0.0.1:20002 */
  readonly graphqlBaseUrl: string;
  /** Where inline function code is written. */
  readonly workDir: string;
  /** The resource types the local cloud provides (local/resource-providers.ts); the others are skipped and listed. */
  readonly providers: ResourceProviderRegistry;
}

interface Provisioned {
  readonly type: string;
  readonly ref: string;
  readonly attributes: Readonly<Record<string, TemplateValue>>;
  readonly properties: Record<string, TemplateValue>;
}

/**
 * "Deploys" the stacks of a cloud assembly locally: resolves every template in deployment order, gives each resource
 * the physical name and attributes CloudFormation would, and returns the model the local services run from.
 */
export function deployLocally(stacks: StackArtifact[], options: DeployOptions): LocalDeployment {
  const { region, identity } = options;
  // Not named `exports`: that would shadow the CommonJS binding the compiled module reads its own constants from.
  const stackExports = new Map<string, TemplateValue>();
  const ssmParameters = new Map<string, string>();
  const result: Omit<LocalDeployment, 'adminCredentials'> & { adminCredentials?: LocalDeployment['adminCredentials'] } = {
    region,
    accountId: LOCAL_ACCOUNT_ID,
    stacks: [],
    functions: [],
    graphqlApis: [],
    tables: [],
    roles: [],
    skipped: [],
  };
  const graphqlApiCount = stacks.reduce(
    (count, stack) => count + Object.values(stack.template.Resources).filter((r) => r.Type === 'AWS::AppSync::GraphQLApi').length,
    0,
  );

  for (const stack of stacks) {
    const deployer = new StackDeployer(stack, options, stackExports, ssmParameters, graphqlApiCount > 1);
    deployer.deployAll();
    result.stacks.push({ id: stack.id, stackName: stack.stackName, outputs: deployer.outputs() });
    deployer.collectInto(result);
  }
  return {
    ...result,
    adminCredentials: {
      accessKeyId: `AKIA${identity.derive('admin:akid', 16, UPPER_ALNUM)}`,
      secretAccessKey: identity.derive('admin:secret', 40, MIXED_ALNUM),
    },
  };
}

/** The few AWS managed policies a CDK app commonly attaches, with what they allow. */
const KNOWN_MANAGED_POLICIES: Record<string, PolicyDocument> = {
  'service-role/AWSLambdaBasicExecutionRole': {
    Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
  },
  AdministratorAccess: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

class StackDeployer {
  private readonly provisioned = new Map<string, Provisioned>();
  private readonly inProgress = new Set<string>();
  private readonly conditions = new Map<string, boolean>();
  private readonly template: CloudFormationTemplate;
  private readonly stackId: string;

  constructor(
    private readonly stack: StackArtifact,
    private readonly options: DeployOptions,
    private readonly stackExports: Map<string, TemplateValue>,
    private readonly ssmParameters: Map<string, string>,
    private readonly apiPathPerId: boolean,
  ) {
    this.template = stack.template;
    const uuid = [8, 4, 4, 4, 12].map((length, index) => options.identity.derive(`stack:${stack.stackName}:${index}`, length, '0123456789abcdef')).join('-');
    this.stackId = `arn:aws:cloudformation:${options.region}:${LOCAL_ACCOUNT_ID}:stack/${stack.stackName}/${uuid}`;
  }

  deployAll(): void {
    for (const logicalId of Object.keys(this.template.Resources)) this.provision(logicalId);
  }

  outputs(): StackOutputs['outputs'] {
    const outputs: StackOutputs['outputs'] = {};
    for (const [name, output] of Object.entries(this.template.Outputs ?? {})) {
      if (output.Condition && !this.condition(output.Condition)) continue;
      const where = `${this.stack.stackName}/Outputs/${name}`;
      const value = resolveIntrinsics(output.Value, this.context(where));
      const exportName = output.Export ? String(resolveIntrinsics(output.Export.Name, this.context(where))) : undefined;
      outputs[name] = { value: typeof value === 'string' ? value : JSON.stringify(value), description: output.Description, exportName };
      if (exportName) this.stackExports.set(exportName, value);
    }
    return outputs;
  }

  collectInto(deployment: Omit<LocalDeployment, 'adminCredentials'>): void {
    const byType = (type: string) => [...this.provisioned.entries()].filter(([, resource]) => resource.type === type);
    const roles = new Map<string, LocalRole>();
    for (const [logicalId, role] of byType('AWS::IAM::Role')) {
      const localRole = this.toRole(logicalId, role);
      roles.set(localRole.roleName, localRole);
      deployment.roles.push(localRole);
    }
    for (const [logicalId, policy] of [...byType('AWS::IAM::Policy'), ...byType('AWS::IAM::ManagedPolicy')]) {
      for (const roleName of asStringList(policy.properties.Roles)) {
        const role = roles.get(roleName) ?? deployment.roles.find((r) => r.roleName === roleName);
        role?.policies.push({ source: `${this.stack.stackName}/${logicalId}`, document: policy.properties.PolicyDocument as unknown as PolicyDocument });
      }
    }
    for (const [logicalId, fn] of byType('AWS::Lambda::Function')) deployment.functions.push(this.toFunction(logicalId, fn, deployment.roles));
    for (const [logicalId, table] of byType('AWS::DynamoDB::Table')) {
      deployment.tables.push({ stackName: this.stack.stackName, logicalId, tableName: table.ref, arn: String(table.attributes.Arn), properties: table.properties });
    }
    for (const [logicalId, api] of byType('AWS::AppSync::GraphQLApi')) deployment.graphqlApis.push(this.toGraphqlApi(logicalId, api));
    for (const [logicalId, resource] of Object.entries(this.template.Resources)) {
      if (this.options.providers.get(resource.Type) === undefined && this.isIncluded(resource)) {
        deployment.skipped.push({ stackName: this.stack.stackName, logicalId, type: resource.Type });
      }
    }
  }

  private toRole(logicalId: string, role: Provisioned): LocalRole {
    const { identity } = this.options;
    const purpose = `role:${this.stack.stackName}/${logicalId}`;
    const policies: NamedPolicy[] = [];
    for (const inline of (role.properties.Policies as unknown as Array<{ PolicyName: string; PolicyDocument: PolicyDocument }> | undefined) ?? []) {
      policies.push({ source: `${this.stack.stackName}/${logicalId}/${inline.PolicyName}`, document: inline.PolicyDocument });
    }
    for (const managedArn of asStringList(role.properties.ManagedPolicyArns)) {
      const name = managedArn.replace(/^arn:[^:]+:iam::aws:policy\//, '');
      const document = KNOWN_MANAGED_POLICIES[name];
      if (document) policies.push({ source: `AWS managed policy ${name}`, document });
    }
    return {
      stackName: this.stack.stackName,
      logicalId,
      roleName: role.ref,
      arn: String(role.attributes.Arn),
      policies,
      credentials: {
        accessKeyId: `ASIA${identity.derive(`${purpose}:akid`, 16, UPPER_ALNUM)}`,
        secretAccessKey: identity.derive(`${purpose}:secret`, 40, MIXED_ALNUM),
        sessionToken: `IQoJb3JpZ2luX2VjE${identity.derive(`${purpose}:token`, 200, MIXED_ALNUM)}`,
      },
    };
  }

  private toFunction(logicalId: string, fn: Provisioned, roles: LocalRole[]): LocalFunction {
    const props = fn.properties;
    const where = `${this.stack.stackName}/${logicalId}`;
    const code = (props.Code ?? {}) as Record<string, TemplateValue>;
    let codeDir: string;
    if (typeof code.ZipFile === 'string') {
      codeDir = path.join(this.options.workDir, 'inline-code', fn.ref);
      mkdirSync(codeDir, { recursive: true });
      writeFileSync(path.join(codeDir, 'index.js'), code.ZipFile);
    } else {
      const asset = this.stack.assetsByObjectKey.get(String(code.S3Key));
      if (!asset) throw new TemplateError(`${where}: its code ${String(code.S3Key)} is not among the assembly's assets; run \`npx cdk synth\` again`);
      codeDir = asset;
    }
    const roleArn = typeof props.Role === 'string' ? props.Role : undefined;
    const role = roles.find((candidate) => candidate.arn === roleArn);
    const variables = ((props.Environment as { Variables?: Record<string, TemplateValue> } | undefined)?.Variables ?? {}) as Record<string, TemplateValue>;
    return {
      stackName: this.stack.stackName,
      logicalId,
      name: fn.ref,
      arn: String(fn.attributes.Arn),
      codeDir,
      handler: String(props.Handler ?? 'index.handler'),
      runtime: String(props.Runtime ?? 'nodejs22.x'),
      timeoutSeconds: Number(props.Timeout ?? 3),
      memorySize: Number(props.MemorySize ?? 128),
      environment: Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)])),
      roleArn,
      credentials: role?.credentials,
    };
  }

  private toGraphqlApi(logicalId: string, api: Provisioned): LocalGraphqlApi {
    const apiId = String(api.attributes.ApiId);
    const belongs = (resource: Provisioned) => resource.properties.ApiId === apiId;
    const resources = [...this.provisioned.values()];
    const schemas = resources.filter((r) => r.type === 'AWS::AppSync::GraphQLSchema' && belongs(r));
    const dataSources = resources.filter((r) => r.type === 'AWS::AppSync::DataSource' && belongs(r));
    const schema = schemas.map((s) => this.schemaText(s)).join('\n') || (typeof api.properties.Definition === 'string' ? api.properties.Definition : '');
    const resolvers: LocalResolver[] = resources
      .filter((r) => r.type === 'AWS::AppSync::Resolver' && belongs(r))
      .map((r) => {
        const props = r.properties;
        const kind = String(props.Kind ?? 'UNIT');
        const dataSource = dataSources.find((d) => d.properties.Name === props.DataSourceName);
        const base = { typeName: String(props.TypeName), fieldName: String(props.FieldName), dataSourceName: props.DataSourceName as string | undefined, kind };
        const lambdaArn = (dataSource?.properties.LambdaConfig as { LambdaFunctionArn?: string } | undefined)?.LambdaFunctionArn;
        if (kind !== 'UNIT') return { ...base, unsupported: `${kind} resolvers are not emulated` };
        if (props.RequestMappingTemplate || props.ResponseMappingTemplate || props.Code || props.RequestMappingTemplateS3Location) {
          return { ...base, unsupported: 'resolvers with mapping templates or code are not emulated (direct Lambda resolvers are)' };
        }
        if (dataSource?.properties.Type !== 'AWS_LAMBDA' || !lambdaArn) return { ...base, unsupported: `data source ${String(props.DataSourceName)} is not a Lambda data source` };
        return { ...base, lambdaFunctionArn: lambdaArn };
      });
    const apiKeys: LocalApiKey[] = resources
      .filter((r) => r.type === 'AWS::AppSync::ApiKey' && belongs(r))
      .map((r) => ({ id: String(r.attributes.ApiKeyId), value: String(r.attributes.ApiKey), expires: r.properties.Expires === undefined ? undefined : Math.floor(Number(r.properties.Expires) / 3600) * 3600 }));
    const additional = (api.properties.AdditionalAuthenticationProviders as Array<{ AuthenticationType: string }> | undefined) ?? [];
    return {
      stackName: this.stack.stackName,
      logicalId,
      apiId,
      name: String(api.properties.Name),
      arn: String(api.attributes.Arn),
      url: String(api.attributes.GraphQLUrl),
      schema,
      authenticationType: String(api.properties.AuthenticationType),
      additionalAuthenticationTypes: additional.map((provider) => provider.AuthenticationType),
      apiKeys,
      resolvers,
    };
  }

  private schemaText(schema: Provisioned): string {
    if (typeof schema.properties.Definition === 'string') return schema.properties.Definition;
    const location = String(schema.properties.DefinitionS3Location ?? '');
    const key = location.replace(/^s3:\/\/[^/]+\//, '');
    const asset = this.stack.assetsByObjectKey.get(key);
    if (!asset) throw new TemplateError(`${this.stack.stackName}: the schema at ${location} is not among the assembly's assets`);
    return readFileSync(asset, 'utf8');
  }

  private isIncluded(resource: TemplateResource): boolean {
    return !resource.Condition || this.condition(resource.Condition);
  }

  private condition(name: string): boolean {
    const known = this.conditions.get(name);
    if (known !== undefined) return known;
    const expression = this.template.Conditions?.[name];
    if (expression === undefined) throw new TemplateError(`${this.stack.stackName}: condition ${name} is not defined`);
    const value = resolveIntrinsics(expression, this.context(`${this.stack.stackName}/Conditions/${name}`)) === true;
    this.conditions.set(name, value);
    return value;
  }

  private context(where: string): IntrinsicContext {
    return {
      where,
      ref: (name) => this.ref(name, where),
      getAtt: (logicalId, attribute) => this.getAtt(logicalId, attribute, where),
      importValue: (exportName) => {
        const value = this.stackExports.get(exportName);
        if (value === undefined) throw new TemplateError(`${where}: no stack exports ${exportName}; deploy (synthesize) the exporting stack first`);
        return value;
      },
      condition: (name) => this.condition(name),
    };
  }

  private ref(name: string, where: string): TemplateValue {
    switch (name) {
      case 'AWS::Region':
        return this.options.region;
      case 'AWS::AccountId':
        return LOCAL_ACCOUNT_ID;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.stack.stackName;
      case 'AWS::StackId':
        return this.stackId;
      case 'AWS::NotificationARNs':
        return [];
    }
    const parameter = this.template.Parameters?.[name];
    if (parameter) return this.parameterValue(name, parameter, where);
    if (this.template.Resources[name]) return this.provision(name).ref;
    throw new TemplateError(`${where}: Ref to ${name}, which is neither a parameter nor a resource of ${this.stack.stackName}`);
  }

  private parameterValue(name: string, parameter: NonNullable<CloudFormationTemplate['Parameters']>[string], where: string): TemplateValue {
    if (parameter.Type.startsWith('AWS::SSM::Parameter::Value<')) {
      const parameterName = String(parameter.Default);
      const value = this.ssmParameters.get(parameterName);
      if (value !== undefined) return value;
      // The bootstrap stack is not part of the app; any recent version satisfies the template's rule.
      if (parameterName.startsWith('/cdk-bootstrap/')) return '30';
      throw new TemplateError(`${where}: parameter ${name} reads the SSM parameter ${parameterName}, which no stack of the app creates`);
    }
    if (parameter.Default !== undefined) return parameter.Default;
    throw new TemplateError(`${where}: parameter ${name} has no default value, and the local cloud has no way to pass one`);
  }

  private getAtt(logicalId: string, attribute: string, where: string): TemplateValue {
    if (!this.template.Resources[logicalId]) throw new TemplateError(`${where}: Fn::GetAtt of ${logicalId}, which is not a resource of ${this.stack.stackName}`);
    const resource = this.provision(logicalId);
    if (!(attribute in resource.attributes)) {
      throw new TemplateError(`${where}: Fn::GetAtt ${logicalId}.${attribute} is not an attribute the local cloud knows for ${resource.type}`);
    }
    return resource.attributes[attribute];
  }

  private provision(logicalId: string): Provisioned {
    const done = this.provisioned.get(logicalId);
    if (done) return done;
    const resource = this.template.Resources[logicalId];
    const where = `${this.stack.stackName}/${logicalId}`;
    if (this.inProgress.has(logicalId)) throw new TemplateError(`${where}: circular reference between resources`);
    this.inProgress.add(logicalId);
    const provider = this.options.providers.get(resource.Type);
    const properties = (provider !== undefined && this.isIncluded(resource)
      ? resolveIntrinsics((resource.Properties ?? {}) as TemplateValue, this.context(`${where}.Properties`))
      : {}) as Record<string, TemplateValue>;
    const provisioned = { type: resource.Type, properties, ...this.physicalIdentity(logicalId, resource.Type, properties) };
    this.inProgress.delete(logicalId);
    this.provisioned.set(logicalId, provisioned);
    const parameter = provider?.ssmParameter?.(properties, provisioned);
    if (parameter) this.ssmParameters.set(parameter.name, parameter.value);
    return provisioned;
  }

  /** The physical name (what Ref returns) and attributes CloudFormation would give the resource: its provider's. */
  private physicalIdentity(logicalId: string, type: string, props: Record<string, TemplateValue>): PhysicalIdentity {
    const { region, identity } = this.options;
    const purpose = `${this.stack.stackName}/${logicalId}`;
    const scope: ProvisionScope = {
      region,
      accountId: LOCAL_ACCOUNT_ID,
      stackName: this.stack.stackName,
      logicalId,
      identity,
      purpose,
      graphqlBaseUrl: this.options.graphqlBaseUrl,
      apiPathPerId: this.apiPathPerId,
      generatedName: (maxLength) => {
        const suffix = identity.derive(`${purpose}:suffix`, 12, UPPER_ALNUM);
        return `${`${this.stack.stackName}-${logicalId}`.slice(0, maxLength - suffix.length - 1)}-${suffix}`;
      },
    };
    const provider = this.options.providers.get(type);
    // Not emulated: it has no behaviour here, but references to it still resolve to a stable placeholder.
    return provider ? provider.identify(props, scope) : { ref: scope.generatedName(64), attributes: {} };
  }
}

function asStringList(value: TemplateValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => String(item));
}
