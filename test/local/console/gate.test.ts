import { BadHostError, CrossOriginError, MissingTokenError, WrongTokenError } from '../../../local/console/errors';
import { ConsoleGate, cookieValue, isLoopbackSafeHost, PageAccess, TOKEN_HEADER } from '../../../local/console/gate';

const TOKEN = 'a'.repeat(43);
const gate = () => ConsoleGate.create(20002, TOKEN);

describe('the console gate', () => {
  test.each([
    ['127.0.0.1:20002', true],
    ['localhost:20002', true],
    ['LOCALHOST:20002', true],
    ['[::1]:20002', true],
    ['192.168.1.20:20002', true],
    ['127.0.0.1:20003', false],
    ['127.0.0.1', false],
    ['evil.example:20002', false],
    ['localhost.evil.example:20002', false],
    ['evil.localhost:20002', false],
    ['127.0.0.1.nip.io:20002', false],
    ['localhost.:20002', false],
    ['[::1', false],
    ['::1:20002', false],
    ['', false],
  ])('Host %j is %s', (host, allowed) => {
    expect(isLoopbackSafeHost(host, 20002)).toBe(allowed);
  });

  test('a Host that could be a rebinding name is refused with 403 BadHost', () => {
    expect(() => gate().checkHost({ host: 'attacker.example:20002' })).toThrow(BadHostError);
    expect(() => gate().checkHost({})).toThrow(BadHostError);
    expect(gate().checkHost({ host: '127.0.0.1:20002' })).toBe('127.0.0.1:20002');
  });

  test('API requests from another origin or site are refused; same-origin and non-browser ones pass', () => {
    const host = '127.0.0.1:20002';
    expect(() => gate().checkSameOrigin({ origin: 'http://127.0.0.1:3000' }, host)).toThrow(CrossOriginError);
    expect(() => gate().checkSameOrigin({ origin: 'null' }, host)).toThrow(CrossOriginError);
    expect(() => gate().checkSameOrigin({ origin: 'http://localhost:20002' }, host)).toThrow(CrossOriginError);
    expect(() => gate().checkSameOrigin({ 'sec-fetch-site': 'same-site' }, host)).toThrow(CrossOriginError);
    expect(() => gate().checkSameOrigin({ 'sec-fetch-site': 'cross-site' }, host)).toThrow(CrossOriginError);
    expect(() => gate().checkSameOrigin({ 'sec-fetch-site': 'none' }, host)).toThrow(CrossOriginError);
    expect(() => gate().checkSameOrigin({ origin: `http://${host}`, 'sec-fetch-site': 'same-origin' }, host)).not.toThrow();
    expect(() => gate().checkSameOrigin({}, host)).not.toThrow();
  });

  test('the API needs the token in its header; a cookie alone never suffices', () => {
    expect(() => gate().checkApiToken({})).toThrow(MissingTokenError);
    expect(() => gate().checkApiToken({ cookie: `local_console_20002=${TOKEN}` })).toThrow(MissingTokenError);
    expect(() => gate().checkApiToken({ [TOKEN_HEADER]: 'b'.repeat(43) })).toThrow(WrongTokenError);
    expect(() => gate().checkApiToken({ [TOKEN_HEADER]: TOKEN.slice(1) })).toThrow(WrongTokenError);
    expect(() => gate().checkApiToken({ [TOKEN_HEADER]: [TOKEN, TOKEN] })).toThrow(MissingTokenError);
    expect(() => gate().checkApiToken({ [TOKEN_HEADER]: TOKEN })).not.toThrow();
  });

  test('the page opens with the printed URL, then with the cookie it set', () => {
    expect(gate().pageAccess({}, TOKEN)).toBe(PageAccess.TokenInUrl);
    expect(gate().pageAccess({ cookie: `other=1; local_console_20002=${TOKEN}` }, undefined)).toBe(PageAccess.Cookie);
    expect(() => gate().pageAccess({}, undefined)).toThrow(MissingTokenError);
    expect(() => gate().pageAccess({}, 'wrong')).toThrow(WrongTokenError);
    // Another local cloud's cookie (another port) is not this one's.
    expect(() => gate().pageAccess({ cookie: `local_console_20003=${TOKEN}` }, undefined)).toThrow(MissingTokenError);
    expect(() => gate().pageAccess({ cookie: `local_console_20002=${'c'.repeat(43)}` }, undefined)).toThrow(WrongTokenError);
  });

  test('the cookie is HttpOnly, SameSite=Strict, and named after the port', () => {
    expect(gate().sessionCookie()).toBe(`local_console_20002=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`);
  });

  test('a new gate has a new random token of 256 bits; a short or odd token is refused', () => {
    const tokens = new Set([ConsoleGate.create(1).token, ConsoleGate.create(1).token]);
    expect(tokens.size).toBe(2);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(() => ConsoleGate.create(1, 'short')).toThrow();
    expect(() => ConsoleGate.create(1, `${'a'.repeat(40)};x=y`)).toThrow();
  });

  test('cookieValue reads one cookie of a header', () => {
    expect(cookieValue('a=1; b=2', 'b')).toBe('2');
    expect(cookieValue('ab=1', 'b')).toBeUndefined();
    expect(cookieValue(undefined, 'b')).toBeUndefined();
  });
});
