/**
 * Jest in ESM mode (NestJS 12 is ESM-only), in two tiers (docs/testing.md). `jest` runs both; each tier alone:
 * - unit: `*.spec.ts`, no database and no Nest app: `npm run test:unit` (jest.unit.config.js);
 * - e2e: `*.e2e-spec.ts`, against PostgreSQL started by the global setup: `npm run test:e2e` (jest.e2e.config.js).
 */

/**
 * TypeScript to JavaScript for the tests, type-checking left to `npm run typecheck`: swc strips the types in about a
 * millisecond per file where ts-jest's TypeScript took 35 (docs/testing.md, "A clean clone"). As tsc
 * compiles `dist/` (tsconfig.json): legacy decorators with their design-type metadata, which Nest, TypeORM and
 * class-validator read, and class fields defined as ES2022 does.
 */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    target: 'es2023',
    keepClassNames: true,
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

const esm = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
};

export const unit = { ...esm, displayName: 'unit', testMatch: ['**/*.spec.ts'] };

export const e2e = {
  ...esm,
  displayName: 'e2e',
  testMatch: ['**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/shared-app-first.ts'],
};

/** Options of the whole run (not of a project). */
export const run = {
  maxWorkers: 2,
  // A worker ends by its event loop emptying; Jest's default 500 ms did not cover the teardown of a worker
  // without handles on a loaded 2-core machine (docs/decisions.md, "Jest workers' exit"). A worker that still
  // holds a handle (timer, socket, child process) after 5 s is reported as before.
  workerGracefulExitTimeout: 5000,
  testTimeout: 30000,
};

export default { ...run, projects: [unit, e2e] };
