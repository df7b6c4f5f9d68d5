/**
 * The local console's HTTP side, as a node:http request handler mounted on the AppSync endpoint's server (same port,
 * no extra service). It owns `/`, `/favicon.ico` and everything under `/console/`:
 *
 * - `GET /`: the page (gate.ts: the printed URL's token sets a cookie and redirects here; the cookie serves it);
 * - `GET /console/assets/<file>`: the built script and stylesheet (assets.ts);
 * - `/console/api/...`: the JSON API the page drives, each request gated by Host, Origin and the token header:
 *
 *   | method | path | answers |
 *   | --- | --- | --- |
 *   | GET | /console/api/apis | `{apis, profiles}` (graphql.ts) |
 *   | POST | /console/api/graphql | `{apiId, authMode, profile?, query, variables?, operationName?}` → AppSync's answer |
 *   | GET | /console/api/functions | `{functions}` (functions.ts) |
 *   | GET | /console/api/functions/{name}/test-events | `{events, saved}` (test-events.ts) |
 *   | PUT | /console/api/functions/{name}/test-events/{event} | `{event: "<JSON text>"}` → `{events, saved}` |
 *   | DELETE | /console/api/functions/{name}/test-events/{event} | `{events, saved}` |
 *   | POST | /console/api/functions/{name}/invoke | `{event: "<JSON text>"}` → the execution result (invoke.ts) |
 *   | GET | /console/api/tables | `{tables}` (tables.ts) |
 *   | GET | /console/api/tables/{name}/items?limit=&cursor= | a page of items |
 *
 * Errors are `{"error":{"code","message"}}` with the status of their class (errors.ts). No CORS header is ever sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessLogLine, firstValue, newRequestId, oneLine, parseQuery, readBody, safeLog, sendResponse, splitTarget } from '../http';
import { MAX_SYNC_REQUEST_BYTES } from '../lambda/types';
import { buildProblem, pageHtml, readAsset, refusalHtml } from './assets';
import {
  ConsoleError,
  ConsoleInternalError,
  InvalidRequestError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnknownFunctionError,
} from './errors';
import type { FunctionDescription } from './functions';
import { type ConsoleGate, PageAccess, TOKEN_QUERY_PARAMETER } from './gate';
import type { GraphqlConsole } from './graphql';
import { type Invoke, invokeForTest } from './invoke';
import type { TableBrowser } from './tables';
import type { TestEventStore } from './test-events';

/** An event of up to Lambda's 6 MB, as a JSON string inside the request's JSON (escaping can double it). */
export const MAX_API_BODY_BYTES = 2 * MAX_SYNC_REQUEST_BYTES + 65_536;

export interface ConsoleHandlerDependencies {
  readonly gate: ConsoleGate;
  readonly graphql: GraphqlConsole;
  readonly functions: readonly FunctionDescription[];
  readonly testEvents: TestEventStore;
  readonly invoke: Invoke;
  readonly tables: TableBrowser;
  /** One line per request, never a secret. */
  readonly log: (line: string) => void;
}

export type ConsoleRequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** The paths the console owns on the AppSync endpoint's server; everything else is AppSync's. */
export function isConsolePath(url: string | undefined): boolean {
  const { path } = splitTarget(url);
  return path === '/' || path === '/favicon.ico' || path === '/console' || path.startsWith('/console/');
}

/** Headers of every answer: nothing cached, nothing sniffed, never framed, no referrer (the page's URL may hold the token). */
const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * The page runs only its own script and styles (GraphiQL's editor sets inline styles, its fonts and icons are data:
 * URLs) and talks only to this origin.
 */
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

interface Answer {
  readonly status: number;
  readonly body: string | Buffer;
  readonly headers: Record<string, string>;
}

