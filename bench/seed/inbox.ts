/**
 * Inbox items (docs/inbox.md) of the batch's families, as the producers would have delivered them, from the
 * rows the batch wrote: a referral received (caseworkers of the receiving agency), a referral's status
 * changed (the referrer's caseworkers on the family's team, also those whose assignment ended since: items
 * the reader may no longer see), break-glass used (the rest of the team, ended assignments included, and the
 * members of 12 and more) and an open action past its due date (its assignee). Some are read. A recipient
 * named twice (assigned twice to the family) gets one item, as the unique key on (event, recipient) keeps it.
 */
import type { RunPlan } from './run-plan.js';
import { rnd, type Statement, timestamp } from './sql.js';

/** The columns every producer's rows give, in the order of the INSERT. */
const COLUMNS = `kind, recipient_user_id, recipient_agency_id, recipient_member_id, family_id, subject_type, subject_id, params, occurred_at`;

export function insertInbox(p: RunPlan): Statement[] {
  const asOf = timestamp(p.asOf);
  const produced = [
    // Two caseworkers of the receiving agency hear of each referral sent.
    `SELECT 'REFERRAL_RECEIVED', staff.user_id, r.to_agency_id, NULL::uuid, r.family_id, 'Referral', r.id, '{}'::jsonb, r.sent_at
       FROM referral r JOIN s_family fam ON fam.id = r.family_id
       JOIN seed_agency_staff sa ON sa.agency_id = r.to_agency_id AND sa.role = 'CASEWORKER'
       CROSS JOIN LATERAL unnest(sa.users[1:2]) staff(user_id)
      WHERE r.sent_at IS NOT NULL`,
    `SELECT 'REFERRAL_STATUS_CHANGED', ca.user_id, ca.agency_id, NULL::uuid, r.family_id, 'Referral', r.id,
            jsonb_build_object('from', NULL, 'to', r.status), r.updated_at
       FROM referral r JOIN s_family fam ON fam.id = r.family_id
       JOIN case_assignment ca ON ca.family_id = r.family_id AND ca.agency_id = r.from_agency_id
      WHERE r.status <> 'DRAFT'`,
    `SELECT 'BREAK_GLASS_USED', ca.user_id, ca.agency_id, NULL::uuid, g.family_id, 'BreakGlassGrant', g.id,
            jsonb_build_object('until', to_char(g.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), g.starts_at
       FROM break_glass_grant g JOIN s_family fam ON fam.id = g.family_id JOIN case_assignment ca ON ca.family_id = g.family_id AND ca.user_id <> g.user_id`,
    `SELECT 'BREAK_GLASS_USED', NULL::uuid, NULL::uuid, fm.id, g.family_id, 'BreakGlassGrant', g.id,
            jsonb_build_object('until', to_char(g.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), g.starts_at
       FROM break_glass_grant g JOIN s_family fam ON fam.id = g.family_id
       JOIN family_member fm ON fm.family_id = g.family_id AND fm.birth_date <= (g.starts_at AT TIME ZONE 'UTC')::date - interval '12 years'`,
    `(SELECT DISTINCT ON (a.id) 'ACTION_OVERDUE', a.assignee_user_id, ca.agency_id, NULL::uuid, p.family_id, 'Action', a.id,
            jsonb_build_object('on', a.due_date::text), (a.due_date + 1)::timestamp AT TIME ZONE 'UTC'
       FROM action a JOIN goal g ON g.id = a.goal_id JOIN plan p ON p.id = g.plan_id JOIN s_family fam ON fam.id = p.family_id
       JOIN case_assignment ca ON ca.family_id = p.family_id AND ca.user_id = a.assignee_user_id
      WHERE a.status = 'OPEN' AND a.due_date < (${asOf} AT TIME ZONE 'UTC')::date
      ORDER BY a.id, ca.created_at)`,
  ];
  // Ids as the service makes them (time-ordered), from the event and the recipient; the event's id from its kind and record.
  const key = `hashtextextended(i.kind || i.subject_id || coalesce(i.recipient_user_id, i.recipient_member_id), 0)`;
  return [
    {
      sql: `INSERT INTO inbox_item (id, event_id, ${COLUMNS}, read_at)
        SELECT pg_temp.uid('inbox-item', ${key}, i.occurred_at), md5(i.kind || ':' || i.subject_id)::uuid, i.*,
               CASE WHEN ${rnd('inbox:read', key)} < 0.4 THEN i.occurred_at + interval '1 day' END
          FROM (${produced.join('\n          UNION ALL ')}) i(${COLUMNS})
         ORDER BY 1
        ON CONFLICT DO NOTHING`,
      counts: 'inbox_item',
    },
  ];
}
