import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An integration client's secret can be replaced (rotateIntegrationClientSecret) while the partner system
 * switches over: the previous secret keeps working at the token endpoint, and webhooks carry a second
 * signature with it, until `previous_secret_until`.
 */
export class IntegrationSecretRotation1765300000000 implements MigrationInterface {
  name = 'IntegrationSecretRotation1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE integration_client
        ADD COLUMN secret_rotated_at timestamptz,
        ADD COLUMN previous_secret_hash text,
        ADD COLUMN previous_secret_sealed text,
        ADD COLUMN previous_secret_until timestamptz,
        ADD CONSTRAINT integration_client_previous_secret_whole
          CHECK ((previous_secret_hash IS NULL) = (previous_secret_until IS NULL));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE integration_client DROP CONSTRAINT integration_client_previous_secret_whole,
        DROP COLUMN previous_secret_until, DROP COLUMN previous_secret_sealed, DROP COLUMN previous_secret_hash, DROP COLUMN secret_rotated_at;
    `);
  }
}
