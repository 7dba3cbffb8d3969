import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The directory search in a large network (docs/benchmarks.md#the-directory-search): the accent-folded name as
 * a stored generated column, so that ranking a common word's thousands of matches compares trigrams of stored
 * text instead of running `unaccent` on every match's name again. The trigram index moves to the column.
 */
export class DirectoryFoldedName1766820000000 implements MigrationInterface {
  name = 'DirectoryFoldedName1766820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE directory_service ADD COLUMN folded_name text GENERATED ALWAYS AS (directory_fold(name)) STORED;
      DROP INDEX directory_service_name_trgm_idx;
      CREATE INDEX directory_service_name_trgm_idx ON directory_service USING gin (folded_name gin_trgm_ops) WHERE archived_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX directory_service_name_trgm_idx;
      ALTER TABLE directory_service DROP COLUMN folded_name;
      CREATE INDEX directory_service_name_trgm_idx ON directory_service USING gin (directory_fold(name) gin_trgm_ops) WHERE archived_at IS NULL;
    `);
  }
}
