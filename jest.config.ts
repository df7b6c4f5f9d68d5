import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking runs once in `npm test` (tsc --noEmit); ts-jest only transpiles (isolatedModules in tsconfig), which keeps the suite fast.
  transform: { '^.+\\.ts$': 'ts-jest' },
  snapshotSerializers: ['<rootDir>/test/support/cdk-snapshot-serializer.ts'],
  testTimeout: 60_000,
};

export default config;
