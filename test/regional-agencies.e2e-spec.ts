import {
  AddPlanParticipantDocument,
  AdmitAgencyServiceAreaDocument,
  AgencyMembershipsDocument,
  AssignCaseDocument,
  EndAgencyServiceAreaDocument,
  FamilyNetworkDocument,
  NetworkDirectoryDocument,
  PlanProbeDocument,
  RemoveMembershipDocument,
} from './graphql/generated.js';
import { codeOf, PLATFORM_ADMIN, TestApi } from './support/test-app.js';
import { type Agency, type Network, type Person, World } from './support/world.js';

/**
 * Regional agencies (issue 21): an agency of network A admitted by B's coordinator to serve B works with B's
 * families as with A's; an agency serving only A never reaches B; ending the service area ends it at once.
 */
describe('regional agencies: an agency serving several networks', () => {
  let api: TestApi;
  let world: World;
  let home: Network;
  let served: Network;
  let regional: Agency;
  let regionalWorker: Person;
  let local: Agency;
  let localWorker: Person;
  let servedAgency: Agency;
  let supporter: Person;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    home = await world.network();
    served = await world.network();
    regional = await world.agency(home);
    regionalWorker = await world.staff(regional);
    local = await world.agency(home);
    localWorker = await world.staff(local);
    servedAgency = await world.agency(served);
    supporter = await world.staff(servedAgency);
  });
  afterAll(() => api.stop());

  const area = (agencyId = regional.id, networkId = served.id) => ({ input: { agencyId, networkId } });

  /** A family of the served network, supported there, with `agency` on its team under the family's consent. */
  async function servedFamilyWith(agency: Agency) {
    const f = await world.familyWithPlan(supporter, { supporter });
    await api.ok(supporter.subject, AddPlanParticipantDocument, { input: { planId: f.planId, agencyId: agency.id, contribution: 'Opvoedingsondersteuning' } });
    await world.consentAll(supporter, { id: f.familyId, members: f.members, memberIds: f.memberIds }, agency.id);
    return f;
  }

  it('before its admission, the regional agency cannot be put on a team of the served network', async () => {
    const f = await world.familyWithPlan(supporter, { supporter });
    const refused = await api.gql(supporter.subject, AddPlanParticipantDocument, { input: { planId: f.planId, agencyId: regional.id, contribution: 'Hulp' } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'agencyId' });
  });

  describe('once admitted by the served network’s coordinator', () => {
    let areaId: string;

    beforeAll(async () => {
      areaId = (await api.ok(served.coordinator.subject, AdmitAgencyServiceAreaDocument, area())).admitAgencyServiceArea.id;
    });

    it('admitting again changes nothing and answers the same service area', async () => {
      const again = await api.ok(served.coordinator.subject, AdmitAgencyServiceAreaDocument, area());
      expect(again.admitAgencyServiceArea).toMatchObject({ id: areaId, agencyId: regional.id, networkId: served.id, endedAt: null });
    });

    it('its caseworker, assigned by its admin, works with a family of the served network and of its own', async () => {
      const f = await servedFamilyWith(regional);
      await world.assign(regional.admin, f.familyId, regionalWorker.userId);
      expect((await api.ok(regionalWorker.subject, FamilyNetworkDocument, { id: f.familyId })).family).toEqual({ id: f.familyId, networkId: served.id });
      expect((await api.ok(regionalWorker.subject, PlanProbeDocument, { id: f.planId })).plan.id).toBe(f.planId);

      const own = await world.familyWithPlan(regionalWorker);
      expect((await api.ok(regionalWorker.subject, FamilyNetworkDocument, { id: own.familyId })).family.networkId).toBe(home.id);
    });

    it('a non-regional agency of the same home network still cannot reach the served network', async () => {
      const f = await world.familyWithPlan(supporter, { supporter });
      const refused = await api.gql(supporter.subject, AddPlanParticipantDocument, { input: { planId: f.planId, agencyId: local.id, contribution: 'Hulp' } });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'agencyId' });
      expect(codeOf(await api.gql(localWorker.subject, FamilyNetworkDocument, { id: f.familyId }))).toBe('NOT_FOUND');
      const assign = await api.gql(local.admin.subject, AssignCaseDocument, { input: { familyId: f.familyId, userId: localWorker.userId } });
      expect(['NOT_FOUND', 'FORBIDDEN']).toContain(codeOf(assign));
      expect(codeOf(await api.gql(localWorker.subject, FamilyNetworkDocument, { id: f.familyId }))).toBe('NOT_FOUND');
    });

    it('a caseworker of the regional agency without an assignment does not see the served family', async () => {
      const f = await servedFamilyWith(regional);
      const unassigned = await world.staff(regional);
      expect(codeOf(await api.gql(unassigned.subject, FamilyNetworkDocument, { id: f.familyId }))).toBe('NOT_FOUND');
    });
  });

  describe('who may admit or end a service area', () => {
    it('only a coordinator of the served network (and the platform admin); bad input is named', async () => {
      const agency = await world.agency(home);
      const other = await world.network();
      const worker = await world.staff(servedAgency);
      const f = await world.familyWithPlan(worker);
      const portal = await world.portalLogin(worker, f.memberIds[0]!);
      const asClient = await world.asIntegrationClient(servedAgency, AdmitAgencyServiceAreaDocument, area(agency.id));
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(asClient));

      for (const subject of [other.coordinator.subject, home.coordinator.subject, servedAgency.admin.subject, worker.subject, agency.admin.subject, portal]) {
        expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(await api.gql(subject, AdmitAgencyServiceAreaDocument, area(agency.id))));
        expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(await api.gql(subject, EndAgencyServiceAreaDocument, area(agency.id))));
      }
      expect((await api.gql(home.coordinator.subject, AdmitAgencyServiceAreaDocument, area(agency.id, home.id))).errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'networkId',
      });
      expect((await api.gql(served.coordinator.subject, AdmitAgencyServiceAreaDocument, area(served.id))).errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'agencyId',
      });
      expect((await api.gql(served.coordinator.subject, EndAgencyServiceAreaDocument, area(agency.id))).errors?.[0]?.extensions).toMatchObject({
        code: 'INVALID_TRANSITION',
        currentStatus: 'NOT_ADMITTED',
      });
      const byAdmin = await api.ok(PLATFORM_ADMIN, AdmitAgencyServiceAreaDocument, area(agency.id));
      expect(byAdmin.admitAgencyServiceArea.networkId).toBe(served.id);
    });

    it('a coordinator whose membership was just removed may no longer admit', async () => {
      const agency = await world.agency(home);
      const coordinator = await world.member(PLATFORM_ADMIN, served.coordinatingAgencyId, 'NETWORK_COORDINATOR');
      const { memberships } = await api.ok(PLATFORM_ADMIN, AgencyMembershipsDocument, { a: served.coordinatingAgencyId });
      const membership = memberships.edges.find((e) => e.node.user?.id === coordinator.userId)!.node;
      await api.ok(PLATFORM_ADMIN, RemoveMembershipDocument, { id: membership.id });
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(await api.gql(coordinator.subject, AdmitAgencyServiceAreaDocument, area(agency.id))));
    });
  });

  /** The agencies `subject` finds in the served network's directory. */
  const directory = async (subject: string) =>
    (await api.ok(subject, NetworkDirectoryDocument, { networkId: served.id })).agencies.edges.map((e) => e.node.id);

  it('ending the service area takes access away at once, and ending it again answers the ended one', async () => {
    const agency = await world.agency(home);
    const worker = await world.staff(agency);
    expect(await directory(supporter.subject)).not.toContain(agency.id);
    await api.ok(served.coordinator.subject, AdmitAgencyServiceAreaDocument, area(agency.id));
    // While it serves the network, the network's directory lists it (to be put on a family's team).
    expect(await directory(supporter.subject)).toEqual(expect.arrayContaining([agency.id, servedAgency.id]));
    const f = await servedFamilyWith(agency);
    await world.assign(agency.admin, f.familyId, worker.userId);
    expect((await api.ok(worker.subject, PlanProbeDocument, { id: f.planId })).plan.id).toBe(f.planId);

    const { endAgencyServiceArea } = await api.ok(served.coordinator.subject, EndAgencyServiceAreaDocument, area(agency.id));
    expect(endAgencyServiceArea.endedAt).not.toBeNull();
    expect(codeOf(await api.gql(worker.subject, FamilyNetworkDocument, { id: f.familyId }))).toBe('NOT_FOUND');
    expect(codeOf(await api.gql(worker.subject, PlanProbeDocument, { id: f.planId }))).toBe('NOT_FOUND');
    expect(await directory(supporter.subject)).not.toContain(agency.id);
    const again = await api.ok(served.coordinator.subject, EndAgencyServiceAreaDocument, area(agency.id));
    expect(again.endAgencyServiceArea).toEqual(endAgencyServiceArea);
    const refused = await api.gql(supporter.subject, AddPlanParticipantDocument, { input: { planId: f.planId, agencyId: agency.id, contribution: 'Opnieuw' } });
    expect(['BAD_USER_INPUT', 'CONFLICT']).toContain(codeOf(refused));
  });
});
