import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A professional's contact at work (docs/family-identity.md, "Work contact"): how the family and the team reach
 * the trajectory supporter. Optional; set by the user herself or by her agency's admin.
 */
export class WorkContact1766833000000 implements MigrationInterface {
  name = 'WorkContact1766833000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE app_user
        ADD COLUMN work_email text CHECK (char_length(work_email) <= 254),
        ADD COLUMN work_phone text CHECK (char_length(work_phone) <= 32)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP COLUMN work_email, DROP COLUMN work_phone`);
  }
}
