import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access rule asks "has this user broken the glass on this family, now?". Where the planner turns
 * that into the set of the user's grants (a hashed subplan, as in the families page's member query), it
 * read every grant ever made: EXPLAIN at 200,000 families, a sequential scan of break_glass_grant removing
 * 1,236 rows, twice per statement (0.2 ms warm, 1 ms cold), growing with the table, which is append-only.
 * With this index it reads the user's own grants.
 */
export class BreakGlassByUser1765500000000 implements MigrationInterface {
  name = 'BreakGlassByUser1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX break_glass_grant_user_idx ON break_glass_grant (user_id, expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX break_glass_grant_user_idx`);
  }
}
