import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * Environment variables that keep the AWS SDK's provider chain away from the developer's AWS setup: HOME and the
 * config and credentials files point into a new, empty folder, and the EC2 instance metadata service is off.
 */
export function isolatedAwsEnvironment(): Record<string, string> {
  const isolated = mkdtempSync(path.join(tmpdir(), 'no-aws-home-'));
  return {
    HOME: isolated,
    USERPROFILE: isolated,
    AWS_CONFIG_FILE: path.join(isolated, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(isolated, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
