import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ReferralOverdue } from '../src/referrals/referral-overdue.js';
import {
  AgencyMembershipsDocument,
  ArchiveDirectoryServiceDocument,
  CloseLoggedReferralDocument,
  CreateDirectoryServiceDocument,
  type CreateDirectoryServiceInput,
  CreateLoggedReferralDocument,
  type CreateReferralInput,
  DirectoryServiceInsightDocument,
  type LoggedReferralFragment,
  LoggedReferralInboxDocument,
  LoggedReferralReadDocument,
  OutgoingLoggedReferralsDocument,
  RecordExternalAppointmentDocument,
  RecordExternalConsentDocument,
  RecordFirstVisitHeldDocument,
  RecordFirstVisitMissedDocument,
  RecordReferralPassedOnDocument,
  RemoveMembershipDocument,
  RevokeExternalConsentDocument,
  SendLoggedReferralDocument,
  WithdrawLoggedReferralDocument,
} from './graphql/generated.js';
import { ReferralScene } from './support/referral-scene.js';
import { type AnyDocument, codeOf, type GraphQLResult, TestApi } from './support/test-app.js';
import { type FamilyWithPlan, type Network, parentWithTwoChildren, type Person, type World } from './support/world.js';

/**
 * Logged referrals to organisations outside the platform (docs/directory.md, "Logged referrals"). One network:
 * `worker` of R refers families to Home-Start, an organisation outside the platform in the network's directory
 * (`homeStart`); B (`intake`) is an agency on the platform; `colleague` is a caseworker of R not assigned to the
 * family; `strangeAdmin` the admin of an agency of another network. Every refused call is followed by a read
 * proving that nothing changed.
 */
