import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import { createSigV4Signer } from '../../lambda/shared/sigv4';
import { type LocalCloudOptions, type RunningLocalCloud, startLocalCloud } from '../../local/local-cloud';
import { PROJECT_ROOT } from './project-root';
import { synthApp } from './synth';

export { PROJECT_ROOT };

const TEST_ROOT = path.join(PROJECT_ROOT, '.local', 'test-assemblies');

/**
 * A real synth of the app, with real bundles. Inside the project (git-ignored), because the bundles resolve the
 * packages they leave to the Lambda runtime (`@aws-sdk/*`) from a node_modules above them, as in Lambda.
 */
export function synthAssembly(name: string, context?: Record<string, unknown>): { dir: string; remove(): void } {
  const dir = path.join(TEST_ROOT, `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  synthApp({ bundle: true, outdir: dir, context }).app.synth();
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface LocalCloudHandle {
  readonly cloud: RunningLocalCloud;
  readonly logLines: string[];
  /** The value of a stack output, by stack name and output name. */
  output(stackName: string, outputName: string): string;
  readonly graphqlUrl: string;
  readonly apiKey: string;
  /** An AWS SDK Lambda client using one of the generated profiles. */
  lambdaClient(profile?: string): LambdaClient;
  dynamoDbClient(profile?: string): DynamoDBClient;
  /** Invokes a caller by its output name through the Invoke API, as `aws lambda invoke` does. */
  invokeCaller(outputName: string, event: unknown, profile?: string): Promise<{ statusCode: number; body: Record<string, unknown>; functionError?: string }>;
  /** POSTs a GraphQL request signed with SigV4 by one of the generated profiles; `tamper` may alter it after signing. */
  signedGraphql(
    body: string,
    options?: { profile?: string; tamper?: (request: SignedRequest) => SignedRequest; signingDate?: Date },
  ): Promise<{ status: number; json: Record<string, unknown> }>;
  /** POSTs a GraphQL request with the API key (or the given headers). */
  graphql(body: string, headers?: Record<string, string>): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }>;
  allTodos(): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export async function startTestCloud(options: Omit<LocalCloudOptions, 'log'>): Promise<LocalCloudHandle> {
  const logLines: string[] = [];
  const cloud = await startLocalCloud({ graphqlPort: 0, lambdaPort: 0, dynamodbPort: 0, ...options, log: (line) => logLines.push(line) });
  const clients: Array<{ destroy(): void }> = [];
  const credentialsFor = (profile: string) => fromIni({ profile, filepath: cloud.files.credentials, configFilepath: cloud.files.config });
  const output = (stackName: string, outputName: string) => {
    const value = cloud.deployment.stacks.find((stack) => stack.stackName === stackName)?.outputs[outputName]?.value;
    if (value === undefined) throw new Error(`no output ${stackName}.${outputName}`);
    return value;
  };
  const graphqlUrl = output('TodoApi-dev', 'GraphQLAPIEndpointOutput');
  const lambdaClient = (profile = 'local') => {
    const client = new LambdaClient({
      endpoint: cloud.endpoints.lambda,
      region: cloud.deployment.region,
      credentials: credentialsFor(profile),
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  };
  const dynamoDbClient = (profile = 'local') => {
    const client = new DynamoDBClient({
      endpoint: cloud.endpoints.dynamodb,
      region: cloud.deployment.region,
      credentials: credentialsFor(profile),
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  };
  return {
    cloud,
    logLines,
    output,
    graphqlUrl,
    apiKey: output('TodoApi-dev', 'GraphQLAPIKeyOutput'),
    lambdaClient,
    dynamoDbClient,
    async invokeCaller(outputName, event, profile = 'local') {
      const result = await lambdaClient(profile).send(
        new InvokeCommand({ FunctionName: output('TodoCallers-dev', outputName), Payload: Buffer.from(JSON.stringify(event)) }),
      );
      const payload = JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8')) as { statusCode: number; body: string };
      return { statusCode: payload.statusCode, body: JSON.parse(payload.body) as Record<string, unknown>, functionError: result.FunctionError };
    },
    async signedGraphql(body, { profile = 'local', tamper = (request: SignedRequest) => request, signingDate } = {}) {
      const url = new URL(graphqlUrl);
      const signer = createSigV4Signer({ service: 'appsync', region: cloud.deployment.region, credentials: credentialsFor(profile), applyChecksum: true });
      const signed = await signer.sign(
        {
          method: 'POST',
          protocol: url.protocol,
          hostname: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          query: {},
          headers: { host: url.host, 'content-type': 'application/json' },
          body,
        },
        { signingDate },
      );
      const request = tamper({ url: graphqlUrl, headers: signed.headers as Record<string, string>, body });
      const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    },
    async graphql(body, headers) {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: headers ?? { 'content-type': 'application/json', 'x-api-key': output('TodoApi-dev', 'GraphQLAPIKeyOutput') },
        body,
      });
      const text = await response.text();
      return { status: response.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown>, headers: response.headers };
    },
    async allTodos() {
      const table = cloud.deployment.tables[0].tableName;
      const result = await dynamoDbClient().send(new ScanCommand({ TableName: table, ConsistentRead: true }));
      return (result.Items ?? []) as Array<Record<string, unknown>>;
    },
    async close() {
      for (const client of clients) client.destroy();
      await cloud.close();
    },
  };
}
