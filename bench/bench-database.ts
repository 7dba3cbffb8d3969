import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { seedDatabase } from './seed/seed-database.js';
import { dataSourceOptions, migrate } from '../src/database/data-source.js';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../src/database/embedded-postgres.js';

/**
 * The benchmarks' database: BENCH_DATABASE_URL, or an embedded cluster kept under `.data/bench-<N>-<S>`
 * so that a large seed is made once; migrated, and seeded with `families` when empty. `postgresFlags`: server
 * settings for the embedded cluster's start (`-c shared_buffers=6GB`), the same for every side of a run.
 */
export async function benchDatabase(
  families: number,
  seed: number,
  postgresFlags?: string[],
): Promise<{ url: string; db: DataSource; embedded?: EmbeddedDatabase }> {
  const embedded = process.env.BENCH_DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ dataDir: benchDataDir(families, seed), database: 'bench', persistent: true, postgresFlags });
  const url = process.env.BENCH_DATABASE_URL ?? embedded!.url;
  const db = await new DataSource(dataSourceOptions(url)).initialize();
  await migrate(db);
  const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM family`);
  if (n === 0) {
    const t0 = performance.now();
    await seedDatabase(db, { families, seed, onProgress: (done, total) => process.stderr.write(`\rseeding ${done}/${total}`) });
    process.stderr.write(`\rseeded ${families} families in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    await db.query('VACUUM ANALYZE');
  } else {
    console.log(`Using the ${n} families already in the database`);
  }
  return { url, db, embedded };
}

export const benchDataDir = (families: number, seed: number) => join('.data', `bench-${families}-${seed}`, 'postgres');
