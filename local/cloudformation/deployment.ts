import { type LocalIdentity, UPPER_ALNUM } from '../state';
import type { CloudFormationTemplate, StackArtifact, TemplateResource } from './cloud-assembly';
import { type IntrinsicContext, resolveIntrinsics, TemplateError, type TemplateValue } from './intrinsics';
import type { PhysicalIdentity, ProvisionScope, ResourceProviderRegistry } from './resource-provider';

export const LOCAL_ACCOUNT_ID = '000000000000';

export interface StackOutputs {
  readonly id: string;
  readonly stackName: string;
  readonly outputs: Record<string, { value: string; description?: string; exportName?: string }>;
}

/** A resource as the engine provisioned it: its resolved properties, physical id and attributes. */
export interface ProvisionedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly ref: string;
  readonly attributes: Readonly<Record<string, TemplateValue>>;
  readonly properties: Record<string, TemplateValue>;
}

/** One stack's provisioned resources, which each service reads its model from (local/deployment.ts). */
export interface ProvisionedStack {
  readonly id: string;
  readonly stackName: string;
  /** Absolute asset folders or files, by the object key `cdk deploy` would upload them under. */
  readonly assetsByObjectKey: ReadonlyMap<string, string>;
  readonly resources: readonly ProvisionedResource[];
  byType(type: string): ProvisionedResource[];
}

/** What the generic engine gives back: outputs, the provisioned resources, and what it does not emulate. */
export interface EngineDeployment {
  readonly region: string;
  readonly accountId: string;
  readonly stacks: StackOutputs[];
  readonly provisioned: ProvisionedStack[];
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
export function deployLocally(stacks: StackArtifact[], options: DeployOptions): EngineDeployment {
  // Not named `exports`: that would shadow the CommonJS binding the compiled module reads its own constants from.
  const stackExports = new Map<string, TemplateValue>();
  const ssmParameters = new Map<string, string>();
  const typeCounts = new Map<string, number>();
  for (const resource of stacks.flatMap((stack) => Object.values(stack.template.Resources))) {
    typeCounts.set(resource.Type, (typeCounts.get(resource.Type) ?? 0) + 1);
  }
  const result: EngineDeployment = { region: options.region, accountId: LOCAL_ACCOUNT_ID, stacks: [], provisioned: [], skipped: [] };
  for (const stack of stacks) {
    const deployer = new StackDeployer(stack, options, stackExports, ssmParameters, (type) => typeCounts.get(type) ?? 0);
    deployer.deployAll();
    result.stacks.push({ id: stack.id, stackName: stack.stackName, outputs: deployer.outputs() });
    result.provisioned.push(deployer.provisionedStack());
    result.skipped.push(...deployer.skipped());
  }
  return result;
}

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
    private readonly countInAssembly: (type: string) => number,
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

  /** What was provisioned (resources a condition leaves out are not), for the services to build their models from. */
  provisionedStack(): ProvisionedStack {
    const resources = [...this.provisioned.entries()]
      .filter(([logicalId]) => this.isIncluded(this.template.Resources[logicalId]))
      .map(([logicalId, resource]): ProvisionedResource => ({ logicalId, ...resource }));
    return {
      id: this.stack.id,
      stackName: this.stack.stackName,
      assetsByObjectKey: this.stack.assetsByObjectKey,
      resources,
      byType: (type) => resources.filter((resource) => resource.type === type),
    };
  }

  /** Resources no provider knows: not emulated, listed once at start-up. */
  skipped(): EngineDeployment['skipped'] {
    return Object.entries(this.template.Resources)
      .filter(([, resource]) => this.options.providers.get(resource.Type) === undefined && this.isIncluded(resource))
      .map(([logicalId, resource]) => ({ stackName: this.stack.stackName, logicalId, type: resource.Type }));
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
    if (!this.template.Resources[logicalId])
      throw new TemplateError(`${where}: Fn::GetAtt of ${logicalId}, which is not a resource of ${this.stack.stackName}`);
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
    const properties = (
      provider !== undefined && this.isIncluded(resource)
        ? resolveIntrinsics((resource.Properties ?? {}) as TemplateValue, this.context(`${where}.Properties`))
        : {}
    ) as Record<string, TemplateValue>;
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
      countInAssembly: this.countInAssembly,
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

export function asStringList(value: TemplateValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => String(item));
}
