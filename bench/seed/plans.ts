/** The plan of each family and its team: agencies and their assigned workers, the trajectory supporters. */
import { AgencyKind } from '../../src/agencies/agency-kind.js';
import { days, draws, familyRowId, hours, literal, ms, pickBy, type Statement, weighted, within } from './sql.js';
import { CONTRIBUTIONS, REGISTRAR_KINDS, TEAM_KINDS } from './vocabulary.js';

/** Each family's team (s_team, s_crew: who works with it, since when) and the course of its plan's support (s_plan). */
export function stageTeams(): Statement[] {
  return [
    // The registering agency (slot 0) and up to two more, and a volunteer organisation (slot 3): each
    // with the worker assigned to the family, and a consent policy of the family towards it. Staged in
    // two steps: joins on a computed agency id get poor estimates, on a staged column good ones.
    {
      sql: `CREATE TEMP TABLE s_slot ON COMMIT DROP AS
        SELECT t.*, ka.agencies[1 + floor(t.r_rank * cardinality(ka.agencies))::int] AS agency_id
          FROM (SELECT fam.f, fam.network_no, fam.registered_at, fam.end_at, s, fam.f * 4 + s AS key, d.*,
                       CASE s WHEN 0 THEN ${weighted('d.r_kind', REGISTRAR_KINDS)} WHEN 3 THEN ${literal(AgencyKind.VOLUNTEER_ORGANISATION)}
                              ELSE ${weighted('d.r_kind', TEAM_KINDS)} END AS kind,
                       CASE WHEN s = 3 THEN 'VOLUNTEER' ELSE 'CASEWORKER' END AS worker_role,
                       CASE WHEN s = 0 THEN fam.registered_at
                            ELSE ${ms(within(`coalesce(fam.first_supporter_at, fam.plan_created_at) + interval '1 hour'`, 'fam.end_at', '0.02 + 0.5 * d.r_join'))} END AS joined_at,
                       CASE WHEN s = 0 THEN coalesce(fam.first_supporter_at, fam.plan_created_at) + interval '30 minutes'
                            ELSE ${ms(within(`coalesce(fam.first_supporter_at, fam.plan_created_at) + interval '1 hour'`, 'fam.end_at', '0.02 + 0.5 * d.r_join'))} END AS added_at
                  FROM s_family fam CROSS JOIN generate_series(0, 3) s
                  ${draws('team', 'fam.f * 4 + s', [
                    'kind', 'rank', 'worker', 'join', 'assign', 'predecessor', 'consent-at', 'valid', 'renew', 'renew-at',
                    'contact', 'notes-consent', 'health', 'safety', 'referral-consent', 'contribution',
                  ])}
                 WHERE s = 0 OR (s <= fam.n_extra_agencies AND s < 3) OR (s = 3 AND fam.volunteer)) t
          JOIN seed_kind_agencies ka ON ka.network_no = t.network_no AND ka.kind = t.kind`,
    },
    {
      sql: `CREATE TEMP TABLE s_team ON COMMIT DROP AS
        SELECT z.*, ${familyRowId('participant', 'key', 'added_at')} AS participant_id, ${familyRowId('assignment', 'key', 'assigned_at')} AS assignment_id,
               ${pickBy('kind', CONTRIBUTIONS, 'r_contribution')} AS contribution,
               CASE WHEN r_renew < 0.6 AND valid_until < end_at THEN ${ms(`valid_until - ${days('r_renew_at * 14')}`)} END AS renewed_at
          FROM (SELECT y.*,
                       CASE WHEN r_valid < 0.55 THEN NULL WHEN r_valid < 0.9 THEN consent_at + interval '2 years' ELSE consent_at + interval '1 year' END AS valid_until
                  FROM (SELECT x.*,
                               CASE WHEN s = 0 THEN ${ms(`registered_at + ${hours('2 + r_consent_at * 4')}`)}
                                    ELSE ${ms(`least(assigned_at + ${hours('1 + r_consent_at * 70')}, ${within('assigned_at', 'end_at', '0.5')})`)} END AS consent_at
                          FROM (SELECT w.*,
                                       CASE WHEN s = 0 THEN registered_at
                                            WHEN predecessor_id IS NOT NULL THEN ${ms(within('joined_at', 'end_at', '0.3 + 0.3 * r_assign'))}
                                            ELSE ${ms(`least(joined_at + ${hours('1 + r_assign * 47')}, ${within('joined_at', 'end_at', '0.5')})`)} END AS assigned_at
                                  FROM (SELECT DISTINCT ON (t.f, t.agency_id) t.*, ws.users[1 + k] AS worker_id, adm.users[1] AS admin_id,
                                               CASE WHEN t.s > 0 AND t.worker_role = 'CASEWORKER' AND t.r_predecessor < 0.06 AND cardinality(ws.users) > 1
                                                    THEN ws.users[1 + (k + 1) % cardinality(ws.users)] END AS predecessor_id
                                          FROM s_slot t
                                          JOIN seed_agency_staff ws ON ws.agency_id = t.agency_id AND ws.role = t.worker_role
                                          JOIN seed_agency_staff adm ON adm.agency_id = t.agency_id AND adm.role = 'AGENCY_ADMIN'
                                          CROSS JOIN LATERAL (SELECT floor(t.r_worker * cardinality(ws.users))::int AS k) i
                                         ORDER BY t.f, t.agency_id, t.s) w) x) y) z`,
    },
    {
      sql: `CREATE TEMP TABLE s_crew ON COMMIT DROP AS
        SELECT f,
               array_agg(worker_id ORDER BY s) AS workers, array_agg(assigned_at ORDER BY s) AS worker_assigned,
               array_agg(worker_id ORDER BY s) FILTER (WHERE worker_role = 'CASEWORKER') AS caseworkers,
               array_agg(agency_id ORDER BY s) FILTER (WHERE worker_role = 'CASEWORKER') AS caseworker_agencies,
               array_agg(kind ORDER BY s) FILTER (WHERE worker_role = 'CASEWORKER') AS caseworker_kinds,
               array_agg(assigned_at ORDER BY s) FILTER (WHERE worker_role = 'CASEWORKER') AS caseworker_assigned,
               array_agg(agency_id ORDER BY s) AS agencies,
               (array_agg(worker_id) FILTER (WHERE worker_role = 'VOLUNTEER'))[1] AS volunteer,
               (array_agg(agency_id) FILTER (WHERE worker_role = 'VOLUNTEER'))[1] AS volunteer_agency,
               (array_agg(assigned_at) FILTER (WHERE worker_role = 'VOLUNTEER'))[1] AS volunteer_assigned
          FROM s_team GROUP BY f`,
    },
    // The registrar supports the plan from the start; a few hand the role over to the team's second
    // caseworker (DONE: the family confirmed; PENDING: waiting for it).
    {
      sql: `CREATE TEMP TABLE s_plan ON COMMIT DROP AS
        SELECT x.*, CASE WHEN handover = 'DONE' THEN ${ms(within('handover_at', 'end_at', '0.05 + 0.2 * r_confirm'))} END AS confirmed_at
          FROM (SELECT fam.f, fam.plan_id, fam.end_at, fam.registered_at, cr.caseworkers[1] AS registrar, cr.caseworker_agencies[1] AS registrar_agency,
                       CASE WHEN fam.plan_status = 'ACTIVE' AND cardinality(cr.caseworkers) >= 2 THEN fam.handover END AS handover,
                       cr.caseworkers[2] AS successor, cr.caseworker_agencies[2] AS successor_agency, d.r_confirm,
                       ${ms(within('greatest(cr.caseworker_assigned[2], fam.activated_at)', 'fam.end_at',
                         `CASE fam.handover WHEN 'DONE' THEN 0.1 + 0.5 * d.r_handover_at ELSE 0.92 + 0.07 * d.r_handover_at END`))} AS handover_at
                  FROM s_family fam JOIN s_crew cr USING (f) ${draws('plan', 'fam.f', ['handover-at', 'confirm'])}) x`,
    },
  ];
}

