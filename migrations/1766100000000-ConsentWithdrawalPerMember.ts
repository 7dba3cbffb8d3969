import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A consent about several members is withdrawn by each of them for what is theirs to withdraw: a member
 * for herself and the children she speaks for, its grantor also for those who never made it their own
 * (ConsentsService.revoke). Such a withdrawal is a revocation naming the members it ends the consent for
 * (`member_ids`); a revocation without members ends it for everyone, as before, and stays one per consent.
 * Still events only: each withdrawal is a new row, and its grants stop by the same trigger.
 */
export class ConsentWithdrawalPerMember1766100000000 implements MigrationInterface {
  name = 'ConsentWithdrawalPerMember1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE consent_revocation DROP CONSTRAINT consent_revocation_pkey,
        ADD COLUMN member_ids uuid[] CHECK (cardinality(member_ids) > 0);
      CREATE UNIQUE INDEX consent_revocation_whole_idx ON consent_revocation (consent_id) WHERE member_ids IS NULL;
      CREATE INDEX consent_revocation_consent_idx ON consent_revocation (consent_id);

      CREATE OR REPLACE FUNCTION consent_grant_revoke() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE consent_grant SET revoked_at = NEW.revoked_at
         WHERE consent_id = NEW.consent_id AND revoked_at IS NULL
           AND (NEW.member_ids IS NULL OR member_id = ANY (NEW.member_ids));
        RETURN NULL;
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION consent_grant_revoke() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE consent_grant SET revoked_at = NEW.revoked_at WHERE consent_id = NEW.consent_id;
        RETURN NULL;
      END $$;
      DROP INDEX consent_revocation_consent_idx;
      DROP INDEX consent_revocation_whole_idx;
      ALTER TABLE consent_revocation DROP COLUMN member_ids, ADD PRIMARY KEY (consent_id);
    `);
  }
}
