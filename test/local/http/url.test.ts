import { accessLogLine } from '../../../local/http/access-log';
import { firstValue, parseQuery, splitTarget } from '../../../local/http/url';

describe('splitTarget', () => {
  test('keeps the path as sent (still encoded) and the raw query', () => {
    expect(splitTarget('/a%2Fb/c?x=1&y=%20')).toEqual({ path: '/a%2Fb/c', rawQuery: 'x=1&y=%20' });
    expect(splitTarget('/graphql')).toEqual({ path: '/graphql', rawQuery: '' });
    expect(splitTarget(undefined)).toEqual({ path: '/', rawQuery: '' });
  });
});

describe('parseQuery', () => {
  test('decodes names and values, + as a space, and keeps repeated names in order', () => {
    const query = parseQuery('a=1&b=x+y&a=2&c&d=%E2%9C%93');
    expect({ ...query }).toEqual({ a: ['1', '2'], b: 'x y', c: '', d: '✓' });
    expect(firstValue(query, 'a')).toBe('1');
    expect(firstValue(query, 'missing')).toBeUndefined();
  });

  test('keeps invalid percent-encoding as sent, and treats __proto__ as an ordinary name', () => {
    const query = parseQuery('bad=%E2%9C&__proto__=x');
    expect(firstValue(query, 'bad')).toBe('%E2%9C');
    expect(firstValue(query, '__proto__')).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('accessLogLine', () => {
  test('logs the path without the query (a presigned URL holds a signature and a token)', () => {
    const line = accessLogLine({
      service: 'lambda',
      requestId: 'r-1',
      method: 'POST',
      url: '/fn?X-Amz-Signature=secret&X-Amz-Security-Token=token',
      detail: 'ok',
      status: 200,
      elapsedMs: 3,
    });
    expect(line).toBe('lambda r-1 POST /fn ok -> 200 (3 ms)');
  });

  test('says when no response was sent, and keeps a line one line', () => {
    expect(accessLogLine({ service: 'appsync', requestId: 'r', method: undefined, url: '/a\r\nb', status: undefined, elapsedMs: 0 })).toBe(
      'appsync r ? /a b -> no response (0 ms)',
    );
  });
});
