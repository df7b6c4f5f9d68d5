import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EMPTY_SAMPLE, README_SAMPLE_EVENTS, sampleEventsFor } from '../../../local/console/sample-events';

const README = readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

/** The README's "Invoke the callers" table: the callers of each row, and the row's sample payloads. */
function readmeSamples(): Map<string, unknown[]> {
  const samples = new Map<string, unknown[]>();
  const table = README.slice(README.indexOf('| caller | sample payload | answer |'));
  for (const row of table.split('\n').slice(2)) {
    if (!row.startsWith('|')) break;
    const [callers, payloads] = row.split(' | ');
    const events = [...payloads.matchAll(/`([^`]+)`/g)].map((match) => JSON.parse(match[1]) as unknown);
    for (const caller of callers.matchAll(/`([^`]+)`/g)) samples.set(caller[1], events);
  }
  return samples;
}

describe("the Test tab's samples", () => {
  test("are the README's sample payloads, caller by caller", () => {
    const fromReadme = readmeSamples();
    expect([...fromReadme.keys()].sort()).toEqual(Object.keys(README_SAMPLE_EVENTS).sort());
    for (const [caller, events] of fromReadme) expect(README_SAMPLE_EVENTS[caller].map((sample) => sample.event)).toEqual(events);
  });

  test('have names the Lambda console accepts, unique per function', () => {
    for (const samples of Object.values(README_SAMPLE_EVENTS)) {
      for (const sample of samples) expect(sample.name).toMatch(/^[A-Za-z0-9._-]{1,25}$/);
      expect(new Set(samples.map((sample) => sample.name)).size).toBe(samples.length);
    }
  });

  test('any other function starts with an empty event', () => {
    expect(sampleEventsFor(undefined)).toBe(EMPTY_SAMPLE);
    expect(sampleEventsFor('somethingElse')).toBe(EMPTY_SAMPLE);
    expect(sampleEventsFor('__proto__')).toBe(EMPTY_SAMPLE);
    expect(sampleEventsFor('listTodosIam')).toBe(README_SAMPLE_EVENTS.listTodosIam);
  });
});
