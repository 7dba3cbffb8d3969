import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consent-based sharing, break-glass and the audit trail. Consents, revocations, capacity
 * assessments and break-glass grants are events: rows are added, never changed or removed.
 * Who authored a record is kept on every record (the AUTHOR legal basis).
 */
export class ConsentAndAudit1764200000000 implements MigrationInterface {
  name = 'ConsentAndAudit1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE family_member ADD COLUMN created_by_user_id uuid REFERENCES app_user(id);
      ALTER TABLE plan ADD COLUMN created_by_user_id uuid REFERENCES app_user(id);
      ALTER TABLE goal ADD COLUMN created_by_user_id uuid REFERENCES app_user(id);
      ALTER TABLE action ADD COLUMN created_by_user_id uuid REFERENCES app_user(id);

      -- A recorded assessment sets aside the presumption (capable from 12) either way; the latest counts.
      CREATE TABLE capacity_assessment (
        id uuid PRIMARY KEY,
        member_id uuid NOT NULL REFERENCES family_member(id),
        capable boolean NOT NULL,
        reason text NOT NULL,
        assessed_by_user_id uuid NOT NULL REFERENCES app_user(id),
        assessed_by_agency_id uuid NOT NULL REFERENCES agency(id),
        assessed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX capacity_assessment_member_idx ON capacity_assessment (member_id, assessed_at DESC);

      CREATE TABLE consent (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES family(id),
        grantor_member_id uuid NOT NULL REFERENCES family_member(id),
        recipient_agency_id uuid NOT NULL REFERENCES agency(id),
        categories text[] NOT NULL CHECK (cardinality(categories) > 0 AND categories <@
          ARRAY['IDENTITY','CONTACT','PLAN','NOTES','HEALTH','SAFETY','REFERRAL']),
        purpose_code text NOT NULL,
        purpose text NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_until timestamptz,
        method text NOT NULL CHECK (method IN ('WRITTEN','VERBAL_WITH_WITNESS','FAMILY_PORTAL')),
        evidence_reference text,
        recorded_by_user_id uuid REFERENCES app_user(id),
        recorded_by_agency_id uuid REFERENCES agency(id),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CHECK (valid_until IS NULL OR valid_until > valid_from)
      );
      CREATE INDEX consent_family_idx ON consent (family_id, id);
      CREATE INDEX consent_recipient_idx ON consent (recipient_agency_id);

      CREATE TABLE consent_subject (
        consent_id uuid NOT NULL REFERENCES consent(id),
        member_id uuid NOT NULL REFERENCES family_member(id),
        PRIMARY KEY (member_id, consent_id)
      );

      CREATE TABLE consent_revocation (
        consent_id uuid PRIMARY KEY REFERENCES consent(id),
        reason text NOT NULL,
        revoked_by_member_id uuid REFERENCES family_member(id),
        revoked_by_user_id uuid REFERENCES app_user(id),
        revoked_at timestamptz NOT NULL DEFAULT now(),
        CHECK (num_nonnulls(revoked_by_member_id, revoked_by_user_id) >= 1)
      );

      CREATE TABLE break_glass_grant (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES family(id),
        user_id uuid NOT NULL REFERENCES app_user(id),
        agency_id uuid NOT NULL REFERENCES agency(id),
        justification text NOT NULL CHECK (length(justification) >= 20),
        starts_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CHECK (expires_at > starts_at AND expires_at <= starts_at + interval '24 hours')
      );
      CREATE INDEX break_glass_family_idx ON break_glass_grant (family_id, user_id, expires_at);

      CREATE TABLE break_glass_revocation (
        grant_id uuid PRIMARY KEY REFERENCES break_glass_grant(id),
        revoked_by_user_id uuid NOT NULL REFERENCES app_user(id),
        revoked_at timestamptz NOT NULL DEFAULT now()
      );

      -- Capable of deciding for oneself: the latest assessment, else presumed from the 12th birthday.
      CREATE FUNCTION member_is_capable(m family_member) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT COALESCE(
          (SELECT ca.capable FROM capacity_assessment ca WHERE ca.member_id = m.id ORDER BY ca.assessed_at DESC, ca.id DESC LIMIT 1),
          m.role <> 'UNBORN' AND m.birth_date IS NOT NULL AND m.birth_date <= (current_date - interval '12 years')::date)
      $$;

      -- Who speaks for a member in the family portal: the member itself, or — for a member who cannot
      -- decide yet — an adult parent or other caregiver of the family.
      CREATE FUNCTION member_speaks_for(speaker uuid, member uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT speaker = member OR EXISTS (
          SELECT 1 FROM family_member m JOIN family_member s ON s.family_id = m.family_id
           WHERE m.id = member AND s.id = speaker AND NOT member_is_capable(m)
             AND s.role IN ('PARENT', 'OTHER_CAREGIVER')
             AND s.birth_date <= (current_date - interval '18 years')::date)
      $$;

      -- Consents in force now: no job has to run for expiry or revocation to take effect.
      CREATE VIEW active_consent_grant AS
        SELECT c.id AS consent_id, c.family_id, cs.member_id, c.recipient_agency_id, c.categories
          FROM consent c JOIN consent_subject cs ON cs.consent_id = c.id
         WHERE c.valid_from <= now() AND (c.valid_until IS NULL OR c.valid_until > now())
           AND NOT EXISTS (SELECT 1 FROM consent_revocation r WHERE r.consent_id = c.id);

      CREATE SEQUENCE audit_event_seq;
      CREATE TABLE audit_event (
        -- Set by the chaining trigger once it holds the chain lock, so that seq order is chain order.
        seq bigint PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        request_id text,
        actor_subject text NOT NULL,
        actor_user_id uuid,
        actor_member_id uuid,
        acting_agency_id uuid,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id uuid,
        family_id uuid,
        member_ids uuid[] NOT NULL DEFAULT '{}',
        categories text[] NOT NULL DEFAULT '{}',
        legal_basis text NOT NULL CHECK (legal_basis IN ('CONSENT','AUTHOR','BREAK_GLASS','FAMILY_SELF','ASSIGNMENT','ADMINISTRATION')),
        consent_ids uuid[] NOT NULL DEFAULT '{}',
        prev_hash text,
        hash text NOT NULL
      );
      CREATE INDEX audit_event_family_idx ON audit_event (family_id, seq) WHERE family_id IS NOT NULL;

      -- The content an entry's hash covers, chained to the previous entry's hash.
      CREATE FUNCTION audit_event_digest(e audit_event, prev text) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT encode(sha256(convert_to(concat_ws('|', e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
          e.request_id, e.actor_subject, e.actor_user_id, e.actor_member_id, e.acting_agency_id, e.action, e.entity_type,
          e.entity_id, e.family_id, array_to_string(e.member_ids, ','), array_to_string(e.categories, ','), e.legal_basis,
          array_to_string(e.consent_ids, ','), coalesce(prev, 'GENESIS')), 'UTF8')), 'hex')
      $$;

      -- Chains entries one at a time: the lock serialises writers until commit, and the sequence number is
      -- drawn under the lock, so seq order is chain order even when transactions overlap.
      CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(1764200000);
        NEW.seq := nextval('audit_event_seq');
        SELECT hash INTO NEW.prev_hash FROM audit_event ORDER BY seq DESC LIMIT 1;
        NEW.hash := audit_event_digest(NEW, NEW.prev_hash);
        RETURN NEW;
      END $$;
      CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

      -- The family a written row belongs to, so that the family's access log shows writes too.
      CREATE FUNCTION audit_family_of(tbl text, r jsonb) RETURNS uuid LANGUAGE sql STABLE AS $$
        SELECT CASE
          WHEN tbl = 'family' THEN (r->>'id')::uuid
          WHEN r ? 'family_id' THEN (r->>'family_id')::uuid
          WHEN r ? 'plan_id' THEN (SELECT family_id FROM plan WHERE id = (r->>'plan_id')::uuid)
          WHEN r ? 'goal_id' THEN (SELECT p.family_id FROM goal g JOIN plan p ON p.id = g.plan_id WHERE g.id = (r->>'goal_id')::uuid)
          WHEN r ? 'note_id' THEN (SELECT p.family_id FROM note n JOIN plan p ON p.id = n.plan_id WHERE n.id = (r->>'note_id')::uuid)
          WHEN r ? 'consent_id' THEN (SELECT family_id FROM consent WHERE id = (r->>'consent_id')::uuid)
          WHEN r ? 'grant_id' THEN (SELECT family_id FROM break_glass_grant WHERE id = (r->>'grant_id')::uuid)
          WHEN tbl = 'capacity_assessment' THEN (SELECT family_id FROM family_member WHERE id = (r->>'member_id')::uuid)
        END
      $$;

      -- Every write is audited by the database itself, in the writing transaction. The service names the
      -- actor per transaction (set_config ... is_local); a write without an actor is refused (fail closed).
      CREATE FUNCTION audit_write() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        actor text := current_setting('app.actor_subject', true);
        r jsonb := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
      BEGIN
        IF actor IS NULL OR actor = '' THEN
          RAISE EXCEPTION 'write to % without an audited actor', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
        END IF;
        INSERT INTO audit_event (request_id, actor_subject, actor_user_id, actor_member_id, acting_agency_id, action,
                                 entity_type, entity_id, family_id, member_ids, legal_basis)
        VALUES (nullif(current_setting('app.request_id', true), ''), actor,
                nullif(current_setting('app.actor_user_id', true), '')::uuid,
                nullif(current_setting('app.actor_member_id', true), '')::uuid,
                nullif(current_setting('app.acting_agency_id', true), '')::uuid,
                TG_OP, TG_TABLE_NAME,
                COALESCE(r->>'id', r->>'consent_id', r->>'note_id', r->>'grant_id')::uuid,
                audit_family_of(TG_TABLE_NAME, r),
                CASE WHEN r ? 'member_id' THEN ARRAY[(r->>'member_id')::uuid] ELSE '{}' END,
                COALESCE(nullif(current_setting('app.legal_basis', true), ''), 'ASSIGNMENT'));
        RETURN NULL;
      END $$;

      -- A read of personal data, audited by the reading statement itself (called in its select list).
      CREATE FUNCTION audit_read(actor jsonb, entity_type text, entity_id uuid, family_id uuid, member_ids uuid[],
                                 categories text[], legal_basis text, consent_ids uuid[]) RETURNS boolean
        LANGUAGE sql VOLATILE AS $$
        INSERT INTO audit_event (request_id, actor_subject, actor_user_id, actor_member_id, acting_agency_id, action,
                                 entity_type, entity_id, family_id, member_ids, categories, legal_basis, consent_ids)
        VALUES (actor->>'requestId', actor->>'subject', (actor->>'userId')::uuid, (actor->>'memberId')::uuid,
                (actor->>'agencyId')::uuid, 'READ', entity_type, entity_id, family_id, member_ids, categories,
                legal_basis, consent_ids)
        RETURNING true
      $$;
    `);
    for (const table of [
      'network',
      'agency',
      'app_user',
      'membership',
      'family',
      'family_member',
      'case_assignment',
      'plan',
      'trajectory_supporter',
      'plan_participant',
      'goal',
      'goal_progress_note',
      'action',
      'note',
      'note_member',
      'consent',
      'consent_subject',
      'consent_revocation',
      'capacity_assessment',
      'break_glass_grant',
      'break_glass_revocation',
      'plan_history',
    ]) {
      await q.query(`CREATE TRIGGER ${table}_audit AFTER INSERT OR UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION audit_write()`);
    }
    for (const table of [
      'audit_event',
      'consent',
      'consent_subject',
      'consent_revocation',
      'capacity_assessment',
      'break_glass_grant',
      'break_glass_revocation',
    ]) {
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
      `);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION audit_read(jsonb, text, uuid, uuid, uuid[], text[], text, uuid[]);
      DROP FUNCTION audit_write() CASCADE;
      DROP FUNCTION audit_family_of(text, jsonb);
      DROP TABLE audit_event CASCADE;
      DROP SEQUENCE audit_event_seq;
      DROP FUNCTION audit_event_chain();
      DROP VIEW active_consent_grant;
      DROP FUNCTION member_speaks_for(uuid, uuid);
      DROP FUNCTION member_is_capable(family_member);
      DROP TABLE break_glass_revocation, break_glass_grant, consent_revocation, consent_subject, consent,
        capacity_assessment CASCADE;
      ALTER TABLE action DROP COLUMN created_by_user_id;
      ALTER TABLE goal DROP COLUMN created_by_user_id;
      ALTER TABLE plan DROP COLUMN created_by_user_id;
      ALTER TABLE family_member DROP COLUMN created_by_user_id;
    `);
  }
}
