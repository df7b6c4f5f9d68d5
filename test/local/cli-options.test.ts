import { closestOptions, DEFAULT_PORTS, parseStartOptions, UsageError, unknownOptionMessage } from '../../local/cli-options';

describe('npm start options', () => {
  test('defaults: loopback, the documented ports, .local, synth first, region from the environment', () => {
    expect(parseStartOptions([], { AWS_REGION: 'eu-west-1' })).toEqual({
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
      region: 'eu-west-1',
      help: false,
    });
    expect(parseStartOptions([], {}).region).toBe('us-east-1');
  });

  test('every option, in both --flag value and --flag=value forms', () => {
    const options = parseStartOptions(
      [
        '--graphql-port',
        '0',
        '--lambda-port=1234',
        '--dynamodb-port',
        '8001',
        '--state-dir',
        's',
        '--in-memory',
        '--outputs-file=o.json',
        '--assembly',
        'a',
        '--no-synth',
        '--region',
        'ap-southeast-2',
        '--host',
        '0.0.0.0',
      ],
      {},
    );
    expect(options).toMatchObject({
      graphqlPort: 0,
      lambdaPort: 1234,
      dynamodbPort: 8001,
      stateDir: 's',
      inMemory: true,
      outputsFile: 'o.json',
      assemblyDir: 'a',
      synth: false,
      region: 'ap-southeast-2',
      host: '0.0.0.0',
    });
  });

  test.each([
    [['--graphql-port', 'x'], /--graphql-port must be a port number from 0 to 65535 \(got x\)/],
    [['--lambda-port', '70000'], /--lambda-port must be a port number/],
    [['--state-dir'], /--state-dir needs a value/],
    [['--outputs-file', '--in-memory'], /--outputs-file needs a value/],
    [['--region', 'mars'], /--region mars is not a region name like us-east-1/],
    [['--what'], /Unknown option --what/],
    [['-c'], /-c needs a value/],
    [['-c', 'todo:envName'], /-c takes KEY=VALUE, like -c todo:envName=prod \(got todo:envName\)/],
    [['--no-synth', '-c', 'a=b'], /--context applies to the synth, and --no-synth skips it/],
    [['--reset', '--in-memory'], /--reset and --in-memory do not go together/],
    [['--in-memory=yes'], /--in-memory takes no value/],
    [['--watch', '--no-synth'], /--watch synthesizes on every edit, and --no-synth skips the synth/],
    [['-c', 'aws:cdk:enable-path-metadata=false'], /keys starting with aws: are CDK's own/],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parseStartOptions(argv, {})).toThrow(UsageError);
    expect(() => parseStartOptions(argv, {})).toThrow(message);
  });
});

describe('environments and state', () => {
  test('-c and --context (both forms) pass KEY=VALUE pairs through, in order', () => {
    expect(parseStartOptions(['-c', 'todo:envName=prod', '--context', 'todo:apiName=x', '--context=todo:apiKeyGeneration=2'], {}).context).toEqual([
      'todo:envName=prod',
      'todo:apiName=x',
      'todo:apiKeyGeneration=2',
    ]);
    // A value may itself hold "=".
    expect(parseStartOptions(['-c', 'k=a=b'], {}).context).toEqual(['k=a=b']);
  });

  test('--reset', () => {
    expect(parseStartOptions(['--reset'], {}).reset).toBe(true);
  });

  test('--watch', () => {
    expect(parseStartOptions(['--watch'], {}).watch).toBe(true);
  });
});

describe('an unknown option names the one meant', () => {
  test.each([
    ['--graphql-prot', ['--graphql-port']],
    ['--lamda-port', ['--lambda-port']],
    ['--in-memroy', ['--in-memory']],
    ['--nosynth', ['--no-synth']],
    ['--statedir', ['--state-dir']],
    ['--port', ['--graphql-port', '--lambda-port', '--dynamodb-port']],
    ['--contxt', ['--context']],
    ['--bogus', []],
  ])('%s → %j', (flag, expected) => {
    expect(closestOptions(flag)).toEqual(expected);
  });

  test('the message', () => {
    expect(unknownOptionMessage('--graphql-prot')).toBe(
      'Unknown option --graphql-prot. Did you mean --graphql-port? Run `npm start -- --help` for the options.',
    );
    expect(unknownOptionMessage('--port')).toBe(
      'Unknown option --port. Did you mean --graphql-port, --lambda-port or --dynamodb-port? Run `npm start -- --help` for the options.',
    );
    expect(() => parseStartOptions(['-c', 'a=b', '--graphql-prot', '1'], {})).toThrow('Did you mean --graphql-port?');
  });
});
