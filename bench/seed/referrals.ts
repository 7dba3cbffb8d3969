/** Referrals along the paths of referral-catalogue.ts, with their transitions, meetings and outbox events. */
import { REFERRAL_DEADLINES } from './referral-catalogue.js';
import { capableAt, crewIndex, days, draws, familyRowId, hours, literal, ms, pick, pickBy, type Statement, weighted } from './sql.js';
import {
  CANCEL_REASONS, DECLINE_REASONS, HELD_NOTES, MEETING_PLACES, MISSED_NOTES, OUTCOME_NOTES, REFERRAL_KINDS, REFERRAL_REASONS, REQUESTED_SERVICES,
  WAITLIST_REASONS, WITHDRAW_REASONS,
} from './vocabulary.js';

/**
 * Referrals follow one of REFERRAL_PATHS (closed plans: only finished ones). The gaps between steps
 * are drawn first; the referral is then placed so that its last step lies before the end of the
 * plan's window, open ones recently. A referral that does not fit in its plan's window is left out.
 */
export function stageReferrals(): Statement[] {
  const pace = (interval: string) => `(${interval}) * pace`;
  const meetingBound = `previous_lead * (0.2 + 0.6 * r_gap)`;
  const stageOf = (field: (d: (typeof REFERRAL_DEADLINES)[number]) => string | number) =>
    `(CASE v.final_status ${REFERRAL_DEADLINES.map((d) => `WHEN ${literal(d.status)} THEN ${field(d)}`).join(' ')} END)`;
  const stageStart = stageOf((d) => `v.${d.startedAt}`);
  const offsetOf = (name: string) => `max(offset_at) FILTER (WHERE name = ${literal(name)})`;
  const ci = crewIndex('timing.r_from', 'caseworkers');
  return [
    {
      sql: `CREATE TEMP TABLE s_rchoice ON COMMIT DROP AS
        SELECT c.*, sp.path, sp.final_status, sp.terminal, sp.family_declined_meeting
          FROM (SELECT fam.f, q, fam.f * 4 + q AS key, fam.plan_status = 'CLOSED' AS closed, d.*,
                       ${weighted('d.r_urgency', [['ROUTINE', 75], ['PRIORITY', 18], ['URGENT', 7]])} AS urgency
                  FROM s_family fam CROSS JOIN generate_series(0, fam.n_referrals - 1) q
                  ${draws('referral', 'fam.f * 4 + q', [
                    'path', 'urgency', 'idle', 'from', 'to-kind', 'to-rank', 'receiver', 'service', 'reason', 'member', 'member2', 'external',
                    'outcome', 'outcome-reason', 'outcome-note', 'decline', 'withdraw', 'draft-consent', 'consent-at',
                  ])}) c
          JOIN seed_path sp ON CASE WHEN c.closed THEN c.r_path >= sp.lo_terminal AND c.r_path < sp.hi_terminal
                                    ELSE c.r_path >= sp.lo AND c.r_path < sp.hi END`,
    },
    {
      sql: `CREATE TEMP TABLE s_rstep0 ON COMMIT DROP AS
        SELECT z.*, sum(gap) OVER (PARTITION BY key ORDER BY k) AS offset_at
          FROM (SELECT y.*,
                       CASE name
                         WHEN 'create' THEN interval '0'
                         WHEN 'send' THEN ${pace(hours('2 + r_gap * 70'))}
                         WHEN 'receive' THEN ${pace(hours('1 + r_gap * 70'))}
                         WHEN 'accept' THEN ${pace(`CASE WHEN from_status = 'WAITLISTED' THEN ${days('5 + r_gap * 40')} ELSE ${days('1 + r_gap * 7')} END`)}
                         WHEN 'waitlist' THEN ${pace(days('1 + r_gap * 4'))}
                         WHEN 'decline' THEN ${pace(days('1 + r_gap * 6'))}
                         WHEN 'scheduleHandover' THEN ${pace(hours('6 + r_gap * 114'))}
                         WHEN 'recordHandoverMissed' THEN previous_lead + ${hours('1 + r_gap * 2')}
                         WHEN 'recordHandoverHeld' THEN previous_lead + ${hours('1 + r_gap * 2')}
                         WHEN 'complete' THEN CASE from_status WHEN 'HANDOVER_HELD' THEN ${pace(days('1 + r_gap * 13'))}
                                                               WHEN 'ACCEPTED' THEN ${pace(days('2 + r_gap * 8'))} ELSE ${meetingBound} END
                         ELSE CASE WHEN from_status = 'HANDOVER_SCHEDULED' THEN ${meetingBound} ELSE ${pace(days('1 + r_gap * 9'))} END
                       END AS gap
                  FROM (SELECT x.*, lag(lead) OVER (PARTITION BY key ORDER BY k) AS previous_lead
                          FROM (SELECT c.key, st.k, st.name, st.from_status, st.to_status, st.side,
                                       CASE WHEN c.urgency = 'URGENT' THEN 0.25::float8 ELSE 1::float8 END AS pace, d.r_gap,
                                       CASE WHEN st.name IN ('scheduleHandover', 'rescheduleHandover')
                                            THEN ${days(`CASE WHEN c.urgency = 'URGENT' THEN 1 + 2 * d.r_lead ELSE 3 + 7 * d.r_lead END`)} END AS lead
                                  FROM s_rchoice c JOIN seed_path_step st ON st.path = c.path
                                  ${draws('referral-step', 'c.key * 16 + st.k', ['gap', 'lead'])}) x) y) z`,
    },
    // Placed in time, from a caseworker of the team (one assigned by then), to an agency of the network
    // (another than the referrer's).
    {
      sql: `CREATE TEMP TABLE s_rpick ON COMMIT DROP AS
        SELECT t.*, CASE WHEN t.agencies[1 + t.rank0] = t.from_agency_id THEN t.agencies[1 + (t.rank0 + 1) % cardinality(t.agencies)]
                         ELSE t.agencies[1 + t.rank0] END AS to_agency_id
          FROM (SELECT s.*, ka.agencies, floor(s.r_to_rank * cardinality(ka.agencies))::int AS rank0
                  FROM (SELECT r.*, CASE WHEN r.to_kind0 = r.from_kind AND cardinality(ka0.agencies) = 1
                                         THEN CASE WHEN r.from_kind = 'GENERAL_WELFARE' THEN 'MENTAL_HEALTH' ELSE 'GENERAL_WELFARE' END
                                         ELSE r.to_kind0 END AS to_kind
                          FROM (SELECT q.*, cr.caseworkers[q.from_i] AS creator_id, cr.caseworker_agencies[q.from_i] AS from_agency_id,
                                       cr.caseworker_kinds[q.from_i] AS from_kind, ${weighted('q.r_to_kind', REFERRAL_KINDS)} AS to_kind0
                                  FROM (SELECT timing.*, CASE WHEN cr.caseworker_assigned[${ci}] <= timing.created_at THEN ${ci} ELSE 1 END AS from_i
                                          FROM (SELECT c.*, sp.*, fam.id AS family_id, fam.plan_id, fam.network_no, fam.end_at, fam.registered_at,
                                                       fam.n_parents, fam.caregiver, fam.n_children,
                                                       ${ms(`fam.end_at - interval '1 hour' - sp.span - CASE WHEN c.terminal THEN av.avail * c.r_idle
                                                              ELSE least(av.avail, interval '25 days') * c.r_idle END`)} AS created_at
                                                  FROM s_rchoice c
                                                  JOIN (SELECT key AS step_key, max(offset_at) AS span, max(k) AS last_k,
                                                               ${offsetOf('send')} AS sent_off, ${offsetOf('receive')} AS received_off,
                                                               min(k) FILTER (WHERE name = 'receive') AS received_k,
                                                               ${offsetOf('accept')} AS accepted_off, ${offsetOf('complete')} AS completed_off
                                                          FROM s_rstep0 GROUP BY key) sp ON sp.step_key = c.key
                                                  JOIN s_family fam ON fam.f = c.f
                                                  CROSS JOIN LATERAL (SELECT fam.end_at - interval '1 hour' - (fam.plan_created_at + interval '1 day') - sp.span AS avail) av
                                                 WHERE av.avail >= interval '0') timing
                                          JOIN s_crew cr ON cr.f = timing.f) q
                                  JOIN s_crew cr ON cr.f = q.f) r
                          JOIN seed_kind_agencies ka0 ON ka0.network_no = r.network_no AND ka0.kind = r.to_kind0) s
                  JOIN seed_kind_agencies ka ON ka.network_no = s.network_no AND ka.kind = s.to_kind) t`,
    },
    {
      sql: `CREATE TEMP TABLE s_referral ON COMMIT DROP AS
        SELECT v.*, ${familyRowId('referral', 'key', 'created_at')} AS id, final_status AS status, last_k + 1 AS version,
               ${ms('created_at + span')} AS updated_at,
               CASE WHEN final_status = 'COMPLETED' THEN CASE WHEN r_outcome < 0.75 THEN 'SUCCESSFUL' ELSE 'NOT_SUCCESSFUL' END END AS outcome,
               CASE WHEN final_status = 'COMPLETED' AND r_outcome >= 0.75 THEN ${weighted('r_outcome_reason', [
                 ['FAMILY_DECLINED_SERVICE', 30], ['NO_CAPACITY', 15], ['NOT_ELIGIBLE', 10], ['UNABLE_TO_CONTACT_FAMILY', 15], ['NO_LONGER_NEEDED', 20], ['OTHER', 10],
               ])} END AS outcome_reason,
               CASE WHEN final_status = 'COMPLETED' AND r_outcome_note < 0.4 THEN ${pick(OUTCOME_NOTES, 'r_outcome_note / 0.4')} END AS outcome_note,
               CASE WHEN final_status = 'DECLINED' THEN ${pick(DECLINE_REASONS, 'r_decline')} END AS decline_reason,
               CASE WHEN final_status = 'WITHDRAWN' THEN ${pick(WITHDRAW_REASONS, 'r_withdraw')} END AS withdraw_reason,
               CASE WHEN received_off IS NOT NULL AND r_external < 0.4
                    THEN 'DOS-' || to_char(created_at + received_off, 'YYYY') || '-' || lpad(key::text, 7, '0') END AS external_reference,
               CASE WHEN urgency = 'URGENT' THEN ${stageStart} + ${stageOf((d) => d.urgentHours)} * interval '1 hour' ELSE dl.due END AS due_at
          FROM (SELECT u.*, ta.name AS to_agency_name, rs.users[1 + floor(u.r_receiver * cardinality(rs.users))::int] AS receiver_id,
                       ${pickBy('u.to_kind', REQUESTED_SERVICES, 'u.r_service')} AS requested_service,
                       ${pick(REFERRAL_REASONS, 'u.r_reason')} AS reason,
                       ${ms('u.created_at + u.sent_off')} AS sent_at, ${ms('u.created_at + u.received_off')} AS received_at,
                       ${ms('u.created_at + u.accepted_off')} AS accepted_at, ${ms('u.created_at + u.completed_off')} AS completed_at,
                       CASE WHEN u.n_children > 0 THEN u.n_parents + u.caregiver::int + floor(u.r_member * u.n_children)::int ELSE 0 END AS member_a,
                       CASE WHEN u.n_children > 0 AND u.r_member2 < 0.3 THEN 0 END AS member_b,
                       u.sent_off IS NOT NULL OR u.r_draft_consent < 0.3 AS has_consent,
                       ${ms(`u.created_at + coalesce(u.sent_off, interval '4 hours') * (0.1 + 0.5 * u.r_consent_at)`)} AS consent_at
                  FROM s_rpick u
                  JOIN seed_agency ta ON ta.id = u.to_agency_id
                  JOIN seed_agency_staff rs ON rs.agency_id = u.to_agency_id AND rs.role = 'CASEWORKER') v
          LEFT JOIN seed_deadline dl ON dl.day = (${stageStart} AT TIME ZONE 'Europe/Brussels')::date AND dl.days = ${stageOf((d) => d.workingDays)}`,
    },
    // The REFERRAL consent of every referred member for the receiver, given before sending (by the member
    // when capable, else by the first parent); withdrawn referrals sometimes lose it afterwards.
    {
      sql: `CREATE TEMP TABLE s_rconsent_member ON COMMIT DROP AS
        SELECT c.*, CASE WHEN capable THEN c.m ELSE 0 END AS grantor_m
          FROM (SELECT rf.key AS referral_key, rf.f, m.m, m.id AS member_id, ${capableAt('m', 'rf.consent_at')} AS capable
                  FROM s_referral rf JOIN s_member m ON m.f = rf.f AND (m.m = rf.member_a OR m.m = rf.member_b)
                 WHERE rf.has_consent) c`,
    },
    {
      sql: `CREATE TEMP TABLE s_rconsent ON COMMIT DROP AS
        SELECT y.*, ${familyRowId('referral-consent', 'key', 'valid_from')} AS id FROM (
          SELECT x.*, rf.family_id, rf.registered_at, rf.to_agency_id AS agency_id, rf.creator_id AS caseworker_id, rf.from_agency_id AS caseworker_agency_id,
                 rf.consent_at AS valid_from, gm.id AS grantor_id, gm.portal_subject IS NOT NULL AS grantor_in_portal, d.*,
                 'Doorverwijzing en warme overdracht naar ' || rf.to_agency_name AS purpose,
                 CASE WHEN d.r_categories < 0.7 THEN ARRAY['REFERRAL', 'IDENTITY', 'CONTACT'] ELSE ARRAY['REFERRAL'] END AS categories,
                 CASE WHEN d.r_valid >= 0.5 THEN rf.consent_at + interval '1 year' END AS valid_until,
                 CASE WHEN gm.portal_subject IS NOT NULL AND d.r_method < 0.2 THEN 'FAMILY_PORTAL'
                      WHEN d.r_method < 0.75 THEN 'WRITTEN' ELSE 'VERBAL_WITH_WITNESS' END AS method,
                 CASE WHEN rf.status = 'WITHDRAWN' AND rf.sent_at IS NOT NULL AND d.r_revoke < 0.3
                      THEN ${ms(`least(rf.updated_at + ${hours('1 + d.r_revoke_at * 47')}, rf.end_at)`)} END AS revoked_at
            FROM (SELECT referral_key, f, grantor_m, referral_key * 8 + grantor_m AS key, array_agg(member_id ORDER BY m) AS subjects
                    FROM s_rconsent_member GROUP BY referral_key, f, grantor_m) x
            JOIN s_referral rf ON rf.key = x.referral_key
            JOIN s_member gm ON gm.f = x.f AND gm.m = x.grantor_m
            ${draws('referral-consent', 'x.key', ['categories', 'valid', 'method', 'revoke', 'revoke-at', 'revoke-by', 'revoke-reason'])}) y`,
    },
  ];
}

