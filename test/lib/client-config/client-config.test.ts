import {
  AMPLIFY_OUTPUTS_VERSION,
  AmbiguousApiStackError,
  API_OUTPUTS,
  buildClientConfig,
  ClientConfigError,
  clientConfigFiles,
  InvalidOutputError,
  InvalidOutputsError,
  MissingOutputError,
  NoApiStackError,
  StackNotFoundError,
} from '../../../lib/client-config';

const API_KEY = 'da2-secretsecretsecretsecret12';
const ENDPOINT = 'https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql';

/** What `npx cdk deploy --all --outputs-file cdk-outputs.json` writes for this app (values made up). */
const sampleOutputs = () => ({
  'TodoApi-dev': {
    GraphQLAPIEndpointOutput: ENDPOINT,
    GraphQLAPIIdOutput: 'abcdefghijklmnopqrstuvwxyz',
    GraphQLAPIKeyOutput: API_KEY,
    GraphQLAPIRegionOutput: 'eu-west-1',
    ExportsOutputFnGetAttGraphqlApi1B211CAAGraphQLUrl: ENDPOINT,
  },
  'TodoCallers-dev': {
    ListTodosApiKeyFunctionName: 'TodoCallers-dev-listTodosApiKey0A1B2C3D-abcdefghijkl',
    CreateTodoApiKeyFunctionName: 'TodoCallers-dev-createTodoApiKey0A1B2C3D-abcdefghijkl',
    ListTodosIamFunctionName: 'TodoCallers-dev-listTodosIam0A1B2C3D-abcdefghijkl',
    CreateTodoIamFunctionName: 'TodoCallers-dev-createTodoIam0A1B2C3D-abcdefghijkl',
  },
});

/** The error `build` throws, checked to be a ClientConfigError that does not give the key away. */
function errorOf(build: () => unknown): ClientConfigError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ClientConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain(API_KEY);
    expect(message).not.toContain('\n');
    return error as ClientConfigError;
  }
  throw new Error('expected an error');
}

