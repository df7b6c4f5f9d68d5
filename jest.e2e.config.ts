import type { Config } from 'jest';

/*
 * End-to-end tests in a real browser (Debian's Chromium through playwright-core): `npm run test:e2e:realtime`, a CI
 * step of its own after `npm test` (.ci/run installs Chromium first). Files `test/local/appsync/realtime/*.e2e.ts`,
 * which the main config's `*.test.ts` never matches (the console's e2e runs under node's own test runner).
 */
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/local/appsync/realtime/**/*.e2e.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  maxWorkers: 1,
  testTimeout: 300_000,
};

export default config;
