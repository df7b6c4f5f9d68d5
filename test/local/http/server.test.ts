import * as http from 'node:http';
import * as net from 'node:net';
import { type BodyLimits, readBody } from '../../../local/http/body';
import { type HttpListener, listen, PortInUseError } from '../../../local/http/server';

/** A server that answers with what readBody made of the request. */
async function bodyEcho(limits: BodyLimits): Promise<HttpListener> {
  return listen(
    (req, res) => {
      void readBody(req, limits).then((result) => {
        if (result.kind === 'aborted') return;
        res.writeHead(result.kind === 'complete' ? 200 : 413, { connection: result.kind === 'complete' ? 'keep-alive' : 'close' });
        res.end(result.kind === 'complete' ? `got ${result.body.length}` : 'too large');
      });
    },
    { host: '127.0.0.1', port: 0 },
  );
}

const listeners: HttpListener[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.close()));
});

describe('readBody', () => {
  test.each([false, true])('a body within the limit is read whole (refuseEarly %s)', async (refuseEarly) => {
    const listener = await bodyEcho({ maxBytes: 10, maxDrainedBytes: 100, refuseEarly });
    listeners.push(listener);
    const response = await fetch(listener.url, { method: 'POST', body: 'x'.repeat(10) });
    expect([response.status, await response.text()]).toEqual([200, 'got 10']);
  });

  test.each([false, true])('one byte over the limit is refused, and the client reads the refusal (refuseEarly %s)', async (refuseEarly) => {
    const listener = await bodyEcho({ maxBytes: 10, maxDrainedBytes: 1_000_000, refuseEarly });
    listeners.push(listener);
    const response = await fetch(listener.url, { method: 'POST', body: 'x'.repeat(11) });
    expect([response.status, await response.text()]).toEqual([413, 'too large']);
  });

  test('a client that stops half-way is aborted, and the server keeps serving', async () => {
    const results: string[] = [];
    const listener = await listen(
      (req, res) =>
        void readBody(req, { maxBytes: 100, maxDrainedBytes: 100 }).then((result) => {
          results.push(result.kind);
          res.end();
        }),
      { host: '127.0.0.1', port: 0 },
    );
    listeners.push(listener);
    await new Promise<void>((resolve) => {
      const socket = net.connect(listener.port, '127.0.0.1', () => {
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\nonly part', () => socket.destroy());
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    for (let i = 0; i < 3000 && results.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(results).toEqual(['aborted']);
    expect((await fetch(listener.url, { method: 'POST', body: 'ok' })).status).toBe(200);
  });
});

describe('listen', () => {
  test('a port in use is a PortInUseError that names the port and the remedy', async () => {
    const first = await listen((_req, res) => res.end(), { host: '127.0.0.1', port: 0 });
    listeners.push(first);
    const attempt = listen((_req, res) => res.end(), { host: '127.0.0.1', port: first.port });
    await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
    await expect(attempt).rejects.toThrow(`Port ${first.port} on 127.0.0.1 is in use: stop what uses it, or pick another port (0 = any free port)`);
  });

  test('a malformed request gets a 400, not a reset', async () => {
    const listener = await listen((_req, res) => res.end(), { host: '127.0.0.1', port: 0 });
    listeners.push(listener);
    const reply = await new Promise<string>((resolve) => {
      let data = '';
      const socket = net.connect(listener.port, '127.0.0.1', () => socket.write('NOT HTTP\r\n\r\n'));
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request/);
  });

  test('close drops kept-alive connections, so it returns at once', async () => {
    const listener = await listen((_req, res) => res.end('hi'), { host: '127.0.0.1', port: 0 });
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve) => http.get(listener.url, { agent }, (res) => res.resume().on('end', resolve)));
    await listener.close();
    agent.destroy();
    await expect(fetch(listener.url)).rejects.toThrow();
  });
});

describe('listen, headers too large', () => {
  test('64 KB of headers get a 431, as Node.js itself answers', async () => {
    const listener = await listen((_req, res) => res.end(), { host: '127.0.0.1', port: 0 });
    listeners.push(listener);
    const reply = await new Promise<string>((resolve) => {
      let data = '';
      const socket = net.connect(listener.port, '127.0.0.1', () => socket.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`));
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
  });
});

test('an idle keep-alive connection outlives the clients’ own idle timeouts (undici: 4 s), so the client closes first and never reuses a socket the server is closing', async () => {
  const listener = await listen((_req, res) => res.end('ok'), { host: '127.0.0.1', port: 0 });
  try {
    expect(listener.server.keepAliveTimeout).toBeGreaterThan(10_000);
    expect(listener.server.headersTimeout).toBeGreaterThan(listener.server.keepAliveTimeout);
    const response = await fetch(`${listener.url}/`);
    await response.text();
    expect(response.headers.get('keep-alive')).toBe(`timeout=${Math.floor(listener.server.keepAliveTimeout / 1000)}`);
  } finally {
    await listener.close();
  }
});
