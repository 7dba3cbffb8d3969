import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Append-only tables that hold personal text, with the columns erasure may blank in them. */
const ERASABLE_APPEND_ONLY: Record<string, string[]> = {
  plan_history: ['details'],
  consent: ['purpose', 'evidence_reference'],
  consent_revocation: ['reason'],
  consent_confirmation: ['evidence_reference'],
  capacity_assessment: ['reason'],
  break_glass_grant: ['justification'],
  referral_transition: ['reason'],
  outbox_event: ['body'],
  erasure_request: ['reason'],
};

/**
 * Plan closure (reason code, who closed, which family members agreed) and retention: personal data of a
 * family whose last plan closed longer ago than the retention period is erased, in place, by
 * `erase_personal_data`; rows, ids, statuses, dates of events and codes stay, so figures still count.
 *
 * Append-only tables that hold personal text may be changed by erasure only: their UPDATE trigger lets a
 * row through when the transaction-local setting `app.erasure` is on (the erasure function sets it for its
 * own statements) and nothing but the table's personal columns changed. DELETE and TRUNCATE stay refused.
 * `audit_event` is not touched at all: it holds ids and codes only, and its hash chain must keep verifying.
 *
 * Column classification (docs/retention.md): every text column of every table is
 * listed there as personal (erased) or not (kept).
 */
export class PlanClosureRetention1765000000000 implements MigrationInterface {
  name = 'PlanClosureRetention1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- The backfill below is a write like any other: audited, under a named actor.
      SELECT set_config('app.actor_subject', 'migration:PlanClosureRetention', true),
             set_config('app.legal_basis', 'ADMINISTRATION', true);

      ALTER TABLE plan
        ADD COLUMN close_reason_code text CHECK (close_reason_code IN ('GOALS_ACHIEVED','FAMILY_ENDED_SUPPORT','MOVED_AWAY',
          'TRANSFERRED_TO_OTHER_SERVICE','NO_LONGER_NEEDED','OTHER')),
        ADD COLUMN closed_by_user_id uuid REFERENCES app_user(id);
      -- Plans closed before reason codes existed keep their free-text reason under OTHER.
      UPDATE plan SET close_reason_code = 'OTHER' WHERE status = 'CLOSED';
      ALTER TABLE plan DROP CONSTRAINT plan_check,
        ADD CONSTRAINT plan_closed_with_reason CHECK ((status = 'CLOSED') = (close_reason_code IS NOT NULL AND closed_at IS NOT NULL));
      -- Retention: the families whose latest plan closed before a cutoff.
      CREATE INDEX plan_closed_idx ON plan (family_id, closed_at) WHERE status = 'CLOSED';

      -- The family members who agreed to closing the plan (ids only: nothing to erase).
      CREATE TABLE plan_closure_agreement (
        plan_id uuid NOT NULL REFERENCES plan(id),
        member_id uuid NOT NULL REFERENCES family_member(id),
        PRIMARY KEY (plan_id, member_id)
      );
      CREATE TRIGGER plan_closure_agreement_audit AFTER INSERT OR UPDATE OR DELETE ON plan_closure_agreement
        FOR EACH ROW EXECUTE FUNCTION audit_write();
      CREATE TRIGGER plan_closure_agreement_append_only BEFORE UPDATE OR DELETE ON plan_closure_agreement
        FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
      CREATE TRIGGER plan_closure_agreement_no_truncate BEFORE TRUNCATE ON plan_closure_agreement
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();

      ALTER TABLE family ADD COLUMN erased_at timestamptz;
      ALTER TABLE family_member ADD COLUMN erased_at timestamptz;
      -- An erased member has no birth date any more.
      ALTER TABLE family_member DROP CONSTRAINT family_member_check,
        ADD CONSTRAINT family_member_birth_date_known CHECK (role = 'UNBORN' OR birth_date IS NOT NULL OR erased_at IS NOT NULL);
      -- An erased justification is the placeholder, shorter than a real one may be.
      ALTER TABLE break_glass_grant DROP CONSTRAINT break_glass_grant_justification_check,
        ADD CONSTRAINT break_glass_grant_justification_check CHECK (length(justification) >= 20 OR justification = '[erased]');

      -- A family member's request to erase its data: carried out, or refused with the reason the law gives.
      CREATE TABLE erasure_request (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES family(id),
        member_id uuid NOT NULL REFERENCES family_member(id),
        requested_by_member_id uuid REFERENCES family_member(id),
        requested_by_user_id uuid REFERENCES app_user(id),
        reason text,
        outcome text NOT NULL CHECK (outcome IN ('ERASED','REFUSED')),
        refusal text CHECK (refusal IN ('OPEN_PLAN','OPEN_REFERRAL')),
        requested_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((outcome = 'REFUSED') = (refusal IS NOT NULL)),
        CHECK (num_nonnulls(requested_by_member_id, requested_by_user_id) >= 1)
      );
      CREATE INDEX erasure_request_family_idx ON erasure_request (family_id, id);
      CREATE TRIGGER erasure_request_audit AFTER INSERT OR UPDATE OR DELETE ON erasure_request
        FOR EACH ROW EXECUTE FUNCTION audit_write();
      CREATE TRIGGER erasure_request_no_truncate BEFORE TRUNCATE ON erasure_request
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();

