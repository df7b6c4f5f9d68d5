/**
 * Every error the local console's API answers, in one catalogue: HTTP status, a code (the wire string in
 * `{"error":{"code","message"}}`) and a message that says what was wrong and how to fix it. Code that must tell them
 * apart branches on the class, never on the message. None of them ever carries a secret.
 */

/** The codes the console's API answers with (the wire strings). */
export enum ConsoleErrorCode {
  BadHost = 'BadHost',
  CrossOrigin = 'CrossOrigin',
  MissingToken = 'MissingToken',
  WrongToken = 'WrongToken',
  NotFound = 'NotFound',
  MethodNotAllowed = 'MethodNotAllowed',
  PayloadTooLarge = 'PayloadTooLarge',
  InvalidRequest = 'InvalidRequest',
  UnknownApi = 'UnknownApi',
  UnknownProfile = 'UnknownProfile',
  UnsupportedAuthMode = 'UnsupportedAuthMode',
  UnknownFunction = 'UnknownFunction',
  UnknownTestEvent = 'UnknownTestEvent',
  InvalidTestEvent = 'InvalidTestEvent',
  DamagedTestEvents = 'DamagedTestEvents',
  UnknownTable = 'UnknownTable',
  InvalidPageCursor = 'InvalidPageCursor',
  UpstreamUnavailable = 'UpstreamUnavailable',
  Internal = 'Internal',
}

/** The base of every console error: what the API answers instead of doing what it was asked. */
export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: ConsoleErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ConsoleError';
  }

  /** The body the API answers with. */
  toBody(): string {
    return JSON.stringify({ error: { code: this.code, message: this.message } });
  }
}

// --- the gate (gate.ts): who may drive the console ------------------------------------------------------------------

/** A Host header that is neither `localhost` nor an IP address, or names another port: a DNS-rebinding attempt or a misrouted request. */
export class BadHostError extends ConsoleError {
  constructor(host: string | undefined, port: number, options?: ErrorOptions) {
    super(
      403,
      ConsoleErrorCode.BadHost,
      `The local console answers only requests addressed to localhost or an IP address on port ${port} (the Host header was ${host === undefined ? 'missing' : JSON.stringify(host.slice(0, 100))}). Open the URL npm start printed.`,
      options,
    );
    this.name = 'BadHostError';
  }
}

/** A request a page of another origin made (Origin or Sec-Fetch-Site says so). */
export class CrossOriginError extends ConsoleError {
  constructor(what: string, options?: ErrorOptions) {
    super(403, ConsoleErrorCode.CrossOrigin, `The local console's API answers only its own page; this request came from ${what}.`, options);
    this.name = 'CrossOriginError';
  }
}

/** No console token: the request did not come from the page of this start. */
export class MissingTokenError extends ConsoleError {
  constructor(options?: ErrorOptions) {
    super(
      401,
      ConsoleErrorCode.MissingToken,
      'The local console needs the token of this start: open the URL npm start printed (it carries the token).',
      options,
    );
    this.name = 'MissingTokenError';
  }
}

/** A token that is not this start's (an earlier start's page, or a guess). */
export class WrongTokenError extends ConsoleError {
  constructor(options?: ErrorOptions) {
    super(
      401,
      ConsoleErrorCode.WrongToken,
      'The console token is not the one of this start (the local cloud was restarted?): open the URL npm start printed this time.',
      options,
    );
    this.name = 'WrongTokenError';
  }
}

// --- the request ----------------------------------------------------------------------------------------------------

export class NotFoundError extends ConsoleError {
  constructor(path: string, options?: ErrorOptions) {
    super(404, ConsoleErrorCode.NotFound, `The local console has nothing at ${path.slice(0, 200)}.`, options);
    this.name = 'NotFoundError';
  }
}

export class MethodNotAllowedError extends ConsoleError {
  constructor(
    method: string,
    readonly allowed: readonly string[],
    options?: ErrorOptions,
  ) {
    super(405, ConsoleErrorCode.MethodNotAllowed, `Method ${method.slice(0, 20)} is not allowed here; use ${allowed.join(' or ')}.`, options);
    this.name = 'MethodNotAllowedError';
  }
}

export class PayloadTooLargeError extends ConsoleError {
  constructor(limit: number, options?: ErrorOptions) {
    super(413, ConsoleErrorCode.PayloadTooLarge, `The request body is too large: the local console accepts at most ${limit} bytes.`, options);
    this.name = 'PayloadTooLargeError';
  }
}

