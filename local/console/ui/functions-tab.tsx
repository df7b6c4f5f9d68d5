/**
 * The Functions tab: the functions of the templates, and for the chosen one its Test tab (saved test events, Invoke,
 * the execution result as the Lambda console shows it) and its Configuration (settings, role, environment with the
 * secrets masked by the server).
 */
import { useEffect, useState } from 'react';
import type { FunctionDescription } from '../functions';
import type { ExecutionResult } from '../invoke';
import type { TestEvent } from '../test-events';
import { ConsoleApiError, consoleApi } from './api';

const message = (error: unknown) => (error instanceof ConsoleApiError ? error.message : String(error));

export function FunctionsTab({ functions }: { functions: readonly FunctionDescription[] }) {
  const [selected, setSelected] = useState(functions[0]?.name);
  const fn = functions.find((candidate) => candidate.name === selected);
  if (functions.length === 0) return <p className="console-empty">The templates define no function.</p>;
  return (
    <section className="split" aria-label="Functions">
      <nav className="list" aria-label="Function list">
        {functions.map((candidate) => (
          <button
            type="button"
            key={candidate.name}
            className={candidate.name === selected ? 'selected' : ''}
            aria-current={candidate.name === selected}
            onClick={() => setSelected(candidate.name)}
          >
            <strong>{candidate.callerId ?? candidate.logicalId}</strong>
            <small>{candidate.name}</small>
          </button>
        ))}
      </nav>
      {fn && <FunctionDetail key={fn.name} fn={fn} />}
    </section>
  );
}

function FunctionDetail({ fn }: { fn: FunctionDescription }) {
  const [view, setView] = useState<'test' | 'configuration'>('test');
  return (
    <div className="detail">
      <h2>{fn.name}</h2>
      <div className="subtabs" role="tablist">
        <button type="button" role="tab" aria-selected={view === 'test'} onClick={() => setView('test')}>
          Test
        </button>
        <button type="button" role="tab" aria-selected={view === 'configuration'} onClick={() => setView('configuration')}>
          Configuration
        </button>
      </div>
      {view === 'test' ? <TestPanel fn={fn} /> : <ConfigurationPanel fn={fn} />}
    </div>
  );
}

