/**
 * The data source's service role: AppSync invokes a direct Lambda resolver as the role its data source names, so a
 * field whose role may not invoke the function errors (and the function is never invoked), while the others resolve.
 * A data source without a role, or with one the deployment does not define, is refused the same way.
 */
import { dataSourceInvokeAuthorizer } from '../../../local/appsync/data-source-role';
import type { LocalGraphqlApi, LocalResolver } from '../../../local/appsync/model';
import type { LocalRole } from '../../../local/iam/model';
import { PrincipalStore } from '../../../local/iam/principals';
import { ACCOUNT, DATA_SOURCE_ROLE, EXTRA_FUNCTION_ARN, extraApi, NOW, REGION, servingDeployment, VALID_KEY, WRONG_FUNCTION_ROLE } from './fixture';
import { gql, post, startServer, type TestServer } from './harness';

const UNKNOWN_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ImportedFromElsewhere`;

/** The extra API with `open` on a role that may invoke another function only, `echo` on no role, `boom` on an unknown one. */
function apiWithRoles(): LocalGraphqlApi {
  const api = extraApi();
  const roleOf: Record<string, string | undefined> = { open: WRONG_FUNCTION_ROLE.arn, echo: undefined, boom: UNKNOWN_ROLE_ARN };
  const resolvers = api.resolvers.map((resolver): LocalResolver => {
    if (!Object.hasOwn(roleOf, resolver.fieldName)) return resolver;
    const { serviceRoleArn: _replaced, ...rest } = resolver;
    const arn = roleOf[resolver.fieldName];
    return arn === undefined ? rest : { ...rest, serviceRoleArn: arn };
  });
  return { ...api, resolvers };
}

let server: TestServer;

beforeAll(async () => {
  server = await startServer([apiWithRoles()], { now: () => NOW });
});

afterAll(async () => {
  await server?.close();
});

interface GraphqlBody {
  data: Record<string, unknown> | null;
  errors?: Array<Record<string, unknown>>;
}

async function query(text: string): Promise<{ status: number; json: GraphqlBody }> {
  const reply = await post(`${server.base}/graphql`, gql(text), { 'x-api-key': VALID_KEY });
  return { status: reply.status, json: reply.json as GraphqlBody };
}

test('a field whose data-source role may not invoke the function errors as AppSync reports a refused invoke, and nothing is invoked', async () => {
  const reply = await query('query { open nested { visible } }');
  expect(reply.status).toBe(200);
  expect(reply.json.data).toEqual({ open: null, nested: { visible: 'v' } });
  expect(reply.json.errors).toEqual([
    {
      path: ['open'],
      data: null,
      errorType: 'Lambda:AWSLambdaException',
      errorInfo: null,
      locations: [{ line: 1, column: 9, sourceName: null }],
      message: expect.stringMatching(
        new RegExp(
          `^User: arn:aws:sts::${ACCOUNT}:assumed-role/${WRONG_FUNCTION_ROLE.roleName}/APPSYNC_ASSUME_ROLE is not authorized to perform: ` +
            `lambda:InvokeFunction on resource: ${EXTRA_FUNCTION_ARN} because no identity-based policy allows the lambda:InvokeFunction action ` +
            '\\(Service: AWSLambda; Status Code: 403; Error Code: AccessDeniedException; Request ID: [0-9a-f-]{36}; Proxy: null\\)$',
        ),
      ),
    },
  ]);
  expect(server.invocations.map((invocation) => invocation.event.info.fieldName)).toEqual(['nested']);
  expect(server.logs.at(-1)).toMatch(/Query\.open not invoked: data source Extra role /);
});

test('a data source without a service role invokes nothing', async () => {
  const reply = await query('query { echo }');
  expect(reply.json.data).toEqual({ echo: null });
  expect(reply.json.errors).toEqual([
    expect.objectContaining({
      path: ['echo'],
      errorType: 'DataSourceRoleError',
      message: `The data source Extra of Query.echo has no ServiceRoleArn: AppSync needs a role it may assume, allowed lambda:InvokeFunction on ${EXTRA_FUNCTION_ARN}.`,
    }),
  ]);
});

test('a service role the deployment does not define invokes nothing', async () => {
  const reply = await query('query { boom }');
  expect(reply.json.data).toEqual({ boom: null });
  expect(reply.json.errors).toEqual([
    expect.objectContaining({ path: ['boom'], errorType: 'DataSourceRoleError', message: expect.stringContaining(`${UNKNOWN_ROLE_ARN} of data source Extra`) }),
  ]);
  expect(server.invocations.map((invocation) => invocation.event.info.fieldName)).not.toContain('boom');
});

describe('dataSourceInvokeAuthorizer', () => {
  const resolver = (serviceRoleArn: string): LocalResolver => ({
    typeName: 'Query',
    fieldName: 'open',
    dataSourceName: 'Extra',
    kind: 'UNIT',
    lambdaFunctionArn: EXTRA_FUNCTION_ARN,
    serviceRoleArn,
  });
  const context = { currentTime: NOW, requestedRegion: REGION };

  test("a role allowed lambda:InvokeFunction on the function may invoke it (the app's own data-source role)", () => {
    const authorizeInvoke = dataSourceInvokeAuthorizer(PrincipalStore.fromDeployment(servingDeployment()));
    expect(authorizeInvoke(resolver(DATA_SOURCE_ROLE.arn), EXTRA_FUNCTION_ARN, context)).toMatchObject({ allowed: true });
  });

  test('a Deny on the function is reported in the words of an explicit deny', () => {
    const denied: LocalRole = {
      ...DATA_SOURCE_ROLE,
      arn: `arn:aws:iam::${ACCOUNT}:role/Denied`,
      roleName: 'Denied',
      credentials: { ...DATA_SOURCE_ROLE.credentials, accessKeyId: 'ASIADENIED0000000001' },
      policies: [
        ...DATA_SOURCE_ROLE.policies,
        { source: 'Denied/NoInvoke', document: { Version: '2012-10-17', Statement: { Effect: 'Deny', Action: 'lambda:*', Resource: '*' } } },
      ],
    };
    const base = servingDeployment();
    const authorizeInvoke = dataSourceInvokeAuthorizer(PrincipalStore.fromDeployment({ ...base, roles: [...base.roles, denied] }));
    const decision = authorizeInvoke(resolver(denied.arn), EXTRA_FUNCTION_ARN, context);
    expect(decision.allowed).toBe(false);
    expect(!decision.allowed && decision.error.message).toMatch(
      new RegExp(
        `^User: arn:aws:sts::${ACCOUNT}:assumed-role/Denied/APPSYNC_ASSUME_ROLE is not authorized to perform: lambda:InvokeFunction on resource: ${EXTRA_FUNCTION_ARN} with an explicit deny in an identity-based policy `,
      ),
    );
  });
});