      -- UPDATE of an append-only row: refused, except by erasure (app.erasure on, set by erase_personal_data
      -- for its own statements) changing nothing but the columns named as the trigger's arguments.
      CREATE FUNCTION refuse_append_only_change_except_erasure() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('app.erasure', true) = 'on'
           AND to_jsonb(NEW) - TG_ARGV = to_jsonb(OLD) - TG_ARGV THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
    `);
    for (const [table, columns] of Object.entries(ERASABLE_APPEND_ONLY)) {
      await q.query(`
        DROP TRIGGER IF EXISTS ${table}_append_only ON ${table};
        CREATE TRIGGER ${table}_append_only BEFORE DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
        CREATE TRIGGER ${table}_erasure_only BEFORE UPDATE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change_except_erasure(${columns.map((c) => `'${c}'`).join(', ')});
      `);
    }
    await q.query(`
      -- Erases the personal data of one family (target_member NULL) or of one of its members, in place,
      -- in the calling transaction, under the audited actor it names. What is personal is listed in
      -- docs/retention.md; a migration adding a personal column extends this function.
      -- For one member: the member's own fields, and the records about that member only (consents,
      -- assessments, notes and referrals naming no one else, the member's erasure requests).
      CREATE FUNCTION erase_personal_data(target_family uuid, target_member uuid DEFAULT NULL) RETURNS void
        LANGUAGE plpgsql AS $$
      DECLARE
        erased CONSTANT text := '[erased]';
        personal_history_keys CONSTANT text[] := ARRAY['reason','contribution','title','description','summary','strengths'];
        whole_family CONSTANT boolean := target_member IS NULL;
        members uuid[];
        consents uuid[];
        referrals uuid[];
        plans uuid[];
      BEGIN
        IF coalesce(current_setting('app.actor_subject', true), '') = '' THEN
          RAISE EXCEPTION 'erasure without an audited actor' USING ERRCODE = 'insufficient_privilege';
        END IF;
        members := ARRAY(SELECT id FROM family_member WHERE family_id = target_family AND (whole_family OR id = target_member));
        IF NOT whole_family AND cardinality(members) = 0 THEN
          RAISE EXCEPTION 'member % is not of family %', target_member, target_family USING ERRCODE = 'invalid_parameter_value';
        END IF;
        consents := ARRAY(SELECT c.id FROM consent c WHERE c.family_id = target_family AND (whole_family
          OR NOT EXISTS (SELECT 1 FROM consent_subject s WHERE s.consent_id = c.id AND s.member_id <> ALL (members))));
        referrals := ARRAY(SELECT r.id FROM referral r WHERE r.family_id = target_family AND (whole_family
          OR (EXISTS (SELECT 1 FROM referral_member m WHERE m.referral_id = r.id)
              AND NOT EXISTS (SELECT 1 FROM referral_member m WHERE m.referral_id = r.id AND m.member_id <> ALL (members)))));
        plans := ARRAY(SELECT id FROM plan WHERE family_id = target_family);

        PERFORM set_config('app.erasure', 'on', true);

        UPDATE family_member SET given_name = erased, family_name = erased, birth_date = NULL, expected_date = NULL,
               email = NULL, phone = NULL, preferred_language = NULL, portal_subject = NULL, erased_at = now()
         WHERE id = ANY (members) AND erased_at IS NULL;
        UPDATE capacity_assessment SET reason = erased WHERE member_id = ANY (members);
        UPDATE consent SET purpose = erased, evidence_reference = NULL WHERE id = ANY (consents);
        UPDATE consent_revocation SET reason = erased WHERE consent_id = ANY (consents);
        UPDATE consent_confirmation SET evidence_reference = NULL
         WHERE (consent_id = ANY (consents) OR member_id = ANY (members)) AND evidence_reference IS NOT NULL;
        UPDATE note SET body = erased
         WHERE plan_id = ANY (plans) AND (whole_family
           OR (EXISTS (SELECT 1 FROM note_member x WHERE x.note_id = note.id)
               AND NOT EXISTS (SELECT 1 FROM note_member x WHERE x.note_id = note.id AND x.member_id <> ALL (members))));
        UPDATE referral SET reason = erased, requested_service = erased, external_reference = NULL,
               decline_reason = CASE WHEN decline_reason IS NOT NULL THEN erased END,
               withdraw_reason = CASE WHEN withdraw_reason IS NOT NULL THEN erased END, outcome_note = NULL
         WHERE id = ANY (referrals);
        UPDATE referral_transition SET reason = erased WHERE referral_id = ANY (referrals) AND reason IS NOT NULL;
        UPDATE handover_meeting SET location = CASE WHEN location IS NOT NULL THEN erased END,
               online_url = CASE WHEN online_url IS NOT NULL THEN erased END, note = NULL
         WHERE referral_id = ANY (referrals);
        -- The webhook body names the receiver's own case reference; the rest of it is ids and statuses.
        UPDATE outbox_event SET body = jsonb_set(body::jsonb, '{data,externalReference}', 'null')::text
         WHERE referral_id = ANY (referrals) AND body::jsonb #>> '{data,externalReference}' IS NOT NULL;
        -- A repeated request would answer from these; they are kept for a day only anyway.
        DELETE FROM idempotency_key WHERE result_id = ANY (referrals);
        UPDATE erasure_request SET reason = NULL
         WHERE family_id = target_family AND reason IS NOT NULL
           AND (whole_family OR member_id = ANY (members) OR requested_by_member_id = ANY (members));

