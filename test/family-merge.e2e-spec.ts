import type { DocumentNode } from 'graphql';
import pg from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ConsentsDoNotWiden1766836000000 } from '../migrations/1766836000000-ConsentsDoNotWiden.js';
import { UnnamedNotesKeepTheirRegistration1766851000000 } from '../migrations/1766851000000-UnnamedNotesKeepTheirRegistration.js';
import {
  AccessLogDescriptionsDocument,
  AccessLogEntriesDocument,
  type AccessLogEntriesQuery,
  AddMembershipDocument,
  AddActionDocument,
  AddMergeGoalDocument,
  AddMergeNoteDocument,
  ApplyMemberCorrectionDocument,
  AssessCapacityDocument,
  BreakGlassDocument,
  CloseMergePlanDocument,
  CompleteActionDocument,
  ConfirmFamilyMergeDocument,
  type DataCategory,
  CreateReferralDocument,
  DeclineFamilyMergeDocument,
  FamilyMemberHistoryDocument,
  FamilyMergeProposalsDocument,
  InboxDocument,
  MergedFamilyMembersDocument,
  MergedMemberRecordsDocument,
  MergedMyFamilyDocument,
  MergedPlanDocument,
  MergedPlanGoalActionsDocument,
  MergedPlanGoalsDocument,
  MemberCorrectionRequestsDocument,
  MyNotificationChannelDocument,
  MyPlanGoalsDocument,
  PlanGoalMembersDocument,
  ProposeFamilyMergeDocument,
  RecordConsentDocument,
  RemoveMembershipDocument,
  RequestErasureDocument,
  RequestMemberCorrectionDocument,
  RevokeConsentDocument,
  SetNotificationChannelDocument,
  SetMyLanguageDocument,
  UpdateMergeGoalDocument,
  WithdrawFamilyMergeDocument,
} from './graphql/generated.js';
import { scratchDatabase } from './support/scratch-database.js';
import { codeOf, type GraphQLResult, PLATFORM_ADMIN, queryText, TestApi, uniqueSubject } from './support/test-app.js';
import { type Agency, type FamilyMemberInput, type FamilyWithPlan, type Network, parentWithTwoChildren, type Person, World } from './support/world.js';

/**
 * Merging two registrations of the same family (docs/family-merge.md): proposed by one family's trajectory
 * supporter and confirmed by the other's, or done by the network coordinator alone; everything of the absorbed
 * family ends up in the surviving one, each row re-pointed by its owner, and no consent covers more than before.
 */
