/**
 * Reads the AWS SigV4 test suite in place (SIGV4_SUITE_DIR, else shared/sigv4-test-suite next to the repository):
 * nothing of it is copied into the repository. One reader for both sides: the client's signer test
 * (test/lambda/shared/sigv4-vectors.test.ts) and the local AppSync verifier's test (test/local/iam/sigv4.test.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SigV4Request } from '../../local/iam/sigv4';

/** Where the suite is looked for when SIGV4_SUITE_DIR is not set: /work/shared next to the repository. */
export const DEFAULT_SIGV4_SUITE_DIR = path.resolve(__dirname, '../../../shared/sigv4-test-suite');

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
export interface SuiteRequest {
  readonly method: string;
  /** The request target up to `?`, as written (may hold spaces or raw UTF-8). */
  readonly path: string;
  /** After `?`, as written; '' when absent. */
  readonly query: string;
  /** In order, names as written, repeated names kept, values trimmed, folded continuation lines joined with a space. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

/** One signed form of a vector (`header-*` or `query-*` files). */
export interface SignedForm {
  readonly request: SuiteRequest;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

export interface SigV4Vector {
  readonly name: string;
  readonly context: VectorContext;
  /** request.txt: the request before signing. */
  readonly request: SuiteRequest;
  /** The Authorization-header form and the presigned (query) form. */
  readonly header: SignedForm;
  readonly query: SignedForm;
  /** The Authorization header of the header form. */
  readonly authorization: string;
}

export interface SigV4Suite {
  /** The suite's v4 folder; undefined when it was not found (the vectors are then empty). */
  readonly dir: string | undefined;
  readonly vectors: readonly SigV4Vector[];
  /** `describe` when the suite was found, else `describe.skip`. */
  readonly describe: jest.Describe;
  /** The vector of that name; throws when the suite lacks it. */
  vector(name: string): SigV4Vector;
}

/** The suite's v4 folder: SIGV4_SUITE_DIR first, then DEFAULT_SIGV4_SUITE_DIR; undefined when neither exists. */
export function findSigV4Suite(): string | undefined {
  for (const dir of [process.env.SIGV4_SUITE_DIR, DEFAULT_SIGV4_SUITE_DIR]) {
    if (dir === undefined || dir === '') {
      continue;
    }
    const v4 = path.basename(dir) === 'v4' ? dir : path.join(dir, 'v4');
    if (existsSync(v4)) {
      return v4;
    }
  }
  return undefined;
}

/** Finds and reads the suite; when it is missing, says so in the jest output (`what` names the cases skipped). */
export function openSigV4Suite(what: string): SigV4Suite {
  const dir = findSigV4Suite();
  if (dir === undefined) {
    console.warn(
      `SKIPPED ${what}: the AWS SigV4 test suite was not found. Set SIGV4_SUITE_DIR, or put it at ${DEFAULT_SIGV4_SUITE_DIR} ` +
        '(the shared/ folder next to the project).',
    );
  }
  const vectors = dir === undefined ? [] : loadSigV4Vectors(dir);
  return {
    dir,
    vectors,
    describe: dir === undefined ? describe.skip : describe,
    vector: (name) => {
      const found = vectors.find((vector) => vector.name === name);
      if (found === undefined) {
        throw new Error(`the SigV4 test suite has no vector ${name}`);
      }
      return found;
    },
  };
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
  const form = (prefix: 'header' | 'query'): SignedForm => ({
    request: parseSuiteRequest(read(`${prefix}-signed-request.txt`)),
    canonicalRequest: read(`${prefix}-canonical-request.txt`),
    stringToSign: read(`${prefix}-string-to-sign.txt`),
  });
  const header = form('header');
  const authorization = header.request.headers.find(([field]) => field.toLowerCase() === 'authorization')?.[1];
  if (authorization === undefined) {
    throw new Error(`${name}/header-signed-request.txt has no Authorization header`);
  }
  return {
    name,
    context: JSON.parse(read('context.json')) as VectorContext,
    request: parseSuiteRequest(read('request.txt')),
    header,
    query: form('query'),
    authorization,
  };
}

export function parseSuiteRequest(text: string): SuiteRequest {
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
    query: queryStart < 0 ? '' : target.slice(queryStart + 1),
    headers,
    body,
  };
}

/** Repeated headers joined with ',' (lower-cased names), the way SigV4 canonicalises them. */
export function joinedHeaders(request: SuiteRequest): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of request.headers) {
    const key = name.toLowerCase();
    joined[key] = joined[key] === undefined ? value : `${joined[key]},${value}`;
  }
  return joined;
}

/** Repeated headers as arrays (lower-cased names), the way Node's `req.headersDistinct` gives them to a server. */
export function distinctHeaders(request: SuiteRequest): Record<string, string[]> {
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

/** A suite request as a Node server receives it: the verifier's input. */
export interface ReceivedSuiteRequest extends SigV4Request {
  readonly headers: Readonly<Record<string, readonly string[]>>;
}

export function asReceived(request: SuiteRequest): ReceivedSuiteRequest {
  return { method: request.method, path: request.path, query: request.query, headers: distinctHeaders(request), body: Buffer.from(request.body, 'utf8') };
}
