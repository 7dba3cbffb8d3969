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
import { auditColumnsSql, levelsAuditSource, readAuditSql } from '../../src/audit/read-audit.js';
import type { PolicyAction } from '../../src/policy/ability.factory.js';
import { scopeToSql, SqlParams } from '../../src/policy/sql-scope.js';
import { fromClause, type PersonalSubject, type SubjectName, subjectSql } from '../../src/policy/subjects.js';
import { LifeDomain } from '../../src/goals/life-domain.js';
import {
  ACTIVE_PLANS_SQL,
  CONSENTS_REVOKED_SQL,
  DIRECTORY_SERVICE_REFERRALS_SQL,
  OVERDUE_REFERRALS_SQL,
  REFERRAL_FLOWS_SQL,
  REFERRAL_STAGE_HOURS_SQL,
} from '../../src/insights/network-insight.queries.js';
import { SMALLEST_SHOWN } from '../../src/insights/small-counts.js';
import { accessLogLines } from '../../src/portal/access-log.service.js';
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

/**
 * A named statement: `pg` prepares it once per connection (its name is its text's digest). The parameters its
 * text does not reference (a subject's audit columns without an author or a break-glass relation leave theirs
 * out) are dropped and the others numbered anew, since PostgreSQL cannot type an unreferenced one.
 */
export function named(text: string, values: unknown[]): Statement {
  const kept: number[] = [];
  const renumbered = text.replace(/\$(\d+)\b/g, (_match, n: string) => {
    const index = Number(n) - 1;
    if (!kept.includes(index)) kept.push(index);
    return `$${kept.indexOf(index) + 1}`;
  });
  return {
    name: `limit_${createHash('sha256').update(renumbered).digest('hex').slice(0, 24)}`,
    text: renumbered,
    values: kept.map((index) => values[index]),
  };
}

/** `ability.can(action, row)` for the rows of `subject` under its aliases, as the service filters them. */
const allowed = (caller: Caller, action: PolicyAction, subject: SubjectName, params: PositionalParams) => scopeToSql(caller.ability, action, subject, params);

/** JSON of a timestamp as the service's DateTime scalar writes it (`Date.toISOString`: UTC, milliseconds). */
const isoTime = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The service's list cursor of an id (common/pagination.ts: base64url of `id:<uuid>`). */
const idCursor = (id: string) => `translate(encode(convert_to('id:' || ${id}, 'UTF8'), 'base64'), '+/=', '-_')`;

// ---- the read audit: the reader's own SQL (src/audit/read-audit.ts) ------------------------------------------

/**
 * The audit columns of a row of `subject` (its aliases in scope) as the PersonalReader selects them, and its
 * place in the reader's order (by id, as it reads lists and groups). `contentRight`: a field-level right
 * decided with the record (a referral's details).
 */
function auditColumns(caller: Caller, subject: PersonalSubject, params: PositionalParams, contentRight?: PolicyAction): string {
  const alias = subjectSql(subject).alias;
  const columns = auditColumnsSql(caller, subject, params, { entityId: `${alias}.id`, contentRight });
  return [`row_number() OVER (ORDER BY ${alias}.id) AS audit_row`, ...Object.entries(columns).map(([name, sql]) => `(${sql}) AS ${name}`)].join(', ');
}

/**
 * The CTEs that record the rows of `levels` (each an entity type and a relation with the audit columns, in the
 * order read), as the reader records one statement (a compiled one for several levels): the reader's own SQL,
 * so that both write the same entries.
 */
function auditInsert(caller: Caller, params: PositionalParams, levels: [entityType: string, relation: string][]): string {
  const param = (value: unknown) => params.add(value);
  const source = levelsAuditSource(levels.map(([entityType, relation]) => ({ entityType, relation })), param);
  return readAuditSql(source, auditActor(caller), param);
}

// ---- the reads --------------------------------------------------------------------------------------------

