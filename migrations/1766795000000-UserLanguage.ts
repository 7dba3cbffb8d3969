import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A professional's language for what the service writes to it (inbox texts, e-mails); NULL: the default, Dutch. */
export class UserLanguage1766795000000 implements MigrationInterface {
  name = 'UserLanguage1766795000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ADD COLUMN preferred_language text CHECK (preferred_language IN ('nl-BE', 'fr-BE', 'en'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP COLUMN preferred_language`);
  }
}
