/** Options of `npm start` (local/start.ts), parsed without side effects so they can be tested. */
export interface StartOptions {
  readonly host: string;
  readonly graphqlPort: number;
  readonly lambdaPort: number;
  readonly dynamodbPort: number;
  readonly stateDir: string;
  readonly inMemory: boolean;
  readonly outputsFile?: string;
  readonly assemblyDir: string;
  readonly synth: boolean;
  /** `-c key=value` / `--context key=value`, passed to `cdk synth` as they are, in order. */
  readonly context: readonly string[];
  /** Move the state directory's contents aside (with a timestamp) and start afresh. */
  readonly reset: boolean;
  /** Synthesize again on every edit of the app and swap the new assembly in, keeping the data, the keys and the ports. */
  readonly watch: boolean;
  readonly region: string;
  readonly help: boolean;
}

export const DEFAULT_PORTS = { graphql: 20002, lambda: 3001, dynamodb: 8000 } as const;

/** Which option sets which port: named in the message when that port is taken. */
export const PORT_OPTIONS = { graphql: '--graphql-port', lambda: '--lambda-port', dynamodb: '--dynamodb-port' } as const;

export const START_USAGE = `Usage: npm start -- [options]

Runs the synthesized app (cdk.out) locally: an AppSync-compatible GraphQL endpoint,
the Lambda functions with the Lambda Invoke API, and an embedded DynamoDB.

Options:
  --graphql-port N      GraphQL endpoint port (default ${DEFAULT_PORTS.graphql}; 0 picks a free port)
  --lambda-port N       Lambda API port (default ${DEFAULT_PORTS.lambda}; 0 picks a free port)
  --dynamodb-port N     DynamoDB port (default ${DEFAULT_PORTS.dynamodb}; 0 picks a free port)
  --host ADDRESS        Address to listen on (default 127.0.0.1; anything else exposes the local cloud)
  --state-dir DIR       Where data, keys and credentials are kept (default .local); one local cloud per folder
  --in-memory           Keep nothing: data, keys and credentials are new every start, and nothing is
                        written under the state directory (the client files go to a temporary folder)
  --reset               Move the state directory's data, keys and credentials aside (into
                        DIR/reset-<timestamp>/, never deleted) and start afresh
  -c, --context KEY=VALUE
                        CDK context for the synth, as \`cdk synth -c\` takes it (repeatable),
                        e.g. -c todo:envName=prod
  --outputs-file PATH   Write the stacks' outputs as \`cdk deploy --outputs-file\` does
  --assembly DIR        Cloud assembly to run (default cdk.out)
  --no-synth            Do not synthesize first; use the assembly as it is (without it, the
                        assembly is synthesized unless it is up to date with bin/, lib/, lambda/,
                        schema/, cdk.json, the lock file and the context)
  --watch               On every edit of bin/, lib/, lambda/, schema/ or cdk.json, synthesize again
                        and reload the running local cloud: data, keys and ports are kept; an edit
                        that does not synthesize keeps the running version and prints the error
  --region REGION       Region the app pretends to run in (default $AWS_REGION or us-east-1)
  -h, --help            Show this help`;

/** A mistake on the command line: the message says what and how to fix it. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

type MutableOptions = { -readonly [K in keyof StartOptions]: StartOptions[K] } & { context: string[] };

interface OptionSpec {
  readonly names: readonly string[];
  /** Present when the option takes a value. */
  readonly apply: ((options: MutableOptions, value: string, flag: string) => void) | undefined;
  readonly set?: (options: MutableOptions) => void;
}

const OPTIONS: readonly OptionSpec[] = [
  { names: ['--graphql-port'], apply: (o, v, f) => (o.graphqlPort = parsePort(f, v)) },
  { names: ['--lambda-port'], apply: (o, v, f) => (o.lambdaPort = parsePort(f, v)) },
  { names: ['--dynamodb-port'], apply: (o, v, f) => (o.dynamodbPort = parsePort(f, v)) },
  { names: ['--host'], apply: (o, v) => (o.host = v) },
  { names: ['--state-dir'], apply: (o, v) => (o.stateDir = v) },
  { names: ['--in-memory'], apply: undefined, set: (o) => (o.inMemory = true) },
  { names: ['--reset'], apply: undefined, set: (o) => (o.reset = true) },
  { names: ['-c', '--context'], apply: (o, v, f) => o.context.push(parseContext(f, v)) },
  { names: ['--outputs-file'], apply: (o, v) => (o.outputsFile = v) },
  { names: ['--assembly'], apply: (o, v) => (o.assemblyDir = v) },
  { names: ['--no-synth'], apply: undefined, set: (o) => (o.synth = false) },
  { names: ['--watch'], apply: undefined, set: (o) => (o.watch = true) },
  { names: ['--region'], apply: (o, v, f) => (o.region = parseRegion(f, v)) },
  { names: ['-h', '--help'], apply: undefined, set: (o) => (o.help = true) },
];

