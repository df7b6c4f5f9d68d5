/**
 * `npm run client-config -- --outputs-file cdk-outputs.json --out-dir DIR [--stack NAME]`: writes Amplify's client
 * configuration (Gen 1 `amplifyconfiguration.json` and Gen 2 `amplify_outputs.json`) for the GraphQL API from the
 * outputs `npx cdk deploy --all --outputs-file cdk-outputs.json` wrote.
 *
 * Exit codes: 0 written, 1 bad input (file, outputs, or a write that failed), 2 usage. Errors are one line, never a
 * stack trace.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildClientConfig, CLIENT_CONFIG_FILE_NAMES, ClientConfigError, clientConfigFiles } from '../lib/client-config';

const USAGE = `Usage: npm run client-config -- --outputs-file FILE --out-dir DIR [--stack NAME]

Writes Amplify's client configuration for the GraphQL API from the stack outputs that
\`npx cdk deploy --all --outputs-file FILE\` wrote:

  DIR/${CLIENT_CONFIG_FILE_NAMES.gen1}   Amplify Gen 1 (aws_appsync_* keys)
  DIR/${CLIENT_CONFIG_FILE_NAMES.gen2}        Amplify Gen 2 (version, data)

Both hold the API key: they are written with mode 0600; keep them out of version control.

Options:
  --outputs-file FILE  the outputs of \`cdk deploy --outputs-file\` (outputs by stack name)
  --out-dir DIR        where the two files go (created if missing)
  --stack NAME         the API stack, when more than one stack has a GraphQLAPIEndpointOutput
  -h, --help           show this help`;

/** Wrong or missing options: exit 2. */
class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** The outputs file cannot be read or is not JSON. */
class OutputsFileError extends ClientConfigError {
  constructor(
    message: string,
    readonly file: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'OutputsFileError';
  }
}

/** A file of the configuration could not be written; nothing was changed. */
class ClientConfigWriteError extends ClientConfigError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ClientConfigWriteError';
  }
}

interface CliOptions {
  readonly help: boolean;
  readonly outputsFile: string;
  readonly outDir: string;
  readonly stack?: string;
}

function parseOptions(argv: string[]): CliOptions {
  let values: { 'outputs-file'?: string; 'out-dir'?: string; stack?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { 'outputs-file': { type: 'string' }, 'out-dir': { type: 'string' }, stack: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  if (values.help) return { help: true, outputsFile: '', outDir: '' };
  const required = (name: 'outputs-file' | 'out-dir'): string => {
    const value = values[name];
    if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required`);
    return value;
  };
  const outputsFile = required('outputs-file');
  const outDir = required('out-dir');
  if (values.stack !== undefined && values.stack.trim() === '') throw new UsageError('--stack needs a stack name');
  return { help: false, outputsFile, outDir, stack: values.stack };
}

function readOutputsFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new OutputsFileError(`${file} does not exist: deploy with \`npx cdk deploy --all --outputs-file ${file}\` to write it`, file, { cause: error });
    }
    throw new OutputsFileError(`cannot read ${file} (${code ?? (error as Error).message})`, file, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // JSON.parse's message quotes the text around the fault, which may be the API key: not repeated here.
    throw new OutputsFileError(`${file} is not valid JSON: write it with \`npx cdk deploy --all --outputs-file ${file}\``, file, { cause: error });
  }
}

/**
 * Writes every file or none: all temporary files first, then the renames; if a rename fails, the files already
 * renamed get their previous content back (or are removed if they were new). No temporary file is left behind.
 */
function writeAllOrNothing(dir: string, files: Array<{ name: string; content: string }>): string[] {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new ClientConfigWriteError(`cannot create ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  const planned = files.map((file, index) => ({
    ...file,
    target: path.join(dir, file.name),
    temporary: path.join(dir, `.${file.name}.${process.pid}.${index}.tmp`),
  }));
  const renamed: Array<{ target: string; previous?: Buffer; previousMode?: number }> = [];
  let current = '';
  try {
    for (const file of planned) {
      current = file.target;
      if (existsSync(file.target) && !statSync(file.target).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      writeFileSync(file.temporary, file.content, { mode: 0o600 });
      chmodSync(file.temporary, 0o600);
    }
    for (const file of planned) {
      current = file.target;
      const previous = existsSync(file.target) ? { previous: readFileSync(file.target), previousMode: statSync(file.target).mode & 0o777 } : {};
      renameSync(file.temporary, file.target);
      renamed.push({ target: file.target, ...previous });
    }
    return planned.map((file) => file.target);
  } catch (error) {
    for (const file of renamed.reverse()) restore(file);
    for (const file of planned) rmSync(file.temporary, { force: true });
    throw new ClientConfigWriteError(`cannot write ${current} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); nothing was written`, {
      cause: error,
    });
  }
}

function restore(file: { target: string; previous?: Buffer; previousMode?: number }): void {
  try {
    if (file.previous === undefined) {
      rmSync(file.target, { force: true });
      return;
    }
    const temporary = `${file.target}.${process.pid}.restore.tmp`;
    try {
      writeFileSync(temporary, file.previous, { mode: file.previousMode });
      renameSync(temporary, file.target);
    } finally {
      rmSync(temporary, { force: true });
    }
  } catch {
    // Best effort: the write error reported is the one that matters.
  }
}

function main(argv: string[]): number {
  const options = parseOptions(argv);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const outputs = readOutputsFile(options.outputsFile);
  const config = buildClientConfig(outputs, { stackName: options.stack, source: options.outputsFile });
  const written = writeAllOrNothing(options.outDir, clientConfigFiles(config));
  process.stdout.write(`${written.join('\n')}\n`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`client-config: ${error.message}\nRun \`npm run client-config -- --help\` for usage.\n`);
    process.exitCode = 2;
  } else {
    const known = error instanceof ClientConfigError;
    process.stderr.write(`client-config: ${error instanceof Error ? error.message : String(error)}\n`);
    if (!known) process.stderr.write('This looks like a bug in bin/client-config.ts; please report it with the message above.\n');
    process.exitCode = 1;
  }
}
