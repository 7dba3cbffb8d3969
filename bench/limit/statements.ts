/**
 * The limit side's statements (bench/limit/limit-side.ts): each benchmarked read as ONE statement that answers
 * the service's GraphQL `data` as JSON and inserts the service's read-audit entries in a data-modifying CTE, and
 * `addAction` as one statement that checks and writes. The access rule is the service's own: every filter is
 * `scopeToSql` of the caller's CASL ability (src/policy/), over the subject's FROM clause (subjects.ts), so only
 * the shape of each answer is written here. The text of a statement depends only on the caller's rules (their
 * structure, not their values, which are parameters), so it is prepared once per connection and shape (`named`)
 * and planned generically (the pool's plan_cache_mode, as the service's).
 */
import { createHash } from 'node:crypto';
import type { Caller } from '../../src/auth/caller.decorator.js';
import { auditActor } from '../../src/audit/audited-transactions.js';
import type { PolicyAction } from '../../src/policy/ability.factory.js';
import { scopeToSql, SqlParams } from '../../src/policy/sql-scope.js';
import { fromClause, GRANT_IN_FORCE, type PersonalSubject, type SubjectName, subjectSql } from '../../src/policy/subjects.js';
import { LifeDomain } from '../../src/goals/life-domain.js';
import {
  ACTIVE_PLANS_SQL,
  CONSENTS_REVOKED_SQL,
  OVERDUE_REFERRALS_SQL,
  REFERRAL_FLOWS_SQL,
  REFERRAL_STAGE_HOURS_SQL,
} from '../../src/insights/network-insight.queries.js';
import { SMALLEST_SHOWN } from '../../src/insights/small-counts.js';
import { overdueSql } from '../../src/referrals/referral-deadlines.js';

/** The policy's parameters as positional `$n`, for a prepared statement (SqlParams names them for TypeORM). */
export class PositionalParams extends SqlParams {
  readonly list: unknown[] = [];

  override add(value: unknown): string {
    this.list.push(value);
    return `$${this.list.length}`;
  }
}

export interface Statement {
  name: string;
  text: string;
  values: unknown[];
}

/** A named statement: `pg` prepares it once per connection (its name is its text's digest). */
export const named = (text: string, values: unknown[]): Statement => ({
  name: `limit_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`,
  text,
  values,
});

/** `ability.can(action, row)` for the rows of `subject` under its aliases, as the service filters them. */
const allowed = (caller: Caller, action: PolicyAction, subject: SubjectName, params: PositionalParams) => scopeToSql(caller.ability, action, subject, params);

/** JSON of a timestamp as the service's DateTime scalar writes it (`Date.toISOString`: UTC, milliseconds). */
const isoTime = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The service's list cursor of an id (common/pagination.ts: base64url of `id:<uuid>`). */
const idCursor = (id: string) => `translate(encode(convert_to('id:' || ${id}, 'UTF8'), 'base64'), '+/=', '-_')`;

// ---- the read audit: one place, mirroring the PersonalReader (src/audit/personal-reader.ts) ------------------

/**
 * The audit columns of a row of `subject` (its aliases in scope), as the reader computes them: what the row
 * is about and the legal basis it was readable under, from the subject's own policy relations (subjects.ts).
 * The order of the bases is the reader's (`addAuditColumns`). `contentRight`: a field-level right decided with
 * the record (a referral's details): a row read without it is audited without categories.
 */
