import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSigV4Signer } from '../../../lambda/shared/sigv4';
import { type InvokeApiRequest, type RunningInvokeApi, startInvokeApi } from '../../../local/lambda/invoke-api';
import {
  type CliIo,
  chooseStateDir,
  decodeLogTail,
  describeRefusal,
  formatPayload,
  main,
  parseIni,
  parseInvokeArgs,
  readLocalCloudAccess,
  resolvePayload,
} from '../../../local/lambda/invoke-cli';
import { LambdaRuntime } from '../../../local/lambda/runtime';
import { ACCOUNT, createFixtures, type Fixtures, isAlive, REGION, workerChildren } from './fixtures';

const CREDENTIALS = { accessKeyId: 'AKIDLOCALPROFILE', secretAccessKey: 'local-profile-secret' };

describe('parseInvokeArgs', () => {
  const run = (argv: string[]) => parseInvokeArgs(argv);

  test('a name alone: the event {} with the defaults', () => {
    expect(run(['my-fn'])).toEqual({
      kind: 'run',
      options: { functionName: 'my-fn', payload: { kind: 'none' }, invocationType: 'RequestResponse', logs: true },
    });
  });

  test('an inline payload, or --event with a file (both spellings)', () => {
    expect(run(['my-fn', '{"a":1}'])).toMatchObject({ options: { payload: { kind: 'inline', text: '{"a":1}' } } });
    expect(run(['my-fn', '--event', 'e.json'])).toMatchObject({ options: { payload: { kind: 'file', path: 'e.json' } } });
    expect(run(['--event=e.json', 'my-fn'])).toMatchObject({ options: { functionName: 'my-fn', payload: { kind: 'file', path: 'e.json' } } });
  });

  test('options', () => {
    expect(run(['f', '--state-dir', '/tmp/s', '--invocation-type', 'Event', '--no-logs'])).toMatchObject({
      options: { stateDir: '/tmp/s', invocationType: 'Event', logs: false },
    });
    expect(run(['f', '--invocation-type=DryRun'])).toMatchObject({ options: { invocationType: 'DryRun' } });
    expect(run(['-h'])).toEqual({ kind: 'help' });
    expect(run(['f', '--help'])).toEqual({ kind: 'help' });
  });

  test('payloads that look like options are payloads', () => {
    expect(run(['f', '-12'])).toMatchObject({ options: { payload: { kind: 'inline', text: '-12' } } });
    expect(run(['f', '--', '--not-an-option'])).toMatchObject({ options: { payload: { kind: 'inline', text: '--not-an-option' } } });
  });

  test('mistakes are explained', () => {
    expect(run([])).toEqual({ kind: 'error', message: 'Which function? Give its name as the first argument.' });
    expect(run(['f', '{}', '--event', 'e.json'])).toEqual({ kind: 'error', message: 'Give the payload inline or with --event, not both.' });
    expect(run(['f', '--event'])).toEqual({ kind: 'error', message: '--event needs a file name.' });
    expect(run(['f', '--verbose'])).toEqual({ kind: 'error', message: 'Unknown option --verbose. See --help.' });
    expect(run(['f', '--invocation-type', 'Later'])).toEqual({
      kind: 'error',
      message: '--invocation-type must be RequestResponse, Event or DryRun, not Later.',
    });
    expect(run(['f', '{"a":', '1}'])).toEqual({ kind: 'error', message: 'Too many arguments: 1}. Quote the payload as one argument.' });
  });
});

describe('chooseStateDir: which local cloud to call', () => {
  const cloud = (pid: number, filesDir: string, stateDir?: string) => ({ pid, projectRoot: '/p', filesDir, stateDir, endpoints: {} });

  test('the --state-dir given, whatever runs elsewhere', () => {
    expect(chooseStateDir('s', '/w', [cloud(1, '/elsewhere', '/elsewhere')])).toEqual({ ok: true, dir: '/w/s' });
  });

  test('none given, nothing holds .local: the one local cloud running elsewhere, said so', () => {
    expect(chooseStateDir(undefined, '/w', [cloud(7, '/tmp/local-cloud-x')])).toEqual({
      ok: true,
      dir: '/tmp/local-cloud-x',
      note: 'invoke: using the local cloud of pid 7, in memory (its files are in /tmp/local-cloud-x).\n',
    });
    expect(chooseStateDir(undefined, '/w', [cloud(8, '/w/.other', '/w/.other')])).toMatchObject({
      ok: true,
      dir: '/w/.other',
      note: expect.stringContaining('--state-dir /w/.other'),
    });
  });

  test('several elsewhere: each named, with the --state-dir to give', () => {
    const chosen = chooseStateDir(undefined, '/w', [cloud(7, '/a', '/a'), cloud(8, '/tmp/b')]);
    expect(chosen).toEqual({
      ok: false,
      message: expect.stringMatching(
        /^No local cloud runs under \/w\/\.local, and 2 run elsewhere: say which with --state-dir:\n {2}--state-dir \/a .*\n {2}--state-dir \/tmp\/b /,
      ),
    });
  });

  test('none anywhere: .local (whose absence is then said plainly)', () => {
    expect(chooseStateDir(undefined, '/w', [])).toEqual({ ok: true, dir: '/w/.local' });
  });
});

