import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import {
  AgencyMembershipsDocument,
  ArchiveDirectoryServiceDocument,
  CreateDirectoryReferralDocument,
  CreateDirectoryServiceDocument,
  type CreateDirectoryServiceInput,
  type CreateReferralInput,
  DirectoryReferralDocument,
  DirectoryServiceInsightDocument,
  RemoveMembershipDocument,
} from './graphql/generated.js';
import { ReferralScene, type SceneClient } from './support/referral-scene.js';
import { codeOf, type GraphQLResult, queryText, TestApi } from './support/test-app.js';
import { type Agency, type FamilyWithPlan, type Network, parentWithTwoChildren, type Person, type World } from './support/world.js';

/**
 * Referrals that name a service of the network directory (docs/directory.md, "Referring to a directory
 * service"). One network: `worker` of R refers to B (`intake`), whose admin lists B's services; `other` is
 * a third agency of the network; `colleague` is a caseworker of R not assigned to the family; `stranger` and
 * `strangeAdmin` work in another network, whose directory has a service of its own.
 */
describe('referrals to directory services', () => {
  let api: TestApi;
  let world: World;
  let db: DataSource;
  let scene: ReferralScene;
  let referrer: Agency;
  let receiver: Agency;
  let worker: Person;
  let intake: Person;
  let colleague: Person;
  let elsewhere: Network;
  let strangeAdmin: Person;
  let stranger: Person;
  let client: SceneClient;
  let receiverService: string;

  beforeAll(async () => {
    api = await TestApi.start();
    db = api.db;
    scene = await ReferralScene.create(api);
    ({ world, referrer, receiver, worker, intake } = scene);
    colleague = await world.staff(referrer);
    elsewhere = await world.network();
    const strangeAgency = await world.agency(elsewhere);
    strangeAdmin = strangeAgency.admin;
    stranger = await world.staff(strangeAgency);
    client = await scene.client(null, ['REFERRALS_READ', 'REFERRALS_WRITE', 'REFERRALS_PERSONAL'], referrer);
    receiverService = await service(receiver.admin, { agencyId: receiver.id, howToRefer: 'ON_PLATFORM' });
  }, 180_000);
  afterAll(() => api.stop());

  /** A service of the directory of `networkId` (default: the scene's), created by `by`; its id. */
  async function service(by: Person, fields: Partial<CreateDirectoryServiceInput>, networkId = scene.network.id): Promise<string> {
    const { createDirectoryService } = await api.ok(by.subject, CreateDirectoryServiceDocument, {
      input: {
        networkId,
        name: `Opvoedingsondersteuning ${randomUUID()}`,
        description: 'Begeleiding van ouders thuis.',
        lifeDomains: ['PARENTING'],
        cost: 'FREE',
        howToRefer: 'BY_CONTACT',
        ...fields,
      },
    });
    return createDirectoryService.id;
  }

  /** A new family with a plan of `by`, the first child consenting to referrals to the receiver. */
  async function family(by: Person = worker): Promise<FamilyWithPlan> {
    const f = await world.familyWithPlan(by, { members: parentWithTwoChildren() });
    await world.consentAll(by, { ...f, id: f.familyId, members: f.members.filter((m) => m.id === f.memberIds[1]) }, receiver.id, ['REFERRAL']);
    return f;
  }

  const input = (f: FamilyWithPlan, directoryServiceId: string): CreateReferralInput => ({
    planId: f.planId,
    toAgencyId: receiver.id,
    memberIds: [f.memberIds[1]!],
    reason: 'Ouders zoeken opvoedingsondersteuning',
    urgency: 'ROUTINE',
    requestedService: 'Opvoedingsondersteuning',
    directoryServiceId,
  });

  const refer = (subject: string, referral: CreateReferralInput) => api.gql(subject, CreateDirectoryReferralDocument, { input: referral });

  async function asClient(referral: CreateReferralInput): Promise<GraphQLResult> {
    const http = () => request(api.app.getHttpServer());
    const token = await http().post('/oauth/token').send({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret });
    return (await http().post('/graphql').set('Authorization', `Bearer ${token.body.access_token}`).send({ query: queryText(CreateDirectoryReferralDocument), variables: { input: referral } }))
      .body;
  }

  const referralsOfPlan = async (planId: string): Promise<number> =>
    Number((await db.query(`SELECT count(*) AS n FROM referral WHERE plan_id = $1`, [planId]))[0].n);

  describe('naming an on-platform service', () => {
    it('creates the warm-handover referral with the service named, seen by both agencies', async () => {
      const f = await family();
      const { createReferral } = await api.ok(worker.subject, CreateDirectoryReferralDocument, { input: input(f, receiverService) });
      expect(createReferral).toMatchObject({ status: 'DRAFT', directoryServiceId: receiverService });
      const sent = await scene.step('sendReferral', createReferral.id, 1);
      expect(sent).toBe(2);
      for (const subject of [worker.subject, intake.subject]) {
        expect((await api.ok(subject, DirectoryReferralDocument, { id: createReferral.id })).referral).toMatchObject({
          status: 'SENT',
          directoryServiceId: receiverService,
        });
      }
    });

    it('refuses with BAD_USER_INPUT on directoryServiceId, the same for every wrong service, and creates nothing', async () => {
      const f = await family();
      const wrong = {
        'another agency of the network': await service(scene.other.admin, { agencyId: scene.other.id, howToRefer: 'ON_PLATFORM' }),
        'an organisation outside the platform': await service(scene.network.coordinator, { externalOrganisation: 'Home-Start Gent' }),
        "the receiver's, referred by contact": await service(receiver.admin, { agencyId: receiver.id }),
        "the receiver's, archived": await service(receiver.admin, { agencyId: receiver.id, howToRefer: 'ON_PLATFORM' }),
        'of another network': await service(strangeAdmin, { agencyId: strangeAdmin.agencyId, howToRefer: 'ON_PLATFORM' }, elsewhere.id),
        unknown: randomUUID(),
      };
      await api.ok(receiver.admin.subject, ArchiveDirectoryServiceDocument, { id: wrong["the receiver's, archived"] });
      const answers: Record<string, unknown> = {};
      for (const [what, id] of Object.entries(wrong)) {
        const result = await refer(worker.subject, input(f, id));
        answers[what] = { code: codeOf(result), field: result.errors?.[0]?.extensions?.field };
      }
      const expected = { code: 'BAD_USER_INPUT', field: 'directoryServiceId' };
      expect(answers).toEqual(Object.fromEntries(Object.keys(wrong).map((what) => [what, expected])));
      expect(await referralsOfPlan(f.planId)).toBe(0);
    });

    it('refuses whoever may not refer from the plan, and creates nothing', async () => {
      const f = await family();
      const leaver = await world.staff(referrer);
      const leaversFamily = await family(leaver);
      const memberships = (await api.ok(referrer.admin.subject, AgencyMembershipsDocument, { a: referrer.id })).memberships.edges;
      const membership = memberships.find((e: { node: { user: { id: string } | null } }) => e.node.user?.id === leaver.userId)!.node.id;
      await api.ok(referrer.admin.subject, RemoveMembershipDocument, { id: membership });
      const portalLogin = await world.portalLogin(worker, f.memberIds[0]!);

      const answers = {
        'unassigned caseworker of the referring agency': codeOf(await refer(colleague.subject, input(f, receiverService))),
        'caseworker of another network': codeOf(await refer(stranger.subject, input(f, receiverService))),
        'admin of another network': codeOf(await refer(strangeAdmin.subject, input(f, receiverService))),
        'family member in the portal': codeOf(await refer(portalLogin, input(f, receiverService))),
        'integration client of the referring agency': codeOf(await asClient(input(f, receiverService))),
        'caseworker whose membership was just removed': codeOf(await refer(leaver.subject, input(leaversFamily, receiverService))),
      };
      expect(answers).toEqual({
        'unassigned caseworker of the referring agency': 'NOT_FOUND',
        // An agency admin refers from no plan at all: refused before any record is looked up.
        'caseworker of another network': 'NOT_FOUND',
        'admin of another network': 'FORBIDDEN',
        'family member in the portal': 'FORBIDDEN',
        'integration client of the referring agency': 'FORBIDDEN',
        'caseworker whose membership was just removed': 'FORBIDDEN',
      });
      expect(await referralsOfPlan(f.planId)).toBe(0);
      expect(await referralsOfPlan(leaversFamily.planId)).toBe(0);
    });
  });

  describe('in the network insight', () => {
    it('counts the referrals sent per directory service and per how to refer, small counts suppressed', async () => {
      const often = await service(receiver.admin, { agencyId: receiver.id, howToRefer: 'ON_PLATFORM' });
      const once = await service(receiver.admin, { agencyId: receiver.id, howToRefer: 'ON_PLATFORM' });
      const sendTo = async (directoryServiceId: string) => {
        const { createReferral } = await api.ok(worker.subject, CreateDirectoryReferralDocument, { input: input(await family(), directoryServiceId) });
        await scene.step('sendReferral', createReferral.id, 1);
      };
      for (let i = 0; i < 5; i++) await sendTo(often);
      await sendTo(once);
      // A draft is not sent: it does not count.
      await api.ok(worker.subject, CreateDirectoryReferralDocument, { input: input(await family(), once) });

      const insight = (await api.ok(scene.network.coordinator.subject, DirectoryServiceInsightDocument, { networkId: scene.network.id })).networkInsight;
      const cell = (id: string) => insight.referralsByDirectoryService.find((c: { service: { id: string } }) => c.service.id === id)?.referrals;
      expect(cell(often)).toEqual({ value: 5, suppressed: false });
      expect(cell(once)).toEqual({ value: null, suppressed: true });
      // A service's suppressed count cannot be recomputed from its kind's total.
      expect(insight.referralsByHowToRefer).toEqual([{ howToRefer: 'ON_PLATFORM', referrals: { value: null, suppressed: true } }]);
      expect(insight.referralsByDirectoryService.map((c: { service: { howToRefer: string } }) => c.service.howToRefer)).not.toContain('BY_CONTACT');
    });

    it('is read by the network coordinator only', async () => {
      const read = (subject: string) => api.gql(subject, DirectoryServiceInsightDocument, { networkId: scene.network.id });
      expect({
        'caseworker of the network': codeOf(await read(worker.subject)),
        'agency admin of the network': codeOf(await read(receiver.admin.subject)),
        "another network's coordinator": codeOf(await read(elsewhere.coordinator.subject)),
      }).toEqual({
        'caseworker of the network': 'FORBIDDEN',
        'agency admin of the network': 'FORBIDDEN',
        "another network's coordinator": 'NOT_FOUND',
      });
    });
  });
});
