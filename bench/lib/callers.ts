/** The four callers of the app, by the id `lib/callers-stack.ts` gives them, with what each one does. */
export const CALLER_IDS = ['listTodosApiKey', 'createTodoApiKey', 'listTodosIam', 'createTodoIam'] as const;
export type CallerId = (typeof CALLER_IDS)[number];

export interface CallerSpec {
  readonly id: CallerId;
  readonly operation: 'list' | 'create';
  readonly auth: 'API_KEY' | 'AWS_IAM';
  /** Source of the docs-style twin, under bench/twins. */
  readonly twin: string;
  /** The entry point lib/callers-stack.ts builds the caller from (for the metafile of what its bundle holds). */
  readonly entry: string;
}

export const CALLERS: readonly CallerSpec[] = [
  { id: 'listTodosApiKey', operation: 'list', auth: 'API_KEY', twin: 'list-todos-api-key.ts', entry: 'lambda/callers/list-todos.api-key.ts' },
  { id: 'createTodoApiKey', operation: 'create', auth: 'API_KEY', twin: 'create-todo-api-key.ts', entry: 'lambda/callers/create-todo.api-key.ts' },
  { id: 'listTodosIam', operation: 'list', auth: 'AWS_IAM', twin: 'list-todos-iam.ts', entry: 'lambda/callers/list-todos.ts' },
  { id: 'createTodoIam', operation: 'create', auth: 'AWS_IAM', twin: 'create-todo-iam.ts', entry: 'lambda/callers/create-todo.ts' },
];

/** The event each caller (and its twin) gets: the same for both. */
export function eventFor(spec: CallerSpec, sequence: number, label: string): Record<string, unknown> {
  return spec.operation === 'list' ? { limit: 20 } : { name: `${label} ${sequence}`, description: 'bench' };
}
