/**
 * The saved test events of each function, as the Lambda console's Test tab keeps them: a name and a JSON event,
 * several per function. Kept in the state directory, one file per function (`<state>/console/test-events/<function
 * name>.json`), each written whole through a temporary file and a rename, so that a crash never leaves half a file.
 * Until a function's events are first saved (or one deleted), its list is its samples (sample-events.ts); from then
 * on the file is the whole list, so a deleted sample stays deleted.
 *
 * All reads and writes are synchronous: the console runs in one process, so two saves never interleave.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { JsonValue } from '../../lambda/shared/operations';
import { MAX_SYNC_REQUEST_BYTES } from '../lambda/types';
import { writeFileAtomic } from '../state';
import { DamagedTestEventsError, InvalidTestEventError, UnknownTestEventError } from './errors';

export interface TestEvent {
  readonly name: string;
  readonly event: JsonValue;
}

export interface TestEventList {
  readonly events: readonly TestEvent[];
  /** False while the list is the function's samples (nothing saved yet). */
  readonly saved: boolean;
}

/**
 * The Lambda console's rule for an event name: "Maximum of 25 characters consisting of letters, numbers, dots,
 * hyphens and underscores" (its Event name field).
 */
export const TEST_EVENT_NAME = /^[A-Za-z0-9._-]{1,25}$/;

export class TestEventStore {
  constructor(
    private readonly directory: string,
    private readonly samples: (functionName: string) => readonly TestEvent[],
  ) {}

  /** The file of a function (its name is one of the deployment's: the caller checked). */
  fileOf(functionName: string): string {
    return path.join(this.directory, `${functionName}.json`);
  }

  list(functionName: string): TestEventList {
    const file = this.fileOf(functionName);
    if (!existsSync(file)) return { events: this.samples(functionName), saved: false };
    return { events: readEvents(file), saved: true };
  }

  /** Saves an event (a new name, or replacing the event of that name), from the JSON text the page sends. */
  save(functionName: string, name: unknown, eventText: unknown): TestEventList {
    const checkedName = checkName(name);
    const event = parseEvent(eventText);
    const events = [...this.list(functionName).events];
    const at = events.findIndex((candidate) => candidate.name === checkedName);
    if (at >= 0) events[at] = { name: checkedName, event };
    else events.push({ name: checkedName, event });
    return this.write(functionName, events);
  }

  remove(functionName: string, name: string): TestEventList {
    const events = this.list(functionName).events;
    if (!events.some((candidate) => candidate.name === name)) throw new UnknownTestEventError(functionName, name);
    return this.write(
      functionName,
      events.filter((candidate) => candidate.name !== name),
    );
  }

  private write(functionName: string, events: readonly TestEvent[]): TestEventList {
    writeFileAtomic(this.fileOf(functionName), `${JSON.stringify({ function: functionName, events }, null, 2)}\n`, 0o600);
    return { events, saved: true };
  }
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !TEST_EVENT_NAME.test(name)) {
    throw new InvalidTestEventError(
      `The event name ${typeof name === 'string' ? JSON.stringify(name.slice(0, 40)) : 'is missing; it'} must be 1 to 25 letters, digits, dots, hyphens or underscores (as in the Lambda console).`,
    );
  }
  return name;
}

/** The event as JSON text (what the editor holds), parsed; Lambda takes any JSON value as an event. */
export function parseEvent(eventText: unknown): JsonValue {
  if (typeof eventText !== 'string') throw new InvalidTestEventError('The event must be sent as JSON text (a string), e.g. "{\\"limit\\": 20}".');
  if (Buffer.byteLength(eventText, 'utf8') > MAX_SYNC_REQUEST_BYTES) {
    throw new InvalidTestEventError(`The event is larger than ${MAX_SYNC_REQUEST_BYTES} bytes, the largest payload Lambda takes synchronously.`);
  }
  try {
    return JSON.parse(eventText) as JsonValue;
  } catch (error) {
    throw new InvalidTestEventError(`The event is not valid JSON: ${(error as Error).message}`);
  }
}

function readEvents(file: string): TestEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DamagedTestEventsError(file, `not JSON: ${(error as Error).message}`);
  }
  const events = (parsed as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) throw new DamagedTestEventsError(file, 'no "events" list');
  return events.map((entry, index) => {
    const candidate = entry as { name?: unknown; event?: unknown } | null;
    if (typeof candidate?.name !== 'string' || !('event' in candidate)) {
      throw new DamagedTestEventsError(file, `events[${index}] is not {"name": ..., "event": ...}`);
    }
    return { name: candidate.name, event: candidate.event as JsonValue };
  });
}
