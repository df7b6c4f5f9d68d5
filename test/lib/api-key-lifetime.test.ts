import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { ApiKeyExpiryError, apiKeyExpiry, checkApiKeyExpiry } from '../../lib/api-key-lifetime';
import { ConfigError, readAppConfig } from '../../lib/config';
import { createApp } from '../../lib/synth';
import { resourcesOfType, synthApp } from '../support/synth';

// The API key's expiry is a date fixed by configuration (todo:apiKeyIssuedOn + todo:apiKeyExpiresInDays), so the
// template depends on the clock nowhere: these tests move the clock (the `now` of the app and Jest's system time),
// they never sleep.

const DAY_MS = 86_400_000;
const ISSUED_ON = '2026-12-02';

function expiresOf(template: ReturnType<typeof synthApp>['api']): number[] {
  return Object.values(resourcesOfType(template, 'AWS::AppSync::ApiKey')).map((key) => Number(key.Properties?.Expires));
}

describe('the API key lifetime', () => {
  describe('a template that does not depend on the time of the synth', () => {
    afterEach(() => jest.useRealTimers());

    test('two synths minutes apart give identical templates (the clock moved, the configuration did not)', () => {
      // Only Date is faked: CDK and esbuild keep their real timers.
      jest.useFakeTimers({
        now: new Date('2026-12-02T09:00:00Z'),
        doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask', 'hrtime', 'performance'],
      });
      const first = synthApp();
      jest.setSystemTime(new Date('2026-12-02T09:07:30Z'));
      const second = synthApp();
      for (const stack of ['api', 'callers'] as const) {
        expect(second[stack].toJSON()).toEqual(first[stack].toJSON());
        expect(JSON.stringify(second[stack].toJSON())).toBe(JSON.stringify(first[stack].toJSON()));
      }
    });

    test('months apart too, as long as the key is renewable (only a new todo:apiKeyIssuedOn changes the expiry)', () => {
      const spring = synthApp({ now: new Date('2027-03-01T10:00:00Z') });
      const autumn = synthApp({ now: new Date('2027-10-01T10:00:00Z') });
      expect(JSON.stringify(autumn.api.toJSON())).toBe(JSON.stringify(spring.api.toJSON()));
      const renewed = synthApp({ now: new Date('2027-10-01T10:00:00Z'), context: { 'todo:apiKeyIssuedOn': '2027-10-01' } });
      expect(expiresOf(renewed.api)).toEqual([Date.parse('2028-09-30T00:00:00Z') / 1000]);
    });
  });

  describe('1 to 365 days, each accepted by AppSync on the issue day', () => {
    // AppSync: an expiry from 1 to 365 days after the moment the key is created or updated (CreateApiKey, UpdateApiKey).
    test.each([
      [1, '2026-12-04T00:00:00Z'],
      [2, '2026-12-05T00:00:00Z'],
      [30, '2027-01-02T00:00:00Z'],
      [364, '2027-12-02T00:00:00Z'],
      [365, '2027-12-02T00:00:00Z'],
    ])('%i days: the key expires on %s', (days, expected) => {
      expect(apiKeyExpiry({ issuedOn: ISSUED_ON, days }).toISOString()).toBe(new Date(expected).toISOString());
    });

    test.each([1, 365])('%i days synthesizes from the first to (nearly) the last minute of the issue day, within AppSync bounds', (days) => {
      for (const now of [new Date('2026-12-02T00:00:00Z'), new Date('2026-12-02T12:00:00Z'), new Date('2026-12-02T23:40:00Z')]) {
        const { api } = synthApp({ now, context: { 'todo:apiKeyIssuedOn': ISSUED_ON, 'todo:apiKeyExpiresInDays': String(days) } });
        const [expires] = expiresOf(api);
        const leftDays = (expires * 1000 - now.getTime()) / DAY_MS;
        expect({ days, at: now.toISOString(), within: leftDays >= 1 && leftDays <= 365 }).toEqual({ days, at: now.toISOString(), within: true });
      }
    });

    test('1 day is refused in the last 15 minutes of the issue day, when the key could not be created a day ahead', () => {
      expect(() => checkApiKeyExpiry({ issuedOn: ISSUED_ON, days: 1 }, new Date('2026-12-02T23:50:00Z'))).toThrow(ApiKeyExpiryError);
    });
  });

  test("cdk.json's keys have more than 45 days left (renew todo:apiKeyIssuedOn when this fails, before synths are refused)", () => {
    // Real time on purpose, like the runtime's deprecation test: the reminder comes a month before the synth warning.
    const { apiKeyLifetime } = readAppConfig(createApp({ bundle: false }).app.node);
    const daysLeft = Math.floor((apiKeyExpiry(apiKeyLifetime).getTime() - Date.now()) / DAY_MS);
    expect({ issuedOn: apiKeyLifetime.issuedOn, moreThan45DaysLeft: daysLeft > 45 }).toEqual({ issuedOn: apiKeyLifetime.issuedOn, moreThan45DaysLeft: true });
  });

  describe('checked at synth', () => {
    test('fewer than 30 days left: a synth warning that says how to renew', () => {
      const { apiStack } = synthApp({ now: new Date('2027-11-10T08:00:00Z'), context: { 'todo:apiKeyIssuedOn': ISSUED_ON } });
      const warnings = Annotations.fromStack(apiStack).findWarning(
        '*',
        Match.stringLikeRegexp(/API keys expire on 2027-12-02T00:00:00.000Z.*in 21 days.*todo:apiKeyIssuedOn.*2027-11-10/.source),
      );
      expect(warnings).toHaveLength(1);
    });

    test('30 days or more left: no warning', () => {
      const { apiStack } = synthApp({ now: new Date('2027-11-02T00:00:00Z'), context: { 'todo:apiKeyIssuedOn': ISSUED_ON } });
      expect(Annotations.fromStack(apiStack).findWarning('*', Match.stringLikeRegexp(/API keys expire/.source))).toHaveLength(0);
    });

    test('less than a day left, or expired: the synth fails, naming the date to set', () => {
      for (const now of ['2027-12-01T06:00:00Z', '2028-01-15T06:00:00Z']) {
        expect(() => synthApp({ now: new Date(now), context: { 'todo:apiKeyIssuedOn': ISSUED_ON } })).toThrow(
          new RegExp(`less than a day from now.*set todo:apiKeyIssuedOn to today's date, ${now.slice(0, 10)}`),
        );
      }
    });

    test('an issue date in the future that puts the expiry more than 365 days away fails the synth', () => {
      expect(() => synthApp({ now: new Date('2026-12-02T06:00:00Z'), context: { 'todo:apiKeyIssuedOn': '2026-12-05' } })).toThrow(
        /more than 365 days from now.*must not be later than today, 2026-12-02/,
      );
    });

    test.each([['2026-13-01'], ['02.12.2026'], ['tomorrow'], ['2026-02-30']])('todo:apiKeyIssuedOn=%s is refused with the expected format', (value) => {
      const attempt = () => synthApp({ context: { 'todo:apiKeyIssuedOn': value } });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/todo:apiKeyIssuedOn must be a date, YYYY-MM-DD/);
    });
  });
});
