import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { DEFAULT_LEGAL_TIME_ZONE } from '../common/calendar.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';
import { PreparingClient } from './prepared-statements.js';
import type { SqlStatementCounter } from './sql-statement-counter.js';

/*
 * The DataSource's options and the migration run, apart from the Nest module: the commands (audit:verify, retention,
 * directory, jobs, the seed) and the tests that migrate a database of their own use them without loading Nest's
 * TypeORM module, half a second of each command's start.
 */

/** Any fixed number: serialises migration runs of several replicas starting at once. */
const MIGRATION_LOCK_KEY = 1_764_100_000;

/**
 * `timeZone` is the session's TimeZone: `current_date`, which decides ages and the end of a parent's
 * representation in the access rule, is then the families' date (see common/calendar.ts).
 */
export function dataSourceOptions(url: string, logger?: SqlStatementCounter, timeZone = DEFAULT_LEGAL_TIME_ZONE): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    autoLoadEntities: true,
    entities: [],
    migrations,
    migrationsTableName: 'schema_migration',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    logger,
    logging: logger ? ['query'] : false,
    // A database that does not answer fails the request (SERVICE_UNAVAILABLE) instead of holding it forever.
    // Statements are prepared per connection and planned once per shape (prepared-statements.ts).
    extra: {
      max: 10,
      application_name: 'gezin1plan',
      connectionTimeoutMillis: 10_000,
      Client: PreparingClient,
      options: `-c plan_cache_mode=force_generic_plan -c TimeZone=${timeZone}`,
    },
  } as DataSourceOptions;
}

/** Applies pending migrations; one replica at a time, the others wait and then find nothing to do. */
export async function migrate(db: DataSource): Promise<void> {
  const runner = db.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await db.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
