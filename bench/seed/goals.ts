/** The goals of each plan, their updates and progress notes, and their actions. */
import { crewIndex, draws, familyRowId, literal, ms, pick, pickBy, rnd, type Statement, teamCaseworker, weighted, within } from './sql.js';
import { ACTION_TITLES, GOAL_DESCRIPTIONS, LIFE_DOMAINS, PROGRESS_NOTES } from './vocabulary.js';

/** Goals in life domains drawn by weight, their updates (activation, progress, final status), their actions. */
export function stageGoals(): Statement[] {
  const domains = LIFE_DOMAINS.map(([domain, weight], no) => `(${no}, ${literal(domain)}, ${weight})`).join(',');
  const updateAt = (g: string, u: string) =>
    ms(within(`${g}.created_at`, `${g}.end_at`, `0.9 * (${u} - 1 + ${rnd('goal-update', `${g}.key * 8 + ${u}`)}) / ${g}.n_updates`));
  const final = `('ACHIEVED', 'DISCONTINUED')`;
  const author = teamCaseworker('cw_i', 'created_at');
  return [
    // Domains drawn without replacement in proportion to their weight (the smallest exponential "arrival" first).
    {
      sql: `CREATE TEMP TABLE s_goal ON COMMIT DROP AS
        SELECT z.*, ${familyRowId('goal', 'key', 'created_at')} AS id,
               CASE WHEN n_updates > 0 THEN ${updateAt('z', 'n_updates')} ELSE created_at END AS updated_at
          FROM (SELECT y.*, via_active::int + n_progress + (status IN ${final})::int AS n_updates
                  FROM (SELECT x.*, ${author.user} AS created_by, ${author.agency} AS created_by_agency,
                               status IN ('ACTIVE', 'ACHIEVED') OR (status = 'DISCONTINUED' AND r_via_active < 0.6) AS via_active,
                               CASE WHEN status IN ('ACTIVE', 'ACHIEVED') OR (status = 'DISCONTINUED' AND r_via_active < 0.6)
                                    THEN floor(r_progress * 3)::int ELSE 0 END AS n_progress,
                               CASE WHEN r_owner < 0.6 THEN 'FAMILY' ELSE 'AGENCY' END AS owner_kind,
                               CASE WHEN r_owner >= 0.6 THEN cr.agencies[${crewIndex('r_owner_agency', 'agencies')}] END AS owner_agency_id
                          FROM (SELECT ranked.f, ranked.f * 8 + ranked.g AS key, ranked.domain, fam.plan_id, fam.end_at, fam.registered_at, d.*,
                                       ${pickBy('ranked.domain', GOAL_DESCRIPTIONS, 'd.r_description')} AS description,
                                       CASE fam.plan_status
                                         WHEN 'DRAFT' THEN ${weighted('d.r_status', [['PROPOSED', 85], ['ACTIVE', 15]])}
                                         WHEN 'CLOSED' THEN ${weighted('d.r_status', [['ACHIEVED', 55], ['DISCONTINUED', 30], ['ACTIVE', 15]])}
                                         ELSE ${weighted('d.r_status', [['PROPOSED', 12], ['ACTIVE', 53], ['ACHIEVED', 23], ['DISCONTINUED', 12]])} END AS status,
                                       ${ms(within(`fam.plan_created_at + interval '2 hours'`, 'fam.end_at', '0.45 * d.r_created * d.r_created'))} AS created_at,
                                       ${crewIndex('d.r_author', 'caseworkers')} AS cw_i
                                  FROM (SELECT f, domain, (row_number() OVER (PARTITION BY f ORDER BY -ln(1 - r) / weight, no) - 1)::int AS g, n_goals
                                          FROM (SELECT fam.f, fam.n_goals, dm.no, dm.domain, dm.weight, ${rnd('goal-domain', 'fam.f * 16 + dm.no')} AS r
                                                  FROM s_family fam CROSS JOIN (VALUES ${domains}) dm(no, domain, weight)) w) ranked
                                  JOIN s_family fam ON fam.f = ranked.f
                                  JOIN s_crew cr ON cr.f = ranked.f
                                  ${draws('goal', 'ranked.f * 8 + ranked.g', ['description', 'owner', 'owner-agency', 'status', 'via-active', 'progress', 'created', 'author', 'actions'])}
                                 WHERE ranked.g < ranked.n_goals) x
                          JOIN s_crew cr ON cr.f = x.f) y) z`,
    },
    {
      sql: `CREATE TEMP TABLE s_goal_update ON COMMIT DROP AS
        SELECT y.*, ${teamCaseworker('cw_i', 'at').user} AS actor, ${teamCaseworker('cw_i', 'at').agency} AS actor_agency,
               CASE WHEN kind = 'PROGRESS' THEN ${familyRowId('progress-note', 'key', 'at')} END AS progress_note_id
          FROM (SELECT go.f, go.id AS goal_id, go.plan_id, go.domain, go.registered_at, go.key * 8 + u AS key, u,
                       CASE WHEN go.via_active AND u = 1 THEN 'ACTIVATE' WHEN go.status IN ${final} AND u = go.n_updates THEN 'FINAL' ELSE 'PROGRESS' END AS kind,
                       CASE WHEN go.via_active AND u = 1 THEN 'PROPOSED' WHEN go.via_active THEN 'ACTIVE' ELSE 'PROPOSED' END AS before,
                       CASE WHEN go.via_active AND u = 1 THEN 'ACTIVE' ELSE go.status END AS after,
                       ${updateAt('go', 'u')} AS at, ${crewIndex(rnd('goal-update-actor', 'go.key * 8 + u'), 'caseworkers')} AS cw_i,
                       ${pick(PROGRESS_NOTES, rnd('progress-note', 'go.key * 8 + u'))} AS body
                  FROM s_goal go JOIN s_crew cr ON cr.f = go.f CROSS JOIN generate_series(1, go.n_updates) u) y
          JOIN s_crew cr ON cr.f = y.f`,
    },
    {
      sql: `CREATE TEMP TABLE s_action ON COMMIT DROP AS
        SELECT z.*, ${familyRowId('action', 'z.key', 'z.created_at', 'z.registered_at')} AS id, am.id AS assignee_member_id, CASE WHEN z.status = 'DONE' THEN z.closed_at END AS completed_at,
               CASE WHEN assignee_user_id = cr.volunteer THEN cr.volunteer ELSE created_by END AS closed_by,
               CASE WHEN assignee_user_id = cr.volunteer THEN cr.volunteer_agency ELSE created_by_agency END AS closed_by_agency
          FROM (SELECT y.*, ${author.user} AS created_by, ${author.agency} AS created_by_agency,
                       CASE WHEN r_assignee >= 0.35 THEN CASE WHEN cr.worker_assigned[w_i] <= created_at THEN cr.workers[w_i] ELSE cr.workers[1] END END AS assignee_user_id,
                       CASE WHEN status <> 'OPEN' THEN ${ms(within('created_at', 'end_at', '0.05 + 0.6 * r_closed'))} END AS closed_at,
                       (created_at AT TIME ZONE 'UTC')::date + (7 + floor(r_due * 68))::int AS due_date
                  FROM (SELECT x.*, ${crewIndex('r_author', 'caseworkers')} AS cw_i, ${crewIndex('r_worker', 'workers')} AS w_i,
                               ${ms(within(`goal_created_at + interval '1 hour'`, 'coalesce(final_at, end_at)', '0.7 * r_created'))} AS created_at
                          FROM (SELECT go.f, go.id AS goal_id, go.plan_id, go.domain, go.created_at AS goal_created_at, go.end_at, go.registered_at,
                                       CASE WHEN go.status IN ${final} THEN go.updated_at END AS final_at, go.key * 4 + a AS key, d.*,
                                       ${pickBy('go.domain', ACTION_TITLES, 'd.r_title')} AS title,
                                       CASE go.status
                                         WHEN 'ACHIEVED' THEN ${weighted('d.r_status', [['DONE', 85], ['CANCELLED', 15]])}
                                         WHEN 'DISCONTINUED' THEN ${weighted('d.r_status', [['CANCELLED', 50], ['DONE', 30], ['OPEN', 20]])}
                                         WHEN 'ACTIVE' THEN ${weighted('d.r_status', [['OPEN', 55], ['DONE', 35], ['CANCELLED', 10]])}
                                         ELSE ${weighted('d.r_status', [['OPEN', 90], ['CANCELLED', 10]])} END AS status
                                  FROM s_goal go
                                  CROSS JOIN generate_series(0, (CASE WHEN go.status = 'PROPOSED' THEN floor(go.r_actions * 2)
                                                                      ELSE ${weighted('go.r_actions', [[0, 22], [1, 30], [2, 24], [3, 14], [4, 10]])} END)::int - 1) a
                                  ${draws('action', 'go.key * 4 + a', ['title', 'status', 'author', 'worker', 'assignee', 'member', 'created', 'closed', 'due'])}
                                 WHERE (CASE WHEN go.status IN ${final} THEN go.updated_at ELSE go.end_at END) - go.created_at > interval '1 day') x
                          JOIN s_crew cr ON cr.f = x.f) y
                  JOIN s_crew cr ON cr.f = y.f) z
          JOIN s_crew cr ON cr.f = z.f
          JOIN s_family fam ON fam.f = z.f
          LEFT JOIN s_member am ON z.r_assignee < 0.35 AND am.f = z.f AND am.m = floor(z.r_member * fam.n_parents)::int`,
    },
  ];
}

export function insertGoals(): Statement[] {
  return [
    {
      sql: `INSERT INTO goal (id, plan_id, life_domain, description, owner_kind, owner_agency_id, status, version, created_at, updated_at, created_by_user_id)
        SELECT id, plan_id, domain, description, owner_kind, owner_agency_id, status, 1 + n_updates, created_at, updated_at, created_by
          FROM s_goal ORDER BY key`,
      counts: 'goal',
    },
    {
      sql: `INSERT INTO goal_progress_note (id, goal_id, body, author_user_id, author_agency_id, created_at)
        SELECT progress_note_id, goal_id, body, actor, actor_agency, at FROM s_goal_update WHERE kind = 'PROGRESS' ORDER BY key`,
      counts: 'goal_progress_note',
    },
    {
      sql: `INSERT INTO action (id, goal_id, title, assignee_user_id, assignee_member_id, due_date, status, completed_at, created_at, created_by_user_id)
        SELECT id, goal_id, title, assignee_user_id, assignee_member_id, due_date, status, completed_at, created_at, created_by
          FROM s_action ORDER BY key`,
      counts: 'action',
    },
  ];
}