const OPTION_NAMES = OPTIONS.flatMap((spec) => spec.names);

export function parseStartOptions(argv: readonly string[], env: Record<string, string | undefined>): StartOptions {
  const options: MutableOptions = {
    host: '127.0.0.1',
    graphqlPort: DEFAULT_PORTS.graphql,
    lambdaPort: DEFAULT_PORTS.lambda,
    dynamodbPort: DEFAULT_PORTS.dynamodb,
    stateDir: '.local',
    inMemory: false,
    outputsFile: undefined,
    assemblyDir: 'cdk.out',
    synth: true,
    context: [],
    reset: false,
    watch: false,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    help: false,
  };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    // `--flag=value`; `-c key=value` keeps its `=` (the value is the context pair).
    const [flag, inlineValue] = argument.startsWith('--') && argument.includes('=') ? splitOnce(argument) : [argument, undefined];
    const spec = OPTIONS.find((candidate) => candidate.names.includes(flag));
    if (!spec) throw new UsageError(unknownOptionMessage(flag));
    if (!spec.apply) {
      if (inlineValue !== undefined) throw new UsageError(`${flag} takes no value (got ${argument})`);
      spec.set?.(options);
      continue;
    }
    const value = inlineValue ?? argv[++index];
    if (value === undefined || (inlineValue === undefined && value.startsWith('-') && OPTION_NAMES.includes(splitOnce(`${value}=`)[0]))) {
      throw new UsageError(`${flag} needs a value`);
    }
    spec.apply(options, value, flag);
  }
  checkCombinations(options);
  return options;
}

/** Options that cannot go together: said at once, before anything is synthesized or started. */
function checkCombinations(options: MutableOptions): void {
  if (options.reset && options.inMemory) throw new UsageError('--reset and --in-memory do not go together: --in-memory keeps no state to reset');
  if (options.context.length > 0 && !options.synth) {
    throw new UsageError('--context applies to the synth, and --no-synth skips it: drop --no-synth, or synthesize with `npx cdk synth -c ...` yourself');
  }
  if (options.watch && !options.synth) throw new UsageError('--watch synthesizes on every edit, and --no-synth skips the synth: drop one of them');
}

/** "Unknown option", with the option meant when one is close enough to guess. */
export function unknownOptionMessage(flag: string): string {
  const suggestions = closestOptions(flag);
  const hint = suggestions.length > 0 ? ` Did you mean ${joinOr(suggestions)}?` : '';
  return `Unknown option ${flag}.${hint} Run \`npm start -- --help\` for the options.`;
}

/** The options a mistyped one most likely meant: the nearest by edit distance, or those containing its word. */
export function closestOptions(flag: string): string[] {
  const word = flag.replace(/^-+/, '').toLowerCase();
  if (word === '') return [];
  const longNames = OPTION_NAMES.filter((name) => name.startsWith('--'));
  const scored = longNames.map((name) => ({ name, distance: editDistance(word, name.slice(2)) }));
  const best = Math.min(...scored.map((entry) => entry.distance));
  const tolerance = Math.max(1, Math.floor(word.length / 3));
  if (best <= tolerance) return scored.filter((entry) => entry.distance === best).map((entry) => entry.name);
  // `--port` means one of the three port options.
  if (word.length >= 3) return longNames.filter((name) => name.slice(2).split('-').includes(word));
  return [];
}

function joinOr(names: readonly string[]): string {
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function splitOnce(argument: string): [string, string] {
  const at = argument.indexOf('=');
  return [argument.slice(0, at), argument.slice(at + 1)];
}

function parsePort(flag: string, raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new UsageError(`${flag} must be a port number from 0 to 65535 (got ${raw})`);
  return port;
}

function parseRegion(flag: string, raw: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(raw)) throw new UsageError(`${flag} ${raw} is not a region name like us-east-1`);
  return raw;
}

/** `key=value`, as `cdk synth -c` takes it. */
function parseContext(flag: string, raw: string): string {
  const at = raw.indexOf('=');
  if (at <= 0) throw new UsageError(`${flag} takes KEY=VALUE, like ${flag} todo:envName=prod (got ${raw})`);
  // As the CDK CLI refuses them: the aws: keys are CDK's own settings.
  if (raw.startsWith('aws:')) throw new UsageError(`${flag} ${raw}: keys starting with aws: are CDK's own and cannot be set on the command line`);
  return raw;
}
