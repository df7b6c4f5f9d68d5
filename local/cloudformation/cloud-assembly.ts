import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { AssetManifestArtifact, CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { TemplateError, type TemplateValue } from './intrinsics';

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

/** Reads a cloud assembly (`cdk.out`) with aws-cdk-lib's own reader: its stacks in deployment order, with their templates and assets. */
export function readCloudAssembly(directory: string): StackArtifact[] {
  if (!existsSync(path.join(directory, 'manifest.json'))) {
    throw new TemplateError(`No cloud assembly at ${directory} (manifest.json is missing): run \`npx cdk synth\` first, or pass --assembly DIR`);
  }
  let assembly: CloudAssembly;
  try {
    assembly = new CloudAssembly(directory);
  } catch (error) {
    throw new TemplateError(`Cannot read the cloud assembly at ${directory}: ${(error as Error).message}. Run \`npx cdk synth\` again.`, { cause: error });
  }
  const stacks = assembly.stacks.map((artifact): StackArtifact => {
    const assetsByObjectKey = new Map<string, string>();
    for (const dependency of artifact.dependencies) {
      if (!(dependency instanceof AssetManifestArtifact)) continue;
      for (const file of Object.values(dependency.contents.files ?? {})) {
        if (!file.source.path) continue;
        for (const destination of Object.values(file.destinations)) {
          assetsByObjectKey.set(destination.objectKey, path.resolve(directory, file.source.path));
        }
      }
    }
    return {
      id: artifact.id,
      stackName: artifact.stackName,
      template: readTemplate(artifact),
      dependencies: artifact.dependencies.filter((dependency) => dependency instanceof CloudFormationStackArtifact).map((dependency) => dependency.id),
      assetsByObjectKey,
    };
  });
  return inDeploymentOrder(stacks);
}

function readTemplate(artifact: CloudFormationStackArtifact): CloudFormationTemplate {
  try {
    return artifact.template as CloudFormationTemplate;
  } catch (error) {
    throw new TemplateError(`Cannot read ${artifact.templateFullPath}: ${(error as Error).message}. Run \`npx cdk synth\` again.`, { cause: error });
  }
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
