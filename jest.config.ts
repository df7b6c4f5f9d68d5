import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking runs once in `npm test` (tsc --noEmit); ts-jest only transpiles (isolatedModules in tsconfig), which keeps the suite fast.
  transform: { '^.+\\.ts$': 'ts-jest' },
  snapshotSerializers: ['<rootDir>/test/support/cdk-snapshot-serializer.ts'],
  testTimeout: 60_000,
  // Two workers on two cores: most suites wait on child processes, sockets and disk, so two overlap well (3 min
  // instead of 5 on a quiet 2-core machine), and the suite still passed with two other CPU-bound processes running.
  maxWorkers: 2,
};

export default config;
