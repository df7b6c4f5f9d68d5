import type { IncomingMessage } from 'node:http';

/** Lower-case header names to one value each, repeated headers joined with `, ` (as HTTP allows). */
export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