describe('resolvePayload', () => {
  const files: Record<string, string> = { 'good.json': '{"from":"file"}', 'bad.json': '{oops' };
  const readFile = (file: string) => {
    if (file in files) return files[file];
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${file}'`), { code: 'ENOENT' });
  };

  test('no payload is {}; inline and file payloads are checked to be JSON', () => {
    expect(resolvePayload({ kind: 'none' }, readFile)).toEqual({ ok: true, body: '{}' });
    expect(resolvePayload({ kind: 'inline', text: '[1,2]' }, readFile)).toEqual({ ok: true, body: '[1,2]' });
    expect(resolvePayload({ kind: 'file', path: 'good.json' }, readFile)).toEqual({ ok: true, body: '{"from":"file"}' });
  });

  test('bad JSON and missing files get a clear message', () => {
    expect(resolvePayload({ kind: 'inline', text: "{name: 'x'}" }, readFile)).toEqual({
      ok: false,
      message: expect.stringMatching(/^The payload is not valid JSON: /),
    });
    expect(resolvePayload({ kind: 'file', path: 'bad.json' }, readFile)).toEqual({
      ok: false,
      message: expect.stringMatching(/^The event file bad\.json is not valid JSON: /),
    });
    expect(resolvePayload({ kind: 'file', path: 'gone.json' }, readFile)).toEqual({ ok: false, message: 'Event file not found: gone.json' });
  });
});

