/** The console's page: three tabs (GraphQL, Functions, Tables) over what the console's API describes. */
import { useEffect, useState } from 'react';
import type { FunctionDescription } from '../functions';
import type { ApiDescription, ProfileDescription } from '../graphql';
import type { TableDescription } from '../tables';
import { ConsoleApiError, consoleApi } from './api';
import { FunctionsTab } from './functions-tab';
import { GraphqlTab } from './graphql-tab';
import { TablesTab } from './tables-tab';

type TabName = 'graphql' | 'functions' | 'tables';

interface Overview {
  readonly apis: ApiDescription[];
  readonly profiles: ProfileDescription[];
  readonly functions: FunctionDescription[];
  readonly tables: TableDescription[];
}

const TABS: ReadonlyArray<{ name: TabName; label: string }> = [
  { name: 'graphql', label: 'GraphQL' },
  { name: 'functions', label: 'Functions' },
  { name: 'tables', label: 'Tables' },
];

function tabFromHash(): TabName {
  const name = window.location.hash.slice(1);
  return TABS.some((tab) => tab.name === name) ? (name as TabName) : 'graphql';
}

export function App() {
  const [tab, setTab] = useState<TabName>(tabFromHash);
  const [overview, setOverview] = useState<Overview | undefined>();
  const [failure, setFailure] = useState<string | undefined>();

  useEffect(() => {
    Promise.all([consoleApi.apis(), consoleApi.functions(), consoleApi.tables()]).then(
      ([apis, functions, tables]) => setOverview({ ...apis, ...functions, ...tables }),
      (error) => setFailure(error instanceof ConsoleApiError ? error.message : String(error)),
    );
  }, []);

  const open = (name: TabName) => {
    setTab(name);
    window.history.replaceState(null, '', `#${name}`);
  };

  return (
    <div className="console">
      <header className="console-header">
        <h1>Local console</h1>
        <div className="tabs" role="tablist" aria-label="Console sections">
          {TABS.map(({ name, label }) => (
            <button type="button" role="tab" key={name} aria-selected={tab === name} onClick={() => open(name)}>
              {label}
            </button>
          ))}
        </div>
      </header>
      <main className="console-main">
        {failure && (
          <p className="notice error" role="alert">
            {failure}
          </p>
        )}
        {!overview && !failure && <p className="console-empty">Loading…</p>}
        {overview && tab === 'graphql' && <GraphqlTab apis={overview.apis} profiles={overview.profiles} />}
        {overview && tab === 'functions' && <FunctionsTab functions={overview.functions} />}
        {overview && tab === 'tables' && <TablesTab tables={overview.tables} />}
      </main>
    </div>
  );
}
