/**
 * The GraphQL tab's server side: each API with its auth modes, schema (as introspection, for GraphiQL's docs) and
 * examples; the profiles IAM requests can be signed as; and the requests themselves.
 *
 * The page never holds a secret. It says which API, which mode and which profile; this module adds the API key, or
 * signs the request for real with that profile's credentials (SigV4, the project's one signing core,
 * lambda/shared/sigv4.ts), and sends it over HTTP to the API's own URL, where the local AppSync endpoint verifies the
 * key or the signature and applies the profile's real policies as for any client. The answer (status, error type,
 * body) goes back to the page unchanged, so it shows exactly what that key or role may do.
 */
import { buildSchema, type GraphQLSchema, type IntrospectionQuery, introspectionFromSchema } from 'graphql';
import { signRequest } from '../../lambda/shared/sigv4';
import { redactKey } from '../appsync/auth/api-key';
import type { LocalGraphqlApi } from '../appsync/model';
import { APPSYNC_PRELUDE } from '../appsync/scalars';
import type { LocalDeployment } from '../deployment';
import type { PrincipalStore } from '../iam/principals';
import { InvalidRequestError, UnknownApiError, UnknownProfileError, UnsupportedAuthModeError, UpstreamUnavailableError } from './errors';
import { examplesFor, type GraphqlExample } from './examples';

/** How the console authorizes a request: the wire strings the page sends. */
export enum ConsoleAuthMode {
  ApiKey = 'API_KEY',
  Iam = 'AWS_IAM',
  /** No auth header at all: AppSync's refusal of an anonymous request. */
  None = 'NONE',
}

export interface ProfileDescription {
  /** The `.local/credentials` profile. */
  readonly name: string;
  readonly principalArn: string;
  readonly kind: 'admin' | 'role';
  /** `admin` or `role <stack>/<logicalId>`. */
  readonly description: string;
}

export interface ApiDescription {
  readonly apiId: string;
  readonly name: string;
  readonly stackName: string;
  readonly url: string;
  /** The modes the console offers for it, the API's default mode first, NONE last. */
  readonly authModes: readonly ConsoleAuthMode[];
  readonly defaultAuthMode: string;
  /** The keys, redacted (first 8 characters). */
  readonly apiKeys: readonly string[];
  readonly introspection: IntrospectionQuery;
  readonly examples: readonly GraphqlExample[];
}

export interface GraphqlAnswer {
  /** The HTTP status AppSync answered with. */
  readonly status: number;
  readonly errorType?: string;
  readonly requestId?: string;
  /** The body as AppSync sent it. */
  readonly body: string;
  readonly authMode: ConsoleAuthMode;
  /** Who the request was signed as (IAM). */
  readonly signedAs?: string;
}

/** The local AppSync endpoint has 30 s to execute; this leaves it room to answer that it timed out. */
const UPSTREAM_TIMEOUT_MS = 45_000;

export class GraphqlConsole {
  private readonly descriptions: ApiDescription[];

  constructor(
    private readonly deployment: LocalDeployment,
    private readonly principals: PrincipalStore,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.descriptions = deployment.graphqlApis.map(describeApi);
  }

  apis(): ApiDescription[] {
    return this.descriptions;
  }