export function createConsoleHandler(deps: ConsoleHandlerDependencies): ConsoleRequestHandler {
  const functionsByName = new Map(deps.functions.map((fn) => [fn.name, fn]));
  const findFunction = (name: string) => {
    const fn = functionsByName.get(name);
    if (!fn) throw new UnknownFunctionError(name);
    return fn;
  };

  return (req, res) => {
    const requestId = newRequestId();
    const started = Date.now();
    const notes: string[] = [];
    route(req, notes)
      .catch((error: unknown) => errorAnswer(error, req, notes))
      .then((answer) => {
        sendResponse(res, answer.status, { ...COMMON_HEADERS, 'x-amzn-RequestId': requestId, ...answer.headers }, answer.body);
        safeLog(
          deps.log,
          accessLogLine({
            service: 'console',
            requestId,
            method: req.method,
            url: req.url,
            detail: notes.join(' '),
            status: answer.status,
            elapsedMs: Date.now() - started,
          }),
        );
      });
  };

  async function route(req: IncomingMessage, notes: string[]): Promise<Answer> {
    const host = deps.gate.checkHost(req.headers);
    const { path, rawQuery } = splitTarget(req.url);
    const method = (req.method ?? 'GET').toUpperCase();
    if (path === '/') return page(req, method, rawQuery, notes);
    if (path === '/favicon.ico') return { status: 204, body: '', headers: {} };
    if (path.startsWith('/console/assets/')) return asset(method, path);
    if (path.startsWith('/console/api/')) {
      deps.gate.checkSameOrigin(req.headers, host);
      deps.gate.checkApiToken(req.headers);
      return json(200, await api(req, method, path, rawQuery, notes));
    }
    throw new NotFoundError(path);
  }

  function page(req: IncomingMessage, method: string, rawQuery: string, notes: string[]): Answer {
    if (method !== 'GET' && method !== 'HEAD') throw new MethodNotAllowedError(method, ['GET']);
    const access = deps.gate.pageAccess(req.headers, firstValue(parseQuery(rawQuery), TOKEN_QUERY_PARAMETER));
    if (access === PageAccess.TokenInUrl) {
      notes.push('token accepted: cookie set');
      // 303 to the bare path: the token leaves the address bar and the history.
      return { status: 303, body: '', headers: { location: '/', 'set-cookie': deps.gate.sessionCookie() } };
    }
    const problem = buildProblem();
    if (problem) notes.push('page not built');
    return {
      status: 200,
      body: pageHtml(deps.gate.token, problem),
      headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP },
    };
  }

  function asset(method: string, path: string): Answer {
    if (method !== 'GET' && method !== 'HEAD') throw new MethodNotAllowedError(method, ['GET']);
    const found = readAsset(path.slice('/console/assets/'.length));
    if (!found) throw new NotFoundError(path);
    return { status: 200, body: found.content, headers: { 'content-type': found.contentType, 'content-security-policy': API_CSP } };
  }

  async function api(req: IncomingMessage, method: string, path: string, rawQuery: string, notes: string[]): Promise<unknown> {
    const segments = pathSegments(path.slice('/console/api/'.length));
    const expect = (...allowed: string[]) => {
      if (!allowed.includes(method)) throw new MethodNotAllowedError(method, allowed);
    };
    const [resource, name, sub, item, ...rest] = segments;
    if (rest.length > 0) throw new NotFoundError(path);
    switch (resource) {
      case 'apis':
        if (segments.length !== 1) break;
        expect('GET');
        return { apis: deps.graphql.apis(), profiles: deps.graphql.profiles() };
      case 'graphql': {
        if (segments.length !== 1) break;
        expect('POST');
        const request = await jsonBody(req);
        notes.push(
          `graphql api=${String(request.apiId).slice(0, 40)} auth=${String(request.authMode).slice(0, 20)}${request.profile ? ` profile=${String(request.profile).slice(0, 80)}` : ''}`,
        );
        return deps.graphql.send(request);
      }
      case 'functions':
        if (segments.length === 1) {
          expect('GET');
          return { functions: deps.functions };
        }
        return functionApi(req, method, findFunction(name).name, sub, item, segments.length, expect, notes);
      case 'tables':
        if (segments.length === 1) {
          expect('GET');
          return { tables: await deps.tables.list() };
        }
        if (segments.length === 3 && sub === 'items') {
          expect('GET');
          const query = parseQuery(rawQuery);
          notes.push(`items table=${name.slice(0, 80)}`);
          return deps.tables.page(name, { limit: firstValue(query, 'limit'), cursor: firstValue(query, 'cursor') });
        }
        break;
    }
    throw new NotFoundError(path);
  }

  async function functionApi(
    req: IncomingMessage,
    method: string,
    functionName: string,
    sub: string | undefined,
    eventName: string | undefined,
    depth: number,
    expect: (...allowed: string[]) => void,
    notes: string[],
  ): Promise<unknown> {
    if (sub === 'invoke' && depth === 3) {
      expect('POST');
      const { event } = await jsonBody(req);
      if (typeof event !== 'string') throw new InvalidRequestError('event must be the event as JSON text (a string), e.g. "{\\"limit\\": 20}".');
      notes.push(`invoke ${functionName}`);
      return invokeForTest(deps.invoke, functionName, event);
    }
    if (sub === 'test-events' && depth === 3) {
      expect('GET');
      return deps.testEvents.list(functionName);
    }
    if (sub === 'test-events' && depth === 4 && eventName !== undefined) {
      expect('PUT', 'DELETE');
      notes.push(`${method === 'PUT' ? 'save' : 'delete'} test event of ${functionName}`);
      if (method === 'DELETE') return deps.testEvents.remove(functionName, eventName);
      const { event } = await jsonBody(req);
      return deps.testEvents.save(functionName, eventName, event);
    }
    throw new NotFoundError(`/console/api/functions/${functionName}/${sub ?? ''}`);
  }

  function errorAnswer(error: unknown, req: IncomingMessage, notes: string[]): Answer {
    const known = error instanceof ConsoleError ? error : undefined;
    if (!known) notes.push(`internal error: ${oneLine((error as Error)?.message ?? String(error)).slice(0, 300)}`);
    const refusal = known ?? new ConsoleInternalError({ cause: error });
    notes.push(refusal.code);
    const extra: Record<string, string> = refusal instanceof MethodNotAllowedError ? { allow: refusal.allowed.join(', ') } : {};
    // A person opening the page gets words, a script gets JSON.
    if (splitTarget(req.url).path === '/' && refusal.status !== 405) {
      return {
        status: refusal.status,
        body: refusalHtml(refusal.message),
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': API_CSP },
      };
    }
    const answer = json(refusal.status, undefined, refusal.toBody());
    return { ...answer, headers: { ...answer.headers, ...extra } };
  }
}

function json(status: number, value: unknown, text = JSON.stringify(value)): Answer {
  return { status, body: text, headers: { 'content-type': 'application/json; charset=utf-8', 'content-security-policy': API_CSP } };
}

/** Path segments, each percent-decoded (a name may hold any character); a malformed encoding is the caller's mistake. */
function pathSegments(path: string): string[] {
  return path
    .split('/')
    .filter((segment, index, all) => segment !== '' || index < all.length - 1)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new InvalidRequestError(`The path segment ${JSON.stringify(segment.slice(0, 80))} is not validly URL-encoded.`);
      }
    });
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const read = await readBody(req, { maxBytes: MAX_API_BODY_BYTES, maxDrainedBytes: MAX_API_BODY_BYTES * 2, refuseEarly: true });
  if (read.kind === 'too-large') throw new PayloadTooLargeError(MAX_API_BODY_BYTES);
  if (read.kind === 'aborted') throw new InvalidRequestError('The request body was cut short.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.body.toString('utf8'));
  } catch (error) {
    throw new InvalidRequestError(`The request body is not JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidRequestError('The request body must be a JSON object.');
  return parsed as Record<string, unknown>;
}
