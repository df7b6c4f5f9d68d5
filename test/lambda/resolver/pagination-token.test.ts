import { createHmac, randomBytes } from 'node:crypto';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidNextTokenError } from '../../../lambda/resolver/errors';
import { decodeNextToken, encodeNextToken } from '../../../lambda/resolver/pagination-token';
import { appSyncEvent, expectResolverError, rejectionOf, TEST_TOKEN_KEY, useTodoTable } from './resolver-fixture';

const TODOS = { modelName: 'Todo', listField: 'listTodos' };

const table = useTodoTable();

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const UNCHANGED_ADVICE = 'pass the nextToken from a previous listTodos response unchanged';

function decodeError(token: string, key = TEST_TOKEN_KEY): Error {
  try {
    decodeNextToken(token, key, TODOS);
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error(`expected ${JSON.stringify(token)} to be refused`);
}

function expectRefused(token: string, key = TEST_TOKEN_KEY): void {
  const error = decodeError(token, key);
  expect(error).toBeInstanceOf(InvalidNextTokenError);
  expect(error.name).toBe('InvalidNextTokenException');
  expect(error.message).toMatch(/^InvalidNextTokenException: /);
  expect(error.message).toContain(UNCHANGED_ADVICE);
}

/** A token signed the way the resolver signs, around an arbitrary payload. */
function signedToken(payload: string, key = TEST_TOKEN_KEY): string {
  const encodedPayload = Buffer.from(payload).toString('base64url');
  const mac = createHmac('sha256', key).update('todo-resolver:listTodos:nextToken').update('\n').update(encodedPayload).digest();
  return `${encodedPayload}.${mac.toString('base64url')}`;
}

async function seedAndGetToken(): Promise<string> {
  const batch = Array.from({ length: 5 }, (_, index) => ({ PutRequest: { Item: { id: `t${index}`, __typename: 'Todo' } } }));
  await table.dynalite.documentClient.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: batch } }));
  const { nextToken } = await table.resolver.listTodos({ limit: 2 });
  if (nextToken === null) throw new Error('expected a second page');
  return nextToken;
}

describe('nextToken format', () => {
  test('round-trips the scan position, including ids with any characters', () => {
    for (const id of ['a', 'todo-0001', 'ünïcødé ✓', '{"v":1}', '.'.repeat(100), 'x'.repeat(2048)]) {
      expect(decodeNextToken(encodeNextToken({ id }, TEST_TOKEN_KEY, TODOS), TEST_TOKEN_KEY, TODOS)).toEqual({ id });
    }
  });

  test('is URL-safe and carries no padding', () => {
    expect(encodeNextToken({ id: 'any/id+with=chars?' }, TEST_TOKEN_KEY, TODOS)).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  test('is refused after flipping any single character', () => {
    const token = encodeNextToken({ id: 'todo-0042' }, TEST_TOKEN_KEY, TODOS);
    for (let position = 0; position < token.length; position++) {
      for (const replacement of [BASE64URL_ALPHABET[(BASE64URL_ALPHABET.indexOf(token[position]) + 1) % 64], '.']) {
        if (replacement === token[position]) continue;
        expectRefused(token.slice(0, position) + replacement + token.slice(position + 1));
      }
    }
  });

  test('is refused when truncated to any length, or extended', () => {
    const token = encodeNextToken({ id: 'todo-0042' }, TEST_TOKEN_KEY, TODOS);
    for (let length = 0; length < token.length; length++) expectRefused(token.slice(0, length));
    for (const suffix of ['A', '=', '==', ' ', '\n', '.', '.AAAA']) expectRefused(token + suffix);
  });

  test('is refused when signed with another key', () => {
    expectRefused(encodeNextToken({ id: 'todo-0042' }, 'some-other-deployment-key', TODOS));
  });

  test('is refused as random base64 of any shape', () => {
    for (let length = 1; length < 80; length += 3) {
      expectRefused(randomBytes(length).toString('base64url'));
      expectRefused(randomBytes(length).toString('base64'));
      expectRefused(`${randomBytes(length).toString('base64url')}.${randomBytes(32).toString('base64url')}`);
    }
  });

  test('an overlong token is refused as malformed before any MAC is computed', () => {
    expect(decodeError(`${'A'.repeat(5000)}.${randomBytes(32).toString('base64url')}`).message).toContain('nextToken is malformed');
  });

  test('is refused when its standard-base64 or percent-encoded spelling comes back', () => {
    const token = encodeNextToken({ id: 'a'.repeat(40) }, TEST_TOKEN_KEY, TODOS);
    expectRefused(`${token}=`);
    expectRefused(encodeURIComponent(`${token}=`));
    expectRefused(token.replace(/-/g, '+').replace(/_/g, '/'));
  });

  test('a correctly signed payload from an incompatible version says so', () => {
    expect(decodeError(signedToken('{"v":2,"id":"x"}')).message).toBe(
      `InvalidNextTokenException: nextToken was issued by an incompatible version of this API; ${UNCHANGED_ADVICE}, or null for the first page`,
    );
    expect(decodeError(signedToken('{"v":1,"id":""}')).message).toContain('incompatible version');
    expect(decodeError(signedToken('not json')).message).toContain('unreadable payload');
    // The format this test signs is the resolver's own: a control that the refusals above are about the payload.
    expect(decodeNextToken(signedToken('{"v":1,"id":"x"}'), TEST_TOKEN_KEY, TODOS)).toEqual({ id: 'x' });
  });
});

describe('nextToken through listTodos', () => {
  test('a tampered, truncated, foreign or empty token fails the call with InvalidNextTokenException', async () => {
    const token = await seedAndGetToken();
    const flipped = token.slice(0, 3) + (token[3] === 'A' ? 'B' : 'A') + token.slice(4);
    const foreign = (await (async () => {
      const { nextToken } = await table.resolverWith({ paginationTokenKey: 'another-key' }).listTodos({ limit: 2 });
      return nextToken;
    })()) as string;

    for (const badToken of [flipped, token.slice(0, -1), foreign, '', 'null', randomBytes(48).toString('base64url')]) {
      const error = await expectResolverError(
        table.resolver.resolve(appSyncEvent('Query', 'listTodos', { limit: 2, nextToken: badToken })),
        'InvalidNextTokenException',
        UNCHANGED_ADVICE,
      );
      expect(error).toBeInstanceOf(InvalidNextTokenError);
    }
  });

  test('a token that is not a string is a ValidationException', async () => {
    const error = await rejectionOf(table.resolver.resolve(appSyncEvent('Query', 'listTodos', { nextToken: 42 })));
    expect(error.message).toBe('ValidationException: nextToken must be a string or null (got 42)');
  });

  test('the untouched token continues the listing', async () => {
    const token = await seedAndGetToken();
    const page = await table.resolver.listTodos({ limit: 2, nextToken: token });
    expect(page.items).toHaveLength(2);
  });
});
