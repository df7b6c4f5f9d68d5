import { randomUUID } from 'node:crypto';

/** A request id in the shape AWS services give (`x-amzn-RequestId`). */
export function newRequestId(): string {
  return randomUUID();
}

export interface AccessLogEntry {
  /** `appsync`, `lambda`, ... */
  readonly service: string;
  readonly requestId: string;
  readonly method: string | undefined;
  /** The request target; only its path is logged (a presigned URL's query holds a session token and a signature). */
  readonly url: string | undefined;
  /** What was decided, in a few words; never a secret. */
  readonly detail?: string;
  /** Undefined when no response was sent (the client went away). */
  readonly status: number | undefined;
  readonly elapsedMs: number;
}

/** The one log line of a local service per request: `<service> <request id> <METHOD> <path> <detail> -> <status> (<n> ms)`. */
export function accessLogLine(entry: AccessLogEntry): string {
  const path = oneLine((entry.url ?? '/').split('?')[0].slice(0, 200));
  const detail = entry.detail ? ` ${oneLine(entry.detail)}` : '';
  const outcome = entry.status === undefined ? 'no response' : String(entry.status);
  return `${entry.service} ${entry.requestId} ${entry.method ?? '?'} ${path}${detail} -> ${outcome} (${entry.elapsedMs} ms)`;
}

/** Writes a line; a failing logger never takes a service down. */
export function safeLog(log: ((line: string) => void) | undefined, line: string): void {
  try {
    log?.(line);
  } catch {
    // Logging is best effort.
  }
}

export function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
