import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { nodeMajorOfRuntime } from './lambda-runtimes';

const PROJECT_ROOT = path.join(__dirname, '..');

export type ModuleFormat = 'esm' | 'cjs';

export interface TodoFunctionProps {
  /** Path of the TypeScript handler file. */
  readonly entry: string;
  /** Human-readable description shown in the Lambda console. */
  readonly description: string;
  /**
   * Module format of the bundle.
   * @default 'esm'
   */
  readonly moduleFormat?: ModuleFormat;
  /**
   * Environment variables of the function.
   * @default - none besides NODE_OPTIONS
   */
  readonly environment?: Record<string, string>;
  /**
   * Maximum run time of one invocation.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Memory (and so CPU) of the function, in MiB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * How long the function's CloudWatch logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Identifiers esbuild replaces with JSON values at bundle time (its `define`): data the code needs that is known at
   * synth, such as the schema's models.
   * @default - none
   */
  readonly bundledValues?: Readonly<Record<string, unknown>>;
}

/** The one Lambda function shape of this project: pinned runtime, ARM64, esbuild bundling tuned for size. */
export class TodoFunction extends NodejsFunction {
  /**
   * The runtime every function of the app uses, chosen here only: pinned, so a CDK upgrade never changes it silently.
   * The bundles target its Node.js version, the local cloud runs the functions on that version (local/lambda/
   * node-runtime.ts), and test/lib/lambda-runtimes.test.ts fails 180 days before Lambda deprecates it.
   */
  static readonly RUNTIME = Runtime.NODEJS_24_X;

  /** The Node.js major version of RUNTIME (24 for nodejs24.x). */
  static get NODE_MAJOR(): number {
    const major = nodeMajorOfRuntime(TodoFunction.RUNTIME.name);
    if (major === undefined) throw new Error(`TodoFunction.RUNTIME must be a Node.js runtime, not ${TodoFunction.RUNTIME.name}`);
    return major;
  }

  /** Path of the TypeScript handler file it bundles. */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: TodoFunctionProps) {
    const format = props.moduleFormat ?? 'esm';
    // An explicit log group (instead of the logRetention custom resource) keeps the templates free of helper Lambdas.
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Instead of the AWSLambdaBasicExecutionRole managed policy (logs on every log group of the account): write to
    // this function's own log group only. The group exists before the function, so no logs:CreateLogGroup.
    const role = new Role(scope, `${id}ServiceRole`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        WriteOwnLogs: new PolicyDocument({
          statements: [new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] })],
        }),
      },
    });
    super(scope, id, {
      entry: props.entry,
      // Explicit, so synth gives the same bundles whatever the working directory.
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      handler: 'handler',
      description: props.description,
      runtime: TodoFunction.RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup,
      role,
      // X-Ray traces of every invocation (adds xray:PutTraceSegments and xray:PutTelemetryRecords to the role).
      tracing: Tracing.ACTIVE,
      environment: {
        // Maps minified stack traces back to the TypeScript sources.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS,
        // esbuild picks the CommonJS build of the AWS SDK and Smithy packages unless told to prefer ES modules,
        // which tree-shake to a fraction of the size.
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Warnings and errors only: esbuild's size report of every function on every synth buries what matters
        // (and npm start, which synthesizes in its own process, cannot keep it off the terminal).
        logLevel: LogLevel.WARNING,
        target: `node${TodoFunction.NODE_MAJOR}`,
        // Bundled CommonJS dependencies may still call require() for Node built-ins; ESM has no require of its own.
        banner: format === 'esm' ? "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" : undefined,
        // Lambda's Node.js runtimes (18 and later) ship AWS SDK v3: the resolver uses it instead of carrying its own copy.
        externalModules: ['@aws-sdk/*'],
        // esbuild takes each value as JSON text: a value is bundled as its JSON, read back with JSON.parse.
        define: props.bundledValues
          ? Object.fromEntries(Object.entries(props.bundledValues).map(([name, value]) => [name, JSON.stringify(JSON.stringify(value))]))
          : undefined,
      },
    });
    this.entry = props.entry;
  }
}
