/**
 * The Tables tab: each table of the templates, and its items a page at a time (a Scan per page, as the DynamoDB
 * console's "Explore items"): the key attributes first, then every other attribute the page's items have.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ItemsPage, TableDescription } from '../tables';
import { ConsoleApiError, consoleApi } from './api';

const PAGE_SIZES = [10, 50, 100, 300];

export function TablesTab({ tables }: { tables: readonly TableDescription[] }) {
  const [selected, setSelected] = useState(tables[0]?.tableName);
  const table = tables.find((candidate) => candidate.tableName === selected);
  if (tables.length === 0) return <p className="console-empty">The templates define no table.</p>;
  return (
    <section className="split" aria-label="Tables">
      <nav className="list" aria-label="Table list">
        {tables.map((candidate) => (
          <button
            type="button"
            key={candidate.tableName}
            className={candidate.tableName === selected ? 'selected' : ''}
            aria-current={candidate.tableName === selected}
            onClick={() => setSelected(candidate.tableName)}
          >
            <strong>{candidate.logicalId}</strong>
            <small>{candidate.tableName}</small>
          </button>
        ))}
      </nav>
      {table && <TableItems key={table.tableName} table={table} />}
    </section>
  );
}

function TableItems({ table }: { table: TableDescription }) {
  const [limit, setLimit] = useState(50);
  /** The cursors of the pages seen so far: cursors[n] starts page n (page 0 has none). */
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);
  const [page, setPage] = useState<ItemsPage | undefined>();
  const [error, setError] = useState<string | undefined>();

  const load = useCallback(() => {
    setError(undefined);
    consoleApi
      .items(table.tableName, limit, cursors[pageIndex])
      .then(setPage, (failure) => setError(failure instanceof ConsoleApiError ? failure.message : String(failure)));
  }, [table.tableName, limit, pageIndex, cursors]);
  useEffect(load, [load]);

  const restart = (newLimit: number) => {
    setLimit(newLimit);
    setCursors([undefined]);
    setPageIndex(0);
  };
  const next = () => {
    if (!page?.nextCursor) return;
    setCursors((seen) => [...seen.slice(0, pageIndex + 1), page.nextCursor]);
    setPageIndex(pageIndex + 1);
  };

  const keys = table.keySchema.map((key) => key.name);
  const columns = [...keys, ...[...new Set((page?.items ?? []).flatMap((item) => Object.keys(item)))].filter((name) => !keys.includes(name)).sort()];
  return (
    <div className="detail">
      <h2>{table.tableName}</h2>
      <p className="table-facts">
        {table.stackName}/{table.logicalId} · keys: {table.keySchema.map((key) => `${key.name} (${key.keyType === 'HASH' ? 'partition' : 'sort'})`).join(', ')}
        {table.itemCount !== undefined ? ` · about ${table.itemCount} items` : ''}
      </p>
      <div className="pager">
        <label>
          Items per page{' '}
          <select aria-label="Items per page" value={limit} onChange={(event) => restart(Number(event.target.value))}>
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setPageIndex(pageIndex - 1)} disabled={pageIndex === 0}>
          ‹ Previous
        </button>
        <span data-testid="page-number">Page {pageIndex + 1}</span>
        <button type="button" onClick={next} disabled={!page?.nextCursor}>
          Next ›
        </button>
        <button type="button" onClick={load}>
          Refresh
        </button>
      </div>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      {page && (
        <table className="items" data-testid="items">
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column}>{column}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {page.items.map((item, index) => (
              <tr key={keys.map((key) => String(item[key])).join('|') || index}>
                {columns.map((column) => (
                  <td key={column}>{cell(item[column])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page && page.items.length === 0 && <p className="console-empty">No items{pageIndex > 0 ? ' on this page' : ''}.</p>}
    </div>
  );
}

function cell(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