function auditColumns(caller: Caller, subject: PersonalSubject, params: PositionalParams, contentRight?: PolicyAction): string {
  const def = subjectSql(subject);
  const audit = def.audit!;
  const actor = auditActor(caller);
  const user = params.add(actor.userId);
  const agency = params.add(actor.agencyId);
  const author = def.fields.authorUserId ? `${def.fields.authorUserId} = ${user}` : 'FALSE';
  const consented = def.relations.consentedAgencyIds?.contains(agency) ?? 'FALSE';
  const referralConsented = def.relations.referralConsentedAgencyIds?.contains(agency) ?? 'FALSE';
  const brokeGlass = def.relations.breakGlassUserIds?.contains(user) ?? 'FALSE';
  const content = contentRight ? allowed(caller, contentRight, subject, params) : 'TRUE';
  const onTeam = def.relations.teamUserIds?.contains(user) ?? 'FALSE';
  const basis = `CASE WHEN ${params.add(actor.memberId !== null)} THEN 'FAMILY_SELF'
      WHEN NOT ${content} THEN (CASE WHEN ${onTeam} THEN 'ASSIGNMENT' ELSE 'RECIPIENT' END)
      WHEN ${consented} OR ${referralConsented} THEN 'CONSENT' WHEN ${author} THEN 'AUTHOR'
      WHEN ${brokeGlass} THEN 'BREAK_GLASS' ELSE 'ASSIGNMENT' END`;
  const categories = contentRight ? `CASE WHEN ${content} THEN ${audit.categories} ELSE '{}'::text[] END` : audit.categories;
  const consentCategories = def.relations.referralConsentedAgencyIds ? `CASE WHEN ${consented} THEN ${audit.categories} ELSE ARRAY['REFERRAL'] END` : audit.categories;
  return `${def.alias}.id AS audit_entity_id, ${audit.familyId} AS audit_family_id, ${audit.memberIds} AS audit_member_ids,
    ${categories} AS audit_categories, ${consentCategories} AS audit_consent_categories, ${basis} AS audit_basis`;
}

const AUDIT_COLUMNS = ['audit_entity_id', 'audit_family_id', 'audit_member_ids', 'audit_categories', 'audit_consent_categories', 'audit_basis'];

/**
 * The CTE `audit` that records the rows of `sources` (entity type → a relation with the audit columns) as the
 * reader does: one entry per entity type, family, members and basis, naming every record read in id order,
 * with the union of their categories and of the consents each row was read under.
 */
function auditInsert(caller: Caller, params: PositionalParams, sources: Record<string, string>): string {
  const actor = auditActor(caller);
  const agency = params.add(actor.agencyId);
  const rows = Object.entries(sources)
    .map(([entityType, relation]) => `SELECT ${params.add(entityType)}::text AS audit_entity_type, ${AUDIT_COLUMNS.map((c) => `s.${c}`).join(', ')} FROM ${relation} s`)
    .join(' UNION ALL ');
  const union = (column: string) => `ARRAY(SELECT DISTINCT u FROM unnest(array_cat_agg(${column})) u ORDER BY u)`;
  return `audit AS (
      INSERT INTO audit_event (request_id, actor_subject, actor_user_id, actor_member_id, acting_agency_id, action,
                               entity_type, entity_ids, family_id, member_ids, categories, legal_basis, consent_ids)
      SELECT ${params.add(actor.requestId)}, ${params.add(actor.subject)}, ${params.add(actor.userId)}::uuid, ${params.add(actor.memberId)}::uuid,
             ${agency}::uuid, 'READ', r.audit_entity_type, array_agg(r.audit_entity_id ORDER BY r.audit_entity_id), r.audit_family_id,
             r.audit_member_ids, ${union('r.audit_categories')}, r.audit_basis, ${union('r.audit_consent_ids')}
        FROM (SELECT a.*, CASE WHEN a.audit_basis = 'CONSENT' THEN ARRAY(
                SELECT cg.consent_id FROM consent_grant cg WHERE cardinality(a.audit_member_ids) = 0
                   AND cg.family_id = a.audit_family_id AND cg.recipient_agency_id = ${agency}::uuid
                   AND cg.category = ANY(a.audit_consent_categories) AND ${GRANT_IN_FORCE}
                UNION ALL
                SELECT cg.consent_id FROM consent_grant cg WHERE cg.member_id = ANY(a.audit_member_ids)
                   AND cg.recipient_agency_id = ${agency}::uuid
                   AND cg.category = ANY(a.audit_consent_categories) AND ${GRANT_IN_FORCE}) ELSE '{}' END AS audit_consent_ids
                FROM (${rows}) a) r
       GROUP BY r.audit_entity_type, r.audit_family_id, r.audit_member_ids, r.audit_basis
    )`;
}

// ---- the reads --------------------------------------------------------------------------------------------