describe('logged referrals to organisations outside the platform', () => {
  let api: TestApi;
  let world: World;
  let db: DataSource;
  let scene: ReferralScene;
  let worker: Person;
  let colleague: Person;
  let elsewhere: Network;
  let strangeAdmin: Person;
  let homeStart: string;
  let homeStartName: string;

  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

  beforeAll(async () => {
    api = await TestApi.start();
    db = api.db;
    scene = await ReferralScene.create(api);
    ({ world, worker } = scene);
    colleague = await world.staff(scene.referrer);
    elsewhere = await world.network();
    strangeAdmin = (await world.agency(elsewhere)).admin;
    homeStartName = `Home-Start Gent ${randomUUID()}`;
    homeStart = await service(scene.network.coordinator, { externalOrganisation: homeStartName });
  }, 180_000);
  afterAll(() => api.stop());

  /** A service of the directory of `networkId` (default: the scene's), created by `by`; its id. */
  async function service(by: Person, fields: Partial<CreateDirectoryServiceInput>, networkId = scene.network.id): Promise<string> {
    const { createDirectoryService } = await api.ok(by.subject, CreateDirectoryServiceDocument, {
      input: { networkId, name: `Huisbezoek ${randomUUID()}`, lifeDomains: ['PARENTING'], cost: 'FREE', howToRefer: 'BY_CONTACT', ...fields },
    });
    return createDirectoryService.id;
  }

  /** Sara (who decides for herself) consents, recorded by `by`, that the organisation of `directoryServiceId` receives her referral. */
  const consentToShare = async (f: FamilyWithPlan, directoryServiceId = homeStart, by = worker) =>
    (
      await api.ok(by.subject, RecordExternalConsentDocument, {
        input: {
          grantorMemberId: f.memberIds[0]!,
          subjectMemberIds: [f.memberIds[0]!],
          recipientDirectoryServiceId: directoryServiceId,
          categories: ['REFERRAL', 'IDENTITY'],
          purposeCode: 'REFERRAL',
          purpose: 'Doorverwijzing naar Home-Start: naam, telefoon en de vraag',
          method: 'WRITTEN',
          evidenceReference: 'dossier 2026/7',
        },
      })
    ).recordConsent;

  const input = (f: FamilyWithPlan, directoryServiceId = homeStart): CreateReferralInput => ({
    planId: f.planId,
    directoryServiceId,
    memberIds: [f.memberIds[0]!],
    reason: 'Sara voelt zich alleen met de kinderen',
    urgency: 'ROUTINE',
    requestedService: 'Huisbezoek door een vrijwilliger',
    lifeDomain: 'PARENTING',
  });

  /** A DRAFT logged referral of Sara to Home-Start, in a new family of `worker`; with her consent to share when `consented`. */
  async function draft(consented = true): Promise<{ f: FamilyWithPlan; r: LoggedReferralFragment }> {
    const f = await world.familyWithPlan(worker, { members: parentWithTwoChildren() });
    if (consented) await consentToShare(f);
    return { f, r: (await api.ok(worker.subject, CreateLoggedReferralDocument, { input: input(f) })).createReferral };
  }

  const read = async (id: string, subject = worker.subject): Promise<LoggedReferralFragment> =>
    (await api.ok(subject, LoggedReferralReadDocument, { id })).referral;
  const step = (subject: string, document: AnyDocument, r: { id: string; version: number }, extra: Record<string, unknown> = {}) =>
    api.gql(subject, document, { input: { referralId: r.id, expectedVersion: r.version, ...extra } }) as Promise<GraphQLResult<Record<string, LoggedReferralFragment>>>;
  const answer = (result: GraphQLResult<unknown>) => ({ code: codeOf(result), ...(result.errors?.[0]?.extensions ?? {}) });
  const passOn = (r: { id: string; version: number }, extra: Record<string, unknown> = {}) =>
    step(worker.subject, RecordReferralPassedOnDocument, r, { followUpAt: inDays(7), note: 'Gebeld met de coördinator', ...extra });
  const appointment = (r: { id: string; version: number }) =>
    step(worker.subject, RecordExternalAppointmentDocument, r, { startsAt: inDays(3), location: 'Bij het gezin thuis', attendees: ['FAMILY'] });
  const referralsOfPlan = async (planId: string): Promise<number> =>
    Number((await db.query(`SELECT count(*) AS n FROM referral WHERE plan_id = $1`, [planId]))[0].n);

  describe('the steps, recorded by hand', () => {
    it('keeps the organisation as referred and walks passed on → appointment → visit missed → visit held → closed', async () => {
      const { r } = await draft();
      expect(r).toMatchObject({
        status: 'DRAFT',
        version: 1,
        toAgency: null,
        externalOrganisation: homeStartName,
        directoryServiceId: homeStart,
        directoryService: { id: homeStart, organisationName: homeStartName, archivedAt: null },
        dueAt: null,
      });

      const followUpAt = inDays(7);
      const passed = (await passOn(r, { followUpAt })).data!.recordReferralPassedOn!;
      expect(passed).toMatchObject({ status: 'SENT', version: 2, reason: 'Sara voelt zich alleen met de kinderen' });
      expect(new Date(passed.dueAt!).toISOString()).toBe(followUpAt);

      const planned = (await appointment(passed)).data!.recordExternalAppointment!;
      expect(planned).toMatchObject({ status: 'HANDOVER_SCHEDULED', version: 3, handover: { location: 'Bij het gezin thuis', state: 'SCHEDULED' } });
      // The reminder comes when the appointment has passed: record whether it took place.
      expect(planned.dueAt).toBe(planned.handover!.startsAt);

      const missed = (await step(worker.subject, RecordFirstVisitMissedDocument, planned, { followUpAt: inDays(10), note: 'Niemand thuis' })).data!.recordFirstVisitMissed!;
      expect(missed).toMatchObject({ status: 'SENT', version: 4, handover: { state: 'MISSED' } });
      const again = (await appointment(missed)).data!.recordExternalAppointment!;
      const held = (await step(worker.subject, RecordFirstVisitHeldDocument, again, {})).data!.recordFirstVisitHeld!;
      expect(held).toMatchObject({ status: 'HANDOVER_HELD', version: 6, dueAt: null, handover: { state: 'HELD', bridgeFigurePresent: null } });
      const closed = (await step(worker.subject, CloseLoggedReferralDocument, held, { outcome: 'SUCCESSFUL', note: 'Wekelijks bezoek loopt' })).data!.closeLoggedReferral!;
      expect(closed).toMatchObject({ status: 'COMPLETED', version: 7, outcome: 'SUCCESSFUL', dueAt: null });
      expect(closed.transitions.map((t) => [t.from, t.to])).toEqual([
        [null, 'DRAFT'],
        ['DRAFT', 'SENT'],
        ['SENT', 'HANDOVER_SCHEDULED'],
        ['HANDOVER_SCHEDULED', 'SENT'],
        ['SENT', 'HANDOVER_SCHEDULED'],
        ['HANDOVER_SCHEDULED', 'HANDOVER_HELD'],
        ['HANDOVER_HELD', 'COMPLETED'],
      ]);
      // Nothing went to an agency: no receiver, no inbox item but the referrer's own.
      const items: { n: string }[] = await db.query(`SELECT count(*) AS n FROM inbox_item WHERE subject_id = $1`, [r.id]);
      expect(Number(items[0]!.n)).toBe(0);
    });

    it('closes as NOT_SUCCESSFUL from any open step, with its reason; SUCCESSFUL only after the first visit', async () => {
      const { r } = await draft();
      const passed = (await passOn(r)).data!.recordReferralPassedOn!;
      expect(answer(await step(worker.subject, CloseLoggedReferralDocument, passed, { outcome: 'SUCCESSFUL' }))).toMatchObject({
        code: 'INVALID_TRANSITION',
        currentStatus: 'SENT',
      });
      expect(answer(await step(worker.subject, CloseLoggedReferralDocument, passed, { outcome: 'NOT_SUCCESSFUL' }))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'outcomeReason',
      });
      expect(await read(r.id)).toMatchObject({ status: 'SENT', version: 2 });
      const closed = (await step(worker.subject, CloseLoggedReferralDocument, passed, { outcome: 'NOT_SUCCESSFUL', outcomeReason: 'UNABLE_TO_CONTACT_FAMILY' }))
        .data!.closeLoggedReferral!;
      expect(closed).toMatchObject({ status: 'COMPLETED', outcome: 'NOT_SUCCESSFUL', outcomeReason: 'UNABLE_TO_CONTACT_FAMILY', dueAt: null });
    });

    it('refuses a step its state does not allow, naming the state, and the steps of the other kind of referral', async () => {
      const { r } = await draft();
      const platform = await scene.draft();
      const answers = {
        'appointment of a draft': answer(await appointment(r)),
        'visit held of a draft': answer(await step(worker.subject, RecordFirstVisitHeldDocument, r, {})),
        'sendReferral of a logged referral': answer(await step(worker.subject, SendLoggedReferralDocument, r)),
        'passed on, of a referral to an agency': answer(await passOn(platform)),
      };
      expect(answers).toEqual({
        'appointment of a draft': expect.objectContaining({ code: 'INVALID_TRANSITION', currentStatus: 'DRAFT' }),
        'visit held of a draft': expect.objectContaining({ code: 'INVALID_TRANSITION', currentStatus: 'DRAFT' }),
        'sendReferral of a logged referral': expect.objectContaining({ code: 'INVALID_TRANSITION', currentStatus: 'DRAFT' }),
        'passed on, of a referral to an agency': expect.objectContaining({ code: 'INVALID_TRANSITION', currentStatus: 'DRAFT' }),
      });
      expect(await read(r.id)).toMatchObject({ status: 'DRAFT', version: 1 });
      const withdrawn = (await step(worker.subject, WithdrawLoggedReferralDocument, r, { reason: 'Sara wil het toch niet' })).data!.withdrawReferral!;
      expect(withdrawn).toMatchObject({ status: 'WITHDRAWN', dueAt: null });
      expect(answer(await passOn({ id: r.id, version: 2 }))).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'WITHDRAWN' });
    });

    it('answers CONFLICT to all but one of concurrent steps on the same version', async () => {
      const { r } = await draft();
      const passed = (await passOn(r)).data!.recordReferralPassedOn!;
      const results = await Promise.all([appointment(passed), appointment(passed), appointment(passed)]);
      expect(results.map(codeOf).sort()).toEqual(['CONFLICT', 'CONFLICT', 'OK']);
      const after = await read(r.id);
      expect(after).toMatchObject({ status: 'HANDOVER_SCHEDULED', version: 3 });
      expect(answer(await appointment(passed))).toMatchObject({ code: 'CONFLICT' });
    });
  });

  describe('the consent to share with the organisation', () => {
    it('is a consent whose recipient is the organisation: passing on needs it in force, and its withdrawal stops it', async () => {
      const { f, r } = await draft(false);
      const refused = answer(await passOn(r));
      expect(refused).toMatchObject({ code: 'CONSENT_REQUIRED', category: 'REFERRAL', recipientDirectoryServiceId: homeStart, missingMemberIds: [f.memberIds[0]] });
      // A consent to an agency on the platform does not stand in for it.
      await world.consentAll(worker, { ...f, id: f.familyId, members: f.members.slice(0, 1) }, scene.receiver.id, ['REFERRAL']);
      expect(answer(await passOn(r))).toMatchObject({ code: 'CONSENT_REQUIRED' });

      const consent = await consentToShare(f);
      expect(consent).toMatchObject({ status: 'ACTIVE', recipientAgency: null, recipientDirectoryServiceId: homeStart, categories: ['REFERRAL', 'IDENTITY'] });
      // Withdrawn, in the portal, by Sara herself: the referral cannot be passed on.
      const sara = await world.portalLogin(worker, f.memberIds[0]!);
      await api.ok(sara, RevokeExternalConsentDocument, { input: { consentId: consent.id, reason: 'Ik wil eerst zelf bellen' } });
      expect(answer(await passOn(r))).toMatchObject({ code: 'CONSENT_REQUIRED', recipientDirectoryServiceId: homeStart });
      expect(await read(r.id)).toMatchObject({ status: 'DRAFT', version: 1 });

      await consentToShare(f);
      expect((await passOn(r)).data!.recordReferralPassedOn).toMatchObject({ status: 'SENT', version: 2 });
      // No grant to the organisation opens anything on the platform: it has no login, and no agency holds it.
      const grants: { recipient_agency_id: string | null }[] = await db.query(
        `SELECT recipient_agency_id FROM consent_grant WHERE recipient_directory_service_id = $1 AND member_id = $2`,
        [homeStart, f.memberIds[0]],
      );
      expect(grants.length).toBeGreaterThan(0);
      expect(grants.every((g) => g.recipient_agency_id === null)).toBe(true);
    });

    it('names a service of an organisation outside the platform in the family network, else BAD_USER_INPUT with the field', async () => {
      const f = await world.familyWithPlan(worker, { members: parentWithTwoChildren() });
      const agencyService = await service(scene.receiver.admin, { agencyId: scene.receiver.id, howToRefer: 'ON_PLATFORM' });
      const archived = await service(scene.network.coordinator, { externalOrganisation: 'Speelotheek' });
      await api.ok(scene.network.coordinator.subject, ArchiveDirectoryServiceDocument, { id: archived });
      const foreign = await service(elsewhere.coordinator, { externalOrganisation: 'Home-Start Brussel' }, elsewhere.id);
      const record = async (recipient: Record<string, string>) => {
        const result = await api.gql(worker.subject, RecordExternalConsentDocument, {
          input: {
            grantorMemberId: f.memberIds[0]!,
            subjectMemberIds: [f.memberIds[0]!],
            categories: ['REFERRAL'],
            purposeCode: 'REFERRAL',
            purpose: 'Doorverwijzing',
            method: 'WRITTEN',
            evidenceReference: 'x',
            ...recipient,
          },
        });
        return { code: codeOf(result), field: result.errors?.[0]?.extensions?.field };
      };
      expect({
        both: await record({ recipientAgencyId: scene.receiver.id, recipientDirectoryServiceId: homeStart }),
        neither: await record({}),
        "an agency's service": await record({ recipientDirectoryServiceId: agencyService }),
        archived: await record({ recipientDirectoryServiceId: archived }),
        'of another network': await record({ recipientDirectoryServiceId: foreign }),
        unknown: await record({ recipientDirectoryServiceId: randomUUID() }),
      }).toEqual({
        both: { code: 'BAD_USER_INPUT', field: 'recipientAgencyId' },
        neither: { code: 'BAD_USER_INPUT', field: 'recipientAgencyId' },
        "an agency's service": { code: 'BAD_USER_INPUT', field: 'recipientDirectoryServiceId' },
        archived: { code: 'BAD_USER_INPUT', field: 'recipientDirectoryServiceId' },
        'of another network': { code: 'BAD_USER_INPUT', field: 'recipientDirectoryServiceId' },
        unknown: { code: 'BAD_USER_INPUT', field: 'recipientDirectoryServiceId' },
      });
      const consents: { n: string }[] = await db.query(`SELECT count(*) AS n FROM consent WHERE family_id = $1 AND purpose_code = 'REFERRAL'`, [f.familyId]);
      expect(Number(consents[0]!.n)).toBe(0);
    });
  });

  describe('bad input', () => {
    it('creates nothing for a referral without receiver, or to a service that is not an outside organisation of the network', async () => {
      const f = await world.familyWithPlan(worker, { members: parentWithTwoChildren() });
      const agencyService = await service(scene.receiver.admin, { agencyId: scene.receiver.id, howToRefer: 'ON_PLATFORM' });
      const archived = await service(scene.network.coordinator, { externalOrganisation: 'Babbelbox' });
      await api.ok(scene.network.coordinator.subject, ArchiveDirectoryServiceDocument, { id: archived });
      const foreign = await service(elsewhere.coordinator, { externalOrganisation: 'Home-Start Brussel' }, elsewhere.id);
      const create = async (overrides: Partial<CreateReferralInput>) => {
        const result = await api.gql(worker.subject, CreateLoggedReferralDocument, { input: { ...input(f), ...overrides } });
        return { code: codeOf(result), field: result.errors?.[0]?.extensions?.field };
      };
      expect({
        'no receiver at all': await create({ directoryServiceId: undefined }),
        "an agency's service without the agency": await create({ directoryServiceId: agencyService }),
        'an archived service': await create({ directoryServiceId: archived }),
        "another network's": await create({ directoryServiceId: foreign }),
      }).toEqual({
        'no receiver at all': { code: 'BAD_USER_INPUT', field: 'toAgencyId' },
        "an agency's service without the agency": { code: 'BAD_USER_INPUT', field: 'directoryServiceId' },
        'an archived service': { code: 'BAD_USER_INPUT', field: 'directoryServiceId' },
        "another network's": { code: 'BAD_USER_INPUT', field: 'directoryServiceId' },
      });
      expect(await referralsOfPlan(f.planId)).toBe(0);
    });

    it('refuses a follow-up in the past, and a visit missed without one, changing nothing', async () => {
      const { r } = await draft();
      expect(answer(await passOn(r, { followUpAt: inDays(-1) }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'followUpAt' });
      expect(await read(r.id)).toMatchObject({ status: 'DRAFT', version: 1 });
      const planned = (await appointment((await passOn(r)).data!.recordReferralPassedOn!)).data!.recordExternalAppointment!;
      expect(answer(await step(worker.subject, RecordFirstVisitMissedDocument, planned, {}))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'followUpAt' });
      expect(answer(await step(worker.subject, RecordFirstVisitHeldDocument, planned, { bridgeFigurePresent: true }))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'bridgeFigurePresent',
      });
      expect(await read(r.id)).toMatchObject({ status: 'HANDOVER_SCHEDULED', version: 3 });
    });
  });

  describe('who may and who may not', () => {
    it('is read and taken on by the referring side only; the family sees it in the portal; nobody else', async () => {
      const leaver = await world.staff(scene.referrer);
      const { f, r } = await draft();
      const passed = (await passOn(r)).data!.recordReferralPassedOn!;
      const sara = await world.portalLogin(worker, f.memberIds[0]!);
      // A caseworker of R assigned to a family of her own referral, whose membership then ends.
      const leaversFamily = await world.familyWithPlan(leaver, { members: parentWithTwoChildren() });
      await consentToShare(leaversFamily, homeStart, leaver);
      const leaversReferral = (await api.ok(leaver.subject, CreateLoggedReferralDocument, { input: input(leaversFamily) })).createReferral;
      const memberships = (await api.ok(scene.referrer.admin.subject, AgencyMembershipsDocument, { a: scene.referrer.id })).memberships.edges;
      const membership = memberships.find((e: { node: { user: { id: string } | null } }) => e.node.user?.id === leaver.userId)!.node.id;
      await api.ok(scene.referrer.admin.subject, RemoveMembershipDocument, { id: membership });

      const readBy = async (subject: string, id = r.id) => codeOf(await api.gql(subject, LoggedReferralReadDocument, { id }));
      const stepBy = async (subject: string, target: { id: string; version: number } = passed) =>
        codeOf(await step(subject, RecordExternalAppointmentDocument, target, { startsAt: inDays(3), location: 'Thuis', attendees: ['FAMILY'] }));
      expect({
        'same-agency caseworker without assignment': [await readBy(colleague.subject), await stepBy(colleague.subject)],
        "receiving-side caseworker of another agency": [await readBy(scene.intake.subject), await stepBy(scene.intake.subject)],
        'admin of another network': [await readBy(strangeAdmin.subject), await stepBy(strangeAdmin.subject)],
        'the referred member in the portal': [await readBy(sara), await stepBy(sara)],
        'caseworker whose membership was just removed': [await readBy(leaver.subject, leaversReferral.id), await stepBy(leaver.subject, leaversReferral)],
      }).toEqual({
        'same-agency caseworker without assignment': ['NOT_FOUND', 'NOT_FOUND'],
        "receiving-side caseworker of another agency": ['NOT_FOUND', 'NOT_FOUND'],
        'admin of another network': ['FORBIDDEN', 'FORBIDDEN'],
        'the referred member in the portal': ['OK', 'FORBIDDEN'],
        'caseworker whose membership was just removed': ['FORBIDDEN', 'FORBIDDEN'],
      });
      const client = {
        read: codeOf(await world.asIntegrationClient(scene.referrer, LoggedReferralReadDocument, { id: r.id })),
        step: codeOf(await world.asIntegrationClient(scene.referrer, RecordExternalAppointmentDocument, {
          input: { referralId: r.id, expectedVersion: passed.version, startsAt: inDays(3), location: 'Thuis', attendees: ['FAMILY'] },
        })),
      };
      expect(client).toEqual({ read: 'NOT_FOUND', step: 'FORBIDDEN' });
      expect(await read(r.id)).toMatchObject({ status: 'SENT', version: 2 });
      expect((await db.query(`SELECT status, version FROM referral WHERE id = $1`, [leaversReferral.id]))[0]).toEqual({ status: 'DRAFT', version: 1 });
    });

    it('shows the family the organisation by name, not the directory (which it may not read)', async () => {
      const { f, r } = await draft();
      const sara = await world.portalLogin(worker, f.memberIds[0]!);
      expect(await read(r.id, sara)).toMatchObject({ externalOrganisation: homeStartName, directoryServiceId: homeStart, directoryService: null });
      expect((await api.ok(worker.subject, OutgoingLoggedReferralsDocument)).referrals.edges.map((e) => e.node.id)).toContain(r.id);
    });

    it('keeps naming an archived service to the professionals who read the referral', async () => {
      const kept = await service(scene.network.coordinator, { externalOrganisation: `Inloopteam ${randomUUID()}` });
      const f = await world.familyWithPlan(worker, { members: parentWithTwoChildren() });
      const r = (await api.ok(worker.subject, CreateLoggedReferralDocument, { input: input(f, kept) })).createReferral;
      await api.ok(scene.network.coordinator.subject, ArchiveDirectoryServiceDocument, { id: kept });
      const seen = await read(r.id);
      expect(seen.directoryService).toMatchObject({ id: kept });
      expect(seen.directoryService!.archivedAt).not.toBeNull();
    });
  });

  describe('the reminder when a step is due', () => {
    const dueNow = (id: string) =>
      db.transaction(async (em) => {
        await em.query(`SELECT set_config('app.actor_subject', 'test:clock', true)`);
        await em.query(`UPDATE referral SET due_at = now() - interval '1 minute' WHERE id = $1`, [id]);
      });
    const reminders = async (reader: string, id: string) =>
      (await api.ok(reader, LoggedReferralInboxDocument)).inbox.edges
        .map((e) => e.node)
        .filter((n) => n.about.id === id)
        .map((n) => [n.kind, n.text]);

    it('tells the referrer once per step, also when runs race, and nobody else', async () => {
      const teammate = await world.staff(scene.referrer);
      const f = await world.familyWithPlan(worker, { members: parentWithTwoChildren(), assign: { admin: scene.referrer.admin, userIds: [teammate.userId] } });
      await consentToShare(f);
      const r = (await api.ok(worker.subject, CreateLoggedReferralDocument, { input: input(f) })).createReferral;
      const passed = (await passOn(r)).data!.recordReferralPassedOn!;
      await dueNow(r.id);
      const overdue = api.app.get(ReferralOverdue);
      await Promise.all([overdue.remindLoggedSteps(), overdue.remindLoggedSteps()]);
      expect(await overdue.remindLoggedSteps()).toBe(0);
      // The on-platform overdue job leaves it alone: no receiving agency to tell, no escalation.
      await overdue.tellOverdue();
      expect(await reminders(worker.subject, r.id)).toEqual([
        ['LOGGED_REFERRAL_STEP_DUE', 'Een doorverwijzing die u doorgaf aan een organisatie buiten het platform wacht: noteer of er een afspraak is.'],
      ]);
      for (const other of [teammate, colleague, scene.intake]) expect(await reminders(other.subject, r.id)).toEqual([]);

      // The next step due is told again, in its own words.
      const planned = (await appointment(passed)).data!.recordExternalAppointment!;
      await dueNow(r.id);
      await overdue.remindLoggedSteps();
      expect((await reminders(worker.subject, r.id)).map(([, text]) => text)).toContain(
        'De afspraak van een doorverwijzing naar een organisatie buiten het platform is voorbij: noteer of het eerste bezoek doorging.',
      );
      // Closed, nothing is due any more.
      await step(worker.subject, CloseLoggedReferralDocument, planned, { outcome: 'NOT_SUCCESSFUL', outcomeReason: 'FAMILY_DECLINED_SERVICE' });
      expect(await overdue.remindLoggedSteps()).toBe(0);
    });

    it('is out of the overdue job\'s range: the index of stages past their deadline holds referrals to an agency only', async () => {
      // Which plan the job's statement takes on the few rows of a test database is the planner's call (a walk of the
      // primary key in id order, often); what is held here is that the range it reads by does not hold logged referrals.
      const byDueAt = await db.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'referral' AND indexdef LIKE '%(due_at)%'`);
      expect(byDueAt).toEqual([{ indexname: 'referral_platform_due_idx', indexdef: expect.stringContaining('WHERE ((to_agency_id IS NOT NULL) AND (due_at IS NOT NULL))') }]);
    });
  });

  describe('in the network insight', () => {
    it('counts logged referrals passed on under BY_CONTACT, per service, small counts suppressed', async () => {
      const passedOn = async () => Number((await db.query(`SELECT count(*) AS n FROM referral WHERE directory_service_id = $1 AND sent_at IS NOT NULL`, [homeStart]))[0].n);
      while ((await passedOn()) < 5) await passOn((await draft()).r);
      // A draft is not passed on: it does not count.
      await draft();
      const expected = { value: await passedOn(), suppressed: false };
      const insight = (await api.ok(scene.network.coordinator.subject, DirectoryServiceInsightDocument, { networkId: scene.network.id })).networkInsight;
      const cell = insight.referralsByDirectoryService.find((c) => c.service.id === homeStart)!;
      expect(cell.service.howToRefer).toBe('BY_CONTACT');
      expect(cell.referrals).toEqual(expected);
      expect(insight.referralsByHowToRefer).toContainEqual({ howToRefer: 'BY_CONTACT', referrals: expected });
    });
  });
});
