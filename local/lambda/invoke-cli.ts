/**
 * `npm run invoke -- <function> [payload | --event file.json]`: invokes a function of the running local cloud
 * through its Lambda Invoke API, signed with the `local` profile, and prints the result.
 *
 * Exit status: 0 when the function succeeded, 1 when it failed (X-Amz-Function-Error), 2 for anything else
 * (usage, local cloud not running, unknown function, refused request).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSigV4Signer } from '../../lambda/shared/sigv4';
import { type RunningCloud, runningClouds, stateHolder } from '../state-lock';

export const USAGE = `Usage: npm run invoke -- <function> [payload | --event <file.json>] [options]

  <function>                 name, ARN or partial ARN of a function of the local cloud
  payload                    the event, as JSON (default: {})
  --event <file.json>        read the event from a file
  --invocation-type <type>   RequestResponse (default), Event (run in the background) or DryRun
  --state-dir <dir>          where the local cloud keeps endpoints.json and credentials (default: .local,
                             or the one local cloud running elsewhere: another --state-dir, --in-memory)
  --no-logs                  do not print the function's log tail
  -h, --help                 show this help

Prints the result (pretty JSON) on stdout and the last 4 KB of the function's log on stderr.
Exit status: 0 success, 1 function error, 2 any other problem.`;

export type InvocationTypeArg = 'RequestResponse' | 'Event' | 'DryRun';

export interface CliOptions {
  functionName: string;
  payload: { kind: 'inline'; text: string } | { kind: 'file'; path: string } | { kind: 'none' };
  invocationType: InvocationTypeArg;
  /** Undefined when not given: .local, or the one local cloud running elsewhere. */
  stateDir?: string;
  logs: boolean;
}

export type ParsedArgs = { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'error'; message: string };

/** Parses the command line (without `node` and the script). */
export function parseInvokeArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  let eventFile: string | undefined;
  let invocationType: InvocationTypeArg = 'RequestResponse';
  let stateDir: string | undefined;
  let logs = true;
  let onlyPositionals = false;

  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    // A JSON payload may start with '-' (a negative number): only known options are options.
    if (onlyPositionals || !argument.startsWith('-') || /^-\d/.test(argument)) {
      positionals.push(argument);
      continue;
    }
    if (argument === '--') {
      onlyPositionals = true;
      continue;
    }
    const [flag, inlineValue] =
      argument.startsWith('--') && argument.includes('=')
        ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)]
        : [argument, undefined];
    const value = (): string | undefined => {
      if (inlineValue !== undefined) return inlineValue;
      const next = argv[index + 1];
      if (next === undefined) return undefined;
      index++;
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '--event': {
        const file = value();
        if (!file) return { kind: 'error', message: '--event needs a file name.' };
        eventFile = file;
        break;
      }
      case '--state-dir': {
        const dir = value();
        if (!dir) return { kind: 'error', message: '--state-dir needs a directory.' };
        stateDir = dir;
        break;
      }
      case '--invocation-type': {
        const type = value();
        if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
          return { kind: 'error', message: `--invocation-type must be RequestResponse, Event or DryRun${type ? `, not ${type}` : ''}.` };
        }
        invocationType = type;
        break;
      }
      case '--no-logs':
        logs = false;
        break;
      default:
        return { kind: 'error', message: `Unknown option ${flag}. See --help.` };
    }
  }

  if (positionals.length === 0) return { kind: 'error', message: 'Which function? Give its name as the first argument.' };
  if (positionals.length > 2) return { kind: 'error', message: `Too many arguments: ${positionals.slice(2).join(' ')}. Quote the payload as one argument.` };
  const [functionName, inline] = positionals;
  if (inline !== undefined && eventFile !== undefined) return { kind: 'error', message: 'Give the payload inline or with --event, not both.' };
  const payload: CliOptions['payload'] =
    inline !== undefined ? { kind: 'inline', text: inline } : eventFile !== undefined ? { kind: 'file', path: eventFile } : { kind: 'none' };
  return { kind: 'run', options: { functionName, payload, invocationType, ...(stateDir !== undefined ? { stateDir } : {}), logs } };
}

