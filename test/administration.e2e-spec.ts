import { randomUUID } from 'node:crypto';
import {
  AcceptMembershipInvitationByIdDocument,
  AddMembershipDetailsDocument,
  type AddMembershipInput,
  AgenciesPageDocument,
  AgencyDetailsDocument,
  CreateAgencyDetailsDocument,
  type CreateAgencyInput,
  CreateNetworkDetailsDocument,
  MembershipsPageDocument,
  MyMembershipsDocument,
  MyUserDocument,
  NetworksPageDocument,
} from './graphql/generated.js';
import { type AnyDocument, codeOf, type GraphQLResult, PLATFORM_ADMIN, TestApi, uniqueSubject } from './support/test-app.js';
import { type Agency, type Network, type Person, type Role, World } from './support/world.js';

/**
 * Administration over GraphQL/HTTP: networks, agencies, memberships. Who may and who may not, with
 * the exact error code; validation, conflicts, atomicity and cursor pagination.
 */

type Code = 'OK' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';

/** Who calls, relative to the scene's network `net` and its agency `agency`. */
type Actor =
  | 'platform admin'
  | 'network coordinator'
  | 'coordinator of another network'
  | 'agency admin'
  | 'admin of a sibling agency (same network)'
  | "admin of another network's agency"
  | 'caseworker'
  | 'volunteer'
  | 'caseworker of another network'
  | 'unknown subject (valid token)'
  | 'no token';

/** Two networks, built fresh for each test: `net` with agencies `agency` and `sibling`, `other` with `otherAgency`. */
interface Scene {
  net: Network;
  agency: Agency;
  sibling: Agency;
  caseworker: Person;
  volunteer: Person;
  other: Network;
  otherAgency: Agency;
  otherCaseworker: Person;
  stranger: string;
}

interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface AgencyNode {
  id: string;
  networkId: string;
  name: string;
  kind: string;
}

interface MembershipNode {
  id: string;
  role: Role;
  user: { id: string; displayName: string };
  agency: { id: string };
}

const sorted = (values: string[]) => [...values].sort();

