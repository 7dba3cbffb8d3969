import pg from 'pg';
import {
  ActivatePlanLifecycleDocument,
  AddParticipantLifecycleDocument,
  AssessCapacityDocument,
  AssignSupporterLifecycleDocument,
  ClosePlanLifecycleDocument,
  ConfirmHandoverLifecycleDocument,
  HandOverSupportLifecycleDocument,
  OpenPlanLifecycleDocument,
  PlanLifecycleViewDocument,
  ReopenPlanLifecycleDocument,
} from './graphql/generated.js';
import { codeOf, TestApi } from './support/test-app.js';
import { type Agency, type Network, parentWithTwoChildren, type Person, World } from './support/world.js';

describe('the family plan', () => {
  let api: TestApi;
  let world: World;
  let network: Network;
  let agency: Agency;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    network = await world.network();
    agency = await world.agency(network);
  });
  afterAll(() => api.stop());

  /** Sara, Lien and Mo Peeters with a plan `worker` opened; the plan as openPlan answered it. */
  async function familyWithPlan(worker: Person) {
    const family = await world.family(worker, parentWithTwoChildren());
    const { openPlan } = await api.ok(worker.subject, OpenPlanLifecycleDocument, { input: { familyId: family.id, summary: 'We willen rust in huis.' } });
    return { family, plan: openPlan };
  }

  it('goes DRAFT → ACTIVE → CLOSED → reopened, with supporter and history', async () => {
    const worker = await world.staff(agency);
    const { family, plan } = await familyWithPlan(worker);
    expect(plan).toMatchObject({ status: 'DRAFT', version: 1, generation: 1, supporter: null });

    const activateEarly = await api.gql(worker.subject, ActivatePlanLifecycleDocument, { input: { planId: plan.id } });
    expect(codeOf(activateEarly)).toBe('INVALID_TRANSITION');
    expect(activateEarly.errors![0]!.extensions!.currentStatus).toBe('DRAFT');

    const assigned = await api.ok(worker.subject, AssignSupporterLifecycleDocument, { input: { planId: plan.id, userId: worker.userId } });
    expect(assigned.assignTrajectorySupporter.supporter).toEqual({ user: { id: worker.userId }, agency: { id: agency.id }, state: 'CURRENT' });
    const { activatePlan } = await api.ok(worker.subject, ActivatePlanLifecycleDocument, { input: { planId: plan.id, expectedVersion: 2 } });
    expect(activatePlan).toMatchObject({ status: 'ACTIVE', version: 3 });

    const again = await api.gql(worker.subject, ActivatePlanLifecycleDocument, { input: { planId: plan.id } });
    expect(again.errors![0]!.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'ACTIVE' });

    const second = await api.gql(worker.subject, OpenPlanLifecycleDocument, { input: { familyId: family.id, summary: 'Nog een plan' } });
    expect(codeOf(second)).toBe('CONFLICT');

    const sara = family.memberIds[0]!;
    const noReason = await api.gql(worker.subject, ClosePlanLifecycleDocument, { input: { planId: plan.id, reasonCode: 'OTHER', agreedByMemberIds: [sara] } });
    expect(noReason.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const { closePlan } = await api.ok(worker.subject, ClosePlanLifecycleDocument, {
      input: { planId: plan.id, reasonCode: 'OTHER', reason: 'Doelen bereikt', agreedByMemberIds: [sara] },
    });
    expect(closePlan).toMatchObject({ status: 'CLOSED', closeReason: 'Doelen bereikt' });

    const { reopenPlan } = await api.ok(worker.subject, ReopenPlanLifecycleDocument, { input: { planId: plan.id } });
    expect(reopenPlan).toMatchObject({ status: 'DRAFT', generation: 2, summary: 'We willen rust in huis.' });

    const { plan: closed } = await api.ok(worker.subject, PlanLifecycleViewDocument, { id: plan.id });
    expect(closed.history.edges.map((e: any) => e.node.change)).toEqual([
      'PLAN_OPENED',
      'SUPPORTER_ASSIGNED',
      'PLAN_ACTIVATED',
      'PLAN_CLOSED',
    ]);
    expect(closed.history.edges[3].node).toMatchObject({
      actor: { id: worker.userId },
      actingAgency: { id: agency.id },
      details: { from: 'ACTIVE', to: 'CLOSED', reasonCode: 'OTHER', agreedByMemberIds: [sara] },
    });
  });

  it('refuses a stale expectedVersion with CONFLICT and changes nothing', async () => {
    const worker = await world.staff(agency);
    const { plan } = await familyWithPlan(worker);
    await api.ok(worker.subject, AssignSupporterLifecycleDocument, { input: { planId: plan.id, userId: worker.userId } });
    const stale = await api.gql(worker.subject, ActivatePlanLifecycleDocument, { input: { planId: plan.id, expectedVersion: 1 } });
    expect(codeOf(stale)).toBe('CONFLICT');
    const { plan: after } = await api.ok(worker.subject, PlanLifecycleViewDocument, { id: plan.id });
    expect(after).toMatchObject({ status: 'DRAFT', version: 2 });
  });

  it('hands the supporter role over warmly: both on the plan until the family confirms', async () => {
    const first = await world.staff(agency);
    const second = await world.staff(agency);
    const { family, plan } = await familyWithPlan(first);
    await world.assign(agency.admin, family.id, second.userId);
    await api.ok(first.subject, AssignSupporterLifecycleDocument, { input: { planId: plan.id, userId: first.userId } });

    const notAssigned = await world.staff(agency);
    const refused = await api.gql(first.subject, HandOverSupportLifecycleDocument, { input: { planId: plan.id, toUserId: notAssigned.userId } });
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'toUserId' });

    const notSupporter = await api.gql(second.subject, HandOverSupportLifecycleDocument, { input: { planId: plan.id, toUserId: second.userId } });
    expect(codeOf(notSupporter)).toBe('FORBIDDEN');

    const { handOverTrajectorySupport: during } = await api.ok(first.subject, HandOverSupportLifecycleDocument, {
      input: { planId: plan.id, toUserId: second.userId },
    });
    expect(during.supporter!.user.id).toBe(first.userId);
    expect(during.incomingSupporter!.user.id).toBe(second.userId);

    const [parent, twelve, young] = family.members;
    // The family agreed on paper; the outgoing supporter records it (the incoming one may not: support-handover-trust).
    const onPaper = { planId: plan.id, method: 'WRITTEN' as const, evidenceReference: 'form-2026-31' };
    const tooYoung = await api.gql(first.subject, ConfirmHandoverLifecycleDocument, { input: { ...onPaper, confirmedByMemberId: young.id } });
    expect(tooYoung.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'confirmedByMemberId' });
    expect(twelve.role).toBe('CHILD');

    const { confirmSupportHandover: after } = await api.ok(first.subject, ConfirmHandoverLifecycleDocument, {
      input: { ...onPaper, confirmedByMemberId: parent.id },
    });
    expect(after.supporter!.user.id).toBe(second.userId);
    expect(after.incomingSupporter).toBeNull();
    // The previous supporter is still assigned to the family, so still on the team, but no longer coordinates.
    expect(codeOf(await api.gql(first.subject, ActivatePlanLifecycleDocument, { input: { planId: plan.id } }))).toBe('FORBIDDEN');
    expect(codeOf(await api.gql(second.subject, ConfirmHandoverLifecycleDocument, { input: { ...onPaper, confirmedByMemberId: parent.id } }))).toBe(
      'INVALID_TRANSITION',
    );
  });

  it("takes the family's confirmation of a handover from whoever decides for themselves, by a capacity assessment too", async () => {
    const first = await world.staff(agency);
    const second = await world.staff(agency);
    const { family, plan } = await familyWithPlan(first);
    await world.assign(agency.admin, family.id, second.userId);
    await api.ok(first.subject, AssignSupporterLifecycleDocument, { input: { planId: plan.id, userId: first.userId } });
    await api.ok(first.subject, HandOverSupportLifecycleDocument, { input: { planId: plan.id, toUserId: second.userId } });
    const [, twelve, young] = family.members;
    const assess = (memberId: string, capable: boolean) =>
      api.ok(first.subject, AssessCapacityDocument, {
        input: { memberId, capable, reason: capable ? 'Begrijpt goed wat de overdracht betekent' : 'Kan dit nu niet overzien' },
      });

    // From 12 a child decides for itself, unless an assessment says otherwise; under 12, only by an assessment.
    await assess(twelve.id, false);
    const onPaper = { planId: plan.id, method: 'WRITTEN' as const, evidenceReference: 'form-2026-32' };
    const setAside = await api.gql(first.subject, ConfirmHandoverLifecycleDocument, { input: { ...onPaper, confirmedByMemberId: twelve.id } });
    expect(setAside.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'confirmedByMemberId' });
    expect((await api.ok(second.subject, PlanLifecycleViewDocument, { id: plan.id })).plan.supporter!.user.id).toBe(first.userId);

    await assess(young.id, true);
    const { confirmSupportHandover } = await api.ok(first.subject, ConfirmHandoverLifecycleDocument, { input: { ...onPaper, confirmedByMemberId: young.id } });
    expect(confirmSupportHandover.supporter!.user.id).toBe(second.userId);
  });

  it('adds agencies to the plan team, only of the same network, by the supporter', async () => {
    const worker = await world.staff(agency);
    const { plan } = await familyWithPlan(worker);
    const clb = await world.agency(network, 'SCHOOL_GUIDANCE');
    const elsewhere = await world.agency(await world.network());
    await api.ok(worker.subject, AssignSupporterLifecycleDocument, { input: { planId: plan.id, userId: worker.userId } });
    const { addPlanParticipant } = await api.ok(worker.subject, AddParticipantLifecycleDocument, {
      input: { planId: plan.id, agencyId: clb.id, contribution: 'Schoolbegeleiding voor Lien' },
    });
    expect(addPlanParticipant.participants).toEqual([{ agency: { id: clb.id }, contribution: 'Schoolbegeleiding voor Lien' }]);
    const twice = await api.gql(worker.subject, AddParticipantLifecycleDocument, { input: { planId: plan.id, agencyId: clb.id, contribution: 'x' } });
    expect(codeOf(twice)).toBe('CONFLICT');
    const foreign = await api.gql(worker.subject, AddParticipantLifecycleDocument, { input: { planId: plan.id, agencyId: elsewhere.id, contribution: 'x' } });
    expect(foreign.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'agencyId' });

    // The participating agency's admin may now assign one of its caseworkers, who sees the plan
    // once the family consents to the CLB.
    const clbWorker = await world.staff(clb);
    expect(codeOf(await api.gql(clbWorker.subject, PlanLifecycleViewDocument, { id: plan.id }))).toBe('NOT_FOUND');
    await world.assign(clb.admin, addPlanParticipant.family.id, clbWorker.userId);
    expect(codeOf(await api.gql(clbWorker.subject, PlanLifecycleViewDocument, { id: plan.id }))).toBe('NOT_FOUND');
    await world.consentAll(worker, await world.membersOf(worker, addPlanParticipant.family.id), clb.id);
    expect((await api.ok(clbWorker.subject, PlanLifecycleViewDocument, { id: plan.id })).plan.id).toBe(plan.id);
  });

  it('keeps the plan history append-only in the database itself', async () => {
    const worker = await world.staff(agency);
    const { plan } = await familyWithPlan(worker);
    const client = new pg.Client(process.env.DATABASE_URL);
    await client.connect();
    try {
      for (const sql of [
        `UPDATE plan_history SET change = 'FORGED' WHERE plan_id = $1`,
        `DELETE FROM plan_history WHERE plan_id = $1`,
      ]) {
        await expect(client.query(sql, [plan.id])).rejects.toThrow(/append-only/);
      }
      await expect(client.query('TRUNCATE plan_history CASCADE')).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
    const { plan: after } = await api.ok(worker.subject, PlanLifecycleViewDocument, { id: plan.id });
    expect(after.history.edges.map((e: any) => e.node.change)).toEqual(['PLAN_OPENED']);
  });
});
