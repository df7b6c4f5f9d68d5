/**
 * The API's settings from the template, enforced over real HTTP: IntrospectionConfig DISABLED refuses introspection
 * with a validation error, QueryDepthLimit errors the fields nested deeper than it, and ResolverCountLimit (AppSync's
 * default 10,000 when unset) stops resolvers past it, each exactly at its bound.
 */
import { IntrospectionConfig, type LocalGraphqlApi } from '../../../local/appsync/model';
import { EXTRA_API_ID, extraApi, NOW, VALID_KEY } from './fixture';
import { gql, post, startServer, type TestServer } from './harness';

interface GraphqlBody {
  data: Record<string, unknown> | null;
  errors?: Array<Record<string, unknown>>;
}

/** The extra API under another id, with some settings. */
function apiWith(id: string, settings: Partial<Pick<LocalGraphqlApi, 'introspectionConfig' | 'queryDepthLimit' | 'resolverCountLimit'>>): LocalGraphqlApi {
  const apiId = `${id}${EXTRA_API_ID}`.slice(0, 26);
  return { ...extraApi(), apiId, arn: `${extraApi().arn.replace(EXTRA_API_ID, apiId)}`, url: `http://127.0.0.1:0/apis/${apiId}/graphql`, ...settings };
}

/** The extra API's `nested` without its auth directives: three levels, all open to the API key. */
const DEPTH_SCHEMA = 'type Query { open: String nested: Outer }\ntype Outer { visible: String inner: Inner }\ntype Inner { x: String }\n';
const depthApi = (id: string, queryDepthLimit: number) => {
  const api = apiWith(id, { queryDepthLimit });
  return { ...api, schema: DEPTH_SCHEMA, resolvers: api.resolvers.filter((resolver) => ['open', 'nested'].includes(resolver.fieldName)) };
};

const APIS = {
  closed: apiWith('closed', { introspectionConfig: IntrospectionConfig.Disabled }),
  open: apiWith('open', { introspectionConfig: IntrospectionConfig.Enabled }),
  depth1: depthApi('depthone', 1),
  depth2: depthApi('depthtwo', 2),
  depth3: depthApi('depththree', 3),
  count2: apiWith('counttwo', { resolverCountLimit: 2 }),
  unlimited: apiWith('default', {}),
};

let server: TestServer;

beforeAll(async () => {
  server = await startServer(Object.values(APIS), { now: () => NOW });
});

afterAll(async () => {
  await server?.close();
});

async function query(api: LocalGraphqlApi, text: string): Promise<{ status: number; json: GraphqlBody }> {
  const reply = await post(`${server.base}/apis/${api.apiId}/graphql`, gql(text), { 'x-api-key': VALID_KEY });
  return { status: reply.status, json: reply.json as GraphqlBody };
}

describe('IntrospectionConfig', () => {
  test.each([
    ['__schema', '{ __schema { queryType { name } } }', '__schema', { line: 1, column: 3 }],
    ['__type', 'query Q {\n  __type(name: "Query") { name }\n}', '__type', { line: 2, column: 3 }],
    ['__schema in a fragment', 'query { ...F }\nfragment F on Query { __schema { types { name } } }', '__schema', { line: 2, column: 23 }],
  ])('DISABLED: %s is refused with a validation error, and nothing runs', async (_what, text, field, location) => {
    const reply = await query(APIS.closed, text);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      data: null,
      errors: [
        {
          path: null,
          locations: [{ ...location, sourceName: null }],
          message: `Validation error of type FieldUndefined: Field '${field}' in type 'Query' is undefined @ '${field}'`,
        },
      ],
    });
  });

  test('DISABLED: __typename and ordinary fields are served', async () => {
    expect((await query(APIS.closed, '{ __typename open }')).json).toEqual({ data: { __typename: 'Query', open: 'open!' } });
  });

  test('ENABLED (and unset): introspection is served', async () => {
    for (const api of [APIS.open, APIS.unlimited]) {
      expect((await query(api, '{ __schema { queryType { name } } }')).json).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    }
  });
});

describe('QueryDepthLimit', () => {
  const DEEP = '{ nested { visible inner { x } } }';

  test('a query exactly as deep as the limit is served', async () => {
    expect((await query(APIS.depth3, DEEP)).json).toEqual({ data: { nested: { visible: 'v', inner: { x: 'x' } } } });
  });

  test('a field one level deeper than the limit errors, the others resolve', async () => {
    const reply = await query(APIS.depth2, DEEP);
    expect(reply.json.data).toEqual({ nested: { visible: 'v', inner: { x: null } } });
    expect(reply.json.errors).toEqual([
      {
        path: ['nested', 'inner', 'x'],
        data: null,
        errorType: 'QueryDepthLimitExceeded',
        errorInfo: null,
        locations: [{ line: 1, column: 28, sourceName: null }],
        message: "This field is nested 3 levels deep, deeper than the API's QueryDepthLimit of 2.",
      },
    ]);
  });

  test('at the lowest bound, 1, only top-level fields resolve', async () => {
    const reply = await query(APIS.depth1, '{ open nested { visible } }');
    expect(reply.json.data).toEqual({ open: 'open!', nested: { visible: null } });
    expect(reply.json.errors?.map((error) => error.path)).toEqual([['nested', 'visible']]);
  });
});

describe('ResolverCountLimit', () => {
  const aliases = (count: number) => `{ ${Array.from({ length: count }, (_, index) => `a${index}: open`).join(' ')} }`;

  test('exactly the limit of resolvers runs', async () => {
    expect((await query(APIS.count2, aliases(2))).json).toEqual({ data: { a0: 'open!', a1: 'open!' } });
  });

  test('one resolver past the limit errors instead of running', async () => {
    const before = server.invocations.length;
    const reply = await query(APIS.count2, aliases(3));
    expect(reply.json.data).toEqual({ a0: 'open!', a1: 'open!', a2: null });
    expect(reply.json.errors).toEqual([
      expect.objectContaining({
        path: ['a2'],
        errorType: 'ResolverCountLimitExceeded',
        message: "The request has reached the API's ResolverCountLimit of 2 resolver executions; this field's resolver did not run.",
      }),
    ]);
    expect(server.invocations.length - before).toBe(2);
  });

  test("unset, AppSync's default of 10,000 resolvers per request applies, to the resolver", async () => {
    const atLimit = await query(APIS.unlimited, aliases(10_000));
    expect(atLimit.json.errors).toBeUndefined();
    const over = await query(APIS.unlimited, aliases(10_001));
    expect(over.json.errors).toEqual([
      expect.objectContaining({
        path: ['a10000'],
        errorType: 'ResolverCountLimitExceeded',
        message: "The request has reached AppSync's default of 10000 resolver executions; this field's resolver did not run.",
      }),
    ]);
    expect(server.logs.at(-1)).toMatch(/resolver limit of 10000 reached/);
  });
});
