/**
 * The read side of Lambda's API that a user's tools call (`aws lambda list-functions`, `get-function`,
 * `get-function-configuration`, the SDK's ListFunctions/GetFunction/GetFunctionConfiguration commands):
 *
 * - `GET /2015-03-31/functions/[?Marker=&MaxItems=]` → `{"Functions": [FunctionConfiguration…], "NextMarker"?}`
 * - `GET /2015-03-31/functions/{FunctionName}[?Qualifier=]` → `{"Configuration", "Code", "Tags"}`
 * - `GET /2015-03-31/functions/{FunctionName}/configuration[?Qualifier=]` → FunctionConfiguration
 *
 * Shapes as in the Lambda API Reference (API_FunctionConfiguration, API_GetFunction, API_ListFunctions). The
 * environment is the function's configured variables only, as AWS shows it (not what the runtime adds: AWS_REGION,
 * credentials, the local endpoints), and no `Environment` member when there are none. Like Invoke, each call is
 * authenticated (SigV4) and authorized before anything is looked up: `lambda:ListFunctions` on `*`,
 * `lambda:GetFunction` / `lambda:GetFunctionConfiguration` on the function's ARN (Service Authorization Reference,
 * AWS Lambda).
 *
 * Local differences: CodeSha256 and CodeSize describe the bundle folder (not a .zip), `Code.Location` is a file URL
 * of it (AWS gives a presigned S3 URL), LastModified is when the local cloud started, and only `$LATEST` exists.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AccessDeniedError, InvalidMarkerError, InvalidMaxItemsError, InvalidPathEncodingError, RepeatedQualifierError } from './errors';
import type { InvokeApiRequest, InvokeAuthorization } from './invoke-api';
import type { LambdaRuntime } from './runtime';
import type { LambdaAction, LocalFunctionDefinition } from './types';

export type FunctionsApiRoute = { operation: 'ListFunctions' } | { operation: 'GetFunction' | 'GetFunctionConfiguration'; rawName: string };

const LIST_PATH = /^\/2015-03-31\/functions\/?$/;
const FUNCTION_PATH = /^\/2015-03-31\/functions\/([^/]+)\/?$/;
const CONFIGURATION_PATH = /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/;
const DEFAULT_MAX_ITEMS = 50;

/** Which of these operations a request is, if any. */
export function functionsApiRoute(method: string, rawPath: string): FunctionsApiRoute | undefined {
  if (method !== 'GET') return undefined;
  if (LIST_PATH.test(rawPath)) return { operation: 'ListFunctions' };
  const configuration = CONFIGURATION_PATH.exec(rawPath);
  if (configuration) return { operation: 'GetFunctionConfiguration', rawName: configuration[1] };
  const fn = FUNCTION_PATH.exec(rawPath);
  return fn ? { operation: 'GetFunction', rawName: fn[1] } : undefined;
}

export interface FunctionsApiContext {
  readonly runtime: Pick<LambdaRuntime, 'listFunctions' | 'resolveTarget' | 'targetArn'>;
  readonly principal: string;
  authorize(principal: string, action: LambdaAction, resource: string): InvokeAuthorization | Promise<InvokeAuthorization>;
  /** When the functions were "deployed" (LastModified). */
  readonly deployedAt: Date;
}

/** The answer to an authenticated request: a JSON body with status 200; refusals are thrown as LambdaServiceError. */
export async function answerFunctionsApi(route: FunctionsApiRoute, request: InvokeApiRequest, context: FunctionsApiContext): Promise<unknown> {
  if (route.operation === 'ListFunctions') {
    await authorizeOrDeny(context, 'lambda:ListFunctions', '*');
    return listFunctions(request, context);
  }
  let name: string;
  try {
    name = decodeURIComponent(route.rawName);
  } catch {
    throw new InvalidPathEncodingError(route.rawName);
  }
  const qualifierValue = request.query.Qualifier;
  if (qualifierValue !== undefined && typeof qualifierValue !== 'string') throw new RepeatedQualifierError();
  const qualifier = qualifierValue === '' ? undefined : qualifierValue;
  const action: LambdaAction = route.operation === 'GetFunction' ? 'lambda:GetFunction' : 'lambda:GetFunctionConfiguration';
  // As for Invoke: an unknown function is only revealed to those allowed to ask about it.
  const resource = context.runtime.targetArn(name, qualifier);
  if (resource !== undefined) await authorizeOrDeny(context, action, resource);
  const { fn } = context.runtime.resolveTarget(name, qualifier);
  const configuration = functionConfiguration(fn, context.deployedAt);
  if (route.operation === 'GetFunctionConfiguration') return configuration;
  return {
    Configuration: configuration,
    Code: { RepositoryType: 'S3', Location: pathToFileURL(fn.codeDir).href },
    Tags: { ...fn.configuration?.tags },
  };
}

