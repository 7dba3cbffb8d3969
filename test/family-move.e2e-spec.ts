import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DataSource } from 'typeorm';
import {
  AcceptReferralDocument,
  AdmitAgencyServiceAreaDocument,
  AgencyMembershipsDocument,
  ConfirmSupportHandoverDocument,
  CreateReferralDocument,
  DeclineReferralDocument,
  FamilyNetworkDocument,
  InboxDocument,
  MovingPlanDocument,
  ProposeFamilyMoveDocument,
  ReceiveReferralDocument,
  RecordConsentDocument,
  RemoveMembershipDocument,
  ScheduleHandoverDocument,
  SendReferralDocument,
  WithdrawFamilyMoveDocument,
  WaitlistHandoverReferralDocument,
  WithdrawReferralDocument,
} from './graphql/generated.js';
import { codeOf, PLATFORM_ADMIN, TestApi } from './support/test-app.js';
import { type Agency, type Network, parent, type Person, World } from './support/world.js';

/**
 * A family that moves to another network keeps its plan (issue 21): its supporter proposes the move with a
 * caseworker of the new network, the family confirms it as a support handover, and from then on the family
 * and its plan belong to the new network; agencies that do not work there leave the team.
 */
describe('a family that moves to another network', () => {
  let api: TestApi;
  let world: World;
  let db: DataSource;
  let from: Network;
  let to: Network;
  let agency: Agency;
  let local: Agency;
  let regional: Agency;
  let newAgency: Agency;
  let newSupporter: Person;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    db = api.db;
    [from, to] = await world.networks(2);
    [agency, local, regional] = await world.agencies(from, ['CHILD_WELFARE', 'CHILD_WELFARE', 'CHILD_WELFARE']);
    await api.ok(to.coordinator.subject, AdmitAgencyServiceAreaDocument, { input: { agencyId: regional.id, networkId: to.id } });
    newAgency = await world.agency(to);
    newSupporter = await world.staff(newAgency);
  });
  afterAll(() => api.stop());

  /**
   * Sara's family in `from`, supported by `supporter`, with a colleague assigned, and a local and a regional
   * agency on the plan team (consented, each with an assigned caseworker).
   */
  async function familyAboutToMove() {
    const [supporter, colleague] = await world.staffTogether(agency, ['CASEWORKER', 'CASEWORKER']);
    const f = await world.familyWithPlan(supporter, {
      members: [parent('Sara', 'Peeters')],
      supporter,
      participants: [
        { agencyId: local.id, contribution: 'Budgetbegeleiding' },
        { agencyId: regional.id, contribution: 'Opvoedingsondersteuning' },
      ],
      assign: { admin: agency.admin, userIds: [colleague.userId] },
    });
    const localWorker = await world.staff(local);
    const regionalWorker = await world.staff(regional);
    await world.assign(local.admin, f.familyId, localWorker.userId);
    await world.assign(regional.admin, f.familyId, regionalWorker.userId);
    const move = { familyId: f.familyId, toNetworkId: to.id, newSupporterUserId: newSupporter.userId, newSupporterAgencyId: newAgency.id };
    return { ...f, supporter, colleague, localWorker, regionalWorker, sara: f.memberIds[0]!, move };
  }

  const networkSeenBy = async (worker: Person | string, familyId: string) => {
    const result = await api.gql(typeof worker === 'string' ? worker : worker.subject, FamilyNetworkDocument, { id: familyId });
    return result.data?.family?.networkId ?? codeOf(result);
  };

  it('the supporter proposes, the family confirms in the portal: family and plan belong to the new network, the new supporter leads, the plan goes on', async () => {
    const f = await familyAboutToMove();
    const before = (await api.ok(f.supporter.subject, MovingPlanDocument, { id: f.planId })).plan;
    const { proposeFamilyMove: proposed } = await api.ok(f.supporter.subject, ProposeFamilyMoveDocument, { input: f.move });
    expect(proposed.move).toMatchObject({ familyId: f.familyId, status: 'PROPOSED', fromNetworkId: from.id, toNetworkId: to.id, toAgencyId: newAgency.id, confirmedAt: null });
    expect(proposed.planVersion).toBe(before.version + 1);
    expect(proposed.plan).toMatchObject({ id: f.planId, status: before.status, version: before.version + 1, incomingSupporter: { user: { id: newSupporter.userId } } });
    expect(await networkSeenBy(f.supporter, f.familyId)).toBe(from.id);
    expect(await networkSeenBy(newSupporter, f.familyId)).toBe('NOT_FOUND');

    const portal = await world.portalLogin(f.supporter, f.sara);
    await api.ok(portal, ConfirmSupportHandoverDocument, { input: { planId: f.planId, confirmedByMemberId: f.sara, method: 'FAMILY_PORTAL' } });

    expect(await networkSeenBy(newSupporter, f.familyId)).toBe(to.id);
    // The regional agency serves the new network too: it stays on the team. The others left at once.
    expect(await networkSeenBy(f.regionalWorker, f.familyId)).toBe(to.id);
    for (const left of [f.supporter, f.colleague, f.localWorker]) expect(await networkSeenBy(left, f.familyId)).toBe('NOT_FOUND');
    expect(codeOf(await api.gql(f.supporter.subject, MovingPlanDocument, { id: f.planId }))).toBe('NOT_FOUND');

    // Like any agency new to the team, the new supporter's reads the plan once the family consented to it.
    expect(codeOf(await api.gql(newSupporter.subject, MovingPlanDocument, { id: f.planId }))).toBe('NOT_FOUND');
    await api.ok(portal, RecordConsentDocument, {
      input: {
        grantorMemberId: f.sara,
        subjectMemberIds: [f.sara],
        recipientAgencyId: newAgency.id,
        categories: ['IDENTITY', 'PLAN'],
        purposeCode: 'PLAN_COORDINATION',
        purpose: 'Verder werken aan ons plan na de verhuis',
        method: 'FAMILY_PORTAL',
      },
    });
    const { plan } = await api.ok(newSupporter.subject, MovingPlanDocument, { id: f.planId });
    expect(plan).toMatchObject({ id: f.planId, status: before.status, supporter: { user: { id: newSupporter.userId }, agency: { id: newAgency.id } }, incomingSupporter: null });
    expect(plan.participants.map((p) => p.agency.id)).toEqual([regional.id]);
    const changes = plan.history.edges.map((e) => e.node);
    expect(changes.length).toBeGreaterThan(before.history.edges.length + 1);
    expect(changes.map((c) => c.change)).toEqual(expect.arrayContaining([...before.history.edges.map((e) => e.node.change), 'FAMILY_MOVE_PROPOSED', 'SUPPORT_HANDED_OVER']));
    expect(changes.find((c) => c.change === 'SUPPORT_HANDED_OVER')!.details).toMatchObject({
      confirmedByMemberId: f.sara,
      move: { fromNetworkId: from.id, toNetworkId: to.id, agenciesLeft: [agency.id, local.id].sort() },
    });

    // The move is audited with the family: the family's new network and the move itself.
    const audited: { entity_type: string; action: string }[] = await db.query(
      `SELECT entity_type, action FROM audit_event WHERE family_id = $1 AND entity_type IN ('family', 'family_move') AND action <> 'READ' ORDER BY seq`,
      [f.familyId],
    );
    expect(audited).toEqual([
      { entity_type: 'family', action: 'INSERT' },
      { entity_type: 'family_move', action: 'INSERT' },
      { entity_type: 'family', action: 'UPDATE' },
      { entity_type: 'family_move', action: 'UPDATE' },
    ]);
  });

  it('proposing the same move again changes nothing; another move while one waits names its state', async () => {
    const f = await familyAboutToMove();
    const first = (await api.ok(f.supporter.subject, ProposeFamilyMoveDocument, { input: f.move })).proposeFamilyMove;
    const again = (await api.ok(f.supporter.subject, ProposeFamilyMoveDocument, { input: f.move })).proposeFamilyMove;
    expect(again.planVersion).toBe(first.planVersion);
    expect(again.move.id).toBe(first.move.id);
    const other = await world.staff(newAgency);
    const another = await api.gql(f.supporter.subject, ProposeFamilyMoveDocument, { input: { ...f.move, newSupporterUserId: other.userId } });
    expect(another.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'PROPOSED' });
    const stale = await api.gql(f.supporter.subject, ProposeFamilyMoveDocument, { input: { ...f.move, expectedVersion: first.planVersion - 1 } });
    expect(codeOf(stale)).toBe('CONFLICT');
  });

  it('a retry under the idempotency key, with the version it was proposed on, answers the first step; the key for another move is CONFLICT; a stale version changes nothing', async () => {
    const f = await familyAboutToMove();
    const { version } = (await api.ok(f.supporter.subject, MovingPlanDocument, { id: f.planId })).plan;
    const input = { ...f.move, expectedVersion: version, idempotencyKey: `move-${f.familyId}` };
    const stale = await api.gql(f.supporter.subject, ProposeFamilyMoveDocument, { input: { ...input, expectedVersion: version + 1 } });
    expect(codeOf(stale)).toBe('CONFLICT');
    const movesOf = () => db.query(`SELECT id, status FROM family_move WHERE family_id = $1`, [f.familyId]);
    expect(await movesOf()).toEqual([]);
    expect((await api.ok(f.supporter.subject, MovingPlanDocument, { id: f.planId })).plan.version).toBe(version);

    const first = (await api.ok(f.supporter.subject, ProposeFamilyMoveDocument, { input })).proposeFamilyMove;
    // Without the key this retry would be stale (the proposal raised the plan's version); with it, the first answer.
    const retry = (await api.ok(f.supporter.subject, ProposeFamilyMoveDocument, { input })).proposeFamilyMove;
    expect(retry).toEqual(first);
    expect(await movesOf()).toEqual([{ id: first.move.id, status: 'PROPOSED' }]);
    const other = await world.staff(newAgency);
    expect(codeOf(await api.gql(f.supporter.subject, ProposeFamilyMoveDocument, { input: { ...input, newSupporterUserId: other.userId } }))).toBe('CONFLICT');
    // A key is no way around the rule: the colleague's own key proposes nothing, refused as without one.
    expect(codeOf(await api.gql(f.colleague.subject, ProposeFamilyMoveDocument, { input }))).toBe('FORBIDDEN');
    expect(await movesOf()).toEqual([{ id: first.move.id, status: 'PROPOSED' }]);
  });

  it('a move proposed on a plan closed meanwhile neither blocks nor moves the family’s next plan', async () => {
    const f = await familyAboutToMove();
    await api.ok(f.supporter.subject, ProposeFamilyMoveDocument, { input: f.move });
    await world.closePlan(f.supporter, f.planId);
    const next = await world.openPlan(f.colleague, f.familyId, { supporter: f.colleague });
    const { proposeFamilyMove } = await api.ok(f.colleague.subject, ProposeFamilyMoveDocument, { input: f.move });
    expect(proposeFamilyMove.plan).toMatchObject({ id: next, incomingSupporter: { user: { id: newSupporter.userId } } });
    expect(await networkSeenBy(f.colleague, f.familyId)).toBe(from.id);
  });

  it('bad input is named and changes nothing', async () => {
    const f = await familyAboutToMove();
    const refused = async (input: Partial<typeof f.move>, field: string) => {
      const result = await api.gql(f.supporter.subject, ProposeFamilyMoveDocument, { input: { ...f.move, ...input } });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    };
    await refused({ toNetworkId: from.id }, 'toNetworkId');
    await refused({ toNetworkId: '00000000-0000-7000-8000-00000000abcd' }, 'toNetworkId');
    await refused({ toNetworkId: 'not-an-id' }, 'toNetworkId');
    await refused({ newSupporterAgencyId: local.id }, 'newSupporterAgencyId');
    await refused({ newSupporterUserId: newAgency.admin.userId }, 'newSupporterUserId');
    await refused({ newSupporterUserId: f.colleague.userId }, 'newSupporterUserId');
    const { plan } = await api.ok(f.supporter.subject, MovingPlanDocument, { id: f.planId });
    expect(plan.incomingSupporter).toBeNull();
    expect(await networkSeenBy(f.supporter, f.familyId)).toBe(from.id);
  });

  it('nobody but the supporter and the network coordinator proposes it: others answer NOT_FOUND or FORBIDDEN by the access rule', async () => {
    const f = await familyAboutToMove();
    const unassigned = await world.staff(agency);
    const portal = await world.portalLogin(f.supporter, f.sara);
    const asClient = await world.asIntegrationClient(agency, ProposeFamilyMoveDocument, { input: f.move });
    expect(codeOf(asClient)).toBe('FORBIDDEN');

    const expectations: [string, string][] = [
      [to.coordinator.subject, 'NOT_FOUND'],
      [PLATFORM_ADMIN, 'FORBIDDEN'],
      [newAgency.admin.subject, 'FORBIDDEN'],
      [newSupporter.subject, 'NOT_FOUND'],
      [agency.admin.subject, 'FORBIDDEN'],
      [unassigned.subject, 'NOT_FOUND'],
      [f.colleague.subject, 'FORBIDDEN'],
      [f.regionalWorker.subject, 'FORBIDDEN'],
      [portal, 'FORBIDDEN'],
    ];
    for (const [subject, code] of expectations) {
      expect([subject, codeOf(await api.gql(subject, ProposeFamilyMoveDocument, { input: f.move }))]).toEqual([subject, code]);
    }

    // A colleague whose membership was just removed: her assignment ended with it.
    const { memberships } = await api.ok(agency.admin.subject, AgencyMembershipsDocument, { a: agency.id });
    const membership = memberships.edges.find((e) => e.node.user?.id === f.colleague.userId)!.node;
    await api.ok(agency.admin.subject, RemoveMembershipDocument, { id: membership.id });
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(await api.gql(f.colleague.subject, ProposeFamilyMoveDocument, { input: f.move })));
    expect((await api.ok(f.supporter.subject, MovingPlanDocument, { id: f.planId })).plan.incomingSupporter).toBeNull();
  });
  it('the supporter withdraws a proposed move before the family confirms: the handover ends with it, the family stays; nobody else may', async () => {
    const f = await familyAboutToMove();
    const { proposeFamilyMove: proposed } = await api.ok(f.supporter.subject, ProposeFamilyMoveDocument, { input: f.move });
    const withdrawal = { familyId: f.familyId, expectedVersion: proposed.planVersion };

    const unassigned = await world.staff(agency);
    const portal = await world.portalLogin(f.supporter, f.sara);
    expect(codeOf(await world.asIntegrationClient(agency, WithdrawFamilyMoveDocument, { input: withdrawal }))).toBe('FORBIDDEN');
    const expectations: [string, string][] = [
      [to.coordinator.subject, 'NOT_FOUND'],
      [agency.admin.subject, 'FORBIDDEN'],
      [newSupporter.subject, 'NOT_FOUND'],
      [unassigned.subject, 'NOT_FOUND'],
      [f.colleague.subject, 'FORBIDDEN'],
      [portal, 'FORBIDDEN'],
    ];
    for (const [subject, code] of expectations) {
      expect([subject, codeOf(await api.gql(subject, WithdrawFamilyMoveDocument, { input: withdrawal }))]).toEqual([subject, code]);
    }
    const { memberships } = await api.ok(agency.admin.subject, AgencyMembershipsDocument, { a: agency.id });
    const membership = memberships.edges.find((e) => e.node.user?.id === f.colleague.userId)!.node;
    await api.ok(agency.admin.subject, RemoveMembershipDocument, { id: membership.id });
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(await api.gql(f.colleague.subject, WithdrawFamilyMoveDocument, { input: withdrawal })));
    expect(codeOf(await api.gql(f.supporter.subject, WithdrawFamilyMoveDocument, { input: { ...withdrawal, expectedVersion: proposed.planVersion - 1 } }))).toBe('CONFLICT');
    expect((await api.ok(f.supporter.subject, MovingPlanDocument, { id: f.planId })).plan.incomingSupporter).toMatchObject({ user: { id: newSupporter.userId } });

    const { withdrawFamilyMove } = await api.ok(f.supporter.subject, WithdrawFamilyMoveDocument, { input: withdrawal });
    expect(withdrawFamilyMove.move).toMatchObject({ id: proposed.move.id, status: 'WITHDRAWN' });
    expect(withdrawFamilyMove.move.withdrawnAt).not.toBeNull();
    expect(withdrawFamilyMove.plan).toMatchObject({ version: proposed.planVersion + 1, incomingSupporter: null, supporter: { user: { id: f.supporter.userId } } });
    expect(withdrawFamilyMove.plan!.history.edges.map((e) => e.node.change)).toContain('FAMILY_MOVE_WITHDRAWN');
    expect(await db.query(`SELECT status FROM family_move WHERE plan_id = $1`, [f.planId])).toEqual([{ status: 'WITHDRAWN' }]);

    // Nothing waits any more: the family's confirmation and a second withdrawal name the state; the family stays.
    const confirming = await api.gql(portal, ConfirmSupportHandoverDocument, { input: { planId: f.planId, confirmedByMemberId: f.sara, method: 'FAMILY_PORTAL' } });
    expect(confirming.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'NOT_STARTED' });
    const again = await api.gql(f.supporter.subject, WithdrawFamilyMoveDocument, { input: { familyId: f.familyId } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'NOT_PROPOSED' });
    expect(await networkSeenBy(f.supporter, f.familyId)).toBe(from.id);
    expect(await networkSeenBy(newSupporter, f.familyId)).toBe('NOT_FOUND');
    // A new move may be proposed.
    await api.ok(f.supporter.subject, ProposeFamilyMoveDocument, { input: f.move });
  });

  it('a withdrawn move is told to the family members who were asked to confirm it, in their language; not to the supporter who withdrew it, the team or the new supporter', async () => {
    const { familyId, supporter, colleague, logins } = await world.familyInThreeLanguages(agency);
    const { proposeFamilyMove: proposed } = await api.ok(supporter.subject, ProposeFamilyMoveDocument, {
      input: { familyId, toNetworkId: to.id, newSupporterUserId: newSupporter.userId, newSupporterAgencyId: newAgency.id },
    });
    const itemsOf = async (subject: string, kind: string) =>
      (await api.ok(subject, InboxDocument, { first: 100 })).inbox.edges.map((e) => e.node).filter((item) => item.kind === kind && item.about.id === proposed.plan!.id);
    const withdrawn = (subject: string) => itemsOf(subject, 'FAMILY_MOVE_WITHDRAWN');
    // Who was asked to confirm the move: the family's members in the portal.
    for (const login of Object.values(logins)) expect(await itemsOf(login, 'SUPPORT_HANDOVER_TO_CONFIRM')).toHaveLength(1);
    expect(await withdrawn(logins.an)).toEqual([]);

    await api.ok(supporter.subject, WithdrawFamilyMoveDocument, { input: { familyId, expectedVersion: proposed.planVersion } });
    const texts = Object.fromEntries(
      await Promise.all(Object.entries(logins).map(async ([who, login]) => [who, (await withdrawn(login)).map((item) => item.text)] as const)),
    );
    expect(texts).toEqual({
      sophie: ['Le déménagement proposé de votre famille vers une autre région a été retiré. Vous n’avez rien à confirmer : votre accompagnateur de trajet reste le même.'],
      john: ['The proposed move of your family to another region was withdrawn. There is nothing to confirm: your trajectory supporter stays the same.'],
      an: ['De voorgestelde verhuis van uw gezin naar een andere regio werd ingetrokken. U hoeft niets te bevestigen: uw trajectbegeleider blijft dezelfde.'],
    });
    for (const professional of [supporter, colleague, newSupporter]) expect(await withdrawn(professional.subject)).toEqual([]);
  });

  it('the network coordinator proposes and withdraws a move without reading the family or its plan; the family confirms as for the supporter', async () => {
    const f = await familyAboutToMove();
    const { proposeFamilyMove: proposed } = await api.ok(from.coordinator.subject, ProposeFamilyMoveDocument, { input: f.move });
    expect(proposed.move).toMatchObject({ familyId: f.familyId, status: 'PROPOSED', fromNetworkId: from.id, toNetworkId: to.id });
    // `move` is a right of its own: no plan in the answer, and she reads no family or plan at all.
    expect(proposed.plan).toBeNull();
    expect(codeOf(await api.gql(from.coordinator.subject, MovingPlanDocument, { id: f.planId }))).toBe('FORBIDDEN');
    expect(await networkSeenBy(from.coordinator.subject, f.familyId)).toBe('FORBIDDEN');
    const { plan } = await api.ok(f.supporter.subject, MovingPlanDocument, { id: f.planId });
    expect(plan).toMatchObject({ version: proposed.planVersion, incomingSupporter: { user: { id: newSupporter.userId } } });
    expect(plan.history.edges.map((e) => e.node.change)).toContain('FAMILY_MOVE_PROPOSED');

    // Who may not withdraw it: another network's coordinators, admins, the team but its supporter, the family, a
    // partner system, and a coordinator of the family's network whose coordinator role was just removed.
    const elsewhere = await world.network();
    const unassigned = await world.staff(agency);
    const portal = await world.portalLogin(f.supporter, f.sara);
    const former = await world.member(PLATFORM_ADMIN, from.coordinatingAgencyId, 'NETWORK_COORDINATOR');
    const { memberships } = await api.ok(PLATFORM_ADMIN, AgencyMembershipsDocument, { a: from.coordinatingAgencyId });
    await api.ok(PLATFORM_ADMIN, RemoveMembershipDocument, { id: memberships.edges.find((e) => e.node.user?.id === former.userId)!.node.id });
    const withdrawal = { familyId: f.familyId, expectedVersion: proposed.planVersion };
    expect(codeOf(await world.asIntegrationClient(agency, WithdrawFamilyMoveDocument, { input: withdrawal }))).toBe('FORBIDDEN');
    const expectations: [string, string][] = [
      [elsewhere.coordinator.subject, 'NOT_FOUND'],
      [to.coordinator.subject, 'NOT_FOUND'],
      [former.subject, 'FORBIDDEN'],
      [PLATFORM_ADMIN, 'FORBIDDEN'],
      [agency.admin.subject, 'FORBIDDEN'],
      [unassigned.subject, 'NOT_FOUND'],
      [f.colleague.subject, 'FORBIDDEN'],
      [portal, 'FORBIDDEN'],
    ];
    for (const [subject, code] of expectations) {
      expect([subject, codeOf(await api.gql(subject, WithdrawFamilyMoveDocument, { input: withdrawal }))]).toEqual([subject, code]);
      expect([subject, codeOf(await api.gql(subject, ProposeFamilyMoveDocument, { input: f.move }))]).toEqual([subject, code]);
    }
    expect(codeOf(await api.gql(from.coordinator.subject, WithdrawFamilyMoveDocument, { input: { ...withdrawal, expectedVersion: proposed.planVersion - 1 } }))).toBe('CONFLICT');

    const { withdrawFamilyMove } = await api.ok(from.coordinator.subject, WithdrawFamilyMoveDocument, { input: withdrawal });
    expect(withdrawFamilyMove).toMatchObject({ move: { id: proposed.move.id, status: 'WITHDRAWN' }, planVersion: proposed.planVersion + 1, plan: null });
    const after = (await api.ok(f.supporter.subject, MovingPlanDocument, { id: f.planId })).plan;
    expect(after).toMatchObject({ incomingSupporter: null, supporter: { user: { id: f.supporter.userId } } });
    expect(after.history.edges.map((e) => e.node.change)).toContain('FAMILY_MOVE_WITHDRAWN');

    // Proposed again by her, confirmed by the family: the family moves.
    await api.ok(from.coordinator.subject, ProposeFamilyMoveDocument, { input: f.move });
    await api.ok(portal, ConfirmSupportHandoverDocument, { input: { planId: f.planId, confirmedByMemberId: f.sara, method: 'FAMILY_PORTAL' } });
    expect(await networkSeenBy(newSupporter, f.familyId)).toBe(to.id);
    // Now in the other network, the family is no longer hers to move.
    expect(codeOf(await api.gql(from.coordinator.subject, WithdrawFamilyMoveDocument, { input: { familyId: f.familyId } }))).toBe('NOT_FOUND');
  });

  it('open referrals to agencies that do not work in the new network keep their state; the new supporter and the referrer still on the team are asked to review them', async () => {
    const f = await familyAboutToMove();
    /** A referral by `by` to `toAgencyId`, sent (unless `draft`); its id and version. */
    const referral = async (by: Person, toAgencyId: string, options: { draft?: boolean } = {}) => {
      const { createReferral } = await api.ok(by.subject, CreateReferralDocument, {
        input: { planId: f.planId, toAgencyId, memberIds: [f.sara], reason: 'Schulden', urgency: 'ROUTINE', requestedService: 'Budgetbegeleiding' },
      });
      if (options.draft) return createReferral;
      return (await api.ok(by.subject, SendReferralDocument, { input: { referralId: createReferral.id, expectedVersion: createReferral.version } })).sendReferral;
    };
    const bySupporter = await referral(f.supporter, local.id);
    const byRegional = await referral(f.regionalWorker, local.id);
    const draft = await referral(f.supporter, local.id, { draft: true });
    const toRegional = await referral(f.supporter, regional.id);
    const withdrawn = await referral(f.supporter, local.id);
    await api.ok(f.supporter.subject, WithdrawReferralDocument, { input: { referralId: withdrawn.id, expectedVersion: withdrawn.version, reason: 'Niet meer nodig' } });

    await api.ok(f.supporter.subject, ProposeFamilyMoveDocument, { input: f.move });
    const portal = await world.portalLogin(f.supporter, f.sara);
    await api.ok(portal, ConfirmSupportHandoverDocument, { input: { planId: f.planId, confirmedByMemberId: f.sara, method: 'FAMILY_PORTAL' } });

    const toReview = async (who: Person) => {
      const { inbox } = await api.ok(who.subject, InboxDocument, { first: 100 });
      return inbox.edges.map((e) => e.node).filter((item) => item.kind === 'REFERRAL_TO_REVIEW_AFTER_MOVE');
    };
    // The new supporter: each open referral to an agency of the old network only, drafts too.
    const forNewSupporter = await toReview(newSupporter);
    expect(forNewSupporter.map((i) => i.about).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [bySupporter.id, byRegional.id, draft.id].sort().map((id) => ({ type: 'Referral', id })),
    );
    expect(forNewSupporter[0]!.text).toBe('Het gezin is verhuisd naar een ander netwerk, waar de organisatie van deze doorverwijzing niet werkt. Kijk na of de doorverwijzing nog nodig is.');
    // The regional caseworker who made one, still on the team: hers only. The previous supporter made the others but
    // left with her agency (her item does not show: she may not read the referral); the receiving agency is not asked.
    expect((await toReview(f.regionalWorker)).map((i) => i.about.id)).toEqual([byRegional.id]);
    for (const none of [f.supporter, f.colleague, f.localWorker]) expect(await toReview(none)).toEqual([]);

    // The referrals keep their state, and the move's history entry names them.
    const states: { id: string; status: string }[] = await db.query(`SELECT id, status FROM referral WHERE family_id = $1 ORDER BY id`, [f.familyId]);
    expect(Object.fromEntries(states.map((r) => [r.id, r.status]))).toEqual({
      [bySupporter.id]: 'SENT', [byRegional.id]: 'SENT', [draft.id]: 'DRAFT', [toRegional.id]: 'SENT', [withdrawn.id]: 'WITHDRAWN',
    });
    await world.consentAll(f.regionalWorker, await world.membersOf(f.regionalWorker, f.familyId), newAgency.id);
    const { plan } = await api.ok(newSupporter.subject, MovingPlanDocument, { id: f.planId });
    const handedOver = plan.history.edges.map((e) => e.node).find((c) => c.change === 'SUPPORT_HANDED_OVER')!;
    expect(handedOver.details).toMatchObject({ move: { referralsToReview: [bySupporter.id, byRegional.id, draft.id].sort() } });

    // The new supporter withdraws one as any referral.
    await api.ok(newSupporter.subject, WithdrawReferralDocument, { input: { referralId: bySupporter.id, expectedVersion: bySupporter.version, reason: 'Het gezin is verhuisd' } });
  });

  it('the receiving agency is told that the family moved out of its reach, and may no longer take the referral further; the referring side withdraws it or refers anew', async () => {
    const f = await familyAboutToMove();
    /** A referral by the supporter to `local`, sent, then taken by the local caseworker up to `upTo`. */
    const referral = async (upTo: 'DRAFT' | 'SENT' | 'RECEIVED' | 'ACCEPTED') => {
      const { createReferral } = await api.ok(f.supporter.subject, CreateReferralDocument, {
        input: { planId: f.planId, toAgencyId: local.id, memberIds: [f.sara], reason: 'Schulden', urgency: 'ROUTINE', requestedService: 'Budgetbegeleiding' },
      });
      if (upTo === 'DRAFT') return createReferral;
      const ref = (await api.ok(f.supporter.subject, SendReferralDocument, { input: { referralId: createReferral.id, expectedVersion: createReferral.version } })).sendReferral;
      if (upTo === 'SENT') return ref;
      const received = (await api.ok(f.localWorker.subject, ReceiveReferralDocument, { input: { referralId: ref.id, expectedVersion: ref.version } })).receiveReferral;
      if (upTo === 'RECEIVED') return received;
      return (await api.ok(f.localWorker.subject, AcceptReferralDocument, { input: { referralId: ref.id, expectedVersion: received.version } })).acceptReferral;
    };
    const draft = await referral('DRAFT');
    const sent = await referral('SENT');
    const received = await referral('RECEIVED');
    const waiting = await referral('RECEIVED');
    const accepted = await referral('ACCEPTED');
    const toDecline = await referral('RECEIVED');

    await api.ok(f.supporter.subject, ProposeFamilyMoveDocument, { input: f.move });
    const portal = await world.portalLogin(f.supporter, f.sara);
    await api.ok(portal, ConfirmSupportHandoverDocument, { input: { planId: f.planId, confirmedByMemberId: f.sara, method: 'FAMILY_PORTAL' } });

    /** What a refused step must leave as it was: the referral, its transitions and their audit, the plan's team. */
    const snapshot = async (id: string) => ({
      referral: await db.query(`SELECT status, version FROM referral WHERE id = $1`, [id]),
      transitions: await db.query(`SELECT count(*)::int AS n FROM referral_transition WHERE referral_id = $1`, [id]),
      audited: await db.query(`SELECT count(*)::int AS n FROM audit_event WHERE entity_type = 'referral_transition' AND family_id = $1`, [f.familyId]),
      team: await db.query(`SELECT agency_id FROM plan_participant WHERE plan_id = $1 AND removed_at IS NULL ORDER BY agency_id`, [f.planId]),
    });
    const refused = async (subject: string, document: TypedDocumentNode<unknown, any>, input: Record<string, unknown>, status: string) => {
      const before = await snapshot(input.referralId as string);
      const answer = await api.gql(subject, document, { input });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: status, reason: 'RECEIVER_NOT_IN_FAMILY_NETWORK' });
      expect(await snapshot(input.referralId as string)).toEqual(before);
    };
    // The receiving side: no receiving, accepting or waitlisting any more (its agency would join a team it may not see).
    await refused(f.localWorker.subject, AcceptReferralDocument, { referralId: received.id, expectedVersion: received.version }, 'RECEIVED');
    await refused(f.localWorker.subject, ReceiveReferralDocument, { referralId: sent.id, expectedVersion: sent.version }, 'SENT');
    await refused(f.localWorker.subject, WaitlistHandoverReferralDocument, { referralId: waiting.id, expectedVersion: waiting.version }, 'RECEIVED');
    // Nor its partner system (intake by the integration client).
    const beforeClient = await snapshot(received.id);
    const byClient = await world.asIntegrationClient(local, AcceptReferralDocument, { input: { referralId: received.id, expectedVersion: received.version } });
    expect(byClient.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'RECEIVED', reason: 'RECEIVER_NOT_IN_FAMILY_NETWORK' });
    expect(await snapshot(received.id)).toEqual(beforeClient);
    // The accepted referral's agency left the team with the move, and did not join it again.
    expect((await snapshot(received.id)).team).toEqual([{ agency_id: regional.id }]);
    // The referring side (the new supporter): no sending the draft, no handover meeting with an agency out of reach.
    await world.consentAll(f.regionalWorker, await world.membersOf(f.regionalWorker, f.familyId), newAgency.id);
    await refused(newSupporter.subject, SendReferralDocument, { referralId: draft.id, expectedVersion: draft.version }, 'DRAFT');
    const meeting = { startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), location: 'Huis van het Kind', attendees: ['FAMILY', 'RECEIVER'] };
    await refused(newSupporter.subject, ScheduleHandoverDocument, { referralId: accepted.id, expectedVersion: accepted.version, ...meeting }, 'ACCEPTED');

    // Told: the receiving agency's caseworkers and admins, one item per referral it was sent (not the draft), without the family.
    const moved = async (who: Person) => {
      const { inbox } = await api.ok(who.subject, InboxDocument, { first: 100 });
      return inbox.edges.map((e) => e.node).filter((item) => item.kind === 'REFERRAL_FAMILY_MOVED');
    };
    const sentIds = [sent.id, received.id, waiting.id, accepted.id, toDecline.id].sort();
    const localVolunteer = await world.staff(local, 'VOLUNTEER');
    const ofThisFamily: string[] = (await db.query(`SELECT id FROM referral WHERE family_id = $1`, [f.familyId])).map((r: { id: string }) => r.id);
    for (const reader of [f.localWorker, local.admin]) {
      // The admin serves every family of the suite: this family's items only.
      const items = (await moved(reader)).filter((i) => ofThisFamily.includes(i.about.id));
      expect(items.map((i) => i.about.id).sort()).toEqual(sentIds);
      expect(items.every((i) => i.about.type === 'Referral' && i.family === null)).toBe(true);
      expect(items[0]!.text).toBe('Het gezin van deze doorverwijzing is verhuisd naar een netwerk waar uw organisatie niet werkt. U kunt de doorverwijzing niet meer verder zetten; weigeren kan nog.');
    }
    for (const none of [localVolunteer, newSupporter, f.supporter, f.regionalWorker]) expect(await moved(none)).toEqual([]);

    // What may still happen: the receiver declines, the referring side withdraws; then a referral to an agency of the new network.
    expect((await api.ok(f.localWorker.subject, DeclineReferralDocument, { input: { referralId: toDecline.id, expectedVersion: toDecline.version, reason: 'Gezin verhuisd' } })).declineReferral.version).toBe(toDecline.version + 1);
    // Withdrawing is the referring side's: the receiver may not (FORBIDDEN), the supporter who left with her agency no longer sees it.
    const withdrawal = { referralId: sent.id, expectedVersion: sent.version, reason: 'Het gezin is verhuisd' };
    expect(codeOf(await api.gql(f.localWorker.subject, WithdrawReferralDocument, { input: withdrawal }))).toBe('FORBIDDEN');
    expect(codeOf(await api.gql(f.supporter.subject, WithdrawReferralDocument, { input: withdrawal }))).toBe('NOT_FOUND');
    for (const open of [draft, sent, received, waiting, accepted]) {
      await api.ok(newSupporter.subject, WithdrawReferralDocument, { input: { referralId: open.id, expectedVersion: open.version, reason: 'Het gezin is verhuisd' } });
    }
    const nearby = await world.agency(to);
    await world.consentAll(newSupporter, await world.membersOf(newSupporter, f.familyId), nearby.id);
    const { createReferral: anew } = await api.ok(newSupporter.subject, CreateReferralDocument, {
      input: { planId: f.planId, toAgencyId: nearby.id, memberIds: [f.sara], reason: 'Schulden', urgency: 'ROUTINE', requestedService: 'Budgetbegeleiding' },
    });
    await api.ok(newSupporter.subject, SendReferralDocument, { input: { referralId: anew.id, expectedVersion: anew.version } });
    const states: { id: string; status: string }[] = await db.query(`SELECT id, status FROM referral WHERE family_id = $1 ORDER BY id`, [f.familyId]);
    expect(Object.fromEntries(states.map((r) => [r.id, r.status]))).toEqual({
      [draft.id]: 'WITHDRAWN', [sent.id]: 'WITHDRAWN', [received.id]: 'WITHDRAWN', [waiting.id]: 'WITHDRAWN', [accepted.id]: 'WITHDRAWN', [toDecline.id]: 'DECLINED', [anew.id]: 'SENT',
    });
  });
});
