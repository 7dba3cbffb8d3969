import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A merge proposal that does not go ahead (docs/family-merge.md): WITHDRAWN by its proposer (or the coordinator),
 * DECLINED by the other family's supporter; who ended it and when are kept with the proposal.
 */
export class FamilyMergeWithdrawal1766805000000 implements MigrationInterface {
  name = 'FamilyMergeWithdrawal1766805000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE family_merge
        ADD COLUMN ended_by_user_id uuid REFERENCES app_user(id),
        ADD COLUMN ended_at timestamptz,
        DROP CONSTRAINT family_merge_status_check,
        ADD CONSTRAINT family_merge_status_check CHECK (status IN ('PROPOSED','MERGED','WITHDRAWN','DECLINED')),
        ADD CONSTRAINT family_merge_ended_check CHECK ((status IN ('WITHDRAWN','DECLINED')) = (ended_at IS NOT NULL AND ended_by_user_id IS NOT NULL));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM family_merge WHERE status IN ('WITHDRAWN','DECLINED');
      ALTER TABLE family_merge
        DROP CONSTRAINT family_merge_ended_check,
        DROP CONSTRAINT family_merge_status_check,
        ADD CONSTRAINT family_merge_status_check CHECK (status IN ('PROPOSED','MERGED')),
        DROP COLUMN ended_at,
        DROP COLUMN ended_by_user_id;
    `);
  }
}