/**
 * `plan(id) { id status summary supporter { user { id displayName } } participants { contribution agency { id name } }
 * goals { id description lifeDomain status actions { id title status dueDate } } }`: the plan, its goals and their
 * actions each under their read rule and audited (Plan, Goal, Action); the team (supporter, participants) is part
 * of the plan, read with it unaudited (as PlanTeamService reads it through the Plan rule).
 */
export function planRead(caller: Caller, id: string | null): Statement {
  const params = new PositionalParams();
  const planId = params.add(id);
  const text = `WITH plan_row AS MATERIALIZED (
      SELECT p.id, p.status, p.summary, ${auditColumns(caller, 'Plan', params)}
        FROM ${fromClause('Plan')} WHERE p.id = ${planId}::uuid AND ${allowed(caller, 'read', 'Plan', params)}),
    goal_rows AS MATERIALIZED (
      SELECT g.id, g.plan_id, g.description, g.life_domain, g.status, ${auditColumns(caller, 'Goal', params)}
        FROM ${fromClause('Goal')} WHERE g.plan_id IN (SELECT id FROM plan_row) AND ${allowed(caller, 'read', 'Goal', params)}),
    action_rows AS MATERIALIZED (
      SELECT a.id, a.goal_id, a.title, a.status, a.due_date, ${auditColumns(caller, 'Action', params)}
        FROM ${fromClause('Action')} WHERE a.goal_id IN (SELECT id FROM goal_rows) AND ${allowed(caller, 'read', 'Action', params)}),
    ${auditInsert(caller, params, { Plan: 'plan_row', Goal: 'goal_rows', Action: 'action_rows' })}
    SELECT json_build_object('id', pr.id, 'status', pr.status, 'summary', pr.summary,
      'supporter', (SELECT json_build_object('user', json_build_object('id', u.id, 'displayName', u.display_name))
                      FROM trajectory_supporter s JOIN app_user u ON u.id = s.user_id WHERE s.plan_id = pr.id AND s.state = 'CURRENT' LIMIT 1),
      'participants', coalesce((SELECT json_agg(json_build_object('contribution', pp.contribution, 'agency', json_build_object('id', ag.id, 'name', ag.name)) ORDER BY pp.id)
                                  FROM plan_participant pp JOIN agency ag ON ag.id = pp.agency_id WHERE pp.plan_id = pr.id AND pp.removed_at IS NULL), '[]'),
      'goals', coalesce((SELECT json_agg(json_build_object('id', gr.id, 'description', gr.description, 'lifeDomain', gr.life_domain, 'status', gr.status,
          'actions', coalesce((SELECT json_agg(json_build_object('id', ar.id, 'title', ar.title, 'status', ar.status, 'dueDate', ar.due_date) ORDER BY ar.id)
                                 FROM action_rows ar WHERE ar.goal_id = gr.id), '[]')) ORDER BY gr.id)
                           FROM goal_rows gr), '[]')) AS data
      FROM plan_row pr`;
  return named(text, params.list);
}

/**
 * `families(first) { edges { node { id members { id givenName familyName birthDate } } } pageInfo { hasNextPage endCursor } }`:
 * the families of the Family rule (not personal: unaudited), and the members of the page's families under the
 * FamilyMember rule, audited.
 */
export function familiesRead(caller: Caller, first: number): Statement {
  const params = new PositionalParams();
  const size = params.add(first);
  const text = `WITH fetched AS MATERIALIZED (
      SELECT f.id FROM ${fromClause('Family')} WHERE ${allowed(caller, 'read', 'Family', params)} ORDER BY f.id LIMIT ${size}::int + 1),
    page AS MATERIALIZED (SELECT id FROM fetched ORDER BY id LIMIT ${size}::int),
    member_rows AS MATERIALIZED (
      SELECT fm.id, fm.family_id, fm.given_name, fm.family_name, fm.birth_date, ${auditColumns(caller, 'FamilyMember', params)}
        FROM ${fromClause('FamilyMember')} WHERE fm.family_id IN (SELECT id FROM page) AND ${allowed(caller, 'read', 'FamilyMember', params)}),
    ${auditInsert(caller, params, { FamilyMember: 'member_rows' })}
    SELECT json_build_object(
      'edges', coalesce((SELECT json_agg(json_build_object('node', json_build_object('id', pg.id,
          'members', coalesce((SELECT json_agg(json_build_object('id', m.id, 'givenName', m.given_name, 'familyName', m.family_name, 'birthDate', m.birth_date) ORDER BY m.id)
                                 FROM member_rows m WHERE m.family_id = pg.id), '[]'))) ORDER BY pg.id) FROM page pg), '[]'),
      'pageInfo', json_build_object('hasNextPage', (SELECT count(*) FROM fetched) > ${size}::int,
                                    'endCursor', (SELECT ${idCursor('max(pg.id::text)')} FROM page pg))) AS data`;
  return named(text, params.list);
}

