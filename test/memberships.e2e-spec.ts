import { AgencyMembershipsDocument, FamilyProbeDocument, RemoveMembershipDocument } from './graphql/generated.js';
import { codeOf, TestApi } from './support/test-app.js';
import { type Agency, type Network, parent, World } from './support/world.js';

const INES_WOUTERS = [parent('Ines', 'Wouters', '1985-05-05')];

describe('removing a membership', () => {
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

  async function membershipIdOf(userId: string, agencyId = agency.id) {
    const { memberships } = await api.ok(agency.admin.subject, AgencyMembershipsDocument, { a: agencyId });
    return memberships.edges.find((e) => e.node.user?.id === userId)?.node.id;
  }

  it('ends the role and, with it, the need to know for the agency’s families', async () => {
    const worker = await world.staff(agency);
    const family = await world.family(worker, INES_WOUTERS);
    expect(codeOf(await api.gql(worker.subject, FamilyProbeDocument, { id: family.id }))).toBe('OK');

    const id = (await membershipIdOf(worker.userId))!;
    const { removeMembership } = await api.ok(agency.admin.subject, RemoveMembershipDocument, { id });
    expect(removeMembership).toEqual({ id, role: 'CASEWORKER', user: { id: worker.userId } });
    expect(await membershipIdOf(worker.userId)).toBeUndefined();
    // Next request: no agency, no family.
    expect(codeOf(await api.gql(worker.subject, FamilyProbeDocument, { id: family.id }))).toBe('FORBIDDEN');
    await world.member(agency.admin.subject, agency.id, 'CASEWORKER', worker.subject);
    expect(codeOf(await api.gql(worker.subject, FamilyProbeDocument, { id: family.id }))).toBe('NOT_FOUND');
  });

  it('refuses to remove a trajectory supporter before the role is handed over', async () => {
    const worker = await world.staff(agency);
    const { familyId } = await world.familyWithPlan(worker, { members: INES_WOUTERS, summary: 's', supporter: worker });
    const id = (await membershipIdOf(worker.userId))!;
    expect(codeOf(await api.gql(agency.admin.subject, RemoveMembershipDocument, { id }))).toBe('CONFLICT');
    expect(await membershipIdOf(worker.userId)).toBe(id);
    expect(codeOf(await api.gql(worker.subject, FamilyProbeDocument, { id: familyId }))).toBe('OK');
  });

  it.each([
    ['a caseworker of the agency', 'CASEWORKER', 'FORBIDDEN'],
    // Admins see only their own agency's memberships: another's does not exist for them.
    ['the admin of another agency in the network', 'OTHER_ADMIN', 'NOT_FOUND'],
    ['the admin of an agency in another network', 'FOREIGN_ADMIN', 'NOT_FOUND'],
  ])('is refused to %s', async (_, who, code) => {
    const worker = await world.staff(agency);
    const id = (await membershipIdOf(worker.userId))!;
    const caller =
      who === 'CASEWORKER'
        ? await world.staff(agency)
        : who === 'OTHER_ADMIN'
          ? (await world.agency(network)).admin
          : (await world.agency(await world.network())).admin;
    expect(codeOf(await api.gql(caller.subject, RemoveMembershipDocument, { id }))).toBe(code);
    expect(await membershipIdOf(worker.userId)).toBe(id);
  });

  it('lets the network coordinator remove an agency admin but not a caseworker', async () => {
    const worker = await world.staff(agency);
    const secondAdmin = await world.staff(agency, 'AGENCY_ADMIN');
    expect(codeOf(await api.gql(network.coordinator.subject, RemoveMembershipDocument, { id: (await membershipIdOf(worker.userId))! }))).toBe('FORBIDDEN');
    expect(codeOf(await api.gql(network.coordinator.subject, RemoveMembershipDocument, { id: (await membershipIdOf(secondAdmin.userId))! }))).toBe('OK');
  });
});
