/**
 * Who may drive the local console. Its API invokes functions, reads every table and signs GraphQL requests as any
 * profile, the admin included, so a wrong allow here is the worst bug the console can have. The threats are the
 * pages the user visits while the local cloud runs:
 *
 * - **CSRF**: a page of any origin can make the browser send requests (forms, `fetch` with `no-cors`, images) to
 *   `127.0.0.1:20002`, with the browser's cookies for that host. Cookies are per host, not per port, and SameSite is
 *   per *site* (scheme + host, ports ignored): a page on `http://127.0.0.1:3000` is same-site with the console, so a
 *   SameSite=Strict cookie alone would not stop it. So the API never trusts a cookie: every API request must carry
 *   the token of this start in the `x-local-console-token` header. A page cannot learn the token (it is only in the
 *   console's own page, which the same-origin policy keeps other origins from reading), and a cross-origin request
 *   with a custom header needs a CORS preflight, which the console never grants. On top of that, an API request
 *   whose `Origin` is not the console's own, or whose `Sec-Fetch-Site` is not `same-origin`, is refused.
 * - **DNS rebinding**: a page on `http://evil.example:20002` whose name is made to resolve to 127.0.0.1 becomes
 *   same-origin with itself, not with the console, but its requests reach the console's port. Its `Host` header
 *   names `evil.example`: every request (page, assets, API) whose Host is not `localhost` or an IP address, on the
 *   console's port, is refused. (A rebinding attack needs a DNS name; an IP literal or `localhost` cannot be one.)
 * - **Clickjacking**: the page may not be framed (`frame-ancestors 'none'`, `X-Frame-Options: DENY`).
 * - **Secrets in the page**: none. The API key, secret keys and session tokens stay in this process; the console
 *   signs and sends GraphQL requests itself (graphql.ts) and masks secrets in function environments (functions.ts).
 *
 * How the page gets the token: `npm start` prints `http://127.0.0.1:20002/?token=<token>`. Opening it sets the
 * token as a cookie (HttpOnly, SameSite=Strict, named after the port so that two local clouds do not clobber each
 * other's) and redirects to `/`, so the token leaves the address bar and the history. `/` is served only with that
 * cookie, and holds the token in a `<meta>` element for the page's own script to put in its API requests' header.
 * A new start has a new token: an open page of an earlier start is told to open the new URL.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { BadHostError, CrossOriginError, MissingTokenError, WrongTokenError } from './errors';

/** The header every API request carries the token in. */
export const TOKEN_HEADER = 'x-local-console-token';
/** The query parameter of the printed URL. */
export const TOKEN_QUERY_PARAMETER = 'token';

type Headers = NodeJS.Dict<string | string[]>;

/** What a request for the page presents. */
export enum PageAccess {
  /** The printed URL's `?token=`, right: set the cookie and redirect to `/`. */
  TokenInUrl = 'token-in-url',
  /** The cookie of this start: serve the page. */
  Cookie = 'cookie',
}

export class ConsoleGate {
  private readonly tokenBytes: Buffer;

  private constructor(
    readonly token: string,
    readonly port: number,
  ) {
    this.tokenBytes = Buffer.from(token, 'utf8');
  }

  /** A gate for the console on `port`, with a new random token (256 bits) unless one is given (tests). */
  static create(port: number, token: string = randomBytes(32).toString('base64url')): ConsoleGate {
    if (token.length < 32 || !/^[A-Za-z0-9_-]+$/.test(token)) throw new Error('a console token is at least 32 URL-safe characters');
    return new ConsoleGate(token, port);
  }

  /** The cookie that holds the token: one per port, as cookies do not tell ports apart. */
  get cookieName(): string {
    return `local_console_${this.port}`;
  }

  /** `Set-Cookie` for the page: the browser sends it back only to this host (any port), never to other sites, never to scripts. */
  sessionCookie(): string {
    return `${this.cookieName}=${this.token}; Path=/; HttpOnly; SameSite=Strict`;
  }

  /** Every request: addressed to localhost or an IP address on the console's port. Returns the Host header. */
  checkHost(headers: Headers): string {
    const host = single(headers.host);
    if (host === undefined || !isLoopbackSafeHost(host, this.port)) throw new BadHostError(host, this.port);
    return host;
  }

  /** API requests: made by a page of the console's own origin (or by no page at all, e.g. curl, which has to present the token too). */
  checkSameOrigin(headers: Headers, host: string): void {
    const site = single(headers['sec-fetch-site']);
    if (site !== undefined && site !== 'same-origin') throw new CrossOriginError(`a ${site} page (Sec-Fetch-Site: ${site.slice(0, 40)})`);
    const origin = single(headers.origin);
    if (origin !== undefined && origin !== `http://${host}`) throw new CrossOriginError(`the origin ${origin.slice(0, 100)}`);
  }

  /** API requests: the token in the header (a cookie alone never suffices: see the module's comment). */
  checkApiToken(headers: Headers): void {
    const presented = single(headers[TOKEN_HEADER]);
    if (presented === undefined || presented === '') throw new MissingTokenError();
    if (!this.matches(presented)) throw new WrongTokenError();
  }

  /** The page: the printed URL's token, or the cookie it set. Throws MissingTokenError or WrongTokenError otherwise. */
  pageAccess(headers: Headers, queryToken: string | undefined): PageAccess {
    if (queryToken !== undefined) {
      if (this.matches(queryToken)) return PageAccess.TokenInUrl;
      throw new WrongTokenError();
    }
    const cookie = cookieValue(single(headers.cookie), this.cookieName);
    if (cookie === undefined) throw new MissingTokenError();
    if (!this.matches(cookie)) throw new WrongTokenError();
    return PageAccess.Cookie;
  }

  private matches(presented: string): boolean {
    const bytes = Buffer.from(presented, 'utf8');
    return bytes.length === this.tokenBytes.length && timingSafeEqual(bytes, this.tokenBytes);
  }
}

/**
 * `localhost` or an IP address (v4, or v6 in brackets), with exactly the console's port. Any other name could be a
 * rebinding one. Without a port, the Host means port 80.
 */
export function isLoopbackSafeHost(host: string, port: number): boolean {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host);
  if (!match) return false;
  const name = match[1].toLowerCase();
  const hostPort = match[2] === undefined ? 80 : Number(match[2]);
  if (hostPort !== port) return false;
  if (name === 'localhost') return true;
  const bare = name.startsWith('[') ? name.slice(1, -1) : name;
  return name.startsWith('[') ? isIP(bare) === 6 : isIP(bare) === 4;
}

/** One value of a header; a repeated security header is refused as if missing (it cannot be read unambiguously). */
function single(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
  return value;
}

/** The value of one cookie of a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}
