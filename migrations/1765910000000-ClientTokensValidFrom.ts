import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tokens an integration client obtained before this time are refused: set when its secret is rotated
 * without keeping the previous one (a leaked secret), so the tokens issued with it end at once as well.
 */
export class ClientTokensValidFrom1765910000000 implements MigrationInterface {
  name = 'ClientTokensValidFrom1765910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE integration_client ADD COLUMN tokens_valid_from timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE integration_client DROP COLUMN tokens_valid_from`);
  }
}