describe('merging two registrations of the same family', () => {
  let api: TestApi;
  let world: World;
  let network: Network;
  let agencyA: Agency;
  let agencyB: Agency;
  let db: pg.Client;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    network = await world.network();
    [agencyA, agencyB] = await world.agencies(network, ['CHILD_WELFARE', 'SCHOOL_GUIDANCE']);
    db = new pg.Client(process.env.DATABASE_URL);
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await api.stop();
  });

  interface Duplicates {
    a: Person;
    b: Person;
    kept: FamilyWithPlan;
    absorbed: FamilyWithPlan;
  }

  /**
   * The Peeters family registered twice: by `a` of agency A and by `b` of agency B, each the supporter of
   * its own registration's plan, and each registration consenting to its own agency only.
   */
  async function duplicates(members: { kept?: FamilyMemberInput[]; absorbed?: FamilyMemberInput[] } = {}): Promise<Duplicates> {
    const a = await world.staff(agencyA);
    const b = await world.staff(agencyB);
    const kept = await world.familyWithPlan(a, { supporter: a, members: members.kept ?? parentWithTwoChildren('kept') });
    const absorbed = await world.familyWithPlan(b, { supporter: b, members: members.absorbed ?? parentWithTwoChildren('absorbed') });
    return { a, b, kept, absorbed };
  }

  /** Sara, Lien and Mo of each registration (parentWithTwoChildren), by registration. */
  const people = (d: Duplicates) => {
    const [keptSara, keptLien, keptMo] = d.kept.memberIds as [string, string, string];
    const [sara, lien, mo] = d.absorbed.memberIds as [string, string, string];
    return { keptSara, keptLien, keptMo, sara, lien, mo };
  };

  /** The Peeters family twice, Sara born on 30 July 1985 and with the national register number given (kept, absorbed), if any. */
  const withNumbers = (kept: string | undefined, absorbed: string | undefined) => {
    const family = (label: string, nationalNumber: string | undefined): FamilyMemberInput[] => {
      const [sara, ...children] = parentWithTwoChildren(label);
      return [{ ...sara!, birthDate: '1985-07-30', ...(nationalNumber ? { nationalNumber } : {}) }, ...children];
    };
    return { kept: family('kept', kept), absorbed: family('absorbed', absorbed) };
  };

  const proposal = (d: Duplicates) => ({ survivingFamilyId: d.kept.familyId, absorbedFamilyId: d.absorbed.familyId });

  async function proposed(d: Duplicates) {
    return (await api.ok(d.a.subject, ProposeFamilyMergeDocument, { input: proposal(d) })).proposeFamilyMerge;
  }

  /** The member ids `worker` sees in the family, sorted; null when the family answers an error. */
  async function visibleMembers(worker: Person, familyId: string): Promise<string[] | null> {
    const result = await api.gql(worker.subject, MergedFamilyMembersDocument, { id: familyId });
    return result.data?.family ? result.data.family.members.map((m) => m.id).sort() : null;
  }

  /** One GraphQL call by one caller. */
  type Call = (document: DocumentNode, variables: Record<string, unknown>) => Promise<GraphQLResult>;

  /** Who may not merge the kept family: another network, an unassigned and an assigned colleague of a, its portal and a partner system. */
  async function othersThan(d: Duplicates) {
    const otherNetwork = await world.network();
    const [unassigned, colleague] = await world.staffTogether(agencyA, ['CASEWORKER', 'CASEWORKER']);
    await world.assign(agencyA.admin, d.kept.familyId, colleague.userId);
    const portal = await world.portalLogin(d.a, d.kept.memberIds[0]!);
    const asClient: Call = (document, variables) => world.asIntegrationClient(agencyA, document, variables);
    return { otherNetwork, unassigned, colleague, portal, asClient };
  }

  const rows = async (sql: string, params: unknown[]) => (await db.query(sql, params)).rows;
  const merges = async (d: Duplicates) => Number((await rows(`SELECT count(*) FROM family_merge WHERE absorbed_family_id = $1`, [d.absorbed.familyId]))[0].count);

  it('the two supporters merge: members, goals, notes, consents, assignments, break-glass grants and inbox items end up in one family, the absorbed plan closed as MERGED with its history', async () => {
    const d = await duplicates();
    const { addGoal } = await api.ok(d.b.subject, AddMergeGoalDocument, {
      input: { planId: d.absorbed.planId, lifeDomain: 'HOUSING', description: 'Een grotere woning vinden', owner: 'FAMILY' },
    });
    const { addNote } = await api.ok(d.b.subject, AddMergeNoteDocument, {
      input: { planId: d.absorbed.planId, category: 'NOTES', body: 'Sara vraagt hulp bij de verhuis.', memberIds: [d.absorbed.memberIds[0]!] },
    });
    // Emergency access to the absorbed registration, which its portal member is told of in her inbox.
    await world.portalLogin(d.b, d.absorbed.memberIds[0]!);
    const { breakGlass } = await api.ok(d.b.subject, BreakGlassDocument, {
      input: { familyId: d.absorbed.familyId, justification: 'Acuut veiligheidsrisico bij de kinderen thuis', hours: 1 },
    });
    const historyBefore = await rows(`SELECT id, change FROM plan_history WHERE plan_id = $1 ORDER BY id`, [d.absorbed.planId]);

    const merge = await proposed(d);
    expect(merge).toMatchObject({ status: 'PROPOSED', version: 1, survivingFamilyId: d.kept.familyId, absorbedFamilyId: d.absorbed.familyId, mergedAt: null });
    const { confirmFamilyMerge } = await api.ok(d.b.subject, ConfirmFamilyMergeDocument, { input: { mergeId: merge.id, expectedVersion: 1 } });
    expect(confirmFamilyMerge).toMatchObject({ id: merge.id, status: 'MERGED', version: 2, mergedAt: expect.any(String) });

    // Every row of the absorbed family now belongs to the surviving family (or its open plan).
    const memberFamilies = await rows(`SELECT DISTINCT family_id FROM family_member WHERE id = ANY($1)`, [d.absorbed.memberIds]);
    expect(memberFamilies).toEqual([{ family_id: d.kept.familyId }]);
    expect(await rows(`SELECT merged_into_family_id FROM family WHERE id = $1`, [d.absorbed.familyId])).toEqual([{ merged_into_family_id: d.kept.familyId }]);
    expect(await rows(`SELECT plan_id FROM goal WHERE id = $1`, [addGoal.id])).toEqual([{ plan_id: d.kept.planId }]);
    expect(await rows(`SELECT plan_id FROM note WHERE id = $1`, [addNote.id])).toEqual([{ plan_id: d.kept.planId }]);
    expect(await rows(`SELECT count(*)::int AS n FROM consent WHERE family_id = $1`, [d.absorbed.familyId])).toEqual([{ n: 0 }]);
    expect(await rows(`SELECT DISTINCT family_id FROM case_assignment WHERE user_id = $1 AND ended_at IS NULL`, [d.b.userId])).toEqual([{ family_id: d.kept.familyId }]);
    expect(await rows(`SELECT family_id FROM break_glass_grant WHERE id = $1`, [breakGlass.id])).toEqual([{ family_id: d.kept.familyId }]);
    expect(await rows(`SELECT DISTINCT family_id FROM inbox_item WHERE subject_id = $1`, [breakGlass.id])).toEqual([{ family_id: d.kept.familyId }]);
    // The members' identity keys (docs/family-identity.md): a lookup finds the surviving family, not the absorbed one.
    expect(await rows(`SELECT DISTINCT family_id FROM family_member_identity WHERE member_id = ANY($1)`, [d.absorbed.memberIds])).toEqual([{ family_id: d.kept.familyId }]);
    expect(await rows(`SELECT family_id, status, close_reason_code FROM plan WHERE id = $1`, [d.absorbed.planId])).toEqual([
      { family_id: d.kept.familyId, status: 'CLOSED', close_reason_code: 'MERGED' },
    ]);

    // The absorbed plan's history is intact: every entry kept, the closure added, and the surviving plan says so too.
    const historyAfter = await rows(`SELECT id, change, details FROM plan_history WHERE plan_id = $1 ORDER BY id`, [d.absorbed.planId]);
    expect(historyAfter.slice(0, historyBefore.length).map(({ id, change }) => ({ id, change }))).toEqual(historyBefore);
    expect(historyAfter.at(-1)).toMatchObject({ change: 'PLAN_CLOSED', details: { reasonCode: 'MERGED', mergedIntoPlanId: d.kept.planId, mergeId: merge.id } });
    const { plan } = await api.ok(d.a.subject, MergedPlanDocument, { id: d.kept.planId });
    expect(plan.history.edges.map((e) => e.node)).toContainEqual({ change: 'FAMILY_MERGED', details: { absorbedPlanId: d.absorbed.planId, mergeId: merge.id } });

    // Audited, in the surviving family's access log: the proposal and its confirmation.
    const audited = await rows(`SELECT action FROM audit_event WHERE entity_type = 'family_merge' AND entity_id = $1 AND family_id = $2 ORDER BY seq`, [
      merge.id,
      d.kept.familyId,
    ]);
    expect(audited.map((r) => r.action)).toEqual(['INSERT', 'UPDATE']);

    // The old family id answers as an unknown one; the old plan id answers the closed plan in the surviving family.
    expect(codeOf(await api.gql(d.b.subject, MergedFamilyMembersDocument, { id: d.absorbed.familyId }))).toBe('NOT_FOUND');
    expect(codeOf(await api.gql(d.a.subject, MergedFamilyMembersDocument, { id: d.absorbed.familyId }))).toBe('NOT_FOUND');
  });

  it('widens no consent: each caseworker sees no member it did not see before, and the absorbed family-level consent opens no plan', async () => {
    const d = await duplicates();
    const before = {
      a: { kept: await visibleMembers(d.a, d.kept.familyId), absorbed: await visibleMembers(d.a, d.absorbed.familyId) },
      b: { kept: await visibleMembers(d.b, d.kept.familyId), absorbed: await visibleMembers(d.b, d.absorbed.familyId) },
    };
    expect(before).toEqual({
      a: { kept: [...d.kept.memberIds].sort(), absorbed: null },
      b: { kept: null, absorbed: [...d.absorbed.memberIds].sort() },
    });
    const merge = await proposed(d);
    await api.ok(d.b.subject, ConfirmFamilyMergeDocument, { input: { mergeId: merge.id } });

    // One family now: each sees exactly the members whose own consent it held before.
    expect(await visibleMembers(d.a, d.kept.familyId)).toEqual(before.a.kept);
    expect(await visibleMembers(d.b, d.kept.familyId)).toEqual(before.b.absorbed);
    // B's plan consents were given in the absorbed registration: they do not open the surviving plan. The closed
    // plan b opened stays b's to read (as its author), closed as MERGED in the surviving family.
    expect(codeOf(await api.gql(d.b.subject, MergedPlanDocument, { id: d.kept.planId }))).toBe('NOT_FOUND');
    const { plan } = await api.ok(d.b.subject, MergedPlanDocument, { id: d.absorbed.planId });
    expect(plan).toMatchObject({ status: 'CLOSED', closeReasonCode: 'MERGED', family: { id: d.kept.familyId } });
    // The consent_grant rows still name the registration they were given in.
    const grantFamilies = await rows(
      `SELECT DISTINCT cg.family_id FROM consent_grant cg JOIN consent c ON c.id = cg.consent_id WHERE c.recipient_agency_id = $1 AND cg.member_id = ANY($2)`,
      [agencyB.id, d.absorbed.memberIds],
    );
    expect(grantFamilies).toEqual([{ family_id: d.absorbed.familyId }]);
  });

  it('refuses everyone else: NOT_FOUND to who may not see either family, FORBIDDEN to who sees one but may not merge it, and nothing changes', async () => {
    const d = await duplicates();
    const { otherNetwork, unassigned, colleague, portal, asClient } = await othersThan(d);
    const answers = {
      "another network's coordinator": codeOf(await api.gql(otherNetwork.coordinator.subject, ProposeFamilyMergeDocument, { input: proposal(d) })),
      'a caseworker of the same agency without assignment': codeOf(await api.gql(unassigned.subject, ProposeFamilyMergeDocument, { input: proposal(d) })),
      'an assigned caseworker who is not the supporter': codeOf(await api.gql(colleague.subject, ProposeFamilyMergeDocument, { input: proposal(d) })),
      "the agency's admin": codeOf(await api.gql(agencyA.admin.subject, ProposeFamilyMergeDocument, { input: proposal(d) })),
      'a portal login of the family': codeOf(await api.gql(portal, ProposeFamilyMergeDocument, { input: proposal(d) })),
      "the agency's integration client": codeOf(await asClient(ProposeFamilyMergeDocument, { input: proposal(d) })),
    };
    expect(answers).toEqual({
      "another network's coordinator": 'NOT_FOUND',
      'a caseworker of the same agency without assignment': 'NOT_FOUND',
      'an assigned caseworker who is not the supporter': 'FORBIDDEN',
      "the agency's admin": 'FORBIDDEN',
      'a portal login of the family': 'FORBIDDEN',
      "the agency's integration client": 'FORBIDDEN',
    });
    expect(await merges(d)).toBe(0);

    // A proposal is confirmed by the other family's supporter or the coordinator, never by the proposer's side.
    const merge = await proposed(d);
    const confirm = (subject: string, expectedVersion?: number) => api.gql(subject, ConfirmFamilyMergeDocument, { input: { mergeId: merge.id, expectedVersion } });
    expect(codeOf(await confirm(d.a.subject))).toBe('FORBIDDEN');
    expect(codeOf(await confirm(colleague.subject))).toBe('FORBIDDEN');
    expect(codeOf(await confirm(unassigned.subject))).toBe('NOT_FOUND');
    expect(codeOf(await confirm(otherNetwork.coordinator.subject))).toBe('NOT_FOUND');
    expect(codeOf(await confirm(portal))).toBe('FORBIDDEN');
    expect(codeOf(await confirm(d.b.subject, 7))).toBe('CONFLICT');
    expect(await rows(`SELECT status, version FROM family_merge WHERE id = $1`, [merge.id])).toEqual([{ status: 'PROPOSED', version: 1 }]);
    expect(await rows(`SELECT DISTINCT family_id FROM family_member WHERE id = ANY($1)`, [d.absorbed.memberIds])).toEqual([{ family_id: d.absorbed.familyId }]);

    // Once merged, the state errors name the state.
    await api.ok(d.b.subject, ConfirmFamilyMergeDocument, { input: { mergeId: merge.id, expectedVersion: 1 } });
    // b, no longer a supporter once its plan closed, has no part in it any more; a, the surviving supporter, has.
    expect(codeOf(await confirm(d.b.subject))).toBe('FORBIDDEN');
    const again = await confirm(d.a.subject);
    expect(codeOf(again)).toBe('INVALID_TRANSITION');
    expect(again.errors![0]!.extensions!.currentStatus).toBe('MERGED');
    const reproposed = await api.gql(d.a.subject, ProposeFamilyMergeDocument, { input: proposal(d) });
    expect(codeOf(reproposed)).toBe('INVALID_TRANSITION');
    expect(reproposed.errors![0]!.extensions!.currentStatus).toBe('MERGED');
  });

  it('answers bad input with the field, the same for an unknown family as for one of another network', async () => {
    const d = await duplicates();
    const elsewhere = await world.network();
    const stranger = await world.staff(await world.agency(elsewhere));
    const foreign = await world.familyWithPlan(stranger, { supporter: stranger });
    const field = (result: GraphQLResult) => [codeOf(result), result.errors?.[0]?.extensions?.field];
    const propose = (input: { survivingFamilyId: string; absorbedFamilyId: string }) => api.gql(d.a.subject, ProposeFamilyMergeDocument, { input });

    expect(field(await propose({ survivingFamilyId: d.kept.familyId, absorbedFamilyId: d.kept.familyId }))).toEqual(['BAD_USER_INPUT', 'absorbedFamilyId']);
    expect(field(await propose({ survivingFamilyId: d.kept.familyId, absorbedFamilyId: '0190aaaa-0000-7000-8000-000000000000' }))).toEqual([
      'BAD_USER_INPUT',
      'absorbedFamilyId',
    ]);
    expect(field(await propose({ survivingFamilyId: d.kept.familyId, absorbedFamilyId: foreign.familyId }))).toEqual(['BAD_USER_INPUT', 'absorbedFamilyId']);
    expect(field(await propose({ survivingFamilyId: foreign.familyId, absorbedFamilyId: d.kept.familyId }))).toEqual(['BAD_USER_INPUT', 'survivingFamilyId']);
    expect(codeOf(await propose({ survivingFamilyId: 'not-an-id', absorbedFamilyId: d.kept.familyId }))).toBe('BAD_USER_INPUT');
    expect(await rows(`SELECT count(*)::int AS n FROM family_merge WHERE proposed_by_user_id = $1`, [d.a.userId])).toEqual([{ n: 0 }]);

    // MERGED is the merge's reason, never closePlan's.
    const closing = await api.gql(d.a.subject, CloseMergePlanDocument, { input: { planId: d.kept.planId, reasonCode: 'MERGED' } });
    expect(field(closing)).toEqual(['BAD_USER_INPUT', 'reasonCode']);
  });

  it('the network coordinator merges alone, once per idempotency key, and the family is told in its inbox and its access log', async () => {
    const d = await duplicates();
    const portal = await world.portalLogin(d.b, d.absorbed.memberIds[0]!);
    const input = { ...proposal(d), idempotencyKey: `merge-${d.absorbed.familyId}` };
    const { proposeFamilyMerge: first } = await api.ok(network.coordinator.subject, ProposeFamilyMergeDocument, { input });
    expect(first).toMatchObject({ status: 'MERGED', version: 2 });
    const { proposeFamilyMerge: repeat } = await api.ok(network.coordinator.subject, ProposeFamilyMergeDocument, { input });
    expect(repeat).toMatchObject({ id: first.id, status: 'MERGED' });
    expect(await merges(d)).toBe(1);

    const { inbox } = await api.ok(portal, InboxDocument, {});
    expect(inbox.edges.map((e) => e.node)).toContainEqual(
      expect.objectContaining({
        kind: 'FAMILY_MERGED',
        text: 'Uw gezin was twee keer ingeschreven. De twee inschrijvingen zijn samengevoegd tot één gezin en één plan.',
        about: { type: 'Plan', id: d.kept.planId },
        family: { id: d.kept.familyId },
      }),
    );
    // …and in its access log, as the coordinator's doing.
    const { accessLog } = await api.ok(portal, AccessLogDescriptionsDocument, { f: d.kept.familyId });
    const lines = accessLog.edges.map((e) => e.node.description);
    expect(lines.join('\n')).toContain('voegde twee inschrijvingen van uw gezin samen tot één gezin en één plan');
    // The log of the family that goes on keeps what was done in the absorbed registration: both were registered.
    const registrations: string[] = [];
    let after: string | null = null;
    do {
      const page: AccessLogEntriesQuery['accessLog'] = (await api.ok(portal, AccessLogEntriesDocument, { f: d.kept.familyId, after })).accessLog;
      registrations.push(...page.edges.filter((e) => e.node.action === 'INSERT' && e.node.entityType === 'family').map((e) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor! : null;
    } while (after);
    expect(registrations).toHaveLength(2);
  });

  it('of two confirmations at once one merges and the other names the state; a coordinator whose membership was just removed may not', async () => {
    const d = await duplicates();
    const subject = uniqueSubject('coordinator');
    const { addMembership } = await api.ok(PLATFORM_ADMIN, AddMembershipDocument, {
      input: { agencyId: network.coordinatingAgencyId, subject, displayName: 'Test coordinator', role: 'NETWORK_COORDINATOR' },
    });
    const merge = await proposed(d);
    await api.ok(PLATFORM_ADMIN, RemoveMembershipDocument, { id: addMembership.id });
    expect(codeOf(await api.gql(subject, ConfirmFamilyMergeDocument, { input: { mergeId: merge.id } }))).toBe('FORBIDDEN');
    expect(await rows(`SELECT status FROM family_merge WHERE id = $1`, [merge.id])).toEqual([{ status: 'PROPOSED' }]);

    const answers = await Promise.all([1, 2].map(() => api.gql(network.coordinator.subject, ConfirmFamilyMergeDocument, { input: { mergeId: merge.id } })));
    expect(answers.map(codeOf).sort()).toEqual(['INVALID_TRANSITION', 'OK']);
    expect(await rows(`SELECT count(*)::int AS n FROM plan_history WHERE plan_id = $1 AND change = 'FAMILY_MERGED'`, [d.kept.planId])).toEqual([{ n: 1 }]);
  });

  it('keeps consents append-only in the database: a merge may change their family and nothing else', async () => {
    const d = await duplicates();
    const [consent] = await rows(`SELECT id FROM consent WHERE family_id = $1 LIMIT 1`, [d.absorbed.familyId]);
    await expect(db.query(`UPDATE consent SET family_id = $2 WHERE id = $1`, [consent.id, d.kept.familyId])).rejects.toThrow(/append-only/);
    await db.query('BEGIN');
    try {
      await db.query(`SELECT set_config('app.family_merge', 'on', true)`);
      await expect(db.query(`UPDATE consent SET purpose = 'vervalst' WHERE id = $1`, [consent.id])).rejects.toThrow(/append-only/);
    } finally {
      await db.query('ROLLBACK');
    }
  });
  describe('members that are the same person (memberPairs)', () => {
    const pairOf = (absorbedMemberId: string, survivingMemberId: string) => ({ absorbedMemberId, survivingMemberId });

    it("maps each pair: the absorbed member's goals, actions, notes, referrals, consents, assessment, inbox, portal login and number are the surviving member's, and her record answers NOT_FOUND", async () => {
      const d = await duplicates(withNumbers(undefined, '85073003526'));
      const { keptSara, keptLien, keptMo, sara } = people(d);
      // In the absorbed registration, b records what names Sara; Sara uses the portal there.
      const portal = await world.portalLogin(d.b, sara);
      const { addGoal } = await api.ok(d.b.subject, AddMergeGoalDocument, {
        input: { planId: d.absorbed.planId, lifeDomain: 'HOUSING', description: 'Een grotere woning vinden', owner: 'FAMILY', memberIds: [sara] },
      });
      const { addAction } = await api.ok(d.b.subject, AddActionDocument, { input: { goalId: addGoal.id, title: 'Huurpremie aanvragen', assigneeMemberId: sara } });
      const { addNote } = await api.ok(d.b.subject, AddMergeNoteDocument, {
        input: { planId: d.absorbed.planId, category: 'NOTES', body: 'Sara zoekt werk.', memberIds: [sara] },
      });
      const { createReferral } = await api.ok(d.b.subject, CreateReferralDocument, {
        input: { planId: d.absorbed.planId, toAgencyId: agencyA.id, memberIds: [sara], reason: 'Begeleiding naar werk', requestedService: 'Jobcoaching', urgency: 'ROUTINE' },
      });
      await api.ok(d.b.subject, AssessCapacityDocument, { input: { memberId: sara, capable: true, reason: 'Beslist zelf over haar plan' } });
      await api.ok(d.b.subject, BreakGlassDocument, { input: { familyId: d.absorbed.familyId, justification: 'Acuut veiligheidsrisico bij de kinderen thuis', hours: 1 } });
      const [saraConsent] = await rows(`SELECT id FROM consent WHERE grantor_member_id = $1 AND $1 = ANY (SELECT member_id FROM consent_subject WHERE consent_id = consent.id)`, [sara]);
      const numberKey = (await rows(`SELECT national_number_hash FROM family_member_identity WHERE member_id = $1`, [sara]))[0].national_number_hash;

      const { proposeFamilyMerge: merge } = await api.ok(d.a.subject, ProposeFamilyMergeDocument, { input: { ...proposal(d), memberPairs: [pairOf(sara, keptSara)] } });
      expect(merge.memberPairs).toEqual([pairOf(sara, keptSara)]);
      // The confirmer sees the pairs she confirms.
      expect((await api.ok(d.b.subject, FamilyMergeProposalsDocument, { familyId: d.absorbed.familyId })).familyMergeProposals).toEqual([
        { id: merge.id, status: 'PROPOSED', version: 1 },
      ]);
      const { confirmFamilyMerge } = await api.ok(d.b.subject, ConfirmFamilyMergeDocument, { input: { mergeId: merge.id, expectedVersion: 1 } });
      expect(confirmFamilyMerge).toMatchObject({ status: 'MERGED', memberPairs: [pairOf(sara, keptSara)] });

      // a, the surviving supporter, holds kept Sara's consents: every record about Sara is hers, seen as such.
      const seenByA = await api.ok(d.a.subject, MergedMemberRecordsDocument, { id: d.kept.familyId, planId: d.kept.planId });
      expect(seenByA.family!.members.map((m) => m.id).sort()).toEqual([keptSara, keptLien, keptMo].sort());
      expect(seenByA.plan!.goals.find((g) => g.id === addGoal.id)).toEqual({ id: addGoal.id, members: [{ id: keptSara }], actions: [{ id: addAction.id, assigneeMember: { id: keptSara } }] });
      expect(seenByA.plan!.notes.find((n) => n.id === addNote.id)).toEqual({ id: addNote.id, members: [{ id: keptSara }] });
      expect(seenByA.family!.referrals.find((r) => r.id === createReferral.id)).toEqual({ id: createReferral.id, members: [{ id: keptSara }] });
      expect(seenByA.consents.find((c) => c.id === saraConsent.id)).toEqual({ id: saraConsent.id, subjectMemberIds: [keptSara], grantor: { id: keptSara } });

      // Her old record: kept for the audit, pointing at the member it became, and NOT_FOUND as a member to everyone.
      expect(await rows(`SELECT family_id, merged_into_member_id, portal_subject FROM family_member WHERE id = $1`, [sara])).toEqual([
        { family_id: d.absorbed.familyId, merged_into_member_id: keptSara, portal_subject: null },
      ]);
      for (const worker of [d.a, d.b]) expect(codeOf(await api.gql(worker.subject, FamilyMemberHistoryDocument, { memberId: sara }))).toBe('NOT_FOUND');
      // Her number's key is kept Sara's, once; the old record has no key left.
      expect(await rows(`SELECT member_id, family_id FROM family_member_identity WHERE national_number_hash = $1 OR member_id = $2`, [numberKey, sara])).toEqual([
        { member_id: keptSara, family_id: d.kept.familyId },
      ]);

      // Her portal login reaches kept Sara: her consent, her assessment, her inbox (the emergency access told before, the merge now).
      const { myFamily } = await api.ok(portal, MergedMyFamilyDocument, {});
      expect(myFamily.me.id).toBe(keptSara);
      expect(myFamily.family.id).toBe(d.kept.familyId);
      expect(myFamily.consents.map((c) => c.id)).toContain(saraConsent.id);
      expect(myFamily.capacityAssessments.map((a) => a.member?.id)).toEqual([keptSara]);
      const { inbox } = await api.ok(portal, InboxDocument, {});
      const kinds = inbox.edges.map((e) => e.node.kind);
      expect(kinds).toEqual(expect.arrayContaining(['BREAK_GLASS_USED', 'FAMILY_MERGED']));
      expect(inbox.edges.find((e) => e.node.kind === 'FAMILY_MERGED')!.node.text).toBe(
        'Uw gezin was twee keer ingeschreven. De twee inschrijvingen zijn samengevoegd tot één gezin en één plan. Eén gezinslid stond in beide inschrijvingen: die twee gegevens zijn nu één.',
      );

      // …and her access log says what moved to her.
      const { accessLog } = await api.ok(portal, AccessLogDescriptionsDocument, { f: d.kept.familyId });
      const lines = accessLog.edges.map((e) => e.node.description).join('\n');
      expect(lines).toContain('bracht een toestemming over naar het gezinslid dat twee keer ingeschreven was');
      expect(lines).toContain('bracht een doorverwijzing over naar het gezinslid dat twee keer ingeschreven was');

      // Audited under b, who confirmed: the member's record, the consent events and referral members re-pointed.
      const audited = await rows(
        `SELECT DISTINCT entity_type FROM audit_event WHERE action = 'UPDATE' AND actor_user_id = $1 AND family_id = ANY($2) ORDER BY entity_type`,
        [d.b.userId, [d.kept.familyId, d.absorbed.familyId]],
      );
      expect(audited.map((r) => r.entity_type)).toEqual(expect.arrayContaining(['capacity_assessment', 'consent', 'consent_subject', 'family_member', 'family_merge', 'referral_member']));
      expect(await rows(`SELECT member_pairs FROM family_merge WHERE id = $1`, [merge.id])).toEqual([{ member_pairs: [pairOf(sara, keptSara)] }]);
    });

    it('widens no consent: a consent of the absorbed member covers the surviving member only where her own consents already did', async () => {
      const d = await duplicates();
      const { keptSara, keptLien, keptMo, sara, lien, mo } = people(d);
      // Kept Sara shares her identity with B; the absorbed Sara shared every category with B.
      await api.ok(d.a.subject, RecordConsentDocument, {
        input: {
          grantorMemberId: keptSara,
          subjectMemberIds: [keptSara],
          recipientAgencyId: agencyB.id,
          categories: ['IDENTITY'],
          purposeCode: 'PLAN_COORDINATION',
          purpose: 'Samen werken aan het gezinsplan',
          method: 'WRITTEN',
          evidenceReference: 'form-identity',
        },
      });
      const [saraConsent] = await rows(`SELECT id, categories FROM consent WHERE id IN (SELECT consent_id FROM consent_subject WHERE member_id = $1)`, [sara]);
      expect(saraConsent.categories.length).toBeGreaterThan(1);
      const merge = (await api.ok(d.a.subject, ProposeFamilyMergeDocument, { input: { ...proposal(d), memberPairs: [pairOf(sara, keptSara)] } })).proposeFamilyMerge;
      await api.ok(d.b.subject, ConfirmFamilyMergeDocument, { input: { mergeId: merge.id } });

      // a sees what it saw; b the members it saw, Sara as the one she is now (whose identity she shared with B herself).
      expect(await visibleMembers(d.a, d.kept.familyId)).toEqual([keptSara, keptLien, keptMo].sort());
      expect(await visibleMembers(d.b, d.kept.familyId)).toEqual([keptSara, lien, mo].sort());
      expect(await visibleMembers(d.b, d.absorbed.familyId)).toBeNull();
      // The absorbed consent now names kept Sara, and grants B only the category her own consent did.
      const grants = await rows(`SELECT member_id, array_agg(category ORDER BY category) AS categories FROM consent_grant WHERE consent_id = $1 GROUP BY member_id`, [saraConsent.id]);
      expect(grants).toEqual([{ member_id: keptSara, categories: ['IDENTITY'] }]);
      // B's plan consents stay with the registration they were given in: the surviving plan stays closed to b.
      expect(codeOf(await api.gql(d.b.subject, MergedPlanDocument, { id: d.kept.planId }))).toBe('NOT_FOUND');
    });

    it('who may state pairs, and bad pairs: BAD_USER_INPUT naming memberPairs.N.…, the same for a member one may not read as for none, and nothing changes', async () => {
      const d = await duplicates(withNumbers('85073003328', '85073003427'));
      const { keptSara, keptLien, keptMo, sara, lien } = people(d);
      const stranger = await world.staff(agencyA);
      const foreign = await world.familyWithPlan(stranger, { supporter: stranger });
      const field = (result: GraphQLResult) => [codeOf(result), result.errors?.[0]?.extensions?.field];
      const propose = (memberPairs: { absorbedMemberId: string; survivingMemberId: string }[], subject = d.a.subject) =>
        api.gql(subject, ProposeFamilyMergeDocument, { input: { ...proposal(d), memberPairs } });

      expect(field(await propose([pairOf(keptLien, keptSara)]))).toEqual(['BAD_USER_INPUT', 'memberPairs.0.absorbedMemberId']);
      expect(field(await propose([pairOf(lien, foreign.memberIds[0]!)]))).toEqual(['BAD_USER_INPUT', 'memberPairs.0.survivingMemberId']);
      expect(field(await propose([pairOf(lien, keptLien), pairOf(lien, keptMo)]))).toEqual(['BAD_USER_INPUT', 'memberPairs.1.absorbedMemberId']);
      expect(field(await propose([pairOf(lien, keptMo)]))).toEqual(['BAD_USER_INPUT', 'memberPairs.0.absorbedMemberId']);
      // Two numbers that differ are two people, whatever the names and birth dates say.
      expect(field(await propose([pairOf(sara, keptSara)]))).toEqual(['BAD_USER_INPUT', 'memberPairs.0.absorbedMemberId']);
      expect(field(await propose([pairOf('not-an-id', keptSara)]))).toEqual(['BAD_USER_INPUT', 'memberPairs.0.absorbedMemberId']);
      // Who may not propose may not state pairs either.
      const { unassigned, colleague, portal, asClient } = await othersThan(d);
      const withPairs = { input: { ...proposal(d), memberPairs: [pairOf(lien, keptLien)] } };
      expect([
        codeOf(await api.gql(unassigned.subject, ProposeFamilyMergeDocument, withPairs)),
        codeOf(await api.gql(colleague.subject, ProposeFamilyMergeDocument, withPairs)),
        codeOf(await api.gql(portal, ProposeFamilyMergeDocument, withPairs)),
        codeOf(await asClient(ProposeFamilyMergeDocument, withPairs)),
      ]).toEqual(['NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
      // The coordinator reads no member: she cannot vouch for pairs, and answers as for members that are not there.
      const byCoordinator = await propose([pairOf(lien, keptLien)], network.coordinator.subject);
      expect(field(byCoordinator)).toEqual(['BAD_USER_INPUT', 'memberPairs.0.absorbedMemberId']);
      expect(byCoordinator.errors![0]!.message).toBe((await propose([pairOf(keptMo, keptLien)], network.coordinator.subject)).errors![0]!.message);
      expect(await merges(d)).toBe(0);

      // a states Lien, b would confirm; the coordinator, who cannot read Lien, may not confirm the pairs for b.
      const merge = (await api.ok(d.a.subject, ProposeFamilyMergeDocument, { input: { ...proposal(d), memberPairs: [pairOf(lien, keptLien)] } })).proposeFamilyMerge;
      const byCoordinatorConfirm = await api.gql(network.coordinator.subject, ConfirmFamilyMergeDocument, { input: { mergeId: merge.id } });
      expect(codeOf(byCoordinatorConfirm)).toBe('FORBIDDEN');
      expect(byCoordinatorConfirm.errors![0]!.message).toContain('memberPairs.0.absorbedMemberId');
      expect(await rows(`SELECT status FROM family_merge WHERE id = $1`, [merge.id])).toEqual([{ status: 'PROPOSED' }]);
      expect(await rows(`SELECT count(*)::int AS n FROM family_member WHERE merged_into_member_id IS NOT NULL AND id = ANY($1)`, [d.absorbed.memberIds])).toEqual([{ n: 0 }]);
      await api.ok(d.b.subject, ConfirmFamilyMergeDocument, { input: { mergeId: merge.id } });
      expect(await rows(`SELECT id, merged_into_member_id FROM family_member WHERE merged_into_member_id IS NOT NULL AND id = ANY($1)`, [d.absorbed.memberIds])).toEqual([
        { id: lien, merged_into_member_id: keptLien },
      ]);
    });

    it("leaves nothing of hers on the ended record: her e-mail setting, her pending correction request and her erasure request follow her; a second portal login ends, recorded as ended by the merge", async () => {
      const d = await duplicates();
      const { keptSara, sara } = people(d);
      // Sara uses the portal in both registrations; in the absorbed one she asked for e-mails, a correction and erasure.
      const keptLogin = await world.portalLogin(d.a, keptSara);
      const absorbedLogin = await world.portalLogin(d.b, sara);
      await api.ok(keptLogin, SetNotificationChannelDocument, { input: { channel: 'IMMEDIATE', email: 'sara.kept@example.org' } });
      await api.ok(absorbedLogin, SetNotificationChannelDocument, { input: { channel: 'DAILY_DIGEST', email: 'sara.absorbed@example.org' } });
      const { requestMemberCorrection: asked } = await api.ok(absorbedLogin, RequestMemberCorrectionDocument, { input: { memberId: sara, changes: { familyName: 'Peeters-Claes' } } });
      const erasure = await api.gql(absorbedLogin, RequestErasureDocument, { input: { memberId: sara, reason: 'Ik wil uit het systeem' } });
      expect(erasure.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', refusal: 'OPEN_PLAN' });

      const merge = (await api.ok(d.a.subject, ProposeFamilyMergeDocument, { input: { ...proposal(d), memberPairs: [pairOf(sara, keptSara)] } })).proposeFamilyMerge;
      await api.ok(d.b.subject, ConfirmFamilyMergeDocument, { input: { mergeId: merge.id } });

      // The surviving Sara keeps the setting she chose herself; the ended record's address is forgotten.
      expect(await rows(`SELECT member_id, family_id, channel, email FROM notification_channel WHERE member_id = ANY($1)`, [[keptSara, sara]])).toEqual([
        { member_id: keptSara, family_id: d.kept.familyId, channel: 'IMMEDIATE', email: 'sara.kept@example.org' },
      ]);
      expect((await api.ok(keptLogin, MyNotificationChannelDocument, {})).myNotificationChannel).toEqual({ channel: 'IMMEDIATE', email: 'sara.kept@example.org' });
      // Her second login ended, recorded as ended by the merge, by who confirmed it, in the family that goes on.
      expect(await rows(`SELECT family_id, member_id, ended_by_user_id, reason FROM portal_login_ended WHERE member_id = ANY($1)`, [[keptSara, sara]])).toEqual([
        { family_id: d.kept.familyId, member_id: sara, ended_by_user_id: d.b.userId, reason: 'MEMBER_MERGED' },
      ]);
      expect(codeOf(await api.gql(absorbedLogin, MergedMyFamilyDocument, {}))).not.toBe('OK');
      expect((await api.ok(keptLogin, MergedMyFamilyDocument, {})).myFamily.me.id).toBe(keptSara);
      // The pending correction follows the person: the surviving supporter sees it about kept Sara and applies it; Sara is told.
      expect(await rows(`SELECT member_id, requested_by_member_id, family_id FROM member_correction_request WHERE id = $1`, [asked.id])).toEqual([
        { member_id: keptSara, requested_by_member_id: keptSara, family_id: d.kept.familyId },
      ]);
      expect((await api.ok(d.a.subject, MemberCorrectionRequestsDocument, { memberId: keptSara })).memberCorrectionRequests.map((r) => [r.id, r.status])).toEqual([[asked.id, 'REQUESTED']]);
      await api.ok(d.a.subject, ApplyMemberCorrectionDocument, { input: { requestId: asked.id, expectedVersion: 1 } });
      expect(await rows(`SELECT family_name FROM family_member WHERE id = $1`, [keptSara])).toEqual([{ family_name: 'Peeters-Claes' }]);
      expect((await api.ok(keptLogin, InboxDocument, {})).inbox.edges.map((e) => e.node.kind)).toContain('MEMBER_CORRECTION_APPLIED');
      // Her erasure request names her and the family that goes on (whose erasure erases its reason).
      expect(await rows(`SELECT member_id, requested_by_member_id, family_id FROM erasure_request WHERE member_id = ANY($1) OR requested_by_member_id = ANY($1)`, [[keptSara, sara]])).toEqual([
        { member_id: keptSara, requested_by_member_id: keptSara, family_id: d.kept.familyId },
      ]);
      // Each change is an audited write under b, who confirmed, in the family's access log.
      const audited = await rows(`SELECT DISTINCT entity_type, action FROM audit_event WHERE actor_user_id = $1 AND entity_type = ANY($2) ORDER BY entity_type, action`, [
        d.b.userId,
        ['notification_channel', 'portal_login_ended', 'member_correction_request', 'erasure_request'],
      ]);
      expect(audited).toEqual([
        { entity_type: 'erasure_request', action: 'UPDATE' },
        { entity_type: 'member_correction_request', action: 'UPDATE' },
        { entity_type: 'notification_channel', action: 'DELETE' },
        { entity_type: 'portal_login_ended', action: 'INSERT' },
      ]);
    });

    it('gives the surviving member the ended record\'s e-mail setting and portal login when she has none, and records no ended login', async () => {
      const d = await duplicates();
      const { keptSara, sara } = people(d);
      const absorbedLogin = await world.portalLogin(d.b, sara);
      await api.ok(absorbedLogin, SetNotificationChannelDocument, { input: { channel: 'DAILY_DIGEST', email: 'sara@example.org' } });
      const merge = (await api.ok(d.a.subject, ProposeFamilyMergeDocument, { input: { ...proposal(d), memberPairs: [pairOf(sara, keptSara)] } })).proposeFamilyMerge;
      await api.ok(d.b.subject, ConfirmFamilyMergeDocument, { input: { mergeId: merge.id } });

      expect((await api.ok(absorbedLogin, MyNotificationChannelDocument, {})).myNotificationChannel).toEqual({ channel: 'DAILY_DIGEST', email: 'sara@example.org' });
      expect(await rows(`SELECT member_id, family_id FROM notification_channel WHERE member_id = ANY($1)`, [[keptSara, sara]])).toEqual([{ member_id: keptSara, family_id: d.kept.familyId }]);
      expect(await rows(`SELECT count(*)::int AS n FROM portal_login_ended WHERE member_id = ANY($1)`, [[keptSara, sara]])).toEqual([{ n: 0 }]);
    });

    it('costs as many SQL statements for three pairs as for one, proposed and confirmed', async () => {
      const cost = async (pairsOf: (p: ReturnType<typeof people>) => { absorbedMemberId: string; survivingMemberId: string }[]) => {
        const d = await duplicates();
        const memberPairs = pairsOf(people(d));
        let mergeId = '';
        const proposing = await api.countStatements(async () => {
          mergeId = (await api.ok(d.a.subject, ProposeFamilyMergeDocument, { input: { ...proposal(d), memberPairs } })).proposeFamilyMerge.id;
        });
        const confirming = await api.countStatements(() => api.ok(d.b.subject, ConfirmFamilyMergeDocument, { input: { mergeId } }));
        return [proposing, confirming];
      };
      const one = await cost((p) => [pairOf(p.sara, p.keptSara)]);
      const three = await cost((p) => [pairOf(p.sara, p.keptSara), pairOf(p.lien, p.keptLien), pairOf(p.mo, p.keptMo)]);
      expect(three).toEqual(one);
    });

    it('keeps consent events append-only: one statement under app.member_merge may re-point a member column from a merged member to the member it became, and nothing else; erasure follows the pointer', async () => {
      const d = await duplicates();
      const { keptSara, keptLien, sara } = people(d);
      const [subject] = await rows(`SELECT consent_id FROM consent_subject WHERE member_id = $1`, [sara]);
      const repoint = (to: string) => db.query(`UPDATE consent_subject SET member_id = $2 WHERE consent_id = $1 AND member_id = $3`, [subject.consent_id, to, sara]);
      const refused = async (statement: () => Promise<unknown>) => {
        await db.query('SAVEPOINT attempt');
        await expect(statement()).rejects.toThrow(/append-only/);
        await db.query('ROLLBACK TO SAVEPOINT attempt');
      };
      await db.query('BEGIN');
      try {
        await db.query(`SELECT set_config('app.actor_subject', 'member-merge-test', true)`);
        await db.query(`SELECT set_config('app.member_merge', 'on', true)`);
        await refused(() => repoint(keptSara)); // not merged (yet)
        await db.query(`UPDATE family_member SET merged_into_member_id = $2 WHERE id = $1`, [sara, keptSara]);
        await refused(() => repoint(keptLien)); // not the member she became
        await refused(() => db.query(`UPDATE consent SET grantor_member_id = $2, purpose = 'vervalst' WHERE grantor_member_id = $1`, [sara, keptSara]));
        const [{ n }] = await rows(`SELECT count(*)::int AS n FROM audit_event WHERE $1 = ANY (member_ids)`, [sara]);
        expect(n).toBeGreaterThan(0);
        await refused(() => db.query(`UPDATE audit_event SET member_ids = array_replace(member_ids, $1, $2) WHERE $1 = ANY (member_ids)`, [sara, keptSara]));
        await db.query(`SELECT set_config('app.member_merge', '', true)`);
        await refused(() => repoint(keptSara)); // the rule is off again
        await db.query(`SELECT set_config('app.member_merge', 'on', true)`);
        await repoint(keptSara);
        // Kept Sara consented nothing to B: the re-pointed consent grants her nothing, and Sara's grants ended.
        expect(await rows(`SELECT member_id FROM consent_grant WHERE consent_id = $1`, [subject.consent_id])).toEqual([]);
        // Erasing the surviving family erases the record merged into one of its members.
        await db.query(`SELECT erase_personal_data($1)`, [d.kept.familyId]);
        expect(await rows(`SELECT given_name FROM family_member WHERE id = $1`, [sara])).toEqual([{ given_name: '[erased]' }]);
      } finally {
        await db.query('ROLLBACK');
      }
    });
  });

  describe('consents do not widen', () => {
    /**
     * Each registration with a family-data goal (a PLAN goal naming nobody) and a note naming nobody, written by its
     * supporter; `a2` and `b2`, colleagues of the supporters assigned to their own agency's registration, see
     * what the consents of their agency allow (not what they wrote).
     */
    async function withRecords() {
      const d = await duplicates();
      const a2 = await world.staff(agencyA);
      const b2 = await world.staff(agencyB);
      await world.assign(agencyA.admin, d.kept.familyId, a2.userId);
      await world.assign(agencyB.admin, d.absorbed.familyId, b2.userId);
      const goal = async (worker: Person, planId: string) =>
        (await api.ok(worker.subject, AddMergeGoalDocument, { input: { planId, lifeDomain: 'HOUSING', description: 'Een grotere woning vinden', owner: 'FAMILY' } })).addGoal.id;
      const note = async (worker: Person, planId: string) =>
        (await api.ok(worker.subject, AddMergeNoteDocument, { input: { planId, category: 'NOTES', body: 'Het gezin zoekt een woning.' } })).addNote.id;
      const records = {
        keptGoal: await goal(d.a, d.kept.planId),
        absorbedGoal: await goal(d.b, d.absorbed.planId),
        keptNote: await note(d.a, d.kept.planId),
        absorbedNote: await note(d.b, d.absorbed.planId),
      };
      return { ...d, a2, b2, ...records };
    }
    type WithRecords = Awaited<ReturnType<typeof withRecords>>;

    /** What `worker` reaches of the goals: the surviving plan's goals it reads (compiled path), and which goals it may update. */
    async function goalsSeen(worker: Person, r: WithRecords) {
      const plan = await api.gql(worker.subject, MergedPlanGoalsDocument, { id: r.kept.planId });
      const update = async (goalId: string) => codeOf(await api.gql(worker.subject, UpdateMergeGoalDocument, { input: { goalId, progressNote: 'Bezichtiging gepland.' } }));
      return {
        keptPlan: plan.data?.plan ? plan.data.plan.goals.map((g) => g.id).sort() : codeOf(plan),
        absorbedPlan: codeOf(await api.gql(worker.subject, MergedPlanDocument, { id: r.absorbed.planId })),
        updateKeptGoal: await update(r.keptGoal),
        updateAbsorbedGoal: await update(r.absorbedGoal),
      };
    }
    const merged = async (r: WithRecords) => {
      const merge = await proposed(r);
      await api.ok(r.b.subject, ConfirmFamilyMergeDocument, { input: { mergeId: merge.id } });
    };
    /** A PLAN consent of one member to `agencyId`, recorded by `worker`; its id. */
    const planConsent = async (worker: Person, memberId: string, agencyId: string) =>
      (
        await api.ok(worker.subject, RecordConsentDocument, {
          input: {
            grantorMemberId: memberId,
            subjectMemberIds: [memberId],
            recipientAgencyId: agencyId,
            categories: ['PLAN'],
            purposeCode: 'PLAN_COORDINATION',
            purpose: 'Eén plan voor het hele gezin',
            method: 'WRITTEN',
            evidenceReference: `form-after-merge-${memberId}`,
          },
        })
      ).recordConsent.id;

    /**
     * The absorbed registration's members consent, one after the other, that agency A uses `category` of their data
     * (Lien decides for herself; Sara consents for herself and for Mo); `notYet` checks what holds before each.
     */
    async function absorbedMembersConsentToA(r: WithRecords, category: DataCategory, notYet: () => Promise<void>) {
      const [sara, lien, mo] = r.absorbed.memberIds as [string, string, string];
      for (const [grantorMemberId, subjectMemberIds] of [[sara, [sara, mo]], [lien, [lien]]] as const) {
        await notYet();
        await api.ok(r.b.subject, RecordConsentDocument, {
          input: {
            grantorMemberId,
            subjectMemberIds: [...subjectMemberIds],
            recipientAgencyId: agencyA.id,
            categories: [category],
            purposeCode: 'PLAN_COORDINATION',
            purpose: 'Eén plan voor het hele gezin',
            method: 'WRITTEN',
            evidenceReference: `form-${category}-after-merge-${grantorMemberId}`,
          },
        });
      }
    }

    it("a family-level consent of one registration covers that registration's plan and goals only, for the caseworkers of both agencies", async () => {
      const r = await withRecords();
      const sorted = (...ids: string[]) => [...ids].sort();
      expect(await goalsSeen(r.a2, r)).toEqual({ keptPlan: [r.keptGoal], absorbedPlan: 'NOT_FOUND', updateKeptGoal: 'OK', updateAbsorbedGoal: 'NOT_FOUND' });
      expect(await goalsSeen(r.b2, r)).toEqual({ keptPlan: 'NOT_FOUND', absorbedPlan: 'OK', updateKeptGoal: 'NOT_FOUND', updateAbsorbedGoal: 'OK' });

      await merged(r);
      // A's consents were given in the surviving registration: its plan, and the goals written there. The goal moved
      // in from the absorbed plan stays under the absorbed registration's consents (B's), and so does its closed plan.
      expect(await goalsSeen(r.a2, r)).toEqual({ keptPlan: [r.keptGoal], absorbedPlan: 'NOT_FOUND', updateKeptGoal: 'OK', updateAbsorbedGoal: 'NOT_FOUND' });
      expect(await goalsSeen(r.b2, r)).toEqual({ keptPlan: 'NOT_FOUND', absorbedPlan: 'OK', updateKeptGoal: 'NOT_FOUND', updateAbsorbedGoal: 'OK' });
      // The read of the absorbed plan is audited under the consents it rests on: B's, given in the absorbed registration.
      const [read] = await rows(`SELECT consent_ids FROM audit_event WHERE actor_user_id = $1 AND action = 'READ' AND entity_type = 'Plan' ORDER BY seq DESC LIMIT 1`, [r.b2.userId]);
      const basis = await rows(`SELECT DISTINCT recipient_agency_id FROM consent WHERE id = ANY($1)`, [read.consent_ids]);
      expect(basis).toEqual([{ recipient_agency_id: agencyB.id }]);
      // A note naming nobody concerns the members of the registration it was written in: A's consents cover A's note.
      const { plan } = await api.ok(r.a2.subject, MergedPlanDocument, { id: r.kept.planId });
      expect(plan.notes.map((n) => n.id)).toEqual([r.keptNote]);
      // The family's own view does not depend on agencies' consents: a portal member of either registration sees both goals.
      for (const [worker, memberId] of [[r.a, r.kept.memberIds[0]!], [r.b, r.absorbed.memberIds[0]!]] as const) {
        const portal = await world.portalLogin(worker, memberId);
        const { myFamily } = await api.ok(portal, MyPlanGoalsDocument, {});
        expect(myFamily.family.plan!.goals.map((g) => g.id).sort()).toEqual(sorted(r.keptGoal, r.absorbedGoal));
      }
      const moved = await rows(`SELECT id, consent_family_id FROM goal WHERE id = ANY($1) ORDER BY id`, [[r.keptGoal, r.absorbedGoal]]);
      expect(moved).toEqual(
        [
          { id: r.keptGoal, consent_family_id: null },
          { id: r.absorbedGoal, consent_family_id: r.absorbed.familyId },
        ].sort((x, y) => x.id.localeCompare(y.id)),
      );
    });

    it("a note naming nobody concerns its own registration's members: each agency reads its own registration's, the other's once that registration's members consent; one written after the merge concerns every member", async () => {
      const r = await withRecords();
      // The kept Sara lets B use the kept plan, so that B's caseworkers read its notes at all.
      await planConsent(r.a, r.kept.memberIds[0]!, agencyB.id);
      await merged(r);
      const notesSeen = async (worker: Person) => (await api.ok(worker.subject, MergedPlanDocument, { id: r.kept.planId })).plan.notes.map((n) => n.id).sort();
      expect(await notesSeen(r.a2)).toEqual([r.keptNote]);
      expect(await notesSeen(r.b2)).toEqual([r.absorbedNote]);

      // Written after the merge, a note naming nobody is about the one family: every member of both registrations.
      const { addNote: after } = await api.ok(r.a.subject, AddMergeNoteDocument, { input: { planId: r.kept.planId, category: 'NOTES', body: 'Het hele gezin verhuist.' } });
      expect(await notesSeen(r.a2)).toEqual([r.keptNote]);

      // The absorbed registration's members consent that A uses their notes: A reads that registration's note, and the later one.
      await absorbedMembersConsentToA(r, 'NOTES', async () => expect(await notesSeen(r.a2)).toEqual([r.keptNote]));
      expect(await notesSeen(r.a2)).toEqual([r.keptNote, r.absorbedNote, after.id].sort());
      // B's caseworkers are not widened by A's consents.
      expect(await notesSeen(r.b2)).toEqual([r.absorbedNote]);
      expect(await rows(`SELECT id, consent_family_id FROM note WHERE id = ANY($1) ORDER BY id`, [[r.keptNote, r.absorbedNote, after.id]])).toEqual(
        [
          { id: r.keptNote, consent_family_id: r.kept.familyId },
          { id: r.absorbedNote, consent_family_id: r.absorbed.familyId },
          { id: after.id, consent_family_id: null },
        ].sort((x, y) => x.id.localeCompare(y.id)),
      );
    });

    it("a HEALTH goal naming nobody concerns its own registration's members, on both read paths: each agency reads its own registration's, the other's once that registration's members consent; one written after the merge needs everyone; the portal sees neither", async () => {
      const r = await withRecords();
      // The kept Sara lets B use the kept plan, so that B's caseworkers read its goals at all.
      await planConsent(r.a, r.kept.memberIds[0]!, agencyB.id);
      const health = async (worker: Person, planId: string) =>
        (await api.ok(worker.subject, AddMergeGoalDocument, { input: { planId, lifeDomain: 'HEALTH', description: 'Slaapproblemen aanpakken', owner: 'FAMILY' } })).addGoal.id;
      const keptHealth = await health(r.a, r.kept.planId);
      const absorbedHealth = await health(r.b, r.absorbed.planId);
      const { addAction: absorbedAction } = await api.ok(r.b.subject, AddActionDocument, { input: { goalId: absorbedHealth, title: 'Afspraak bij de huisarts', assigneeUserId: r.b.userId } });
      await merged(r);

      /** The HEALTH goals naming nobody `worker` reads in the surviving plan: compiled (goals and actions) and through the resolvers (members), alike. */
      const healthSeen = async (worker: Person) => {
        const compiled = (await api.ok(worker.subject, MergedPlanGoalActionsDocument, { id: r.kept.planId })).plan.goals;
        const resolved = (await api.ok(worker.subject, PlanGoalMembersDocument, { id: r.kept.planId })).plan.goals;
        const ids = (goals: { id: string }[]) => goals.map((g) => g.id).filter((id) => id !== r.keptGoal && id !== r.absorbedGoal).sort();
        expect(ids(resolved)).toEqual(ids(compiled));
        expect(resolved.map((g) => ({ id: g.id, actions: g.actions.map((a) => a.id) })).sort((x, y) => x.id.localeCompare(y.id))).toEqual(
          compiled.map((g) => ({ id: g.id, actions: g.actions.map((a) => a.id) })).sort((x, y) => x.id.localeCompare(y.id)),
        );
        return ids(compiled);
      };
      const completeAbsorbedAction = async (worker: Person) => codeOf(await api.gql(worker.subject, CompleteActionDocument, { input: { actionId: absorbedAction.id } }));
      expect(await healthSeen(r.a2)).toEqual([keptHealth]);
      expect(await healthSeen(r.b2)).toEqual([absorbedHealth]);
      // The action under the absorbed goal follows the goal.
      expect(await completeAbsorbedAction(r.a2)).toBe('NOT_FOUND');

      // Written after the merge, a HEALTH goal naming nobody is about the one family: every member of both registrations.
      const after = await health(r.a, r.kept.planId);
      expect(await healthSeen(r.a2)).toEqual([keptHealth]);
      expect(await healthSeen(r.b2)).toEqual([absorbedHealth]);

      // The kept registration's members consent that B uses their health data: B, holding every member's now, reads the
      // kept goal and the later one; A nothing more.
      await world.consentAll(r.a, { id: r.kept.familyId, members: r.kept.members, memberIds: r.kept.memberIds }, agencyB.id, ['HEALTH']);
      expect(await healthSeen(r.b2)).toEqual([keptHealth, absorbedHealth, after].sort());
      expect(await healthSeen(r.a2)).toEqual([keptHealth]);

      // The absorbed registration's members consent that A uses their health data, one after the other: A reads that
      // registration's goal (and its action) once all of them have, and the later goal.
      await absorbedMembersConsentToA(r, 'HEALTH', async () => expect(await healthSeen(r.a2)).toEqual([keptHealth]));
      expect(await healthSeen(r.a2)).toEqual([keptHealth, absorbedHealth, after].sort());
      expect(await healthSeen(r.b2)).toEqual([keptHealth, absorbedHealth, after].sort());
      expect(await completeAbsorbedAction(r.a2)).toBe('OK');

      // Who speaks for whom in the portal does not change: a HEALTH goal naming nobody is the team's only, in both
      // registrations; the PLAN goals of both show.
      for (const [worker, memberId] of [[r.a, r.kept.memberIds[0]!], [r.b, r.absorbed.memberIds[0]!]] as const) {
        const portal = await world.portalLogin(worker, memberId);
        const { myFamily } = await api.ok(portal, MyPlanGoalsDocument, {});
        expect(myFamily.family.plan!.goals.map((g) => g.id).sort()).toEqual([r.keptGoal, r.absorbedGoal].sort());
      }
    });

    it('a family-level consent given after the merge covers both registrations; withdrawn, it covers nothing; a withdrawal of an earlier one works as before', async () => {
      const r = await withRecords();
      await merged(r);
      // The absorbed Sara, now of the one family, consents that agency A uses the plan: the family consents for the one family.
      const given = await planConsent(r.b, r.absorbed.memberIds[0]!, agencyA.id);
      expect(await goalsSeen(r.a2, r)).toEqual({
        keptPlan: [r.keptGoal, r.absorbedGoal].sort(),
        absorbedPlan: 'OK',
        updateKeptGoal: 'OK',
        updateAbsorbedGoal: 'OK',
      });
      // …and B's caseworkers are not widened by it.
      expect(await goalsSeen(r.b2, r)).toEqual({ keptPlan: 'NOT_FOUND', absorbedPlan: 'OK', updateKeptGoal: 'NOT_FOUND', updateAbsorbedGoal: 'OK' });

      await api.ok(r.b.subject, RevokeConsentDocument, { input: { consentId: given, reason: 'Toch liever niet', revokedByMemberId: r.absorbed.memberIds[0]! } });
      expect(await goalsSeen(r.a2, r)).toEqual({ keptPlan: [r.keptGoal], absorbedPlan: 'NOT_FOUND', updateKeptGoal: 'OK', updateAbsorbedGoal: 'NOT_FOUND' });

      // The absorbed registration's own consents to B, withdrawn after the merge, stop covering what they covered.
      const earlier = await rows(`SELECT c.id, c.grantor_member_id FROM consent c WHERE c.recipient_agency_id = $1 AND c.family_id = $2`, [agencyB.id, r.kept.familyId]);
      expect(earlier).toHaveLength(3);
      for (const consent of earlier) {
        await api.ok(r.b.subject, RevokeConsentDocument, { input: { consentId: consent.id, reason: 'Het gezin stopt met B', revokedByMemberId: consent.grantor_member_id } });
      }
      expect(await goalsSeen(r.b2, r)).toMatchObject({ keptPlan: 'NOT_FOUND', absorbedPlan: 'NOT_FOUND', updateAbsorbedGoal: 'NOT_FOUND' });
    });

    /**
     * On a database of its own: two registrations of one network by a and b, `before` writes in them, they merge,
     * `after` writes; `state` read, then `migration` undone and done again (as before it, with merges made): the same.
     */
    async function backfilled(
      name: string,
      migration: MigrationInterface,
      writes: {
        before: (own: TestApi, w: World, p: { a: Person; b: Person; kept: FamilyWithPlan; absorbed: FamilyWithPlan }) => Promise<void>;
        after: (own: TestApi, w: World, p: { a: Person; b: Person; kept: FamilyWithPlan; absorbed: FamilyWithPlan }) => Promise<void>;
      },
      state: (client: pg.Client, p: { kept: FamilyWithPlan; absorbed: FamilyWithPlan }) => Promise<Record<string, unknown[]>>,
    ) {
      const scratch = await scratchDatabase(name);
      const own = await TestApi.start({ DATABASE_URL: scratch.url });
      const client = new pg.Client(scratch.url);
      try {
        const w = new World(own);
        const n = await w.network();
        const [x, y] = [await w.agency(n), await w.agency(n)];
        const [a, b] = [await w.staff(x), await w.staff(y)];
        const kept = await w.familyWithPlan(a, { supporter: a, members: parentWithTwoChildren('backfill kept') });
        const absorbed = await w.familyWithPlan(b, { supporter: b, members: parentWithTwoChildren('backfill absorbed') });
        const parties = { a, b, kept, absorbed };
        await writes.before(own, w, parties);
        const merge = (await own.ok(a.subject, ProposeFamilyMergeDocument, { input: { survivingFamilyId: kept.familyId, absorbedFamilyId: absorbed.familyId } })).proposeFamilyMerge;
        await own.ok(b.subject, ConfirmFamilyMergeDocument, { input: { mergeId: merge.id } });
        await writes.after(own, w, parties);

        await client.connect();
        const made = await state(client, parties);
        const runner = { query: (sql: string) => client.query(sql) } as unknown as QueryRunner;
        await client.query('BEGIN');
        await migration.down(runner);
        await migration.up(runner);
        await client.query('COMMIT');
        expect(await state(client, parties)).toEqual(made);
        return { made, kept, absorbed };
      } finally {
        await client.end().catch(() => undefined);
        await own.stop();
        await scratch.drop();
      }
    }

    it('the migration gives merges made before it the same registrations and joining time as a merge makes now', async () => {
      const goals: string[] = [];
      const goal = async (own: TestApi, worker: Person, planId: string) =>
        goals.push((await own.ok(worker.subject, AddMergeGoalDocument, { input: { planId, lifeDomain: 'HOUSING', description: 'Een woning', owner: 'FAMILY' } })).addGoal.id);
      const { made, absorbed } = await backfilled(
        'merge_backfill',
        new ConsentsDoNotWiden1766836000000(),
        {
          before: async (own, _w, { a, b, kept, absorbed }) => {
            await goal(own, a, kept.planId);
            await goal(own, b, absorbed.planId);
          },
          after: async (own, _w, { a, kept }) => {
            await goal(own, a, kept.planId);
          },
        },
        async (client, { kept, absorbed }) => ({
          goals: (await client.query(`SELECT id, consent_family_id FROM goal WHERE id = ANY($1) ORDER BY id`, [goals])).rows,
          plans: (await client.query(`SELECT id, consent_family_id FROM plan WHERE id = ANY($1) ORDER BY id`, [[kept.planId, absorbed.planId]])).rows,
          families: (await client.query(`SELECT id, merged_at FROM family WHERE id = ANY($1) ORDER BY id`, [[kept.familyId, absorbed.familyId]])).rows,
        }),
      );
      const governed = (rows: unknown[]) => (rows as { consent_family_id: string | null }[]).filter((r) => r.consent_family_id !== null);
      expect(governed(made.goals!)).toEqual([{ id: goals[1], consent_family_id: absorbed.familyId }]);
      expect(governed(made.plans!)).toEqual([{ id: absorbed.planId, consent_family_id: absorbed.familyId }]);
    }, 120_000);

    it("the migration gives the notes and members of merges made before it the same registrations as a merge gives them now", async () => {
      const notes: string[] = [];
      const note = async (own: TestApi, worker: Person, planId: string) =>
        notes.push((await own.ok(worker.subject, AddMergeNoteDocument, { input: { planId, category: 'NOTES', body: 'Het gezin zoekt een woning.' } })).addNote.id);
      const { made, kept, absorbed } = await backfilled(
        'merge_note_backfill',
        new UnnamedNotesKeepTheirRegistration1766851000000(),
        {
          before: async (own, _w, { a, b, kept, absorbed }) => {
            await note(own, a, kept.planId);
            await note(own, b, absorbed.planId);
          },
          after: async (own, _w, { a, kept }) => {
            await note(own, a, kept.planId);
          },
        },
        async (client, { kept, absorbed }) => ({
          notes: (await client.query(`SELECT id, consent_family_id FROM note WHERE id = ANY($1) ORDER BY id`, [notes])).rows,
          members: (await client.query(`SELECT id, registration_family_id FROM family_member WHERE id = ANY($1) ORDER BY id`, [[...kept.memberIds, ...absorbed.memberIds]])).rows,
        }),
      );
      const sorted = <T extends { id: string }>(rows: T[]) => [...rows].sort((x, y) => x.id.localeCompare(y.id));
      expect(made.notes).toEqual(
        sorted([
          { id: notes[0]!, consent_family_id: kept.familyId },
          { id: notes[1]!, consent_family_id: absorbed.familyId },
          { id: notes[2]!, consent_family_id: null },
        ]),
      );
      expect(made.members).toEqual(
        sorted([...kept.memberIds.map((id) => ({ id, registration_family_id: null })), ...absorbed.memberIds.map((id) => ({ id, registration_family_id: absorbed.familyId }))]),
      );
    }, 120_000);

    it('a family-level consent recorded in the surviving registration before the merge does not reach the absorbed one, whoever recorded it', async () => {
      const r = await withRecords();
      // Before the merge, the kept Sara consents that B uses the kept plan: B's caseworkers, not on that family's team, see nothing of it.
      await planConsent(r.a, r.kept.memberIds[0]!, agencyB.id);
      await merged(r);
      // After: B's caseworkers are on the one family's team and read the plan that goes on under that consent; the
      // absorbed goal stays under the absorbed registration's consents, which B holds too. A sees only its own.
      expect(await goalsSeen(r.b2, r)).toEqual({
        keptPlan: [r.keptGoal, r.absorbedGoal].sort(),
        absorbedPlan: 'OK',
        updateKeptGoal: 'OK',
        updateAbsorbedGoal: 'OK',
      });
      expect(await goalsSeen(r.a2, r)).toEqual({ keptPlan: [r.keptGoal], absorbedPlan: 'NOT_FOUND', updateKeptGoal: 'OK', updateAbsorbedGoal: 'NOT_FOUND' });
    });
  });

  describe('a proposal that does not go ahead', () => {
    const decide = (subject: string, document: typeof WithdrawFamilyMergeDocument | typeof DeclineFamilyMergeDocument, mergeId: string, expectedVersion?: number) =>
      api.gql(subject, queryText(document), { input: { mergeId, expectedVersion } });
    const state = (result: GraphQLResult) => [codeOf(result), result.errors?.[0]?.extensions?.currentStatus];

    it('the proposer withdraws and the other supporter declines, once and versioned; afterwards the state errors name the state and the families stay apart', async () => {
      const d = await duplicates();
      const merge = await proposed(d);
      expect((await api.ok(d.b.subject, FamilyMergeProposalsDocument, { familyId: d.absorbed.familyId })).familyMergeProposals).toEqual([
        { id: merge.id, status: 'PROPOSED', version: 1 },
      ]);
      // Each side has its own decision: the proposer withdraws, the other supporter declines.
      expect(codeOf(await decide(d.a.subject, DeclineFamilyMergeDocument, merge.id))).toBe('FORBIDDEN');
      expect(codeOf(await decide(d.b.subject, WithdrawFamilyMergeDocument, merge.id))).toBe('FORBIDDEN');
      expect(codeOf(await decide(d.a.subject, WithdrawFamilyMergeDocument, merge.id, 2))).toBe('CONFLICT');
      expect(await rows(`SELECT status, version FROM family_merge WHERE id = $1`, [merge.id])).toEqual([{ status: 'PROPOSED', version: 1 }]);

      const input = { mergeId: merge.id, expectedVersion: 1, idempotencyKey: `withdraw-${merge.id}` };
      const { withdrawFamilyMerge } = await api.ok(d.a.subject, WithdrawFamilyMergeDocument, { input });
      expect(withdrawFamilyMerge).toMatchObject({ id: merge.id, status: 'WITHDRAWN', version: 2, mergedAt: null, endedAt: expect.any(String) });
      expect((await api.ok(d.a.subject, WithdrawFamilyMergeDocument, { input })).withdrawFamilyMerge).toMatchObject({ status: 'WITHDRAWN', version: 2 });
      expect(state(await api.gql(d.b.subject, ConfirmFamilyMergeDocument, { input: { mergeId: merge.id } }))).toEqual(['INVALID_TRANSITION', 'WITHDRAWN']);
      expect(state(await decide(d.b.subject, DeclineFamilyMergeDocument, merge.id))).toEqual(['INVALID_TRANSITION', 'WITHDRAWN']);
      expect(state(await decide(d.a.subject, WithdrawFamilyMergeDocument, merge.id))).toEqual(['INVALID_TRANSITION', 'WITHDRAWN']);

      const second = await proposed(d);
      const { declineFamilyMerge } = await api.ok(d.b.subject, DeclineFamilyMergeDocument, { input: { mergeId: second.id, expectedVersion: 1 } });
      expect(declineFamilyMerge).toMatchObject({ id: second.id, status: 'DECLINED', version: 2, endedAt: expect.any(String) });
      expect(state(await decide(d.a.subject, WithdrawFamilyMergeDocument, second.id))).toEqual(['INVALID_TRANSITION', 'DECLINED']);

      // Nothing merged; both proposals are listed, newest first, with who ended them kept and audited.
      expect(await rows(`SELECT DISTINCT family_id FROM family_member WHERE id = ANY($1)`, [d.absorbed.memberIds])).toEqual([{ family_id: d.absorbed.familyId }]);
      expect((await api.ok(d.a.subject, FamilyMergeProposalsDocument, { familyId: d.kept.familyId })).familyMergeProposals).toEqual([
        { id: second.id, status: 'DECLINED', version: 2 },
        { id: merge.id, status: 'WITHDRAWN', version: 2 },
      ]);
      expect(await rows(`SELECT ended_by_user_id FROM family_merge WHERE id = ANY($1) ORDER BY created_at`, [[merge.id, second.id]])).toEqual([
        { ended_by_user_id: d.a.userId },
        { ended_by_user_id: d.b.userId },
      ]);
      const audited = await rows(`SELECT action FROM audit_event WHERE entity_type = 'family_merge' AND entity_id = $1 ORDER BY seq`, [merge.id]);
      expect(audited.map((r) => r.action)).toEqual(['INSERT', 'UPDATE']);
    });

    it('a refusal is told to the proposer, in her language, and to nobody else; a withdrawal to nobody', async () => {
      const d = await duplicates();
      const colleague = await world.staff(agencyA);
      await world.assign(agencyA.admin, d.kept.familyId, colleague.userId);
      const keptPortal = await world.portalLogin(d.a, d.kept.memberIds[0]!);
      const absorbedPortal = await world.portalLogin(d.b, d.absorbed.memberIds[0]!);
      const declinedItems = async (subject: string) =>
        (await api.ok(subject, InboxDocument, {})).inbox.edges.map((e) => e.node).filter((item) => item.kind === 'FAMILY_MERGE_DECLINED');

      const withdrawnMerge = await proposed(d);
      await api.ok(d.a.subject, WithdrawFamilyMergeDocument, { input: { mergeId: withdrawnMerge.id } });
      expect(await declinedItems(d.a.subject)).toEqual([]);

      const declinedMerge = await proposed(d);
      await api.ok(d.b.subject, DeclineFamilyMergeDocument, { input: { mergeId: declinedMerge.id, expectedVersion: 1 } });
      expect(await declinedItems(d.a.subject)).toEqual([
        expect.objectContaining({
          text: 'Uw voorstel om twee inschrijvingen van hetzelfde gezin samen te voegen werd geweigerd. De inschrijvingen blijven apart.',
          about: { type: 'Family', id: d.kept.familyId },
          family: { id: d.kept.familyId },
        }),
      ]);
      // Rendered when read, in the reader's language.
      const textIn = async (language: 'FR_BE' | 'EN') => {
        await api.ok(d.a.subject, SetMyLanguageDocument, { language });
        return (await declinedItems(d.a.subject)).map((item) => item.text);
      };
      expect(await textIn('FR_BE')).toEqual(['Votre proposition de réunir deux inscriptions de la même famille a été refusée. Les inscriptions restent séparées.']);
      expect(await textIn('EN')).toEqual(['Your proposal to bring together two registrations of the same family was declined. The registrations stay apart.']);
      // Not who declined it, the proposer's colleague on the team, nor the family.
      for (const subject of [d.b.subject, colleague.subject, keptPortal, absorbedPortal]) expect(await declinedItems(subject)).toEqual([]);
    });

    it('the access log reads each outcome as what it was: a withdrawal, a refusal, a merge, in the family member’s language', async () => {
      const kept = await world.familyInThreeLanguages(agencyA);
      const b = await world.staff(agencyB);
      const absorbed = await world.familyWithPlan(b, { supporter: b, members: parentWithTwoChildren('outcomes') });
      const input = { survivingFamilyId: kept.familyId, absorbedFamilyId: absorbed.familyId };
      const propose = async () => (await api.ok(kept.supporter.subject, ProposeFamilyMergeDocument, { input })).proposeFamilyMerge.id;
      await api.ok(kept.supporter.subject, WithdrawFamilyMergeDocument, { input: { mergeId: await propose() } });
      await api.ok(b.subject, DeclineFamilyMergeDocument, { input: { mergeId: await propose() } });
      await api.ok(b.subject, ConfirmFamilyMergeDocument, { input: { mergeId: await propose() } });

      /** The lines about ending a proposal, oldest first. */
      const outcomes = async (login: string) => {
        const lines: string[] = [];
        let after: string | null = null;
        do {
          const page: AccessLogEntriesQuery['accessLog'] = (await api.ok(login, AccessLogEntriesDocument, { f: kept.familyId, after })).accessLog;
          lines.push(...page.edges.filter((e) => e.node.entityType === 'family_merge' && e.node.action === 'UPDATE').map((e) => e.node.description));
          after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor! : null;
        } while (after);
        return lines.reverse();
      };
      const expectOutcomes = (lines: string[], words: RegExp[]) => {
        expect(lines).toHaveLength(words.length);
        lines.forEach((line, i) => expect(line).toMatch(words[i]!));
      };
      expectOutcomes(await outcomes(kept.logins.an), [
        / trok het voorstel in om twee inschrijvingen van uw gezin samen te voegen/,
        / weigerde het voorstel om twee inschrijvingen van uw gezin samen te voegen/,
        / voegde twee inschrijvingen van uw gezin samen tot één gezin en één plan/,
      ]);
      expectOutcomes(await outcomes(kept.logins.sophie), [
        / a retiré la proposition de réunir deux inscriptions de votre famille/,
        / a refusé la proposition de réunir deux inscriptions de votre famille/,
        / a réuni deux inscriptions de votre famille en une seule famille et un seul plan/,
      ]);
      expectOutcomes(await outcomes(kept.logins.john), [
        / withdrew the proposal to bring together two registrations of your family/,
        / declined the proposal to bring together two registrations of your family/,
        / brought together two registrations of your family into one family and one plan/,
      ]);
    });

    it('refuses everyone else the withdrawal, the refusal and the list: NOT_FOUND to who sees neither family, FORBIDDEN to who sees one; the coordinator may withdraw', async () => {
      const d = await duplicates();
      const merge = await proposed(d);
      const { otherNetwork, unassigned, colleague, portal, asClient } = await othersThan(d);
      const removed = uniqueSubject('coordinator');
      const { addMembership } = await api.ok(PLATFORM_ADMIN, AddMembershipDocument, {
        input: { agencyId: network.coordinatingAgencyId, subject: removed, displayName: 'Test coordinator', role: 'NETWORK_COORDINATOR' },
      });
      await api.ok(PLATFORM_ADMIN, RemoveMembershipDocument, { id: addMembership.id });

      const as = (subject: string): Call => (document, variables) => api.gql(subject, queryText(document), variables);
      const callers: Record<string, Call> = {
        "another network's coordinator": as(otherNetwork.coordinator.subject),
        'a caseworker of the same agency without assignment': as(unassigned.subject),
        'an assigned caseworker who is not the supporter': as(colleague.subject),
        'a portal login of the family': as(portal),
        "the agency's integration client": asClient,
        'a coordinator whose membership was just removed': as(removed),
      };
      const answers: Record<string, (string | undefined)[]> = {};
      for (const [who, call] of Object.entries(callers)) {
        answers[who] = [
          codeOf(await call(WithdrawFamilyMergeDocument, { input: { mergeId: merge.id } })),
          codeOf(await call(DeclineFamilyMergeDocument, { input: { mergeId: merge.id } })),
          codeOf(await call(FamilyMergeProposalsDocument, { familyId: d.kept.familyId })),
        ];
      }
      expect(answers).toEqual({
        "another network's coordinator": ['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND'],
        'a caseworker of the same agency without assignment': ['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND'],
        'an assigned caseworker who is not the supporter': ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
        'a portal login of the family': ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
        "the agency's integration client": ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
        'a coordinator whose membership was just removed': ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
      });
      expect(await rows(`SELECT status, version, ended_at FROM family_merge WHERE id = $1`, [merge.id])).toEqual([{ status: 'PROPOSED', version: 1, ended_at: null }]);

      // The coordinator, who may merge both families, sees the proposal and may withdraw it.
      expect((await api.ok(network.coordinator.subject, FamilyMergeProposalsDocument, { familyId: d.absorbed.familyId })).familyMergeProposals).toEqual([
        { id: merge.id, status: 'PROPOSED', version: 1 },
      ]);
      expect((await api.ok(network.coordinator.subject, WithdrawFamilyMergeDocument, { input: { mergeId: merge.id } })).withdrawFamilyMerge).toMatchObject({
        status: 'WITHDRAWN',
      });
    });
  });
});