function ConfigurationPanel({ fn }: { fn: FunctionDescription }) {
  return (
    <div className="configuration" role="tabpanel" aria-label="Configuration">
      <h3>General configuration</h3>
      <dl>
        <dt>Runtime</dt>
        <dd>{fn.runtime}</dd>
        <dt>Handler</dt>
        <dd>
          <code>{fn.handler}</code>
        </dd>
        <dt>Memory</dt>
        <dd>{fn.memorySize} MB</dd>
        <dt>Timeout</dt>
        <dd>{formatTimeout(fn.timeoutSeconds)}</dd>
        <dt>Function ARN</dt>
        <dd>
          <code>{fn.arn}</code>
        </dd>
        <dt>Template</dt>
        <dd>
          {fn.stackName}/{fn.logicalId}
          {fn.output ? ` (output ${fn.output})` : ''}
        </dd>
        <dt>Execution role</dt>
        <dd>
          {fn.roleArn ? <code>{fn.roleArn}</code> : 'none'}
          {fn.roleProfile ? (
            <>
              {' '}
              (profile <code>{fn.roleProfile}</code> in .local/credentials)
            </>
          ) : null}
        </dd>
      </dl>
      <h3>Environment variables ({fn.environment.length})</h3>
      <table className="environment">
        <thead>
          <tr>
            <th>Key</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {fn.environment.map((variable) => (
            <tr key={variable.name}>
              <td>
                <code>{variable.name}</code>
              </td>
              <td>
                {variable.masked ? (
                  <span className="masked" title="A secret: the console never sends it to the page">
                    •••••••• (hidden, {variable.length} characters)
                  </span>
                ) : (
                  <code>{variable.value}</code>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function formatTimeout(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${seconds % 60} sec`;
}

const NEW_EVENT = '';

/** What the editor shows for a saved event (or a new one). */
function editorFor(list: readonly TestEvent[], eventName: string): { selected: string; name: string; text: string } {
  const event = list.find((candidate) => candidate.name === eventName);
  return event ? { selected: event.name, name: event.name, text: JSON.stringify(event.event, null, 2) } : { selected: NEW_EVENT, name: '', text: '{}' };
}

function TestPanel({ fn }: { fn: FunctionDescription }) {
  const [events, setEvents] = useState<readonly TestEvent[]>([]);
  const [saved, setSaved] = useState(false);
  const [selected, setSelected] = useState<string>(NEW_EVENT);
  const [name, setName] = useState('');
  const [text, setText] = useState('{}');
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
  const [result, setResult] = useState<ExecutionResult | undefined>();
  const [running, setRunning] = useState(false);

  const show = (shown: { selected: string; name: string; text: string }) => {
    setSelected(shown.selected);
    setName(shown.name);
    setText(shown.text);
  };
  const choose = (list: readonly TestEvent[], eventName: string) => show(editorFor(list, eventName));

  useEffect(() => {
    consoleApi.testEvents(fn.name).then(
      (list) => {
        setEvents(list.events);
        setSaved(list.saved);
        const shown = editorFor(list.events, list.events[0]?.name ?? NEW_EVENT);
        setSelected(shown.selected);
        setName(shown.name);
        setText(shown.text);
      },
      (error) => setNotice({ kind: 'error', text: message(error) }),
    );
  }, [fn.name]);

  const save = async () => {
    try {
      const list = await consoleApi.saveTestEvent(fn.name, name, text);
      setEvents(list.events);
      setSaved(list.saved);
      setSelected(name);
      setNotice({ kind: 'ok', text: `Saved test event ${name}.` });
    } catch (error) {
      setNotice({ kind: 'error', text: message(error) });
    }
  };
  const remove = async () => {
    try {
      const list = await consoleApi.deleteTestEvent(fn.name, selected);
      setEvents(list.events);
      setSaved(list.saved);
      setNotice({ kind: 'ok', text: `Deleted test event ${selected}.` });
      choose(list.events, list.events[0]?.name ?? NEW_EVENT);
    } catch (error) {
      setNotice({ kind: 'error', text: message(error) });
    }
  };
  const invoke = async () => {
    setRunning(true);
    setNotice(undefined);
    try {
      setResult(await consoleApi.invoke(fn.name, text));
    } catch (error) {
      setNotice({ kind: 'error', text: message(error) });
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="test-panel" role="tabpanel" aria-label="Test">
      <div className="test-event">
        <label>
          Saved event{' '}
          <select aria-label="Saved event" value={selected} onChange={(event) => choose(events, event.target.value)}>
            {events.map((event) => (
              <option key={event.name} value={event.name}>
                {event.name}
              </option>
            ))}
            <option value={NEW_EVENT}>New event…</option>
          </select>
        </label>
        <small>{saved ? `saved in .local/console/test-events/${fn.name}.json` : "the README's samples (nothing saved yet)"}</small>
        <label>
          Event name <input aria-label="Event name" value={name} maxLength={25} onChange={(event) => setName(event.target.value)} />
        </label>
        <label className="event-json">
          Event JSON
          <textarea aria-label="Event JSON" spellCheck={false} value={text} onChange={(event) => setText(event.target.value)} rows={10} />
        </label>
        <div className="buttons">
          <button type="button" className="primary" onClick={invoke} disabled={running}>
            {running ? 'Invoking…' : 'Invoke'}
          </button>
          <button type="button" onClick={save} disabled={name === ''}>
            Save
          </button>
          <button type="button" onClick={remove} disabled={selected === NEW_EVENT}>
            Delete
          </button>
        </div>
        {notice && (
          <p className={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
            {notice.text}
          </p>
        )}
      </div>
      {result && <ExecutionResultView result={result} memorySize={fn.memorySize} />}
    </div>
  );
}

function ExecutionResultView({ result, memorySize }: { result: ExecutionResult; memorySize: number }) {
  const { summary } = result;
  const ok = result.status === 'Succeeded';
  const heading =
    result.status === 'Refused'
      ? `Execution result: refused (HTTP ${result.statusCode} ${result.errorType ?? ''})`
      : `Execution result: ${ok ? 'succeeded' : 'failed'}`;
  return (
    <section className={`execution-result ${ok ? 'ok' : 'failed'}`} data-testid="execution-result" aria-label="Execution result">
      <h3>{heading}</h3>
      <h4>Details</h4>
      <pre data-testid="execution-response">{prettyJson(result.response)}</pre>
      <h4>Summary</h4>
      <dl>
        {result.requestId && (
          <>
            <dt>Request ID</dt>
            <dd>{result.requestId}</dd>
          </>
        )}
        {summary.initDurationMs !== undefined && (
          <>
            <dt>Init duration</dt>
            <dd>{summary.initDurationMs.toFixed(2)} ms</dd>
          </>
        )}
        <dt>Duration</dt>
        <dd data-testid="execution-duration">
          {summary.durationMs !== undefined ? `${summary.durationMs.toFixed(2)} ms` : `${result.clientDurationMs} ms (round trip)`}
        </dd>
        {summary.billedDurationMs !== undefined && (
          <>
            <dt>Billed duration</dt>
            <dd>{summary.billedDurationMs} ms</dd>
          </>
        )}
        <dt>Resources configured</dt>
        <dd>{summary.memorySizeMb ?? memorySize} MB</dd>
        {summary.maxMemoryUsedMb !== undefined && (
          <>
            <dt>Max memory used</dt>
            <dd>{summary.maxMemoryUsedMb} MB</dd>
          </>
        )}
        <dt>Status code</dt>
        <dd>
          {result.statusCode}
          {result.functionError ? ` (function error: ${result.functionError})` : ''}
        </dd>
      </dl>
      <h4>Log output</h4>
      <pre className="log" data-testid="execution-log">
        {result.logTail || '(no log)'}
      </pre>
    </section>
  );
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
