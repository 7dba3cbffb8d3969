import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A referral may name the directory service it refers to (docs/directory.md, "Referring to a directory
 * service"), counted per service in the network insight.
 */
export class DirectoryReferrals1766800000000 implements MigrationInterface {
  name = 'DirectoryReferrals1766800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE referral ADD COLUMN directory_service_id uuid REFERENCES directory_service(id);
      -- The foreign key's own lookups (a directory service is archived, not deleted, but the check must not scan referral).
      CREATE INDEX referral_directory_service_idx ON referral (directory_service_id) WHERE directory_service_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX referral_directory_service_idx;
      ALTER TABLE referral DROP COLUMN directory_service_id;
    `);
  }
}
