/**
 * The GraphQL tab: GraphiQL on one API, with the auth mode as a choice (the API key, IAM as any profile of the
 * local credentials, or none). GraphiQL's fetcher sends each request to the console's API, which adds the key or
 * signs it as the chosen profile and returns AppSync's answer unchanged (graphql.ts): the status line above the
 * editor shows AppSync's HTTP status and error type, the response pane its body. The docs come from the API's schema
 * (not from an introspection request, so they are there whatever the chosen role may query); the Examples pane holds
 * the project's documents.
 */
import { useEditorContext } from '@graphiql/react';
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { buildClientSchema, getOperationAST, parse } from 'graphql';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { GraphqlExample } from '../examples';
import type { ApiDescription, ConsoleAuthMode, GraphqlAnswer, ProfileDescription } from '../graphql';
import { ConsoleApiError, consoleApi } from './api';
import { operationToRun } from './operation';
import { subscriptionResult } from './subscriptions';

type AuthModeValue = `${ConsoleAuthMode}`;
type Fetcher = GraphiQLProps['fetcher'];

/** One choice of the auth menu: a mode, and for IAM the profile. */
interface AuthChoice {
  readonly key: string;
  readonly label: string;
  readonly authMode: AuthModeValue;
  readonly profile?: string;
}

export function authChoices(api: ApiDescription, profiles: readonly ProfileDescription[]): AuthChoice[] {
  const choices: AuthChoice[] = [];
  for (const mode of api.authModes as readonly AuthModeValue[]) {
    if (mode === 'API_KEY') choices.push({ key: 'API_KEY', label: `API key (${api.apiKeys[0] ?? 'none'})`, authMode: mode });
    if (mode === 'AWS_IAM') {
      for (const profile of profiles) {
        choices.push({
          key: `AWS_IAM:${profile.name}`,
          label: `IAM: ${profile.name}${profile.kind === 'admin' ? ' (admin)' : ''}`,
          authMode: mode,
          profile: profile.name,
        });
      }
    }
    if (mode === 'NONE') choices.push({ key: 'NONE', label: 'None (no auth header)', authMode: mode });
  }
  return choices;
}

/** GraphiQL's storage, one namespace per API (tabs and history are the API's own). */
function apiStorage(apiId: string): Storage {
  const prefix = `local-console:${apiId}:`;
  return {
    getItem: (key) => localStorage.getItem(prefix + key),
    setItem: (key, value) => localStorage.setItem(prefix + key, value),
    removeItem: (key) => localStorage.removeItem(prefix + key),
    clear: () => {
      for (const key of Object.keys(localStorage)) if (key.startsWith(prefix)) localStorage.removeItem(key);
    },
    key: (index) => localStorage.key(index),
    get length() {
      return localStorage.length;
    },
  };
}

function isSubscription(query: string, operationName: string | null | undefined): boolean {
  try {
    return getOperationAST(parse(query), operationName ?? undefined)?.operation === 'subscription';
  } catch {
    return false;
  }
}

