/**
 * TLS on the port a plain HTTP server listens on: the first byte of a connection tells which it speaks (0x16 opens a
 * TLS handshake record, RFC 8446 5.1; no HTTP method starts with it). A TLS connection is decrypted and handed to the
 * same server, so its requests and upgrades reach the same handlers (`req.socket.encrypted` tells them apart).
 * This is what lets a client that only dials `wss://` or `https://` (Amplify JS's real-time client) reach a local
 * endpoint whose URL is `http://`.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';

const TLS_HANDSHAKE_RECORD = 0x16;

export interface TlsCredentials {
  readonly key: string;
  readonly cert: string;
}

/** `credentials` may still be in the making: a TLS connection that comes first waits for them. */
export function acceptTlsOnSamePort(server: Server, credentials: TlsCredentials | Promise<TlsCredentials>): void {
  const secureContext = Promise.resolve(credentials).then((given) => createSecureContext({ key: given.key, cert: given.cert }));
  // Not made: TLS connections are refused (closed), plain HTTP goes on; whoever made the promise reports the failure.
  secureContext.catch(() => undefined);
  // The HTTP server's own connection listener, called with the plain socket or the decrypted one.
  const httpListeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  // Connections that have not sent their first byte yet are not the HTTP server's: closing it must close them too.
  const undecided = new Set<Socket>();
  const forget = (socket: Socket) => {
    undecided.delete(socket);
    socket.setTimeout(0);
    socket.off('end', hangUp).off('timeout', hangUp).off('close', closed);
  };
  function hangUp(this: Socket) {
    forget(this);
    this.destroy();
  }
  function closed(this: Socket) {
    forget(this);
  }
  for (const name of ['closeAllConnections', 'closeIdleConnections'] as const) {
    const close = server[name].bind(server);
    server[name] = () => {
      for (const socket of [...undecided]) hangUp.call(socket);
      close();
    };
  }
  server.on('connection', (socket: Socket) => {
    undecided.add(socket);
    // The HTTP server accepts half-open connections: one that ends (or idles) before its first byte is closed here.
    socket
      .on('end', hangUp)
      .on('close', closed)
      .on('timeout', hangUp)
      .setTimeout(server.headersTimeout || 60_000);
    socket.once('data', (chunk: Buffer) => {
      forget(socket);
      socket.pause();
      socket.unshift(chunk);
      const serve = (connection: Socket) => {
        for (const listener of httpListeners) listener.call(server, connection);
        process.nextTick(() => socket.resume());
      };
      if (chunk[0] !== TLS_HANDSHAKE_RECORD) return serve(socket);
      secureContext.then(
        (context) => serve(decrypted(socket, context)),
        () => socket.destroy(),
      );
    });
    // A client that connects and fails before sending a byte: nothing to serve, nothing to crash on.
    socket.once('error', () => socket.destroy());
  });
}

function decrypted(socket: Socket, secureContext: ReturnType<typeof createSecureContext>): Socket {
  const tlsSocket = new TLSSocket(socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
  // A failed handshake (an untrusted certificate, a client that gives up) ends this connection only.
  tlsSocket.on('error', () => tlsSocket.destroy());
  return tlsSocket;
}
