import { DEFAULT_PORTS, parseStartOptions, UsageError } from '../../local/cli-options';

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
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parseStartOptions(argv, {})).toThrow(UsageError);
    expect(() => parseStartOptions(argv, {})).toThrow(message);
  });
});
