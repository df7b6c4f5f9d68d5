/**
 * Small function bundles for the local Lambda tests, written to a temporary directory at test time: plain .mjs and
 * .js files shaped like cdk.out assets (index.mjs / index.js exporting `handler`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LocalFunctionDefinition } from '../../../local/lambda/types';
import { workerScript } from '../../../local/lambda/worker-script';

export const REGION = 'eu-west-3';
export const ACCOUNT = '123456789012';
export const PROJECT_ROOT = path.resolve(__dirname, '../../..');

const ECHO_BODY = `
  count++;
  return {
    event,
    count,
    pid: process.pid,
    context: {
      functionName: context.functionName,
      functionVersion: context.functionVersion,
      invokedFunctionArn: context.invokedFunctionArn,
      memoryLimitInMB: context.memoryLimitInMB,
      awsRequestId: context.awsRequestId,
      logGroupName: context.logGroupName,
      logStreamName: context.logStreamName,
      remaining: context.getRemainingTimeInMillis(),
      callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
      clientContext: context.clientContext ?? null,
    },
    env: process.env,
    cwd: process.cwd(),
  };`;

/** Source files by fixture folder. */
export const FIXTURE_SOURCES: Record<string, Record<string, string>> = {
  'echo-esm': {
    'index.mjs': `let count = 0;
// Top-level await: an ES module must be imported, not required.
await new Promise((resolve) => setTimeout(resolve, 1));
console.log('echo-esm initialising');
export const handler = async (event, context) => {
  console.log('echo-esm got', JSON.stringify(event));
  ${ECHO_BODY}
};
`,
  },
  'echo-cjs': {
    'index.js': `let count = 0;
exports.handler = async (event, context) => {
  ${ECHO_BODY}
};
`,
  },
  'imports-esm': {
    'index.mjs': `import { version } from 'graphql';
export const handler = async () => ({ graphql: version });
`,
  },
  'imports-cjs': {
    'index.js': `const { version } = require('graphql');
exports.handler = async () => ({ graphql: version });
`,
  },
  throws: {
    'index.mjs': `class ValidationError extends Error {
  constructor(message) { super(message); this.name = 'ValidationError'; }
}
export const handler = async (event) => {
  if (event.kind === 'string') throw 'just a string';
  if (event.ok) return { ok: true, pid: process.pid };
  throw new ValidationError('the name is too long');
};
`,
  },
  exits: {
    'index.mjs': `export const handler = async (event) => {
  console.log('about to', event.action ?? 'answer');
  if (event.action === 'exit') process.exit(event.code ?? 1);
  if (event.action === 'kill') process.kill(process.pid, 'SIGKILL');
  if (event.action === 'late-throw') setTimeout(() => { throw new Error('thrown from a timer'); }, 5);
  if (event.action === 'late-throw' || event.action === 'reject') {
    if (event.action === 'reject') Promise.reject(new Error('nobody catches this'));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { pid: process.pid };
};
`,
  },
  sleeps: {
    'index.mjs': `export const handler = async (event) => {
  console.log('sleeping', event.ms);
  await new Promise((resolve) => setTimeout(resolve, event.ms ?? 0));
  return { slept: event.ms ?? 0, pid: process.pid };
};
`,
  },
  spins: {
    'index.mjs': `export const handler = async () => {
  for (;;) {}
};
`,
  },
  'spins-at-init': {
    'index.mjs': `for (;;) {}
export const handler = async () => 'never loaded';
`,
  },
  malformed: {
    'index.mjs': `export const handler = async (event) => {
  if (event.kind === 'circular') { const value = { name: 'loop' }; value.self = value; return value; }
  if (event.kind === 'bigint') return { big: 10n };
  if (event.kind === 'huge') return 'x'.repeat(7 * 1024 * 1024);
  if (event.kind === 'undefined') return undefined;
  return { fine: true, pid: process.pid };
};
`,
  },
  callback: {
    'index.js': `exports.handler = function (event, context, callback) {
  if (event.dontWait) context.callbackWaitsForEmptyEventLoop = false;
  if (event.pendingTimerMs) setTimeout(() => console.log('pending timer fired'), event.pendingTimerMs);
  if (event.fail) return callback(new Error('callback failure'));
  if (event.syncReturn) return { ignored: true };
  setTimeout(() => callback(null, { via: 'callback', event }), 10);
};
`,
  },
  noisy: {
    'index.mjs': `export const handler = async (event) => {
  for (let i = 0; i < (event.lines ?? 0); i++) console.log('line ' + i + ' ' + 'é'.repeat(40));
  process.stderr.write('to stderr\\n');
  return { lines: event.lines ?? 0 };
};
`,
  },
  'sometimes-silent': {
    'index.mjs': `import { writeSync } from 'node:fs';
export const handler = async (event) => {
  if (event.say) console.log(event.say);
  if (event.raw) writeSync(1, event.raw + '\\n');
  return { said: event.say ?? null };
};
`,
  },
  'missing-package-esm': {
    'index.mjs': `import nothing from 'no-such-package-anywhere';
export const handler = async () => nothing;
`,
  },
  'missing-package-cjs': {
    'index.js': `const nothing = require('no-such-package-anywhere');
exports.handler = async () => nothing;
`,
  },
  'syntax-error': {
    'index.mjs': `export const handler = async (event) => {
  return { broken: ;
};
`,
  },
  'no-handler': {
    'index.mjs': `export const somethingElse = async () => 'not the handler';
`,
  },
  'no-file': {
    'README.txt': 'this asset has no index file',
  },
};

export interface Fixtures {
  dir: string;
  def(folder: string, overrides?: Partial<LocalFunctionDefinition>): LocalFunctionDefinition;
  remove(): void;
}

/**
 * Writes every fixture into a new temporary directory. `node_modules` there links to the project's, as cdk.out sits
 * inside the project: bare imports resolve by walking up from the asset folder.
 */
export function createFixtures(): Fixtures {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-lambda-fixtures-'));
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const [folder, files] of Object.entries(FIXTURE_SOURCES)) {
    fs.mkdirSync(path.join(dir, folder));
    for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, folder, file), content);
  }
  return {
    dir,
    def: (folder, overrides = {}) => {
      const name = overrides.name ?? `fixture-${folder}`;
      return {
        name,
        arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
        codeDir: path.join(dir, folder),
        handler: 'index.handler',
        runtime: 'nodejs24.x',
        timeoutSeconds: 5,
        memorySize: 128,
        environment: { FIXTURE: folder },
        ...overrides,
      };
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Whether a process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Child processes of this process that run the compiled local Lambda worker. */
export function workerChildren(): number[] {
  const script = workerScript();
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const commandLine = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (commandLine.split('\0').includes(script)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Decoded JSON of a payload. */
export function json(payload: Buffer): any {
  return JSON.parse(payload.toString('utf8'));
}

/** Polls until `condition` holds or `timeoutMs` passes; resolves to whether it held. */
export async function eventually(condition: () => boolean, timeoutMs: number, intervalMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
