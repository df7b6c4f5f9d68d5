/**
 * The Functions tab: every function of the templates as the Lambda console's Configuration tab shows it (name,
 * runtime, handler, memory, timeout, environment, role), with the secrets of its environment masked.
 *
 * A value is masked when its variable's name says it is a secret (KEY, SECRET, TOKEN, PASSWORD, CREDENTIAL, PRIVATE;
 * not the names of key ids) or when it is one of the local cloud's own secrets whatever its name (an API key, a
 * secret access key, a session token). A masked value never leaves this process; the page gets its length only.
 */
import type { LocalDeployment } from '../deployment';
import type { PrincipalStore } from '../iam/principals';
import type { LocalFunction } from '../lambda/model';

export interface EnvironmentVariable {
  readonly name: string;
  /** Absent when masked. */
  readonly value?: string;
  readonly masked: boolean;
  /** Of the real value, so that the page can say "40 characters, hidden". */
  readonly length: number;
}

export interface FunctionDescription {
  readonly name: string;
  readonly arn: string;
  readonly stackName: string;
  readonly logicalId: string;
  /** The construct id the callers stack names its output after (`listTodosIam`), when a `<Id>FunctionName` output names this function. */
  readonly callerId?: string;
  /** `<stack>.<output>` naming the function, e.g. `TodoCallers-dev.ListTodosIamFunctionName`. */
  readonly output?: string;
  readonly runtime: string;
  readonly handler: string;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  readonly environment: readonly EnvironmentVariable[];
  readonly roleArn?: string;
  /** The `.local/credentials` profile that holds the role's permissions. */
  readonly roleProfile?: string;
}

const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE/i;
/** Names of identifiers of a secret rather than the secret (`AWS_ACCESS_KEY_ID`, `KMS_KEY_ARN`). */
const NOT_SECRET_NAME = /KEY_?(ID|ARN|NAME)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET_NAME.test(name);
}

/** The local cloud's own secrets: any environment value equal to one of them is masked. */
export function knownSecrets(deployment: LocalDeployment): ReadonlySet<string> {
  const secrets = new Set<string>([deployment.adminCredentials.secretAccessKey]);
  for (const api of deployment.graphqlApis) for (const key of api.apiKeys) secrets.add(key.value);
  for (const role of deployment.roles) {
    secrets.add(role.credentials.secretAccessKey);
    secrets.add(role.credentials.sessionToken);
  }
  return secrets;
}

export function maskEnvironment(environment: Readonly<Record<string, string>>, secrets: ReadonlySet<string>): EnvironmentVariable[] {
  return Object.entries(environment)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) =>
      isSecretName(name) || secrets.has(value) ? { name, masked: true, length: value.length } : { name, value, masked: false, length: value.length },
    );
}

export function describeFunctions(deployment: LocalDeployment, principals: PrincipalStore): FunctionDescription[] {
  const secrets = knownSecrets(deployment);
  const outputs = functionOutputs(deployment);
  return deployment.functions
    .map((fn) => describeFunction(fn, deployment, principals, secrets, outputs.get(fn.name)))
    .sort((a, b) => a.stackName.localeCompare(b.stackName) || a.name.localeCompare(b.name));
}

function describeFunction(
  fn: LocalFunction,
  deployment: LocalDeployment,
  principals: PrincipalStore,
  secrets: ReadonlySet<string>,
  output: { stackName: string; outputName: string } | undefined,
): FunctionDescription {
  const role = deployment.roles.find((candidate) => candidate.arn === fn.roleArn);
  const roleProfile = role ? principals.principal(role.credentials.accessKeyId)?.profileName : undefined;
  return {
    name: fn.name,
    arn: fn.arn,
    stackName: fn.stackName,
    logicalId: fn.logicalId,
    ...(output ? { callerId: callerIdOf(output.outputName), output: `${output.stackName}.${output.outputName}` } : {}),
    runtime: fn.runtime,
    handler: fn.handler,
    memorySize: fn.memorySize,
    timeoutSeconds: fn.timeoutSeconds,
    environment: maskEnvironment(fn.environment, secrets),
    ...(fn.roleArn ? { roleArn: fn.roleArn } : {}),
    ...(roleProfile ? { roleProfile } : {}),
  };
}

/** Function name → the `<Id>FunctionName` output that names it. */
function functionOutputs(deployment: LocalDeployment): Map<string, { stackName: string; outputName: string }> {
  const byName = new Map<string, { stackName: string; outputName: string }>();
  for (const stack of deployment.stacks) {
    for (const [outputName, output] of Object.entries(stack.outputs)) {
      if (outputName.endsWith('FunctionName') && !byName.has(output.value)) byName.set(output.value, { stackName: stack.stackName, outputName });
    }
  }
  return byName;
}

/** `ListTodosIamFunctionName` → `listTodosIam` (lib/graphql-caller.ts capitalises the id). */
export function callerIdOf(outputName: string): string {
  const id = outputName.slice(0, -'FunctionName'.length);
  return id.charAt(0).toLowerCase() + id.slice(1);
}
