import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The grants of a consent to agencies only, with the day a representative's consent ends (until migration LoggedReferrals). */
export const grantFromSubjectToAgencies = `CREATE OR REPLACE FUNCTION consent_grant_from_subject() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO consent_grant (consent_id, member_id, category, family_id, recipient_agency_id, valid_from,
                                   valid_until, represented_until)
          SELECT c.id, NEW.member_id, category, c.family_id, c.recipient_agency_id, c.valid_from, c.valid_until,
                 representation_ends(c.id, NEW.member_id)
            FROM consent c CROSS JOIN unnest(c.categories) category WHERE c.id = NEW.consent_id;
        RETURN NULL;
      END $$;`;

/**
 * The transition to 18. A consent a parent or caregiver gave for a child covers new access to the
 * child's data only until the child turns 18; from then on the young adult decides, by confirming it
 * (consent_confirmation) or by giving a consent of their own. Each grant carries the day its
 * representation ends (`represented_until`), kept by triggers from the consent, the member's birth date
 * and the confirmations, so that the access rule stays one index probe compared with today's date and
 * no job has to run on the birthday.
 *
 * A plan's transition checklist is a goal linked to the member it is about (`goal.transition_member_id`),
 * one per member and plan.
 */
export class TransitionToAdulthood1764900000000 implements MigrationInterface {
  name = 'TransitionToAdulthood1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consent_confirmation (
        id uuid PRIMARY KEY,
        consent_id uuid NOT NULL REFERENCES consent(id),
        member_id uuid NOT NULL REFERENCES family_member(id),
        method text NOT NULL CHECK (method IN ('WRITTEN', 'VERBAL_WITH_WITNESS', 'FAMILY_PORTAL')),
        evidence_reference text,
        recorded_by_user_id uuid REFERENCES app_user(id),
        recorded_by_agency_id uuid REFERENCES agency(id),
        confirmed_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (consent_id, member_id)
      );
      CREATE TRIGGER consent_confirmation_audit AFTER INSERT OR UPDATE OR DELETE ON consent_confirmation
        FOR EACH ROW EXECUTE FUNCTION audit_write();
      CREATE TRIGGER consent_confirmation_append_only BEFORE UPDATE OR DELETE ON consent_confirmation
        FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
      CREATE TRIGGER consent_confirmation_no_truncate BEFORE TRUNCATE ON consent_confirmation
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();

      -- The day a representative's consent stops covering the member: their 18th birthday (of the
      -- expected date while unborn). NULL when the member gave or confirmed the consent themselves.
      CREATE FUNCTION representation_ends(consent_id uuid, member_id uuid) RETURNS date LANGUAGE sql STABLE AS $$
        SELECT (COALESCE(m.birth_date, m.expected_date) + interval '18 years')::date
          FROM consent c JOIN family_member m ON m.id = representation_ends.member_id
         WHERE c.id = representation_ends.consent_id AND c.grantor_member_id <> m.id
           AND NOT EXISTS (SELECT 1 FROM consent_confirmation cc
                            WHERE cc.consent_id = c.id AND cc.member_id = m.id)
      $$;

      ALTER TABLE consent_grant ADD COLUMN represented_until date;
      ALTER TABLE consent_grant DISABLE TRIGGER consent_grant_derived_only;
      UPDATE consent_grant SET represented_until = representation_ends(consent_id, member_id);
      ALTER TABLE consent_grant ENABLE TRIGGER consent_grant_derived_only;

      -- Index-only probes of the access rule need the new column too; the read audit's lookup of the
      -- consents a read was based on needs the consent id (it fetched each grant from the table).
      DROP INDEX consent_grant_member_idx;
      DROP INDEX consent_grant_family_idx;
      CREATE INDEX consent_grant_member_idx ON consent_grant (member_id, recipient_agency_id, category)
        INCLUDE (valid_from, valid_until, represented_until, consent_id) WHERE revoked_at IS NULL;
      CREATE INDEX consent_grant_family_idx ON consent_grant (family_id, recipient_agency_id, category)
        INCLUDE (valid_from, valid_until, member_id, represented_until, consent_id) WHERE revoked_at IS NULL;
      -- The portal's "consents to confirm" and the supporter's transitions look grants up by member.
      CREATE INDEX consent_grant_represented_idx ON consent_grant (member_id, represented_until)
        WHERE represented_until IS NOT NULL AND revoked_at IS NULL;

${grantFromSubjectToAgencies}

      CREATE FUNCTION consent_grant_confirm() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE consent_grant SET represented_until = NULL WHERE consent_id = NEW.consent_id AND member_id = NEW.member_id;
        RETURN NULL;
      END $$;
      CREATE TRIGGER consent_confirmation_grants AFTER INSERT ON consent_confirmation
        FOR EACH ROW EXECUTE FUNCTION consent_grant_confirm();

      -- A corrected birth date (or a birth) moves the day the representation ends.
      CREATE FUNCTION consent_grant_birth_date() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE consent_grant SET represented_until = representation_ends(consent_id, member_id) WHERE member_id = NEW.id;
        RETURN NULL;
      END $$;
      CREATE TRIGGER family_member_birth_date_grants AFTER UPDATE OF birth_date, expected_date ON family_member
        FOR EACH ROW WHEN (OLD.birth_date IS DISTINCT FROM NEW.birth_date OR OLD.expected_date IS DISTINCT FROM NEW.expected_date)
        EXECUTE FUNCTION consent_grant_birth_date();

      ALTER TABLE goal ADD COLUMN transition_member_id uuid REFERENCES family_member(id);
      CREATE UNIQUE INDEX goal_transition_checklist_uq ON goal (plan_id, transition_member_id)
        WHERE transition_member_id IS NOT NULL;
      -- The hourly checklist job looks for members by birth date (those turning 18 within the horizon).
      CREATE INDEX family_member_birth_date_idx ON family_member (birth_date) WHERE birth_date IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX family_member_birth_date_idx;
      DROP INDEX goal_transition_checklist_uq;
      ALTER TABLE goal DROP COLUMN transition_member_id;
      DROP TRIGGER family_member_birth_date_grants ON family_member;
      DROP FUNCTION consent_grant_birth_date();
      DROP TRIGGER consent_confirmation_grants ON consent_confirmation;
      DROP FUNCTION consent_grant_confirm();
      CREATE OR REPLACE FUNCTION consent_grant_from_subject() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO consent_grant (consent_id, member_id, category, family_id, recipient_agency_id, valid_from, valid_until)
          SELECT c.id, NEW.member_id, category, c.family_id, c.recipient_agency_id, c.valid_from, c.valid_until
            FROM consent c CROSS JOIN unnest(c.categories) category WHERE c.id = NEW.consent_id;
        RETURN NULL;
      END $$;
      DROP INDEX consent_grant_represented_idx;
      DROP INDEX consent_grant_member_idx;
      DROP INDEX consent_grant_family_idx;
      ALTER TABLE consent_grant DROP COLUMN represented_until;
      CREATE INDEX consent_grant_member_idx ON consent_grant (member_id, recipient_agency_id, category)
        INCLUDE (valid_from, valid_until) WHERE revoked_at IS NULL;
      CREATE INDEX consent_grant_family_idx ON consent_grant (family_id, recipient_agency_id, category)
        INCLUDE (valid_from, valid_until, member_id) WHERE revoked_at IS NULL;
      DROP FUNCTION representation_ends(uuid, uuid);
      DROP TABLE consent_confirmation;
    `);
  }
}
