/**
 * The catalogue of AWS managed policies the local cloud evaluates (aws-managed-policies.json: each policy's default
 * version as IAM returns it, with its source and date; refresh-catalogue.mjs regenerates it). A template naming an AWS
 * managed policy outside the catalogue gets no permission from it locally, and the start-up report says so.
 */
import type { PolicyDocument } from '../model';
import catalogue from './aws-managed-policies.json';

export interface AwsManagedPolicy {
  readonly arn: string;
  /** The name with its path, e.g. `service-role/AWSLambdaBasicExecutionRole`. */
  readonly name: string;
  readonly versionId: string;
  readonly document: PolicyDocument;
}

const POLICIES = catalogue.policies as unknown as Record<string, { versionId: string; document: PolicyDocument }>;

/** Where the documents come from and when they were taken (for the start-up report and the README). */
export const CATALOGUE_SOURCE = `${catalogue.source}, retrieved ${catalogue.retrieved}`;

/** Whether an ARN names an AWS managed policy (`arn:<partition>:iam::aws:policy/...`). */
export function isAwsManagedPolicyArn(arn: string): boolean {
  return /^arn:[^:]+:iam::aws:policy\/.+$/.test(arn);
}

/** The policy an AWS managed policy ARN names, from the catalogue; undefined when the catalogue lacks it. */
export function awsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
  const normalized = arn.replace(/^arn:[^:]+:/, 'arn:aws:');
  const entry = POLICIES[normalized];
  if (!entry) return undefined;
  return { arn, name: normalized.slice('arn:aws:iam::aws:policy/'.length), versionId: entry.versionId, document: entry.document };
}

/** A catalogued policy of the same name under another path (`AWSLambdaBasicExecutionRole` is under `service-role/`), for hints. */
export function sameNameElsewhere(arn: string): string | undefined {
  const name = arn.slice(arn.lastIndexOf('/') + 1);
  return Object.keys(POLICIES).find((candidate) => candidate.endsWith(`/${name}`) && candidate !== arn.replace(/^arn:[^:]+:/, 'arn:aws:'));
}