/** The transitions of the referrals, with their meetings and events (ReferralsService.step). */
export function stageReferralSteps(): Statement[] {
  return [
    {
      sql: `CREATE TEMP TABLE s_rstep ON COMMIT DROP AS
        SELECT y.*, ${familyRowId('transition', 'step_key', 'at')} AS transition_id, ${familyRowId('outbox', 'step_key', 'at')} AS event_id,
               lag(meeting_id) OVER w AS previous_meeting_id, lead(name) OVER w AS next_name, lead(at) OVER w AS next_at, lead(reason) OVER w AS next_reason
          FROM (SELECT x.*, CASE WHEN name IN ('scheduleHandover', 'rescheduleHandover') THEN ${familyRowId('meeting', 'step_key', 'at')} END AS meeting_id
                  FROM (SELECT st.key, st.k, st.key * 16 + st.k AS step_key, st.name, st.from_status, st.to_status, st.lead,
                               rf.id AS referral_id, rf.registered_at, rf.outcome, rf.outcome_reason, rf.received_k, rf.external_reference, d.r_place, d.r_attendees,
                               ${ms('rf.created_at + st.offset_at')} AS at,
                               CASE WHEN st.side = 'REFERRER' OR (st.side = 'EITHER' AND d.r_side < 0.5) THEN rf.creator_id ELSE rf.receiver_id END AS actor_id,
                               CASE WHEN st.side = 'REFERRER' OR (st.side = 'EITHER' AND d.r_side < 0.5) THEN rf.from_agency_id ELSE rf.to_agency_id END AS actor_agency_id,
                               CASE st.name
                                 WHEN 'decline' THEN rf.decline_reason
                                 WHEN 'withdraw' THEN rf.withdraw_reason
                                 WHEN 'complete' THEN rf.outcome_note
                                 WHEN 'cancelHandover' THEN ${pick(CANCEL_REASONS, 'd.r_reason')}
                                 WHEN 'waitlist' THEN CASE WHEN d.r_reason < 0.6 THEN ${pick(WAITLIST_REASONS, 'd.r_reason / 0.6')} END
                                 WHEN 'recordHandoverMissed' THEN CASE WHEN d.r_reason < 0.5 THEN ${pick(MISSED_NOTES, 'd.r_reason / 0.5')} END
                                 WHEN 'recordHandoverHeld' THEN CASE WHEN d.r_reason < 0.6 THEN ${pick(HELD_NOTES, 'd.r_reason / 0.6')} END
                               END AS reason
                          FROM s_rstep0 st JOIN s_referral rf ON rf.key = st.key
                          ${draws('transition', 'st.key * 16 + st.k', ['side', 'reason', 'place', 'attendees'])}) x) y
        WINDOW w AS (PARTITION BY key ORDER BY k)`,
    },
  ];
}

