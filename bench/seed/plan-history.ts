/** The history of each plan: an entry for each change the services record. */
import { literal, type Statement } from './sql.js';

/** The plan history as the services write it: one entry per change, with its details. */
export function stagePlanHistory(): Statement[] {
  const json = (...pairs: [string, string][]) => `jsonb_build_object(${pairs.map(([k, v]) => `${literal(k)}, ${v}`).join(', ')})`;
  const coordinator = (at: string) => ({
    user: `CASE WHEN pl.handover = 'DONE' AND ${at} > pl.confirmed_at THEN pl.successor ELSE pl.registrar END`,
    agency: `CASE WHEN pl.handover = 'DONE' AND ${at} > pl.confirmed_at THEN pl.successor_agency ELSE pl.registrar_agency END`,
  });
  const entry = (from: string, columns: Record<'key' | 'change' | 'actor' | 'agency' | 'type' | 'entity' | 'details' | 'at' | 'bumps' | 'registered', string>) =>
    `SELECT ${columns.key} AS key, ${columns.registered} AS registered_at, plan_id, ${columns.change} AS change, ${columns.actor} AS actor_user_id, ${columns.agency} AS acting_agency_id,
            ${literal(columns.type)} AS entity_type, ${columns.entity} AS entity_id, ${columns.details} AS details, ${columns.at} AS at, ${columns.bumps} AS bumps
       FROM ${from}`;
  const planEvent = (change: string, at: string, details: string, where: string) =>
    entry(`s_family fam JOIN s_plan pl USING (f, plan_id) WHERE ${where}`, {
      key: 'fam.f', registered: 'fam.registered_at', change: literal(change), actor: 'pl.registrar', agency: 'pl.registrar_agency', type: 'Plan', entity: 'plan_id', details, at,
      bumps: String(change !== 'PLAN_OPENED'),
    });
  const supporterEvent = (change: string, at: string, details: string, where: string, from = 's_plan pl') =>
    entry(`${from} WHERE ${where}`, {
      key: 'pl.f', registered: 'pl.registered_at', change: literal(change), actor: 'pl.registrar', agency: 'pl.registrar_agency', type: 'TrajectorySupporter', entity: 'pl.plan_id',
      details, at, bumps: 'true',
    });
  return [
    {
      sql: `CREATE TEMP TABLE s_history ON COMMIT DROP AS
        SELECT h.*, pg_temp.uid('history-' || change, key, registered_at + (at - registered_at) / 1000) AS id FROM (
          ${planEvent('PLAN_OPENED', 'fam.plan_created_at', json(['previousPlanId', 'NULL']), 'true')}
          UNION ALL ${planEvent('PLAN_ACTIVATED', 'fam.activated_at', json(['from', "'DRAFT'"], ['to', "'ACTIVE'"]), 'fam.activated_at IS NOT NULL')}
          UNION ALL ${planEvent('PLAN_CLOSED', 'fam.closed_at', json(['from', "'ACTIVE'"], ['to', "'CLOSED'"], ['reasonCode', 'fam.close_reason_code']), 'fam.closed_at IS NOT NULL')}
          UNION ALL ${supporterEvent('SUPPORTER_ASSIGNED', 'fam.first_supporter_at', json(['userId', 'pl.registrar'], ['agencyId', 'pl.registrar_agency']),
            'fam.first_supporter_at IS NOT NULL', 's_plan pl JOIN s_family fam USING (f, plan_id)')}
          UNION ALL ${supporterEvent('SUPPORT_HANDOVER_STARTED', 'pl.handover_at', json(['toUserId', 'pl.successor'], ['agencyId', 'pl.successor_agency']),
            'pl.handover IS NOT NULL')}
          UNION ALL ${supporterEvent('SUPPORT_HANDED_OVER', 'pl.confirmed_at',
            json(['confirmedByMemberId', 'm0.id'], ['from', 'jsonb_build_array(pl.registrar)'], ['to', 'jsonb_build_array(pl.successor)']),
            `pl.handover = 'DONE'`, 's_plan pl JOIN s_member m0 ON m0.f = pl.f AND m0.m = 0')}
          UNION ALL ${entry('s_team t JOIN s_plan pl USING (f)', {
            key: 't.key', registered: 't.registered_at', change: `'PARTICIPANT_ADDED'`, actor: coordinator('t.added_at').user, agency: coordinator('t.added_at').agency,
            type: 'PlanParticipant', entity: 't.participant_id', details: json(['agencyId', 't.agency_id'], ['contribution', 't.contribution']),
            at: 't.added_at', bumps: 'true',
          })}
          UNION ALL ${entry('s_goal', {
            key: 'key', registered: 'registered_at', change: `'GOAL_ADDED'`, actor: 'created_by', agency: 'created_by_agency', type: 'Goal', entity: 'id',
            details: json(['lifeDomain', 'domain'], ['owner', 'owner_kind'], ['ownerAgencyId', 'owner_agency_id'], ['status', `'PROPOSED'`]),
            at: 'created_at', bumps: 'false',
          })}
          UNION ALL ${entry('s_goal_update', {
            key: 'key', registered: 'registered_at', change: `'GOAL_UPDATED'`, actor: 'actor', agency: 'actor_agency', type: 'Goal', entity: 'goal_id',
            details: `CASE WHEN kind = 'PROGRESS' THEN ${json(['progressNoteId', 'progress_note_id'], ['version', 'u + 1'])}
                           ELSE ${json(['status', json(['before', 'before'], ['after', 'after'])], ['version', 'u + 1'])} END`,
            at: 'at', bumps: 'false',
          })}
          UNION ALL ${entry('s_action', {
            key: 'key', registered: 'registered_at', change: `'ACTION_ADDED'`, actor: 'created_by', agency: 'created_by_agency', type: 'Action', entity: 'id',
            details: json(['goalId', 'goal_id'], ['title', 'title'], ['assigneeUserId', 'assignee_user_id'], ['assigneeMemberId', 'assignee_member_id'],
              ['dueDate', `to_char(due_date, 'YYYY-MM-DD')`]),
            at: 'created_at', bumps: 'false',
          })}
          UNION ALL ${entry(`s_action WHERE status <> 'OPEN'`, {
            key: 'key', registered: 'registered_at', change: `CASE status WHEN 'DONE' THEN 'ACTION_COMPLETED' ELSE 'ACTION_CANCELLED' END`, actor: 'closed_by', agency: 'closed_by_agency',
            type: 'Action', entity: 'id', details: json(['goalId', 'goal_id'], ['from', `'OPEN'`], ['to', 'status']), at: 'closed_at', bumps: 'false',
          })}
          UNION ALL ${entry('s_note', {
            key: 'key', registered: 'registered_at', change: `'NOTE_ADDED'`, actor: 'author_id', agency: 'author_agency', type: 'Note', entity: 'id',
            details: json(['category', 'category']), at: 'created_at', bumps: 'false',
          })}) h`,
    },
  ];
}

export function insertPlanHistory(): Statement[] {
  return [
    {
      sql: `INSERT INTO plan_history (id, plan_id, actor_user_id, acting_agency_id, entity_type, entity_id, change, details, at)
        SELECT id, plan_id, actor_user_id, acting_agency_id, entity_type, entity_id, change, details, at FROM s_history ORDER BY at, key, change`,
      counts: 'plan_history',
    },
  ];
}
