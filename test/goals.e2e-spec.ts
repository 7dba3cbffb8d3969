import {
  AddActionDetailsDocument,
  type AddActionInput,
  AddGoalDetailsDocument,
  type AddGoalInput,
  CancelActionDocument,
  CompleteActionDocument,
  type GoalStatus,
  PlanActionsAndNotesDocument,
  PlanGoalsAndHistoryDocument,
  UpdateGoalDetailsDocument,
} from './graphql/generated.js';
import { codeOf, type GraphQLResult, TestApi } from './support/test-app.js';
import { type Agency, parent, type PlanTeam, type PlanTeamActor as Actor, subjectOf, World } from './support/world.js';

/**
 * Goals and actions over GraphQL/HTTP: who may and who may not (with the exact error code), status
 * transitions, optimistic concurrency, validation, atomicity, history, and a bounded SQL count.
 */

/** A well-formed id that names nothing. */
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

type Code = 'OK' | 'FORBIDDEN' | 'NOT_FOUND';

interface GoalNode {
  id: string;
  status: string;
  version: number;
  description: string;
  actions: { id: string; status: string; assigneeUser: { id: string } | null; assigneeMember: { id: string } | null }[];
  progressNotes: { id: string }[];
}

interface HistoryNode {
  change: string;
  entityType: string;
  entityId: string;
  details: Record<string, unknown>;
}

/** The people around one family; the family, its plan and the volunteer's assignment are made per test. */
interface Team extends PlanTeam {
  /** An agency of the same network, to own goals. */
  sibling: Agency;
}