/** The referrals with their members, transitions, meetings and events, and what accepting one adds to the plan. */
export function insertReferrals(): Statement[] {
  return [
    {
      sql: `INSERT INTO referral (id, family_id, plan_id, from_agency_id, to_agency_id, status, version, urgency, reason, requested_service,
                                  external_reference, decline_reason, withdraw_reason, family_declined_meeting, outcome, outcome_reason, outcome_note,
                                  due_at, sent_at, received_at, accepted_at, completed_at, created_by_user_id, created_at, updated_at)
        SELECT id, family_id, plan_id, from_agency_id, to_agency_id, status, version, urgency, reason, requested_service,
               external_reference, decline_reason, withdraw_reason, family_declined_meeting, outcome, outcome_reason, outcome_note,
               due_at, sent_at, received_at, accepted_at, completed_at, creator_id, created_at, updated_at
          FROM s_referral ORDER BY created_at, key`,
      counts: 'referral',
    },
    {
      sql: `INSERT INTO referral_member (referral_id, member_id)
        SELECT rf.id, m.id FROM s_referral rf JOIN s_member m ON m.f = rf.f AND (m.m = rf.member_a OR m.m = rf.member_b) ORDER BY rf.key, m.m`,
      counts: 'referral_member',
    },
    {
      sql: `INSERT INTO referral_transition (id, referral_id, from_status, to_status, version, at, actor_user_id, actor_agency_id, reason, details)
        SELECT transition_id, referral_id, from_status, to_status, k + 1, at, actor_id, actor_agency_id, reason,
               CASE name
                 WHEN 'scheduleHandover' THEN jsonb_build_object('meetingId', meeting_id)
                 WHEN 'rescheduleHandover' THEN jsonb_build_object('previousMeetingId', previous_meeting_id, 'meetingId', meeting_id)
                 WHEN 'cancelHandover' THEN jsonb_build_object('meetingId', previous_meeting_id)
                 WHEN 'recordHandoverMissed' THEN jsonb_build_object('meetingId', previous_meeting_id)
                 WHEN 'recordHandoverHeld' THEN jsonb_build_object('meetingId', previous_meeting_id)
                 WHEN 'complete' THEN jsonb_build_object('outcome', outcome, 'outcomeReason', outcome_reason,
                                                         'familyDeclinedMeeting', from_status <> 'HANDOVER_HELD')
                 ELSE '{}'::jsonb END
          FROM s_rstep ORDER BY at, step_key`,
      counts: 'referral_transition',
    },
    // A meeting ends with the step after the one that planned it (ReferralsService.endMeeting).
    {
      sql: `INSERT INTO handover_meeting (id, referral_id, starts_at, location, online_url, attendees, state, note, created_by_user_id, created_at, ended_at)
        SELECT meeting_id, referral_id, ${ms('at + lead')},
               CASE WHEN r_place < 0.7 THEN ${pick(MEETING_PLACES, 'r_place / 0.7')} END,
               CASE WHEN r_place >= 0.7 THEN 'https://meet.example/' || substr(replace(meeting_id::text, '-', ''), 21, 12) END,
               CASE WHEN r_attendees < 0.8 THEN ARRAY['FAMILY', 'REFERRER', 'RECEIVER'] ELSE ARRAY['FAMILY', 'RECEIVER'] END,
               CASE WHEN next_name IS NULL THEN 'SCHEDULED' WHEN next_name = 'rescheduleHandover' THEN 'RESCHEDULED'
                    WHEN next_name = 'recordHandoverMissed' THEN 'MISSED' WHEN next_name = 'recordHandoverHeld' THEN 'HELD' ELSE 'CANCELLED' END,
               CASE WHEN next_name = 'complete' THEN 'The family declined the meeting' ELSE next_reason END,
               actor_id, at, next_at
          FROM s_rstep WHERE meeting_id IS NOT NULL ORDER BY at, step_key`,
      counts: 'handover_meeting',
    },
    // The outbox event of every transition, its body byte for byte as ReferralEvents.record writes it.
    {
      sql: `INSERT INTO outbox_event (id, type, referral_id, version, occurred_at, body)
        SELECT event_id, 'referral.status_changed', referral_id, k + 1, at,
               '{"id":"' || event_id || '","type":"referral.status_changed","occurredAt":"' || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
               || '","data":{"referralId":"' || referral_id || '","externalReference":'
               || CASE WHEN k >= received_k AND external_reference IS NOT NULL THEN to_json(external_reference)::text ELSE 'null' END
               || ',"from":' || coalesce('"' || from_status || '"', 'null') || ',"to":"' || to_status || '","version":' || (k + 1) || '}}'
          FROM s_rstep ORDER BY at, step_key`,
      counts: 'outbox_event',
    },
    // Accepting adds the receiving agency to the plan team (unless it is on it) and assigns the accepting caseworker.
    {
      sql: `WITH joined AS (
          INSERT INTO plan_participant (id, plan_id, agency_id, contribution, added_at)
          SELECT ${familyRowId('participant-by-referral', 'st.step_key', 'st.at', 'rf.registered_at')}, rf.plan_id, rf.to_agency_id, rf.requested_service, st.at
            FROM s_rstep st JOIN s_referral rf ON rf.key = st.key WHERE st.name = 'accept' ORDER BY st.at, st.step_key
          ON CONFLICT (plan_id, agency_id) WHERE removed_at IS NULL DO NOTHING
          RETURNING id, plan_id, agency_id, contribution, added_at)
        INSERT INTO plan_history (id, plan_id, actor_user_id, acting_agency_id, entity_type, entity_id, change, details, at)
        SELECT ${familyRowId('history-PARTICIPANT_ADDED', 'st.step_key', 'st.at', 'rf.registered_at')}, j.plan_id, st.actor_id, st.actor_agency_id, 'PlanParticipant', j.id,
               'PARTICIPANT_ADDED', jsonb_build_object('agencyId', j.agency_id, 'contribution', j.contribution, 'referralId', st.referral_id), j.added_at
          FROM joined j JOIN s_referral rf ON rf.plan_id = j.plan_id AND rf.to_agency_id = j.agency_id
          JOIN s_rstep st ON st.key = rf.key AND st.name = 'accept' AND st.at = j.added_at`,
      counts: ['plan_participant', 'plan_history'],
    },
    {
      sql: `INSERT INTO case_assignment (id, family_id, user_id, agency_id, assigned_by_user_id, created_at)
        SELECT ${familyRowId('assignment-by-referral', 'st.step_key', 'st.at', 'rf.registered_at')}, rf.family_id, st.actor_id, rf.to_agency_id, st.actor_id, st.at
          FROM s_rstep st JOIN s_referral rf ON rf.key = st.key WHERE st.name = 'accept' ORDER BY st.at, st.step_key
        ON CONFLICT (family_id, user_id, agency_id) WHERE ended_at IS NULL DO NOTHING`,
      counts: 'case_assignment',
    },
  ];
}
