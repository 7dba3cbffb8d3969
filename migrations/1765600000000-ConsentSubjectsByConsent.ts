import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A consent's members, looked up by the consent: the consents list (its subjects), the read audit of a
 * consent (the members it concerns) and the portal's rule for consents (whether the reader speaks for
 * them) all ask "which members does consent c cover", and consent_subject's key starts with the member.
 * EXPLAIN at 200,000 families: `consents(familyId)` ran two statements of 1.9 s each, every one a
 * sequential scan of consent_subject removing 1,818,872 rows.
 */
export class ConsentSubjectsByConsent1765600000000 implements MigrationInterface {
  name = 'ConsentSubjectsByConsent1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX consent_subject_consent_idx ON consent_subject (consent_id, member_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX consent_subject_consent_idx`);
  }
}