/**
 * `referrals(direction: INCOMING, overdue: true, first) { edges { node { id status version dueAt urgency } } pageInfo { hasNextPage } }`:
 * the referrals sent to the acting agency and overdue, under the Referral rule, audited with the details right
 * decided per row (what the reader does for a right decided with the record).
 */
export function incomingOverdueRead(caller: Caller, first: number): Statement {
  const params = new PositionalParams();
  const size = params.add(first);
  const agency = params.add(caller.principal.acting?.agencyId ?? null);
  const text = `WITH fetched AS MATERIALIZED (
      SELECT r.id, r.status, r.version, r.due_at, r.urgency, ${auditColumns(caller, 'Referral', params, 'readDetails')}
        FROM ${fromClause('Referral')}
       WHERE r.to_agency_id = ${agency}::uuid AND r.sent_at IS NOT NULL AND ${overdueSql('r')} AND ${allowed(caller, 'read', 'Referral', params)}
       ORDER BY r.id LIMIT ${size}::int + 1),
    page AS MATERIALIZED (SELECT * FROM fetched ORDER BY id LIMIT ${size}::int),
    ${auditInsert(caller, params, { Referral: 'page' })}
    SELECT json_build_object(
      'edges', coalesce((SELECT json_agg(json_build_object('node', json_build_object('id', pg.id, 'status', pg.status, 'version', pg.version,
          'dueAt', ${isoTime('pg.due_at')}, 'urgency', pg.urgency)) ORDER BY pg.id) FROM page pg), '[]'),
      'pageInfo', json_build_object('hasNextPage', (SELECT count(*) FROM fetched) > ${size}::int)) AS data`;
  return named(text, params.list);
}

/**
 * `accessLog(familyId, first) { edges { node { id action entityType at categories legalBasis } } }`: NOT_FOUND (null)
 * unless the caller may read the family; its entries under the AuditEvent rule, newest first, without the
 * viewer's own reads. Reads audit entries, no personal record: nothing audited (as the service).
 */
export function accessLogRead(caller: Caller, familyId: string | null, first: number): Statement {
  const params = new PositionalParams();
  const family = params.add(familyId);
  const viewer = params.add(caller.principal.familyMember?.memberId ?? null);
  const text = `WITH readable AS (SELECT f.id FROM ${fromClause('Family')} WHERE f.id = ${family}::uuid AND ${allowed(caller, 'read', 'Family', params)})
    SELECT CASE WHEN EXISTS (SELECT 1 FROM readable) THEN json_build_object('edges', coalesce((
      SELECT json_agg(json_build_object('node', json_build_object('id', e.seq::text, 'action', e.action, 'entityType', e.entity_type,
          'at', ${isoTime('e.at')}, 'categories', e.categories, 'legalBasis', e.legal_basis)) ORDER BY e.seq DESC)
        FROM (SELECT ae.* FROM audit_event ae
               WHERE ae.family_id IN (SELECT id FROM readable) AND ${allowed(caller, 'read', 'AuditEvent', params)}
                 AND NOT (ae.action = 'READ' AND ${viewer}::uuid IS NOT NULL AND ae.actor_member_id IS NOT DISTINCT FROM ${viewer}::uuid)
               ORDER BY ae.seq DESC LIMIT ${params.add(first)}::int) e), '[]')) END AS data`;
  return named(text, params.list);
}

