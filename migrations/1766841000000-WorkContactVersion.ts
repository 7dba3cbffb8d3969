import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A professional's work contact is versioned (docs/family-identity.md, "Work contact"): `setWorkContact` takes the
 * version last read, so that two people setting it at once (she and her agency's admin) do not overwrite each other
 * unseen. Every contact starts at version 1, set or not.
 */
export class WorkContactVersion1766841000000 implements MigrationInterface {
  name = 'WorkContactVersion1766841000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ADD COLUMN work_contact_version integer NOT NULL DEFAULT 1 CHECK (work_contact_version >= 1)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP COLUMN work_contact_version`);
  }
}
