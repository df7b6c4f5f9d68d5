import { readCallerSettings, SettingsError } from '../../../lambda/shared/settings';

const ENDPOINT = 'https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql';
const API_KEY = 'da2-settingstestkey0123456789';

const iamEnv = {
  API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT: ENDPOINT,
  API_TODOAPI_GRAPHQLAPIIDOUTPUT: 'abcdefghijklmnopqrstuvwxyz',
  ENV: 'dev',
  REGION: 'eu-west-1',
};
const apiKeyEnv = { ...iamEnv, API_TODOAPI_GRAPHQLAPIKEYOUTPUT: API_KEY };

function settingsError(env: Record<string, string | undefined>): SettingsError {
  try {
    readCallerSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a SettingsError');
}

describe('readCallerSettings', () => {
  it('reads the Amplify-named variables and picks API-key auth when the key variable is present', () => {
    expect(readCallerSettings(apiKeyEnv)).toEqual({
      apiName: 'TODOAPI',
      endpoint: ENDPOINT,
      endpointVariable: 'API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT',
      apiId: 'abcdefghijklmnopqrstuvwxyz',
      envName: 'dev',
      region: 'eu-west-1',
      auth: { mode: 'API_KEY', apiKey: API_KEY, apiKeyVariable: 'API_TODOAPI_GRAPHQLAPIKEYOUTPUT' },
    });
  });

  it('picks IAM when there is no key variable', () => {
    expect(readCallerSettings(iamEnv).auth).toEqual({ mode: 'AWS_IAM' });
  });

  it('discovers another API name from the endpoint variable', () => {
    const settings = readCallerSettings({
      API_MYNOTES2_GRAPHQLAPIENDPOINTOUTPUT: ENDPOINT,
      API_MYNOTES2_GRAPHQLAPIKEYOUTPUT: API_KEY,
      AWS_REGION: 'us-east-2',
    });
    expect(settings).toMatchObject({ apiName: 'MYNOTES2', auth: { mode: 'API_KEY' }, region: 'us-east-2', apiId: undefined, envName: undefined });
  });

  it('falls back from REGION to AWS_REGION, and prefers REGION', () => {
    const { REGION: _unused, ...withoutRegion } = iamEnv;
    expect(readCallerSettings({ ...withoutRegion, AWS_REGION: 'ap-south-1' }).region).toBe('ap-south-1');
    expect(readCallerSettings({ ...iamEnv, AWS_REGION: 'ap-south-1' }).region).toBe('eu-west-1');
  });

  it('accepts plain http only for a loopback emulator', () => {
    expect(readCallerSettings({ ...iamEnv, API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT: 'http://127.0.0.1:20002/graphql' }).endpoint).toBe(
      'http://127.0.0.1:20002/graphql',
    );
  });

  describe('refuses a misconfiguration, naming the variable and the fix', () => {
    const { REGION: _region, ...iamWithoutRegion } = iamEnv;
    const cases: ReadonlyArray<readonly [string, Record<string, string | undefined>, string, RegExp]> = [
      [
        'no endpoint variable',
        { REGION: 'eu-west-1' },
        'API_<NAME>_GRAPHQLAPIENDPOINTOUTPUT',
        /No API_<NAME>_GRAPHQLAPIENDPOINTOUTPUT variable is set: set it to the https URL/,
      ],
      [
        'two endpoint variables',
        { ...iamEnv, API_OTHER_GRAPHQLAPIENDPOINTOUTPUT: ENDPOINT },
        'API_OTHER_GRAPHQLAPIENDPOINTOUTPUT, API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT',
        /exactly one must be set: remove the ones/,
      ],
      [
        'an empty endpoint',
        { ...iamEnv, API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT: '' },
        'API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT',
        /is not a URL \(""\): set it to the https URL/,
      ],
      [
        'an endpoint that is not a URL',
        { ...iamEnv, API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT: 'appsync' },
        'API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT',
        /is not a URL \("appsync"\)/,
      ],
      [
        'plain http to a remote host',
        { ...iamEnv, API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT: 'http://example.com/graphql' },
        'API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT',
        /must use https \(got http:\/\/example.com\)/,
      ],
      [
        'an empty API key',
        { ...iamEnv, API_TODOAPI_GRAPHQLAPIKEYOUTPUT: ' ' },
        'API_TODOAPI_GRAPHQLAPIKEYOUTPUT',
        /is set but empty: set it to the API key of the API, or remove it/,
      ],
      [
        'a key variable for another API name',
        { ...iamEnv, API_TODOAPP_GRAPHQLAPIKEYOUTPUT: API_KEY },
        'API_TODOAPP_GRAPHQLAPIKEYOUTPUT',
        /rename it to API_TODOAPI_GRAPHQLAPIKEYOUTPUT/,
      ],
      ['IAM without a region', iamWithoutRegion, 'REGION', /REGION \(or AWS_REGION\) is not set: IAM \(SigV4\) signing needs the region/],
      ['a region that is not one', { ...iamEnv, REGION: 'Ireland' }, 'REGION', /REGION is not an AWS region \("Ireland"\): set it to e.g. us-east-1/],
    ];
    it.each(cases)('%s', (_case, env, variable, message) => {
      const error = settingsError(env);
      expect(error).toMatchObject({ name: 'SettingsError', variable });
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(API_KEY);
    });
  });

  it('lets API-key callers run without a region', () => {
    const { REGION: _unused, ...withoutRegion } = apiKeyEnv;
    expect(readCallerSettings(withoutRegion).region).toBeUndefined();
  });
});