/**
 * `networkInsight(networkId) { activePlans { value suppressed } activePlansPerLifeDomain { lifeDomain plans { value } }
 * referralsSent { value } referralFlows { fromAgency { id } toAgency { id } status referrals { value } }
 * referralMedianHours { toReceive { hours } toDecide { hours } toHandOver { hours } } overdueReferrals { value }
 * overdueReferralsByReceivingAgency { toAgency { id } status referrals { value } } consentsRevoked { value } }`:
 * NULL (NOT_FOUND) unless the caller may read the network's insights; the insight's own five statements
 * (network-insight.queries.ts, embedded as they are: $1 network, $2 and $3 the period), small counts suppressed
 * as small-counts.ts does, and the aggregate read recorded as PersonalReader.recordAggregateRead does. One
 * statement is one snapshot, as the service's REPEATABLE READ transaction.
 */
export function networkInsightRead(caller: Caller, networkId: string | null, period: { from: Date; to: Date }): Statement {
  const params = new PositionalParams();
  params.add(networkId);
  params.add(period.from);
  params.add(period.to);
  const actor = auditActor(caller);
  const small = (n: string) => `(${n} > 0 AND ${n} < ${SMALLEST_SHOWN})`;
  const value = (n: string) => `CASE WHEN ${small(n)} THEN NULL ELSE ${n} END`;
  // A table's total shows only when none of its cells is suppressed (suppressTable).
  const total = (cells: string) => `(SELECT CASE WHEN bool_or(${small('t.count')}) THEN NULL ELSE ${value('coalesce(sum(t.count), 0)')} END FROM ${cells} t)`;
  const hours = (n: string, median: string) => `json_build_object('hours', CASE WHEN ${small(`coalesce(h.${n}, 0)`)} THEN NULL ELSE h.${median} END)`;
  const text = `WITH readable AS (SELECT n.id FROM ${fromClause('Network')} WHERE n.id = $1::uuid AND ${allowed(caller, 'readInsights', 'Network', params)}),
    recorded AS (
      INSERT INTO audit_event (request_id, actor_subject, actor_user_id, actor_member_id, acting_agency_id, action, entity_type, entity_id, legal_basis)
      SELECT ${params.add(actor.requestId)}, ${params.add(actor.subject)}, ${params.add(actor.userId)}::uuid, ${params.add(actor.memberId)}::uuid,
             ${params.add(actor.agencyId)}::uuid, 'READ_INSIGHT', 'Network', r.id, 'ADMINISTRATION' FROM readable r),
    plans AS (${ACTIVE_PLANS_SQL}),
    flows AS (${REFERRAL_FLOWS_SQL}),
    stage_hours AS (${REFERRAL_STAGE_HOURS_SQL}),
    overdue AS (${OVERDUE_REFERRALS_SQL}),
    revoked AS (${CONSENTS_REVOKED_SQL})
    SELECT CASE WHEN EXISTS (SELECT 1 FROM readable) THEN json_build_object(
      'activePlans', (SELECT json_build_object('value', ${value('a.n')}, 'suppressed', ${small('a.n')})
                        FROM (SELECT coalesce((SELECT count FROM plans WHERE life_domain IS NULL), 0) AS n) a),
      'activePlansPerLifeDomain', coalesce((SELECT json_agg(json_build_object('lifeDomain', p.life_domain, 'plans', json_build_object('value', ${value('p.count')}))
                                                  ORDER BY array_position(${params.add(Object.values(LifeDomain))}::text[], p.life_domain))
                                             FROM plans p WHERE p.life_domain IS NOT NULL), '[]'),
      'referralsSent', json_build_object('value', ${total('flows')}),
      'referralFlows', coalesce((SELECT json_agg(json_build_object('fromAgency', json_build_object('id', f.from_agency_id), 'toAgency', json_build_object('id', f.to_agency_id),
                                   'status', f.status, 'referrals', json_build_object('value', ${value('f.count')}))) FROM flows f), '[]'),
      'referralMedianHours', (SELECT json_build_object('toReceive', ${hours('received', 'to_receive')}, 'toDecide', ${hours('decided', 'to_decide')},
                                'toHandOver', ${hours('handed_over', 'to_hand_over')})
                                FROM (SELECT 1) one LEFT JOIN stage_hours h ON h.network_wide),
      'overdueReferrals', json_build_object('value', ${total('overdue')}),
      'overdueReferralsByReceivingAgency', coalesce((SELECT json_agg(json_build_object('toAgency', json_build_object('id', o.to_agency_id), 'status', o.status,
                                           'referrals', json_build_object('value', ${value('o.count')}))) FROM overdue o), '[]'),
      'consentsRevoked', json_build_object('value', ${total('revoked')})) END AS data`;
  return named(text, params.list);
}

