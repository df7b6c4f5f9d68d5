import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ProvisionedStack } from '../cloudformation/deployment';
import { TemplateError, type TemplateValue } from '../cloudformation/intrinsics';
import type { LocalRole } from '../iam/model';
import type { LocalFunction } from './model';
import type { FunctionTemplateFacts } from './types';

/** Every function of the deployed stacks: its code (an asset, or inline code written to `workDir`), settings and role. */
export function functionsOf(stacks: readonly ProvisionedStack[], roles: readonly LocalRole[], workDir: string): LocalFunction[] {
  return stacks.flatMap((stack) =>
    stack.byType('AWS::Lambda::Function').map((fn): LocalFunction => {
      const props = fn.properties;
      const where = `${stack.stackName}/${fn.logicalId}`;
      const code = (props.Code ?? {}) as Record<string, TemplateValue>;
      let codeDir: string;
      if (typeof code.ZipFile === 'string') {
        codeDir = path.join(workDir, 'inline-code', fn.ref);
        mkdirSync(codeDir, { recursive: true });
        writeFileSync(path.join(codeDir, 'index.js'), code.ZipFile);
      } else {
        const asset = stack.assetsByObjectKey.get(String(code.S3Key));
        if (!asset) throw new TemplateError(`${where}: its code ${String(code.S3Key)} is not among the assembly's assets; run \`npx cdk synth\` again`);
        codeDir = asset;
      }
      const roleArn = typeof props.Role === 'string' ? props.Role : undefined;
      const role = roles.find((candidate) => candidate.arn === roleArn);
      const variables = ((props.Environment as { Variables?: Record<string, TemplateValue> } | undefined)?.Variables ?? {}) as Record<string, TemplateValue>;
      return {
        stackName: stack.stackName,
        logicalId: fn.logicalId,
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
        configuration: templateFacts(props, stack.stackName, fn.logicalId, roleArn),
      };
    }),
  );
}

/** The settings the Lambda API shows (GetFunctionConfiguration) and the local runtime does not act on. */
function templateFacts(props: Record<string, TemplateValue>, stackName: string, logicalId: string, roleArn: string | undefined): FunctionTemplateFacts {
  const logging = (props.LoggingConfig ?? {}) as { LogFormat?: TemplateValue; LogGroup?: TemplateValue };
  const tags = Array.isArray(props.Tags) ? (props.Tags as Array<{ Key?: TemplateValue; Value?: TemplateValue }>) : [];
  return {
    stackName,
    logicalId,
    roleArn,
    description: typeof props.Description === 'string' ? props.Description : undefined,
    architectures: Array.isArray(props.Architectures) ? props.Architectures.map(String) : undefined,
    tracingMode:
      typeof (props.TracingConfig as { Mode?: unknown } | undefined)?.Mode === 'string' ? String((props.TracingConfig as { Mode: string }).Mode) : undefined,
    logFormat: typeof logging.LogFormat === 'string' ? logging.LogFormat : undefined,
    logGroup: typeof logging.LogGroup === 'string' ? logging.LogGroup : undefined,
    ephemeralStorageMb: Number((props.EphemeralStorage as { Size?: unknown } | undefined)?.Size) || undefined,
    // The tags CloudFormation puts on what it creates, then the template's.
    tags: {
      'aws:cloudformation:stack-name': stackName,
      'aws:cloudformation:logical-id': logicalId,
      ...Object.fromEntries(tags.filter((tag) => typeof tag.Key === 'string').map((tag) => [String(tag.Key), String(tag.Value ?? '')])),
    },
  };
}
