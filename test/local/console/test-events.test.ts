import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DamagedTestEventsError, InvalidTestEventError, UnknownTestEventError } from '../../../local/console/errors';
import { TestEventStore } from '../../../local/console/test-events';

const SAMPLES = [{ name: 'first-20', event: { limit: 20 } }];

describe('saved test events', () => {
  let dir: string;
  const store = () => new TestEventStore(dir, () => SAMPLES);
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'console-test-events-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("start as the function's samples, nothing written", () => {
    expect(store().list('fn')).toEqual({ events: SAMPLES, saved: false });
    expect(readdirSync(dir)).toEqual([]);
  });

  test('are saved to <dir>/<function>.json (0600, whole, no temporary file left) and read back by a new store', () => {
    store().save('fn', 'mine', '{"limit": 3}');
    const file = path.join(dir, 'fn.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['fn.json']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ function: 'fn', events: [...SAMPLES, { name: 'mine', event: { limit: 3 } }] });
    expect(store().list('fn')).toEqual({ events: [...SAMPLES, { name: 'mine', event: { limit: 3 } }], saved: true });
  });

  test('saving a name again replaces that event, in place', () => {
    store().save('fn', 'mine', '1');
    store().save('fn', 'first-20', '{"limit": 21}');
    expect(store().list('fn').events).toEqual([
      { name: 'first-20', event: { limit: 21 } },
      { name: 'mine', event: 1 },
    ]);
  });

  test('a deleted sample stays deleted', () => {
    expect(store().remove('fn', 'first-20')).toEqual({ events: [], saved: true });
    expect(store().list('fn')).toEqual({ events: [], saved: true });
    expect(() => store().remove('fn', 'first-20')).toThrow(UnknownTestEventError);
  });

  test.each([
    ['', 'must be 1 to 25'],
    ['x'.repeat(26), 'must be 1 to 25'],
    ['with space', 'must be 1 to 25'],
    ['../escape', 'must be 1 to 25'],
  ])('the name %j is refused', (name, message) => {
    expect(() => store().save('fn', name, '{}')).toThrow(InvalidTestEventError);
    expect(() => store().save('fn', name, '{}')).toThrow(message);
    expect(existsSync(path.join(dir, 'fn.json'))).toBe(false);
  });

  test("an event that is not JSON is refused with the parser's reason, and nothing is written", () => {
    expect(() => store().save('fn', 'bad', '{"limit": ')).toThrow(/The event is not valid JSON: /);
    expect(() => store().save('fn', 'bad', { limit: 1 })).toThrow(/JSON text/);
    expect(existsSync(path.join(dir, 'fn.json'))).toBe(false);
  });

  test('a damaged file is named, left alone, and never taken for the samples', () => {
    const file = path.join(dir, 'fn.json');
    writeFileSync(file, '{"events": [');
    expect(() => store().list('fn')).toThrow(DamagedTestEventsError);
    expect(() => store().list('fn')).toThrow(file);
    writeFileSync(file, '{"events": [{"name": 1}]}');
    expect(() => store().save('fn', 'x', '{}')).toThrow(/events\[0\]/);
    expect(readFileSync(file, 'utf8')).toBe('{"events": [{"name": 1}]}');
  });
});