// ---- the writes -------------------------------------------------------------------------------------------

/** Why an `addAction` wrote nothing, in the order the service checks (ActionsService.add); OK when it wrote. */
export type AddActionOutcome = 'OK' | 'NOT_FOUND' | 'FORBIDDEN' | 'PLAN_CLOSED' | 'GOAL_FINAL' | 'ASSIGNEE_NOT_ON_TEAM';

/**
 * `addAction` for a team member as one statement, to run in a transaction whose actor is set for the audit
 * triggers: the goal read under the Goal rule and locked, the plan share-locked, the Action create rule on the
 * goal (the policy's SQL, where the service checks the same rule on the goal's attributes), the plan open, the
 * goal not final, the assignee on the family's team; then the action and its plan-history entry. Answers the
 * outcome (AddActionOutcome).
 */
export function addActionWrite(caller: Caller, input: { goalId: string | null; title: string; assigneeUserId: string; dueDate: string | null }, ids: { action: string; history: string }): Statement {
  const params = new PositionalParams();
  const goal = params.add(input.goalId);
  const assignee = params.add(input.assigneeUserId);
  const user = params.add(caller.principal.userId);
  const text = `WITH goal_row AS MATERIALIZED (
      SELECT g.id, g.status, p.id AS plan_id, p.status AS plan_status, ${allowed(caller, 'create', 'Action', params)} AS may_create,
             ${subjectSql('Goal').relations.teamUserIds!.contains(`${assignee}::uuid`)} AS assignee_on_team
        FROM ${fromClause('Goal')} WHERE g.id = ${goal}::uuid AND ${allowed(caller, 'read', 'Goal', params)}
         FOR UPDATE OF g FOR SHARE OF p),
    inserted AS (
      INSERT INTO action (id, goal_id, title, assignee_user_id, assignee_member_id, due_date, status, completed_at, created_by_user_id)
      SELECT ${params.add(ids.action)}::uuid, gr.id, ${params.add(input.title.trim())}, ${assignee}::uuid, NULL, ${params.add(input.dueDate)}::date, 'OPEN', NULL, ${user}::uuid
        FROM goal_row gr WHERE gr.may_create AND gr.plan_status <> 'CLOSED' AND gr.status NOT IN ('ACHIEVED', 'DISCONTINUED') AND gr.assignee_on_team
      RETURNING id, goal_id, title, assignee_user_id, assignee_member_id, due_date),
    history AS (
      INSERT INTO plan_history (id, plan_id, actor_user_id, acting_agency_id, entity_type, entity_id, change, details, at)
      SELECT ${params.add(ids.history)}::uuid, gr.plan_id, ${user}::uuid, ${params.add(caller.principal.acting?.agencyId ?? null)}::uuid, 'Action', i.id, 'ACTION_ADDED',
             jsonb_build_object('goalId', i.goal_id, 'title', i.title, 'assigneeUserId', i.assignee_user_id, 'assigneeMemberId', i.assignee_member_id, 'dueDate', i.due_date),
             now()
        FROM inserted i, goal_row gr)
    SELECT CASE WHEN gr.id IS NULL THEN 'NOT_FOUND' WHEN NOT gr.may_create THEN 'FORBIDDEN' WHEN gr.plan_status = 'CLOSED' THEN 'PLAN_CLOSED'
                WHEN gr.status IN ('ACHIEVED', 'DISCONTINUED') THEN 'GOAL_FINAL' WHEN NOT gr.assignee_on_team THEN 'ASSIGNEE_NOT_ON_TEAM' ELSE 'OK' END AS outcome,
           gr.status
      FROM (SELECT 1) one LEFT JOIN goal_row gr ON TRUE`;
  return named(text, params.list);
}
