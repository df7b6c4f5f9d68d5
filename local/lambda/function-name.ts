/**
 * The FunctionName forms Lambda accepts: name, partial ARN (ACCOUNT:function:NAME) and full ARN, each with an optional
 * `:QUALIFIER` (version or alias).
 */

export interface ParsedFunctionName {
  name: string;
  qualifier?: string;
  region?: string;
  accountId?: string;
  partition?: string;
}

/** Lambda's documented FunctionName pattern (Invoke API reference), anchored. */
const FUNCTION_NAME_PATTERN =
  /^(?:arn:(aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9\-_.]+)(?::(\$LATEST|[a-zA-Z0-9\-_]+))?$/;

/** Lambda's limit for the FunctionName parameter of Invoke. */
const MAX_FUNCTION_NAME_LENGTH = 170;

export function parseFunctionName(value: string): ParsedFunctionName | undefined {
  if (value.length === 0 || value.length > MAX_FUNCTION_NAME_LENGTH) return undefined;
  const match = FUNCTION_NAME_PATTERN.exec(value);
  if (!match) return undefined;
  const [, partition, region, accountId, name, qualifier] = match;
  return {
    name,
    ...(qualifier !== undefined ? { qualifier } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(accountId !== undefined ? { accountId } : {}),
    ...(partition !== undefined ? { partition } : {}),
  };
}

export function functionArn(name: string, region: string, accountId: string, qualifier?: string, partition = 'aws'): string {
  return `arn:${partition}:lambda:${region}:${accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}

/** Lambda's ValidationException text for a FunctionName that does not match its pattern. */
export function invalidFunctionNameMessage(value: string): string {
  return (
    `1 validation error detected: Value '${value}' at 'functionName' failed to satisfy constraint: ` +
    `Member must satisfy regular expression pattern: ` +
    '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?'
  );
}
