/**
 * The local console's API over real HTTP, on the AppSync endpoint's port of a real local cloud (the shared synth, real
 * bundles, Lambda workers, dynalite): who may drive it (Host, Origin, token), the functions with masked environments,
 * Invoke with the log tail, saved test events, table paging, and GraphQL sent with the key or signed as a profile.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type LocalCloudHandle, startTestCloud } from '../../support/local-cloud-harness';
import { sharedAssembly } from '../../support/shared-assembly';

interface Answer<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: T;
}

describe('the local console (API over HTTP)', () => {
  let stateDir: string;
  let local: LocalCloudHandle;
  let origin: string;
  let host: string;
  let token: string;

  /** A request as the console's own page makes it (same origin, the token in its header), unless told otherwise. */
  async function request<T = Record<string, unknown>>(
    urlPath: string,
    options: { method?: string; body?: unknown; headers?: Record<string, string | null>; token?: string | null; host?: string } = {},
  ): Promise<Answer<T>> {
    const merged: Record<string, string | null> = {
      origin,
      'sec-fetch-site': 'same-origin',
      ...(options.token === null ? {} : { 'x-local-console-token': options.token ?? token }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    };
    // null: leave the header out.
    const headers = Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== null));
    const response = await rawRequest(urlPath, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      host: options.host,
    });
    return response as Answer<T>;
  }

  /** node:http, so that the Host header is what the test says (fetch sets it from the URL). */
  async function rawRequest(urlPath: string, options: { method: string; headers: Record<string, string>; body?: string; host?: string }): Promise<Answer> {
    const { request: httpRequest } = await import('node:http');
    const url = new URL(urlPath, origin);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method: options.method,
          headers: { host: options.host ?? host, ...options.headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: Record<string, unknown> = {};
            try {
              json = JSON.parse(text) as Record<string, unknown>;
            } catch {
              // HTML or empty
            }
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers))
              if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
            resolve({ status: res.statusCode ?? 0, headers, text, json });
          });
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  const functionName = (outputName: string) => local.output('TodoCallers-dev', outputName);
  const tableName = () => local.cloud.deployment.tables[0].tableName;
  const apiId = () => local.output('TodoApi-dev', 'GraphQLAPIIdOutput');

  beforeAll(async () => {
    stateDir = mkdtempSync(path.join(tmpdir(), 'console-api-'));
    local = await startTestCloud({ assemblyDir: sharedAssembly(), stateDir });
    const consoleUrl = new URL(local.cloud.endpoints.console as string);
    origin = consoleUrl.origin;
    host = consoleUrl.host;
    token = consoleUrl.searchParams.get('token') as string;
    // The first suite to need the shared synth builds it (real bundles): minutes on a busy machine.
  }, 300_000);
  afterAll(async () => {
    await local?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  describe('who may drive it', () => {
    test('the URL of this start sets an HttpOnly, SameSite=Strict cookie and redirects to / (the token leaves the address bar)', async () => {
      const answer = await rawRequest(`/?token=${token}`, { method: 'GET', headers: {} });
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe('/');
      expect(answer.headers.get('set-cookie')).toBe(`local_console_${new URL(origin).port}=${token}; Path=/; HttpOnly; SameSite=Strict`);
    });

    test('the page is served with the cookie, holds the token for its own script, and may not be framed', async () => {
      const cookie = `local_console_${new URL(origin).port}=${token}`;
      const answer = await rawRequest('/', { method: 'GET', headers: { cookie } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
      expect(answer.text).toContain(`<meta name="local-console-token" content="${token}">`);
      expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    });

    test.each([
      ['no token', {}, 401, 'npm start printed'],
      ['a wrong token in the URL', { query: '?token=wrong' }, 401, 'not the one of this start'],
      ['the cookie of an earlier start', { cookie: 'x'.repeat(43) }, 401, 'not the one of this start'],
    ])('the page with %s is refused, with what to do and never the token', async (_what, given: { query?: string; cookie?: string }, status, words) => {
      const headers: Record<string, string> = given.cookie ? { cookie: `local_console_${new URL(origin).port}=${given.cookie}` } : {};
      const answer = await rawRequest(`/${given.query ?? ''}`, { method: 'GET', headers });
      expect(answer.status).toBe(status);
      expect(answer.text).toContain(words);
      expect(answer.text).not.toContain(token);
    });

    test('a DNS-rebinding Host is refused on every route, the page and the assets included', async () => {
      const port = new URL(origin).port;
      for (const urlPath of ['/', `/?token=${token}`, '/console/assets/console.js', '/console/api/functions']) {
        const answer = await request(urlPath, { host: `attacker.example:${port}` });
        expect(answer.status).toBe(403);
        expect(answer.text).toMatch(/BadHost|addressed to localhost or an IP address/);
        expect(answer.text).not.toContain(token);
      }
      expect((await request('/console/api/functions', { host: `localhost:${port}`, headers: { origin: `http://localhost:${port}` } })).status).toBe(200);
    });

    test.each([
      ['without the token', { token: null }, 401, 'MissingToken'],
      ['with a wrong token', { token: 'y'.repeat(43) }, 401, 'WrongToken'],
      ['with the cookie but no token header (a CSRF attempt)', { token: null, withCookie: true }, 401, 'MissingToken'],
      [
        'from a page of another port (same site, other origin)',
        { headers: { origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-site' } },
        403,
        'CrossOrigin',
      ],
      ['from another site', { headers: { origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' } }, 403, 'CrossOrigin'],
      [
        'from another origin, by a browser that sends no Sec-Fetch-Site',
        { headers: { origin: 'http://127.0.0.1:3000', 'sec-fetch-site': null } },
        403,
        'CrossOrigin',
      ],
      ['from a same-site page that sends no Origin', { headers: { origin: null, 'sec-fetch-site': 'same-site' } }, 403, 'CrossOrigin'],
    ])(
      'the API refuses a request %s, and does nothing',
      async (_what, options: { token?: string | null; withCookie?: boolean; headers?: Record<string, string | null> }, status, code) => {
        const fn = functionName('CreateTodoApiKeyFunctionName');
        const before = (await local.allTodos()).length;
        const answer = await request(`/console/api/functions/${fn}/invoke`, {
          method: 'POST',
          body: { event: JSON.stringify({ name: 'should never be created' }) },
          token: options.token,
          headers: { ...(options.withCookie ? { cookie: `local_console_${new URL(origin).port}=${token}` } : {}), ...options.headers },
        });
        expect(answer.status).toBe(status);
        expect((answer.json.error as { code: string }).code).toBe(code);
        expect(answer.headers.get('access-control-allow-origin')).toBeNull();
        expect((await local.allTodos()).length).toBe(before);
      },
    );

    test('a CORS preflight is never granted', async () => {
      const answer = await rawRequest('/console/api/functions', {
        method: 'OPTIONS',
        headers: { origin: 'https://attacker.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-local-console-token' },
      });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-allow-headers')).toBeNull();
    });

    test('the GraphQL endpoint next to it is untouched: still AppSync, still CORS-open, and no console token opens it', async () => {
      const answer = await request('/graphql', { method: 'POST', body: { query: '{ listTodos { items { id } } }' } });
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'Missing authorization header' }] });
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    });
  });

  describe('functions', () => {
    test('lists every function of the templates with its settings and role, and the secrets of its environment masked', async () => {
      const answer = await request<{ functions: Array<Record<string, unknown>> }>('/console/api/functions');
      expect(answer.status).toBe(200);
      const names = answer.json.functions.map((fn) => fn.name);
      expect(names.sort()).toEqual(local.cloud.deployment.functions.map((fn) => fn.name).sort());
      const caller = answer.json.functions.find((fn) => fn.name === functionName('ListTodosApiKeyFunctionName')) as Record<string, unknown>;
      expect(caller).toMatchObject({
        callerId: 'listTodosApiKey',
        output: 'TodoCallers-dev.ListTodosApiKeyFunctionName',
        runtime: local.cloud.deployment.functions.find((fn) => fn.name === functionName('ListTodosApiKeyFunctionName'))!.runtime,
        handler: 'index.handler',
        memorySize: expect.any(Number),
        timeoutSeconds: expect.any(Number),
        roleArn: expect.stringMatching(/^arn:aws:iam::\d{12}:role\//),
        roleProfile: expect.stringMatching(/^listTodosApiKey/),
      });
      const environment = caller.environment as Array<{ name: string; value?: string; masked: boolean; length: number }>;
      const keyVariable = environment.find((variable) => variable.name === 'API_TODOAPI_GRAPHQLAPIKEYOUTPUT');
      expect(keyVariable).toEqual({ name: 'API_TODOAPI_GRAPHQLAPIKEYOUTPUT', masked: true, length: local.apiKey.length });
      expect(environment.find((variable) => variable.name === 'API_TODOAPI_GRAPHQLAPIENDPOINTOUTPUT')?.value).toBe(local.graphqlUrl);
      // No secret of the local cloud anywhere in the answer.
      expect(answer.text).not.toContain(local.apiKey);
      for (const role of local.cloud.deployment.roles) {
        expect(answer.text).not.toContain(role.credentials.secretAccessKey);
        expect(answer.text).not.toContain(role.credentials.sessionToken);
      }
    });

    test('Invoke runs the function and answers as the Lambda console shows it: result, status, duration, log tail', async () => {
      const fn = functionName('ListTodosApiKeyFunctionName');
      const answer = await request<Record<string, any>>(`/console/api/functions/${fn}/invoke`, { method: 'POST', body: { event: '{"limit": 5}' } });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ status: 'Succeeded', statusCode: 200, requestId: expect.any(String) });
      expect(JSON.parse(answer.json.response)).toMatchObject({ statusCode: 200 });
      expect(answer.json.summary).toMatchObject({
        durationMs: expect.any(Number),
        billedDurationMs: expect.any(Number),
        memorySizeMb: expect.any(Number),
        maxMemoryUsedMb: expect.any(Number),
      });
      expect(answer.json.logTail).toContain(`START RequestId: ${answer.json.requestId}`);
      expect(answer.json.logTail).toContain(`REPORT RequestId: ${answer.json.requestId}`);
    });

    test("a failing invocation is Failed with the function's error; a payload Lambda refuses is Refused with Lambda's answer", async () => {
      const resolver = local.cloud.deployment.functions.find((fn) => fn.stackName === 'TodoApi-dev')!.name;
      const failed = await request<Record<string, any>>(`/console/api/functions/${resolver}/invoke`, { method: 'POST', body: { event: '{}' } });
      expect(failed.json).toMatchObject({ status: 'Failed', statusCode: 200, functionError: 'Unhandled' });
      expect(JSON.parse(failed.json.response)).toMatchObject({ errorType: expect.any(String), errorMessage: expect.any(String) });
      const refused = await request<Record<string, any>>(`/console/api/functions/${resolver}/invoke`, { method: 'POST', body: { event: '{not json' } });
      expect(refused.json).toMatchObject({ status: 'Refused', statusCode: 400, errorType: 'InvalidRequestContentException' });
    });

    test("the resolver function's test events are AppSync's events for each field it resolves, and run as AppSync would run them", async () => {
      const resolver = local.cloud.deployment.functions.find((fn) => fn.stackName === 'TodoApi-dev')!.name;
      const list = await request<{ events: Array<{ name: string; event: Record<string, any> }>; saved: boolean }>(
        `/console/api/functions/${resolver}/test-events`,
      );
      expect(list.json.saved).toBe(false);
      expect(list.json.events.map((event) => event.name)).toEqual(expect.arrayContaining(['Query.listTodos', 'Query.getTodo', 'Mutation.createTodo']));
      const listTodos = list.json.events.find((event) => event.name === 'Query.listTodos')!.event;
      expect(listTodos).toMatchObject({
        arguments: { filter: null, limit: null, nextToken: null },
        identity: null,
        source: null,
        info: { fieldName: 'listTodos', parentTypeName: 'Query', selectionSetList: expect.arrayContaining(['items', 'items/id', 'nextToken']) },
      });
      const answer = await request<Record<string, any>>(`/console/api/functions/${resolver}/invoke`, {
        method: 'POST',
        body: { event: JSON.stringify(listTodos) },
      });
      expect(answer.json).toMatchObject({ status: 'Succeeded', statusCode: 200 });
      expect(JSON.parse(answer.json.response)).toMatchObject({ items: expect.any(Array) });
    });

    test('an unknown function, or an event that is not text, is refused with what to do', async () => {
      const unknown = await request('/console/api/functions/nope/invoke', { method: 'POST', body: { event: '{}' } });
      expect(unknown.status).toBe(404);
      expect(unknown.json).toEqual({ error: { code: 'UnknownFunction', message: expect.stringContaining('Functions tab') } });
      const fn = functionName('ListTodosIamFunctionName');
      const notText = await request(`/console/api/functions/${fn}/invoke`, { method: 'POST', body: { event: { limit: 1 } } });
      expect(notText.status).toBe(400);
      expect(notText.json).toMatchObject({ error: { code: 'InvalidRequest' } });
      const wrongMethod = await request(`/console/api/functions/${fn}/invoke`);
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('POST');
    });

    test("test events start as the README's samples, are saved to the state directory and read back, and deleted", async () => {
      const fn = functionName('CreateTodoIamFunctionName');
      const base = `/console/api/functions/${fn}/test-events`;
      const initial = await request<{ events: Array<{ name: string; event: unknown }>; saved: boolean }>(base);
      expect(initial.json).toEqual({
        events: [
          { name: 'buy-milk', event: { name: 'Buy milk' } },
          { name: 'with-description-and-id', event: { name: 'x', description: 'y', id: 'my-id' } },
        ],
        saved: false,
      });
      const file = path.join(stateDir, 'console', 'test-events', `${fn}.json`);
      expect(existsSync(file)).toBe(false);

      const saved = await request(`${base}/from-the-test`, { method: 'PUT', body: { event: '{"name": "saved from the console"}' } });
      expect(saved.status).toBe(200);
      expect(saved.json).toMatchObject({ saved: true });
      expect(JSON.parse(readFileSync(file, 'utf8')).events).toContainEqual({ name: 'from-the-test', event: { name: 'saved from the console' } });
      expect((await request<{ events: Array<{ name: string }> }>(base)).json.events.map((event) => event.name)).toEqual([
        'buy-milk',
        'with-description-and-id',
        'from-the-test',
      ]);

      const deleted = await request<{ events: Array<{ name: string }> }>(`${base}/buy-milk`, { method: 'DELETE' });
      expect(deleted.json.events.map((event) => event.name)).toEqual(['with-description-and-id', 'from-the-test']);
      expect((await request(`${base}/buy-milk`, { method: 'DELETE' })).status).toBe(404);

      const badName = await request(`${base}/${encodeURIComponent('no spaces')}`, { method: 'PUT', body: { event: '{}' } });
      expect(badName.status).toBe(400);
      expect(badName.json).toMatchObject({ error: { code: 'InvalidTestEvent', message: expect.stringContaining('1 to 25') } });
      const badJson = await request(`${base}/broken`, { method: 'PUT', body: { event: '{"name": ' } });
      expect(badJson.json).toMatchObject({ error: { code: 'InvalidTestEvent', message: expect.stringContaining('not valid JSON') } });
    });
  });

  describe('tables', () => {
    test('lists each table of the templates with its keys', async () => {
      const answer = await request<{ tables: Array<Record<string, unknown>> }>('/console/api/tables');
      expect(answer.json.tables).toEqual([
        expect.objectContaining({ tableName: tableName(), keySchema: [{ name: 'id', keyType: 'HASH' }], status: 'ACTIVE', itemCount: expect.any(Number) }),
      ]);
    });

    test('pages through every item exactly once, then says there is no next page', async () => {
      for (let index = 0; index < 5; index++) {
        const created = await local.graphql(
          JSON.stringify({
            query: 'mutation ($input: CreateTodoInput!) { createTodo(input: $input) { id } }',
            variables: { input: { name: `page ${index}` } },
          }),
        );
        expect(created.status).toBe(200);
      }
      const all = (await local.allTodos()).map((item) => (item.id as { S: string }).S).sort();
      expect(all.length).toBeGreaterThanOrEqual(5);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const answer = await request<{ items: Array<{ id: string; name?: string }>; nextCursor?: string }>(
          `/console/api/tables/${tableName()}/items?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(answer.status).toBe(200);
        expect(answer.json.items.length).toBeLessThanOrEqual(2);
        seen.push(...answer.json.items.map((item) => item.id));
        cursor = answer.json.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      expect(seen.sort()).toEqual(all);
      expect(pages).toBeGreaterThanOrEqual(3);
    });

    test('items come as plain JSON', async () => {
      const answer = await request<{ items: Array<Record<string, unknown>> }>(`/console/api/tables/${tableName()}/items?limit=1`);
      expect(answer.json.items[0]).toEqual(expect.objectContaining({ id: expect.any(String), createdAt: expect.any(String) }));
    });

    test.each([
      ['a cursor it did not give', '?cursor=bm90LWpzb24', 400, 'InvalidPageCursor'],
      ['a cursor of the wrong shape', `?cursor=${Buffer.from('[1]').toString('base64url')}`, 400, 'InvalidPageCursor'],
      ['a limit of 0', '?limit=0', 400, 'InvalidRequest'],
      ['a limit over 300', '?limit=301', 400, 'InvalidRequest'],
    ])('refuses %s', async (_what, query, status, code) => {
      const answer = await request(`/console/api/tables/${tableName()}/items${query}`);
      expect(answer.status).toBe(status);
      expect(answer.json).toMatchObject({ error: { code } });
    });

    test('refuses a table the templates do not define', async () => {
      const answer = await request('/console/api/tables/SomeOtherTable/items');
      expect(answer.status).toBe(404);
      expect(answer.json).toMatchObject({ error: { code: 'UnknownTable' } });
    });
  });

  describe('GraphQL', () => {
    test("describes each API: auth modes, redacted keys, the schema for the docs, the project's documents as examples; and the profiles", async () => {
      const answer = await request<{ apis: Array<Record<string, any>>; profiles: Array<Record<string, string>> }>('/console/api/apis');
      expect(answer.status).toBe(200);
      const [api] = answer.json.apis;
      expect(api).toMatchObject({
        apiId: apiId(),
        url: local.graphqlUrl,
        authModes: ['API_KEY', 'AWS_IAM', 'NONE'],
        apiKeys: [`${local.apiKey.slice(0, 8)}…`],
      });
      expect(api.introspection.__schema.queryType).toMatchObject({ name: 'Query' });
      const titles = (api.examples as Array<{ title: string; operationType: string }>).map((example) => example.title);
      expect(titles).toEqual(
        expect.arrayContaining(["ListTodos (callers' LIST_TODOS)", 'listTodos (codegen)', 'createTodo (codegen)', 'onCreateTodo (codegen)']),
      );
      expect(answer.text).not.toContain(local.apiKey);
      expect(answer.json.profiles[0]).toMatchObject({ name: 'local', kind: 'admin' });
      expect(answer.json.profiles.map((profile) => profile.name)).toEqual(expect.arrayContaining(['NextjsServerRole']));
      expect(answer.text).not.toMatch(/secretAccessKey|sessionToken/);
    });

    const listTodos = { query: 'query ListTodos { listTodos { items { id } } }', operationName: 'ListTodos' };

    test('with the API key: AppSync serves it', async () => {
      const answer = await request<Record<string, any>>('/console/api/graphql', {
        method: 'POST',
        body: { apiId: apiId(), authMode: 'API_KEY', ...listTodos },
      });
      expect(answer.json).toMatchObject({ status: 200, authMode: 'API_KEY', requestId: expect.any(String) });
      expect(JSON.parse(answer.json.body).data.listTodos.items).toEqual(expect.any(Array));
    });

    test("signed as a role: AppSync verifies the signature and applies the role's real policies", async () => {
      const allowed = await request<Record<string, any>>('/console/api/graphql', {
        method: 'POST',
        body: { apiId: apiId(), authMode: 'AWS_IAM', profile: 'NextjsServerRole', ...listTodos },
      });
      expect(allowed.json).toMatchObject({ status: 200, signedAs: expect.stringMatching(/:assumed-role\/TodoCallers-dev-NextjsServerRole-/) });
      const refused = await request<Record<string, any>>('/console/api/graphql', {
        method: 'POST',
        body: { apiId: apiId(), authMode: 'AWS_IAM', profile: 'NextjsServerRole', query: 'mutation { deleteTodo(input: {id: "x"}) { id } }' },
      });
      expect(refused.json).toMatchObject({ status: 401, errorType: 'UnauthorizedException' });
      expect(JSON.parse(refused.json.body)).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'Permission denied' }] });
      // The AppSync endpoint's own log: a SigV4 request of that role, refused by its policies.
      expect(
        local.logLines.some((line) =>
          /^appsync .* mode=AWS_IAM principal=arn:aws:sts::\d+:assumed-role\/TodoCallers-dev-NextjsServerRole-.*Mutation\.deleteTodo/.test(line),
        ),
      ).toBe(true);
    });

    test('signed as the local admin: allowed everything', async () => {
      const answer = await request<Record<string, any>>('/console/api/graphql', {
        method: 'POST',
        body: { apiId: apiId(), authMode: 'AWS_IAM', profile: 'local', ...listTodos },
      });
      expect(answer.json).toMatchObject({ status: 200, signedAs: expect.stringMatching(/^arn:aws:iam::\d{12}:root$/) });
    });

    test("without auth: AppSync's refusal", async () => {
      const answer = await request<Record<string, any>>('/console/api/graphql', { method: 'POST', body: { apiId: apiId(), authMode: 'NONE', ...listTodos } });
      expect(answer.json).toMatchObject({ status: 401, errorType: 'UnauthorizedException' });
      expect(JSON.parse(answer.json.body)).toEqual({ errors: [{ errorType: 'UnauthorizedException', message: 'Missing authorization header' }] });
    });

    test.each([
      ['an unknown API', { apiId: 'nope', authMode: 'API_KEY' }, 404, 'UnknownApi'],
      ['an unknown profile', { authMode: 'AWS_IAM', profile: 'nobody' }, 404, 'UnknownProfile'],
      ['a mode the API does not offer', { authMode: 'AMAZON_COGNITO_USER_POOLS' }, 400, 'UnsupportedAuthMode'],
      ['a query that is not a string', { authMode: 'API_KEY', query: 42 }, 400, 'InvalidRequest'],
      ['variables that are not an object', { authMode: 'API_KEY', variables: [1] }, 400, 'InvalidRequest'],
    ])('refuses %s, naming what was wrong', async (_what, body: Record<string, unknown>, status, code) => {
      const answer = await request('/console/api/graphql', { method: 'POST', body: { apiId: apiId(), ...listTodos, ...body } });
      expect(answer.status).toBe(status);
      expect(answer.json).toMatchObject({ error: { code, message: expect.any(String) } });
    });

    test('a body that is not JSON is refused with 400, not a crash', async () => {
      const answer = await rawRequest('/console/api/graphql', {
        method: 'POST',
        headers: { origin, 'x-local-console-token': token, 'content-type': 'application/json' },
        body: '{"query": ',
      });
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error: { code: 'InvalidRequest', message: expect.stringContaining('not JSON') } });
    });
  });

  test("the console's log lines never hold the token", () => {
    const consoleLines = local.logLines.filter((line) => line.startsWith('console '));
    expect(consoleLines.length).toBeGreaterThan(10);
    for (const line of local.logLines) expect(line).not.toContain(token);
  });
});