export function GraphqlTab(props: { apis: readonly ApiDescription[]; profiles: readonly ProfileDescription[] }) {
  const [apiId, setApiId] = useState(props.apis[0]?.apiId ?? '');
  const api = props.apis.find((candidate) => candidate.apiId === apiId) ?? props.apis[0];
  const choices = useMemo(() => (api ? authChoices(api, props.profiles) : []), [api, props.profiles]);
  const [choiceKey, setChoiceKey] = useState(choices[0]?.key ?? '');
  const choice = choices.find((candidate) => candidate.key === choiceKey) ?? choices[0];
  const [last, setLast] = useState<GraphqlAnswer | { failure: string } | undefined>();
  const choiceRef = useRef(choice);
  choiceRef.current = choice;

  const fetcher = useCallback<Fetcher>(
    async (graphiqlParams) => {
      const current = choiceRef.current;
      if (!api || !current) return { errors: [{ message: 'No API to send to.' }] };
      const params = { ...graphiqlParams, operationName: operationToRun(graphiqlParams.query, graphiqlParams.operationName) };
      if (isSubscription(params.query, params.operationName)) return subscriptionResult(api, params);
      try {
        const answer = await consoleApi.graphql({
          apiId: api.apiId,
          authMode: current.authMode as ConsoleAuthMode,
          ...(current.profile ? { profile: current.profile } : {}),
          query: params.query,
          variables: (params.variables as Record<string, unknown> | undefined) ?? null,
          operationName: params.operationName ?? null,
        });
        setLast(answer);
        try {
          return JSON.parse(answer.body);
        } catch {
          return { errors: [{ message: `AppSync answered HTTP ${answer.status} with a body that is not JSON: ${answer.body.slice(0, 200)}` }] };
        }
      } catch (error) {
        const message = error instanceof ConsoleApiError ? error.message : String(error);
        setLast({ failure: message });
        return { errors: [{ message }] };
      }
    },
    [api],
  );

  const plugins = useMemo(() => (api ? [examplesPlugin(api.examples)] : []), [api]);
  const storage = useMemo(() => apiStorage(apiId), [apiId]);
  // A built schema (GraphiQL would still introspect given the introspection result itself).
  const schema = useMemo(() => (api ? buildClientSchema(api.introspection) : null), [api]);
  if (!api) return <p className="console-empty">The templates define no GraphQL API.</p>;

  return (
    <section className="graphql-tab" aria-label="GraphQL">
      <div className="graphql-bar">
        <label>
          API{' '}
          <select aria-label="API" value={api.apiId} onChange={(event) => setApiId(event.target.value)}>
            {props.apis.map((candidate) => (
              <option key={candidate.apiId} value={candidate.apiId}>
                {candidate.name} ({candidate.stackName})
              </option>
            ))}
          </select>
        </label>
        <label>
          Auth{' '}
          <select aria-label="Auth mode" value={choice?.key ?? ''} onChange={(event) => setChoiceKey(event.target.value)}>
            {choices.map((candidate) => (
              <option key={candidate.key} value={candidate.key}>
                {candidate.label}
              </option>
            ))}
          </select>
        </label>
        <code className="graphql-url">{api.url}</code>
        <LastAnswer last={last} />
      </div>
      <div className="graphql-ide">
        <GraphiQL
          key={api.apiId}
          fetcher={fetcher}
          schema={schema}
          plugins={plugins}
          storage={storage}
          isHeadersEditorEnabled={false}
          defaultQuery={api.examples[0]?.query ?? '# No example validates against this API.\n'}
          defaultEditorToolsVisibility="variables"
        />
      </div>
    </section>
  );
}

function LastAnswer({ last }: { last: GraphqlAnswer | { failure: string } | undefined }) {
  if (!last) return <output className="graphql-status" data-testid="graphql-status" />;
  if ('failure' in last) {
    return (
      <output className="graphql-status failed" data-testid="graphql-status">
        {last.failure}
      </output>
    );
  }
  return (
    <output className={`graphql-status ${last.status === 200 ? 'ok' : 'failed'}`} data-testid="graphql-status">
      HTTP {last.status}
      {last.errorType ? ` ${last.errorType}` : ''}
      {last.signedAs ? ` · signed as ${last.signedAs}` : ''}
      {last.requestId ? ` · request ${last.requestId}` : ''}
    </output>
  );
}

function examplesPlugin(examples: readonly GraphqlExample[]) {
  return {
    title: 'Examples',
    icon: ExamplesIcon,
    content: () => <ExamplesPane examples={examples} />,
  };
}

function ExamplesIcon() {
  return (
    <svg viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <path d="M5 4h10l4 4v12H5z" />
      <path d="M8 11h8M8 14h8M8 17h5" />
    </svg>
  );
}

function ExamplesPane({ examples }: { examples: readonly GraphqlExample[] }) {
  const editor = useEditorContext({ nonNull: true });
  const load = (example: GraphqlExample) => {
    editor.queryEditor?.setValue(example.query);
    editor.variableEditor?.setValue(example.variables);
  };
  return (
    <div className="examples-pane">
      <div className="graphiql-doc-explorer-title">Examples</div>
      <p>The project's documents that validate against this API. Click one to load it into the editor.</p>
      {(['query', 'mutation', 'subscription'] as const).map((type) => {
        const ofType = examples.filter((example) => example.operationType === type);
        if (ofType.length === 0) return null;
        return (
          <div key={type}>
            <h3>{type === 'query' ? 'Queries' : type === 'mutation' ? 'Mutations' : 'Subscriptions'}</h3>
            <ul>
              {ofType.map((example) => (
                <li key={example.title}>
                  <button type="button" className="example" onClick={() => load(example)} title={example.source}>
                    {example.title}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </div>
  );
}
