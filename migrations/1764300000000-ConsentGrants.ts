import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consents in force, one row per consent, member and category, kept by triggers from the consent
 * events. The access rule probes it for every personal record it returns: an index lookup on one table
 * instead of a join of consents, subjects and revocations with an array test. Expiry stays a comparison
 * with now() at query time, so no job has to run for a consent to stop working.
 */
export class ConsentGrants1764300000000 implements MigrationInterface {
  name = 'ConsentGrants1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consent_grant (
        consent_id uuid NOT NULL REFERENCES consent(id),
        member_id uuid NOT NULL REFERENCES family_member(id),
        category text NOT NULL,
        family_id uuid NOT NULL REFERENCES family(id),
        recipient_agency_id uuid NOT NULL REFERENCES agency(id),
        valid_from timestamptz NOT NULL,
        valid_until timestamptz,
        revoked_at timestamptz,
        PRIMARY KEY (consent_id, member_id, category)
      );
      CREATE INDEX consent_grant_member_idx ON consent_grant (member_id, recipient_agency_id, category)
        INCLUDE (valid_from, valid_until) WHERE revoked_at IS NULL;
      CREATE INDEX consent_grant_family_idx ON consent_grant (family_id, recipient_agency_id, category)
        INCLUDE (valid_from, valid_until, member_id) WHERE revoked_at IS NULL;

      INSERT INTO consent_grant
        SELECT c.id, cs.member_id, category, c.family_id, c.recipient_agency_id, c.valid_from, c.valid_until, r.revoked_at
          FROM consent c JOIN consent_subject cs ON cs.consent_id = c.id CROSS JOIN unnest(c.categories) category
          LEFT JOIN consent_revocation r ON r.consent_id = c.id;

      CREATE FUNCTION consent_grant_from_subject() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO consent_grant (consent_id, member_id, category, family_id, recipient_agency_id, valid_from, valid_until)
          SELECT c.id, NEW.member_id, category, c.family_id, c.recipient_agency_id, c.valid_from, c.valid_until
            FROM consent c CROSS JOIN unnest(c.categories) category WHERE c.id = NEW.consent_id;
        RETURN NULL;
      END $$;
      CREATE TRIGGER consent_subject_grants AFTER INSERT ON consent_subject
        FOR EACH ROW EXECUTE FUNCTION consent_grant_from_subject();

      CREATE FUNCTION consent_grant_revoke() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE consent_grant SET revoked_at = NEW.revoked_at WHERE consent_id = NEW.consent_id;
        RETURN NULL;
      END $$;
      CREATE TRIGGER consent_revocation_grants AFTER INSERT ON consent_revocation
        FOR EACH ROW EXECUTE FUNCTION consent_grant_revoke();

      -- Derived from the audited consent events only: a grant written directly would open data without consent.
      CREATE FUNCTION refuse_direct_grant_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'consent_grant is derived from consent events and cannot be changed directly'
          USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER consent_grant_derived_only BEFORE INSERT OR UPDATE OR DELETE ON consent_grant
        FOR EACH ROW WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION refuse_direct_grant_change();
      CREATE TRIGGER consent_grant_no_truncate BEFORE TRUNCATE ON consent_grant
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_direct_grant_change();

      DROP VIEW active_consent_grant;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW active_consent_grant AS
        SELECT c.id AS consent_id, c.family_id, cs.member_id, c.recipient_agency_id, c.categories
          FROM consent c JOIN consent_subject cs ON cs.consent_id = c.id
         WHERE c.valid_from <= now() AND (c.valid_until IS NULL OR c.valid_until > now())
           AND NOT EXISTS (SELECT 1 FROM consent_revocation r WHERE r.consent_id = c.id);
      DROP TRIGGER consent_subject_grants ON consent_subject;
      DROP TRIGGER consent_revocation_grants ON consent_revocation;
      DROP TABLE consent_grant;
      DROP FUNCTION refuse_direct_grant_change();
      DROP FUNCTION consent_grant_revoke();
      DROP FUNCTION consent_grant_from_subject();
    `);
  }
}