describe('buildClientConfig', () => {
  test('builds the Gen 1 amplifyconfiguration.json from the API stack of cdk deploy --outputs-file', () => {
    const config = buildClientConfig(sampleOutputs());
    expect(config.stackName).toBe('TodoApi-dev');
    expect(config.amplifyConfiguration).toStrictEqual({
      aws_project_region: 'eu-west-1',
      aws_appsync_graphqlEndpoint: ENDPOINT,
      aws_appsync_region: 'eu-west-1',
      aws_appsync_authenticationType: 'API_KEY',
      aws_appsync_apiKey: API_KEY,
      aws_appsync_additionalAuthenticationTypes: 'AWS_IAM',
    });
  });

  test('builds the Gen 2 amplify_outputs.json, version 1.5 with a data block', () => {
    const config = buildClientConfig(sampleOutputs());
    expect(AMPLIFY_OUTPUTS_VERSION).toBe('1.5');
    expect(config.amplifyOutputs).toStrictEqual({
      version: '1.5',
      data: {
        url: ENDPOINT,
        aws_region: 'eu-west-1',
        api_key: API_KEY,
        default_authorization_type: 'API_KEY',
        authorization_types: ['AWS_IAM'],
      },
    });
  });

  test('the files are 2-space JSON with a trailing newline, named as Amplify names them', () => {
    const config = buildClientConfig(sampleOutputs());
    const files = clientConfigFiles(config);
    expect(files.map((file) => file.name)).toEqual(['amplifyconfiguration.json', 'amplify_outputs.json']);
    expect(files[0].content).toBe(`${JSON.stringify(config.amplifyConfiguration, null, 2)}\n`);
    expect(files[1].content).toBe(`${JSON.stringify(config.amplifyOutputs, null, 2)}\n`);
    expect(files[1].content).toMatch(/^\{\n {2}"version": "1\.5",\n/);
  });

  test('takes a local (http) endpoint, as the local cloud has', () => {
    const outputs = sampleOutputs();
    outputs['TodoApi-dev'].GraphQLAPIEndpointOutput = 'http://127.0.0.1:20002/graphql';
    expect(buildClientConfig(outputs).amplifyOutputs.data.url).toBe('http://127.0.0.1:20002/graphql');
  });

  test.each([API_OUTPUTS.apiKey, API_OUTPUTS.region])('a missing %s is an error naming the output, the stack and the fix', (outputName) => {
    const outputs: Record<string, Record<string, string>> = sampleOutputs();
    delete outputs['TodoApi-dev'][outputName];
    const error = errorOf(() => buildClientConfig(outputs, { source: 'cdk-outputs.json' }));
    expect(error).toBeInstanceOf(MissingOutputError);
    expect(error).toMatchObject({ name: 'MissingOutputError', stackName: 'TodoApi-dev', outputName });
    expect(error.message).toContain(outputName);
    expect(error.message).toContain('TodoApi-dev');
    expect(error.message).toContain('npx cdk deploy --all --outputs-file cdk-outputs.json');
  });

  test('a missing GraphQLAPIEndpointOutput: no API stack, the stacks found are listed', () => {
    const outputs: Record<string, Record<string, string>> = sampleOutputs();
    delete outputs['TodoApi-dev'].GraphQLAPIEndpointOutput;
    const error = errorOf(() => buildClientConfig(outputs, { source: 'cdk-outputs.json' }));
    expect(error).toBeInstanceOf(NoApiStackError);
    expect(error).toMatchObject({ name: 'NoApiStackError', stackNames: ['TodoApi-dev', 'TodoCallers-dev'] });
    expect(error.message).toContain('GraphQLAPIEndpointOutput');
    expect(error.message).toContain('TodoApi-dev, TodoCallers-dev');
    expect(error.message).toContain('npx cdk deploy --all --outputs-file cdk-outputs.json');
  });

  test('a missing GraphQLAPIEndpointOutput in the stack named by stackName is a missing output', () => {
    const outputs: Record<string, Record<string, string>> = sampleOutputs();
    delete outputs['TodoApi-dev'].GraphQLAPIEndpointOutput;
    const error = errorOf(() => buildClientConfig(outputs, { stackName: 'TodoApi-dev' }));
    expect(error).toBeInstanceOf(MissingOutputError);
    expect(error).toMatchObject({ stackName: 'TodoApi-dev', outputName: 'GraphQLAPIEndpointOutput' });
  });

  test('the API id is not needed by either document', () => {
    const outputs: Record<string, Record<string, string>> = sampleOutputs();
    delete outputs['TodoApi-dev'].GraphQLAPIIdOutput;
    expect(buildClientConfig(outputs).stackName).toBe('TodoApi-dev');
  });

  test('a remedy of the caller replaces the deploy hint', () => {
    const outputs: Record<string, Record<string, string>> = sampleOutputs();
    delete outputs['TodoApi-dev'].GraphQLAPIRegionOutput;
    const error = errorOf(() => buildClientConfig(outputs, { remedy: 'Synthesize again.' }));
    expect(error.message).toMatch(/Synthesize again\.$/);
    expect(error.message).not.toContain('cdk deploy');
  });

  test.each([
    ['not a URL', 'abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql'],
    ['another scheme', 'wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.eu-west-1.amazonaws.com/graphql'],
    ['empty', ''],
  ])('an endpoint that is %s is an InvalidOutputError naming the output', (_what, value) => {
    const outputs = sampleOutputs();
    outputs['TodoApi-dev'].GraphQLAPIEndpointOutput = value;
    const error = errorOf(() => buildClientConfig(outputs));
    expect(error).toBeInstanceOf(InvalidOutputError);
    expect(error).toMatchObject({ name: 'InvalidOutputError', stackName: 'TodoApi-dev', outputName: 'GraphQLAPIEndpointOutput' });
    expect(error.message).toContain('GraphQLAPIEndpointOutput');
    expect(error.message).toContain('http(s) URL');
  });

  test.each(['us-east-1a', 'US-EAST-1', 'useast1', 'us-east', ''])('a region %p is an InvalidOutputError naming the output', (value) => {
    const outputs = sampleOutputs();
    outputs['TodoApi-dev'].GraphQLAPIRegionOutput = value;
    const error = errorOf(() => buildClientConfig(outputs));
    expect(error).toBeInstanceOf(InvalidOutputError);
    expect(error).toMatchObject({ stackName: 'TodoApi-dev', outputName: 'GraphQLAPIRegionOutput' });
    expect(error.message).toContain('like us-east-1');
  });

  test.each(['us-east-1', 'eu-central-2', 'ap-southeast-4', 'us-gov-west-1', 'cn-northwest-1', 'il-central-1'])('region %s is taken', (region) => {
    const outputs = sampleOutputs();
    outputs['TodoApi-dev'].GraphQLAPIRegionOutput = region;
    expect(buildClientConfig(outputs).amplifyConfiguration.aws_appsync_region).toBe(region);
  });

  test.each([
    ['empty', ''],
    ['with spaces', `${API_KEY} ${API_KEY}`],
    ['a number', 42],
  ])('an API key that is %s is an InvalidOutputError that does not show the value', (_what, value) => {
    const outputs: Record<string, Record<string, unknown>> = sampleOutputs();
    outputs['TodoApi-dev'].GraphQLAPIKeyOutput = value;
    const error = errorOf(() => buildClientConfig(outputs));
    expect(error).toBeInstanceOf(InvalidOutputError);
    expect(error).toMatchObject({ outputName: 'GraphQLAPIKeyOutput' });
    expect(error.message).not.toContain(String(value) || '""');
  });

  test('the API key never appears in a message, even inside another output shown in it', () => {
    const outputs = sampleOutputs();
    outputs['TodoApi-dev'].GraphQLAPIEndpointOutput = `not a url ${API_KEY}`;
    expect(errorOf(() => buildClientConfig(outputs)).message).toContain('<API key>');
    const regionOutputs = sampleOutputs();
    regionOutputs['TodoApi-dev'].GraphQLAPIRegionOutput = API_KEY;
    errorOf(() => buildClientConfig(regionOutputs));
    const missing: Record<string, Record<string, string>> = sampleOutputs();
    delete missing['TodoApi-dev'].GraphQLAPIRegionOutput;
    errorOf(() => buildClientConfig(missing));
  });

  describe('two API stacks', () => {
    const twoApis = () => ({
      ...sampleOutputs(),
      'TodoApi-prod': {
        ...sampleOutputs()['TodoApi-dev'],
        GraphQLAPIEndpointOutput: ENDPOINT.replace('eu-west-1', 'us-east-1'),
        GraphQLAPIRegionOutput: 'us-east-1',
      },
    });

    test('without stackName: an error that lists them and asks for stackName', () => {
      const error = errorOf(() => buildClientConfig(twoApis()));
      expect(error).toBeInstanceOf(AmbiguousApiStackError);
      expect(error).toMatchObject({ name: 'AmbiguousApiStackError', apiStackNames: ['TodoApi-dev', 'TodoApi-prod'] });
      expect(error.message).toContain('TodoApi-dev, TodoApi-prod');
      expect(error.message).toContain('stackName');
      expect(error.message).toContain('--stack');
    });

    test('with stackName: that stack', () => {
      const config = buildClientConfig(twoApis(), { stackName: 'TodoApi-prod' });
      expect(config.stackName).toBe('TodoApi-prod');
      expect(config.amplifyOutputs.data).toMatchObject({ aws_region: 'us-east-1', url: ENDPOINT.replace('eu-west-1', 'us-east-1') });
    });

    test('with a stackName that is not there: an error listing the API stacks', () => {
      const error = errorOf(() => buildClientConfig(twoApis(), { stackName: 'TodoApi-test' }));
      expect(error).toBeInstanceOf(StackNotFoundError);
      expect(error).toMatchObject({ name: 'StackNotFoundError', stackName: 'TodoApi-test' });
      expect(error.message).toContain('TodoApi-dev, TodoApi-prod');
    });
  });

  test.each([
    ['null', null],
    ['an array', [sampleOutputs()]],
    ['a string', 'TodoApi-dev'],
  ])('outputs that are %s are an InvalidOutputsError', (_what, outputs) => {
    expect(errorOf(() => buildClientConfig(outputs))).toBeInstanceOf(InvalidOutputsError);
  });

  test('a stack whose outputs are not an object is an InvalidOutputsError naming it', () => {
    const error = errorOf(() => buildClientConfig({ ...sampleOutputs(), 'TodoCallers-dev': ['x'] }));
    expect(error).toBeInstanceOf(InvalidOutputsError);
    expect(error.message).toContain('TodoCallers-dev');
  });

  test('no stacks at all: no API stack', () => {
    const error = errorOf(() => buildClientConfig({}));
    expect(error).toBeInstanceOf(NoApiStackError);
    expect(error.message).toContain('stacks: none');
  });

  test('errors carry the cause given to them and keep their class name', () => {
    const cause = new Error('root');
    const error = new MissingOutputError('m', 'S', 'O', { cause });
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('MissingOutputError');
    expect(error).toBeInstanceOf(ClientConfigError);
    expect(error).toBeInstanceOf(Error);
  });
});
