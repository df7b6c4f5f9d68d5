import * as path from 'node:path';
import type { LocalDeployment } from './deployment';
import { tryItCommands } from './try-it';

export interface LocalEndpoints {
  readonly graphql: Record<string, string>;
  readonly lambda: string;
  readonly dynamodb: string;
  /** The local console's URL with this start's token (endpoints.json holds it without). */
  readonly console?: string;
}

/** `cdk deploy --outputs-file` shape: outputs by stack name. */
export function outputsFileContent(deployment: LocalDeployment): Record<string, Record<string, string>> {
  return Object.fromEntries(
    deployment.stacks.map((stack) => [stack.stackName, Object.fromEntries(Object.entries(stack.outputs).map(([name, output]) => [name, output.value]))]),
  );
}

/** What `cdk deploy` prints for each stack, then how to reach the local services. */
export function startupReport(
  deployment: LocalDeployment,
  endpoints: LocalEndpoints,
  files: { credentials: string; config: string; endpoints: string; amplifyConfiguration?: string; amplifyOutputs?: string },
  clientConfigSkipped?: string,
  tls?: { readonly caFile: string },
): string {
  const lines: string[] = [];
  for (const stack of deployment.stacks) {
    lines.push('', ` ✅  ${stack.id} (${stack.stackName}) (local)`, '', 'Outputs:');
    for (const [name, output] of Object.entries(stack.outputs)) lines.push(`${stack.id}.${name} = ${output.value}`);
  }
  lines.push('', 'Local endpoints:');
  for (const [logicalId, url] of Object.entries(endpoints.graphql)) lines.push(`  GraphQL (${logicalId}): ${url}`);
  if (endpoints.console) lines.push(`  Console:           ${endpoints.console}`);
  for (const [logicalId, url] of Object.entries(endpoints.graphql)) {
    // Amplify derives wss://<host>/graphql/realtime from the URL; the port speaks TLS and plain alike.
    lines.push(`  Subscriptions (${logicalId}): ${url.replace(/^http:/, 'wss:')}/realtime (or ws://)`);
  }
  lines.push(`  Lambda Invoke API: ${endpoints.lambda}`, `  DynamoDB:          ${endpoints.dynamodb}`, '');
  lines.push(`Credentials: ${files.credentials} (profile "local" may do anything; one profile per IAM role, named by its logical id)`);
  lines.push(`Endpoints:   ${files.endpoints}`);
  if (tls) lines.push(`TLS:         ${tls.caFile} (the local CA of wss:// and https://: trust it once; README, Subscriptions)`);
  if (files.amplifyConfiguration && files.amplifyOutputs) {
    lines.push(`Amplify:     ${files.amplifyConfiguration} (Gen 1), ${files.amplifyOutputs} (Gen 2)`);
  } else {
    lines.push(`Amplify:     no client config written: ${clientConfigSkipped ?? 'no API stack with the outputs it needs'}`);
  }
  lines.push('', "Try it (the README's commands, from the project's folder):");
  const outputNames = new Set(deployment.stacks.flatMap((stack) => Object.keys(stack.outputs)));
  for (const line of tryItCommands(displayedDir(path.dirname(files.credentials)), outputNames)) lines.push(line === '' ? '' : `  ${line}`);
  if (deployment.skipped.length > 0) {
    lines.push('', `Not emulated (skipped): ${deployment.skipped.map((s) => `${s.stackName}/${s.logicalId} (${s.type})`).join(', ')}`);
  }
  if (deployment.notEmulated.length > 0) {
    lines.push('', 'Not fully emulated (also in endpoints.json, "notEmulated"):');
    for (const gap of deployment.notEmulated) lines.push(`  ${gap.resource} ${gap.element}: ${gap.instead}`);
  }
  lines.push('', 'Press Ctrl-C to stop.');
  return lines.join('\n');
}

/** A folder under the working directory as a relative path (what a user types), anything else as it is. */
function displayedDir(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : dir;
}
