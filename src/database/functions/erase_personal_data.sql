-- Erases the personal data of one family (target_member NULL) or of one of its members, in place, in the
-- calling transaction, under the audited actor it names; rows, ids, statuses, dates of events and codes stay,
-- so figures still count. What is personal is listed in docs/retention.md (the table of personal columns);
-- a migration adding a personal column extends this function. For one member: the member's own fields, and
-- the records about that member only (consents, assessments, notes and referrals naming no one else, the
-- member's erasure requests, and the goals naming no one else, with their actions, progress and history).
-- Rule: the right to erasure, and retention after a plan closed (docs/retention.md).
CREATE OR REPLACE FUNCTION erase_personal_data(target_family uuid, target_member uuid DEFAULT NULL) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  erased CONSTANT text := '[erased]';
  personal_history_keys CONSTANT text[] := ARRAY['reason','contribution','title','description','summary','strengths'];
  whole_family CONSTANT boolean := target_member IS NULL;
  members uuid[];
  consents uuid[];
  referrals uuid[];
  plans uuid[];
  goals uuid[];
BEGIN
  IF coalesce(current_setting('app.actor_subject', true), '') = '' THEN
    RAISE EXCEPTION 'erasure without an audited actor' USING ERRCODE = 'insufficient_privilege';
  END IF;
  members := ARRAY(SELECT id FROM family_member WHERE family_id = target_family AND (whole_family OR id = target_member));
  IF NOT whole_family AND cardinality(members) = 0 THEN
    RAISE EXCEPTION 'member % is not of family %', target_member, target_family USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- A member record merged into one of them (the same person, registered twice) is hers, and erased with her.
  members := members || ARRAY(SELECT id FROM family_member WHERE merged_into_member_id = ANY (members));
  consents := ARRAY(SELECT c.id FROM consent c WHERE c.family_id = target_family AND (whole_family
    OR NOT EXISTS (SELECT 1 FROM consent_subject s WHERE s.consent_id = c.id AND s.member_id <> ALL (members))));
  referrals := ARRAY(SELECT r.id FROM referral r WHERE r.family_id = target_family AND (whole_family
    OR (EXISTS (SELECT 1 FROM referral_member m WHERE m.referral_id = r.id)
        AND NOT EXISTS (SELECT 1 FROM referral_member m WHERE m.referral_id = r.id AND m.member_id <> ALL (members)))));
  plans := ARRAY(SELECT id FROM plan WHERE family_id = target_family);
  goals := ARRAY(SELECT g.id FROM goal g WHERE g.plan_id = ANY (plans) AND (whole_family
    OR (EXISTS (SELECT 1 FROM goal_member x WHERE x.goal_id = g.id)
        AND NOT EXISTS (SELECT 1 FROM goal_member x WHERE x.goal_id = g.id AND x.member_id <> ALL (members)))));

  PERFORM set_config('app.erasure', 'on', true);

  UPDATE family_member SET given_name = erased, family_name = erased, birth_date = NULL, expected_date = NULL,
         email = NULL, phone = NULL, preferred_language = NULL, portal_subject = NULL, erased_at = now()
   WHERE id = ANY (members) AND erased_at IS NULL;
  -- The member's own address for notification e-mails (docs/inbox.md, "E-mail"): forgotten, and no more e-mail.
  UPDATE notification_channel SET channel = 'OFF', email = NULL WHERE member_id = ANY (members) AND email IS NOT NULL;
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

  UPDATE goal SET description = erased WHERE id = ANY (goals);
  UPDATE goal_progress_note SET body = erased WHERE goal_id = ANY (goals);
  UPDATE action SET title = erased WHERE goal_id = ANY (goals);
  UPDATE plan_history SET details = details - personal_history_keys
   WHERE NOT whole_family AND plan_id = ANY (plans) AND details ?| personal_history_keys
     AND (entity_id = ANY (goals) OR entity_id IN (SELECT id FROM action WHERE goal_id = ANY (goals)));

  IF whole_family THEN
    UPDATE plan SET summary = erased, strengths = NULL, close_reason = NULL WHERE id = ANY (plans);
    UPDATE plan_participant SET contribution = erased WHERE plan_id = ANY (plans);

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
