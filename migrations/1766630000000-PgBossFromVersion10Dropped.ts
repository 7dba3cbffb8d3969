import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The webhook queue moved from pg-boss 10 to 12, which cannot migrate the queue schema pg-boss 10 made
 * (version 24; pg-boss 12 starts from 25) and refuses to start on it. That schema holds nothing of its
 * own: each job only points at a `webhook_delivery` row, which keeps the delivery's state. So the old
 * schema is dropped here, pg-boss makes its own at start, and a worker queues again each pending
 * delivery that has no live job (`WebhookQueue.requeueOrphans`). A schema of pg-boss 11 or later is
 * left alone, as is a database without one.
 */
export class PgBossFromVersion10Dropped1766630000000 implements MigrationInterface {
  name = 'PgBossFromVersion10Dropped1766630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        -- Nested: PL/pgSQL plans the whole condition, and the SELECT fails where the table is missing.
        IF to_regclass('pgboss.version') IS NOT NULL THEN
          IF (SELECT version::int FROM pgboss.version) < 25 THEN
            DROP SCHEMA pgboss CASCADE;
          END IF;
        END IF;
      END $$`);
  }

  /** Nothing to restore: pg-boss 10 would make its schema again at start. */
  async down(): Promise<void> {}
}