/** The payload to send, checked to be JSON, or a message saying what is wrong with it. */
export function resolvePayload(
  payload: CliOptions['payload'],
  readFile: (file: string) => string,
): { ok: true; body: string } | { ok: false; message: string } {
  let text: string;
  let origin: string;
  if (payload.kind === 'none') return { ok: true, body: '{}' };
  if (payload.kind === 'inline') {
    text = payload.text;
    origin = 'The payload';
  } else {
    try {
      text = readFile(payload.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return {
        ok: false,
        message: code === 'ENOENT' ? `Event file not found: ${payload.path}` : `Cannot read the event file ${payload.path}: ${(error as Error).message}`,
      };
    }
    origin = `The event file ${payload.path}`;
  }
  try {
    JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${origin} is not valid JSON: ${(error as Error).message}` };
  }
  return { ok: true, body: text };
}

/** A minimal INI reader for the AWS credentials/config files: sections of `key = value` lines. */
export function parseIni(text: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (section) {
      current = sections[section[1]] ??= {};
      continue;
    }
    const equals = line.indexOf('=');
    if (current && equals > 0) current[line.slice(0, equals).trim()] = line.slice(equals + 1).trim();
  }
  return sections;
}

export interface LocalCloudAccess {
  url: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** Endpoint, region and `local` credentials from the state directory, or a message saying what is missing. */
export function readLocalCloudAccess(
  stateDir: string,
  readFile: (file: string) => string,
): { ok: true; access: LocalCloudAccess } | { ok: false; message: string } {
  const endpointsFile = path.join(stateDir, 'endpoints.json');
  let endpoints: { lambda?: unknown; region?: unknown };
  try {
    endpoints = JSON.parse(readFile(endpointsFile)) as typeof endpoints;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { ok: false, message: `The local cloud is not running: ${endpointsFile} does not exist. Start the local cloud first (or give its --state-dir).` };
    }
    return { ok: false, message: `Cannot read ${endpointsFile}: ${(error as Error).message}` };
  }
  if (typeof endpoints?.lambda !== 'string' || endpoints.lambda === '') {
    return { ok: false, message: `${endpointsFile} has no "lambda" endpoint: is the local cloud's Lambda service running?` };
  }

  const credentialsFile = path.join(stateDir, 'credentials');
  let profile: Record<string, string> | undefined;
  try {
    profile = parseIni(readFile(credentialsFile)).local;
  } catch (error) {
    return { ok: false, message: `Cannot read the credentials ${credentialsFile}: ${(error as Error).message}` };
  }
  if (!profile?.aws_access_key_id || !profile.aws_secret_access_key) {
    return { ok: false, message: `${credentialsFile} has no [local] profile with aws_access_key_id and aws_secret_access_key.` };
  }

  let region = profile.region;
  try {
    const config = parseIni(readFile(path.join(stateDir, 'config')));
    region ??= config['profile local']?.region ?? config.local?.region;
  } catch {
    // no config file: fall through
  }
  if (!region && typeof endpoints.region === 'string') region = endpoints.region;
  return {
    ok: true,
    access: {
      url: endpoints.lambda.replace(/\/+$/, ''),
      region: region ?? 'us-east-1',
      credentials: {
        accessKeyId: profile.aws_access_key_id,
        secretAccessKey: profile.aws_secret_access_key,
        ...(profile.aws_session_token ? { sessionToken: profile.aws_session_token } : {}),
      },
    },
  };
}

/** The result as printed: pretty JSON when it is JSON, the raw text otherwise. */
export function formatPayload(payload: Buffer | string): string {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  if (text === '') return '';
  try {
    return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
  } catch {
    return text.endsWith('\n') ? text : `${text}\n`;
  }
}

/** X-Amz-Log-Result, decoded. */
export function decodeLogTail(logResult: string | null | undefined): string {
  if (!logResult) return '';
  const text = Buffer.from(logResult, 'base64').toString('utf8');
  return text.endsWith('\n') || text === '' ? text : `${text}\n`;
}

/** A refused request (4xx/5xx from the Invoke API) as one clear sentence. */
export function describeRefusal(status: number, errorType: string | null, body: string, functionName: string): string {
  let message: string | undefined;
  try {
    const parsed = JSON.parse(body) as { Message?: unknown; message?: unknown; errors?: Array<{ message?: unknown }> };
    const candidate = parsed.Message ?? parsed.message ?? parsed.errors?.[0]?.message;
    if (typeof candidate === 'string') message = candidate;
  } catch {
    if (body.trim()) message = body.trim();
  }
  const type = errorType?.split(':')[0];
  if (type === 'ResourceNotFoundException' || (status === 404 && !type)) {
    return `${message ?? `Function not found: ${functionName}`}. Check the function name (the local cloud prints the names it runs).`;
  }
  return `${type ?? `HTTP ${status}`}: ${message ?? 'no details'}`;
}

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  readFile(file: string): string;
  fetch: typeof fetch;
  /** The local clouds running now, under any state directory (state-lock.ts's registry). @default none */
  runningClouds?: () => RunningCloud[];
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  readFile: (file) => fs.readFileSync(file, 'utf8'),
  fetch: (...args) => fetch(...args),
  runningClouds,
};

