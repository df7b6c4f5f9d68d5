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
  readonly region: string;
  readonly help: boolean;
}

export const DEFAULT_PORTS = { graphql: 20002, lambda: 3001, dynamodb: 8000 } as const;

export const START_USAGE = `Usage: npm start -- [options]

Runs the synthesized app (cdk.out) locally: an AppSync-compatible GraphQL endpoint,
the Lambda functions with the Lambda Invoke API, and an embedded DynamoDB.

Options:
  --graphql-port N     GraphQL endpoint port (default ${DEFAULT_PORTS.graphql}; 0 picks a free port)
  --lambda-port N      Lambda Invoke API port (default ${DEFAULT_PORTS.lambda}; 0 picks a free port)
  --dynamodb-port N    DynamoDB port (default ${DEFAULT_PORTS.dynamodb}; 0 picks a free port)
  --host ADDRESS       Address to listen on (default 127.0.0.1; anything else exposes the local cloud)
  --state-dir DIR      Where data, keys and credentials are kept (default .local)
  --in-memory          Keep nothing: data, keys and credentials are new every start
  --outputs-file PATH  Write the stacks' outputs as \`cdk deploy --outputs-file\` does
  --assembly DIR       Cloud assembly to run (default cdk.out)
  --no-synth           Do not run \`cdk synth\` first; use the assembly as it is
  --region REGION      Region the app pretends to run in (default $AWS_REGION or us-east-1)
  -h, --help           Show this help`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseStartOptions(argv: readonly string[], env: Record<string, string | undefined>): StartOptions {
  const options = {
    host: '127.0.0.1',
    graphqlPort: DEFAULT_PORTS.graphql as number,
    lambdaPort: DEFAULT_PORTS.lambda as number,
    dynamodbPort: DEFAULT_PORTS.dynamodb as number,
    stateDir: '.local',
    inMemory: false,
    outputsFile: undefined as string | undefined,
    assemblyDir: 'cdk.out',
    synth: true,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    help: false,
  };
  for (let index = 0; index < argv.length; index++) {
    const [flag, inlineValue] = argv[index].includes('=') ? splitOnce(argv[index]) : [argv[index], undefined];
    const value = (): string => {
      const next = inlineValue ?? argv[++index];
      if (next === undefined || (inlineValue === undefined && next.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--graphql-port':
        options.graphqlPort = parsePort(flag, value());
        break;
      case '--lambda-port':
        options.lambdaPort = parsePort(flag, value());
        break;
      case '--dynamodb-port':
        options.dynamodbPort = parsePort(flag, value());
        break;
      case '--host':
        options.host = value();
        break;
      case '--state-dir':
        options.stateDir = value();
        break;
      case '--in-memory':
        options.inMemory = true;
        break;
      case '--outputs-file':
        options.outputsFile = value();
        break;
      case '--assembly':
        options.assemblyDir = value();
        break;
      case '--no-synth':
        options.synth = false;
        break;
      case '--region':
        options.region = value();
        if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(options.region)) throw new UsageError(`--region ${options.region} is not a region name like us-east-1`);
        break;
      case '-h':
      case '--help':
        options.help = true;
        break;
      default:
        throw new UsageError(`Unknown option ${flag}. Run \`npm start -- --help\` for the options.`);
    }
  }
  return options;
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
