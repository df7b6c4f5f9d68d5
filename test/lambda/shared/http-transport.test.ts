/**
 * The callers' transport (lambda/shared/http-transport.ts) over real loopback HTTP: what it sends, keep-alive reuse,
 * time limits before the headers and mid-body, and network failures with their system codes.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { postText, TransportTimeoutError, TruncatedAnswerError } from '../../../lambda/shared/http-transport';
import { localCertificate } from '../../../local/http/local-certificate';
import { nodeBinaryFor } from '../../../local/lambda/node-runtime';
import { closedPort } from '../../support/closed-port';

const run = promisify(execFile);

type Handler = (request: http.IncomingMessage, body: string, response: http.ServerResponse) => void;

interface LoopbackServer {
  readonly url: URL;
  /** Distinct TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

const servers: LoopbackServer[] = [];

/** A server on a loopback address: IPv4's unless `host` says (`::1`). */
async function serve(handler: Handler, host = '127.0.0.1'): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, Buffer.concat(chunks).toString('utf8'), response));
  });
  server.on('connection', (socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Longer than any test: a connection closed within a test was closed by the client.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const loopback: LoopbackServer = {
    url: new URL(`http://${host.includes(':') ? `[${host}]` : host}:${port}/graphql`),
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  servers.push(loopback);
  return loopback;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const json = (response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('what is sent and returned', () => {
  it('POSTs the body with the given headers, the endpoint host and the exact content-length', async () => {
    let seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string } | undefined;
    const server = await serve((request, body, response) => {
      seen = { method: request.method, url: request.url, headers: request.headers, body };
      json(response, 200, { data: { ok: true } });
    });
    const body = JSON.stringify({ query: '{ __typename }', variables: { name: 'é 日本 🎉' } });
    const answer = await postText(server.url, { 'content-type': 'application/json', 'x-api-key': 'k', host: 'evil.example' }, body, 5_000);
    expect(answer).toEqual({ status: 200, retryAfter: null, errorType: null, text: '{"data":{"ok":true}}' });
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/graphql');
    expect(seen?.headers.host).toBe(server.url.host);
    expect(seen?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(seen?.headers['x-api-key']).toBe('k');
    expect(seen?.body).toBe(body);
  });

  it('reaches an IPv6 literal endpoint, sending its path with the query and its host as written', async () => {
    let seen: { url?: string; host?: string } | undefined;
    const server = await serve((request, _body, response) => {
      seen = { url: request.url, host: request.headers.host };
      json(response, 200, { data: { ok: true } });
    }, '::1');
    const endpoint = new URL('?stage=dev', server.url);
    const answer = await postText(endpoint, { 'content-type': 'application/json' }, '{}', 5_000);
    expect(answer.status).toBe(200);
    expect(seen).toEqual({ url: '/graphql?stage=dev', host: endpoint.host });
  });

  it('resolves any status with Retry-After and x-amzn-ErrorType, and does not follow a redirect', async () => {
    const server = await serve((request, _body, response) => {
      if (request.url === '/graphql') {
        response.writeHead(307, { location: '/elsewhere', 'retry-after': '2', 'x-amzn-ErrorType': 'UnauthorizedException:http://internal' });
        response.end('moved');
        return;
      }
      json(response, 200, { data: { followed: true } });
    });
    const answer = await postText(server.url, {}, '{}', 5_000);
    expect(answer).toEqual({ status: 307, retryAfter: '2', errorType: 'UnauthorizedException:http://internal', text: 'moved' });
  });

  it('keeps a multi-byte character whole when it is split across chunks', async () => {
    const server = await serve((_request, _body, response) => {
      const bytes = Buffer.from('{"v":"日"}', 'utf8');
      response.writeHead(200, { 'content-type': 'application/json' });
      // Splits the three bytes of 日 between two writes.
      response.write(bytes.subarray(0, 7));
      setImmediate(() => response.end(bytes.subarray(7)));
    });
    expect((await postText(server.url, {}, '{}', 5_000)).text).toBe('{"v":"日"}');
  });
});

describe('keep-alive', () => {
  it('sends one request after another over the same connection', async () => {
    const server = await serve((_request, _body, response) => json(response, 200, { data: null }));
    for (let index = 0; index < 5; index++) await postText(server.url, {}, '{}', 5_000);
    expect(server.connections()).toBe(1);
  });

  it("drops an idle connection before the server's Keep-Alive hint runs out, and opens a new one", async () => {
    let firstClosed: Promise<void> | undefined;
    const server = await serve((request, _body, response) => {
      firstClosed ??= new Promise((resolve) => request.socket.once('close', () => resolve()));
      // The server would keep it a minute; its hint says 2 s, so the client keeps it 1 s.
      response.setHeader('keep-alive', 'timeout=2');
      json(response, 200, { data: null });
    });
    await postText(server.url, {}, '{}', 5_000);
    await firstClosed;
    await postText(server.url, {}, '{}', 5_000);
    expect(server.connections()).toBe(2);
  });

  it('opens a new connection when the server closed the previous one', async () => {
    const server = await serve((_request, _body, response) => {
      response.setHeader('connection', 'close');
      json(response, 200, { data: null });
    });
    await postText(server.url, {}, '{}', 5_000);
    await postText(server.url, {}, '{}', 5_000);
    expect(server.connections()).toBe(2);
  });
});

describe('time limits', () => {
  it('rejects with TransportTimeoutError when no headers come in time, and the connection is dropped', async () => {
    let closed: Promise<void> | undefined;
    const server = await serve((request) => {
      closed = new Promise((resolve) => request.socket.once('close', () => resolve()));
    });
    const error = await rejection(postText(server.url, {}, '{}', 200));
    expect(error).toBeInstanceOf(TransportTimeoutError);
    expect((error as TransportTimeoutError).timeoutMs).toBe(200);
    await closed;
  });

  it('rejects with TransportTimeoutError when the body stalls after the headers', async () => {
    const server = await serve((_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":');
    });
    expect(await rejection(postText(server.url, {}, '{}', 200))).toBeInstanceOf(TransportTimeoutError);
  });

  it('clears its timer on success, so nothing fires later', async () => {
    const server = await serve((_request, _body, response) => json(response, 200, { data: null }));
    const spy = jest.spyOn(global, 'clearTimeout');
    try {
      await postText(server.url, {}, '{}', 60_000);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('network failures', () => {
  it('rejects with ECONNREFUSED on the error itself for a closed port', async () => {
    const port = await closedPort();
    const error = await rejection(postText(new URL(`http://127.0.0.1:${port}/graphql`), {}, '{}', 5_000));
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('rejects with a connection-reset code when the server drops the connection before answering', async () => {
    const server = await serve((request) => request.socket.destroy());
    const error = await rejection(postText(server.url, {}, '{}', 5_000));
    expect((error as { code?: string }).code).toBe('ECONNRESET');
  });

  it('rejects with TruncatedAnswerError when the connection is cut mid-body', async () => {
    const server = await serve((_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"data":', () => response.socket?.destroy());
    });
    const error = await rejection(postText(server.url, {}, '{}', 5_000));
    expect(error).toBeInstanceOf(TruncatedAnswerError);
    expect((error as TruncatedAnswerError).code).toBe('ECONNRESET');
  });
});

describe('on the functions’ Node.js, bundled as the callers are', () => {
  const cases = [
    { caller: 'list-todos.api-key.ts', env: { API_TODOAPI_GRAPHQLAPIKEYOUTPUT: 'da2-test' } },
    {
      caller: 'list-todos.ts',
      env: {
        AWS_REGION: 'eu-west-1',
        REGION: 'eu-west-1',
        AWS_LAMBDA_FUNCTION_NAME: 'listTodosIam',
        AWS_ACCESS_KEY_ID: 'AKIDTRANSPORTTEST01',
        AWS_SECRET_ACCESS_KEY: 'transport-test-secret',
      },
    },
  ];
  it.each(cases)(
    '$caller never loads undici (fetch), nor node:tls for an http endpoint: the cold-start costs this transport avoids',
    async ({ caller, env }) => {
      const server = await serve((_request, _body, response) => json(response, 200, { data: { listTodos: { items: [], nextToken: null } } }));
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'transport-bundle-'));
      try {
        // As lib/todo-function.ts has NodejsFunction bundle a caller (ES module, the banner's require).
        await build({
          entryPoints: [path.join(__dirname, '..', '..', '..', 'lambda', 'callers', caller)],
          bundle: true,
          platform: 'node',
          format: 'esm',
          target: 'node24',
          mainFields: ['module', 'main'],
          minify: true,
          external: ['@aws-sdk/*'],
          banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" },
          outfile: path.join(outdir, 'index.mjs'),
          logLevel: 'error',
        });
        const node = await nodeBinaryFor('nodejs24.x');
        const probe = `const { handler } = await import(${JSON.stringify(path.join(outdir, 'index.mjs'))});
const result = await handler({ limit: 1 }, { getRemainingTimeInMillis: () => 10000 });
const loaded = (part) => process.moduleLoadList.some((name) => name.includes(part));
console.log(JSON.stringify({ statusCode: result.statusCode, undici: loaded('undici'), tls: loaded('NativeModule tls') }));`;
        const { stdout } = await run(node.path, ['--input-type=module', '-e', probe], {
          env: { PATH: process.env.PATH, API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT: server.url.href, ...env },
          timeout: 60_000,
        });
        expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({ statusCode: 200, undici: false, tls: false });
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    },
  );
});

describe('an https endpoint', () => {
  // GIVEN a TLS server on loopback whose certificate comes from the local cloud's own authority (not a public one)
  it('is reached over TLS, and a certificate no trusted authority signed is refused', async () => {
    const certificate = await localCertificate(undefined, ['127.0.0.1']);
    const server = https.createServer({ key: certificate.key, cert: certificate.certificate }, (_request, response) => response.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
      // WHEN the transport posts to it THEN the handshake happened and the chain was checked against Node's trusted CAs
      await expect(postText(url, {}, '{}', 10_000)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
