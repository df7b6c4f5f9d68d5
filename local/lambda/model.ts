import type { AwsCredentials } from '../iam/model';
import type { FunctionTemplateFacts } from './types';

/** A function of a local deployment, as the local Lambda runtime runs it. */
export interface LocalFunction {
  readonly stackName: string;
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly codeDir: string;
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  readonly environment: Record<string, string>;
  readonly roleArn?: string;
  readonly credentials?: AwsCredentials;
  /** Shown by GetFunction(Configuration); not acted on locally. */
  readonly configuration?: FunctionTemplateFacts;
}
