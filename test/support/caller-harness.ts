/**
 * Runs a caller handler against the fake AppSync the way Lambda would: settings from an Amplify-named environment,
 * console output captured, and static test credentials injected instead of the provider chain.
 */
import * as path from 'node:path';
import type { Context } from 'aws-lambda';
import type { CallerResponse } from '../../lambda/callers/responses';
import { buildCallerRuntime, type CallerRuntimeOptions, memoizeRuntime, type RuntimeProvider } from '../../lambda/callers/runtime';
import type { AuthMode } from '../../lambda/shared/settings';
import { isolatedAwsEnvironment } from './aws-isolation';
import { type ConsoleCapture, captureConsole } from './console-capture';
import { type FakeAppSync, startFakeAppSync } from './fake-appsync';
import { fakeLambdaContext } from './lambda-context';

export const TEST_API_KEY = 'da2-callerharnesskey0123456789';
export const TEST_REGION = 'eu-central-1';
export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIDCALLERHARNESS01',
  secretAccessKey: 'caller-harness-secret/0123456789abcdefGHIJ',
  sessionToken: 'caller-harness-session-token-0123456789abcdefghij',
};
/** Every value that must never show in a response message or a log line. */
export const TEST_SECRETS: readonly string[] = [TEST_API_KEY, TEST_CREDENTIALS.secretAccessKey, TEST_CREDENTIALS.sessionToken];

export type CallerHandlerFactory = (getRuntime: RuntimeProvider) => (event: unknown, context: Context) => Promise<CallerResponse>;

export interface Invocation {
  readonly statusCode: number;
  /** The parsed JSON body. */
  readonly body: { readonly [key: string]: unknown };
  readonly rawBody: string;
  /** What the invocation wrote to the console, one entry per call. */
  readonly logLines: readonly string[];
}

export interface CallerHarness {
  readonly server: FakeAppSync;
  readonly console: ConsoleCapture;
  /** Every signature the server received, for the no-secret checks. */
  signaturesSeen(): string[];
  close(): Promise<void>;
}

export async function startCallerHarness(): Promise<CallerHarness> {
  const server = await startFakeAppSync({
    apiKey: TEST_API_KEY,
    region: TEST_REGION,
    iamCredentials: {
      [TEST_CREDENTIALS.accessKeyId]: { secretAccessKey: TEST_CREDENTIALS.secretAccessKey, sessionToken: TEST_CREDENTIALS.sessionToken },
    },
  });
  const capture = captureConsole();
  return {
    server,
    console: capture,
    signaturesSeen: () =>
      server.requests
        .map((request) => /Signature=([0-9a-f]{64})/.exec(String(request.headers.authorization ?? ''))?.[1])
        .filter((signature): signature is string => signature !== undefined),
    close: async () => {
      capture.restore();
      await server.close();
    },
  };
}

/** Both auth modes, for `describe.each`. */
export const AUTH_MODES: ReadonlyArray<readonly [AuthMode]> = [['API_KEY'], ['AWS_IAM']];

/**
 * Registers a fresh harness for each test of the calling file (beforeEach/afterEach) and returns an object that
 * stands for the current test's harness. After each test, whatever it did: no secret, nor any signature the server
 * received (known only then), in any log line; then the harness closes.
 */
export function useCallerHarness(): CallerHarness {
  let current: CallerHarness | undefined;
  const active = (): CallerHarness => {
    if (current === undefined) {
      throw new Error('the caller harness exists only while a test runs');
    }
    return current;
  };

  beforeEach(async () => {
    current = await startCallerHarness();
  });

  afterEach(async () => {
    const harness = active();
    current = undefined;
    try {
      const logs = harness.console.lines.join('\n');
      for (const secret of [...TEST_SECRETS, ...harness.signaturesSeen()]) {
        expect(logs).not.toContain(secret);
      }
    } finally {
      await harness.close();
    }
  });

  return {
    get server() {
      return active().server;
    },
    get console() {
      return active().console;
    },
    signaturesSeen: () => active().signaturesSeen(),
    close: () => active().close(),
  };
}

/** The environment the CDK code gives a caller (lib/graphql-caller.ts), pointed at `endpoint`. */
export function callerEnvironment(mode: AuthMode, endpoint: string, apiName = 'TODOAPI'): Record<string, string> {
  return {
    [`API_${apiName}_GRAPHQLAPIENDPOINTOUTPUT`]: endpoint,
    [`API_${apiName}_GRAPHQLAPIIDOUTPUT`]: 'fakeapiid0123456789',
    ENV: 'test',
    REGION: TEST_REGION,
    ...(mode === 'API_KEY' ? { [`API_${apiName}_GRAPHQLAPIKEYOUTPUT`]: TEST_API_KEY } : {}),
  };
}

/** Fast retries (real waits of a few ms) and the static test credentials. */
export const FAST_RUNTIME: CallerRuntimeOptions = {
  credentials: TEST_CREDENTIALS,
  requestTimeoutMs: 2_000,
  retry: { maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 10 },
  minAttemptMs: 0,
};

export function runtimeFor(env: Record<string, string | undefined>, options: CallerRuntimeOptions = FAST_RUNTIME): RuntimeProvider {
  return memoizeRuntime(() => buildCallerRuntime(env, options));
}

export async function invoke(
  harness: CallerHarness,
  handler: (event: unknown, context: Context) => Promise<CallerResponse>,
  event: unknown,
  remainingMs = 15_000,
): Promise<Invocation> {
  const before = harness.console.lines.length;
  const response = await handler(event, fakeLambdaContext(remainingMs));
  return {
    statusCode: response.statusCode,
    body: JSON.parse(response.body) as Invocation['body'],
    rawBody: response.body,
    logLines: harness.console.lines.slice(before),
  };
}

/** The single structured log line of an invocation, parsed. */
export function logRecord(invocation: Invocation): { readonly [key: string]: unknown } {
  if (invocation.logLines.length !== 1) {
    throw new Error(`expected exactly one log line, got ${invocation.logLines.length}: ${invocation.logLines.join('\n')}`);
  }
  return JSON.parse(invocation.logLines[0]) as { readonly [key: string]: unknown };
}

/**
 * process.env as inside Lambda, for tests of the exported handlers: each test sets it from `base()` (PATH and an AWS
 * setup that cannot read the developer's ~/.aws) plus its own variables; it is restored after each test.
 */
export function useLambdaProcessEnvironment(): { base(): NodeJS.ProcessEnv } {
  const savedEnv = process.env;
  let baseEnv: NodeJS.ProcessEnv = {};
  beforeAll(() => {
    baseEnv = { PATH: savedEnv.PATH, ...isolatedAwsEnvironment() };
  });
  afterEach(() => {
    process.env = savedEnv;
  });
  return { base: () => baseEnv };
}

/** A fresh instance of a caller module (`list-todos`, `create-todo.api-key`, ...): a new Lambda container. */
export function coldStart<T>(callerModule: string): T {
  let loaded: T | undefined;
  jest.isolateModules(() => {
    loaded = require(path.join(CALLERS_DIR, callerModule)) as T;
  });
  return loaded as T;
}

const CALLERS_DIR = path.join(__dirname, '..', '..', 'lambda', 'callers');
