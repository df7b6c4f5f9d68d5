import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TemplateError, TemplateValue } from './intrinsics';

export interface CloudFormationTemplate {
  Parameters?: Record<string, { Type: string; Default?: TemplateValue; Description?: string }>;
  Conditions?: Record<string, TemplateValue>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: TemplateValue; Description?: string; Export?: { Name: TemplateValue }; Condition?: string }>;
}

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, TemplateValue>;
  DependsOn?: string | string[];
  Condition?: string;
  Metadata?: Record<string, TemplateValue>;
}

export interface StackArtifact {
  /** Artifact id, as `cdk deploy <id>` names the stack. */
  readonly id: string;
  readonly stackName: string;
  readonly template: CloudFormationTemplate;
  /** Ids of the stacks this one depends on. */
  readonly dependencies: string[];
  /** Absolute asset folders or files, by the object key `cdk deploy` would upload them under. */
  readonly assetsByObjectKey: Map<string, string>;
}

interface Manifest {
  artifacts?: Record<string, { type: string; properties?: Record<string, unknown>; dependencies?: string[]; displayName?: string }>;
}

interface AssetManifest {
  files?: Record<string, { source: { path?: string; packaging?: string }; destinations: Record<string, { objectKey: string }> }>;
}

/** Reads a cloud assembly (`cdk.out`): its stacks in deployment order, with their templates and assets. */
export function readCloudAssembly(directory: string): StackArtifact[] {
  const manifestPath = path.join(directory, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new TemplateError(`No cloud assembly at ${directory} (manifest.json is missing): run \`npx cdk synth\` first, or pass --assembly DIR`);
  }
  const manifest = readJson<Manifest>(manifestPath);
  const artifacts = manifest.artifacts ?? {};
  const stacks: StackArtifact[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const properties = artifact.properties ?? {};
    const templateFile = String(properties.templateFile);
    const dependencies = (artifact.dependencies ?? []).filter((dependency) => artifacts[dependency]?.type === 'aws:cloudformation:stack');
    const assetsByObjectKey = new Map<string, string>();
    for (const dependency of artifact.dependencies ?? []) {
      const assetArtifact = artifacts[dependency];
      if (assetArtifact?.type !== 'cdk:asset-manifest') continue;
      const assets = readJson<AssetManifest>(path.join(directory, String(assetArtifact.properties?.file)));
      for (const file of Object.values(assets.files ?? {})) {
        if (!file.source.path) continue;
        for (const destination of Object.values(file.destinations)) {
          assetsByObjectKey.set(destination.objectKey, path.resolve(directory, file.source.path));
        }
      }
    }
    stacks.push({
      id,
      stackName: String(properties.stackName ?? id),
      template: readJson<CloudFormationTemplate>(path.join(directory, templateFile)),
      dependencies,
      assetsByObjectKey,
    });
  }
  return inDeploymentOrder(stacks);
}

function inDeploymentOrder(stacks: StackArtifact[]): StackArtifact[] {
  const byId = new Map(stacks.map((stack) => [stack.id, stack]));
  const ordered: StackArtifact[] = [];
  const visiting = new Set<string>();
  const visit = (stack: StackArtifact): void => {
    if (ordered.includes(stack)) return;
    if (visiting.has(stack.id)) throw new TemplateError(`Stacks ${[...visiting].join(', ')} depend on each other in a cycle`);
    visiting.add(stack.id);
    for (const dependency of stack.dependencies) {
      const target = byId.get(dependency);
      if (target) visit(target);
    }
    visiting.delete(stack.id);
    ordered.push(stack);
  };
  stacks.forEach(visit);
  return ordered;
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new TemplateError(`Cannot read ${file}: ${(error as Error).message}. Run \`npx cdk synth\` again.`);
  }
}
