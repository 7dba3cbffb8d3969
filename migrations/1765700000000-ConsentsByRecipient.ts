import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consents to an agency with their ids in the index, so that the network insight's count of revoked
 * consents reads them index-only, then each one's revocation by the consent. EXPLAIN at 200,000
 * families: 11,210 consents of one network, 65 ms with a heap fetch each.
 */
export class ConsentsByRecipient1765700000000 implements MigrationInterface {
  name = 'ConsentsByRecipient1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX consent_recipient_id_idx ON consent (recipient_agency_id, id); DROP INDEX consent_recipient_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX consent_recipient_idx ON consent (recipient_agency_id); DROP INDEX consent_recipient_id_idx`);
  }
}