  profiles(): ProfileDescription[] {
    return this.principals
      .list()
      .map((principal) => ({ name: principal.profileName, principalArn: principal.principalArn, kind: principal.kind, description: principal.description }))
      .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'admin' ? -1 : 1));
  }

  /** Sends a GraphQL request to an API as the page asked: with the key, signed as a profile, or anonymous. */
  async send(request: Record<string, unknown>): Promise<GraphqlAnswer> {
    const api = this.api(request.apiId);
    const mode = this.mode(api, request.authMode);
    if (typeof request.query !== 'string') throw new InvalidRequestError('query must be the GraphQL document, as a string.');
    if (request.variables !== undefined && request.variables !== null && (typeof request.variables !== 'object' || Array.isArray(request.variables))) {
      throw new InvalidRequestError('variables must be a JSON object (or null).');
    }
    if (request.operationName !== undefined && request.operationName !== null && typeof request.operationName !== 'string') {
      throw new InvalidRequestError('operationName must be a string (or null).');
    }
    const body = JSON.stringify({ query: request.query, variables: request.variables ?? null, operationName: request.operationName ?? null });
    const url = new URL(api.url);
    const { headers, signedAs } = await this.authorize(api, mode, request.profile, url, body);
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
    } catch (error) {
      throw new UpstreamUnavailableError(`The local AppSync endpoint (${api.url})`, { cause: error });
    }
    return {
      status: response.status,
      ...optional('errorType', response.headers.get('x-amzn-errortype')),
      ...optional('requestId', response.headers.get('x-amzn-requestid')),
      body: await response.text(),
      authMode: mode,
      ...(signedAs ? { signedAs } : {}),
    };
  }

  private api(apiId: unknown): LocalGraphqlApi {
    const known = this.deployment.graphqlApis.map((candidate) => candidate.apiId);
    if (typeof apiId !== 'string') throw new InvalidRequestError(`apiId must be one of: ${known.join(', ')}.`);
    const api = this.deployment.graphqlApis.find((candidate) => candidate.apiId === apiId);
    if (!api) throw new UnknownApiError(apiId, known);
    return api;
  }

  private mode(api: LocalGraphqlApi, authMode: unknown): ConsoleAuthMode {
    const offered = authModesOf(api);
    if (typeof authMode !== 'string' || !(offered as readonly string[]).includes(authMode)) {
      throw new UnsupportedAuthModeError(`authMode must be one of the modes API ${api.name} offers here: ${offered.join(', ')}.`);
    }
    return authMode as ConsoleAuthMode;
  }

  private async authorize(
    api: LocalGraphqlApi,
    mode: ConsoleAuthMode,
    profile: unknown,
    url: URL,
    body: string,
  ): Promise<{ headers: Record<string, string>; signedAs?: string }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (mode === ConsoleAuthMode.None) return { headers };
    if (mode === ConsoleAuthMode.ApiKey) return { headers: { ...headers, 'x-api-key': this.apiKey(api) } };
    const principal = this.principals.list().find((candidate) => candidate.profileName === profile);
    if (!principal) {
      throw new UnknownProfileError(
        typeof profile === 'string' ? profile : '',
        this.principals.list().map((candidate) => candidate.profileName),
      );
    }
    const secret = this.principals.credentials(principal.accessKeyId);
    if (!secret) throw new UnknownProfileError(principal.profileName, []);
    const signed = await signRequest(
      { method: 'POST', url, headers, body },
      {
        service: 'appsync',
        region: regionOf(api),
        credentials: { accessKeyId: principal.accessKeyId, secretAccessKey: secret.secretAccessKey, sessionToken: secret.sessionToken },
        signingDate: this.now(),
      },
    );
    return { headers: { ...signed.headers }, signedAs: principal.principalArn };
  }

  /** The first key that has not expired (AppSync refuses an expired one; the console then sends it anyway, to show that). */
  private apiKey(api: LocalGraphqlApi): string {
    const nowSeconds = this.now().getTime() / 1000;
    const key = api.apiKeys.find((candidate) => candidate.expires === undefined || candidate.expires > nowSeconds) ?? api.apiKeys[0];
    if (!key) throw new UnsupportedAuthModeError(`API ${api.name} has no API key in the templates.`);
    return key.value;
  }
}

/** The modes the console offers for an API: its default mode first, its other emulated modes, then NONE. */
export function authModesOf(api: LocalGraphqlApi): ConsoleAuthMode[] {
  const modes: ConsoleAuthMode[] = [];
  for (const mode of [api.authenticationType, ...api.additionalAuthenticationTypes]) {
    if (mode === ConsoleAuthMode.ApiKey && api.apiKeys.length > 0 && !modes.includes(ConsoleAuthMode.ApiKey)) modes.push(ConsoleAuthMode.ApiKey);
    if (mode === ConsoleAuthMode.Iam && !modes.includes(ConsoleAuthMode.Iam)) modes.push(ConsoleAuthMode.Iam);
  }
  return [...modes, ConsoleAuthMode.None];
}

function describeApi(api: LocalGraphqlApi): ApiDescription {
  const schema = consoleSchema(api);
  return {
    apiId: api.apiId,
    name: api.name,
    stackName: api.stackName,
    url: api.url,
    authModes: authModesOf(api),
    defaultAuthMode: api.authenticationType,
    apiKeys: api.apiKeys.map((key) => redactKey(key.value)),
    introspection: introspectionFromSchema(schema, { descriptions: true }),
    examples: examplesFor(schema),
  };
}

/** The API's schema as AppSync serves it (its SDL after AppSync's prelude), for docs and validating examples. */
function consoleSchema(api: LocalGraphqlApi): GraphQLSchema {
  return buildSchema(`${APPSYNC_PRELUDE}\n${api.schema}`);
}

function regionOf(api: LocalGraphqlApi): string {
  return api.arn.split(':')[3] ?? '';
}

function optional<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value === null ? {} : ({ [key]: value } as Record<K, string>);
}
