import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildClientConfig } from '../../../lib/client-config';
import { runScript } from '../../support/run-script';

const PROJECT_ROOT = path.join(__dirname, '..', '..', '..');
const API_KEY = 'da2-clisecretclisecretclisecre';
const ENDPOINT = 'https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql';

/** `npx cdk deploy --all --outputs-file cdk-outputs.json` for this app (values made up). */
const sampleOutputs = (): Record<string, Record<string, string>> => ({
  'TodoApi-dev': {
    GraphQLAPIEndpointOutput: ENDPOINT,
    GraphQLAPIIdOutput: 'abcdefghijklmnopqrstuvwxyz',
    GraphQLAPIKeyOutput: API_KEY,
    GraphQLAPIRegionOutput: 'eu-west-1',
  },
  'TodoCallers-dev': {
    ListTodosApiKeyFunctionName: 'TodoCallers-dev-listTodosApiKey0A1B2C3D-abcdefghijkl',
    ListTodosIamFunctionName: 'TodoCallers-dev-listTodosIam0A1B2C3D-abcdefghijkl',
  },
});

/** Runs the CLI as `npm run client-config` does (ts-node, transpile only). */
const runCli = (args: string[]) => runScript('bin/client-config.ts', args);

const CONFIG_FILES = ['amplifyconfiguration.json', 'amplify_outputs.json'];

function expectCleanFailure(result: { code: number | null; stdout: string; stderr: string }, code: number): void {
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^client-config: /);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(result.stderr).not.toContain(API_KEY);
}