async function authorizeOrDeny(context: FunctionsApiContext, action: LambdaAction, resource: string): Promise<void> {
  const verdict = await context.authorize(context.principal, action, resource);
  if (typeof verdict === 'boolean' ? !verdict : !verdict.allowed) {
    throw new AccessDeniedError(context.principal, action, resource, typeof verdict === 'boolean' ? undefined : verdict.context);
  }
}

/** One page, in the deployment's order; the marker is the name of the last function of the page before. */
function listFunctions(request: InvokeApiRequest, context: FunctionsApiContext): { Functions: unknown[]; NextMarker?: string } {
  const { MaxItems: rawMax, Marker: rawMarker } = request.query;
  const maxItems = rawMax === undefined ? DEFAULT_MAX_ITEMS : Number(rawMax);
  if (typeof rawMax !== 'undefined' && (typeof rawMax !== 'string' || !/^\d+$/.test(rawMax) || maxItems < 1 || maxItems > 10000)) {
    throw new InvalidMaxItemsError(String(rawMax));
  }
  const functions = context.runtime.listFunctions();
  let start = 0;
  if (rawMarker !== undefined && rawMarker !== '') {
    const after = typeof rawMarker === 'string' ? functions.findIndex((fn) => fn.name === markerName(rawMarker)) : -1;
    if (after < 0) throw new InvalidMarkerError();
    start = after + 1;
  }
  const page = functions.slice(start, start + maxItems);
  const next = start + maxItems < functions.length ? page[page.length - 1] : undefined;
  return {
    Functions: page.map((fn) => functionConfiguration(fn, context.deployedAt)),
    ...(next ? { NextMarker: Buffer.from(next.name).toString('base64url') } : {}),
  };
}

function markerName(marker: string): string {
  return Buffer.from(marker, 'base64url').toString('utf8');
}

/** FunctionConfiguration, as GetFunctionConfiguration answers it. */
export function functionConfiguration(fn: LocalFunctionDefinition, deployedAt: Date): Record<string, unknown> {
  const facts = fn.configuration ?? {};
  const code = codeFacts(fn.codeDir);
  const variables = Object.keys(fn.environment).length > 0 ? { Environment: { Variables: { ...fn.environment } } } : {};
  return {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: fn.runtime,
    ...(facts.roleArn ? { Role: facts.roleArn } : {}),
    Handler: fn.handler,
    CodeSize: code.size,
    Description: facts.description ?? '',
    Timeout: fn.timeoutSeconds,
    MemorySize: fn.memorySize,
    LastModified: lambdaTimestamp(deployedAt),
    CodeSha256: code.sha256,
    Version: '$LATEST',
    ...variables,
    TracingConfig: { Mode: facts.tracingMode ?? 'PassThrough' },
    RevisionId: revisionId(fn, code.sha256),
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: facts.architectures && facts.architectures.length > 0 ? [...facts.architectures] : ['x86_64'],
    EphemeralStorage: { Size: facts.ephemeralStorageMb ?? 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: facts.logFormat ?? 'Text', LogGroup: facts.logGroup ?? `/aws/lambda/${fn.name}` },
  };
}

/** `2019-08-14T22:26:11.234+0000`, Lambda's LastModified format. */
function lambdaTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** A UUID-shaped revision that changes when the code or the settings do. */
function revisionId(fn: LocalFunctionDefinition, codeSha256: string): string {
  const hex = createHash('sha256')
    .update(JSON.stringify([codeSha256, fn.handler, fn.runtime, fn.timeoutSeconds, fn.memorySize, fn.environment]))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const codeCache = new Map<string, { size: number; sha256: string }>();

/** Size and SHA-256 (base64, as Lambda gives CodeSha256) of the bundle folder's files, by path. */
function codeFacts(codeDir: string): { size: number; sha256: string } {
  const cached = codeCache.get(codeDir);
  if (cached) return cached;
  const hash = createHash('sha256');
  let size = 0;
  const visit = (relative: string) => {
    const absolute = path.join(codeDir, relative);
    let entries: string[];
    try {
      entries = readdirSync(absolute).sort();
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = path.join(relative, entry);
      const stat = statSync(path.join(codeDir, child));
      if (stat.isDirectory()) visit(child);
      else {
        const content = readFileSync(path.join(codeDir, child));
        size += content.length;
        hash.update(`${child}\n`).update(content);
      }
    }
  };
  visit('');
  const facts = { size, sha256: hash.digest('base64') };
  codeCache.set(codeDir, facts);
  return facts;
}
