import { readdirSync } from 'node:fs';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations/index.js';
import { dataSourceOptions, migrate } from '../src/database/data-source.js';
import { scratchDatabase } from './support/scratch-database.js';
import { TestApi } from './support/test-app.js';

describe('migrations', () => {
  it('lists every migration file in migrations/index.ts, in order', () => {
    const files = readdirSync(new URL('../migrations/', import.meta.url))
      .filter((f) => /^\d+-.+\.ts$/.test(f))
      .sort();
    expect(files.map((f) => f.replace(/^(\d+)-(.+)\.ts$/, '$2$1'))).toEqual(migrations.map((m) => m.name));
  });

  it('apply to an empty database, revert completely, and apply again', async () => {
    const scratch = await scratchDatabase('migration_check');
    const db = await new DataSource(dataSourceOptions(scratch.url)).initialize();
    const tables = async () =>
      (await db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migration'`))[0].n;
    try {
      await migrate(db);
      expect(await tables()).toBeGreaterThan(10);
      for (let i = 0; i < migrations.length; i++) await db.undoLastMigration({ transaction: 'each' });
      expect(await tables()).toBe(0);
      await migrate(db);
      expect(await tables()).toBeGreaterThan(10);
    } finally {
      await db.destroy();
      await scratch.drop();
    }
  });

  it('several replicas starting at once on a new database all come up (migrations, queue schema, queue)', async () => {
    const scratch = await scratchDatabase('replica_start');
    const replicas = await Promise.allSettled([1, 2, 3, 4].map(() => TestApi.start({ DATABASE_URL: scratch.url, WEBHOOK_WORKER: 'true' })));
    try {
      expect(replicas.map((r) => (r.status === 'rejected' ? String(r.reason) : 'up'))).toEqual(['up', 'up', 'up', 'up']);
      const check = new pg.Client(scratch.url);
      await check.connect();
      const [{ n }] = (await check.query(`SELECT count(*)::int AS n FROM pgboss.queue WHERE name = 'webhook-delivery'`)).rows;
      await check.end();
      expect(n).toBe(1);
    } finally {
      for (const r of replicas) if (r.status === 'fulfilled') await r.value.stop();
      await scratch.drop();
    }
  }, 60_000);
});
