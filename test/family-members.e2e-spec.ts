import request from 'supertest';
import type { DataSource } from 'typeorm';
import {
  AddMemberVersionedDocument,
  AddNoteDocument,
  ApplyMemberCorrectionDocument,
  DeclineMemberCorrectionDocument,
  InboxDocument,
  MemberCorrectionRequestsDocument,
  RequestMemberCorrectionDocument,
  AgencyMembershipsDocument,
  FamilyMemberHistoryDocument,
  MemberLeftHouseholdDocument,
  MemberVersionsDocument,
  MyFamilyConsentsDocument,
  PlanProbeDocument,
  RecordBirthDocument,
  RecordConsentDocument,
  RegisterFamilyDocument,
  RegisterIntegrationClientDocument,
  RemoveMembershipDocument,
  RevokeConsentDocument,
  UpdateFamilyMemberDocument,
  type UpdateFamilyMemberInput,
} from './graphql/generated.js';
import { type AnyDocument, codeOf, type GraphQLResult, queryText, TestApi } from './support/test-app.js';
import { child, parent, type Person, type PlanTeam, World } from './support/world.js';

/**
 * Members that change (issue 21, docs/family-members.md): a member's data corrected by the team, a birth
 * recorded on the unborn member, a member added, and a member leaving the household — each under the
 * member's own rule, at the version read, recorded in her history and audited.
 */
