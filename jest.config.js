/** Jest in ESM mode: NestJS 12 is ESM-only (docs/testing.md). */
export default {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }] },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  maxWorkers: 2,
  // A worker ends by its event loop emptying; Jest's default 500 ms did not cover the teardown of a worker
  // without handles on a loaded 2-core machine (docs/decisions.md, "Jest workers' exit"). A worker that still
  // holds a handle (timer, socket, child process) after 5 s is reported as before.
  workerGracefulExitTimeout: 5000,
  testTimeout: 30000,
};
