/**
 * Reads the AWS SigV4 test suite in place (SIGV4_SUITE_DIR, else /work/shared/sigv4-test-suite next to the
 * repository); nothing of it is copied into the repository.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

export interface VectorContext {
  readonly credentials: { readonly access_key_id: string; readonly secret_access_key: string; readonly token?: string };
  readonly normalize: boolean;
  readonly region: string;
  readonly service: string;
  readonly timestamp: string;
  readonly omit_session_token?: boolean;
}

export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** Lower-case names; repeated headers in order; folded lines joined with a space. */
  readonly headers: Record<string, string[]>;
  readonly body: Buffer;
}

export interface Vector {
  readonly name: string;
  readonly context: VectorContext;
  readonly headerForm: RawRequest;
  readonly queryForm: RawRequest;
  readonly headerCanonicalRequest: string;
  readonly queryCanonicalRequest: string;
}

export function sigv4SuiteDir(): string | undefined {
  const candidates = [process.env.SIGV4_SUITE_DIR, path.resolve(__dirname, '../../../shared/sigv4-test-suite')];
  for (const dir of candidates) {
    if (!dir) continue;
    const v4 = path.basename(dir) === 'v4' ? dir : path.join(dir, 'v4');
    if (existsSync(v4)) return v4;
  }
  return undefined;
}

export function loadVectors(v4Dir: string): Vector[] {
  return readdirSync(v4Dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const read = (file: string) => readFileSync(path.join(v4Dir, name, file), 'utf8');
      return {
        name,
        context: JSON.parse(read('context.json')) as VectorContext,
        headerForm: parseRequest(read('header-signed-request.txt')),
        queryForm: parseRequest(read('query-signed-request.txt')),
        headerCanonicalRequest: read('header-canonical-request.txt'),
        queryCanonicalRequest: read('query-canonical-request.txt'),
      };
    });
}

export function parseRequest(text: string): RawRequest {
  const separator = text.indexOf('\n\n');
  const head = separator < 0 ? text.replace(/\n$/, '') : text.slice(0, separator);
  const body = separator < 0 ? '' : text.slice(separator + 2);
  const [requestLine, ...lines] = head.split('\n');
  const method = requestLine.slice(0, requestLine.indexOf(' '));
  // The target may hold spaces (get-space-*): it runs from the first space to the last.
  const target = requestLine.slice(requestLine.indexOf(' ') + 1, requestLine.lastIndexOf(' '));
  const q = target.indexOf('?');
  const headers: Record<string, string[]> = {};
  let last: string[] | undefined;
  for (const line of lines) {
    if (line === '') continue;
    if (/^[ \t]/.test(line) && last) {
      last[last.length - 1] = `${last[last.length - 1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    last = headers[name] ??= [];
    last.push(line.slice(colon + 1));
  }
  return { method, path: q < 0 ? target : target.slice(0, q), query: q < 0 ? '' : target.slice(q + 1), headers, body: Buffer.from(body, 'utf8') };
}
