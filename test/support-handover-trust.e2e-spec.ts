import {
  AssignSupporterHandoverDocument,
  ConfirmSupportHandoverDocument,
  HandOverSupportDocument,
  PlanSupportHandoverDocument,
} from './graphql/generated.js';
import { codeOf, TestApi } from './support/test-app.js';
import { type Agency, type Network, parentWithTwoChildren, type Person, World } from './support/world.js';

/**
 * The trajectory supporter is the family's fixed point of contact: who takes the role over is the
 * family's to agree to, and the new supporter must be able to do the work (her agency holds the family's
 * consent). Issue 16, finding 10.
 */
describe('handing the trajectory supporter role over, as the family can trust it', () => {
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

  /** Sara, Lien (from 12) and Mo with a plan: `first` supports it and hands over to `second`, a colleague on the team. */
  async function handoverUnderWay() {
    const first = await world.staff(agency);
    const second = await world.staff(agency);
    const colleague = await world.staff(agency);
    const { familyId, planId, memberIds } = await world.familyWithPlan(first, {
      members: parentWithTwoChildren(),
      supporter: first,
      assign: { admin: agency.admin, userIds: [second.userId, colleague.userId] },
    });
    await api.ok(first.subject, HandOverSupportDocument, { input: { planId, toUserId: second.userId } });
    const [sara, lien, mo] = memberIds as [string, string, string];
    return { first, second, colleague, familyId, planId, sara, lien, mo };
  }

  const supporterOf = async (worker: Person, planId: string) => {
    const { plan } = await api.ok(worker.subject, PlanSupportHandoverDocument, { id: planId });
    return { current: plan.supporter?.user.id, incoming: plan.incomingSupporter?.user.id ?? null };
  };

  describe('the family’s confirmation', () => {
    it('is never recorded by the incoming supporter herself, whatever the evidence', async () => {
      const s = await handoverUnderWay();
      const own = await api.gql(s.second.subject, ConfirmSupportHandoverDocument, {
        input: { planId: s.planId, confirmedByMemberId: s.sara, method: 'WRITTEN', evidenceReference: 'form-2026-7' },
      });
      expect(codeOf(own)).toBe('FORBIDDEN');
      expect(await supporterOf(s.first, s.planId)).toEqual({ current: s.first.userId, incoming: s.second.userId });
    });

    it('is recorded by another team member with how it was given and its evidence', async () => {
      const s = await handoverUnderWay();
      const input = { planId: s.planId, confirmedByMemberId: s.sara, method: 'VERBAL_WITH_WITNESS' as const };
      expect((await api.gql(s.colleague.subject, ConfirmSupportHandoverDocument, { input })).errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'evidenceReference',
      });
      const portalMethod = await api.gql(s.colleague.subject, ConfirmSupportHandoverDocument, { input: { ...input, method: 'FAMILY_PORTAL' } });
      expect(portalMethod.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'method' });
      expect(await supporterOf(s.first, s.planId)).toEqual({ current: s.first.userId, incoming: s.second.userId });

      const { confirmSupportHandover: plan } = await api.ok(s.colleague.subject, ConfirmSupportHandoverDocument, {
        input: { ...input, evidenceReference: 'Gesprek 12/3, getuige: onthaalmedewerker' },
      });
      expect(plan.supporter!.user.id).toBe(s.second.userId);
      expect(plan.supporter!.familyConfirmation).toMatch(/VERBAL_WITH_WITNESS/);
      const handedOver = plan.history.edges.map((e: { node: { change: string } }) => e.node).find((n: { change: string }) => n.change === 'SUPPORT_HANDED_OVER');
      expect(handedOver).toMatchObject({
        actor: { id: s.colleague.userId },
        details: { confirmedByMemberId: s.sara, method: 'VERBAL_WITH_WITNESS', evidenceReference: 'Gesprek 12/3, getuige: onthaalmedewerker' },
      });
    });

    it('is recorded by the outgoing supporter too, on paper', async () => {
      const s = await handoverUnderWay();
      const { confirmSupportHandover: plan } = await api.ok(s.first.subject, ConfirmSupportHandoverDocument, {
        input: { planId: s.planId, confirmedByMemberId: s.lien, method: 'WRITTEN', evidenceReference: 'form-2026-8' },
      });
      expect(plan.supporter!.user.id).toBe(s.second.userId);
    });

    it('comes from the family itself in the portal, each member for herself', async () => {
      const s = await handoverUnderWay();
      const sara = await world.portalLogin(s.first, s.sara);
      const forLien = await api.gql(sara, ConfirmSupportHandoverDocument, { input: { planId: s.planId, confirmedByMemberId: s.lien, method: 'FAMILY_PORTAL' } });
      expect(forLien.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'confirmedByMemberId' });
      const onPaper = await api.gql(sara, ConfirmSupportHandoverDocument, { input: { planId: s.planId, confirmedByMemberId: s.sara, method: 'WRITTEN', evidenceReference: 'x' } });
      expect(onPaper.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'method' });
      await api.ok(sara, ConfirmSupportHandoverDocument, { input: { planId: s.planId, confirmedByMemberId: s.sara, method: 'FAMILY_PORTAL' } });
      expect(await supporterOf(s.second, s.planId)).toEqual({ current: s.second.userId, incoming: null });
    });

    it('is not for whoever is not on the team', async () => {
      const s = await handoverUnderWay();
      const input = { planId: s.planId, confirmedByMemberId: s.sara, method: 'WRITTEN' as const, evidenceReference: 'x' };
      const unassigned = await world.staff(agency);
      const stranger = await world.staff(await world.agency(await world.network()));
      expect(codeOf(await api.gql(unassigned.subject, ConfirmSupportHandoverDocument, { input }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(stranger.subject, ConfirmSupportHandoverDocument, { input }))).toBe('NOT_FOUND');
      // An admin never records a family's agreement (refused for its role, before any plan is looked up).
      expect(codeOf(await api.gql(agency.admin.subject, ConfirmSupportHandoverDocument, { input }))).toBe('FORBIDDEN');
      const otherFamily = await handoverUnderWay();
      const someoneElse = await world.portalLogin(otherFamily.first, otherFamily.sara);
      expect(codeOf(await api.gql(someoneElse, ConfirmSupportHandoverDocument, { input: { planId: s.planId, confirmedByMemberId: otherFamily.sara, method: 'FAMILY_PORTAL' } }))).toBe('NOT_FOUND');
      expect(await supporterOf(s.first, s.planId)).toEqual({ current: s.first.userId, incoming: s.second.userId });
    });
  });

  describe('a supporter whose agency lacks the family’s consent', () => {
    /** A plan `worker` supports (or not yet), with a participating agency that the family has not consented to. */
    async function withUnconsentedAgency(options: { supported: boolean }) {
      const worker = await world.staff(agency);
      const partner = await world.agency(network, 'GENERAL_WELFARE');
      const { familyId, planId, memberIds } = await world.familyWithPlan(worker, {
        members: parentWithTwoChildren(),
        supporter: options.supported ? worker : undefined,
        participants: [{ agencyId: partner.id, contribution: 'Budgetbegeleiding' }],
        consentForParticipants: false,
      });
      const outsider = await world.staff(partner);
      await world.assign(partner.admin, familyId, outsider.userId);
      // She is on the team, but without consent she could not even read the plan she would lead.
      expect(codeOf(await api.gql(outsider.subject, PlanSupportHandoverDocument, { id: planId }))).toBe('NOT_FOUND');
      return { worker, partner, outsider, familyId, planId, memberIds };
    }

    it('is refused the handover with CONSENT_REQUIRED naming the members, and nothing changes', async () => {
      const s = await withUnconsentedAgency({ supported: true });
      const refused = await api.gql(s.worker.subject, HandOverSupportDocument, { input: { planId: s.planId, toUserId: s.outsider.userId } });
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'CONSENT_REQUIRED',
        category: 'PLAN',
        missingMemberIds: [...s.memberIds].sort(),
        recipientAgencyId: s.partner.id,
      });
      const { plan } = await api.ok(s.worker.subject, PlanSupportHandoverDocument, { id: s.planId });
      expect(plan.incomingSupporter).toBeNull();
      expect(plan.history.edges.map((e: { node: { change: string } }) => e.node.change)).not.toContain('SUPPORT_HANDOVER_STARTED');

      // Once the family consents, the handover can start.
      await world.consentAll(s.worker, await world.membersOf(s.worker, s.familyId), s.partner.id, ['PLAN']);
      const { handOverTrajectorySupport } = await api.ok(s.worker.subject, HandOverSupportDocument, { input: { planId: s.planId, toUserId: s.outsider.userId } });
      expect(handOverTrajectorySupport.incomingSupporter!.user.id).toBe(s.outsider.userId);
    });

    it('is refused as the first supporter too', async () => {
      const s = await withUnconsentedAgency({ supported: false });
      const refused = await api.gql(s.worker.subject, AssignSupporterHandoverDocument, { input: { planId: s.planId, userId: s.outsider.userId } });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONSENT_REQUIRED', category: 'PLAN', missingMemberIds: [...s.memberIds].sort() });
      expect((await api.ok(s.worker.subject, PlanSupportHandoverDocument, { id: s.planId })).plan.supporter).toBeNull();
    });
  });
});
