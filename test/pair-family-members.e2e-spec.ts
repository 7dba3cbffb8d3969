import pg from 'pg';
import {
  AgencyMembershipsDocument,
  type DataCategory,
  FamilyMemberHistoryDocument,
  InboxDocument,
  MergedFamilyMembersDocument,
  PairFamilyMembersDocument,
  RecordConsentDocument,
  RemoveMembershipDocument,
} from './graphql/generated.js';
import { codeOf, type GraphQLResult, TestApi } from './support/test-app.js';
import { type Agency, type FamilyWithPlan, type Network, parentWithTwoChildren, type Person, World } from './support/world.js';

/**
 * Two records of the same person in one family (docs/family-merge.md, "Pairs within one family"): the family's
 * supporter pairs them with the code a merge's pairs use, and nobody else may.
 */
describe('pairing two records of one member in one family', () => {
  let api: TestApi;
  let world: World;
  let network: Network;
  let agency: Agency;
  let db: pg.Client;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    network = await world.network();
    agency = await world.agency(network);
    db = new pg.Client(process.env.DATABASE_URL);
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await api.stop();
  });

  const rows = async (sql: string, params: unknown[]) => (await db.query(sql, params)).rows;
  const field = (result: GraphQLResult) => [codeOf(result), result.errors?.[0]?.extensions?.field];

  /** Sara registered twice in one family, by its supporter: [sara, lien, mo, saraAgain]. */
  async function twice(): Promise<{ s: Person; family: FamilyWithPlan; sara: string; lien: string; saraAgain: string }> {
    const s = await world.staff(agency);
    const [sara, ...children] = parentWithTwoChildren();
    const family = await world.familyWithPlan(s, { supporter: s, members: [sara!, ...children, { ...sara!, givenName: 'Sara (2)' }] });
    const [saraId, lien, , saraAgain] = family.memberIds as [string, string, string, string];
    return { s, family, sara: saraId, lien, saraAgain };
  }
  const versionOf = async (memberId: string) => (await rows(`SELECT version FROM family_member WHERE id = $1`, [memberId]))[0].version as number;
  const state = async (familyId: string) =>
    rows(`SELECT id, merged_into_member_id, version FROM family_member WHERE family_id = $1 ORDER BY id`, [familyId]);

  it('the supporter pairs them: the record ends into the surviving member, audited, in the plan history and the inbox, once per key', async () => {
    const { s, family, sara, saraAgain } = await twice();
    const portal = await world.portalLogin(s, sara);
    const input = { familyId: family.familyId, absorbedMemberId: saraAgain, survivingMemberId: sara, expectedVersion: await versionOf(sara), idempotencyKey: 'pair-1' };
    const { pairFamilyMembers } = await api.ok(s.subject, PairFamilyMembersDocument, { input });
    expect(pairFamilyMembers).toEqual({ familyId: family.familyId, absorbedMemberId: saraAgain, survivingMemberId: sara, survivingMemberVersion: input.expectedVersion + 1 });
    expect((await api.ok(s.subject, PairFamilyMembersDocument, { input })).pairFamilyMembers).toEqual(pairFamilyMembers);
    expect(await rows(`SELECT merged_into_member_id FROM family_member WHERE id = $1`, [saraAgain])).toEqual([{ merged_into_member_id: sara }]);
    expect(await versionOf(sara)).toBe(input.expectedVersion + 1);
    expect(await rows(`SELECT change, details FROM plan_history WHERE plan_id = $1 AND change = 'FAMILY_MEMBERS_PAIRED'`, [family.planId])).toEqual([
      { change: 'FAMILY_MEMBERS_PAIRED', details: { absorbedMemberId: saraAgain, survivingMemberId: sara } },
    ]);
    // Audited under the supporter: the record ended, then set aside in a registration of its own merged into the family.
    expect(await rows(`SELECT count(*)::int AS n FROM audit_event WHERE entity_type = 'family_member' AND action = 'UPDATE' AND actor_user_id = $1 AND entity_id = $2`, [s.userId, saraAgain])).toEqual([{ n: 2 }]);
    expect(await rows(`SELECT f.merged_into_family_id FROM family_member m JOIN family f ON f.id = m.family_id WHERE m.id = $1`, [saraAgain])).toEqual([{ merged_into_family_id: family.familyId }]);
    // The ended record's consents name the surviving member; none is left on the ended one.
    expect(await rows(`SELECT count(*)::int AS n FROM consent_subject WHERE member_id = $1`, [saraAgain])).toEqual([{ n: 0 }]);
    // The ended record is no member of the family any more, for the team and for the family's portal, and answers NOT_FOUND.
    const members = async (subject: string) => (await api.ok(subject, MergedFamilyMembersDocument, { id: family.familyId })).family!.members.map((m) => m.id).sort();
    const remaining = family.memberIds.filter((id) => id !== saraAgain).sort();
    expect(await members(s.subject)).toEqual(remaining);
    expect(await members(portal)).toEqual(remaining);
    expect(codeOf(await api.gql(s.subject, FamilyMemberHistoryDocument, { memberId: saraAgain }))).toBe('NOT_FOUND');
    // The family is told in its portal inbox (the supporter too, unless she paired them herself).
    const { inbox } = await api.ok(portal, InboxDocument, {});
    expect(inbox.edges.filter((e) => e.node.kind === 'FAMILY_MEMBERS_PAIRED').map((e) => e.node.text)).toEqual([
      'Een gezinslid stond twee keer ingeschreven: die twee gegevens zijn nu één.',
    ]);
  });

  it('bad input names the field and changes nothing; a stale version answers CONFLICT naming the current one', async () => {
    const { s, family, sara, lien, saraAgain } = await twice();
    const other = await world.familyWithPlan(s, { supporter: s });
    const version = await versionOf(sara);
    const before = await state(family.familyId);
    const pair = (absorbedMemberId: string, survivingMemberId: string, expectedVersion = version) =>
      api.gql(s.subject, PairFamilyMembersDocument, { input: { familyId: family.familyId, absorbedMemberId, survivingMemberId, expectedVersion } });
    expect(field(await pair(sara, sara))).toEqual(['BAD_USER_INPUT', 'absorbedMemberId']);
    expect(field(await pair(lien, sara))).toEqual(['BAD_USER_INPUT', 'absorbedMemberId']);
    expect(field(await pair(other.memberIds[0]!, sara))).toEqual(['BAD_USER_INPUT', 'absorbedMemberId']);
    expect(field(await pair(saraAgain, other.memberIds[0]!))).toEqual(['BAD_USER_INPUT', 'survivingMemberId']);
    expect(field(await pair(saraAgain, '00000000-0000-4000-8000-000000000000'))).toEqual(['BAD_USER_INPUT', 'survivingMemberId']);
    const stale = await pair(saraAgain, sara, version + 3);
    expect(codeOf(stale)).toBe('CONFLICT');
    expect(stale.errors![0]!.message).toContain(`version ${version}`);
    expect(await state(family.familyId)).toEqual(before);
  });

  it('of two pairings at once one pairs and the other answers CONFLICT', async () => {
    const { s, family, sara, saraAgain } = await twice();
    const input = { familyId: family.familyId, absorbedMemberId: saraAgain, survivingMemberId: sara, expectedVersion: await versionOf(sara) };
    const results = await Promise.all([1, 2].map(() => api.gql(s.subject, PairFamilyMembersDocument, { input })));
    expect(results.map((r) => codeOf(r) ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
  });

  it("widens no consent: the ended record's consent grants the surviving member only what her own consents in force grant", async () => {
    const { s, family, sara, saraAgain } = await twice();
    const other = await world.agency(network, 'SCHOOL_GUIDANCE');
    const consentTo = async (memberId: string, categories: DataCategory[]) =>
      (
        await api.ok(s.subject, RecordConsentDocument, {
          input: {
            grantorMemberId: memberId,
            subjectMemberIds: [memberId],
            recipientAgencyId: other.id,
            categories,
            purposeCode: 'PLAN_COORDINATION',
            purpose: 'Samen werken aan het gezinsplan',
            method: 'WRITTEN',
            evidenceReference: `form-${memberId}`,
          },
        })
      ).recordConsent.id as string;
    await consentTo(sara, ['IDENTITY']);
    const wide = await consentTo(saraAgain, ['IDENTITY', 'CONTACT', 'NOTES', 'HEALTH']);
    await api.ok(s.subject, PairFamilyMembersDocument, {
      input: { familyId: family.familyId, absorbedMemberId: saraAgain, survivingMemberId: sara, expectedVersion: await versionOf(sara) },
    });
    const grants = await rows(`SELECT member_id, array_agg(category ORDER BY category) AS categories FROM consent_grant WHERE consent_id = $1 GROUP BY member_id`, [wide]);
    expect(grants).toEqual([{ member_id: sara, categories: ['IDENTITY'] }]);
    expect(await rows(`SELECT DISTINCT category FROM consent_grant WHERE member_id = $1 AND recipient_agency_id = $2 ORDER BY category`, [sara, other.id])).toEqual([{ category: 'IDENTITY' }]);
  });

  it('refuses everyone else: NOT_FOUND to who may not see the family, FORBIDDEN to who sees it but may not merge it, and nothing changes', async () => {
    const { s, family, sara, saraAgain } = await twice();
    const otherNetwork = await world.network();
    const unassigned = await world.staff(agency);
    const colleague = await world.staff(agency);
    await world.assign(agency.admin, family.familyId, colleague.userId);
    const portal = await world.portalLogin(s, sara);
    const input = { familyId: family.familyId, absorbedMemberId: saraAgain, survivingMemberId: sara, expectedVersion: await versionOf(sara) };
    const before = await state(family.familyId);
    const as = async (subject: string) => codeOf(await api.gql(subject, PairFamilyMembersDocument, { input }));
    expect(await as(otherNetwork.coordinator.subject)).toBe('NOT_FOUND');
    expect(await as(unassigned.subject)).toBe('NOT_FOUND');
    expect(await as(colleague.subject)).toBe('FORBIDDEN');
    expect(await as(agency.admin.subject)).toBe('FORBIDDEN');
    expect(await as(portal)).toBe('FORBIDDEN');
    expect(codeOf(await world.asIntegrationClient(agency, PairFamilyMembersDocument, { input }))).toBe('FORBIDDEN');
    const volunteer = await world.staff(agency, 'VOLUNTEER');
    await world.assign(agency.admin, family.familyId, volunteer.userId);
    expect(await as(volunteer.subject)).toBe('FORBIDDEN');
    // The coordinator may merge the family, but reads no member: she vouches for no pair (as in a merge proposal).
    expect(field(await api.gql(network.coordinator.subject, PairFamilyMembersDocument, { input }))).toEqual(['BAD_USER_INPUT', 'absorbedMemberId']);
    expect(await state(family.familyId)).toEqual(before);
  });

  it("a supporter's membership cannot be removed while she supports (CONFLICT), so no removed supporter pairs; nothing changes", async () => {
    const supporter = await world.staff(agency);
    const [sara] = parentWithTwoChildren();
    const family = await world.familyWithPlan(supporter, { supporter, members: [sara!, { ...sara!, givenName: 'Sara (2)' }] });
    const before = await state(family.familyId);
    const memberships = (await api.ok(agency.admin.subject, AgencyMembershipsDocument, { a: agency.id })).memberships.edges;
    const membership = memberships.find((e: { node: { user: { id: string } | null } }) => e.node.user?.id === supporter.userId)!.node.id;
    expect(codeOf(await api.gql(agency.admin.subject, RemoveMembershipDocument, { id: membership }))).toBe('CONFLICT');
    expect(await state(family.familyId)).toEqual(before);
  });
});
