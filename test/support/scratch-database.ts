import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, migrate } from '../../src/database/data-source.js';

/** A database of its own in the test cluster, for a test that needs an empty or isolated one. */
export interface ScratchDatabase {
  name: string;
  url: string;
  /** Drops it, closing whatever connections are left. */
  drop(): Promise<void>;
}

async function asAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

export async function scratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await asAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => asAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}

/** A scratch database with every migration applied, and a client connected to it. */
export async function migratedScratchDatabase(prefix: string): Promise<{ scratch: ScratchDatabase; client: pg.Client }> {
  const scratch = await scratchDatabase(prefix);
  const db = await new DataSource(dataSourceOptions(scratch.url)).initialize();
  try {
    await migrate(db);
  } finally {
    await db.destroy();
  }
  const client = new pg.Client(scratch.url);
  await client.connect();
  return { scratch, client };
}
