/**
 * Fills a migrated database with realistic, internally consistent data at any scale, for benchmarks and
 * demos: networks, agencies of every kind, staff, families with their one plan, team, goals, actions,
 * notes and plan history, consents (refused, expired, renewed, revoked), referrals in every status with
 * their transitions, meetings and outbox events, and audit entries. The command is `cli.ts`.
 *
 * Every row is generated inside PostgreSQL (`INSERT … SELECT` over `generate_series`), by batches of
 * families: one transaction writes a batch's families with all but their consents, another session then
 * writes their consents (whose grants the triggers derive) while the first goes on with the next batch. Ids
 * and choices are hashes of (seed, kind, row number) and times count back from a fixed anchor (`asOf`), so
 * the same seed on an empty database always yields the same rows.
 *
 * OFFLINE ONLY: each transaction disables the per-row audit triggers of the tables it writes, inside itself
 * (one audit entry per seeded row would take longer than the seeding), and a few audit entries per family are
 * written through the hash chain instead. The tables stay locked meanwhile, and the triggers are enabled
 * again before it commits; a transaction that fails rolls back, triggers included. Do not run it beside live
 * traffic.
 */
import { performance } from 'node:perf_hooks';
import type { DataSource, QueryRunner } from 'typeorm';
import { chainPendingAuditEntries } from '../../src/audit/audit-chain.js';
import { familyBatch, sessionTables } from './family-batch.js';
import { holidaysAround, runPlan } from './run-plan.js';
import { samples, type SeedSamples } from './samples.js';
import { generatorFunctions, type Statement } from './sql.js';

