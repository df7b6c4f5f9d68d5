/**
 * The lines and error documents the Lambda service itself writes, as pure functions.
 */

import { TAIL_LOG_BYTES } from './types';
import type { ErrorDocument } from './worker-protocol';

export function startLine(requestId: string): string {
  return `START RequestId: ${requestId} Version: $LATEST`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

export interface ReportFields {
  requestId: string;
  durationMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number;
  /** Set on the first invocation of a worker (a cold start). */
  initDurationMs?: number;
  /** How the invocation ended when it did not return normally. */
  status?: 'timeout' | 'error';
  errorType?: string;
}

/**
 * `REPORT RequestId: … Duration: … Billed Duration: … Memory Size: … Max Memory Used: … [Init Duration: …]`, tab
 * separated as Lambda writes it. Since August 2025 the init phase of on-demand functions is billed too, so the billed
 * duration of a cold start includes it.
 */
export function reportLine(fields: ReportFields): string {
  const billed = Math.ceil(fields.durationMs + (fields.initDurationMs ?? 0));
  const parts = [
    `REPORT RequestId: ${fields.requestId}`,
    `Duration: ${fields.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.max(billed, 1)} ms`,
    `Memory Size: ${fields.memorySizeMb} MB`,
    `Max Memory Used: ${fields.maxMemoryUsedMb} MB`,
  ];
  if (fields.initDurationMs !== undefined) parts.push(`Init Duration: ${fields.initDurationMs.toFixed(2)} ms`);
  if (fields.status) parts.push(`Status: ${fields.status}`);
  if (fields.errorType) parts.push(`Error Type: ${fields.errorType}`);
  return parts.join('\t');
}

/**
 * `INIT_START Runtime Version: nodejs:24.local\tNode.js: v24.22.3`: Lambda's line (`nodejs:24.v12\tRuntime Version
 * ARN: ...`) with a local runtime version, and the Node.js version the worker really runs on.
 */
export function initStartLine(runtime: string, nodeVersion?: string): string {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  const version = match ? `nodejs:${match[1]}.local` : `${runtime}.local`;
  return `INIT_START Runtime Version: ${version}${nodeVersion ? `\tNode.js: ${nodeVersion}` : ''}`;
}

export function initReportLine(initDurationMs: number, errorType: string): string {
  return `INIT_REPORT Init Duration: ${initDurationMs.toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${errorType}`;
}

/** The line Lambda logs when an invocation times out (space separated, unlike console lines). */
export function timeoutLogLine(requestId: string, timeoutSeconds: number, now = new Date()): string {
  return `${now.toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}

/** Sandbox.Timedout: what a synchronous caller gets when the function runs past its timeout. */
export function timeoutError(requestId: string, timeoutSeconds: number): ErrorDocument {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
  };
}

/**
 * Runtime.ExitError: the runtime process ended during an invocation. Lambda words the cause as Go's os.ProcessState
 * does: `exit status 1`, `signal: killed`; a clean exit (code 0) is "Runtime exited without providing a reason".
 */
export function exitError(requestId: string, code: number | null, signal: NodeJS.Signals | null): ErrorDocument {
  if (signal) {
    return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: ${signalDescription(signal)}` };
  }
  if (code === 0 || code === null) {
    return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited without providing a reason` };
  }
  return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: exit status ${code}` };
}

/** Go's names for signals (syscall.Signal.String()), which Lambda's messages use. */
const SIGNAL_DESCRIPTIONS: Partial<Record<NodeJS.Signals, string>> = {
  SIGABRT: 'aborted',
  SIGBUS: 'bus error',
  SIGFPE: 'floating point exception',
  SIGHUP: 'hangup',
  SIGILL: 'illegal instruction',
  SIGINT: 'interrupt',
  SIGKILL: 'killed',
  SIGPIPE: 'broken pipe',
  SIGQUIT: 'quit',
  SIGSEGV: 'segmentation fault',
  SIGTERM: 'terminated',
  SIGTRAP: 'trace/breakpoint trap',
  SIGUSR1: 'user defined signal 1',
  SIGUSR2: 'user defined signal 2',
};

export function signalDescription(signal: NodeJS.Signals): string {
  return SIGNAL_DESCRIPTIONS[signal] ?? signal;
}

/** Function.ResponseSizeTooLarge, with Lambda's message. */
export function responseTooLargeError(size: number, limit: number): ErrorDocument {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size (${size} bytes) exceeded maximum allowed payload size (${limit} bytes).`,
  };
}

/**
 * The last `TAIL_LOG_BYTES` bytes of a log, base64, as X-Amz-Log-Result carries it. A cut that falls inside a UTF-8
 * character moves forward to the next character, so the tail always decodes cleanly.
 */
export function tailLog(log: string, limit = TAIL_LOG_BYTES): string {
  const bytes = Buffer.from(log, 'utf8');
  if (bytes.length <= limit) return bytes.toString('base64');
  let start = bytes.length - limit;
  while (start < bytes.length && (bytes[start] & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString('base64');
}