describe('goals and actions', () => {
  let api: TestApi;
  let world: World;
  let team: Team;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    const planTeam = await world.planTeam();
    team = { ...planTeam, sibling: await world.agency(planTeam.network, 'SCHOOL_GUIDANCE') };
  });
  afterAll(() => api.stop());

  /** A new family (registered by the caseworker, so assigned to it) with an open plan; the volunteer is assigned too. */
  const familyPlan = () =>
    world.teamFamilyWithPlan(team, {
      members: [parent('An', 'Peeters', '1990-01-01'), parent('Bart', 'Peeters', '1990-01-01')],
      summary: 'Wij willen rust in huis.',
    });

  const goalInput = (planId: string, extra: Partial<AddGoalInput> = {}): AddGoalInput => ({
    planId,
    lifeDomain: 'HOUSING',
    description: 'Een grotere woning vinden',
    owner: 'FAMILY',
    ...extra,
  });

  async function addGoal(planId: string, extra: Partial<AddGoalInput> = {}): Promise<string> {
    return (await api.ok(team.caseworker.subject, AddGoalDetailsDocument, { input: goalInput(planId, extra) })).addGoal.id;
  }

  async function addAction(goalId: string, extra: Partial<AddActionInput> = { assigneeUserId: team.caseworker.userId }) {
    return (await api.ok(team.caseworker.subject, AddActionDetailsDocument, { input: { goalId, title: 'Bellen met de woonmaatschappij', ...extra } }))
      .addAction.id as string;
  }

  /** The plan as its caseworker sees it: the ground truth for "what was written". */
  async function planOf(planId: string): Promise<{ goals: GoalNode[]; history: HistoryNode[] }> {
    const { plan } = await api.ok(team.caseworker.subject, PlanGoalsAndHistoryDocument, { id: planId });
    return { goals: plan.goals, history: plan.history.edges.map((e: { node: HistoryNode }) => e.node) };
  }

  const changesOf = async (planId: string) => (await planOf(planId)).history.map((h) => h.change);

  function expectError(result: GraphQLResult, code: string, extensions: Record<string, unknown> = {}) {
    expect(result.errors?.[0]?.extensions).toEqual(expect.objectContaining({ code, ...extensions }));
    expect(result.data ?? null).toBeNull();
  }

  // ---------------------------------------------------------------------------------------------
  describe('addGoal', () => {
    it.each<[Actor, Code]>([
      ['caseworker', 'OK'],
      ['volunteer', 'FORBIDDEN'],
      ['unassigned caseworker (same agency)', 'NOT_FOUND'],
      ['caseworker of another network', 'NOT_FOUND'],
      ['agency admin', 'FORBIDDEN'],
    ])('%s → %s', async (actor, expected) => {
      const { planId } = await familyPlan();
      const result = await api.gql(subjectOf(team, actor), AddGoalDetailsDocument, { input: goalInput(planId) });
      expect(codeOf(result)).toBe(expected);
      const { goals, history } = await planOf(planId);
      if (expected === 'OK') {
        expect(result.data!.addGoal).toEqual({
          id: expect.any(String),
          planId,
          lifeDomain: 'HOUSING',
          description: 'Een grotere woning vinden',
          owner: 'FAMILY',
          ownerAgency: null,
          status: 'PROPOSED',
          version: 1,
        });
        expect(goals.map((g) => g.id)).toEqual([result.data!.addGoal.id]);
        expect(history).toContainEqual(
          expect.objectContaining({ change: 'GOAL_ADDED', entityType: 'Goal', entityId: result.data!.addGoal.id }),
        );
      } else {
        expect(result.data ?? null).toBeNull();
        expect(goals).toEqual([]);
        expect(history.map((h) => h.change)).toEqual(['PLAN_OPENED']);
      }
    });

    it('lets an agency of the same network own a goal', async () => {
      const { planId } = await familyPlan();
      const { addGoal: goal } = await api.ok(team.caseworker.subject, AddGoalDetailsDocument, {
        input: goalInput(planId, { owner: 'AGENCY', ownerAgencyId: team.sibling.id }),
      });
      expect(goal).toEqual(expect.objectContaining({ owner: 'AGENCY', ownerAgency: { id: team.sibling.id } }));
    });

    it.each<[string, () => Partial<AddGoalInput>, string]>([
      ['an agency owner without ownerAgencyId', () => ({ owner: 'AGENCY' }), 'ownerAgencyId'],
      ['an owner agency of another network', () => ({ owner: 'AGENCY', ownerAgencyId: team.otherAgency.id }), 'ownerAgencyId'],
      ['an owner agency that does not exist', () => ({ owner: 'AGENCY', ownerAgencyId: NO_SUCH_ID }), 'ownerAgencyId'],
      ['a family goal with an owner agency', () => ({ owner: 'FAMILY', ownerAgencyId: team.sibling.id }), 'ownerAgencyId'],
      ['an ownerAgencyId that is no id', () => ({ owner: 'AGENCY', ownerAgencyId: 'not-an-id' }), 'ownerAgencyId'],
      ['a blank description', () => ({ description: '   ' }), 'description'],
      ['a description of 2001 characters', () => ({ description: 'x'.repeat(2001) }), 'description'],
    ])('refuses %s as BAD_USER_INPUT and writes nothing', async (_, extra, field) => {
      const { planId } = await familyPlan();
      const result = await api.gql(team.caseworker.subject, AddGoalDetailsDocument, { input: goalInput(planId, extra()) });
      expectError(result, 'BAD_USER_INPUT', { field });
      expect((await planOf(planId)).goals).toEqual([]);
      expect(await changesOf(planId)).toEqual(['PLAN_OPENED']);
    });

    it('refuses a goal on a closed plan as INVALID_TRANSITION', async () => {
      const { planId } = await familyPlan();
      await world.closePlan(team.caseworker, planId);
      expectError(await api.gql(team.caseworker.subject, AddGoalDetailsDocument, { input: goalInput(planId) }), 'INVALID_TRANSITION', {
        currentStatus: 'CLOSED',
      });
      expect((await planOf(planId)).goals).toEqual([]);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('updateGoal', () => {
    it.each<[Actor, Code]>([
      ['caseworker', 'OK'],
      ['volunteer', 'FORBIDDEN'],
      ['unassigned caseworker (same agency)', 'NOT_FOUND'],
      ['caseworker of another network', 'NOT_FOUND'],
      ['agency admin', 'FORBIDDEN'],
    ])('%s → %s', async (actor, expected) => {
      const { planId } = await familyPlan();
      const goalId = await addGoal(planId);
      const result = await api.gql(subjectOf(team, actor), UpdateGoalDetailsDocument, {
        input: { goalId, status: 'ACTIVE', progressNote: 'Inschrijving loopt' },
      });
      expect(codeOf(result)).toBe(expected);
      const [goal] = (await planOf(planId)).goals;
      if (expected === 'OK') {
        expect(result.data!.updateGoal).toEqual(expect.objectContaining({ status: 'ACTIVE', version: 2 }));
        expect(goal).toEqual(expect.objectContaining({ status: 'ACTIVE', version: 2, progressNotes: [{ id: expect.any(String) }] }));
      } else {
        expect(result.data ?? null).toBeNull();
        expect(goal).toEqual(expect.objectContaining({ status: 'PROPOSED', version: 1, progressNotes: [] }));
        expect(await changesOf(planId)).not.toContain('GOAL_UPDATED');
      }
    });

    it('changes wording and status, appends progress notes by author and agency, and records before/after', async () => {
      const { planId } = await familyPlan();
      const goalId = await addGoal(planId);
      const { updateGoal } = await api.ok(team.caseworker.subject, UpdateGoalDetailsDocument, {
        input: { goalId, expectedVersion: 1, description: 'Een woning met drie slaapkamers', status: 'ACTIVE', progressNote: 'Eerste bezoek gepland' },
      });
      expect(updateGoal).toEqual({
        id: goalId,
        description: 'Een woning met drie slaapkamers',
        status: 'ACTIVE',
        version: 2,
        progressNotes: [{ body: 'Eerste bezoek gepland', author: { id: team.caseworker.userId }, authorAgency: { id: team.agency.id } }],
      });
      const again = await api.ok(team.caseworker.subject, UpdateGoalDetailsDocument, { input: { goalId, expectedVersion: 2, progressNote: 'Woning bezocht' } });
      expect(again.updateGoal.version).toBe(3);
      expect(again.updateGoal.progressNotes.map((n: { body: string }) => n.body)).toEqual(['Eerste bezoek gepland', 'Woning bezocht']);

      const updates = (await planOf(planId)).history.filter((h) => h.change === 'GOAL_UPDATED');
      expect(updates).toEqual([
        expect.objectContaining({
          entityId: goalId,
          details: expect.objectContaining({
            description: { before: 'Een grotere woning vinden', after: 'Een woning met drie slaapkamers' },
            status: { before: 'PROPOSED', after: 'ACTIVE' },
            progressNoteId: expect.any(String),
          }),
        }),
        expect.objectContaining({ details: expect.not.objectContaining({ status: expect.anything() }) }),
      ]);
    });

    it.each<[GoalStatus[], GoalStatus, GoalStatus]>([
      [[], 'ACHIEVED', 'PROPOSED'],
      [[], 'PROPOSED', 'PROPOSED'],
      [['ACTIVE'], 'PROPOSED', 'ACTIVE'],
      [['ACTIVE', 'ACHIEVED'], 'ACTIVE', 'ACHIEVED'],
      [['ACTIVE', 'ACHIEVED'], 'DISCONTINUED', 'ACHIEVED'],
      [['DISCONTINUED'], 'ACTIVE', 'DISCONTINUED'],
    ])('after %j refuses → %s as INVALID_TRANSITION from %s', async (path, attempted, current) => {
      const { planId } = await familyPlan();
      const goalId = await addGoal(planId);
      for (const status of path) await api.ok(team.caseworker.subject, UpdateGoalDetailsDocument, { input: { goalId, status } });
      const result = await api.gql(team.caseworker.subject, UpdateGoalDetailsDocument, { input: { goalId, status: attempted, progressNote: 'x' } });
      expectError(result, 'INVALID_TRANSITION', { currentStatus: current });
      const [goal] = (await planOf(planId)).goals;
      expect(goal).toEqual(expect.objectContaining({ status: current, version: path.length + 1, progressNotes: [] }));
    });

    it('takes optional fields sent as null for not given', async () => {
      const { planId } = await familyPlan();
      const goalId = await addGoal(planId);
      const { updateGoal } = await api.ok(team.caseworker.subject, UpdateGoalDetailsDocument, {
        input: { goalId, expectedVersion: null, description: null, status: 'ACTIVE', progressNote: null },
      });
      expect(updateGoal).toEqual(expect.objectContaining({ description: 'Een grotere woning vinden', status: 'ACTIVE', progressNotes: [] }));
    });

    it('answers CONFLICT to a stale expectedVersion and changes nothing', async () => {
      const { planId } = await familyPlan();
      const goalId = await addGoal(planId);
      await api.ok(team.caseworker.subject, UpdateGoalDetailsDocument, { input: { goalId, expectedVersion: 1, status: 'ACTIVE' } });
      const stale = await api.gql(team.caseworker.subject, UpdateGoalDetailsDocument, {
        input: { goalId, expectedVersion: 1, description: 'Iets anders', progressNote: 'x' },
      });
      expectError(stale, 'CONFLICT');
      const [goal] = (await planOf(planId)).goals;
      expect(goal).toEqual(expect.objectContaining({ description: 'Een grotere woning vinden', version: 2, progressNotes: [] }));
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['nothing to change', {}, 'input'],
      ['a blank progress note', { progressNote: ' ' }, 'progressNote'],
      ['an expectedVersion of 0', { expectedVersion: 0, status: 'ACTIVE' }, 'expectedVersion'],
    ])('refuses %s as BAD_USER_INPUT', async (_, extra, field) => {
      const { planId } = await familyPlan();
      const goalId = await addGoal(planId);
      expectError(await api.gql(team.caseworker.subject, UpdateGoalDetailsDocument, { input: { goalId, ...extra } }), 'BAD_USER_INPUT', { field });
      expect((await planOf(planId)).goals[0]!.version).toBe(1);
    });

    it('refuses to change a goal of a closed plan as INVALID_TRANSITION', async () => {
      const { planId } = await familyPlan();
      const goalId = await addGoal(planId);
      await world.closePlan(team.caseworker, planId);
      const result = await api.gql(team.caseworker.subject, UpdateGoalDetailsDocument, { input: { goalId, status: 'ACTIVE' } });
      expectError(result, 'INVALID_TRANSITION', { currentStatus: 'CLOSED' });
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('addAction', () => {
    it.each<[Actor, Code]>([
      ['caseworker', 'OK'],
      ['volunteer', 'FORBIDDEN'],
      ['unassigned caseworker (same agency)', 'NOT_FOUND'],
      ['caseworker of another network', 'NOT_FOUND'],
      ['agency admin', 'FORBIDDEN'],
    ])('%s → %s', async (actor, expected) => {
      const { planId } = await familyPlan();
      const goalId = await addGoal(planId);
      const result = await api.gql(subjectOf(team, actor), AddActionDetailsDocument, {
        input: { goalId, title: 'Formulier invullen', assigneeUserId: team.volunteer.userId, dueDate: '2030-06-30' },
      });
      expect(codeOf(result)).toBe(expected);
      const [goal] = (await planOf(planId)).goals;
      if (expected === 'OK') {
        expect(result.data!.addAction).toEqual({
          id: expect.any(String),
          goalId,
          title: 'Formulier invullen',
          status: 'OPEN',
          dueDate: '2030-06-30',
          completedAt: null,
          assigneeUser: { id: team.volunteer.userId },
          assigneeMember: null,
        });
        expect(goal!.actions.map((a) => a.id)).toEqual([result.data!.addAction.id]);
        expect((await planOf(planId)).history).toContainEqual(
          expect.objectContaining({ change: 'ACTION_ADDED', entityType: 'Action', entityId: result.data!.addAction.id }),
        );
      } else {
        expect(result.data ?? null).toBeNull();
        expect(goal!.actions).toEqual([]);
      }
    });

    it('assigns an action to a member of the family', async () => {
      const { planId, memberIds } = await familyPlan();
      const goalId = await addGoal(planId);
      const { addAction: action } = await api.ok(team.caseworker.subject, AddActionDetailsDocument, {
        input: { goalId, title: 'Afspraak maken', assigneeMemberId: memberIds[1] },
      });
      expect(action).toEqual(expect.objectContaining({ assigneeUser: null, assigneeMember: { id: memberIds[1] }, dueDate: null }));
    });

    /** `ours` are members of the plan's family, `theirs` of another family. */
    type Members = { ours: string[]; theirs: string[] };
    it.each<[string, (m: Members) => Record<string, unknown>, string]>([
      ['two assignees', (m) => ({ assigneeUserId: team.caseworker.userId, assigneeMemberId: m.ours[0] }), 'assigneeUserId'],
      ['no assignee', () => ({}), 'assigneeUserId'],
      ["a user who is not on the family's team", () => ({ assigneeUserId: team.unassigned.userId }), 'assigneeUserId'],
      ['a member of another family', (m) => ({ assigneeMemberId: m.theirs[0] }), 'assigneeMemberId'],
      ['a due date that does not exist', () => ({ assigneeUserId: team.caseworker.userId, dueDate: '2030-02-30' }), 'dueDate'],
      ['a due date in another format', () => ({ assigneeUserId: team.caseworker.userId, dueDate: '30/06/2030' }), 'dueDate'],
      ['a blank title', () => ({ assigneeUserId: team.caseworker.userId, title: '  ' }), 'title'],
    ])('refuses %s as BAD_USER_INPUT and writes nothing', async (_, extra, field) => {
      const { planId, memberIds: ours } = await familyPlan();
      const { memberIds: theirs } = await familyPlan();
      const goalId = await addGoal(planId);
      const input = { goalId, title: 'Bellen', ...extra({ ours, theirs }) };
      expectError(await api.gql(team.caseworker.subject, AddActionDetailsDocument, { input }), 'BAD_USER_INPUT', { field });
      expect((await planOf(planId)).goals[0]!.actions).toEqual([]);
      expect(await changesOf(planId)).not.toContain('ACTION_ADDED');
    });

    it.each<[GoalStatus]>([['ACHIEVED'], ['DISCONTINUED']])('refuses an action under a goal that is %s', async (status) => {
      const { planId } = await familyPlan();
      const goalId = await addGoal(planId);
      if (status === 'ACHIEVED') await api.ok(team.caseworker.subject, UpdateGoalDetailsDocument, { input: { goalId, status: 'ACTIVE' } });
      await api.ok(team.caseworker.subject, UpdateGoalDetailsDocument, { input: { goalId, status } });
      const result = await api.gql(team.caseworker.subject, AddActionDetailsDocument, {
        input: { goalId, title: 'Nog iets', assigneeUserId: team.caseworker.userId },
      });
      expectError(result, 'INVALID_TRANSITION', { currentStatus: status });
      expect((await planOf(planId)).goals[0]!.actions).toEqual([]);
    });

    it('refuses an action on a closed plan', async () => {
      const { planId } = await familyPlan();
      const goalId = await addGoal(planId);
      await world.closePlan(team.caseworker, planId);
      const result = await api.gql(team.caseworker.subject, AddActionDetailsDocument, {
        input: { goalId, title: 'Nog iets', assigneeUserId: team.caseworker.userId },
      });
      expectError(result, 'INVALID_TRANSITION', { currentStatus: 'CLOSED' });
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe.each([
    ['completeAction', CompleteActionDocument, 'DONE', 'ACTION_COMPLETED'],
    ['cancelAction', CancelActionDocument, 'CANCELLED', 'ACTION_CANCELLED'],
  ])('%s', (_, mutation, outcome, change) => {
    it.each<[Actor, 'assigned to the caseworker' | 'assigned to the volunteer', Code]>([
      ['caseworker', 'assigned to the caseworker', 'OK'],
      ['caseworker', 'assigned to the volunteer', 'OK'],
      ['volunteer', 'assigned to the volunteer', 'OK'],
      ['volunteer', 'assigned to the caseworker', 'FORBIDDEN'],
      ['unassigned caseworker (same agency)', 'assigned to the caseworker', 'NOT_FOUND'],
      ['caseworker of another network', 'assigned to the caseworker', 'NOT_FOUND'],
      ['agency admin', 'assigned to the caseworker', 'FORBIDDEN'],
    ])('%s, action %s → %s', async (actor, assignment, expected) => {
      const { planId } = await familyPlan();
      const goalId = await addGoal(planId);
      const assignee = assignment === 'assigned to the volunteer' ? team.volunteer : team.caseworker;
      const actionId = await addAction(goalId, { assigneeUserId: assignee.userId });
      const result = await api.gql(subjectOf(team, actor), mutation, { input: { actionId } });
      expect(codeOf(result)).toBe(expected);
      const [action] = (await planOf(planId)).goals[0]!.actions;
      if (expected === 'OK') {
        expect(result.data!.action).toEqual({
          id: actionId,
          status: outcome,
          completedAt: outcome === 'DONE' ? expect.any(String) : null,
        });
        expect(action!.status).toBe(outcome);
        expect((await planOf(planId)).history).toContainEqual(expect.objectContaining({ change, entityType: 'Action', entityId: actionId }));
      } else {
        expect(result.data ?? null).toBeNull();
        expect(action!.status).toBe('OPEN');
        expect(await changesOf(planId)).not.toContain(change);
      }
    });

    it.each([['DONE'], ['CANCELLED']])('refuses an action that is %s as INVALID_TRANSITION', async (current) => {
      const { planId } = await familyPlan();
      const actionId = await addAction(await addGoal(planId));
      await api.ok(team.caseworker.subject, current === 'DONE' ? CompleteActionDocument : CancelActionDocument, { input: { actionId } });
      expectError(await api.gql(team.caseworker.subject, mutation, { input: { actionId } }), 'INVALID_TRANSITION', {
        currentStatus: current,
      });
      expect((await planOf(planId)).goals[0]!.actions[0]!.status).toBe(current);
    });

    it('refuses an action of a closed plan as INVALID_TRANSITION', async () => {
      const { planId } = await familyPlan();
      const actionId = await addAction(await addGoal(planId));
      await world.closePlan(team.caseworker, planId);
      expectError(await api.gql(team.caseworker.subject, mutation, { input: { actionId } }), 'INVALID_TRANSITION', {
        currentStatus: 'CLOSED',
      });
    });

    it('answers NOT_FOUND for an action id that does not exist', async () => {
      const result = await api.gql(team.caseworker.subject, mutation, { input: { actionId: NO_SUCH_ID } });
      expectError(result, 'NOT_FOUND');
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('Plan.goals', () => {
    it("shows the assigned volunteer the plan's goals and actions", async () => {
      const { planId, memberIds } = await familyPlan();
      const goalId = await addGoal(planId);
      const forVolunteer = await addAction(goalId, { assigneeUserId: team.volunteer.userId });
      const forMember = await addAction(goalId, { assigneeMemberId: memberIds[0] });
      const { plan } = await api.ok(team.volunteer.subject, PlanGoalsAndHistoryDocument, { id: planId });
      expect(plan.goals).toEqual([
        expect.objectContaining({
          id: goalId,
          actions: [
            { id: forVolunteer, status: 'OPEN', assigneeUser: { id: team.volunteer.userId }, assigneeMember: null },
            { id: forMember, status: 'OPEN', assigneeUser: null, assigneeMember: { id: memberIds[0] } },
          ],
        }),
      ]);
    });

    it('sends as many SQL statements for 10 goals × 5 actions as for 1 goal × 1 action', async () => {
      const QUERY = PlanActionsAndNotesDocument;
      async function planWith(goals: number, actionsPerGoal: number): Promise<string> {
        const { planId } = await familyPlan();
        for (let g = 0; g < goals; g++) {
          const goalId = await addGoal(planId);
          await api.ok(team.caseworker.subject, UpdateGoalDetailsDocument, { input: { goalId, progressNote: `Voortgang ${g}` } });
          for (let a = 0; a < actionsPerGoal; a++) {
            await addAction(goalId, { assigneeUserId: a % 2 ? team.volunteer.userId : team.caseworker.userId });
          }
        }
        return planId;
      }
      const small = await planWith(1, 1);
      const large = await planWith(10, 5);
      const run = (planId: string) => api.countStatements(() => api.ok(team.caseworker.subject, QUERY, { id: planId }));
      const [smallCount, largeCount] = [await run(small), await run(large)];
      const { plan } = await api.ok(team.caseworker.subject, QUERY, { id: large });
      expect(plan.goals).toHaveLength(10);
      expect(plan.goals.flatMap((g: { actions: unknown[] }) => g.actions)).toHaveLength(50);
      expect(largeCount).toBe(smallCount);
    });
  });
});
