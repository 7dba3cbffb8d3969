import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The overdue job's range of referral stages past their deadline covers referrals to an agency only: a logged
 * referral's step stays past due until its referrer records the next one, and the job, which tells receiving
 * agencies, read those and dropped them by its join (docs/inbox.md, "Time-based items").
 */
export class PlatformDueIndex1766838000000 implements MigrationInterface {
  name = 'PlatformDueIndex1766838000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX referral_platform_due_idx ON referral (due_at) WHERE to_agency_id IS NOT NULL AND due_at IS NOT NULL;
      DROP INDEX referral_due_idx;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX referral_due_idx ON referral (due_at) WHERE due_at IS NOT NULL;
      DROP INDEX referral_platform_due_idx;
    `);
  }
}
