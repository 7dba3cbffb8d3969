import { randomUUID } from 'node:crypto';
import {
  AddFamilyMemberDocument,
  EndCaseAssignmentDocument,
  FamiliesPageDocument,
  type FamilyMemberInput as MemberInput,
  FamilyRecordDocument,
  OpenPlanDocument,
  RegisterFamilyRecordDocument,
} from './graphql/generated.js';
import { codeOf, type GraphQLResult, PLATFORM_ADMIN, TestApi, uniqueSubject } from './support/test-app.js';
import { type Agency, type Network, type Person, World } from './support/world.js';
import { fixtureClient } from './support/fixture-client.js';

/**
 * Families over GraphQL/HTTP: registerFamily, addFamilyMember, families, family. Who may and who may
 * not (need to know: assigned or supporter, in the acting agency's network; admins never see family
 * data), validation with the offending field, search, cursor pagination, Family.caseAssignments and
 * the database's own "one open plan per family" rule.
 */

type Code = 'OK' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT';

interface Page {
  edges: { cursor: string; node: { id: string; members: { givenName: string; familyName: string }[] } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Who calls, relative to the scene's network `net`, its agency `agency` and the family `caseworker` registered. */
type Actor =
  | 'registering caseworker'
  | 'unassigned caseworker of the same agency'
  | 'caseworker of a sibling agency (same network)'
  | 'caseworker of another network'
  | 'assigned volunteer'
  | 'unassigned volunteer'
  | 'agency admin'
  | 'network coordinator'
  | 'platform admin'
  | 'unknown subject (valid token)'
  | 'no token';

interface Scene {
  net: Network;
  agency: Agency;
  sibling: Agency;
  caseworker: Person;
  colleague: Person;
  siblingCaseworker: Person;
  volunteer: Person;
  idleVolunteer: Person;
  otherCaseworker: Person;
  stranger: string;
  /** A family name no other test uses: finding it in a response means family data leaked. */
  marker: string;
  familyId: string;
}

const adult = (familyName: string, givenName = 'Sara'): MemberInput => ({ role: 'PARENT', givenName, familyName, birthDate: '1990-04-01' });
const child = (familyName: string, givenName = 'Lien'): MemberInput => ({ role: 'CHILD', givenName, familyName, birthDate: '2015-02-03' });
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('families', () => {
  let api: TestApi;
  let world: World;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
  });
  afterAll(() => api.stop());

  async function register(worker: Person, members: MemberInput[]): Promise<any> {
    return (await api.ok(worker.subject, RegisterFamilyRecordDocument, { input: { members } })).registerFamily;
  }

  async function scene(): Promise<Scene> {
    const [net, other] = await world.networks(2);
    const [agency, sibling] = await world.agencies(net, ['CHILD_WELFARE', 'SCHOOL_GUIDANCE']);
    const [caseworker, colleague, volunteer, idleVolunteer] = await world.staffTogether(agency, ['CASEWORKER', 'CASEWORKER', 'VOLUNTEER', 'VOLUNTEER']);
    const siblingCaseworker = await world.staff(sibling);
    const otherCaseworker = await world.staff(await world.agency(other));
    const marker = `Fam${randomUUID().slice(0, 8)}`;
    const family = await register(caseworker, [adult(marker), child(marker)]);
    // The family agreed to the agency's help (its volunteer reads the family under this consent).
    await world.consentAll(caseworker, await world.membersOf(caseworker, family.id), agency.id);
    await world.assign(agency.admin, family.id, volunteer.userId);
    return {
      net,
      agency,
      sibling,
      caseworker,
      colleague,
      siblingCaseworker,
      volunteer,
      idleVolunteer,
      otherCaseworker,
      stranger: uniqueSubject('stranger'),
      marker,
      familyId: family.id,
    };
  }

  function as(s: Scene, actor: Actor): string | null {
    switch (actor) {
      case 'registering caseworker':
        return s.caseworker.subject;
      case 'unassigned caseworker of the same agency':
        return s.colleague.subject;
      case 'caseworker of a sibling agency (same network)':
        return s.siblingCaseworker.subject;
      case 'caseworker of another network':
        return s.otherCaseworker.subject;
      case 'assigned volunteer':
        return s.volunteer.subject;
      case 'unassigned volunteer':
        return s.idleVolunteer.subject;
      case 'agency admin':
        return s.agency.admin.subject;
      case 'network coordinator':
        return s.net.coordinator.subject;
      case 'platform admin':
        return PLATFORM_ADMIN;
      case 'unknown subject (valid token)':
        return s.stranger;
      case 'no token':
        return null;
    }
  }

  /** Every family `subject` can list, over all pages. */
  async function visibleFamilies(subject: string, search?: string): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data: { families: Page } = await api.ok(subject, FamiliesPageDocument, { first: 100, after, search });
      ids.push(...data.families.edges.map((e) => e.node.id));
      if (!data.families.pageInfo.hasNextPage) return ids;
      after = data.families.pageInfo.endCursor;
    }
  }

  const expectBadInput = (result: GraphQLResult, field: string) => {
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(result.data ?? null).toBeNull();
  };

  const expectNoFamilyData = (result: GraphQLResult, s: Scene) => {
    expect(result.data ?? null).toBeNull();
    expect(JSON.stringify(result)).not.toContain(s.marker);
  };

  // ---------------------------------------------------------------------------------------------
  describe('registerFamily', () => {
    it.each<[Actor, Code]>([
      ['registering caseworker', 'OK'],
      ['unassigned caseworker of the same agency', 'OK'],
      ['assigned volunteer', 'FORBIDDEN'],
      ['agency admin', 'FORBIDDEN'],
      ['network coordinator', 'FORBIDDEN'],
      ['platform admin', 'FORBIDDEN'],
      ['unknown subject (valid token)', 'FORBIDDEN'],
      ['no token', 'UNAUTHENTICATED'],
    ])('%s → %s', async (actor, expected) => {
      const s = await scene();
      const name = `Nieuw${randomUUID().slice(0, 8)}`;
      const result = await api.gql(as(s, actor), RegisterFamilyRecordDocument, { input: { members: [adult(name), child(name)] } });
      expect(codeOf(result)).toBe(expected);
      if (expected !== 'OK') {
        expect(result.data ?? null).toBeNull();
        // Nothing was written: the caseworkers of the network find no family by that name.
        expect(await visibleFamilies(s.caseworker.subject, name)).toEqual([]);
        expect(await visibleFamilies(s.colleague.subject, name)).toEqual([]);
        return;
      }
      const family = result.data!.registerFamily;
      const caller = actor === 'registering caseworker' ? s.caseworker : s.colleague;
      expect(family).toMatchObject({
        id: expect.any(String),
        networkId: s.net.id,
        members: [
          { role: 'PARENT', givenName: 'Sara', familyName: name, birthDate: '1990-04-01', expectedDate: null },
          { role: 'CHILD', givenName: 'Lien', familyName: name, birthDate: '2015-02-03', expectedDate: null },
        ],
        // The caller is assigned automatically, through its acting agency.
        caseAssignments: [{ id: expect.any(String), user: { id: caller.userId }, agency: { id: s.agency.id } }],
        plan: null,
      });
      expect(await visibleFamilies(caller.subject, name)).toEqual([family.id]);
      const { family: read } = await api.ok(caller.subject, FamilyRecordDocument, { id: family.id });
      expect(read).toEqual(family);
      // Same agency, not assigned: need to know, not agency membership.
      const other = actor === 'registering caseworker' ? s.colleague : s.caseworker;
      expect(codeOf(await api.gql(other.subject, FamilyRecordDocument, { id: family.id }))).toBe('NOT_FOUND');
      expect(await visibleFamilies(other.subject, name)).toEqual([]);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('family(id) and families', () => {
    it.each<[Actor, Code]>([
      ['registering caseworker', 'OK'],
      ['assigned volunteer', 'OK'],
      ['unassigned caseworker of the same agency', 'NOT_FOUND'],
      ['unassigned volunteer', 'NOT_FOUND'],
      ['caseworker of a sibling agency (same network)', 'NOT_FOUND'],
      ['caseworker of another network', 'NOT_FOUND'],
      ['agency admin', 'FORBIDDEN'],
      ['network coordinator', 'FORBIDDEN'],
      ['platform admin', 'FORBIDDEN'],
      ['unknown subject (valid token)', 'FORBIDDEN'],
      ['no token', 'UNAUTHENTICATED'],
    ])('%s → %s', async (actor, expected) => {
      const s = await scene();
      const subject = as(s, actor);
      const one = await api.gql(subject, FamilyRecordDocument, { id: s.familyId });
      expect(codeOf(one)).toBe(expected);
      const list = await api.gql(subject, FamiliesPageDocument, { first: 100 });
      const searched = await api.gql(subject, FamiliesPageDocument, { search: s.marker });
      if (expected === 'OK') {
        expect(one.data!.family).toMatchObject({
          id: s.familyId,
          networkId: s.net.id,
          members: [{ familyName: s.marker }, { familyName: s.marker }],
        });
        expect(list.data!.families.edges.map((e: any) => e.node.id)).toEqual([s.familyId]);
        expect(searched.data!.families.edges.map((e: any) => e.node.id)).toEqual([s.familyId]);
        return;
      }
      expectNoFamilyData(one, s);
      if (expected === 'NOT_FOUND') {
        // Caseworkers and volunteers may list families: theirs only, and this one is not theirs.
        expect(codeOf(list)).toBe('OK');
        expect(codeOf(searched)).toBe('OK');
        expect(list.data!.families.edges.map((e: any) => e.node.id)).not.toContain(s.familyId);
        expect(searched.data!.families.edges).toEqual([]);
        expect(JSON.stringify(list)).not.toContain(s.marker);
      } else {
        // Admins of every level, strangers and anonymous callers may not list families at all.
        expect(codeOf(list)).toBe(expected);
        expect(codeOf(searched)).toBe(expected);
        expectNoFamilyData(list, s);
        expectNoFamilyData(searched, s);
      }
    });

    it('answers NOT_FOUND for an id that does not exist, like for one not visible; an id that is none is BAD_USER_INPUT', async () => {
      const s = await scene();
      expect(codeOf(await api.gql(s.caseworker.subject, FamilyRecordDocument, { id: randomUUID() }))).toBe('NOT_FOUND');
      expect((await api.gql(s.caseworker.subject, FamilyRecordDocument, { id: 'not-a-uuid' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    });

    it('sees a family only in the network of the acting agency (X-Acting-Agency)', async () => {
      const s = await scene();
      // The registering caseworker also volunteers for an agency of another network.
      const elsewhere = await world.agency(await world.network());
      await world.member(elsewhere.admin.subject, elsewhere.id, 'VOLUNTEER', s.caseworker.subject);
      const asHome = { 'X-Acting-Agency': s.agency.id };
      const asElsewhere = { 'X-Acting-Agency': elsewhere.id };

      // Two memberships: no implicit acting agency any more.
      expect(codeOf(await api.gql(s.caseworker.subject, FamilyRecordDocument, { id: s.familyId }))).toBe('FORBIDDEN');
      expect((await api.ok(s.caseworker.subject, FamilyRecordDocument, { id: s.familyId }, asHome)).family.id).toBe(s.familyId);
      const foreign = await api.gql(s.caseworker.subject, FamilyRecordDocument, { id: s.familyId }, asElsewhere);
      expect(codeOf(foreign)).toBe('NOT_FOUND');
      expectNoFamilyData(foreign, s);
      expect((await api.ok(s.caseworker.subject, FamiliesPageDocument, { first: 100 }, asElsewhere)).families.edges).toEqual([]);
      // Acting for an agency one does not belong to is refused outright.
      const notMine = await api.gql(s.caseworker.subject, FamilyRecordDocument, { id: s.familyId }, { 'X-Acting-Agency': s.sibling.id });
      expect(codeOf(notMine)).toBe('FORBIDDEN');
    });

    it('lists the active case assignments with user and agency, and the open plan', async () => {
      const s = await scene();
      const { family } = await api.ok(s.caseworker.subject, FamilyRecordDocument, { id: s.familyId });
      expect(family.caseAssignments).toEqual([
        { id: expect.any(String), user: { id: s.caseworker.userId, displayName: 'Test CASEWORKER' }, agency: { id: s.agency.id, name: expect.any(String) } },
        { id: expect.any(String), user: { id: s.volunteer.userId, displayName: 'Test VOLUNTEER' }, agency: { id: s.agency.id, name: expect.any(String) } },
      ]);
      expect(family.plan).toBeNull();

      // The sibling agency joins the plan team and assigns its caseworker; the volunteer's assignment ends.
      const planId = await world.openPlan(s.caseworker, s.familyId, {
        summary: 'Rust in huis',
        supporter: s.caseworker,
        participants: [{ agencyId: s.sibling.id, contribution: 'Schoolbegeleiding' }],
        assign: { admin: s.sibling.admin, userIds: [s.siblingCaseworker.userId] },
      });
      const volunteerAssignment = family.caseAssignments[1].id;
      await api.ok(s.agency.admin.subject, EndCaseAssignmentDocument, { input: { assignmentId: volunteerAssignment } });

      const { family: after } = await api.ok(s.caseworker.subject, FamilyRecordDocument, { id: s.familyId });
      expect(after.caseAssignments.map((a: any) => [a.user.id, a.agency.id])).toEqual([
        [s.caseworker.userId, s.agency.id],
        [s.siblingCaseworker.userId, s.sibling.id],
      ]);
      expect(after.plan).toEqual({ id: planId, status: 'DRAFT' });
      // The sibling's caseworker, now assigned, sees the same.
      const { family: seenBySibling } = await api.ok(s.siblingCaseworker.subject, FamilyRecordDocument, { id: s.familyId });
      expect(seenBySibling).toEqual(after);
      expect(codeOf(await api.gql(s.volunteer.subject, FamilyRecordDocument, { id: s.familyId }))).toBe('NOT_FOUND');
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('addFamilyMember', () => {
    it.each<[Actor, Code]>([
      ['registering caseworker', 'OK'],
      ['assigned volunteer', 'FORBIDDEN'],
      ['unassigned caseworker of the same agency', 'NOT_FOUND'],
      ['caseworker of a sibling agency (same network)', 'NOT_FOUND'],
      ['caseworker of another network', 'NOT_FOUND'],
      ['agency admin', 'FORBIDDEN'],
      ['network coordinator', 'FORBIDDEN'],
      ['platform admin', 'FORBIDDEN'],
      ['unknown subject (valid token)', 'FORBIDDEN'],
      ['no token', 'UNAUTHENTICATED'],
    ])('%s → %s', async (actor, expected) => {
      const s = await scene();
      const member: MemberInput = { role: 'UNBORN', givenName: 'Baby', familyName: s.marker, expectedDate: isoDay(90) };
      const result = await api.gql(as(s, actor), AddFamilyMemberDocument, { input: { familyId: s.familyId, member } });
      expect(codeOf(result)).toBe(expected);
      const { family } = await api.ok(s.caseworker.subject, FamilyRecordDocument, { id: s.familyId });
      if (expected === 'OK') {
        expect(result.data!.addFamilyMember).toEqual({ id: expect.any(String), ...member, birthDate: null });
        expect(family.members.map((m: any) => m.id)).toContain(result.data!.addFamilyMember.id);
        expect(family.members).toHaveLength(3);
      } else {
        expectNoFamilyData(result, s);
        expect(family.members).toHaveLength(2);
      }
    });

    it('validates the member like registerFamily, naming member.<field>', async () => {
      const s = await scene();
      const add = (member: MemberInput) =>
        api.gql(s.caseworker.subject, AddFamilyMemberDocument, { input: { familyId: s.familyId, member } });
      expectBadInput(await add({ role: 'CHILD', givenName: 'Mo', familyName: s.marker }), 'member.birthDate');
      expectBadInput(await add({ role: 'CHILD', givenName: 'Mo', familyName: s.marker, birthDate: isoDay(2) }), 'member.birthDate');
      expectBadInput(await add({ role: 'UNBORN', givenName: 'Mo', familyName: s.marker, birthDate: '2020-01-01', expectedDate: isoDay(30) }), 'member.birthDate');
      expectBadInput(await add({ ...child(s.marker), email: 'geen-adres' }), 'member.email');
      expectBadInput(await add({ ...child(s.marker), givenName: '' }), 'member.givenName');
      const badFamily = await api.gql(s.caseworker.subject, AddFamilyMemberDocument, { input: { familyId: 'x', member: child(s.marker) } });
      expectBadInput(badFamily, 'familyId');
      const { family } = await api.ok(s.caseworker.subject, FamilyRecordDocument, { id: s.familyId });
      expect(family.members).toHaveLength(2);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('registerFamily validation', () => {
    it.each<[string, string, MemberInput[]]>([
      ['a child without birthDate', 'members.0.birthDate', [{ role: 'CHILD', givenName: 'Mo', familyName: 'Peeters' }]],
      ['a parent without birthDate, second in the list', 'members.1.birthDate', [adult('Peeters'), { role: 'PARENT', givenName: 'Jan', familyName: 'Peeters' }]],
      ['a birthDate in the future', 'members.2.birthDate', [adult('Peeters'), child('Peeters'), { ...child('Peeters', 'Mo'), birthDate: isoDay(2) }]],
      ['a birthDate that is not a real day', 'members.0.birthDate', [{ ...child('Peeters'), birthDate: '2019-02-30' }]],
      ['a birthDate not written as YYYY-MM-DD', 'members.1.birthDate', [adult('Peeters'), { ...child('Peeters'), birthDate: '03/02/2015' }]],
      ['an unborn child with a birthDate', 'members.1.birthDate', [adult('Peeters'), { role: 'UNBORN', givenName: 'Baby', familyName: 'Peeters', birthDate: isoDay(-1), expectedDate: isoDay(30) }]],
      ['an unborn child without expectedDate', 'members.0.expectedDate', [{ role: 'UNBORN', givenName: 'Baby', familyName: 'Peeters' }]],
      ['a bad email', 'members.1.email', [adult('Peeters'), { ...adult('Peeters', 'Jan'), email: 'jan-at-example' }]],
      ['an empty given name', 'members.0.givenName', [{ ...adult('Peeters'), givenName: '' }]],
      ['a bad phone number', 'members.0.phone', [{ ...adult('Peeters'), phone: 'bel me' }]],
      ['no members at all', 'members', []],
    ])('refuses %s (field %s) and writes nothing', async (_label, field, members) => {
      const s = await scene();
      const before = await visibleFamilies(s.caseworker.subject);
      expect(before).toEqual([s.familyId]);
      const result = await api.gql(s.caseworker.subject, RegisterFamilyRecordDocument, { input: { members } });
      expectBadInput(result, field);
      expect(await visibleFamilies(s.caseworker.subject)).toEqual(before);
    });

    it('refuses an unknown role as a GraphQL validation error, writing nothing', async () => {
      const s = await scene();
      const result = await api.gql(s.caseworker.subject, RegisterFamilyRecordDocument, { input: { members: [{ ...adult('Peeters'), role: 'GRANDMA' as never }] } });
      expect(result.errors?.length).toBeGreaterThan(0);
      expect(result.data ?? null).toBeNull();
      expect(await visibleFamilies(s.caseworker.subject)).toEqual([s.familyId]);
    });

    it('accepts an unborn child with an expected date, and optional contact data', async () => {
      const s = await scene();
      const expectedDate = isoDay(120);
      const family = await register(s.caseworker, [
        { ...adult('Peeters'), email: 'sara@example.org', phone: '+32 470 12 34 56', preferredLanguage: 'nl' },
        { role: 'UNBORN', givenName: 'Baby', familyName: 'Peeters', expectedDate },
      ]);
      expect(family.members).toEqual([
        { id: expect.any(String), role: 'PARENT', givenName: 'Sara', familyName: 'Peeters', birthDate: '1990-04-01', expectedDate: null, email: 'sara@example.org' },
        { id: expect.any(String), role: 'UNBORN', givenName: 'Baby', familyName: 'Peeters', birthDate: null, expectedDate, email: null },
      ]);
      expect(await visibleFamilies(s.caseworker.subject)).toEqual([s.familyId, family.id]);
    });

    it('refuses a name of only spaces (it would be stored empty)', async () => {
      const s = await scene();
      const result = await api.gql(s.caseworker.subject, RegisterFamilyRecordDocument, { input: { members: [adult('Peeters'), { ...child('Peeters'), givenName: '   ' }] } });
      expect(result.data?.registerFamily?.members ?? null).toBeNull();
      expectBadInput(result, 'members.1.givenName');
      expect(await visibleFamilies(s.caseworker.subject)).toEqual([s.familyId]);
    });

    it('accepts a birthDate of today and trims names', async () => {
      const s = await scene();
      const today = new Date().toISOString().slice(0, 10);
      const family = await register(s.caseworker, [adult('Peeters'), { role: 'CHILD', givenName: '  Noor ', familyName: ' Peeters ', birthDate: today }]);
      expect(family.members[1]).toMatchObject({ givenName: 'Noor', familyName: 'Peeters', birthDate: today });
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('families(search)', () => {
    it('finds families by part of a member name, case-insensitively, only among visible families', async () => {
      const s = await scene();
      const suffix = randomUUID().slice(0, 6);
      const peeters = await register(s.caseworker, [adult(`Peeters${suffix}`), child(`Peeters${suffix}`)]);
      const janssens = await register(s.caseworker, [adult(`Janssens${suffix}`), { ...child(`Janssens${suffix}`), givenName: `Peet${suffix}` }]);
      await register(s.caseworker, [adult(`Claes${suffix}`)]);
      // The same name in a family the caseworker does not work with.
      const hidden = await register(s.colleague, [adult(`Peeters${suffix}`)]);

      const search = (text: string, subject = s.caseworker.subject) => visibleFamilies(subject, text);
      expect(await search(`Peeters${suffix}`)).toEqual([peeters.id]);
      expect(await search(`peeters${suffix.toUpperCase()}`)).toEqual([peeters.id]);
      // A given name matches as well as a family name.
      expect(await search(`Peet${suffix}`)).toEqual([janssens.id]);
      expect(await search(`Janssens${suffix}`)).toEqual([janssens.id]);
      expect(await search(`ters${suffix}`)).toEqual([peeters.id]);
      expect(await search(`Nobody${suffix}`)).toEqual([]);
      expect(await search(`Peeters${suffix}`, s.colleague.subject)).toEqual([hidden.id]);
      expect(await search(`Peeters${suffix}`, s.otherCaseworker.subject)).toEqual([]);
      // "Peet" is in several of the caller's families (at most once each) and never the hidden one.
      const peet = await search('Peet');
      expect(peet).toEqual(expect.arrayContaining([peeters.id, janssens.id]));
      expect(peet).not.toContain(hidden.id);
      expect(new Set(peet).size).toBe(peet.length);
    });

    it('matches %, _ and \\ literally', async () => {
      const s = await scene();
      const suffix = randomUUID().slice(0, 6);
      const percent = await register(s.caseworker, [adult(`Van%Dam${suffix}`)]);
      const underscore = await register(s.caseworker, [adult(`De_Smet${suffix}`)]);
      const backslash = await register(s.caseworker, [adult(`Back\\Slash${suffix}`)]);
      const plain = await register(s.caseworker, [adult(`Vandenbroek${suffix}`), adult(`DeXSmet${suffix}`, `BackSlash${suffix}`)]);

      // Unescaped, "n%d" would also match "Vandenbroek", "e_S" "DeXSmet" and "k\\S" "BackSlash".
      expect(await visibleFamilies(s.caseworker.subject, 'n%d')).toEqual([percent.id]);
      expect(await visibleFamilies(s.caseworker.subject, 'e_S')).toEqual([underscore.id]);
      expect(await visibleFamilies(s.caseworker.subject, 'k\\S')).toEqual([backslash.id]);
      expect(await visibleFamilies(s.caseworker.subject, '%%')).toEqual([]);
      expect(await visibleFamilies(s.caseworker.subject, '__')).toEqual([]);
      expect(await visibleFamilies(s.caseworker.subject, `n%Dam${suffix}`)).toEqual([percent.id]);
      expect(await visibleFamilies(s.caseworker.subject, `Vandenbroek${suffix}`)).toEqual([plain.id]);
    });

    it('refuses a search shorter than 2 characters with BAD_USER_INPUT on search', async () => {
      const s = await scene();
      expectBadInput(await api.gql(s.caseworker.subject, FamiliesPageDocument, { search: 'P' }), 'search');
      expectBadInput(await api.gql(s.caseworker.subject, FamiliesPageDocument, { search: 'x'.repeat(101) }), 'search');
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('families pagination', () => {
    it('pages through the visible families with first/after, in a stable order', async () => {
      const s = await scene();
      const ids = [s.familyId];
      for (let i = 0; i < 4; i++) ids.push((await register(s.caseworker, [adult(`Pagina${i}`)])).id);
      // Families the caller does not see do not show up on any page.
      await register(s.colleague, [adult('Verborgen')]);

      const page = (first: number, after?: string | null) =>
        api.ok(s.caseworker.subject, FamiliesPageDocument, { first, after }).then((d) => d.families);
      const p1 = await page(2);
      expect(p1.edges.map((e) => e.node.id)).toEqual(ids.slice(0, 2));
      expect(p1.pageInfo).toEqual({ hasNextPage: true, endCursor: p1.edges[1]!.cursor });
      const p2 = await page(2, p1.pageInfo.endCursor);
      expect(p2.edges.map((e) => e.node.id)).toEqual(ids.slice(2, 4));
      expect(p2.pageInfo.hasNextPage).toBe(true);
      const p3 = await page(2, p2.pageInfo.endCursor);
      expect(p3.edges.map((e) => e.node.id)).toEqual(ids.slice(4));
      expect(p3.pageInfo).toEqual({ hasNextPage: false, endCursor: p3.edges[0]!.cursor });

      // Exactly a full page: no next page.
      const exact = await page(5);
      expect(exact.edges.map((e) => e.node.id)).toEqual(ids);
      expect(exact.pageInfo.hasNextPage).toBe(false);
      const past = await page(5, exact.pageInfo.endCursor);
      expect(past).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });

      // Without first: the default page size covers them all.
      expect((await visibleFamilies(s.caseworker.subject)).sort()).toEqual([...ids].sort());
    });

    it.each<[string, string, Record<string, unknown>]>([
      ['a cursor that is not base64 of an id', 'after', { after: 'not-a-cursor' }],
      ['a cursor with a forged payload', 'after', { after: Buffer.from('id:1 OR 1=1').toString('base64url') }],
      ['a cursor without the id: prefix', 'after', { after: Buffer.from(randomUUID()).toString('base64url') }],
      ['first: 0', 'first', { first: 0 }],
      ['first: 101', 'first', { first: 101 }],
    ])('refuses %s with BAD_USER_INPUT on %s', async (_label, field, vars) => {
      const s = await scene();
      expectBadInput(await api.gql(s.caseworker.subject, FamiliesPageDocument, vars), field);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('one open plan per family, in the database', () => {
    it('refuses a second open plan row with a unique violation; closed plans may be many', async () => {
      const s = await scene();
      const planId = await world.openPlan(s.caseworker, s.familyId, { summary: 'Eerste plan' });
      const db = await fixtureClient();
      try {
        const insert = (status: string, closed = false) =>
          db.query(
            `INSERT INTO plan (id, family_id, status, summary, close_reason_code, closed_at) VALUES ($1, $2, $3, 'Tweede plan', $4, $5)`,
            [randomUUID(), s.familyId, status, closed ? 'GOALS_ACHIEVED' : null, closed ? new Date() : null],
          );
        await expect(insert('DRAFT')).rejects.toMatchObject({ code: '23505', constraint: 'plan_one_open_per_family_uq' });
        await expect(insert('ACTIVE')).rejects.toMatchObject({ code: '23505', constraint: 'plan_one_open_per_family_uq' });
        await insert('CLOSED', true);
        await insert('CLOSED', true);
        const { rows } = await db.query(`SELECT status, count(*)::int AS n FROM plan WHERE family_id = $1 GROUP BY status ORDER BY status`, [
          s.familyId,
        ]);
        expect(rows).toEqual([
          { status: 'CLOSED', n: 2 },
          { status: 'DRAFT', n: 1 },
        ]);

        // Once the open plan is closed too, a new open plan is allowed again (by the API and the database).
        await world.closePlan(s.caseworker, planId);
        await insert('DRAFT');
        await expect(insert('DRAFT')).rejects.toMatchObject({ code: '23505' });
        const viaApi = await api.gql(s.caseworker.subject, OpenPlanDocument, { input: { familyId: s.familyId, summary: 'Derde' } });
        expect(codeOf(viaApi)).toBe('CONFLICT');
      } finally {
        await db.end();
      }
    });
  });
});
