/** The HTTP plumbing every local service shares: body limits, query parsing, replies, the access log line, listen/close. */
export { type AccessLogEntry, accessLogLine, newRequestId, oneLine, safeLog } from './access-log';
export { type BodyLimits, type BodyReadResult, discardBody, readBody } from './body';
export { flattenHeaders } from './headers';
export { sendResponse } from './reply';
export { adopt, closeServer, type HttpListener, HttpServerError, listen, PortInUseError } from './server';
export { firstValue, parseQuery, type QueryParameters, type RequestTarget, splitTarget } from './url';