/**
 * `plan(id) { id status summary supporter { user { id displayName } } participants { contribution agency { id name } }
 * goals { id description lifeDomain status actions { id title status dueDate } } }`: the plan, its goals and their
 * actions each under their read rule, audited together (Plan, Goal, Action: as the compiled plan(id)); the team
 * (supporter, participants) is part of the plan, read with it unaudited (as PlanTeamService reads it through the
 * Plan rule).
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
    ${auditInsert(caller, params, [['Plan', 'plan_row'], ['Goal', 'goal_rows'], ['Action', 'action_rows']])}
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
    ${auditInsert(caller, params, [['FamilyMember', 'member_rows']])}
    SELECT json_build_object(
      'edges', coalesce((SELECT json_agg(json_build_object('node', json_build_object('id', pg.id,
          'members', coalesce((SELECT json_agg(json_build_object('id', m.id, 'givenName', m.given_name, 'familyName', m.family_name, 'birthDate', m.birth_date) ORDER BY m.id)
                                 FROM member_rows m WHERE m.family_id = pg.id), '[]'))) ORDER BY pg.id) FROM page pg), '[]'),
      'pageInfo', json_build_object('hasNextPage', (SELECT count(*) FROM fetched) > ${size}::int,
                                    'endCursor', (SELECT ${idCursor('max(pg.id::text)')} FROM page pg))) AS data`;
  return named(text, params.list);
}

/**
 * `myFamily { me { id givenName familyName } family { id members { id givenName familyName birthDate } } }` for a
 * portal login: the member logged in under the FamilyMember rule, her family under the Family rule (NULL, the
 * service's NOT_FOUND, when not readable) and its members under the FamilyMember rule; both member levels
 * audited together, the member logged in first (as the compiled myFamily records its two roots).
 */