        IF whole_family THEN
          UPDATE plan SET summary = erased, strengths = NULL, close_reason = NULL WHERE id = ANY (plans);
          UPDATE plan_participant SET contribution = erased WHERE plan_id = ANY (plans);
          UPDATE goal SET description = erased WHERE plan_id = ANY (plans);
          UPDATE goal_progress_note SET body = erased WHERE goal_id IN (SELECT id FROM goal WHERE plan_id = ANY (plans));
          UPDATE action SET title = erased WHERE goal_id IN (SELECT id FROM goal WHERE plan_id = ANY (plans));
          UPDATE break_glass_grant SET justification = erased WHERE family_id = target_family;
          UPDATE plan_history SET details = details - personal_history_keys
           WHERE plan_id = ANY (plans) AND details ?| personal_history_keys;
          -- Nobody needs to know an erased family any more: it leaves every caseworker's list, and no plan,
          -- consent or referral can be started for it.
          UPDATE case_assignment SET ended_at = now() WHERE family_id = target_family AND ended_at IS NULL;
          UPDATE family SET erased_at = now() WHERE id = target_family;
        END IF;

        PERFORM set_config('app.erasure', 'off', true);

        -- The erasure itself, as one entry besides the per-row entries the write triggers made.
        INSERT INTO audit_event (request_id, actor_subject, actor_user_id, actor_member_id, acting_agency_id, action,
                                 entity_type, entity_id, family_id, member_ids, legal_basis)
        VALUES (nullif(current_setting('app.request_id', true), ''), current_setting('app.actor_subject'),
                nullif(current_setting('app.actor_user_id', true), '')::uuid,
                nullif(current_setting('app.actor_member_id', true), '')::uuid,
                nullif(current_setting('app.acting_agency_id', true), '')::uuid,
                'ERASE', CASE WHEN whole_family THEN 'Family' ELSE 'FamilyMember' END, coalesce(target_member, target_family),
                target_family, members, coalesce(nullif(current_setting('app.legal_basis', true), ''), 'ADMINISTRATION'));
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION erase_personal_data(uuid, uuid);
      SELECT set_config('app.actor_subject', 'migration:PlanClosureRetention', true),
             set_config('app.legal_basis', 'ADMINISTRATION', true);
    `);
    for (const table of Object.keys(ERASABLE_APPEND_ONLY)) {
      if (table === 'erasure_request') continue;
      await q.query(`
        DROP TRIGGER ${table}_erasure_only ON ${table};
        DROP TRIGGER ${table}_append_only ON ${table};
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
      `);
    }
    await q.query(`
      DROP TABLE erasure_request;
      DROP FUNCTION refuse_append_only_change_except_erasure();
      ALTER TABLE break_glass_grant DROP CONSTRAINT break_glass_grant_justification_check,
        ADD CONSTRAINT break_glass_grant_justification_check CHECK (length(justification) >= 20);
      ALTER TABLE family_member DROP CONSTRAINT family_member_birth_date_known,
        ADD CONSTRAINT family_member_check CHECK (role = 'UNBORN' OR birth_date IS NOT NULL);
      ALTER TABLE family_member DROP COLUMN erased_at;
      ALTER TABLE family DROP COLUMN erased_at;
      DROP TABLE plan_closure_agreement;
      DROP INDEX plan_closed_idx;
      -- Closed plans need a free-text reason again.
      UPDATE plan SET close_reason = close_reason_code WHERE status = 'CLOSED' AND close_reason IS NULL;
      ALTER TABLE plan DROP CONSTRAINT plan_closed_with_reason,
        ADD CONSTRAINT plan_check CHECK ((status = 'CLOSED') = (close_reason IS NOT NULL AND closed_at IS NOT NULL));
      ALTER TABLE plan DROP COLUMN closed_by_user_id, DROP COLUMN close_reason_code;
    `);
  }
}
