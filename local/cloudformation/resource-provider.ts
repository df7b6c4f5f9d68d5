import type { LocalIdentity } from '../state';
import type { TemplateValue } from './intrinsics';

/*
 * What the engine needs from each CloudFormation resource type it provides, in the shape of LocalStack's resource
 * providers: one type per file, inside the service folder that owns it (local/appsync/resource-providers/, ...), and
 * registered by type name (local/resource-providers.ts). The engine never switches on a type: a type without a
 * provider is not emulated, and is reported once at start-up.
 */

/** Where a resource is being provisioned, and the deterministic sources of its names. */
export interface ProvisionScope {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly identity: LocalIdentity;
  /** `purpose` for `identity.derive`, unique to this resource: `<stack>/<logicalId>`. */
  readonly purpose: string;
  /** Base URL of the local GraphQL server, e.g. http://127.0.0.1:20002 */
  readonly graphqlBaseUrl: string;
  /** How many resources of a type the whole assembly declares (several GraphQL APIs each get their own path). */
  countInAssembly(type: string): number;
  /** A name as CloudFormation generates one: `<stack>-<logicalId>-<SUFFIX>`, at most `maxLength` characters. */
  generatedName(maxLength: number): string;
}

/** What `Ref` returns and what `Fn::GetAtt` may read. */
export interface PhysicalIdentity {
  readonly ref: string;
  readonly attributes: Readonly<Record<string, TemplateValue>>;
}

export interface ResourceProvider {
  /** The CloudFormation type, e.g. `AWS::DynamoDB::Table`. */
  readonly type: string;
  /** The physical name and attributes CloudFormation would give the resource, from its resolved properties. */
  identify(properties: Readonly<Record<string, TemplateValue>>, scope: ProvisionScope): PhysicalIdentity;
  /** An SSM parameter the resource creates, which SSM-typed template parameters of later stacks read. */
  ssmParameter?(properties: Readonly<Record<string, TemplateValue>>, identity: PhysicalIdentity): { readonly name: string; readonly value: string };
}

/** The resource types the local cloud provides, by type name. */
export class ResourceProviderRegistry {
  private readonly providers = new Map<string, ResourceProvider>();

  constructor(providers: readonly ResourceProvider[] = []) {
    for (const provider of providers) this.register(provider);
  }

  register(provider: ResourceProvider): this {
    if (this.providers.has(provider.type)) throw new Error(`${provider.type} has two resource providers`);
    this.providers.set(provider.type, provider);
    return this;
  }

  get(type: string): ResourceProvider | undefined {
    return this.providers.get(type);
  }

  get types(): string[] {
    return [...this.providers.keys()];
  }
}
