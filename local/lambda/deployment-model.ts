import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ProvisionedStack } from '../cloudformation/deployment';
import { TemplateError, type TemplateValue } from '../cloudformation/intrinsics';
import type { LocalRole } from '../iam/model';
import type { LocalFunction } from './model';

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
      };
    }),
  );
}
