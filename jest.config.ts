import type { Config } from 'jest';

/*
 * Tests in three tiers, run together by `npm test` (and alone by `npm run test:unit`, `test:integration`,
 * `test:system`):
 * - unit: pure, in process (templates synthesized without bundling, parsers, translators, evaluators); every test
 *   file not listed below is one;
 * - integration: loopback servers, dynalite, the local cloud's services in process;
 * - system: child processes (CLIs, npm start, Lambda workers, pseudo-terminals), SIGKILL, load, real bundling.
 */
const INTEGRATION = [
  '<rootDir>/test/lambda/callers/api-key-entry.test.ts',
  '<rootDir>/test/lambda/callers/create-todo.test.ts',
  '<rootDir>/test/lambda/callers/handler-wiring.test.ts',
  '<rootDir>/test/lambda/callers/list-todos.test.ts',
  '<rootDir>/test/lambda/shared/default-credentials.test.ts',
  '<rootDir>/test/lambda/shared/graphql-client.test.ts',
  '<rootDir>/test/lambda/shared/http-transport.test.ts',
  '<rootDir>/test/hardening/resolver-faults.test.ts',
  '<rootDir>/test/local/appsync/api-limits.test.ts',
  '<rootDir>/test/local/appsync/data-source-role.test.ts',
  '<rootDir>/test/local/appsync/endpoint.test.ts',
  '<rootDir>/test/local/appsync/mutation-hook.test.ts',
  '<rootDir>/test/local/dynamodb/store.test.ts',
  '<rootDir>/test/local/appsync/realtime/amplify.test.ts',
  '<rootDir>/test/local/appsync/realtime/protocol.test.ts',
  '<rootDir>/test/local/appsync/realtime/service.test.ts',
  '<rootDir>/test/local/http/same-port-tls.test.ts',
  '<rootDir>/test/local/http/server.test.ts',
  '<rootDir>/test/local/iam/authorizer-over-http.test.ts',
  '<rootDir>/test/local/lambda/invoke-api.test.ts',
  '<rootDir>/test/local/lambda/invoke-cli.test.ts',
  '<rootDir>/test/local/dynamodb/store-check.test.ts',
  '<rootDir>/test/local/lambda/functions-api.test.ts',
  '<rootDir>/test/lambda/resolver/handler.test.ts',
  '<rootDir>/test/lambda/resolver/list-todos.test.ts',
  '<rootDir>/test/lambda/resolver/model-expression.test.ts',
  '<rootDir>/test/lambda/resolver/mutations.test.ts',
  '<rootDir>/test/lambda/resolver/pagination-token.test.ts',
  '<rootDir>/test/lambda/resolver/schema-models.test.ts',
];

const SYSTEM = [
  // The tests npm run add-function writes with each caller: they start the local cloud.
  '<rootDir>/test/lambda/callers/added/**/*.test.ts',
  '<rootDir>/test/lib/add-function/cli.test.ts',
  '<rootDir>/test/lib/add-function/end-to-end.test.ts',
  '<rootDir>/test/lib/commonjs-caller.test.ts',
  '<rootDir>/test/lib/snapshot.test.ts',
  '<rootDir>/test/lib/synth-path.test.ts',
  '<rootDir>/test/lib/client-config/cli.test.ts',
  '<rootDir>/test/lib/client-config/local-cloud.test.ts',
  '<rootDir>/test/lib/codegen/cli.test.ts',
  '<rootDir>/test/hardening/bad-input.test.ts',
  '<rootDir>/test/hardening/crash-recovery.test.ts',
  '<rootDir>/test/hardening/hygiene.test.ts',
  '<rootDir>/test/hardening/load.test.ts',
  '<rootDir>/test/hardening/store-faults.test.ts',
  '<rootDir>/test/local/console/api.test.ts',
  '<rootDir>/test/local/dynamodb/auth.test.ts',
  '<rootDir>/test/local/local-cloud.test.ts',
  '<rootDir>/test/local/schema-edits.test.ts',
  '<rootDir>/test/local/start-cli.test.ts',
  '<rootDir>/test/local/start-watch.test.ts',
  '<rootDir>/test/local/lambda/node-runtime.test.ts',
  '<rootDir>/test/local/state-guard.test.ts',
  '<rootDir>/test/local/signals.test.ts',
  '<rootDir>/test/local/try-it.test.ts',
  '<rootDir>/test/local/lambda/orphans.test.ts',
  '<rootDir>/test/local/lambda/runtime.test.ts',
  '<rootDir>/test/local/lambda/replace-functions.test.ts',
  '<rootDir>/test/local/lambda/service.test.ts',
];

const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Type checking runs once in `npm test` (tsc --noEmit); ts-jest only transpiles (isolatedModules in tsconfig), which keeps the suite fast.
  transform: { '^.+\\.ts$': 'ts-jest' },
  snapshotSerializers: ['<rootDir>/test/support/cdk-snapshot-serializer.ts'],
  setupFiles: ['<rootDir>/test/support/jest-environment.ts'],
} satisfies Config;

const config: Config = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: [...INTEGRATION, ...SYSTEM].map(globToPattern) },
    { ...shared, displayName: 'integration', testMatch: INTEGRATION },
    { ...shared, displayName: 'system', testMatch: SYSTEM },
  ],
  // Two workers on two cores: most suites wait on child processes, sockets and disk, so two overlap well (3 min
  // instead of 5 on a quiet 2-core machine), and the suite still passed with two other CPU-bound processes running.
  maxWorkers: 2,
  // Global only (a project cannot set it): generous, for a busy 2-core machine.
  testTimeout: 60_000,
};

/** testPathIgnorePatterns are regular expressions; these are paths and `**` / `*` globs. */
function globToPattern(glob: string): string {
  const escaped = glob.replace('<rootDir>/', '/').replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return escaped.replace(/\*\*\//g, '(?:.*/)?').replace(/\*/g, '[^/]*');
}

export default config;