/** A body or parameter that is not what the API takes; the message names the field. */
export class InvalidRequestError extends ConsoleError {
  constructor(message: string, options?: ErrorOptions) {
    super(400, ConsoleErrorCode.InvalidRequest, message, options);
    this.name = 'InvalidRequestError';
  }
}

// --- GraphQL --------------------------------------------------------------------------------------------------------

export class UnknownApiError extends ConsoleError {
  constructor(apiId: string, known: readonly string[], options?: ErrorOptions) {
    super(
      404,
      ConsoleErrorCode.UnknownApi,
      `No GraphQL API ${JSON.stringify(apiId.slice(0, 100))} here; the APIs are: ${known.join(', ') || 'none'}.`,
      options,
    );
    this.name = 'UnknownApiError';
  }
}

export class UnknownProfileError extends ConsoleError {
  constructor(profile: string, known: readonly string[], options?: ErrorOptions) {
    super(
      404,
      ConsoleErrorCode.UnknownProfile,
      `No profile ${JSON.stringify(profile.slice(0, 100))} in the local credentials; the profiles are: ${known.join(', ')}.`,
      options,
    );
    this.name = 'UnknownProfileError';
  }
}

/** An auth mode the API does not enable, or API_KEY on an API without a key. */
export class UnsupportedAuthModeError extends ConsoleError {
  constructor(message: string, options?: ErrorOptions) {
    super(400, ConsoleErrorCode.UnsupportedAuthMode, message, options);
    this.name = 'UnsupportedAuthModeError';
  }
}

/** The local AppSync endpoint could not be reached (it is shutting down?). */
export class UpstreamUnavailableError extends ConsoleError {
  constructor(what: string, options?: ErrorOptions) {
    super(502, ConsoleErrorCode.UpstreamUnavailable, `${what} did not answer; is the local cloud shutting down?`, options);
    this.name = 'UpstreamUnavailableError';
  }
}

// --- functions ------------------------------------------------------------------------------------------------------

export class UnknownFunctionError extends ConsoleError {
  constructor(name: string, options?: ErrorOptions) {
    super(404, ConsoleErrorCode.UnknownFunction, `No function ${JSON.stringify(name.slice(0, 100))} in the templates; the Functions tab lists them.`, options);
    this.name = 'UnknownFunctionError';
  }
}

export class UnknownTestEventError extends ConsoleError {
  constructor(functionName: string, eventName: string, options?: ErrorOptions) {
    super(404, ConsoleErrorCode.UnknownTestEvent, `Function ${functionName} has no saved test event ${JSON.stringify(eventName.slice(0, 100))}.`, options);
    this.name = 'UnknownTestEventError';
  }
}

/** A test event whose name or JSON is not valid; the message says which and why. */
export class InvalidTestEventError extends ConsoleError {
  constructor(message: string, options?: ErrorOptions) {
    super(400, ConsoleErrorCode.InvalidTestEvent, message, options);
    this.name = 'InvalidTestEventError';
  }
}

/** The saved test events file of a function does not read (edited by hand?): it is left alone, and named. */
export class DamagedTestEventsError extends ConsoleError {
  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(
      409,
      ConsoleErrorCode.DamagedTestEvents,
      `The saved test events in ${file} do not read (${problem}); fix the file or delete it to start again from the samples.`,
      options,
    );
    this.name = 'DamagedTestEventsError';
  }
}

// --- tables ---------------------------------------------------------------------------------------------------------

export class UnknownTableError extends ConsoleError {
  constructor(name: string, options?: ErrorOptions) {
    super(404, ConsoleErrorCode.UnknownTable, `No table ${JSON.stringify(name.slice(0, 100))} in the templates; the Tables tab lists them.`, options);
    this.name = 'UnknownTableError';
  }
}

export class InvalidPageCursorError extends ConsoleError {
  constructor(options?: ErrorOptions) {
    super(400, ConsoleErrorCode.InvalidPageCursor, 'The page cursor is not one this console gave; start again from the first page.', options);
    this.name = 'InvalidPageCursorError';
  }
}

// --- anything else --------------------------------------------------------------------------------------------------

/** A bug of the console: the message is generic (details go to the log, without secrets). */
export class ConsoleInternalError extends ConsoleError {
  constructor(options?: ErrorOptions) {
    super(
      500,
      ConsoleErrorCode.Internal,
      'The local console failed to answer; the local cloud log says why. This looks like a bug: please report it.',
      options,
    );
    this.name = 'ConsoleInternalError';
  }
}
