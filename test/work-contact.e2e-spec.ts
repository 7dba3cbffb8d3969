import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  AgencyMembershipsDocument,
  FindKnownFamilyDocument,
  MyWorkContactDocument,
  PlanSupporterContactDocument,
  PlanSupporterContactWithFamilyDocument,
  PortalSupporterContactDocument,
  RemoveMembershipDocument,
  SetWorkContactDocument,
  WorkContactOfDocument,
} from './graphql/generated.js';
import { codeOf, PLATFORM_ADMIN, TestApi } from './support/test-app.js';
import { type Agency, type Network, parent, type Person, World } from './support/world.js';

/**
 * The trajectory supporter's work contact (issue 21): she, or her agency's admin, sets it; the family and its
 * team read it where they see their supporter, and a caseworker who asked findKnownFamily in its answer. Nobody
 * else: not another network, not a caseworker off the team, not a partner system.
 */
describe("a professional's work contact", () => {
  let api: TestApi;
  let world: World;
  let db: DataSource;
  let network: Network;
  let agency: Agency;
  let otherAgency: Agency;
  let elsewhere: Agency;
  let supporter: Person;
  let colleague: Person;
  let family: { familyId: string; planId: string; sara: string; givenName: string };
  let portal: string;

  const contact = { email: 'an.supporter@kindengezin.example', phone: '+32 9 265 00 00' };
  /** Who may not set (nor read) another professional's work contact, and the answer each gets. */
  const mayNotSetAnothers = (): [string, string][] => [
    [otherAgency.admin.subject, 'NOT_FOUND'],
    [elsewhere.admin.subject, 'NOT_FOUND'],
    [network.coordinator.subject, 'NOT_FOUND'],
    [colleague.subject, 'NOT_FOUND'],
    [PLATFORM_ADMIN, 'FORBIDDEN'],
    [portal, 'FORBIDDEN'],
  ];

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    db = api.db;
    network = await world.network();
    agency = await world.agency(network);
    otherAgency = await world.agency(network);
    elsewhere = await world.agency(await world.network());
    supporter = await world.staff(agency);
    colleague = await world.staff(agency);
    const givenName = `Sara ${randomUUID().slice(0, 8)}`;
    const f = await world.familyWithPlan(supporter, {
      members: [parent(givenName, 'Peeters', '1991-02-03')],
      supporter,
      assign: { admin: agency.admin, userIds: [colleague.userId] },
    });
    family = { familyId: f.familyId, planId: f.planId, sara: f.memberIds[0]!, givenName };
    portal = await world.portalLogin(supporter, family.sara);
  }, 120_000);
  afterAll(() => api.stop());

  const contactOf = async (subject: string) => (await api.ok(subject, MyWorkContactDocument, {})).me.workContact;
  /** The user row as it is: contact and version, and how many changes of it the audit holds. */
  const stored = async (userId: string) => ({
    row: await db.query(`SELECT work_email, work_phone, work_contact_version FROM app_user WHERE id = $1`, [userId]),
    audited: (await db.query(`SELECT count(*)::int AS n FROM audit_event WHERE entity_type = 'app_user' AND entity_id::text = $1 AND action = 'UPDATE'`, [userId]))[0].n,
  });

  it('she sets her own, and reads it back; bad input is named and changes nothing', async () => {
    expect(await contactOf(supporter.subject)).toEqual({ email: null, phone: null, version: 1 });
    expect((await api.ok(supporter.subject, SetWorkContactDocument, { input: { ...contact, expectedVersion: 1 } })).setWorkContact).toEqual({ ...contact, version: 2 });
    expect(await contactOf(supporter.subject)).toEqual({ ...contact, version: 2 });

    for (const [input, field] of [
      [{ ...contact, email: 'not an address' }, 'email'],
      [{ ...contact, phone: 'call me' }, 'phone'],
      [{ ...contact, phone: '+32 9 123 45 67 89 01 23 45 67 89 01 23 45' }, 'phone'],
      [{ ...contact, userId: 'nobody' }, 'userId'],
      [{ ...contact, email: 'other@example.org', expectedVersion: 0 }, 'expectedVersion'],
    ] as const) {
      const refused = await api.gql(supporter.subject, SetWorkContactDocument, { input });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      // The message never repeats what was sent.
      expect(refused.errors?.[0]?.message).not.toContain('call me');
    }
    expect(await contactOf(supporter.subject)).toEqual({ ...contact, version: 2 });
  });

  it('versioned: the same contact again answers it unchanged; a stale version is CONFLICT naming the current one; of two racing writes one wins', async () => {
    const worker = await world.staff(agency);
    const first = { email: 'eva@kindengezin.example', phone: '09 265 00 01' };
    expect((await api.ok(worker.subject, SetWorkContactDocument, { input: { ...first, expectedVersion: 1 } })).setWorkContact).toEqual({ ...first, version: 2 });
    const afterFirst = await stored(worker.userId);
    expect(afterFirst.row).toEqual([{ work_email: first.email, work_phone: first.phone, work_contact_version: 2 }]);

    // A retry (its answer lost): the same answer, nothing written — also with the version it was sent on.
    for (const expectedVersion of [1, 2, undefined]) {
      expect((await api.ok(worker.subject, SetWorkContactDocument, { input: { ...first, expectedVersion } })).setWorkContact).toEqual({ ...first, version: 2 });
    }
    expect(await stored(worker.userId)).toEqual(afterFirst);

    // Another contact on a version read before the change: CONFLICT naming the current one, by her or her admin.
    for (const subject of [worker.subject, agency.admin.subject]) {
      const stale = await api.gql(subject, SetWorkContactDocument, { input: { userId: worker.userId, email: 'oud@example.org', expectedVersion: 1 } });
      expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect(stale.errors?.[0]?.message).toContain('version 2');
    }
    expect(await stored(worker.userId)).toEqual(afterFirst);

    // She and her admin at once, on the same version: one is set, the other answers CONFLICT.
    const hers = { email: 'eva.nieuw@kindengezin.example' };
    const admins = { userId: worker.userId, email: 'eva@onthaal.example' };
    const answers = await Promise.all([
      api.gql(worker.subject, SetWorkContactDocument, { input: { ...hers, expectedVersion: 2 } }),
      api.gql(agency.admin.subject, SetWorkContactDocument, { input: { ...admins, expectedVersion: 2 } }),
    ]);
    expect(answers.map((a) => a.errors?.[0]?.extensions?.code ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
    const winner = answers[0]!.errors ? admins.email : hers.email;
    expect(await contactOf(worker.subject)).toEqual({ email: winner, phone: null, version: 3 });
    expect((await stored(worker.userId)).audited).toBe(afterFirst.audited + 1);

    // Without a version the last writer wins, as before.
    expect((await api.ok(worker.subject, SetWorkContactDocument, { input: first })).setWorkContact).toEqual({ ...first, version: 4 });
  });

  it("her agency's admin sets a member's; nobody else sets another's", async () => {
    const worker = await world.staff(agency);
    const set = { userId: worker.userId, email: 'jan@kindengezin.example', phone: '0470 12 34 56' };
    expect((await api.ok(agency.admin.subject, SetWorkContactDocument, { input: { ...set, expectedVersion: 1 } })).setWorkContact).toEqual({ email: set.email, phone: set.phone, version: 2 });
    expect(await contactOf(worker.subject)).toEqual({ email: set.email, phone: set.phone, version: 2 });

    const attempt = { ...set, email: 'overwritten@example.org', expectedVersion: 2 };
    expect(codeOf(await world.asIntegrationClient(agency, SetWorkContactDocument, { input: attempt }))).toBe('FORBIDDEN');
    for (const [subject, code] of mayNotSetAnothers()) {
      expect([subject, codeOf(await api.gql(subject, SetWorkContactDocument, { input: attempt }))]).toEqual([subject, code]);
    }
    expect(await contactOf(worker.subject)).toEqual({ email: set.email, phone: set.phone, version: 2 });
    // Left out, both parts are cleared.
    await api.ok(agency.admin.subject, SetWorkContactDocument, { input: { userId: worker.userId } });
    expect(await contactOf(worker.subject)).toEqual({ email: null, phone: null, version: 3 });

    // Once her membership is removed, her former agency's admin no longer reaches her contact; she still sets her own.
    const { memberships } = await api.ok(agency.admin.subject, AgencyMembershipsDocument, { a: agency.id });
    await api.ok(agency.admin.subject, RemoveMembershipDocument, { id: memberships.edges.find((e) => e.node.user?.id === worker.userId)!.node.id });
    const before = await stored(worker.userId);
    expect(codeOf(await api.gql(agency.admin.subject, SetWorkContactDocument, { input: { ...attempt, expectedVersion: 3 } }))).toBe('NOT_FOUND');
    expect(await stored(worker.userId)).toEqual(before);
    expect((await api.ok(worker.subject, SetWorkContactDocument, { input: { email: set.email, expectedVersion: 3 } })).setWorkContact).toEqual({ email: set.email, phone: null, version: 4 });
  });

  it("whoever may set a member's work contact reads it with its version: she herself and her agency's admin, who sets it on that version; nobody else", async () => {
    const worker = await world.staff(agency);
    const mine = { email: 'lotte@kindengezin.example', phone: '09 265 00 02' };
    await api.ok(worker.subject, SetWorkContactDocument, { input: { ...mine, expectedVersion: 1 } });
    const read = async (subject: string) => (await api.ok(subject, WorkContactOfDocument, { userId: worker.userId })).workContact;
    expect(await read(worker.subject)).toEqual({ ...mine, version: 2 });
    expect(await read(agency.admin.subject)).toEqual({ ...mine, version: 2 });

    // The admin sets it on the version she read.
    const admins = { userId: worker.userId, email: 'lotte@onthaal.example', phone: mine.phone };
    expect((await api.ok(agency.admin.subject, SetWorkContactDocument, { input: { ...admins, expectedVersion: (await read(agency.admin.subject)).version } })).setWorkContact).toEqual({
      email: admins.email,
      phone: admins.phone,
      version: 3,
    });
    // She changes it meanwhile: the admin's version is stale (CONFLICT naming the current one); read again, it is set.
    const seen = await read(agency.admin.subject);
    await api.ok(worker.subject, SetWorkContactDocument, { input: { ...mine, expectedVersion: seen.version } });
    const stale = await api.gql(agency.admin.subject, SetWorkContactDocument, { input: { ...admins, email: 'lotte.b@onthaal.example', expectedVersion: seen.version } });
    expect(codeOf(stale)).toBe('CONFLICT');
    expect(stale.errors?.[0]?.message).toContain('version 4');
    expect(await read(agency.admin.subject)).toEqual({ ...mine, version: 4 });
    expect((await api.ok(agency.admin.subject, SetWorkContactDocument, { input: { ...admins, email: 'lotte.b@onthaal.example', expectedVersion: 4 } })).setWorkContact.version).toBe(5);

    // Nobody who may not set it reads it, as for setWorkContact: an unknown user and another's alike.
    for (const [subject, code] of mayNotSetAnothers()) {
      const answer = await api.gql(subject, WorkContactOfDocument, { userId: worker.userId });
      expect([subject, codeOf(answer), answer.data?.workContact ?? null]).toEqual([subject, code, null]);
    }
    expect(codeOf(await world.asIntegrationClient(agency, WorkContactOfDocument, { userId: worker.userId }))).toBe('FORBIDDEN');
    expect(codeOf(await api.gql(agency.admin.subject, WorkContactOfDocument, { userId: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    const bad = await api.gql(agency.admin.subject, WorkContactOfDocument, { userId: 'nobody' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });

    // Her membership removed, her former agency's admin reads it no more.
    const { memberships } = await api.ok(agency.admin.subject, AgencyMembershipsDocument, { a: agency.id });
    await api.ok(agency.admin.subject, RemoveMembershipDocument, { id: memberships.edges.find((e) => e.node.user?.id === worker.userId)!.node.id });
    expect(codeOf(await api.gql(agency.admin.subject, WorkContactOfDocument, { userId: worker.userId }))).toBe('NOT_FOUND');
    expect((await read(worker.subject)).version).toBe(5);
  });

  it('the team and the family read it with their supporter; a caseworker off the team, another network and a partner system do not', async () => {
    await api.ok(supporter.subject, SetWorkContactDocument, { input: contact });
    // Both paths of plan(id): compiled in one statement, and through the field resolvers (family is not compiled).
    const workContact = await contactOf(supporter.subject);
    expect(workContact).toMatchObject(contact);
    for (const document of [PlanSupporterContactDocument, PlanSupporterContactWithFamilyDocument]) {
      const { plan } = await api.ok(colleague.subject, document, { id: family.planId });
      expect(plan.supporter).toEqual({ user: { id: supporter.userId }, workContact });
    }
    const { myFamily } = await api.ok(portal, PortalSupporterContactDocument, {});
    expect(myFamily.family.plan?.supporter).toEqual({ agency: { id: agency.id }, workContact });

    const offTeam = await world.staff(agency);
    const otherNetwork = await world.staff(elsewhere);
    for (const [subject, code] of [
      [offTeam.subject, 'NOT_FOUND'],
      [otherNetwork.subject, 'NOT_FOUND'],
      [otherAgency.admin.subject, 'FORBIDDEN'],
      [network.coordinator.subject, 'FORBIDDEN'],
    ] as const) {
      expect([subject, codeOf(await api.gql(subject, PlanSupporterContactDocument, { id: family.planId }))]).toEqual([subject, code]);
    }
    expect(codeOf(await world.asIntegrationClient(agency, PlanSupporterContactDocument, { id: family.planId }))).toBe('FORBIDDEN');
  });

  it('findKnownFamily names the supporter with her work contact to the caseworker who asked', async () => {
    await api.ok(supporter.subject, SetWorkContactDocument, { input: contact });
    const asker = await world.staff(otherAgency);
    const { findKnownFamily } = await api.ok(asker.subject, FindKnownFamilyDocument, {
      input: { givenName: family.givenName, familyName: 'Peeters', birthDate: '1991-02-03', purpose: 'TEAM_FORMATION' },
    });
    expect(findKnownFamily.status).toBe('KNOWN');
    expect(findKnownFamily.families.map((f) => f.supporter)).toEqual([{ agency: { id: agency.id, name: expect.any(String) }, name: expect.any(String), workContact: contact }]);
  });
});
