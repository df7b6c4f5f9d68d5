/**
 * Messages between the runtime (parent) and a worker process, over the fork IPC channel.
 *
 * Ordering of the logs: the IPC channel and the stdout/stderr pipes are separate, so the parent may read a result
 * before the last log lines. After each phase (init, invocation) the worker therefore writes a marker line to both
 * stdout and stderr (through the same streams, after everything the function wrote) before it sends the message;
 * the parent closes the phase only once it has the message and both markers, so every line lands in the right
 * invocation's log.
 */

export interface ErrorDocument {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/** Parent → worker */
export interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  /** The request payload as text (already checked to be JSON). */
  payload: string;
  /** Epoch ms at which the invocation times out (context.getRemainingTimeInMillis). */
  deadlineMs: number;
  invokedFunctionArn: string;
  /** Decoded client context, when the caller sent one. */
  clientContext?: unknown;
  /** _X_AMZN_TRACE_ID for this invocation. */
  traceId: string;
}

export type ParentMessage = InvokeMessage;

/** Worker → parent: the handler is loaded. */
export interface ReadyMessage {
  type: 'ready';
  maxRssKb: number;
}

/** Worker → parent: loading the handler failed (the worker exits afterwards). */
export interface InitErrorMessage {
  type: 'init-error';
  error: ErrorDocument;
  maxRssKb: number;
}

/** Worker → parent: an invocation finished. */
export interface ResultMessage {
  type: 'result';
  requestId: string;
  /** JSON text of the result, when it succeeded. */
  payload?: string;
  error?: ErrorDocument;
  maxRssKb: number;
  /** The worker exits after this message (uncaught exception / unhandled rejection), as the Node.js runtime does. */
  exiting?: boolean;
  /**
   * Nothing was written through process.stdout or process.stderr (console included) during the invocation, so no
   * end markers follow: the invocation's log is complete with this message.
   */
  quiet?: boolean;
}

export type WorkerMessage = ReadyMessage | InitErrorMessage | ResultMessage;

/** Start of the marker line; the rest is `init` or `end:<requestId>`, then MARKER_END and a newline. */
export const MARKER_START = '\u0000\u001elocal-lambda:';
export const MARKER_END = '\u001e\u0000';

export function markerLine(tag: string): string {
  return `${MARKER_START}${tag}${MARKER_END}\n`;
}

/** Settings the parent hands the worker as its first argument (JSON), so that they stay out of process.env. */
export interface WorkerSettings {
  /** Largest response payload, in bytes. */
  maxResponseBytes: number;
}
