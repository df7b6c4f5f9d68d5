/**
 * The compiled worker is found, not built, at run time: a missing or stale one is refused with a message naming
 * `npm run build:worker`, and a runtime (or the whole Lambda service) without one fails at start, not at its first
 * invocation.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  COMPILED_WORKER,
  locateWorkerScript,
  WORKER_BUILD_COMMAND,
  WORKER_SOURCES,
  WorkerNotBuiltError,
  workerScript,
} from '../../../local/lambda/worker-script';
import { PROJECT_ROOT } from './fixtures';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-lambda-worker-script-'));
  for (const source of WORKER_SOURCES) fs.writeFileSync(path.join(dir, source), '// source\n');
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeCompiled(secondsFromSources: number): string {
  const compiled = path.join(dir, COMPILED_WORKER);
  fs.mkdirSync(path.dirname(compiled), { recursive: true });
  fs.writeFileSync(compiled, '// compiled\n');
  const sourcesAt = Date.now() / 1000 - 100;
  for (const source of WORKER_SOURCES) fs.utimesSync(path.join(dir, source), sourcesAt, sourcesAt);
  fs.utimesSync(compiled, sourcesAt + secondsFromSources, sourcesAt + secondsFromSources);
  return compiled;
}

function refusal(directory: string): WorkerNotBuiltError {
  try {
    locateWorkerScript(directory);
  } catch (error) {
    return error as WorkerNotBuiltError;
  }
  throw new Error('locateWorkerScript did not refuse');
}

describe('locating the compiled worker', () => {
  test('the build command is npm run build:worker, and it is a package.json script', () => {
    expect(WORKER_BUILD_COMMAND).toBe('npm run build:worker');
    const scripts = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['build:worker']).toBe('node local/lambda/build-worker.mjs');
    // npm ci runs prepare; the commands that run workers build it first.
    // (pretest then fetches the functions' Node.js: npm run lambda-node, local/lambda/node-runtime.ts; npm start
    // fetches it itself the first time.)
    for (const script of ['prepare', 'pretest', 'prebench']) expect(scripts[script]).toMatch(/^npm run build:worker($| && )/);
    expect(scripts.pretest).toContain('npm run lambda-node');
    // npm start's prestart builds it in its own process, only when it is missing or older than its sources.
    expect(scripts.prestart).toBe('node local/prestart.mjs');
    const prestart = fs.readFileSync(path.join(PROJECT_ROOT, 'local', 'prestart.mjs'), 'utf8');
    expect(prestart).toContain("script: './lambda/build-worker.mjs'");
    for (const source of WORKER_SOURCES) expect(prestart).toContain(`'lambda/${source}'`);
  });

  test('a missing worker is refused, naming the file and the command to run', () => {
    const error = refusal(dir);
    expect(error).toBeInstanceOf(WorkerNotBuiltError);
    expect(error.name).toBe('WorkerNotBuiltError');
    expect(error.message).toBe(
      `The local Lambda worker is not built: ${path.join(dir, 'dist', 'worker.mjs')} is missing. Run \`npm run build:worker\` (npm ci, npm test and npm start run it).`,
    );
  });

  test.each(WORKER_SOURCES)('a worker older than %s is refused as out of date, naming the command to run', (source) => {
    writeCompiled(10);
    const later = Date.now() / 1000;
    fs.utimesSync(path.join(dir, source), later, later);
    const error = refusal(dir);
    expect(error).toBeInstanceOf(WorkerNotBuiltError);
    expect(error.message).toBe(
      `The local Lambda worker is out of date: ${path.join(dir, 'dist', 'worker.mjs')} is older than ${path.join(dir, source)}. Run \`npm run build:worker\`.`,
    );
  });

  test('a worker newer than its sources is used', () => {
    const compiled = writeCompiled(10);
    expect(locateWorkerScript(dir)).toBe(compiled);
  });

  test('a worker.mjs shipped next to the module (a bundled copy, e.g. the benchmark) is used as is', () => {
    const shipped = path.join(dir, 'worker.mjs');
    fs.writeFileSync(shipped, '// bundled\n');
    expect(locateWorkerScript(dir)).toBe(shipped);
  });

  test("this project's worker is built inside the project, not in the temp dir, and is current", () => {
    const script = workerScript();
    expect(script).toBe(path.join(PROJECT_ROOT, 'local', 'lambda', 'dist', 'worker.mjs'));
    expect(fs.readFileSync(script, 'utf8')).toMatch(/^\/\/ Compiled from local\/lambda\/worker\.ts by `npm run build:worker`/);
  });

  test('the build script compiles exactly the sources this module checks', () => {
    const buildScript = fs.readFileSync(path.join(PROJECT_ROOT, 'local', 'lambda', 'build-worker.mjs'), 'utf8');
    const listed = /const SOURCES = \[([^\]]*)\]/.exec(buildScript)?.[1];
    expect(listed?.split(',').map((entry) => entry.trim().replace(/^'|'$/g, ''))).toEqual([...WORKER_SOURCES]);
  });
});

describe('without a built worker', () => {
  /**
   * A copy of local/lambda (and the local/http it imports) in a temp folder, without dist/: required through jest's
   * transform, its worker-script.ts looks for the worker next to itself and finds none.
   */
  function unbuiltCopy(): string {
    const root = path.join(dir, 'copy');
    for (const folder of ['lambda', 'http']) {
      const from = path.join(PROJECT_ROOT, 'local', folder);
      for (const file of fs.readdirSync(from).filter((name) => name.endsWith('.ts'))) {
        fs.mkdirSync(path.join(root, 'local', folder), { recursive: true });
        fs.copyFileSync(path.join(from, file), path.join(root, 'local', folder, file));
      }
    }
    return path.join(root, 'local', 'lambda');
  }

  const definition = {
    name: 'fn',
    arn: 'arn:aws:lambda:eu-west-3:123456789012:function:fn',
    codeDir: os.tmpdir(),
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    timeoutSeconds: 3,
    memorySize: 128,
    environment: {},
  };

  test('a runtime with functions fails when constructed, with the message, not at its first invocation', () => {
    const copy = unbuiltCopy();
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { LambdaRuntime } = require(path.join(copy, 'runtime.ts')) as typeof import('../../../local/lambda/runtime');
      const { WorkerNotBuiltError: CopyError } = require(path.join(copy, 'worker-script.ts')) as typeof import('../../../local/lambda/worker-script');
      /* eslint-enable @typescript-eslint/no-require-imports */
      expect(() => new LambdaRuntime({ region: 'eu-west-3', accountId: '123456789012', functions: [definition] })).toThrow(CopyError);
      expect(() => new LambdaRuntime({ region: 'eu-west-3', accountId: '123456789012', functions: [definition] })).toThrow(
        /^The local Lambda worker is not built: .*dist\/worker\.mjs is missing\. Run `npm run build:worker`/,
      );
      // A runtime with no function needs no worker.
      expect(() => new LambdaRuntime({ region: 'eu-west-3', accountId: '123456789012', functions: [] })).not.toThrow();
    });
  });

  test('startLambdaService rejects with the same error, before listening', async () => {
    const copy = unbuiltCopy();
    let service!: typeof import('../../../local/lambda/service');
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      service = require(path.join(copy, 'service.ts')) as typeof import('../../../local/lambda/service');
    });
    await expect(
      service.startLambdaService({
        region: 'eu-west-3',
        accountId: '123456789012',
        functions: [definition],
        authenticate: async () => ({ ok: true, principal: 'p' }),
        authorize: () => true,
      }),
    ).rejects.toMatchObject({ name: 'WorkerNotBuiltError', message: expect.stringContaining('Run `npm run build:worker`') });
  });
});