describe('npm run client-config (bin/client-config.ts)', () => {
  let work: string;
  let outputsFile: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'client-config-cli-'));
    outputsFile = path.join(work, 'cdk-outputs.json');
    writeFileSync(outputsFile, `${JSON.stringify(sampleOutputs(), null, 2)}\n`);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const write = (name: string, content: string) => {
    const file = path.join(work, name);
    writeFileSync(file, content);
    return file;
  };

  test('writes both files, 0600, 2-space JSON with a trailing newline, into a new directory, and prints their paths', async () => {
    const outDir = path.join(work, 'new', 'nested', 'src');
    const result = await runCli(['--outputs-file', outputsFile, '--out-dir', outDir]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const paths = CONFIG_FILES.map((name) => path.join(outDir, name));
    expect(result.stdout).toBe(`${paths.join('\n')}\n`);
    expect(readdirSync(outDir).sort()).toEqual([...CONFIG_FILES].sort());

    const expected = buildClientConfig(sampleOutputs());
    expect(readFileSync(paths[0], 'utf8')).toBe(`${JSON.stringify(expected.amplifyConfiguration, null, 2)}\n`);
    expect(readFileSync(paths[1], 'utf8')).toBe(`${JSON.stringify(expected.amplifyOutputs, null, 2)}\n`);
    expect(JSON.parse(readFileSync(paths[0], 'utf8'))).toMatchObject({
      aws_appsync_graphqlEndpoint: ENDPOINT,
      aws_appsync_apiKey: API_KEY,
      aws_appsync_region: 'eu-west-1',
    });
    expect(JSON.parse(readFileSync(paths[1], 'utf8'))).toMatchObject({ version: '1.5', data: { url: ENDPOINT, api_key: API_KEY, aws_region: 'eu-west-1' } });
    for (const file of paths) expect({ file, mode: (statSync(file).mode & 0o777).toString(8) }).toEqual({ file, mode: '600' });
  });

  test('writes over the files of an earlier run', async () => {
    const outDir = path.join(work, 'again');
    expect((await runCli(['--outputs-file', outputsFile, '--out-dir', outDir])).code).toBe(0);
    const rotated = sampleOutputs();
    rotated['TodoApi-dev'].GraphQLAPIKeyOutput = 'da2-rotatedrotatedrotatedrota';
    const result = await runCli(['--outputs-file', write('rotated.json', JSON.stringify(rotated)), '--out-dir', outDir]);
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(outDir, 'amplify_outputs.json'), 'utf8')).data.api_key).toBe('da2-rotatedrotatedrotatedrota');
    expect(readdirSync(outDir).sort()).toEqual([...CONFIG_FILES].sort());
  });

  test('--stack picks the API stack when there are two; without it, exit 1 listing them', async () => {
    const two = { ...sampleOutputs(), 'TodoApi-prod': { ...sampleOutputs()['TodoApi-dev'], GraphQLAPIRegionOutput: 'us-east-1' } };
    const file = write('two-apis.json', JSON.stringify(two));
    const outDir = path.join(work, 'two');
    const ambiguous = await runCli(['--outputs-file', file, '--out-dir', outDir]);
    expectCleanFailure(ambiguous, 1);
    expect(ambiguous.stderr).toContain('TodoApi-dev, TodoApi-prod');
    expect(ambiguous.stderr).toContain('--stack');
    expect(existsSync(outDir)).toBe(false);

    const picked = await runCli(['--outputs-file', file, '--out-dir', outDir, '--stack', 'TodoApi-prod']);
    expect(picked.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(outDir, 'amplifyconfiguration.json'), 'utf8')).aws_appsync_region).toBe('us-east-1');
  });

  describe('bad input: exit 1, one clear line, and the out dir without the files or temp files', () => {
    let outDir: string;
    beforeEach(() => {
      outDir = mkdtempSync(path.join(work, 'out-'));
    });
    const expectNothingWritten = () => expect(readdirSync(outDir)).toEqual([]);

    test('a missing outputs file', async () => {
      const missing = path.join(work, 'nope', 'cdk-outputs.json');
      const result = await runCli(['--outputs-file', missing, '--out-dir', outDir]);
      expectCleanFailure(result, 1);
      expect(result.stderr).toBe(`client-config: ${missing} does not exist: deploy with \`npx cdk deploy --all --outputs-file ${missing}\` to write it\n`);
      expectNothingWritten();
    });

    test('a new out dir is not created when the input is bad', async () => {
      const newDir = path.join(work, 'never-created');
      expectCleanFailure(await runCli(['--outputs-file', path.join(work, 'nope.json'), '--out-dir', newDir]), 1);
      expect(existsSync(newDir)).toBe(false);
    });

    test('malformed JSON (cut short, as by an interrupted write): named, and the key in it not repeated', async () => {
      const text = JSON.stringify(sampleOutputs(), null, 2);
      const file = write('cut.json', text.slice(0, text.indexOf(API_KEY) + API_KEY.length));
      const result = await runCli(['--outputs-file', file, '--out-dir', outDir]);
      expectCleanFailure(result, 1);
      expect(result.stderr).toContain(`${file} is not valid JSON`);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expectNothingWritten();
    });

    test('JSON that is not an object of stacks', async () => {
      const file = write('array.json', JSON.stringify([sampleOutputs()]));
      const result = await runCli(['--outputs-file', file, '--out-dir', outDir]);
      expectCleanFailure(result, 1);
      expect(result.stderr).toContain(file);
      expect(result.stderr).toContain('not an array');
      expectNothingWritten();
    });

    test('a missing output: names the output, the stack and the deploy command', async () => {
      const outputs = sampleOutputs();
      delete outputs['TodoApi-dev'].GraphQLAPIRegionOutput;
      const file = write('no-region.json', JSON.stringify(outputs));
      const result = await runCli(['--outputs-file', file, '--out-dir', outDir]);
      expectCleanFailure(result, 1);
      expect(result.stderr).toContain('Stack TodoApi-dev has no output GraphQLAPIRegionOutput');
      expect(result.stderr).toContain(`npx cdk deploy --all --outputs-file ${file}`);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expectNothingWritten();
    });

    test('an output of the wrong shape: names the output', async () => {
      const outputs = sampleOutputs();
      outputs['TodoApi-dev'].GraphQLAPIEndpointOutput = 'appsync-api.eu-west-1.amazonaws.com/graphql';
      const result = await runCli(['--outputs-file', write('bad-url.json', JSON.stringify(outputs)), '--out-dir', outDir]);
      expectCleanFailure(result, 1);
      expect(result.stderr).toContain('GraphQLAPIEndpointOutput');
      expectNothingWritten();
    });

    test('a file that cannot be written: neither file is, and the one already there is left as it was', async () => {
      writeFileSync(path.join(outDir, 'amplifyconfiguration.json'), 'previous\n');
      mkdirSync(path.join(outDir, 'amplify_outputs.json'));
      const result = await runCli(['--outputs-file', outputsFile, '--out-dir', outDir]);
      expectCleanFailure(result, 1);
      expect(result.stderr).toContain('amplify_outputs.json');
      expect(result.stderr).toContain('nothing was written');
      expect(readdirSync(outDir).sort()).toEqual([...CONFIG_FILES].sort());
      expect(readFileSync(path.join(outDir, 'amplifyconfiguration.json'), 'utf8')).toBe('previous\n');
    });
  });

  describe('usage: exit 2', () => {
    test.each([
      ['an unknown option', ['--outputs-file', 'x.json', '--out-dir', 'd', '--region', 'us-east-1'], "Unknown option '--region'"],
      ['no --out-dir', ['--outputs-file', 'x.json'], '--out-dir is required'],
      ['no --outputs-file', ['--out-dir', 'd'], '--outputs-file is required'],
      ['a positional argument', ['--outputs-file', 'x.json', '--out-dir', 'd', 'extra'], 'extra'],
      ['an option without its value', ['--outputs-file', 'x.json', '--out-dir'], '--out-dir'],
    ])('%s', async (_what, args, message) => {
      const result = await runCli(args);
      expectCleanFailure(result, 2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain('--help');
      expect(existsSync(path.join(PROJECT_ROOT, 'd'))).toBe(false);
    });

    test('--help prints the usage and exits 0', async () => {
      const result = await runCli(['--help']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Usage: npm run client-config -- --outputs-file FILE --out-dir DIR \[--stack NAME\]/);
      expect(result.stdout).toContain('amplifyconfiguration.json');
      expect(result.stdout).toContain('amplify_outputs.json');
    });
  });
});