export function myFamilyRead(caller: Caller): Statement {
  const params = new PositionalParams();
  const own = caller.principal.familyMember;
  const memberId = params.add(own?.memberId ?? null);
  const familyId = params.add(own?.familyId ?? null);
  const member = (m: string) => `json_build_object('id', ${m}.id, 'givenName', ${m}.given_name, 'familyName', ${m}.family_name`;
  const text = `WITH me_row AS MATERIALIZED (
      SELECT fm.id, fm.given_name, fm.family_name, ${auditColumns(caller, 'FamilyMember', params)}
        FROM ${fromClause('FamilyMember')} WHERE fm.id = ${memberId}::uuid AND ${allowed(caller, 'read', 'FamilyMember', params)}),
    family_row AS MATERIALIZED (SELECT f.id FROM ${fromClause('Family')} WHERE f.id = ${familyId}::uuid AND ${allowed(caller, 'read', 'Family', params)}),
    member_rows AS MATERIALIZED (
      SELECT fm.id, fm.family_id, fm.given_name, fm.family_name, fm.birth_date, ${auditColumns(caller, 'FamilyMember', params)}
        FROM ${fromClause('FamilyMember')} WHERE fm.family_id IN (SELECT id FROM family_row) AND ${allowed(caller, 'read', 'FamilyMember', params)}),
    ${auditInsert(caller, params, [['FamilyMember', 'me_row'], ['FamilyMember', 'member_rows']])}
    SELECT json_build_object('me', (SELECT ${member('mr')}) FROM me_row mr),
      'family', json_build_object('id', fr.id, 'members', coalesce((SELECT json_agg(${member('m')}, 'birthDate', m.birth_date) ORDER BY m.id)
                                                                       FROM member_rows m), '[]'))) AS data
      FROM family_row fr`;
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
    ${auditInsert(caller, params, [['Referral', 'page']])}
    SELECT json_build_object(
      'edges', coalesce((SELECT json_agg(json_build_object('node', json_build_object('id', pg.id, 'status', pg.status, 'version', pg.version,
          'dueAt', ${isoTime('pg.due_at')}, 'urgency', pg.urgency)) ORDER BY pg.id) FROM page pg), '[]'),
      'pageInfo', json_build_object('hasNextPage', (SELECT count(*) FROM fetched) > ${size}::int)) AS data`;
  return named(text, params.list);
}

/**
 * `accessLog(familyId, first) { edges { node { id action entityType at categories legalBasis } } }`: NOT_FOUND (null)
 * unless the caller may read the family; the lines of its log (an entry, or each part of one: the service's own
 * accessLogLines, with the registrations merged into it) under the AuditEvent rule, newest first, without the viewer's own reads. Reads audit entries,
 * no personal record: nothing audited (as the service).
 */
export function accessLogRead(caller: Caller, familyId: string | null, first: number): Statement {
  const params = new PositionalParams();
  const family = params.add(familyId);
  const viewer = params.add(caller.principal.familyMember?.memberId ?? null);
  const size = params.add(first);
  // The family's own lines and those of the registrations merged into it (apart, as the service reads them).
  const lines = (registrations: 'own' | 'merged') => `SELECT ae.* FROM (${accessLogLines(`${family}::uuid`, registrations)}) ae
               WHERE ${allowed(caller, 'read', 'AuditEvent', params)}
                 AND NOT (ae.action = 'READ' AND ${viewer}::uuid IS NOT NULL AND ae.actor_member_id IS NOT DISTINCT FROM ${viewer}::uuid)`;
  const text = `WITH readable AS (SELECT f.id FROM ${fromClause('Family')} WHERE f.id = ${family}::uuid AND ${allowed(caller, 'read', 'Family', params)}),
    merged AS MATERIALIZED (${lines('merged')})
    SELECT CASE WHEN EXISTS (SELECT 1 FROM readable) THEN json_build_object('edges', coalesce((
      SELECT json_agg(json_build_object('node', json_build_object('id', CASE WHEN e.part = 0 THEN e.seq::text ELSE e.seq || '.' || e.part END,
          'action', e.action, 'entityType', e.entity_type, 'at', ${isoTime('e.at')}, 'categories', e.categories, 'legalBasis', e.legal_basis))
          ORDER BY e.seq DESC, e.part)
        FROM (SELECT * FROM ((${lines('own')} ORDER BY ae.seq DESC, ae.part LIMIT ${size}::int) UNION ALL SELECT * FROM merged) lines
               ORDER BY seq DESC, part LIMIT ${size}::int) e), '[]')) END AS data`;
  return named(text, params.list);
}

/**
 * `networkInsight(networkId) { activePlans { value suppressed } activePlansPerLifeDomain { lifeDomain plans { value } }
 * referralsSent { value } referralFlows { fromAgency { id } toAgency { id } status referrals { value } }
 * referralMedianHours { toReceive { hours } toDecide { hours } toHandOver { hours } } overdueReferrals { value }
 * overdueReferralsByReceivingAgency { toAgency { id } status referrals { value } } consentsRevoked { value } }`:
 * NULL (NOT_FOUND) unless the caller may read the network's insights; the insight's own statements
 * (network-insight.queries.ts, embedded as they are: $1 network, $2 and $3 the period), small counts suppressed
 * as small-counts.ts does (referralsSent withheld also when a directory service the flows name is), and the aggregate read recorded as PersonalReader.recordAggregateRead does. One
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
    revoked AS (${CONSENTS_REVOKED_SQL}),
    services AS (${DIRECTORY_SERVICE_REFERRALS_SQL})
    SELECT CASE WHEN EXISTS (SELECT 1 FROM readable) THEN json_build_object(
      'activePlans', (SELECT json_build_object('value', ${value('a.n')}, 'suppressed', ${small('a.n')})
                        FROM (SELECT coalesce((SELECT count FROM plans WHERE life_domain IS NULL), 0) AS n) a),
      'activePlansPerLifeDomain', coalesce((SELECT json_agg(json_build_object('lifeDomain', p.life_domain, 'plans', json_build_object('value', ${value('p.count')}))
                                                  ORDER BY array_position(${params.add(Object.values(LifeDomain))}::text[], p.life_domain))
                                             FROM plans p WHERE p.life_domain IS NOT NULL), '[]'),
      'referralsSent', json_build_object('value', CASE WHEN EXISTS (SELECT 1 FROM services s WHERE NOT s.logged AND ${small('s.count')}) THEN NULL ELSE ${total('flows')} END),
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

/** The subjects of inbox items, as the service's InboxService filters them: personal (read audited) and open. */
const INBOX_PERSONAL: PersonalSubject[] = ['Referral', 'Consent', 'Plan', 'Goal', 'Action', 'FamilyMember'];
const INBOX_OPEN: SubjectName[] = ['BreakGlassGrant', 'Family', 'Agency', 'IntegrationClient'];

/** The field-level right a subject's reader decides with the record (PersonalReader.read), if it has one. */
const contentRightOf = (subject: PersonalSubject) =>
  Object.entries(subjectSql(subject).fieldRights ?? {}).find(([, declared]) => declared.decided === 'withRecord')?.[0] as PolicyAction | undefined;

/**
 * `inbox(first) { edges { node { id kind occurredAt read text about { type id } family { id } } } pageInfo { hasNextPage endCursor } }`:
 * the caller's items (as a user of the acting agency, or as a portal member) whose record it may read now,
 * newest first; the page's items about personal records audited as InboxItem parts of those records, one
 * entry per family, each kind of record a level in that order (as the service's one readAuditSql over them);
 * `family` when the caller may read the family. Each node also carries the item's `params`: its `text` is rendered from them in Node (`inboxTexts`), as the
 * service renders it (inboxText), not in SQL.
 */
export function inboxRead(caller: Caller, first: number): Statement {
  const params = new PositionalParams();
  const size = params.add(first);
  const member = caller.principal.familyMember?.memberId;
  const recipient = member
    ? `ii.recipient_member_id = ${params.add(member)}::uuid`
    : `ii.recipient_user_id = ${params.add(caller.principal.userId)}::uuid AND ii.recipient_agency_id = ${params.add(caller.principal.acting?.agencyId ?? null)}::uuid`;
  const readable = (subject: SubjectName) =>
    `(ii.subject_type = ${params.add(subject)}::text AND EXISTS (SELECT 1 FROM ${fromClause(subject)} WHERE ${subjectSql(subject).alias}.id = ii.subject_id
      AND ${allowed(caller, 'read', subject, params)}))`;
  const visible = [...INBOX_PERSONAL, ...INBOX_OPEN].map(readable).join('\n         OR ');
  const levels = INBOX_PERSONAL.map((subject, i) => {
    const columns = auditColumnsSql(caller, subject, params, { entityId: 'ii.id', contentRight: contentRightOf(subject) });
    const selected = Object.entries(columns).map(([name, sql]) => `(${sql}) AS ${name}`).join(', ');
    return { name: `inbox_read_${i}`, relation: `SELECT row_number() OVER (ORDER BY ii.id) AS audit_row, ${selected}
        FROM page ii, ${fromClause(subject)} WHERE ii.subject_type = ${params.add(subject)}::text AND ${subjectSql(subject).alias}.id = ii.subject_id` };
  });
  const param = (value: unknown) => params.add(value);
  const audits = [
    ...levels.map(({ name, relation }) => `${name} AS MATERIALIZED (${relation})`),
    readAuditSql(levelsAuditSource(levels.map(({ name }) => ({ entityType: 'InboxItem', relation: name })), param), auditActor(caller), param),
  ];
  const text = `WITH fetched AS MATERIALIZED (
      SELECT ii.id, ii.kind, ii.occurred_at, ii.read_at, ii.params, ii.subject_type, ii.subject_id, ii.family_id FROM inbox_item ii
       WHERE ${recipient} AND (${visible})
       ORDER BY ii.id DESC LIMIT ${size}::int + 1),
    page AS MATERIALIZED (SELECT * FROM fetched ORDER BY id DESC LIMIT ${size}::int),
    ${audits.join(',\n    ')}
    SELECT json_build_object(
      'edges', coalesce((SELECT json_agg(json_build_object('node', json_build_object('id', pg.id, 'kind', pg.kind, 'occurredAt', ${isoTime('pg.occurred_at')},
          'read', pg.read_at IS NOT NULL, 'params', pg.params, 'about', json_build_object('type', pg.subject_type, 'id', pg.subject_id),
          'family', CASE WHEN EXISTS (SELECT 1 FROM ${fromClause('Family')} WHERE f.id = pg.family_id AND ${allowed(caller, 'read', 'Family', params)})
                         THEN json_build_object('id', pg.family_id) END)) ORDER BY pg.id DESC) FROM page pg), '[]'),
      'pageInfo', json_build_object('hasNextPage', (SELECT count(*) FROM fetched) > ${size}::int,
                                    'endCursor', (SELECT ${idCursor('min(pg.id::text)')} FROM page pg))) AS data`;
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

/** Why a `rescheduleHandover` wrote nothing, in the order the service checks (ReferralsService.step); OK when it wrote. */
export type RescheduleOutcome = 'OK' | 'NOT_FOUND' | 'FORBIDDEN' | 'STALE_VERSION' | 'NOT_SCHEDULED' | 'EXTERNAL' | 'BAD_INPUT';

export interface RescheduleInput {
  referralId: string | null;
  expectedVersion: number;
  startsAt: Date;
  location: string | null;
  onlineUrl: string | null;
  attendees: string[];
  /** Whether the input passed the checks the service makes in Node (a place, a time in the future): checked after the others, as the service does. */
  valid: boolean;
}

/**
 * `rescheduleHandover` as one statement, to run in a transaction whose actor is set for the audit triggers, doing
 * what ReferralsService.step and its effect do: the referral read under the Referral rule and locked (else
 * NOT_FOUND), the `refer` rule on it (the policy's SQL; else FORBIDDEN), the version (CONFLICT), the state
 * machine (HANDOVER_SCHEDULED, to an agency on the platform), the input; then the scheduled meeting ended as
 * RESCHEDULED and the new one written, the referral's version and time, its transition (with both meetings'
 * ids), its outbox event and notice, the inbox item of the referral's author (REFERRAL_STATUS_CHANGED, unless she
 * is the actor) and its notice, and the read-back of the referral audited as the service's reader audits it
 * (the details right decided with the record). The seed has no integration client, so no webhook delivery is
 * fanned out (the service's fan-out writes none either; the equivalence test counts them).
 */
export function rescheduleHandoverWrite(caller: Caller, input: RescheduleInput, ids: { meeting: string; transition: string; event: string; item: string }, now: Date): Statement {
  const params = new PositionalParams();
  const referral = params.add(input.referralId);
  const user = params.add(caller.principal.userId);
  const agency = params.add(caller.principal.acting?.agencyId ?? null);
  const at = params.add(now);
  // Locked apart: a window function (the audit's row order) cannot share a query with FOR UPDATE.
  const text = `WITH locked AS MATERIALIZED (
      SELECT r.id, r.version, r.status, r.to_agency_id, r.sent_at, ${allowed(caller, 'refer', 'Referral', params)} AS may_refer
        FROM ${fromClause('Referral')} WHERE r.id = ${referral}::uuid AND ${allowed(caller, 'read', 'Referral', params)}
         FOR UPDATE OF r),
    ref AS MATERIALIZED (
      SELECT l.*, ${auditColumns(caller, 'Referral', params, 'readDetails')} FROM locked l, ${fromClause('Referral')} WHERE r.id = l.id),
    outcome AS MATERIALIZED (
      SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM ref) THEN 'NOT_FOUND' WHEN NOT ref.may_refer THEN 'FORBIDDEN'
                  WHEN ref.version <> ${params.add(input.expectedVersion)}::int THEN 'STALE_VERSION' WHEN ref.status <> 'HANDOVER_SCHEDULED' THEN 'NOT_SCHEDULED'
                  WHEN ref.to_agency_id IS NULL THEN 'EXTERNAL' WHEN NOT ${params.add(input.valid)}::boolean THEN 'BAD_INPUT' ELSE 'OK' END AS outcome,
             ref.status
        FROM (SELECT 1) one LEFT JOIN ref ON TRUE),
    ok AS MATERIALIZED (SELECT ref.* FROM ref, outcome WHERE outcome.outcome = 'OK'),
    ended AS (
      UPDATE handover_meeting hm SET state = 'RESCHEDULED', ended_at = now(), bridge_figure_present = NULL
        FROM ok WHERE hm.referral_id = ok.id AND hm.state = 'SCHEDULED' RETURNING hm.id),
    meeting AS (
      INSERT INTO handover_meeting (id, referral_id, starts_at, location, online_url, attendees, state, created_by_user_id, created_at)
      SELECT ${params.add(ids.meeting)}::uuid, ok.id, ${params.add(input.startsAt)}::timestamptz, ${params.add(input.location)}::text, ${params.add(input.onlineUrl)}::text,
             ${params.add(input.attendees)}::text[], 'SCHEDULED', ${user}::uuid, ${at}::timestamptz FROM ok RETURNING id),
    updated AS (
      UPDATE referral SET version = ok.version + 1, updated_at = ${at}::timestamptz FROM ok WHERE referral.id = ok.id
      RETURNING referral.id, referral.version, referral.external_reference, referral.family_id, referral.created_by_user_id, referral.from_agency_id),
    transition AS (
      INSERT INTO referral_transition (id, referral_id, from_status, to_status, version, at, actor_user_id, actor_agency_id, reason, details)
      SELECT ${params.add(ids.transition)}::uuid, u.id, 'HANDOVER_SCHEDULED', 'HANDOVER_SCHEDULED', u.version, ${at}::timestamptz, ${user}::uuid, ${agency}::uuid, NULL,
             jsonb_build_object('previousMeetingId', (SELECT id FROM ended LIMIT 1), 'meetingId', (SELECT id FROM meeting))
        FROM updated u),
    event AS MATERIALIZED (
      SELECT u.id AS referral_id, u.version, json_build_object('id', ${params.add(ids.event)}::uuid, 'type', 'referral.status_changed', 'occurredAt', ${isoTime(`${at}::timestamptz`)},
               'data', json_build_object('referralId', u.id, 'externalReference', u.external_reference, 'from', 'HANDOVER_SCHEDULED', 'to', 'HANDOVER_SCHEDULED', 'version', u.version))::text AS body
        FROM updated u),
    outbox AS (
      INSERT INTO outbox_event (id, type, referral_id, version, occurred_at, body)
      SELECT ${params.add(ids.event)}::uuid, 'referral.status_changed', e.referral_id, e.version, ${at}::timestamptz, e.body FROM event e RETURNING id),
    told AS (
      INSERT INTO inbox_item (id, event_id, kind, recipient_user_id, recipient_agency_id, recipient_member_id, family_id, subject_type, subject_id, params, occurred_at)
      SELECT ${params.add(ids.item)}::uuid, ${params.add(ids.event)}::uuid, 'REFERRAL_STATUS_CHANGED', m.user_id, m.agency_id, NULL, u.family_id, 'Referral', u.id,
             '{"from":"HANDOVER_SCHEDULED","to":"HANDOVER_SCHEDULED"}', ${at}::timestamptz
        FROM updated u JOIN membership m ON m.user_id = u.created_by_user_id AND m.agency_id = u.from_agency_id
       WHERE m.user_id IS DISTINCT FROM ${user}::uuid
      ON CONFLICT DO NOTHING RETURNING id),
    ${auditInsert(caller, params, [['Referral', 'ok']])}
    SELECT o.outcome, o.status, (SELECT version FROM updated) AS version,
           (SELECT count(pg_notify('referral_status_changed', json_build_object('sent', ok.sent_at IS NOT NULL, 'body', e.body)::text)::text) FROM event e, ok) AS notified,
           (SELECT count(pg_notify('inbox_changed', json_build_object('eventId', ${params.add(ids.event)}::uuid)::text)::text) FROM (SELECT 1 FROM told LIMIT 1) t) AS told
      FROM outcome o`;
  return named(text, params.list);
}
