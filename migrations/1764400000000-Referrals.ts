import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Warm-handover referrals (docs/referrals-and-webhooks.md): the referral with its status and version, the members it is
 * about, every transition (append-only), the handover meetings, and the idempotency keys of mutations.
 * `due_at` is when the current stage becomes overdue, computed in working days when the stage starts,
 * so that overdue referrals are a plain indexed comparison with now() — no job has to run first.
 */
export class Referrals1764400000000 implements MigrationInterface {
  name = 'Referrals1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE referral (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES family(id),
        plan_id uuid NOT NULL REFERENCES plan(id),
        from_agency_id uuid NOT NULL REFERENCES agency(id),
        to_agency_id uuid NOT NULL REFERENCES agency(id),
        status text NOT NULL CHECK (status IN ('DRAFT','SENT','RECEIVED','ACCEPTED','WAITLISTED','DECLINED',
          'HANDOVER_SCHEDULED','HANDOVER_HELD','COMPLETED','WITHDRAWN')),
        version integer NOT NULL,
        urgency text NOT NULL CHECK (urgency IN ('ROUTINE','PRIORITY','URGENT')),
        reason text NOT NULL,
        requested_service text NOT NULL,
        external_reference text,
        decline_reason text,
        withdraw_reason text,
        family_declined_meeting boolean NOT NULL DEFAULT false,
        outcome text CHECK (outcome IN ('SUCCESSFUL','NOT_SUCCESSFUL')),
        outcome_reason text CHECK (outcome_reason IN ('FAMILY_DECLINED_SERVICE','NO_CAPACITY','NOT_ELIGIBLE',
          'UNABLE_TO_CONTACT_FAMILY','NO_LONGER_NEEDED','OTHER')),
        outcome_note text,
        due_at timestamptz,
        sent_at timestamptz,
        received_at timestamptz,
        accepted_at timestamptz,
        completed_at timestamptz,
        created_by_user_id uuid NOT NULL REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (from_agency_id <> to_agency_id),
        CHECK (status <> 'DECLINED' OR decline_reason IS NOT NULL),
        CHECK (status <> 'WITHDRAWN' OR withdraw_reason IS NOT NULL),
        CHECK (status <> 'COMPLETED' OR outcome IS NOT NULL),
        CHECK (outcome IS DISTINCT FROM 'NOT_SUCCESSFUL' OR outcome_reason IS NOT NULL)
      );
      -- Partners look a referral up by the reference of their own case system.
      CREATE UNIQUE INDEX referral_external_reference_uq ON referral (to_agency_id, external_reference)
        WHERE external_reference IS NOT NULL;
      CREATE INDEX referral_incoming_idx ON referral (to_agency_id, id) WHERE sent_at IS NOT NULL;
      CREATE INDEX referral_outgoing_idx ON referral (from_agency_id, id);
      CREATE INDEX referral_family_idx ON referral (family_id, id);
      CREATE INDEX referral_incoming_due_idx ON referral (to_agency_id, due_at) WHERE due_at IS NOT NULL;
      CREATE INDEX referral_outgoing_due_idx ON referral (from_agency_id, due_at) WHERE due_at IS NOT NULL;

      CREATE TABLE referral_member (
        referral_id uuid NOT NULL REFERENCES referral(id),
        member_id uuid NOT NULL REFERENCES family_member(id),
        PRIMARY KEY (referral_id, member_id)
      );
      CREATE INDEX referral_member_member_idx ON referral_member (member_id);

      -- Every transition, with who made it and why; the version it produced is unique per referral,
      -- so two concurrent transitions from one version cannot both be stored.
      CREATE TABLE referral_transition (
        id uuid PRIMARY KEY,
        referral_id uuid NOT NULL REFERENCES referral(id),
        from_status text,
        to_status text NOT NULL,
        version integer NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        actor_user_id uuid REFERENCES app_user(id),
        actor_agency_id uuid REFERENCES agency(id),
        reason text,
        details jsonb NOT NULL DEFAULT '{}',
        UNIQUE (referral_id, version)
      );

      CREATE TABLE handover_meeting (
        id uuid PRIMARY KEY,
        referral_id uuid NOT NULL REFERENCES referral(id),
        starts_at timestamptz NOT NULL,
        location text,
        online_url text,
        attendees text[] NOT NULL CHECK (cardinality(attendees) > 0 AND attendees <@ ARRAY['FAMILY','REFERRER','RECEIVER']),
        state text NOT NULL CHECK (state IN ('SCHEDULED','RESCHEDULED','CANCELLED','MISSED','HELD')),
        note text,
        created_by_user_id uuid NOT NULL REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        CHECK (num_nonnulls(location, online_url) = 1)
      );
      CREATE INDEX handover_meeting_referral_idx ON handover_meeting (referral_id, created_at);
      CREATE UNIQUE INDEX handover_meeting_one_scheduled_uq ON handover_meeting (referral_id) WHERE state = 'SCHEDULED';

      -- A mutation repeated with the same key returns its first result; the request hash tells a
      -- repeat from a reuse of the key for something else. Keys are per caller.
      CREATE TABLE idempotency_key (
        caller_subject text NOT NULL,
        key text NOT NULL,
        operation text NOT NULL,
        request_hash text NOT NULL,
        result_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (caller_subject, key)
      );
      CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at);

      CREATE OR REPLACE FUNCTION audit_family_of(tbl text, r jsonb) RETURNS uuid LANGUAGE sql STABLE AS $$
        SELECT CASE
          WHEN tbl = 'family' THEN (r->>'id')::uuid
          WHEN r ? 'family_id' THEN (r->>'family_id')::uuid
          WHEN r ? 'plan_id' THEN (SELECT family_id FROM plan WHERE id = (r->>'plan_id')::uuid)
          WHEN r ? 'goal_id' THEN (SELECT p.family_id FROM goal g JOIN plan p ON p.id = g.plan_id WHERE g.id = (r->>'goal_id')::uuid)
          WHEN r ? 'note_id' THEN (SELECT p.family_id FROM note n JOIN plan p ON p.id = n.plan_id WHERE n.id = (r->>'note_id')::uuid)
          WHEN r ? 'consent_id' THEN (SELECT family_id FROM consent WHERE id = (r->>'consent_id')::uuid)
          WHEN r ? 'grant_id' THEN (SELECT family_id FROM break_glass_grant WHERE id = (r->>'grant_id')::uuid)
          WHEN r ? 'referral_id' THEN (SELECT family_id FROM referral WHERE id = (r->>'referral_id')::uuid)
          WHEN tbl = 'capacity_assessment' THEN (SELECT family_id FROM family_member WHERE id = (r->>'member_id')::uuid)
        END
      $$;
    `);
    for (const table of ['referral', 'referral_member', 'referral_transition', 'handover_meeting']) {
      await q.query(`CREATE TRIGGER ${table}_audit AFTER INSERT OR UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION audit_write()`);
    }
    for (const table of ['referral_member', 'referral_transition']) {
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
      DROP TABLE idempotency_key, handover_meeting, referral_transition, referral_member, referral;
      CREATE OR REPLACE FUNCTION audit_family_of(tbl text, r jsonb) RETURNS uuid LANGUAGE sql STABLE AS $$
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
    `);
  }
}
