import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations/index.js';
import { dataSourceOptions, migrate } from '../src/database/database.module.js';

describe('migrations', () => {
  it('lists every migration file in migrations/index.ts, in order', () => {
    const files = readdirSync(new URL('../migrations/', import.meta.url))
      .filter((f) => /^\d+-.+\.ts$/.test(f))
      .sort();
    expect(files.map((f) => f.replace(/^(\d+)-(.+)\.ts$/, '$2$1'))).toEqual(migrations.map((m) => m.name));
  });

  it('apply to an empty database, revert completely, and apply again', async () => {
    const name = `migration_check_${randomUUID().replace(/-/g, '')}`;
    const admin = new pg.Client(process.env.DATABASE_URL);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    const db = await new DataSource(dataSourceOptions(url.toString())).initialize();
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
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    }
  });
});
