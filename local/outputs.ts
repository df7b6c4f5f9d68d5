import type { LocalDeployment } from './deployment';

export interface LocalEndpoints {
  readonly graphql: Record<string, string>;
  readonly lambda: string;
  readonly dynamodb: string;
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
  const api = deployment.graphqlApis[0];
  const key = api?.apiKeys[0]?.value;
  const someFunction = deployment.stacks.flatMap((stack) => Object.entries(stack.outputs)).find(([name]) => name.endsWith('FunctionName'))?.[1].value;
  lines.push('', 'Local endpoints:');
  for (const [logicalId, url] of Object.entries(endpoints.graphql)) lines.push(`  GraphQL (${logicalId}): ${url}`);
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
  lines.push('', 'Try it:');
  if (api && key) {
    lines.push(
      `  curl -s ${api.url} -H 'content-type: application/json' -H "x-api-key: ${key}" \\`,
      `    -d '{"query":"query LIST_TODOS { listTodos { items { id name description } } }"}'`,
    );
  }
  if (someFunction) {
    lines.push(
      `  AWS_SHARED_CREDENTIALS_FILE=${files.credentials} AWS_CONFIG_FILE=${files.config} AWS_PROFILE=local \\`,
      `    aws lambda invoke --endpoint-url ${endpoints.lambda} --function-name ${someFunction} --cli-binary-format raw-in-base64-out --payload '{}' /dev/stdout`,
      `  npm run invoke -- ${someFunction} '{}'`,
    );
  }
  if (deployment.skipped.length > 0) {
    lines.push('', `Not emulated (skipped): ${deployment.skipped.map((s) => `${s.stackName}/${s.logicalId} (${s.type})`).join(', ')}`);
  }
  lines.push('', 'Press Ctrl-C to stop.');
  return lines.join('\n');
}
