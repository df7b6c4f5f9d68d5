import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type AmplifyConfigurationGen1, type AmplifyOutputsGen2, API_OUTPUTS, buildClientConfig } from '../../../lib/client-config';
import { startupReport } from '../../../local/outputs';
import { type LocalCloudHandle, PROJECT_ROOT, startTestCloud } from '../../support/local-cloud-harness';
import { sharedAssembly } from '../../support/shared-assembly';

const LIST_TODOS = JSON.stringify({ query: 'query { listTodos { items { id } } }' });

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const reportOf = (local: LocalCloudHandle) => startupReport(local.cloud.deployment, local.cloud.endpoints, local.cloud.files, local.cloud.clientConfigSkipped);

describe('the local cloud writes Amplify client config pointing at itself', () => {
  let stateDir: string;
  let local: LocalCloudHandle;

  beforeAll(async () => {
    const assemblyDir = sharedAssembly();
    stateDir = mkdtempSync(path.join(tmpdir(), 'client-config-local-'));
    local = await startTestCloud({ assemblyDir, stateDir, inMemory: true });
  }, 300_000);
  afterAll(async () => {
    await local?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  test("both files are with the other client files (0600) with the running cloud's URL, key and region", () => {
    // In memory, the client files are in a temporary folder of their own: nothing is written under the state dir.
    const gen1File = path.join(local.cloud.filesDir, 'amplifyconfiguration.json');
    const gen2File = path.join(local.cloud.filesDir, 'amplify_outputs.json');
    expect(local.cloud.files).toMatchObject({ amplifyConfiguration: gen1File, amplifyOutputs: gen2File });
    expect(local.cloud.clientConfigSkipped).toBeUndefined();
    for (const file of [gen1File, gen2File]) expect({ file, mode: (statSync(file).mode & 0o777).toString(8) }).toEqual({ file, mode: '600' });

    const region = local.cloud.deployment.region;
    expect(local.graphqlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(readJson(gen1File)).toStrictEqual({
      aws_project_region: region,
      aws_appsync_graphqlEndpoint: local.graphqlUrl,
      aws_appsync_region: region,
      aws_appsync_authenticationType: 'API_KEY',
      aws_appsync_apiKey: local.apiKey,
      aws_appsync_additionalAuthenticationTypes: 'AWS_IAM',
    });
    expect(readJson(gen2File)).toStrictEqual({
      version: '1.5',
      data: { url: local.graphqlUrl, aws_region: region, api_key: local.apiKey, default_authorization_type: 'API_KEY', authorization_types: ['AWS_IAM'] },
    });
    // The same function, from the same outputs as .local/outputs.json.
    const fromOutputsFile = buildClientConfig(readJson(local.cloud.files.outputs));
    expect(readJson(gen1File)).toStrictEqual(fromOutputsFile.amplifyConfiguration);
    expect(readFileSync(gen2File, 'utf8')).toBe(`${JSON.stringify(fromOutputsFile.amplifyOutputs, null, 2)}\n`);
  });

  test('a GraphQL request built from amplifyconfiguration.json alone (endpoint + x-api-key) succeeds', async () => {
    const config = readJson<AmplifyConfigurationGen1>(local.cloud.files.amplifyConfiguration!);
    const response = await fetch(config.aws_appsync_graphqlEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': config.aws_appsync_apiKey },
      body: LIST_TODOS,
    });
    expect(response.status).toBe(200);
    const json = (await response.json()) as { data?: { listTodos?: { items?: unknown } }; errors?: unknown };
    expect(json.errors).toBeUndefined();
    expect(Array.isArray(json.data?.listTodos?.items)).toBe(true);
  });

  test('... and so does one from amplify_outputs.json (data.url + data.api_key)', async () => {
    const { data } = readJson<AmplifyOutputsGen2>(local.cloud.files.amplifyOutputs!);
    const response = await fetch(data.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': data.api_key }, body: LIST_TODOS });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
  });

  test('the start-up report lists both files', () => {
    const lines = reportOf(local)
      .split('\n')
      .filter((line) => line.startsWith('Amplify:'));
    expect(lines).toEqual([`Amplify:     ${local.cloud.files.amplifyConfiguration} (Gen 1), ${local.cloud.files.amplifyOutputs} (Gen 2)`]);
  });
});

describe('an assembly whose API stack lacks an output the client config needs (synthesized before GraphQLAPIRegionOutput)', () => {
  let assemblyDir: string;
  let stateDir: string;
  let local: LocalCloudHandle;

  beforeAll(async () => {
    // A copy inside the project, as the bundles resolve @aws-sdk/* from a node_modules above them (as in Lambda).
    assemblyDir = path.join(PROJECT_ROOT, '.local', 'test-assemblies', `client-config-stale-${process.pid}`);
    rmSync(assemblyDir, { recursive: true, force: true });
    cpSync(sharedAssembly(), assemblyDir, { recursive: true });
    const manifest = readJson<{ artifacts: Record<string, { type: string; properties?: { templateFile?: string } }> }>(path.join(assemblyDir, 'manifest.json'));
    let removed = 0;
    for (const artifact of Object.values(manifest.artifacts)) {
      if (artifact.type !== 'aws:cloudformation:stack') continue;
      const templateFile = path.join(assemblyDir, artifact.properties!.templateFile!);
      const template = readJson<{ Outputs?: Record<string, unknown> }>(templateFile);
      if (!template.Outputs?.[API_OUTPUTS.region]) continue;
      delete template.Outputs[API_OUTPUTS.region];
      writeFileSync(templateFile, JSON.stringify(template));
      removed += 1;
    }
    expect(removed).toBe(1);

    stateDir = mkdtempSync(path.join(tmpdir(), 'client-config-stale-'));
    // Left by an earlier start: must not survive a start that cannot write the client config.
    writeFileSync(path.join(stateDir, 'amplifyconfiguration.json'), '{"aws_appsync_graphqlEndpoint":"http://127.0.0.1:1/graphql"}\n');
    writeFileSync(path.join(stateDir, 'amplify_outputs.json'), '{"version":"1.5"}\n');
    local = await startTestCloud({ assemblyDir, stateDir });
  }, 300_000);
  afterAll(async () => {
    await local?.close();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(assemblyDir, { recursive: true, force: true });
  });

  test('the local cloud starts and serves, and writes no client config (nor keeps an old one)', async () => {
    expect((await local.graphql(LIST_TODOS)).status).toBe(200);
    expect(local.cloud.files.amplifyConfiguration).toBeUndefined();
    expect(local.cloud.files.amplifyOutputs).toBeUndefined();
    expect(existsSync(path.join(stateDir, 'amplifyconfiguration.json'))).toBe(false);
    expect(existsSync(path.join(stateDir, 'amplify_outputs.json'))).toBe(false);
    expect(existsSync(local.cloud.files.outputs)).toBe(true);
  });

  test('the start-up report says so, and why, in one line', () => {
    expect(local.cloud.clientConfigSkipped).toContain('GraphQLAPIRegionOutput');
    const lines = reportOf(local)
      .split('\n')
      .filter((line) => line.includes('client config'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Amplify: +no client config written: Stack TodoApi-dev has no output GraphQLAPIRegionOutput in the local outputs\. Synthesize the app again/,
    );
    expect(lines[0]).not.toContain(local.apiKey);
  });
});
