/** The HTTP plumbing every local service shares: body limits, query parsing, replies, the access log line, listen/close. */
export { accessLogLine, newRequestId, oneLine, safeLog, type AccessLogEntry } from './access-log';
export { discardBody, readBody, type BodyLimits, type BodyReadResult } from './body';
export { flattenHeaders } from './headers';
export { sendJson, sendResponse } from './reply';
export { adopt, closeServer, HttpServerError, listen, PortInUseError, type HttpListener } from './server';
export { firstValue, parseQuery, splitTarget, type QueryParameters, type RequestTarget } from './url';