describe('administration', () => {
  let api: TestApi;
  let world: World;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
  });
  afterAll(() => api.stop());

  async function scene(): Promise<Scene> {
    const [net, other] = await world.networks(2);
    const [agency, sibling] = await world.agencies(net, ['CHILD_WELFARE', 'SCHOOL_GUIDANCE']);
    const otherAgency = await world.agency(other);
    const [caseworker, volunteer] = await world.staffTogether(agency, ['CASEWORKER', 'VOLUNTEER']);
    const otherCaseworker = await world.staff(otherAgency, 'CASEWORKER');
    return { net, agency, sibling, caseworker, volunteer, other, otherAgency, otherCaseworker, stranger: uniqueSubject('stranger') };
  }

  function as(s: Scene, actor: Actor): string | null {
    switch (actor) {
      case 'platform admin':
        return PLATFORM_ADMIN;
      case 'network coordinator':
        return s.net.coordinator.subject;
      case 'coordinator of another network':
        return s.other.coordinator.subject;
      case 'agency admin':
        return s.agency.admin.subject;
      case 'admin of a sibling agency (same network)':
        return s.sibling.admin.subject;
      case "admin of another network's agency":
        return s.otherAgency.admin.subject;
      case 'caseworker':
        return s.caseworker.subject;
      case 'volunteer':
        return s.volunteer.subject;
      case 'caseworker of another network':
        return s.otherCaseworker.subject;
      case 'unknown subject (valid token)':
        return s.stranger;
      case 'no token':
        return null;
    }
  }

  /** Every page of a connection, as `subject`; fails the test on any error. */
  async function all<T>(subject: string, query: AnyDocument, field: string, vars: Record<string, unknown> = {}): Promise<T[]> {
    const nodes: T[] = [];
    let after: string | null = null;
    for (;;) {
      const data: Record<string, Page<T>> = await api.ok(subject, query, { ...vars, first: 100, after });
      const page: Page<T> = data[field]!;
      nodes.push(...page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) return nodes;
      after = page.pageInfo.endCursor;
    }
  }

  /** The agencies of a network, as the platform admin sees them (the ground truth). */
  const agenciesOf = (networkId: string) => all<AgencyNode>(PLATFORM_ADMIN, AgenciesPageDocument, 'agencies', { networkId });
  /** The memberships of an agency, as the platform admin sees them (the ground truth). */
  const membershipsOf = (agencyId: string) => all<MembershipNode>(PLATFORM_ADMIN, MembershipsPageDocument, 'memberships', { agencyId });
  const allNetworks = () => all<{ id: string; name: string }>(PLATFORM_ADMIN, NetworksPageDocument, 'networks');
  const userOf = async (subject: string) => (await api.ok(subject, MyUserDocument)).me.user as { id: string; displayName: string } | null;

  const expectBadInput = (result: GraphQLResult, field: string) => {
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.extensions!.field).toBe(field);
    expect(result.data ?? null).toBeNull();
  };

  // ---------------------------------------------------------------------------------------------
  describe('createNetwork', () => {
    it.each<[Actor, Code]>([
      ['platform admin', 'OK'],
      ['network coordinator', 'FORBIDDEN'],
      ['agency admin', 'FORBIDDEN'],
      ['caseworker', 'FORBIDDEN'],
      ['volunteer', 'FORBIDDEN'],
      ['unknown subject (valid token)', 'FORBIDDEN'],
      ['no token', 'UNAUTHENTICATED'],
    ])('%s → %s', async (actor, expected) => {
      const s = await scene();
      const name = `Netwerk ${randomUUID()}`;
      const result = await api.gql(as(s, actor), CreateNetworkDetailsDocument, { input: { name } });
      expect(codeOf(result)).toBe(expected);
      const created = (await allNetworks()).filter((n) => n.name === name);
      if (expected === 'OK') {
        expect(result.data!.createNetwork).toEqual({ id: expect.any(String), name });
        expect(created).toEqual([result.data!.createNetwork]);
      } else {
        expect(result.data ?? null).toBeNull();
        expect(created).toEqual([]);
      }
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('networks', () => {
    it.each<[Actor, Code | 'OWN NETWORK ONLY']>([
      ['network coordinator', 'OWN NETWORK ONLY'],
      ['agency admin', 'OWN NETWORK ONLY'],
      ['caseworker', 'OWN NETWORK ONLY'],
      ['volunteer', 'OWN NETWORK ONLY'],
      ['unknown subject (valid token)', 'FORBIDDEN'],
      ['no token', 'UNAUTHENTICATED'],
    ])('%s → %s', async (actor, expected) => {
      const s = await scene();
      const result = await api.gql(as(s, actor), NetworksPageDocument);
      if (expected === 'OWN NETWORK ONLY') {
        expect(codeOf(result)).toBe('OK');
        expect(result.data!.networks.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([s.net.id]);
        expect(result.data!.networks.pageInfo.hasNextPage).toBe(false);
      } else {
        expect(codeOf(result)).toBe(expected);
      }
    });

    it('platform admin → every network', async () => {
      const s = await scene();
      const ids = (await allNetworks()).map((n) => n.id);
      expect(ids).toEqual(expect.arrayContaining([s.net.id, s.other.id]));
      expect(new Set(ids).size).toBe(ids.length);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('createAgency (in the scene network)', () => {
    it.each<[Actor, Code]>([
      ['platform admin', 'OK'],
      ['network coordinator', 'OK'],
      ['coordinator of another network', 'NOT_FOUND'],
      ['agency admin', 'FORBIDDEN'],
      ["admin of another network's agency", 'FORBIDDEN'],
      ['caseworker', 'FORBIDDEN'],
      ['volunteer', 'FORBIDDEN'],
      ['caseworker of another network', 'FORBIDDEN'],
      ['unknown subject (valid token)', 'FORBIDDEN'],
      ['no token', 'UNAUTHENTICATED'],
    ])('%s → %s', async (actor, expected) => {
      const s = await scene();
      const input: CreateAgencyInput = { networkId: s.net.id, name: `Dienst ${randomUUID()}`, kind: 'MENTAL_HEALTH' };
      const result = await api.gql(as(s, actor), CreateAgencyDetailsDocument, { input });
      expect(codeOf(result)).toBe(expected);
      if (expected === 'OK') {
        const created = result.data!.createAgency as AgencyNode;
        expect(created).toEqual({ id: expect.any(String), ...input });
        expect((await api.ok(PLATFORM_ADMIN, AgencyDetailsDocument, { id: created.id })).agency).toEqual(created);
      } else {
        expect(result.data ?? null).toBeNull();
      }
      const named = (await agenciesOf(s.net.id)).filter((a) => a.name === input.name);
      expect(named).toHaveLength(expected === 'OK' ? 1 : 0);
    });

    it('platform admin may create an agency in any network', async () => {
      const s = await scene();
      for (const network of [s.net, s.other]) {
        const input: CreateAgencyInput = { networkId: network.id, name: `Dienst ${randomUUID()}`, kind: 'OTHER' };
        const { createAgency } = await api.ok(PLATFORM_ADMIN, CreateAgencyDetailsDocument, { input });
        expect(createAgency.networkId).toBe(network.id);
        expect((await agenciesOf(network.id)).map((a) => a.id)).toContain(createAgency.id);
      }
    });

    it('a coordinator creates agencies in its own network, not in a network that does not exist', async () => {
      const s = await scene();
      const result = await api.gql(s.net.coordinator.subject, CreateAgencyDetailsDocument, {
        input: { networkId: randomUUID(), name: 'Nergens', kind: 'OTHER' },
      });
      expect(codeOf(result)).toBe('NOT_FOUND');
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('agencies(networkId) of the scene network', () => {
    it.each<[Actor, Code]>([
      ['platform admin', 'OK'],
      ['network coordinator', 'OK'],
      ['agency admin', 'OK'],
      ['admin of a sibling agency (same network)', 'OK'],
      ['caseworker', 'OK'],
      ['volunteer', 'OK'],
      ['coordinator of another network', 'NOT_FOUND'],
      ["admin of another network's agency", 'NOT_FOUND'],
      ['caseworker of another network', 'NOT_FOUND'],
      ['unknown subject (valid token)', 'FORBIDDEN'],
      ['no token', 'UNAUTHENTICATED'],
    ])('%s → %s', async (actor, expected) => {
      const s = await scene();
      const result = await api.gql(as(s, actor), AgenciesPageDocument, { networkId: s.net.id });
      expect(codeOf(result)).toBe(expected);
      if (expected === 'OK') {
        const ids = result.data!.agencies.edges.map((e: { node: AgencyNode }) => e.node.id);
        expect(sorted(ids)).toEqual(sorted([s.net.coordinatingAgencyId, s.agency.id, s.sibling.id]));
        for (const e of result.data!.agencies.edges) expect(e.node.networkId).toBe(s.net.id);
      } else {
        expect(result.data ?? null).toBeNull();
      }
    });

    it('an unknown network is NOT_FOUND, also for the platform admin', async () => {
      const s = await scene();
      for (const subject of [PLATFORM_ADMIN, s.caseworker.subject]) {
        expect(codeOf(await api.gql(subject, AgenciesPageDocument, { networkId: randomUUID() }))).toBe('NOT_FOUND');
      }
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('agency(id) of an agency in the scene network', () => {
    it.each<[Actor, Code]>([
      ['platform admin', 'OK'],
      ['network coordinator', 'OK'],
      ['agency admin', 'OK'],
      ['admin of a sibling agency (same network)', 'OK'],
      ['caseworker', 'OK'],
      ['volunteer', 'OK'],
      ['coordinator of another network', 'NOT_FOUND'],
      ["admin of another network's agency", 'NOT_FOUND'],
      ['caseworker of another network', 'NOT_FOUND'],
      ['unknown subject (valid token)', 'FORBIDDEN'],
      ['no token', 'UNAUTHENTICATED'],
    ])('%s → %s', async (actor, expected) => {
      const s = await scene();
      const result = await api.gql(as(s, actor), AgencyDetailsDocument, { id: s.sibling.id });
      expect(codeOf(result)).toBe(expected);
      if (expected === 'OK') {
        expect(result.data!.agency).toEqual({
          id: s.sibling.id,
          networkId: s.net.id,
          name: expect.any(String),
          kind: 'SCHOOL_GUIDANCE',
        });
      } else {
        expect(result.data ?? null).toBeNull();
      }
    });

    it('a caseworker gets NOT_FOUND for an agency of another network, as for one that does not exist', async () => {
      const s = await scene();
      expect(codeOf(await api.gql(s.caseworker.subject, AgencyDetailsDocument, { id: s.otherAgency.id }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(s.caseworker.subject, AgencyDetailsDocument, { id: randomUUID() }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(PLATFORM_ADMIN, AgencyDetailsDocument, { id: randomUUID() }))).toBe('NOT_FOUND');
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('addMembership (to the scene agency)', () => {
    it.each<[Actor, Role, Code]>([
      ['platform admin', 'NETWORK_COORDINATOR', 'OK'],
      ['platform admin', 'AGENCY_ADMIN', 'OK'],
      ['platform admin', 'CASEWORKER', 'FORBIDDEN'],
      ['platform admin', 'VOLUNTEER', 'FORBIDDEN'],
      ['network coordinator', 'AGENCY_ADMIN', 'OK'],
      ['network coordinator', 'NETWORK_COORDINATOR', 'OK'],
      ['network coordinator', 'CASEWORKER', 'FORBIDDEN'],
      ['network coordinator', 'VOLUNTEER', 'FORBIDDEN'],
      ['coordinator of another network', 'AGENCY_ADMIN', 'NOT_FOUND'],
      ['agency admin', 'CASEWORKER', 'OK'],
      ['agency admin', 'VOLUNTEER', 'OK'],
      ['agency admin', 'AGENCY_ADMIN', 'OK'],
      ['agency admin', 'NETWORK_COORDINATOR', 'FORBIDDEN'],
      ['admin of a sibling agency (same network)', 'CASEWORKER', 'FORBIDDEN'],
      ['admin of a sibling agency (same network)', 'AGENCY_ADMIN', 'FORBIDDEN'],
      ["admin of another network's agency", 'CASEWORKER', 'NOT_FOUND'],
      ['caseworker', 'CASEWORKER', 'FORBIDDEN'],
      ['caseworker', 'VOLUNTEER', 'FORBIDDEN'],
      ['volunteer', 'VOLUNTEER', 'FORBIDDEN'],
      ['caseworker of another network', 'CASEWORKER', 'FORBIDDEN'],
      ['unknown subject (valid token)', 'CASEWORKER', 'FORBIDDEN'],
      ['unknown subject (valid token)', 'AGENCY_ADMIN', 'FORBIDDEN'],
      ['no token', 'CASEWORKER', 'UNAUTHENTICATED'],
    ])('%s adding a %s → %s', async (actor, role, expected) => {
      const s = await scene();
      const subject = uniqueSubject('newcomer');
      const displayName = `Nieuwe Collega ${randomUUID()}`;
      const input: AddMembershipInput = { agencyId: s.agency.id, subject, displayName, role };
      const result = await api.gql(as(s, actor), AddMembershipDetailsDocument, { input });
      expect(codeOf(result)).toBe(expected);
      const { me } = await api.ok(subject, MyMembershipsDocument);
      if (expected === 'OK') {
        const added = result.data!.addMembership as MembershipNode;
        expect(added).toEqual({ id: expect.any(String), role, user: { id: expect.any(String), displayName }, agency: { id: s.agency.id } });
        // The new member is known, with that one role in that agency.
        expect(me).toEqual({ user: added.user, memberships: [{ role, agency: { id: s.agency.id } }] });
        expect((await membershipsOf(s.agency.id)).filter((m) => m.user.displayName === displayName)).toEqual([added]);
      } else {
        expect(result.data ?? null).toBeNull();
        // Nothing behind: not even the user the membership would have created.
        expect(me).toEqual({ user: null, memberships: [] });
        expect((await membershipsOf(s.agency.id)).filter((m) => m.user.displayName === displayName)).toEqual([]);
      }
    });

    it('the new member acts for its agency with the role it was given', async () => {
      const s = await scene();
      const admin = await world.member(s.net.coordinator.subject, s.agency.id, 'AGENCY_ADMIN');
      // The new agency admin may now manage its agency's staff...
      const worker = await world.member(admin.subject, s.agency.id, 'CASEWORKER');
      expect((await membershipsOf(s.agency.id)).map((m) => m.user.id)).toEqual(expect.arrayContaining([admin.userId, worker.userId]));
      // ...and the caseworker it added may not.
      const result = await api.gql(worker.subject, AddMembershipDetailsDocument, {
        input: { agencyId: s.agency.id, subject: uniqueSubject('x'), displayName: 'X', role: 'CASEWORKER' },
      });
      expect(codeOf(result)).toBe('FORBIDDEN');
    });

    it('an agency that does not exist is NOT_FOUND, also for the platform admin', async () => {
      const input: AddMembershipInput = { agencyId: randomUUID(), subject: uniqueSubject('ghost'), displayName: 'Ghost', role: 'AGENCY_ADMIN' };
      expect(codeOf(await api.gql(PLATFORM_ADMIN, AddMembershipDetailsDocument, { input }))).toBe('NOT_FOUND');
      expect(await userOf(input.subject)).toBeNull();
    });

    it('a member of several agencies manages the one named by X-Acting-Agency', async () => {
      const s = await scene();
      // The scene agency's admin also works as a caseworker in the sibling agency.
      await world.member(s.sibling.admin.subject, s.sibling.id, 'CASEWORKER', s.agency.admin.subject);
      const input = (): AddMembershipInput => ({ agencyId: s.agency.id, subject: uniqueSubject('cw'), displayName: 'CW', role: 'CASEWORKER' });

      expect(codeOf(await api.gql(s.agency.admin.subject, AddMembershipDetailsDocument, { input: input() }))).toBe('FORBIDDEN');
      const asCaseworker = await api.gql(s.agency.admin.subject, AddMembershipDetailsDocument, { input: input() }, { 'X-Acting-Agency': s.sibling.id });
      expect(codeOf(asCaseworker)).toBe('FORBIDDEN');
      const asAdmin = await api.gql(s.agency.admin.subject, AddMembershipDetailsDocument, { input: input() }, { 'X-Acting-Agency': s.agency.id });
      expect(codeOf(asAdmin)).toBe('OK');
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('memberships(agencyId) of the scene agency', () => {
    it.each<[Actor, Code]>([
      ['platform admin', 'OK'],
      ['network coordinator', 'OK'],
      ['agency admin', 'OK'],
      ['coordinator of another network', 'NOT_FOUND'],
      ["admin of another network's agency", 'NOT_FOUND'],
      ['caseworker', 'FORBIDDEN'],
      ['volunteer', 'FORBIDDEN'],
      ['caseworker of another network', 'FORBIDDEN'],
      ['unknown subject (valid token)', 'FORBIDDEN'],
      ['no token', 'UNAUTHENTICATED'],
    ])('%s → %s', async (actor, expected) => {
      const s = await scene();
      const result = await api.gql(as(s, actor), MembershipsPageDocument, { agencyId: s.agency.id });
      expect(codeOf(result)).toBe(expected);
      if (expected === 'OK') {
        const members = (result.data!.memberships as Page<MembershipNode>).edges.map((e) => e.node);
        expect(sorted(members.map((m) => `${m.user.id}:${m.role}`))).toEqual(
          sorted([
            `${s.agency.admin.userId}:AGENCY_ADMIN`,
            `${s.caseworker.userId}:CASEWORKER`,
            `${s.volunteer.userId}:VOLUNTEER`,
          ]),
        );
        for (const m of members) expect(m.agency).toEqual({ id: s.agency.id });
      } else {
        expect(result.data ?? null).toBeNull();
      }
    });

    it('the admin of a sibling agency does not see the members of an agency it does not administer', async () => {
      const s = await scene();
      const result = await api.gql(s.sibling.admin.subject, MembershipsPageDocument, { agencyId: s.agency.id });
      // Either refused or an empty list: never the other agency's people.
      if (codeOf(result) === 'OK') expect(result.data!.memberships.edges).toEqual([]);
      else expect(codeOf(result)).toBe('FORBIDDEN');
    });

    it('an agency admin pages through its members', async () => {
      const s = await scene();
      const extra = [await world.staff(s.agency), await world.staff(s.agency, 'VOLUNTEER')];
      const expected = [s.agency.admin.userId, s.caseworker.userId, s.volunteer.userId, ...extra.map((p) => p.userId)];

      const seen: string[] = [];
      let after: string | null = null;
      const pages: boolean[] = [];
      do {
        const { memberships } = await api.ok(s.agency.admin.subject, MembershipsPageDocument, { agencyId: s.agency.id, first: 2, after });
        const page = memberships as Page<MembershipNode>;
        expect(page.edges.length).toBeLessThanOrEqual(2);
        seen.push(...page.edges.map((e) => e.node.user.id));
        pages.push(page.pageInfo.hasNextPage);
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect(pages).toEqual([true, true, false]); // 5 members: 2 + 2 + 1
      expect(new Set(seen).size).toBe(seen.length);
      expect(sorted(seen)).toEqual(sorted(expected));
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('an unknown subject with a valid token', () => {
    it('may ask only `me`', async () => {
      const s = await scene();
      const stranger = s.stranger;
      expect((await api.ok(stranger, MyUserDocument)).me).toEqual({ subject: stranger, user: null });
      const attempts: [AnyDocument, Record<string, unknown>][] = [
        [CreateNetworkDetailsDocument, { input: { name: 'X' } }],
        [NetworksPageDocument, {}],
        [CreateAgencyDetailsDocument, { input: { networkId: s.net.id, name: 'X', kind: 'OTHER' } }],
        [AgenciesPageDocument, { networkId: s.net.id }],
        [AgencyDetailsDocument, { id: s.agency.id }],
        [AddMembershipDetailsDocument, { input: { agencyId: s.agency.id, subject: stranger, displayName: 'X', role: 'AGENCY_ADMIN' } }],
        [MembershipsPageDocument, { agencyId: s.agency.id }],
      ];
      for (const [query, vars] of attempts) expect(codeOf(await api.gql(stranger, query, vars))).toBe('FORBIDDEN');
      expect((await api.ok(stranger, MyUserDocument)).me.user).toBeNull();
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('validation', () => {
    it('an empty or too long network name is BAD_USER_INPUT on field name', async () => {
      expectBadInput(await api.gql(PLATFORM_ADMIN, CreateNetworkDetailsDocument, { input: { name: '' } }), 'name');
      expectBadInput(await api.gql(PLATFORM_ADMIN, CreateNetworkDetailsDocument, { input: { name: 'x'.repeat(201) } }), 'name');
      expect((await allNetworks()).filter((n) => n.name === 'x'.repeat(201) || n.name === '')).toEqual([]);
    });

    it.each<[string, string, Partial<CreateAgencyInput>]>([
      ['empty name', 'name', { name: '' }],
      ['name of 201 characters', 'name', { name: 'n'.repeat(201) }],
      ['networkId not a uuid', 'networkId', { networkId: 'not-a-uuid' }],
    ])('createAgency with %s → BAD_USER_INPUT on %s', async (_label, field, override) => {
      const network = await world.network();
      const input: CreateAgencyInput = { networkId: network.id, name: `Dienst ${randomUUID()}`, kind: 'OTHER', ...override };
      for (const subject of [PLATFORM_ADMIN, network.coordinator.subject]) {
        expectBadInput(await api.gql(subject, CreateAgencyDetailsDocument, { input }), field);
      }
      // The network still holds only its coordinating agency.
      expect((await agenciesOf(network.id)).map((a) => a.id)).toEqual([network.coordinatingAgencyId]);
    });

    it.each<[string, string, Partial<AddMembershipInput>]>([
      ['agencyId not a uuid', 'agencyId', { agencyId: 'not-a-uuid' }],
      ['empty subject', 'subject', { subject: '' }],
      ['subject of 256 characters', 'subject', { subject: 's'.repeat(256) }],
      ['empty displayName', 'displayName', { displayName: '' }],
    ])('addMembership with %s → BAD_USER_INPUT on %s', async (_label, field, override) => {
      const network = await world.network();
      const agency = await world.agency(network);
      const subject = uniqueSubject('invalid');
      const input: AddMembershipInput = { agencyId: agency.id, subject, displayName: 'Nieuw', role: 'CASEWORKER', ...override };
      expectBadInput(await api.gql(agency.admin.subject, AddMembershipDetailsDocument, { input }), field);
      expect(await userOf(subject)).toBeNull();
      // The agency still has only its admin.
      expect((await membershipsOf(agency.id)).map((m) => m.user.id)).toEqual([agency.admin.userId]);
    });

    it('an invalid enum value is a GraphQL error and creates nothing', async () => {
      const network = await world.network();
      const agency = await world.agency(network);
      const name = `Dienst ${randomUUID()}`;
      const subject = uniqueSubject('enum');

      const results = [
        await api.gql(PLATFORM_ADMIN, CreateAgencyDetailsDocument, { input: { networkId: network.id, name, kind: 'SPACESHIP' as never } }),
        await api.gql(PLATFORM_ADMIN, `mutation { createAgency(input: { networkId: "${network.id}", name: "${name}", kind: SPACESHIP }) { id } }`),
        await api.gql(agency.admin.subject, AddMembershipDetailsDocument, { input: { agencyId: agency.id, subject, displayName: 'E', role: 'BOSS' as never } }),
        await api.gql(agency.admin.subject, AddMembershipDetailsDocument, { input: { agencyId: agency.id, subject, displayName: 'E', role: 'caseworker' as never } }),
      ];
      for (const result of results) {
        expect(result.errors?.length).toBeGreaterThan(0);
        expect(codeOf(result)).not.toBe('OK');
        expect(codeOf(result)).not.toBe('INTERNAL_SERVER_ERROR');
        expect(result.data ?? null).toBeNull();
      }
      expect(await userOf(subject)).toBeNull();
      expect(sorted((await agenciesOf(network.id)).map((a) => a.id))).toEqual(sorted([network.coordinatingAgencyId, agency.id]));
      expect((await membershipsOf(agency.id)).map((m) => m.user.id)).toEqual([agency.admin.userId]);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('conflicts and atomicity', () => {
    it('a duplicate agency name in one network is a CONFLICT and leaves nothing behind', async () => {
      const network = await world.network();
      const name = `Dienst ${randomUUID()}`;
      await api.ok(network.coordinator.subject, CreateAgencyDetailsDocument, { input: { networkId: network.id, name, kind: 'CHILDCARE' } });
      const before = await agenciesOf(network.id);

      for (const subject of [network.coordinator.subject, PLATFORM_ADMIN]) {
        const result = await api.gql(subject, CreateAgencyDetailsDocument, { input: { networkId: network.id, name, kind: 'HEALTH' } });
        expect(codeOf(result)).toBe('CONFLICT');
        expect(result.data ?? null).toBeNull();
      }
      const after = await agenciesOf(network.id);
      expect(after).toEqual(before);
      expect(after.filter((a) => a.name === name)).toEqual([expect.objectContaining({ kind: 'CHILDCARE' })]);

      // The name is unique per network only.
      const other = await world.network();
      await api.ok(other.coordinator.subject, CreateAgencyDetailsDocument, { input: { networkId: other.id, name, kind: 'HEALTH' } });
    });

    it('a duplicate membership (same subject, agency and role) is a CONFLICT and leaves nothing behind', async () => {
      const network = await world.network();
      const agency = await world.agency(network);
      const sibling = await world.agency(network);
      const worker = await world.staff(agency, 'CASEWORKER');
      const before = await membershipsOf(agency.id);

      const again: AddMembershipInput = { agencyId: agency.id, subject: worker.subject, displayName: 'Andere Naam', role: 'CASEWORKER' };
      const result = await api.gql(agency.admin.subject, AddMembershipDetailsDocument, { input: again });
      expect(codeOf(result)).toBe('CONFLICT');
      expect(result.data ?? null).toBeNull();
      expect(await membershipsOf(agency.id)).toEqual(before);
      expect(await userOf(worker.subject)).toEqual({ id: worker.userId, displayName: 'Test CASEWORKER' });

      // Another role in the same agency is a new membership of the same user; another agency only invites her,
      // showing nothing of her, and she becomes its member by accepting.
      const volunteer = await api.ok(agency.admin.subject, AddMembershipDetailsDocument, { input: { ...again, role: 'VOLUNTEER' } });
      expect(volunteer.addMembership.user).toEqual({ id: worker.userId, displayName: 'Test CASEWORKER' });
      const elsewhere = await api.ok(sibling.admin.subject, AddMembershipDetailsDocument, { input: { ...again, agencyId: sibling.id } });
      expect(elsewhere.addMembership.user).toBeNull();
      const accept = AcceptMembershipInvitationByIdDocument;
      expect((await api.ok(worker.subject, accept, { id: elsewhere.addMembership.id })).acceptMembershipInvitation.user!.id).toBe(worker.userId);
      expect(await membershipsOf(agency.id)).toHaveLength(before.length + 1);
    });

    it('a FORBIDDEN or NOT_FOUND mutation leaves nothing behind', async () => {
      const s = await scene();
      const agenciesBefore = await agenciesOf(s.net.id);
      const membersBefore = await membershipsOf(s.agency.id);
      const newcomer = uniqueSubject('newcomer');
      const attempts: [string | null, AnyDocument, Record<string, unknown>, Code][] = [
        [s.agency.admin.subject, CreateAgencyDetailsDocument, { input: { networkId: s.net.id, name: 'A', kind: 'OTHER' } }, 'FORBIDDEN'],
        [s.other.coordinator.subject, CreateAgencyDetailsDocument, { input: { networkId: s.net.id, name: 'B', kind: 'OTHER' } }, 'NOT_FOUND'],
        [PLATFORM_ADMIN, AddMembershipDetailsDocument, { input: { agencyId: s.agency.id, subject: newcomer, displayName: 'N', role: 'CASEWORKER' } }, 'FORBIDDEN'],
        [s.sibling.admin.subject, AddMembershipDetailsDocument, { input: { agencyId: s.agency.id, subject: newcomer, displayName: 'N', role: 'CASEWORKER' } }, 'FORBIDDEN'],
        [s.other.coordinator.subject, AddMembershipDetailsDocument, { input: { agencyId: s.agency.id, subject: newcomer, displayName: 'N', role: 'AGENCY_ADMIN' } }, 'NOT_FOUND'],
      ];
      for (const [subject, query, vars, code] of attempts) expect(codeOf(await api.gql(subject, query, vars))).toBe(code);
      expect(await agenciesOf(s.net.id)).toEqual(agenciesBefore);
      expect(await membershipsOf(s.agency.id)).toEqual(membersBefore);
      expect(await userOf(newcomer)).toBeNull();
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('cursor pagination', () => {
    it('pages agencies with first/after: hasNextPage, endCursor and no overlap', async () => {
      const network = await world.network();
      for (let i = 0; i < 3; i++) await world.createAgency(network.coordinator.subject, network.id, 'OTHER');
      const everything = (await agenciesOf(network.id)).map((a) => a.id);
      expect(everything).toHaveLength(4); // the coordinating agency and the three new ones

      const first = (await api.ok(network.coordinator.subject, AgenciesPageDocument, { networkId: network.id, first: 2 })).agencies as Page<AgencyNode>;
      expect(first.edges).toHaveLength(2);
      expect(first.pageInfo.hasNextPage).toBe(true);
      expect(first.pageInfo.endCursor).toBe(first.edges[1]!.cursor);

      const second = (await api.ok(network.coordinator.subject, AgenciesPageDocument, { networkId: network.id, first: 2, after: first.pageInfo.endCursor }))
        .agencies as Page<AgencyNode>;
      expect(second.edges).toHaveLength(2);
      expect(second.pageInfo.hasNextPage).toBe(false);
      expect(second.pageInfo.endCursor).toBe(second.edges[1]!.cursor);

      const ids = [...first.edges, ...second.edges].map((e) => e.node.id);
      expect(new Set(ids).size).toBe(4);
      expect(sorted(ids)).toEqual(sorted(everything));

      const beyond = (await api.ok(network.coordinator.subject, AgenciesPageDocument, { networkId: network.id, first: 2, after: second.pageInfo.endCursor }))
        .agencies as Page<AgencyNode>;
      expect(beyond).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });

      const bounds = [1, 100].map(async (n) => (await api.ok(PLATFORM_ADMIN, AgenciesPageDocument, { networkId: network.id, first: n })).agencies.edges.length);
      expect(await Promise.all(bounds)).toEqual([1, 4]);
    });

    it('the default page holds all of a small list, without a next page', async () => {
      const network = await world.network();
      await world.createAgency(network.coordinator.subject, network.id, 'OTHER');
      const { agencies } = await api.ok(network.coordinator.subject, AgenciesPageDocument, { networkId: network.id });
      expect(agencies.edges).toHaveLength(2);
      expect(agencies.pageInfo.hasNextPage).toBe(false);
    });

    it.each<[string, AnyDocument, (n: Network, a: Agency) => Record<string, unknown>]>([
      ['agencies', AgenciesPageDocument, (n) => ({ networkId: n.id })],
      ['memberships', MembershipsPageDocument, (_n, a) => ({ agencyId: a.id })],
      ['networks', NetworksPageDocument, () => ({})],
    ])('%s: a forged cursor is BAD_USER_INPUT on after; first outside 1..100 on first', async (_name, query, vars) => {
      const network = await world.network();
      const agency = await world.agency(network);
      const base = vars(network, agency);
      const subject = agency.admin.subject;
      await api.ok(subject, query, base);
      for (const after of ['garbage', Buffer.from('id:not-a-uuid').toString('base64url'), randomUUID()]) {
        expectBadInput(await api.gql(subject, query, { ...base, after }), 'after');
      }
      for (const first of [0, -1, 101]) {
        expectBadInput(await api.gql(subject, query, { ...base, first }), 'first');
      }
    });
  });
});
