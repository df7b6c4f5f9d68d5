/**
 * What `npm start` calls the user's to fix (one message, an exit code, no stack) and what it calls a bug (with a log
 * file to attach): local/start.ts's knownError and bugReport.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SchemaBuildError } from '../../local/appsync/schema';
import { UsageError } from '../../local/cli-options';
import { TemplateError } from '../../local/cloudformation/intrinsics';
import { DamagedStateError, PortTakenError, StateLockedError, SynthFailedError } from '../../local/errors';
import { WorkerNotBuiltError } from '../../local/lambda/worker-script';
import { bugReport, knownError } from '../../local/start';

test.each<[string, unknown, number]>([
  ['a usage error', new UsageError('Unknown option --x.'), 2],
  ['a locked state dir', new StateLockedError('/s', { pid: 42, startedAt: 'then', endpoints: { lambda: 'http://127.0.0.1:3001' } }), 1],
  ['damaged state', new DamagedStateError('/s/identity.json', 'is not valid JSON', '/s'), 1],
  ['a port in use', new PortTakenError('lambda', '127.0.0.1', 3001), 1],
  ['a failed synth', new SynthFailedError('/p/cdk.out', true), 1],
  ['a missing assembly', new TemplateError('No cloud assembly at /p/cdk.out'), 1],
  ['a worker not built', new WorkerNotBuiltError('run npm run build:worker'), 1],
  ['a schema that does not build', new SchemaBuildError('its schema does not build'), 1],
  [
    'a read-only state dir',
    Object.assign(new Error("EACCES: permission denied, mkdir '/ro/.local'"), { code: 'EACCES', syscall: 'mkdir', path: '/ro/.local' }),
    1,
  ],
])('%s is the user\'s to fix: its message and exit code, never "bug"', (_what, error, exitCode) => {
  const known = knownError(error);
  expect(known).toEqual({ message: expect.any(String), exitCode });
  expect(known!.message).not.toMatch(/bug/i);
});

test('the messages say what to do', () => {
  expect(knownError(new PortTakenError('lambda', '127.0.0.1', 3001))!.message).toBe(
    'Port 3001 on 127.0.0.1 (the Lambda API, --lambda-port) is in use by another program. Stop what uses it, or pick another port: npm start -- --lambda-port 3002 (0 picks any free port).',
  );
  expect(knownError(new StateLockedError('/s', { pid: 42, startedAt: 'then', endpoints: { lambda: 'http://127.0.0.1:3001' } }))!.message).toBe(
    '/s is in use by another local cloud (pid 42, started then; listening on http://127.0.0.1:3001). Stop that one first (Ctrl-C in its terminal, or `kill 42`), ' +
      'or start another one with its own state and ports: npm start -- --state-dir .local-2 --graphql-port 0 --lambda-port 0 --dynamodb-port 0',
  );
  expect(knownError(Object.assign(new Error('x'), { code: 'EACCES', syscall: 'mkdir', path: '/ro/.local' }))!.message).toBe(
    'Cannot mkdir /ro/.local: permission denied. Pick another --state-dir, or fix its permissions.',
  );
});

test('anything else is a bug: reported with a log file holding the command, the stacks of the error and its cause, and the last log lines', () => {
  expect(knownError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBeUndefined();
  const dir = mkdtempSync(path.join(tmpdir(), 'bug-report-'));
  try {
    const error = new TypeError("Cannot read properties of undefined (reading 'x')", { cause: new Error('the cause') });
    const message = bugReport(error, ['line 1', 'line 2'], ['--no-synth'], dir);
    const [file] = readdirSync(dir);
    expect(message).toBe(
      `npm start: Cannot read properties of undefined (reading 'x')\nThis is a bug in the local cloud, not something you did. Please report it, attaching ${path.join(dir, file)}.\n`,
    );
    const report = readFileSync(path.join(dir, file), 'utf8');
    expect(report).toContain('command: npm start -- --no-synth');
    expect(report).toMatch(/TypeError: Cannot read properties[\s\S]*at [\s\S]*caused by:\nError: the cause/);
    expect(report).toMatch(/the last 2 log lines:\nline 1\nline 2\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