export interface SeedOptions {
  families: number;
  /** Same seed, same rows (on a database that held the same rows before). */
  seed: number;
  /** The moment the data describes: every generated time lies before it. Default 2026-11-01T00:00Z. */
  asOf?: Date;
  /** Add new networks beside existing data instead of refusing a database that already holds families. */
  append?: boolean;
  /** Referral deadlines skip these days besides weekends and Belgian public holidays (EXTRA_HOLIDAYS). */
  extraHolidays?: readonly string[];
  /** Families per transaction. */
  batchSize?: number;
  /** Called after each committed batch. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * What a run wrote, and principals that can exercise the service on it (`npm run token -- <subject>`).
 * Access samples are checked against the clock at the end of the run (consents in force, overdue deadlines).
 */
export interface SeedSummary extends SeedSamples {
  seed: number;
  asOf: Date;
  families: number;
  networkIds: string[];
  elapsedSeconds: number;
  /** Rows written per table by this run (consent_grant rows are derived by its triggers). */
  counts: Record<string, number>;
}

/** The database already holds families and no append was asked for. */
export class SeedRefusedError extends Error {}

export const DEFAULT_AS_OF = new Date('2026-11-01T00:00:00.000Z');
const DEFAULT_BATCH_SIZE = 5000;

/** The audited tables the second session of a run writes (see familyBatch), besides audit_event; the first writes all others. */
const CONSENT_TABLES = new Set(['consent', 'consent_subject', 'consent_revocation', 'consent_grant']);

export async function seedDatabase(db: DataSource, options: SeedOptions): Promise<SeedSummary> {
  if (!Number.isSafeInteger(options.families) || options.families < 1) throw new Error('families must be a positive whole number');
  if (!Number.isSafeInteger(options.seed) || options.seed < 0 || options.seed > 1e9) throw new Error('seed must be a whole number from 0 to 1000000000');
  const asOf = options.asOf ?? DEFAULT_AS_OF;
  if (Number.isNaN(asOf.getTime())) throw new Error('asOf must be a valid date');
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const started = performance.now();
  const families = db.createQueryRunner();
  const consents = db.createQueryRunner();
  let consentsDone: Promise<void> = Promise.resolve();
  try {
    const [existing] = await families.query(`SELECT (SELECT count(*) FROM family)::int AS families, (SELECT count(*) FROM network)::int AS networks,
                                                    (SELECT count(*) FROM app_user)::int AS users`);
    if (existing.families > 0 && !options.append) {
      throw new SeedRefusedError(`The database already holds ${existing.families} families: seeding fills an empty database (use --append to add networks beside them)`);
    }
    const plan = runPlan(options.families, options.seed, asOf, existing, holidaysAround(asOf, options.extraHolidays ?? []));
    for (const runner of [families, consents]) {
      for (const sql of generatorFunctions(plan.seed)) await runner.query(sql);
    }
    const counts: Record<string, number> = {};
    await runBatch(families, sessionTables(plan), counts, () => true);
    for (const statement of sessionTables(plan).filter((s) => !s.counts)) await consents.query(statement.sql);
    options.onProgress?.(0, plan.families);
    let consentsFailed = false;
    for (let from = 0; from < plan.families && !consentsFailed; from += batchSize) {
      const to = Math.min(from + batchSize, plan.families);
      const batch = familyBatch(plan, from, to);
      await runBatch(families, batch.families, counts, (table) => !CONSENT_TABLES.has(table));
      consentsDone = consentsDone.then(async () => {
        await runBatch(consents, batch.consents, counts, (table) => CONSENT_TABLES.has(table));
        options.onProgress?.(to, plan.families);
      });
      consentsDone.catch(() => (consentsFailed = true));
    }
    await consentsDone;
    const networkIds: string[] = (await families.query(`SELECT id FROM seed_network ORDER BY no`)).map((r: { id: string }) => r.id);
    const [grants] = await families.query(
      `SELECT count(*)::int AS n FROM consent_grant cg JOIN consent c ON c.id = cg.consent_id JOIN family f ON f.id = c.family_id WHERE f.network_id = ANY($1)`,
      [networkIds],
    );
    counts.consent_grant = grants.n;
    await chainPendingAuditEntries(families);
    await families.query('ANALYZE');
    return {
      seed: plan.seed,
      asOf,
      families: plan.families,
      networkIds,
      elapsedSeconds: (performance.now() - started) / 1000,
      counts,
      ...(await samples(families, networkIds)),
    };
  } finally {
    await consentsDone.catch(() => undefined);
    for (const runner of [families, consents]) {
      await runner.query('DISCARD TEMP').catch(() => undefined);
      await runner.release();
    }
  }
}

/**
 * One transaction: the per-row audit triggers of the tables it writes (`audited`) are off inside it only
 * (a rollback restores them too), the grants triggers and the audit chain stay on. Counts rows per table.
 */
export async function runBatch(
  runner: QueryRunner,
  statements: Statement[],
  counts: Record<string, number>,
  audited: (table: string) => boolean,
): Promise<void> {
  await runner.startTransaction();
  try {
    // Losing the last batches in a crash costs a rerun, nothing else: no need to wait for each flush.
    await runner.query(`SET LOCAL synchronous_commit = off`);
    const triggers: { name: string; relation: string; table: string }[] = await runner.query(
      `SELECT format('%I', t.tgname) AS name, format('%I', c.relname) AS relation, c.relname AS table
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
        WHERE p.proname = 'audit_write' AND NOT t.tgisinternal AND pg_table_is_visible(c.oid)
        ORDER BY c.relname`,
    );
    const disabled = triggers.filter((t) => audited(t.table));
    for (const t of disabled) await runner.query(`ALTER TABLE ${t.relation} DISABLE TRIGGER ${t.name}`);
    for (const statement of statements) {
      const result = await runner.query(statement.sql, undefined, true);
      // Statistics for each staged table, so that the planner sizes the joins that read it.
      const staged = /^\s*CREATE TEMP TABLE (\w+)/.exec(statement.sql);
      if (staged) await runner.query(`ANALYZE ${staged[1]}`);
      for (const table of [statement.counts ?? []].flat()) counts[table] = (counts[table] ?? 0) + (result.affected ?? 0);
    }
    for (const t of disabled) await runner.query(`ALTER TABLE ${t.relation} ENABLE TRIGGER ${t.name}`);
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  }
}