/** The case assignments of the team (and of the workers they succeeded), the plans, closures, supporters and participants. */
export function insertPlans(): Statement[] {
  return [
    {
      sql: `INSERT INTO case_assignment (id, family_id, user_id, agency_id, assigned_by_user_id, created_at, ended_at)
        SELECT id, family_id, user_id, agency_id, assigned_by, created_at, ended_at FROM (
          SELECT t.assignment_id AS id, fam.id AS family_id, t.worker_id AS user_id, t.agency_id,
                 CASE WHEN t.s = 0 THEN t.worker_id ELSE t.admin_id END AS assigned_by, t.assigned_at AS created_at, NULL::timestamptz AS ended_at, t.key
            FROM s_team t JOIN s_family fam USING (f)
          UNION ALL
          SELECT ${familyRowId('assignment-predecessor', 't.key', 't.joined_at', 't.registered_at')}, fam.id, t.predecessor_id, t.agency_id, t.admin_id,
                 ${ms('t.joined_at + (t.assigned_at - t.joined_at) * 0.1')}, t.assigned_at, t.key
            FROM s_team t JOIN s_family fam USING (f) WHERE t.predecessor_id IS NOT NULL) a
        ORDER BY created_at, key`,
      counts: 'case_assignment',
    },
    {
      sql: `INSERT INTO plan (id, family_id, generation, status, summary, strengths, close_reason_code, close_reason, closed_at, closed_by_user_id,
                        version, created_at, updated_at, created_by_user_id)
        SELECT fam.plan_id, fam.id, 1, fam.plan_status, fam.summary, fam.strengths,
               CASE WHEN fam.plan_status = 'CLOSED' THEN fam.close_reason_code END,
               CASE WHEN fam.plan_status = 'CLOSED' THEN fam.close_reason END, fam.closed_at,
               -- Closed by its supporter at the time: the successor once a handover was confirmed.
               CASE WHEN fam.plan_status = 'CLOSED' THEN CASE WHEN pl.handover = 'DONE' THEN pl.successor ELSE pl.registrar END END,
               1 + h.changes, fam.plan_created_at, coalesce(h.last_change, fam.plan_created_at), pl.registrar
          FROM s_family fam JOIN s_plan pl USING (f)
          JOIN (SELECT plan_id, count(*) FILTER (WHERE bumps)::int AS changes, max(at) FILTER (WHERE bumps) AS last_change
                  FROM s_history GROUP BY plan_id) h ON h.plan_id = fam.plan_id
         ORDER BY fam.f`,
      counts: 'plan',
    },
    {
      // The first parent agreed to each closure (as closePlan requires of an adult parent or caregiver).
      sql: `INSERT INTO plan_closure_agreement (plan_id, member_id)
        SELECT fam.plan_id, m0.id FROM s_family fam JOIN s_member m0 ON m0.f = fam.f AND m0.m = 0
         WHERE fam.plan_status = 'CLOSED' ORDER BY fam.f`,
      counts: 'plan_closure_agreement',
    },
    {
      sql: `INSERT INTO trajectory_supporter (id, plan_id, user_id, agency_id, state, started_at, ended_at, family_confirmation)
        SELECT ${familyRowId('supporter', 'fam.f * 2', 'fam.first_supporter_at', 'fam.registered_at')}, fam.plan_id, pl.registrar, pl.registrar_agency,
               CASE WHEN pl.handover = 'DONE' THEN 'ENDED' ELSE 'CURRENT' END, fam.first_supporter_at,
               CASE WHEN pl.handover = 'DONE' THEN pl.confirmed_at END, NULL
          FROM s_family fam JOIN s_plan pl USING (f, plan_id) WHERE fam.first_supporter_at IS NOT NULL
        UNION ALL
        SELECT ${familyRowId('supporter', 'pl.f * 2 + 1', 'pl.handover_at', 'pl.registered_at')}, pl.plan_id, pl.successor, pl.successor_agency,
               CASE pl.handover WHEN 'DONE' THEN 'CURRENT' ELSE 'INCOMING' END, pl.handover_at, NULL,
               CASE WHEN pl.handover = 'DONE' THEN 'Confirmed by family member ' || m0.id || ' (recorded by user ' || pl.registrar || ')' END
          FROM s_plan pl JOIN s_member m0 ON m0.f = pl.f AND m0.m = 0 WHERE pl.handover IS NOT NULL`,
      counts: 'trajectory_supporter',
    },
    {
      sql: `INSERT INTO plan_participant (id, plan_id, agency_id, contribution, added_at)
        SELECT t.participant_id, fam.plan_id, t.agency_id, t.contribution, t.added_at FROM s_team t JOIN s_family fam USING (f) ORDER BY t.added_at, t.key`,
      counts: 'plan_participant',
    },
  ];
}
