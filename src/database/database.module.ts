import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { DEFAULT_LEGAL_TIME_ZONE } from '../common/calendar.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';
import { PgNotifications } from './pg-notifications.js';
import { PreparingClient } from './prepared-statements.js';
import { SqlStatementCounter } from './sql-statement-counter.js';

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

@Module({})
export class DatabaseModule {
  static forRoot(url: string, timeZone: string): DynamicModule {
    const counter = new SqlStatementCounter();
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(url, counter, timeZone),
          dataSourceFactory: async (options) => {
            const db = await new DataSource(options!).initialize();
            await migrate(db);
            return db;
          },
        }),
      ],
      providers: [
        { provide: SqlStatementCounter, useValue: counter },
        { provide: PgNotifications, useFactory: () => new PgNotifications(url) },
      ],
      exports: [SqlStatementCounter, PgNotifications],
    };
  }
}
