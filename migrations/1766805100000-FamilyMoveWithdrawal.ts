import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A proposed move the supporter takes back before the family confirms it (docs/regional-agencies-and-moves.md). */
export class FamilyMoveWithdrawal1766805100000 implements MigrationInterface {
  name = 'FamilyMoveWithdrawal1766805100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE family_move
        ADD COLUMN withdrawn_at timestamptz,
        DROP CONSTRAINT family_move_status_check,
        ADD CONSTRAINT family_move_status_check CHECK (status IN ('PROPOSED', 'CONFIRMED', 'WITHDRAWN')),
        ADD CONSTRAINT family_move_withdrawn_check CHECK ((status = 'WITHDRAWN') = (withdrawn_at IS NOT NULL));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM family_move WHERE status = 'WITHDRAWN';
      ALTER TABLE family_move
        DROP CONSTRAINT family_move_withdrawn_check,
        DROP CONSTRAINT family_move_status_check,
        ADD CONSTRAINT family_move_status_check CHECK (status IN ('PROPOSED', 'CONFIRMED')),
        DROP COLUMN withdrawn_at;
    `);
  }
}
