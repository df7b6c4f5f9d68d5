// Regenerates aws-managed-policies.json from a clone of https://github.com/zoph-io/MAMIP (which records every AWS
// managed policy's default version as IAM's GetPolicyVersion returns it):
//   node local/iam/managed-policies/refresh-catalogue.mjs <path to a MAMIP clone>
// Add a policy by adding its name to NAMES. Never part of the build or the tests.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const NAMES = [
  // Named by CDK constructs and the Lambda/AppSync docs.
  'AWSLambdaBasicExecutionRole',
  'AWSLambdaVPCAccessExecutionRole',
  'AWSXRayDaemonWriteAccess',
  'AWSXrayWriteOnlyAccess',
  'AWSAppSyncPushToCloudWatchLogs',
  'AWSLambdaDynamoDBExecutionRole',
  'AWSLambdaSQSQueueExecutionRole',
  'AWSLambdaKinesisExecutionRole',
  'AWSLambdaRole',
  'AWSLambdaExecute',
  'CloudWatchLambdaInsightsExecutionRolePolicy',
  // What users attach to callers and admins of this app.
  'AWSAppSyncInvokeFullAccess',
  'AWSAppSyncAdministrator',
  'AWSLambda_FullAccess',
  'AWSLambda_ReadOnlyAccess',
  'AmazonDynamoDBFullAccess',
  'AmazonDynamoDBReadOnlyAccess',
  'CloudWatchLogsFullAccess',
  'AmazonSSMReadOnlyAccess',
  'AdministratorAccess',
  'PowerUserAccess',
  'AWSDenyAll',
];

const clone = process.argv[2];
if (!clone) throw new Error('usage: node refresh-catalogue.mjs <path to a MAMIP clone>');
const git = (...args) => execFileSync('git', ['-C', clone, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const commit = git('rev-parse', 'HEAD').trim();
const date = git('log', '-1', '--format=%cs').trim();
const list = JSON.parse(git('show', 'HEAD:policies-list.json')).Policies;
const policies = {};
for (const name of NAMES) {
  const entry = list.find((policy) => policy.PolicyName === name);
  if (!entry) throw new Error(`${name} is not an AWS managed policy in policies-list.json`);
  const version = JSON.parse(git('show', `HEAD:policies/${name}`)).PolicyVersion;
  policies[entry.Arn] = { versionId: version.VersionId, createDate: version.CreateDate, document: version.Document };
}
const catalogue = {
  description:
    'AWS managed policies the local cloud evaluates: each default version as IAM GetPolicyVersion returns it. A managed policy missing here allows nothing locally and is reported at start-up.',
  source: `https://github.com/zoph-io/MAMIP (commit ${commit}, ${date}), which records IAM's own documents`,
  retrieved: date,
  policies,
};
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'aws-managed-policies.json');
writeFileSync(out, `${JSON.stringify(catalogue, null, 2)}\n`);
process.stdout.write(`wrote ${Object.keys(policies).length} policies to ${out}\n`);
