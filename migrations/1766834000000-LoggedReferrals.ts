import type { MigrationInterface, QueryRunner } from 'typeorm';
import { functionSql } from '../src/database/functions/index.js';
import { grantFromSubjectToAgencies } from './1764900000000-TransitionToAdulthood.js';

/**
 * Logged referrals to organisations outside the platform (docs/directory.md, "Logged referrals"): a referral
 * without a receiving agency, naming the directory service of the external organisation, whose name it keeps
 * as it was when referred; and a consent whose recipient is that organisation (its directory service). Such a
 * consent's grants name the service, never an agency: no rule of the platform reads anything under them.
 */
export class LoggedReferrals1766834000000 implements MigrationInterface {
  name = 'LoggedReferrals1766834000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE consent ALTER COLUMN recipient_agency_id DROP NOT NULL,
        ADD COLUMN recipient_directory_service_id uuid REFERENCES directory_service(id),
        ADD CONSTRAINT consent_one_recipient CHECK ((recipient_agency_id IS NULL) <> (recipient_directory_service_id IS NULL));
      CREATE INDEX consent_directory_service_idx ON consent (recipient_directory_service_id) WHERE recipient_directory_service_id IS NOT NULL;
      ALTER TABLE consent_grant ALTER COLUMN recipient_agency_id DROP NOT NULL,
        ADD COLUMN recipient_directory_service_id uuid,
        ADD CONSTRAINT consent_grant_one_recipient CHECK ((recipient_agency_id IS NULL) <> (recipient_directory_service_id IS NULL));
      CREATE INDEX consent_grant_external_idx ON consent_grant (member_id, recipient_directory_service_id, category)
        WHERE recipient_directory_service_id IS NOT NULL;

      ALTER TABLE referral ALTER COLUMN to_agency_id DROP NOT NULL,
        ADD COLUMN external_organisation text,
        ADD CONSTRAINT referral_one_receiver CHECK ((to_agency_id IS NULL) = (external_organisation IS NOT NULL)
          AND (to_agency_id IS NOT NULL OR directory_service_id IS NOT NULL));
      -- The logged referrals whose next step is due: the reminder job's range.
      CREATE INDEX referral_logged_due_idx ON referral (due_at, id) WHERE to_agency_id IS NULL AND due_at IS NOT NULL;
    `);
    await q.query(functionSql('consent_grant_from_subject'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(grantFromSubjectToAgencies);
    await q.query(`
      DROP INDEX referral_logged_due_idx;
      ALTER TABLE referral DROP CONSTRAINT referral_one_receiver, DROP COLUMN external_organisation, ALTER COLUMN to_agency_id SET NOT NULL;
      DROP INDEX consent_grant_external_idx;
      ALTER TABLE consent_grant DROP CONSTRAINT consent_grant_one_recipient, DROP COLUMN recipient_directory_service_id,
        ALTER COLUMN recipient_agency_id SET NOT NULL;
      DROP INDEX consent_directory_service_idx;
      ALTER TABLE consent DROP CONSTRAINT consent_one_recipient, DROP COLUMN recipient_directory_service_id,
        ALTER COLUMN recipient_agency_id SET NOT NULL;
    `);
  }
}