describe('state files', () => {
  test('parseIni reads sections, skips comments and trims', () => {
    expect(
      parseIni(
        '# comment\n[local]\naws_access_key_id = AKID\n aws_secret_access_key=secret \n# aws_secret_access_key = old\n\n[profile other]\n; region = x\nregion = eu-west-1\n',
      ),
    ).toEqual({
      local: { aws_access_key_id: 'AKID', aws_secret_access_key: 'secret' },
      'profile other': { region: 'eu-west-1' },
    });
  });

  const state = (files: Record<string, string>) => (file: string) => {
    const name = path.basename(file);
    if (name in files) return files[name];
    throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  };
  const credentials = '[local]\naws_access_key_id = AKID\naws_secret_access_key = secret\n';

  test('endpoint, credentials and region from the state directory', () => {
    expect(
      readLocalCloudAccess(
        '/s',
        state({ 'endpoints.json': '{"lambda":"http://127.0.0.1:3001/"}', credentials, config: '[profile local]\nregion = ap-south-1\n' }),
      ),
    ).toEqual({
      ok: true,
      access: { url: 'http://127.0.0.1:3001', region: 'ap-south-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } },
    });
    expect(readLocalCloudAccess('/s', state({ 'endpoints.json': '{"lambda":"http://h:1"}', credentials }))).toMatchObject({ access: { region: 'us-east-1' } });
  });

  test('what is missing is said plainly', () => {
    expect(readLocalCloudAccess('/s', state({}))).toEqual({
      ok: false,
      message: 'The local cloud is not running: /s/endpoints.json does not exist. Start the local cloud first (or give its --state-dir).',
    });
    expect(readLocalCloudAccess('/s', state({ 'endpoints.json': '{"graphql":{}}', credentials }))).toMatchObject({
      ok: false,
      message: expect.stringContaining('no "lambda" endpoint'),
    });
    expect(readLocalCloudAccess('/s', state({ 'endpoints.json': '{"lambda":"http://h:1"}', credentials: '[default]\n' }))).toMatchObject({
      ok: false,
      message: '/s/credentials has no [local] profile with aws_access_key_id and aws_secret_access_key.',
    });
  });
});

describe('output formatting', () => {
  test('JSON payloads are pretty-printed; anything else is shown as is', () => {
    expect(formatPayload(Buffer.from('{"a":[1,{"b":null}]}'))).toBe('{\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ]\n}\n');
    expect(formatPayload('null')).toBe('null\n');
    expect(formatPayload('not json')).toBe('not json\n');
    expect(formatPayload('')).toBe('');
  });

  test('the log tail is decoded', () => {
    expect(decodeLogTail(Buffer.from('START\nEND').toString('base64'))).toBe('START\nEND\n');
    expect(decodeLogTail(null)).toBe('');
  });

  test('refusals become one sentence', () => {
    expect(describeRefusal(404, 'ResourceNotFoundException', '{"Type":"User","Message":"Function not found: arn:aws:lambda:r:1:function:x"}', 'x')).toBe(
      'Function not found: arn:aws:lambda:r:1:function:x. Check the function name (the local cloud prints the names it runs).',
    );
    expect(describeRefusal(403, 'AccessDeniedException:http://internal', '{"Message":"User: u is not authorized"}', 'x')).toBe(
      'AccessDeniedException: User: u is not authorized',
    );
    expect(describeRefusal(500, null, '', 'x')).toBe('HTTP 500: no details');
  });
});

describe('npm run invoke, against a running Invoke API', () => {
  let fixtures: Fixtures;
  let runtime: LambdaRuntime;
  let api: RunningInvokeApi;
  let stateDir: string;
  const verified: boolean[] = [];

  /** Checks a SigV4 signature the simple way: sign the same request again with the same date and compare. */
  async function verifySignature(request: InvokeApiRequest): Promise<boolean> {
    const authorization = request.headers.authorization ?? '';
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1].split(';') ?? [];
    const amzDate = request.headers['x-amz-date'] ?? '';
    const date = new Date(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (!authorization.includes(`Credential=${CREDENTIALS.accessKeyId}/`) || Number.isNaN(date.getTime())) return false;
    const headers = Object.fromEntries(signedHeaders.map((name) => [name, request.headers[name] ?? '']));
    const signer = createSigV4Signer({ service: 'lambda', region: REGION, credentials: CREDENTIALS });
    const expected = await signer.sign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: headers.host.split(':')[0],
        path: request.path,
        query: request.query,
        headers,
        body: request.body,
      },
      { signingDate: date },
    );
    return expected.headers.authorization === authorization;
  }

  function io(): CliIo & { out: string; err: string; fetches: number } {
    const captured = {
      out: '',
      err: '',
      fetches: 0,
      stdout: (text: string) => {
        captured.out += text;
      },
      stderr: (text: string) => {
        captured.err += text;
      },
      cwd: stateDir,
      readFile: (file: string) => fs.readFileSync(file, 'utf8'),
      fetch: ((...args: Parameters<typeof fetch>) => {
        captured.fetches++;
        return fetch(...args);
      }) as typeof fetch,
    };
    return captured;
  }

  beforeAll(async () => {
    fixtures = createFixtures();
    runtime = new LambdaRuntime({ region: REGION, accountId: ACCOUNT, functions: [fixtures.def('echo-esm'), fixtures.def('throws')] });
    api = await startInvokeApi({
      runtime,
      authenticate: async (request) => {
        const ok = await verifySignature(request);
        verified.push(ok);
        return ok
          ? { ok: true, principal: `arn:aws:iam::${ACCOUNT}:user/local` }
          : {
              ok: false,
              status: 403,
              body: '{"message":"The request signature we calculated does not match the signature you provided."}',
              headers: { 'x-amzn-ErrorType': 'InvalidSignatureException' },
            };
      },
      authorize: () => true,
    });
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-lambda-cli-'));
    fs.mkdirSync(path.join(stateDir, '.local'));
    fs.writeFileSync(path.join(stateDir, '.local/endpoints.json'), JSON.stringify({ graphql: {}, lambda: api.url, dynamodb: 'http://127.0.0.1:8000' }));
    fs.writeFileSync(
      path.join(stateDir, '.local/credentials'),
      `[local]\naws_access_key_id = ${CREDENTIALS.accessKeyId}\naws_secret_access_key = ${CREDENTIALS.secretAccessKey}\n`,
    );
    fs.writeFileSync(path.join(stateDir, '.local/config'), `[profile local]\nregion = ${REGION}\n`);
    fs.writeFileSync(path.join(stateDir, 'event.json'), '{"from":"file"}');
  });

  afterAll(async () => {
    await api?.close();
    await runtime?.close();
    fixtures?.remove();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  test('prints the result as pretty JSON on stdout and the log tail on stderr; exit 0', async () => {
    const cli = io();
    expect(await main(['fixture-echo-esm', '{"hello":"cli"}'], cli)).toBe(0);
    const result = JSON.parse(cli.out);
    expect(result.event).toEqual({ hello: 'cli' });
    expect(cli.out).toMatch(/^\{\n {2}"event": \{\n {4}"hello": "cli"\n {2}\},\n/);
    expect(cli.err).toContain(`START RequestId: ${result.context.awsRequestId} Version: $LATEST`);
    expect(cli.err).toMatch(/REPORT RequestId: [^\n]+\n$/);
    expect(verified[verified.length - 1]).toBe(true);
  });

  test('reads the event from a file, relative to the working directory, and names functions by ARN too', async () => {
    const cli = io();
    expect(await main([`arn:aws:lambda:${REGION}:${ACCOUNT}:function:fixture-echo-esm`, '--event', 'event.json', '--no-logs'], cli)).toBe(0);
    expect(JSON.parse(cli.out).event).toEqual({ from: 'file' });
    expect(cli.err).toBe('');
  });

  test('a function error prints the error document and exits 1', async () => {
    const cli = io();
    expect(await main(['fixture-throws'], cli)).toBe(1);
    expect(JSON.parse(cli.out)).toMatchObject({ errorType: 'ValidationError', errorMessage: 'the name is too long' });
    expect(cli.err).toMatch(/invoke: the function failed \(Unhandled\), request id [0-9a-f-]{36}\.\n$/);
  });

  test('Event and DryRun say what happened', async () => {
    const event = io();
    expect(await main(['fixture-echo-esm', '--invocation-type', 'Event'], event)).toBe(0);
    expect(event.out).toBe('');
    expect(event.err).toMatch(/^Invoked asynchronously \(202\), request id [0-9a-f-]{36}\.\n$/);
    const dry = io();
    expect(await main(['fixture-echo-esm', '--invocation-type', 'DryRun'], dry)).toBe(0);
    expect(dry.err).toBe('Dry run: the call would be allowed (204).\n');
  });

  test('clear messages, no stack traces, exit 2: unknown function, bad payload, missing file, not running', async () => {
    const unknown = io();
    expect(await main(['no-such-fn'], unknown)).toBe(2);
    expect(unknown.err).toBe(
      `invoke: Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:no-such-fn. Check the function name (the local cloud prints the names it runs).\n`,
    );

    const badJson = io();
    expect(await main(['fixture-echo-esm', '{not json'], badJson)).toBe(2);
    expect(badJson.err).toMatch(/^invoke: The payload is not valid JSON: .+\n$/);
    expect(badJson.fetches).toBe(0);

    const missing = io();
    expect(await main(['fixture-echo-esm', '--event', 'nowhere.json'], missing)).toBe(2);
    expect(missing.err).toBe('invoke: Event file not found: nowhere.json\n');

    const noState = io();
    expect(await main(['fixture-echo-esm', '--state-dir', 'not-there'], noState)).toBe(2);
    expect(noState.err).toBe(
      `invoke: The local cloud is not running: ${path.join(stateDir, 'not-there', 'endpoints.json')} does not exist. Start the local cloud first (or give its --state-dir).\n`,
    );

    const usage = io();
    expect(await main([], usage)).toBe(2);
    expect(usage.err).toContain('Usage: npm run invoke -- <function>');

    for (const output of [unknown, badJson, missing, noState, usage]) expect(output.err).not.toMatch(/^\s+at /m);
  });

  test('a state directory whose endpoint no longer answers: "not running"', async () => {
    const stale = fs.mkdtempSync(path.join(os.tmpdir(), 'local-lambda-stale-'));
    try {
      const closed = await startInvokeApi({ runtime, authenticate: async () => ({ ok: true, principal: 'x' }), authorize: () => true });
      await closed.close();
      fs.writeFileSync(path.join(stale, 'endpoints.json'), JSON.stringify({ lambda: closed.url }));
      fs.copyFileSync(path.join(stateDir, '.local/credentials'), path.join(stale, 'credentials'));
      const cli = io();
      expect(await main(['fixture-echo-esm', '--state-dir', stale], cli)).toBe(2);
      expect(cli.err).toBe(`invoke: The local cloud is not running: nothing answers at ${closed.url} (ECONNREFUSED). Start it first.\n`);
    } finally {
      fs.rmSync(stale, { recursive: true, force: true });
    }
  });

  test('credentials that do not match are refused by the server, and said so', async () => {
    const wrong = fs.mkdtempSync(path.join(os.tmpdir(), 'local-lambda-wrong-'));
    try {
      fs.copyFileSync(path.join(stateDir, '.local/endpoints.json'), path.join(wrong, 'endpoints.json'));
      fs.writeFileSync(path.join(wrong, 'credentials'), `[local]\naws_access_key_id = ${CREDENTIALS.accessKeyId}\naws_secret_access_key = not-the-secret\n`);
      const cli = io();
      expect(await main(['fixture-echo-esm', '--state-dir', wrong], cli)).toBe(2);
      expect(cli.err).toBe('invoke: InvalidSignatureException: The request signature we calculated does not match the signature you provided.\n');
      expect(verified[verified.length - 1]).toBe(false);
    } finally {
      fs.rmSync(wrong, { recursive: true, force: true });
    }
  });

  test('no worker is left once the runtime is closed', async () => {
    const pids = runtime.listWorkers().map((worker) => worker.pid!);
    expect(pids.length).toBeGreaterThan(0);
    await runtime.close();
    expect(pids.filter(isAlive)).toEqual([]);
    expect(workerChildren()).toEqual([]);
  });
});
