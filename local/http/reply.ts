import type { ServerResponse } from 'node:http';

/** Sends a whole response with its Content-Length; does nothing once a response was started or the socket is gone. */
export function sendResponse(res: ServerResponse, status: number, headers: Readonly<Record<string, string>>, body?: string | Buffer): void {
  if (res.headersSent || res.destroyed) return;
  const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'content-length': String(payload?.length ?? 0) });
  res.end(payload);
}
