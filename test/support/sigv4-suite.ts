/**
 * Reads the AWS SigV4 test suite (shared/sigv4-test-suite, outside the repository) in place: it is never copied into
 * the repository.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

export interface VectorContext {
  readonly credentials: { readonly access_key_id: string; readonly secret_access_key: string; readonly token?: string };
  readonly normalize: boolean;
  readonly region: string;
  readonly service: string;
  readonly sign_body: boolean;
  readonly timestamp: string;
  readonly omit_session_token?: boolean;
}

/** A request as written in the suite's .txt files. */
export interface RawHttpRequest {
  readonly method: string;
  /** The request target up to `?`, as written (may hold spaces or raw UTF-8). */
  readonly path: string;
  /** After `?`, as written; '' when absent. */
  readonly rawQuery: string;
  /** In order, repeated names kept, folded continuation lines joined with a space. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

export interface SigV4Vector {
  readonly name: string;
  readonly context: VectorContext;
  readonly request: RawHttpRequest;
  readonly signedRequest: RawHttpRequest;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly authorization: string;
}

/** The suite folder: SIGV4_SUITE_DIR first, then the candidates; undefined when none exists. */
export function findSigV4Suite(candidates: readonly string[]): string | undefined {
  const all = [process.env.SIGV4_SUITE_DIR, ...candidates].filter((dir): dir is string => dir !== undefined && dir !== '');
  for (const dir of all) {
    const v4 = path.basename(dir) === 'v4' ? dir : path.join(dir, 'v4');
    if (existsSync(v4)) {
      return v4;
    }
  }
  return undefined;
}

export function loadSigV4Vectors(v4Dir: string): SigV4Vector[] {
  return readdirSync(v4Dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => loadVector(v4Dir, name));
}

function loadVector(v4Dir: string, name: string): SigV4Vector {
  const read = (file: string) => readFileSync(path.join(v4Dir, name, file), 'utf8');
  const signedRequest = parseRawRequest(read('header-signed-request.txt'));
  const authorization = signedRequest.headers.find(([header]) => header.toLowerCase() === 'authorization')?.[1];
  if (authorization === undefined) {
    throw new Error(`${name}/header-signed-request.txt has no Authorization header`);
  }
  return {
    name,
    context: JSON.parse(read('context.json')) as VectorContext,
    request: parseRawRequest(read('request.txt')),
    signedRequest,
    canonicalRequest: read('header-canonical-request.txt'),
    stringToSign: read('header-string-to-sign.txt'),
    authorization,
  };
}

export function parseRawRequest(text: string): RawHttpRequest {
  const separator = text.indexOf('\n\n');
  const head = separator < 0 ? text : text.slice(0, separator);
  const body = separator < 0 ? '' : text.slice(separator + 2);
  const [requestLine, ...headerLines] = head.split('\n');
  // The target may hold spaces (get-space-*): the method ends at the first space, the version starts at the last.
  const method = requestLine.slice(0, requestLine.indexOf(' '));
  const target = requestLine.slice(requestLine.indexOf(' ') + 1, requestLine.lastIndexOf(' '));
  const queryStart = target.indexOf('?');
  const headers: Array<[string, string]> = [];
  for (const line of headerLines) {
    if (line === '') {
      continue;
    }
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1];
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  return {
    method,
    path: queryStart < 0 ? target : target.slice(0, queryStart),
    rawQuery: queryStart < 0 ? '' : target.slice(queryStart + 1),
    headers,
    body,
  };
}

/** Repeated headers joined with ',' (lower-cased names), the way SigV4 canonicalises them. */
export function joinedHeaders(request: RawHttpRequest): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of request.headers) {
    const key = name.toLowerCase();
    joined[key] = joined[key] === undefined ? value : `${joined[key]},${value}`;
  }
  return joined;
}

/** Repeated headers as arrays, the way Node's `req.headersDistinct` gives them to a server. */
export function distinctHeaders(request: RawHttpRequest): Record<string, string[]> {
  const distinct: Record<string, string[]> = {};
  for (const [name, value] of request.headers) {
    (distinct[name.toLowerCase()] ??= []).push(value);
  }
  return distinct;
}

/** Decoded query parameters, repeated names as arrays. */
export function decodedQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const pair of rawQuery.split('&').filter((part) => part !== '')) {
    const separator = pair.indexOf('=');
    const name = decodeURIComponent(separator < 0 ? pair : pair.slice(0, separator));
    const value = separator < 0 ? '' : decodeURIComponent(pair.slice(separator + 1));
    const existing = query[name];
    query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return query;
}
