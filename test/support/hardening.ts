/** Small helpers shared by the hardening suites (test/hardening). */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import * as net from 'node:net';
import { createSigV4Signer } from '../../lambda/shared/sigv4';

export interface GraphqlReply {
  readonly status: number;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly headers: Headers;
  readonly ms: number;
}

/** POSTs a raw body (string or bytes) to a URL and reads the whole answer. */
export async function post(url: string, body: string | Uint8Array, headers: Record<string, string>, signal?: AbortSignal): Promise<GraphqlReply> {
  const started = Date.now();
  const response = await fetch(url, { method: 'POST', headers, body: body as BodyInit, signal });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json, headers: response.headers, ms: Date.now() - started };
}

/** A GraphQL client for one endpoint and API key. */
export function apiKeyClient(url: string, apiKey: string) {
  const headers = { 'content-type': 'application/json', 'x-api-key': apiKey };
  return {
    raw: (body: string | Uint8Array, extraHeaders: Record<string, string> = {}, signal?: AbortSignal) =>
      post(url, body, { ...headers, ...extraHeaders }, signal),
    query: (query: string, variables?: unknown, signal?: AbortSignal) => post(url, JSON.stringify({ query, variables }), headers, signal),
  };
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * The value with its last character replaced by another: a near miss that is always wrong (appending a fixed letter
 * instead gave the value itself back whenever it already ended with that letter, one random secret in 60 or so).
 */
export function withLastCharacterChanged(value: string): string {
  return value.slice(0, -1) + (value.endsWith('a') ? 'b' : 'a');
}

export async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Live processes whose working directory is inside `dir`: the local Lambda workers run with their function's code
 * folder as working directory, so this finds every worker of an assembly, whoever started it.
 */
export function processesWorkingIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      if ((cwd === dir || cwd.startsWith(`${dir}/`)) && isAlive(Number(entry))) found.push(Number(entry));
    } catch {
      // gone, or not ours to look at
    }
  }
  return found;
}

/** Opens a TCP connection, writes `data`, and resets the connection after `afterMs` (a client that goes away mid-request). */
export function resetMidRequest(port: number, data: string, afterMs = 50): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(data);
      setTimeout(() => {
        socket.resetAndDestroy();
        resolve();
      }, afterMs);
    });
    socket.on('error', () => resolve());
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POSTs a raw body signed with SigV4 by the core (its body hash, node:crypto's, sent as x-amz-content-sha256; the
 * server hashes the body itself either way).
 */
export async function signedPost(
  url: string,
  body: string | Uint8Array,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  options: { service: string; region: string; headers?: Record<string, string> },
): Promise<GraphqlReply> {
  const target = new URL(url);
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const signer = createSigV4Signer({ service: options.service, region: options.region, credentials, applyChecksum: true });
  const query = Object.fromEntries(target.searchParams.entries());
  const signed = await signer.sign({
    method: 'POST',
    protocol: target.protocol,
    hostname: target.hostname,
    port: Number(target.port),
    path: target.pathname,
    query,
    headers: { host: target.host, ...options.headers },
    body: bytes,
  });
  return post(url, bytes, signed.headers as Record<string, string>);
}
