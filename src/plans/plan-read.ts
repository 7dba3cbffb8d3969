import type { NodeRead, TypeRead } from '../graphql/compiled-selection.js';

/*
 * `plan(id)` as a compiled read (audit/compiled-read.ts): the GraphQL fields of the plan and of what hangs
 * under it that are columns or levels read as the field resolvers read them — the same rows, order and
 * filters (PlansResolver, PlanGoalsResolver, GoalsResolver, ActionsResolver, the team's resolvers). A field
 * missing here (family, notes, history, agreedBy, a goal's members and progressNotes, an action's
 * assigneeMember) sends the request down the resolvers' path.
 */

export const dateTime = (column: string) => ({ dateTime: column });

/** A record by the id its parent row holds in `column` (null when that is null). */
export const byId = (table: string, type: TypeRead, column: string): NodeRead => ({
  from: { table },
  link: { column: 'id', parentColumn: column },
  one: true,
  type,
});

export const USER: TypeRead = { columns: { id: 'id', displayName: 'display_name' }, nodes: {} };

/** A supporter's work contact: columns of her user row (TrajectorySupporter.workContact). */
const WORK_CONTACT: TypeRead = { columns: { email: 'work_email', phone: 'work_phone', version: 'work_contact_version' }, nodes: {} };

export const AGENCY: TypeRead = {
  columns: { id: 'id', networkId: 'network_id', name: 'name', kind: 'kind', createdAt: dateTime('created_at') },
  nodes: {},
};

/** Plan.supporter and Plan.incomingSupporter: the plan's supporter in that state (PlanTeamService.supportersOf). */
const supporter = (state: 'CURRENT' | 'INCOMING'): NodeRead => ({
  from: { table: 'trajectory_supporter' },
  link: { column: 'plan_id', parentColumn: 'id', where: (s) => `${s}.state = '${state}'` },
  one: true,
  type: {
    columns: {
      id: 'id',
      state: 'state',
      startedAt: dateTime('started_at'),
      endedAt: dateTime('ended_at'),
      familyConfirmation: 'family_confirmation',
    },
    nodes: {
      user: () => byId('app_user', USER, 'user_id'),
      workContact: () => byId('app_user', WORK_CONTACT, 'user_id'),
      agency: () => byId('agency', AGENCY, 'agency_id'),
    },
  },
});

const PARTICIPANTS: NodeRead = {
  from: { table: 'plan_participant' },
  link: { column: 'plan_id', parentColumn: 'id', where: (pp) => `${pp}.removed_at IS NULL` },
  one: false,
  type: {
    columns: { id: 'id', contribution: 'contribution', addedAt: dateTime('added_at'), removedAt: dateTime('removed_at') },
    nodes: { agency: () => byId('agency', AGENCY, 'agency_id') },
  },
};

const ACTIONS: NodeRead = {
  from: { subject: 'Action' },
  link: { column: 'goal_id', parentColumn: 'id' },
  one: false,
  type: {
    columns: {
      id: 'id',
      goalId: 'goal_id',
      title: 'title',
      dueDate: 'due_date',
      status: 'status',
      completedAt: dateTime('completed_at'),
      createdAt: dateTime('created_at'),
    },
    nodes: { assigneeUser: () => byId('app_user', USER, 'assignee_user_id') },
  },
};

const GOALS: NodeRead = {
  from: { subject: 'Goal' },
  link: { column: 'plan_id', parentColumn: 'id' },
  one: false,
  type: {
    columns: {
      id: 'id',
      planId: 'plan_id',
      lifeDomain: 'life_domain',
      description: 'description',
      owner: 'owner_kind',
      status: 'status',
      version: 'version',
      transitionMemberId: 'transition_member_id',
      createdAt: dateTime('created_at'),
      updatedAt: dateTime('updated_at'),
    },
    nodes: { actions: () => ACTIONS, ownerAgency: () => byId('agency', AGENCY, 'owner_agency_id') },
  },
};

/** The root: the plan by id (the link is the reader's own, by id). */
export const PLAN_READ: NodeRead = {
  from: { subject: 'Plan' },
  link: { column: 'id', parentColumn: 'id' },
  one: true,
  type: {
    columns: {
      id: 'id',
      familyId: 'family_id',
      generation: 'generation',
      previousPlanId: 'previous_plan_id',
      status: 'status',
      summary: 'summary',
      strengths: 'strengths',
      closeReasonCode: 'close_reason_code',
      closeReason: 'close_reason',
      closedAt: dateTime('closed_at'),
      version: 'version',
      createdAt: dateTime('created_at'),
      updatedAt: dateTime('updated_at'),
    },
    nodes: {
      supporter: () => supporter('CURRENT'),
      incomingSupporter: () => supporter('INCOMING'),
      participants: () => PARTICIPANTS,
      goals: () => GOALS,
      closedBy: () => byId('app_user', USER, 'closed_by_user_id'),
    },
  },
};
