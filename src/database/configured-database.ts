import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { dataSourceOptions, migrate } from './data-source.js';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres.js';

/**
 * The service's database: DATABASE_URL, or else the embedded cluster under DATA_DIR, started here (`notify`
 * is told when a cluster left running by a killed process had to be stopped first).
 */
export async function configuredDatabase(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>,
  notify: (message: string) => void = (message) => console.error(message),
): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const embedded = await startEmbeddedPostgres({ dataDir: join(config.dataDir, 'postgres'), database: 'gezin1plan', persistent: true, notify });
  return { url: embedded.url, embedded };
}

/**
 * For the commands (`npm run seed`, `retention`, `audit:verify`, `directory`): `work` on the configured database,
 * migrated; the connection closed and an embedded cluster stopped afterwards, also when `work` fails. A command
 * that writes through TypeORM's entity manager names its `entities`.
 */
export async function withConfiguredDatabase<T>(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir' | 'legalTimeZone'>,
  work: (db: DataSource) => Promise<T>,
  entities: DataSourceOptions['entities'] = [],
): Promise<T> {
  const { url, embedded } = await configuredDatabase(config);
  try {
    const db = await new DataSource({ ...dataSourceOptions(url, undefined, config.legalTimeZone), entities } as DataSourceOptions).initialize();
    try {
      await migrate(db);
      return await work(db);
    } finally {
      await db.destroy();
    }
  } finally {
    await embedded?.stop();
  }
}
