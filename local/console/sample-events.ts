/**
 * The test events a function's Test tab starts with, before anything is saved: the README's sample payloads for the
 * callers (its "Invoke the callers" table; test/local/console/sample-events.test.ts checks the two agree), AppSync's
 * events for a resolver function (resolver-events.ts), and an empty event for any other function. Keyed by the caller's construct id (`listTodosIam`), which the callers stack
 * names its `<Id>FunctionName` output after (lib/graphql-caller.ts).
 */
import type { TestEvent } from './test-events';

const LIST_TODOS_SAMPLES: readonly TestEvent[] = [
  { name: 'first-20', event: { limit: 20 } },
  { name: 'next-page', event: { nextToken: '...' } },
  { name: 'names-beginning-Buy', event: { filter: { name: { beginsWith: 'Buy' } } } },
];

const CREATE_TODO_SAMPLES: readonly TestEvent[] = [
  { name: 'buy-milk', event: { name: 'Buy milk' } },
  { name: 'with-description-and-id', event: { name: 'x', description: 'y', id: 'my-id' } },
];

/** The README's samples, by caller id. */
export const README_SAMPLE_EVENTS: Readonly<Record<string, readonly TestEvent[]>> = {
  listTodosApiKey: LIST_TODOS_SAMPLES,
  listTodosIam: LIST_TODOS_SAMPLES,
  createTodoApiKey: CREATE_TODO_SAMPLES,
  createTodoIam: CREATE_TODO_SAMPLES,
};

/** What a function without samples starts with. */
export const EMPTY_SAMPLE: readonly TestEvent[] = [{ name: 'empty', event: {} }];

/** The samples of a caller (by its construct id), or the empty event. */
export function sampleEventsFor(callerId: string | undefined): readonly TestEvent[] {
  return (callerId !== undefined && Object.hasOwn(README_SAMPLE_EVENTS, callerId) ? README_SAMPLE_EVENTS[callerId] : undefined) ?? EMPTY_SAMPLE;
}