/**
 * The folder of the local cloud to call: the one given, or .local when a local cloud holds it, or else the one local
 * cloud running elsewhere (said on stderr). Several elsewhere and none here: a message naming them.
 */
export function chooseStateDir(
  given: string | undefined,
  cwd: string,
  running: readonly RunningCloud[],
): { ok: true; dir: string; note?: string } | { ok: false; message: string } {
  const dir = path.resolve(cwd, given ?? '.local');
  if (given !== undefined || stateHolder(dir)) return { ok: true, dir };
  const elsewhere = running.filter((cloud) => path.resolve(cloud.filesDir) !== dir);
  if (elsewhere.length === 1) return { ok: true, dir: elsewhere[0].filesDir, note: `invoke: using the local cloud ${describeCloud(elsewhere[0])}.\n` };
  if (elsewhere.length > 1) {
    return {
      ok: false,
      message: `No local cloud runs under ${dir}, and ${elsewhere.length} run elsewhere: say which with --state-dir:\n${elsewhere.map((cloud) => `  --state-dir ${cloud.filesDir}   (${describeCloud(cloud)})`).join('\n')}`,
    };
  }
  return { ok: true, dir };
}

function describeCloud(cloud: RunningCloud): string {
  return `of pid ${cloud.pid}, ${cloud.stateDir ? `started with --state-dir ${cloud.stateDir}` : `in memory (its files are in ${cloud.filesDir})`}`;
}

/** Runs the CLI; resolves to the exit status. Never throws. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    io.stderr(`invoke: ${(error as Error).message}\n`);
    return 2;
  }
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseInvokeArgs(argv);
  if (parsed.kind === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'error') {
    io.stderr(`invoke: ${parsed.message}\n\n${USAGE}\n`);
    return 2;
  }
  const { options } = parsed;
  const readRelative = (file: string) => io.readFile(path.resolve(io.cwd, file));
  const payload = resolvePayload(options.payload, readRelative);
  if (!payload.ok) {
    io.stderr(`invoke: ${payload.message}\n`);
    return 2;
  }
  const chosen = chooseStateDir(options.stateDir, io.cwd, io.runningClouds?.() ?? []);
  if (!chosen.ok) {
    io.stderr(`invoke: ${chosen.message}\n`);
    return 2;
  }
  if (chosen.note) io.stderr(chosen.note);
  const stateDir = chosen.dir;
  const access = readLocalCloudAccess(stateDir, io.readFile);
  if (!access.ok) {
    io.stderr(`invoke: ${access.message}\n`);
    return 2;
  }
  const { url, region, credentials } = access.access;

  const target = new URL(`${url}/2015-03-31/functions/${encodeURIComponent(options.functionName)}/invocations`);
  const headers: Record<string, string> = {
    host: target.host,
    'content-type': 'application/json',
    'x-amz-invocation-type': options.invocationType,
    'x-amz-log-type': options.logs && options.invocationType === 'RequestResponse' ? 'Tail' : 'None',
  };
  const signer = createSigV4Signer({ service: 'lambda', region, credentials });
  const signed = await signer.sign({
    method: 'POST',
    protocol: target.protocol,
    hostname: target.hostname,
    ...(target.port ? { port: Number(target.port) } : {}),
    path: target.pathname,
    query: {},
    headers,
    body: payload.body,
  });
  const sendHeaders = { ...signed.headers };
  delete sendHeaders.host; // fetch sets it, to the value signed

  let response: Response;
  try {
    response = await io.fetch(target, { method: 'POST', headers: sendHeaders, body: payload.body });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    const code = cause?.code ?? (error as NodeJS.ErrnoException).code;
    io.stderr(`invoke: The local cloud is not running: nothing answers at ${url}${code ? ` (${code})` : ''}. Start it first.\n`);
    return 2;
  }
  const body = Buffer.from(await response.arrayBuffer());

  if (response.status >= 300) {
    io.stderr(`invoke: ${describeRefusal(response.status, response.headers.get('x-amzn-errortype'), body.toString('utf8'), options.functionName)}\n`);
    return 2;
  }
  if (options.logs) io.stderr(decodeLogTail(response.headers.get('x-amz-log-result')));
  const requestId = response.headers.get('x-amzn-requestid') ?? '?';
  if (response.status === 202) {
    io.stderr(`Invoked asynchronously (202), request id ${requestId}.\n`);
    return 0;
  }
  if (response.status === 204) {
    io.stderr(`Dry run: the call would be allowed (204).\n`);
    return 0;
  }
  io.stdout(formatPayload(body));
  const functionError = response.headers.get('x-amz-function-error');
  if (functionError) {
    io.stderr(`invoke: the function failed (${functionError}), request id ${requestId}.\n`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
