/**
 * How each authorization subject maps onto SQL: the alias and joins its predicates need, the columns
 * behind its fields, and its relation fields (sets such as "the users on the family's team") as both
 * an EXISTS predicate (for filtering) and an array (for checking one loaded row in memory).
 * Rules in ability.factory.ts may use exactly these fields.
 */
export type SubjectName =
  | 'Network'
  | 'Agency'
  | 'Membership'
  | 'CaseAssignment'
  | 'Family'
  | 'Plan'
  | 'Goal'
  | 'Action'
  | 'Note';

export interface RelationField {
  /** SQL that is true when the value behind `valueSql` is in the set. */
  contains(valueSql: string): string;
  /** SQL yielding the whole set as an array. */
  array: string;
}

export interface SubjectSql {
  table: string;
  alias: string;
  joins: { table: string; alias: string; on: string }[];
  fields: Record<string, string>;
  relations: Record<string, RelationField>;
}

/** The users with need-to-know on a family: assigned caseworkers/volunteers and the supporters of its open plan. */
function familyTeam(familyId: string): RelationField {
  const assigned = `SELECT ca.user_id FROM case_assignment ca WHERE ca.family_id = ${familyId} AND ca.ended_at IS NULL`;
  const supporting = `SELECT ts.user_id FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
    WHERE tp.family_id = ${familyId} AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED'`;
  return {
    contains: (v) => `(EXISTS (${assigned} AND ca.user_id = ${v}) OR EXISTS (${supporting} AND ts.user_id = ${v}))`,
    array: `ARRAY(${assigned} UNION ${supporting})`,
  };
}

/** Agencies already working with a family: by a case assignment or on its open plan's team. */
function familyAgencies(familyId: string): RelationField {
  const assigned = `SELECT ia.agency_id FROM case_assignment ia WHERE ia.family_id = ${familyId} AND ia.ended_at IS NULL`;
  const onTeam = `SELECT pp.agency_id FROM plan_participant pp JOIN plan ip ON ip.id = pp.plan_id
    WHERE ip.family_id = ${familyId} AND ip.status <> 'CLOSED' AND pp.removed_at IS NULL`;
  return {
    contains: (v) => `(EXISTS (${assigned} AND ia.agency_id = ${v}) OR EXISTS (${onTeam} AND pp.agency_id = ${v}))`,
    array: `ARRAY(${assigned} UNION ${onTeam})`,
  };
}

function planSupporters(planId: string, state: 'CURRENT' | 'INCOMING'): RelationField {
  const base = `SELECT s.user_id FROM trajectory_supporter s WHERE s.plan_id = ${planId} AND s.state = '${state}'`;
  return { contains: (v) => `EXISTS (${base} AND s.user_id = ${v})`, array: `ARRAY(${base})` };
}

const familyScoped = (familyId: string) => ({
  networkId: 'f.network_id',
  familyId,
});

const planJoins = (planId: string) => [
  { table: 'plan', alias: 'p', on: `p.id = ${planId}` },
  { table: 'family', alias: 'f', on: 'f.id = p.family_id' },
];

export const SUBJECTS: Record<SubjectName, SubjectSql> = {
  Network: { table: 'network', alias: 'n', joins: [], fields: { id: 'n.id' }, relations: {} },
  Agency: {
    table: 'agency',
    alias: 'ag',
    joins: [],
    fields: { id: 'ag.id', networkId: 'ag.network_id' },
    relations: {},
  },
  Membership: {
    table: 'membership',
    alias: 'm',
    joins: [{ table: 'agency', alias: 'ma', on: 'ma.id = m.agency_id' }],
    fields: { id: 'm.id', agencyId: 'm.agency_id', networkId: 'ma.network_id', role: 'm.role' },
    relations: {},
  },
  CaseAssignment: {
    table: 'case_assignment',
    alias: 'c',
    joins: [{ table: 'family', alias: 'f', on: 'f.id = c.family_id' }],
    fields: { id: 'c.id', agencyId: 'c.agency_id', ...familyScoped('c.family_id') },
    relations: { familyAgencyIds: familyAgencies('c.family_id'), teamUserIds: familyTeam('c.family_id') },
  },
  Family: {
    table: 'family',
    alias: 'f',
    joins: [],
    fields: { id: 'f.id', ...familyScoped('f.id') },
    relations: { teamUserIds: familyTeam('f.id'), familyAgencyIds: familyAgencies('f.id') },
  },
  Plan: {
    table: 'plan',
    alias: 'p',
    joins: [{ table: 'family', alias: 'f', on: 'f.id = p.family_id' }],
    fields: {
      id: 'p.id',
      status: 'p.status',
      ...familyScoped('p.family_id'),
      hasSupporter: `EXISTS (SELECT 1 FROM trajectory_supporter hs WHERE hs.plan_id = p.id AND hs.state = 'CURRENT')`,
    },
    relations: {
      teamUserIds: familyTeam('p.family_id'),
      supporterUserIds: planSupporters('p.id', 'CURRENT'),
      incomingSupporterUserIds: planSupporters('p.id', 'INCOMING'),
    },
  },
  Goal: {
    table: 'goal',
    alias: 'g',
    joins: planJoins('g.plan_id'),
    fields: { id: 'g.id', planId: 'g.plan_id', status: 'g.status', ...familyScoped('p.family_id') },
    relations: { teamUserIds: familyTeam('p.family_id') },
  },
  Action: {
    table: 'action',
    alias: 'a',
    joins: [{ table: 'goal', alias: 'g', on: 'g.id = a.goal_id' }, ...planJoins('g.plan_id')],
    fields: {
      id: 'a.id',
      goalId: 'a.goal_id',
      status: 'a.status',
      assigneeUserId: 'a.assignee_user_id',
      ...familyScoped('p.family_id'),
    },
    relations: { teamUserIds: familyTeam('p.family_id') },
  },
  Note: {
    table: 'note',
    alias: 'nt',
    joins: planJoins('nt.plan_id'),
    fields: {
      id: 'nt.id',
      category: 'nt.category',
      authorUserId: 'nt.author_user_id',
      ...familyScoped('p.family_id'),
    },
    relations: { teamUserIds: familyTeam('p.family_id') },
  },
};