describe('family members that change', () => {
  let api: TestApi;
  let world: World;
  let db: DataSource;
  let team: PlanTeam;
  let clientToken: string;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    db = api.db;
    team = await world.planTeam();
    const { registerIntegrationClient } = await api.ok(team.agency.admin.subject, RegisterIntegrationClientDocument, {
      input: { agencyId: team.agency.id, name: 'Dossiersysteem', scopes: ['REFERRALS_READ', 'REFERRALS_WRITE', 'REFERRALS_PERSONAL'] },
    });
    clientToken = (
      await request(api.app.getHttpServer())
        .post('/oauth/token')
        .send({ grant_type: 'client_credentials', client_id: registerIntegrationClient.client.id, client_secret: registerIntegrationClient.clientSecret })
    ).body.access_token as string;
  }, 120_000);
  afterAll(() => api.stop());

  /** `document` sent with the integration client's token (TestApi signs only persons' tokens). */
  const asClient = async (document: AnyDocument, variables: Record<string, unknown>) =>
    (
      await request(api.app.getHttpServer())
        .post('/graphql')
        .set('Authorization', `Bearer ${clientToken}`)
        .send({ query: queryText(document), variables })
    ).body as GraphQLResult<unknown>;

  /** Sara (adult) and Mo (6) of the team's caseworker (registered by it: assigned, consents of all), with a plan. */
  const family = () =>
    world.teamFamilyWithPlan(team, { members: [parent('Sara', 'Peeters'), child('Mo', 'Peeters', '2019-05-01')], summary: 'Rust in huis.' });

  /** A second caseworker of the agency on the family's team: not the members' author, so only consent lets it in. */
  async function colleague(familyId: string): Promise<Person> {
    const person = await world.staff(team.agency);
    await world.assign(team.agency.admin, familyId, person.userId);
    return person;
  }

  const membersOf = async (subject: string, familyId: string) => (await api.ok(subject, MemberVersionsDocument, { id: familyId })).family.members;

  const correct = (subject: string, input: UpdateFamilyMemberInput) => api.gql(subject, UpdateFamilyMemberDocument, { input });

  describe('updateFamilyMember', () => {
    it('corrects names, birth date and contact at the version read, recorded in the history with old and new values, audited', async () => {
      const { familyId, memberIds } = await family();
      const [sara] = memberIds as [string];
      const { updateFamilyMember } = await api.ok(team.caseworker.subject, UpdateFamilyMemberDocument, {
        input: { memberId: sara, expectedVersion: 1, givenName: 'Sarah', birthDate: '1990-04-02', email: 'sarah@example.org', preferredLanguage: 'fr' },
      });
      expect(updateFamilyMember).toMatchObject({ givenName: 'Sarah', familyName: 'Peeters', birthDate: '1990-04-02', email: 'sarah@example.org', preferredLanguage: 'fr', version: 2 });

      const { familyMemberHistory } = await api.ok(team.caseworker.subject, FamilyMemberHistoryDocument, { memberId: sara });
      const corrections = familyMemberHistory.filter((e) => e.change === 'CORRECTED');
      expect(corrections).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ fields: ['givenName', 'birthDate'], before: { givenName: 'Sara', birthDate: '1990-04-01' }, after: { givenName: 'Sarah', birthDate: '1990-04-02' } }),
          expect.objectContaining({ fields: ['email', 'preferredLanguage'], before: { email: null, preferredLanguage: null }, after: { email: 'sarah@example.org', preferredLanguage: 'fr' } }),
        ]),
      );
      expect(corrections.every((e) => e.actor?.id === team.caseworker.userId && e.actingAgency?.id === team.agency.id)).toBe(true);

      const audited: { action: string; entity_type: string }[] = await db.query(
        `SELECT action, entity_type FROM audit_event WHERE family_id = $1 AND actor_user_id = $2 AND entity_type IN ('family_member', 'family_member_change')`,
        [familyId, team.caseworker.userId],
      );
      expect(audited).toEqual(expect.arrayContaining([{ action: 'UPDATE', entity_type: 'family_member' }, { action: 'INSERT', entity_type: 'family_member_change' }]));
      // The history read is audited as a read of the member's identity.
      const [{ reads }] = await db.query(
        `SELECT count(*)::int AS reads FROM audit_event WHERE family_id = $1 AND entity_type = 'FamilyMemberChange' AND actor_user_id = $2`,
        [familyId, team.caseworker.userId],
      );
      expect(reads).toBeGreaterThan(0);
    });

    it('answers CONFLICT at a stale version, and changes nothing', async () => {
      const { familyId, memberIds } = await family();
      const [sara] = memberIds as [string];
      await api.ok(team.caseworker.subject, UpdateFamilyMemberDocument, { input: { memberId: sara, expectedVersion: 1, familyName: 'Peters' } });
      const stale = await correct(team.caseworker.subject, { memberId: sara, expectedVersion: 1, familyName: 'Pieters' });
      expect(codeOf(stale)).toBe('CONFLICT');
      expect((await membersOf(team.caseworker.subject, familyId)).find((m) => m.id === sara)).toMatchObject({ version: 2 });
      const { familyMemberHistory } = await api.ok(team.caseworker.subject, FamilyMemberHistoryDocument, { memberId: sara });
      expect(familyMemberHistory.filter((e) => e.change === 'CORRECTED')).toHaveLength(1);
    });

    it('of two corrections at the same version at once, exactly one wins and the other answers CONFLICT', async () => {
      const { familyId, memberIds } = await family();
      const results = await Promise.all(
        ['Sarah', 'Saar'].map((givenName) => correct(team.caseworker.subject, { memberId: memberIds[0]!, expectedVersion: 1, givenName })),
      );
      expect(results.map(codeOf).sort()).toEqual(['CONFLICT', 'OK']);
      const winner = results.find((r) => codeOf(r) === 'OK')!.data!.updateFamilyMember.givenName;
      expect((await membersOf(team.caseworker.subject, familyId))[0]).toMatchObject({ givenName: winner, version: 2 });
    });

    it.each<[string, Omit<UpdateFamilyMemberInput, 'memberId'>, string]>([
      ['an empty given name', { givenName: '  ' }, 'givenName'],
      ['a given name cleared', { givenName: null }, 'givenName'],
      ['a family name too long', { familyName: 'x'.repeat(101) }, 'familyName'],
      ['a birth date in the future', { birthDate: '2999-01-01' }, 'birthDate'],
      ['a birth date that does not exist', { birthDate: '2019-02-30' }, 'birthDate'],
      ['a birth date cleared', { birthDate: null }, 'birthDate'],
      ['an expected date on a born member', { expectedDate: '2030-01-01' }, 'expectedDate'],
      ['a born member made unborn', { role: 'UNBORN' }, 'role'],
      ['an e-mail address that is none', { email: 'not-an-address' }, 'email'],
      ['a phone number that is none', { phone: 'call me' }, 'phone'],
      ['a language that is no tag', { preferredLanguage: 'Nederlands' }, 'preferredLanguage'],
      ['a version below 1', { expectedVersion: 0, givenName: 'Sarah' }, 'expectedVersion'],
      ['no field to correct', {}, 'input'],
    ])('refuses %s (BAD_USER_INPUT naming the field) and changes nothing', async (_name, fields, field) => {
      const { familyId, memberIds } = await family();
      const result = await correct(team.caseworker.subject, { memberId: memberIds[0]!, ...fields });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect((await membersOf(team.caseworker.subject, familyId))[0]).toMatchObject({ version: 1 });
    });

    it('refuses a member id that is not one (BAD_USER_INPUT) and an unknown one (NOT_FOUND)', async () => {
      expect((await correct(team.caseworker.subject, { memberId: 'nope', givenName: 'X' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberId' });
      expect(codeOf(await correct(team.caseworker.subject, { memberId: '00000000-0000-4000-8000-000000000000', givenName: 'X' }))).toBe('NOT_FOUND');
    });

    it('is refused to whoever is not on the team with the member’s consent, and nothing changes', async () => {
      const { familyId, memberIds } = await family();
      const [sara] = memberIds as [string];
      const portal = await world.portalLogin(team.caseworker, sara);
      const attempt = (subject: string) => correct(subject, { memberId: sara, givenName: 'Indringer' });
      expect(codeOf(await attempt(team.otherCaseworker.subject))).toBe('NOT_FOUND'); // another network's caseworker
      expect(codeOf(await attempt(team.otherAgency.admin.subject))).toBe('FORBIDDEN'); // another network's admin
      expect(codeOf(await attempt(team.unassigned.subject))).toBe('NOT_FOUND'); // same agency, not assigned
      expect(codeOf(await attempt(team.volunteer.subject))).toBe('FORBIDDEN'); // on the team, reads her, may not correct
      expect(codeOf(await attempt(portal))).toBe('FORBIDDEN'); // the member herself asks the team (portal)
      const byClient = await asClient(UpdateFamilyMemberDocument, { input: { memberId: sara, givenName: 'Indringer' } });
      expect(codeOf(byClient)).toBe('FORBIDDEN');
      expect((await membersOf(team.caseworker.subject, familyId)).find((m) => m.id === sara)).toMatchObject({ givenName: 'Sara', version: 1 });
    });

    it('is refused to a team caseworker whose membership was just removed', async () => {
      const { memberIds, familyId } = await family();
      const leaver = await colleague(familyId);
      expect(codeOf(await correct(leaver.subject, { memberId: memberIds[0]!, givenName: 'Sarah' }))).toBe('OK');
      const { memberships } = await api.ok(team.agency.admin.subject, AgencyMembershipsDocument, { a: team.agency.id });
      await api.ok(team.agency.admin.subject, RemoveMembershipDocument, { id: memberships.edges.find((e) => e.node.user?.id === leaver.userId)!.node.id });
      expect(codeOf(await correct(leaver.subject, { memberId: memberIds[0]!, givenName: 'Sara' }))).toBe('FORBIDDEN');
    });

    it('needs the member’s consent: NOT_FOUND once her IDENTITY consent is revoked; contact fields need CONTACT', async () => {
      const { familyId, memberIds } = await family();
      const [sara] = memberIds as [string];
      const other = await colleague(familyId);
      expect(codeOf(await correct(other.subject, { memberId: sara, phone: '+32 470 12 34 56' }))).toBe('OK');
      // The consents the agency holds of Sara: revoked as she withdraws them.
      const consents: { id: string }[] = await db.query(
        `SELECT DISTINCT cs.consent_id AS id FROM consent_subject cs JOIN consent c ON c.id = cs.consent_id WHERE cs.member_id = $1 AND c.recipient_agency_id = $2`,
        [sara, team.agency.id],
      );
      for (const { id } of consents) {
        await api.ok(team.caseworker.subject, RevokeConsentDocument, { input: { consentId: id, reason: 'Ingetrokken', revokedByMemberId: sara } });
      }
      expect(codeOf(await correct(other.subject, { memberId: sara, givenName: 'Sarah' }))).toBe('NOT_FOUND');
      // An IDENTITY consent alone lets the colleague correct her name, not her contact details.
      await api.ok(team.caseworker.subject, RecordConsentDocument, {
        input: {
          grantorMemberId: sara,
          subjectMemberIds: [sara],
          recipientAgencyId: team.agency.id,
          categories: ['IDENTITY'],
          purposeCode: 'PLAN_COORDINATION',
          purpose: 'Gegevens juist houden',
          method: 'WRITTEN',
          evidenceReference: 'formulier-2',
        },
      });
      expect(codeOf(await correct(other.subject, { memberId: sara, email: 'x@example.org' }))).toBe('FORBIDDEN');
      expect(codeOf(await correct(other.subject, { memberId: sara, givenName: 'Sarah' }))).toBe('OK');
      // Her history shows the phone correction only to whoever holds the CONTACT right.
      const { familyMemberHistory } = await api.ok(other.subject, FamilyMemberHistoryDocument, { memberId: sara });
      expect(familyMemberHistory.flatMap((e) => e.fields)).not.toContain('phone');
      const byAuthor = await api.ok(team.caseworker.subject, FamilyMemberHistoryDocument, { memberId: sara });
      expect(byAuthor.familyMemberHistory.flatMap((e) => e.fields)).toContain('phone');
    });

    it('shows the history to whoever may read the member, and NOT_FOUND to others', async () => {
      const { memberIds } = await family();
      const [sara] = memberIds as [string];
      const portal = await world.portalLogin(team.caseworker, sara);
      await api.ok(team.caseworker.subject, UpdateFamilyMemberDocument, { input: { memberId: sara, givenName: 'Sarah' } });
      const own = await api.ok(portal, FamilyMemberHistoryDocument, { memberId: sara });
      expect(own.familyMemberHistory.some((e) => e.change === 'CORRECTED' && e.after.givenName === 'Sarah')).toBe(true);
      for (const outsider of [team.otherCaseworker.subject, team.unassigned.subject]) {
        expect(codeOf(await api.gql(outsider, FamilyMemberHistoryDocument, { memberId: sara }))).toBe('NOT_FOUND');
      }
    });

    it('erasing the member empties the values of her history, keeping which fields changed', async () => {
      const { familyId, memberIds } = await family();
      const [sara] = memberIds as [string];
      await api.ok(team.caseworker.subject, UpdateFamilyMemberDocument, { input: { memberId: sara, givenName: 'Sarah', email: 'sarah@example.org' } });
      await db.transaction(async (em) => {
        await em.query(`SELECT set_config('app.actor_subject', 'retention-test', true)`);
        await em.query(`SELECT erase_personal_data($1, $2)`, [familyId, sara]);
      });
      const rows: { fields: string[]; before: object; after: object }[] = await db.query(
        `SELECT fields, before, after FROM family_member_change WHERE member_id = $1 AND change = 'CORRECTED'`,
        [sara],
      );
      expect(rows).toHaveLength(2);
      expect(rows.every((r) => r.fields.length > 0 && Object.keys(r.before).length === 0 && Object.keys(r.after).length === 0)).toBe(true);
      await expect(db.query(`UPDATE family_member_change SET after = '{"givenName":"X"}' WHERE member_id = $1`, [sara])).rejects.toThrow(/append-only/);
    });
  });

  describe('recordBirth', () => {
    /** A family with Sara and her unborn child, every consent given to the team's agency (the unborn's by Sara). */
    async function expecting() {
      const { registerFamily } = await api.ok(team.caseworker.subject, RegisterFamilyDocument, {
        input: { members: [parent('Sara', 'Janssens'), { role: 'UNBORN', givenName: 'Baby', familyName: 'Janssens', expectedDate: '2030-01-01' }] },
      });
      const fam = { id: registerFamily.id, members: registerFamily.members, memberIds: registerFamily.members.map((m) => m.id) };
      await world.consentAll(team.caseworker, fam, team.agency.id);
      return fam;
    }

    it('makes the unborn member a CHILD, keeping the consents that covered her', async () => {
      const fam = await expecting();
      const unborn = fam.memberIds[1]!;
      const other = await colleague(fam.id); // not the author: sees the child by the consent Sara gave
      expect((await membersOf(other.subject, fam.id)).map((m) => m.id)).toContain(unborn);
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const { recordBirth } = await api.ok(other.subject, RecordBirthDocument, { input: { memberId: unborn, expectedVersion: 1, givenName: 'Noor', birthDate: yesterday } });
      expect(recordBirth).toMatchObject({ role: 'CHILD', givenName: 'Noor', familyName: 'Janssens', birthDate: yesterday, expectedDate: null, version: 2 });
      // The same consent still covers the child: the colleague and the author read her; others still do not.
      expect((await membersOf(other.subject, fam.id)).find((m) => m.id === unborn)).toMatchObject({ givenName: 'Noor', role: 'CHILD' });
      const [{ in_force }] = await db.query(
        `SELECT count(*)::int AS in_force FROM consent_grant WHERE member_id = $1 AND revoked_at IS NULL AND represented_until > current_date`,
        [unborn],
      );
      expect(in_force).toBeGreaterThan(0);
      expect(codeOf(await api.gql(team.unassigned.subject, FamilyMemberHistoryDocument, { memberId: unborn }))).toBe('NOT_FOUND');
      const { familyMemberHistory } = await api.ok(other.subject, FamilyMemberHistoryDocument, { memberId: unborn });
      expect(familyMemberHistory.find((e) => e.change === 'BORN')).toMatchObject({
        before: { role: 'UNBORN', givenName: 'Baby', expectedDate: '2030-01-01', birthDate: null },
        after: { role: 'CHILD', givenName: 'Noor', expectedDate: null, birthDate: yesterday },
      });
    });

    it('names the current role for a member who is not unborn, and refuses bad input; nothing changes', async () => {
      const fam = await expecting();
      const [sara, unborn] = fam.memberIds as [string, string];
      const born = await api.gql(team.caseworker.subject, RecordBirthDocument, { input: { memberId: sara, givenName: 'X', birthDate: '2020-01-01' } });
      expect(born.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'PARENT' });
      for (const [input, field] of [
        [{ givenName: 'Noor', birthDate: '2999-01-01' }, 'birthDate'],
        [{ givenName: 'Noor', birthDate: '01-01-2025' }, 'birthDate'],
        [{ givenName: ' ', birthDate: '2025-01-01' }, 'givenName'],
        [{ givenName: 'Noor', familyName: '', birthDate: '2025-01-01' }, 'familyName'],
      ] as const) {
        const result = await api.gql(team.caseworker.subject, RecordBirthDocument, { input: { memberId: unborn, ...input } });
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
      expect(codeOf(await api.gql(team.caseworker.subject, RecordBirthDocument, { input: { memberId: unborn, expectedVersion: 7, givenName: 'Noor', birthDate: '2025-01-01' } }))).toBe('CONFLICT');
      expect((await membersOf(team.caseworker.subject, fam.id)).find((m) => m.id === unborn)).toMatchObject({ role: 'UNBORN', version: 1 });
      // Who may not.
      const input = { memberId: unborn, givenName: 'Noor', birthDate: '2025-01-01' };
      expect(codeOf(await api.gql(team.otherCaseworker.subject, RecordBirthDocument, { input }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(team.unassigned.subject, RecordBirthDocument, { input }))).toBe('NOT_FOUND');
      expect(codeOf(await asClient(RecordBirthDocument, { input }))).toBe('FORBIDDEN');
      const portal = await world.portalLogin(team.caseworker, sara);
      expect(codeOf(await api.gql(portal, RecordBirthDocument, { input }))).toBe('FORBIDDEN');
      expect((await membersOf(team.caseworker.subject, fam.id)).find((m) => m.id === unborn)).toMatchObject({ role: 'UNBORN', version: 1 });
    });
  });

  describe('addFamilyMember', () => {
    it('adds a member at version 1, recorded in her history and audited; refused to others', async () => {
      const { familyId } = await family();
      const { addFamilyMember } = await api.ok(team.caseworker.subject, AddMemberVersionedDocument, {
        input: { familyId, member: { role: 'OTHER_CAREGIVER', givenName: 'Jan', familyName: 'Peeters', birthDate: '1960-02-03' } },
      });
      expect(addFamilyMember).toMatchObject({ givenName: 'Jan', version: 1 });
      const { familyMemberHistory } = await api.ok(team.caseworker.subject, FamilyMemberHistoryDocument, { memberId: addFamilyMember.id });
      expect(familyMemberHistory).toEqual([expect.objectContaining({ change: 'ADDED', after: expect.objectContaining({ givenName: 'Jan', role: 'OTHER_CAREGIVER' }) })]);
      const [{ writes }] = await db.query(
        `SELECT count(*)::int AS writes FROM audit_event WHERE entity_id = $1 AND action = 'INSERT' AND entity_type = 'family_member'`,
        [addFamilyMember.id],
      );
      expect(writes).toBe(1);
      const input = { familyId, member: { role: 'CHILD' as const, givenName: 'X', familyName: 'Y', birthDate: '2020-01-01' } };
      expect(codeOf(await api.gql(team.otherCaseworker.subject, AddMemberVersionedDocument, { input }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(team.unassigned.subject, AddMemberVersionedDocument, { input }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(team.otherAgency.admin.subject, AddMemberVersionedDocument, { input }))).toBe('FORBIDDEN');
      expect(codeOf(await api.gql(team.volunteer.subject, AddMemberVersionedDocument, { input }))).toBe('FORBIDDEN');
      expect(codeOf(await asClient(AddMemberVersionedDocument, { input }))).toBe('FORBIDDEN');
      const bad = await api.gql(team.caseworker.subject, AddMemberVersionedDocument, { input: { ...input, member: { ...input.member, birthDate: '2999-01-01' } } });
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'member.birthDate' });
      expect(await membersOf(team.caseworker.subject, familyId)).toHaveLength(3);
    });
  });

  describe('memberLeftHousehold', () => {
    it('marks her LEFT with the day; her portal login no longer opens the family or its plan; no new record names her; the rest stays', async () => {
      const { familyId, planId, memberIds } = await family();
      const [sara, mo] = memberIds as [string, string];
      // Mo's father, who leaves the household.
      const { addFamilyMember: dad } = await api.ok(team.caseworker.subject, AddMemberVersionedDocument, {
        input: { familyId, member: { role: 'PARENT', givenName: 'Tom', familyName: 'Claes', birthDate: '1988-03-03' } },
      });
      const dadLogin = await world.portalLogin(team.caseworker, dad.id);
      const saraLogin = await world.portalLogin(team.caseworker, sara);
      expect(codeOf(await api.gql(dadLogin, PlanProbeDocument, { id: planId }))).toBe('OK');

      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const { memberLeftHousehold } = await api.ok(team.caseworker.subject, MemberLeftHouseholdDocument, { input: { memberId: dad.id, expectedVersion: 1, leftOn: yesterday } });
      expect(memberLeftHousehold).toMatchObject({ leftOn: yesterday, version: 2 });

      expect(codeOf(await api.gql(dadLogin, PlanProbeDocument, { id: planId }))).not.toBe('OK');
      expect(codeOf(await api.gql(dadLogin, MyFamilyConsentsDocument))).toBe('FORBIDDEN');
      expect(codeOf(await api.gql(dadLogin, FamilyMemberHistoryDocument, { memberId: mo }))).not.toBe('OK');
      // The others keep theirs; the team still sees him, marked, with the change in his history.
      expect(codeOf(await api.gql(saraLogin, PlanProbeDocument, { id: planId }))).toBe('OK');
      expect((await membersOf(team.caseworker.subject, familyId)).find((m) => m.id === dad.id)).toMatchObject({ leftOn: yesterday });
      const { familyMemberHistory } = await api.ok(team.caseworker.subject, FamilyMemberHistoryDocument, { memberId: dad.id });
      expect(familyMemberHistory.at(-1)).toMatchObject({ change: 'LEFT_HOUSEHOLD', before: { leftOn: null }, after: { leftOn: yesterday } });
      // No new record names him: a consent (as grantor or subject), a note.
      const consent = (grantorMemberId: string) => ({
        grantorMemberId,
        subjectMemberIds: [dad.id],
        recipientAgencyId: team.agency.id,
        categories: ['IDENTITY' as const],
        purposeCode: 'PLAN_COORDINATION',
        purpose: 'Samen werken aan het gezinsplan',
        method: 'WRITTEN' as const,
        evidenceReference: 'formulier-3',
      });
      expect((await api.gql(team.caseworker.subject, RecordConsentDocument, { input: consent(dad.id) })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'grantorMemberId' });
      expect((await api.gql(team.caseworker.subject, RecordConsentDocument, { input: consent(sara) })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'subjectMemberIds' });
      const note = await api.gql(team.caseworker.subject, AddNoteDocument, { input: { planId, category: 'NOTES', body: 'Gesprek', memberIds: [dad.id] } });
      expect(note.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberIds' });
      expect(codeOf(await api.gql(team.caseworker.subject, AddNoteDocument, { input: { planId, category: 'NOTES', body: 'Gesprek', memberIds: [sara] } }))).toBe('OK');
      // Leaving twice names her state.
      const again = await api.gql(team.caseworker.subject, MemberLeftHouseholdDocument, { input: { memberId: dad.id, leftOn: yesterday } });
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'LEFT_HOUSEHOLD' });
    });

    it('refuses bad dates, the last member, a stale version and whoever may not; nothing changes', async () => {
      const { familyId, memberIds } = await family();
      const [sara, mo] = memberIds as [string, string];
      for (const [leftOn, field] of [['2999-01-01', 'leftOn'], ['2019-13-01', 'leftOn'], ['2010-01-01', 'leftOn']] as const) {
        const result = await api.gql(team.caseworker.subject, MemberLeftHouseholdDocument, { input: { memberId: mo, leftOn } });
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
      expect(codeOf(await api.gql(team.caseworker.subject, MemberLeftHouseholdDocument, { input: { memberId: mo, expectedVersion: 3, leftOn: '2024-01-01' } }))).toBe('CONFLICT');
      const input = { memberId: sara, leftOn: '2024-01-01' };
      expect(codeOf(await api.gql(team.otherCaseworker.subject, MemberLeftHouseholdDocument, { input }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(team.unassigned.subject, MemberLeftHouseholdDocument, { input }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(team.otherAgency.admin.subject, MemberLeftHouseholdDocument, { input }))).toBe('FORBIDDEN');
      expect(codeOf(await api.gql(team.volunteer.subject, MemberLeftHouseholdDocument, { input }))).toBe('FORBIDDEN');
      expect(codeOf(await asClient(MemberLeftHouseholdDocument, { input }))).toBe('FORBIDDEN');
      expect(codeOf(await api.gql(await world.portalLogin(team.caseworker, sara), MemberLeftHouseholdDocument, { input }))).toBe('FORBIDDEN');
      expect((await membersOf(team.caseworker.subject, familyId)).every((m) => m.leftOn === null && m.version === 1)).toBe(true);
      // Sara may leave; then Mo is the last one of the household and may not.
      await api.ok(team.caseworker.subject, MemberLeftHouseholdDocument, { input });
      const last = await api.gql(team.caseworker.subject, MemberLeftHouseholdDocument, { input: { memberId: mo, leftOn: '2024-01-01' } });
      expect(last.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberId' });
    });
  });

  describe('corrections the member asks for in the portal', () => {
    /** Sara (adult), Lien (15, decides for herself) and Mo (6); the caseworker is their supporter; Sara and Lien have portal logins. */
    async function scene() {
      const fifteen = new Date();
      fifteen.setFullYear(fifteen.getFullYear() - 15);
      const fam = await world.familyWithPlan(team.caseworker, {
        members: [parent('Sara', 'Peeters'), child('Lien', 'Peeters', fifteen.toISOString().slice(0, 10)), child('Mo', 'Peeters', '2019-05-01')],
        supporter: team.caseworker,
        assign: { admin: team.agency.admin, userIds: [team.volunteer.userId] },
      });
      const [sara, lien, mo] = fam.memberIds as [string, string, string];
      const saraLogin = await world.portalLogin(team.caseworker, sara);
      const lienLogin = await world.portalLogin(team.caseworker, lien);
      return { ...fam, sara, lien, mo, saraLogin, lienLogin };
    }

    const kinds = async (subject: string) => (await api.ok(subject, InboxDocument, { first: 50 })).inbox.edges.map((e) => e.node);

    it('a member asks, the supporter is told, the team applies it as a correction, and the member is told', async () => {
      const s = await scene();
      const { requestMemberCorrection: asked } = await api.ok(s.saraLogin, RequestMemberCorrectionDocument, {
        input: { memberId: s.sara, changes: { familyName: 'Peeters-Claes', birthDate: '1990-04-03' } },
      });
      expect(asked).toMatchObject({ status: 'REQUESTED', version: 1, requestedByMemberId: s.sara, changes: { familyName: 'Peeters-Claes', birthDate: '1990-04-03' } });
      const told = (await kinds(team.caseworker.subject)).filter((i) => i.kind === 'MEMBER_CORRECTION_REQUESTED' && i.about.id === s.sara);
      expect(told).toHaveLength(1);
      expect(told[0]!.text).not.toMatch(/Sara|Peeters|1990/);

      const [{ actor_member_id }] = await db.query(
        `SELECT actor_member_id FROM audit_event WHERE entity_type = 'member_correction_request' AND entity_id = $1 AND action = 'INSERT'`,
        [asked.id],
      );
      expect(actor_member_id).toBe(s.sara);
      const { applyMemberCorrection } = await api.ok(team.caseworker.subject, ApplyMemberCorrectionDocument, { input: { requestId: asked.id, expectedVersion: 1 } });
      expect(applyMemberCorrection).toMatchObject({ status: 'APPLIED', version: 2 });
      const [{ decided_by }] = await db.query(
        `SELECT actor_user_id AS decided_by FROM audit_event WHERE entity_type = 'member_correction_request' AND entity_id = $1 AND action = 'UPDATE'`,
        [asked.id],
      );
      expect(decided_by).toBe(team.caseworker.userId);
      expect((await membersOf(team.caseworker.subject, s.familyId)).find((m) => m.id === s.sara)).toMatchObject({ birthDate: '1990-04-03', version: 2 });
      const { familyMemberHistory } = await api.ok(s.saraLogin, FamilyMemberHistoryDocument, { memberId: s.sara });
      expect(familyMemberHistory.at(-1)).toMatchObject({ change: 'CORRECTED', after: { familyName: 'Peeters-Claes', birthDate: '1990-04-03' } });
      expect((await kinds(s.saraLogin)).map((i) => i.kind)).toContain('MEMBER_CORRECTION_APPLIED');
      expect((await kinds(s.lienLogin)).map((i) => i.kind)).not.toContain('MEMBER_CORRECTION_APPLIED');

      // Decided once: the state is named.
      const again = await api.gql(team.caseworker.subject, DeclineMemberCorrectionDocument, { input: { requestId: asked.id, reason: 'Toch niet' } });
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'APPLIED' });
    });

    it('a parent asks for a young child; the team declines with a reason; nothing of the child changes', async () => {
      const s = await scene();
      const { requestMemberCorrection: asked } = await api.ok(s.saraLogin, RequestMemberCorrectionDocument, { input: { memberId: s.mo, changes: { givenName: 'Mohamed' } } });
      expect(codeOf(await api.gql(team.caseworker.subject, DeclineMemberCorrectionDocument, { input: { requestId: asked.id, expectedVersion: 2, reason: 'x' } }))).toBe('CONFLICT');
      const { declineMemberCorrection } = await api.ok(team.caseworker.subject, DeclineMemberCorrectionDocument, {
        input: { requestId: asked.id, reason: 'De naam staat zo in het rijksregister.' },
      });
      expect(declineMemberCorrection).toMatchObject({ status: 'DECLINED', declineReason: 'De naam staat zo in het rijksregister.', version: 2 });
      expect((await membersOf(team.caseworker.subject, s.familyId)).find((m) => m.id === s.mo)).toMatchObject({ givenName: 'Mo', version: 1 });
      expect((await kinds(s.saraLogin)).map((i) => i.kind)).toContain('MEMBER_CORRECTION_DECLINED');
      const { memberCorrectionRequests } = await api.ok(s.saraLogin, MemberCorrectionRequestsDocument, { memberId: s.mo });
      expect(memberCorrectionRequests).toEqual([expect.objectContaining({ id: asked.id, status: 'DECLINED' })]);
      const applied = await api.gql(team.caseworker.subject, ApplyMemberCorrectionDocument, { input: { requestId: asked.id } });
      expect(applied.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'DECLINED' });
    });

    it('only for herself or a child she speaks for; decided only by the team under the member’s rule', async () => {
      const s = await scene();
      const other = await scene();
      const ask = (subject: string, memberId: string) => api.gql(subject, RequestMemberCorrectionDocument, { input: { memberId, changes: { givenName: 'Anders' } } });
      expect(codeOf(await ask(s.lienLogin, s.sara))).toBe('FORBIDDEN'); // another adult member of her family
      expect(codeOf(await ask(s.saraLogin, s.lien))).toBe('FORBIDDEN'); // a child who decides for herself
      expect(codeOf(await ask(other.saraLogin, s.sara))).toBe('NOT_FOUND'); // another family's portal login
      expect(codeOf(await ask(team.caseworker.subject, s.sara))).toBe('FORBIDDEN'); // professionals correct directly
      expect(codeOf(await asClient(RequestMemberCorrectionDocument, { input: { memberId: s.sara, changes: { givenName: 'Anders' } } }))).toBe('FORBIDDEN');

      const { requestMemberCorrection: asked } = await api.ok(s.lienLogin, RequestMemberCorrectionDocument, { input: { memberId: s.lien, changes: { givenName: 'Lena' } } });
      const apply = (subject: string) => api.gql(subject, ApplyMemberCorrectionDocument, { input: { requestId: asked.id } });
      expect(codeOf(await apply(team.otherCaseworker.subject))).toBe('NOT_FOUND');
      expect(codeOf(await apply(team.otherAgency.admin.subject))).toBe('FORBIDDEN');
      expect(codeOf(await apply(team.unassigned.subject))).toBe('NOT_FOUND');
      expect(codeOf(await apply(team.volunteer.subject))).toBe('FORBIDDEN');
      expect(codeOf(await apply(s.lienLogin))).toBe('FORBIDDEN');
      expect(codeOf(await asClient(ApplyMemberCorrectionDocument, { input: { requestId: asked.id } }))).toBe('FORBIDDEN');
      expect(codeOf(await api.gql(team.unassigned.subject, MemberCorrectionRequestsDocument, { memberId: s.lien }))).toBe('NOT_FOUND');
      expect((await api.ok(team.caseworker.subject, MemberCorrectionRequestsDocument, { memberId: s.lien })).memberCorrectionRequests).toEqual([
        expect.objectContaining({ status: 'REQUESTED', changes: { givenName: 'Lena' } }),
      ]);
      expect((await membersOf(team.caseworker.subject, s.familyId)).find((m) => m.id === s.lien)).toMatchObject({ givenName: 'Lien', version: 1 });
    });

    it('refuses bad input naming the field, and records nothing', async () => {
      const s = await scene();
      for (const [changes, field] of [
        [{}, 'changes'],
        [{ givenName: '  ' }, 'changes.givenName'],
        [{ birthDate: '2999-01-01' }, 'changes.birthDate'],
        [{ birthDate: '1990-02-31' }, 'changes.birthDate'],
      ] as const) {
        const result = await api.gql(s.saraLogin, RequestMemberCorrectionDocument, { input: { memberId: s.sara, changes } });
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
      expect((await api.ok(s.saraLogin, MemberCorrectionRequestsDocument, { memberId: s.sara })).memberCorrectionRequests).toEqual([]);
      const { requestMemberCorrection: asked } = await api.ok(s.saraLogin, RequestMemberCorrectionDocument, { input: { memberId: s.sara, changes: { givenName: 'Sarah' } } });
      const blank = await api.gql(team.caseworker.subject, DeclineMemberCorrectionDocument, { input: { requestId: asked.id, reason: ' ' } });
      expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
      const notId = await api.gql(team.caseworker.subject, ApplyMemberCorrectionDocument, { input: { requestId: 'nope' } });
      expect(notId.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'requestId' });
      expect(codeOf(await api.gql(team.caseworker.subject, ApplyMemberCorrectionDocument, { input: { requestId: '00000000-0000-4000-8000-000000000000' } }))).toBe('NOT_FOUND');
    });
  });
});
