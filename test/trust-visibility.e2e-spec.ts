import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { calendarDate, DEFAULT_LEGAL_TIME_ZONE } from '../src/common/calendar.js';
import {
  AccessLogActionsDocument,
  AssessCapacityOutcomeDocument,
  ConfirmConsentDocument,
  type DataCategory,
  FamilyMemberIdsDocument,
  FamilySearchDocument,
  MyCapacityAssessmentsDocument,
  MyConsentsDocument,
  RecordConsentDocument,
  RevokeConsentWithdrawnDocument,
} from './graphql/generated.js';
import { codeOf, type GraphQLResult, TestApi } from './support/test-app.js';
import { type Agency, child, type Network, parent, type Person, World } from './support/world.js';

/**
 * Issue 16, findings 4–6: no search by the names of members the caller may not see; capacity is assessed
 * only on a member the caller sees, and shown to the family; a consent stays with everyone who gave it or
 * whom it concerns.
 */

/** The date `years` back from today, by the families' calendar, as YYYY-MM-DD. */
function yearsAgo(years: number, days = 0): string {
  const d = new Date(`${calendarDate(DEFAULT_LEGAL_TIME_ZONE)}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe('trust: what a caller may find, assess and keep (issue 16, findings 4–6)', () => {
  let api: TestApi;
  let world: World;
  let db: pg.Client;
  let network: Network;
  let agency: Agency;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    db = new pg.Client(process.env.DATABASE_URL);
    await db.connect();
    // Birthdays come by moving birth dates; the audit triggers want a named actor for that write too.
    await db.query(`SELECT set_config('app.actor_subject', 'test-clock', false)`);
    network = await world.network();
    agency = await world.agency(network);
  });
  afterAll(async () => {
    await db.end();
    await api.stop();
  });

  const consent = async (worker: Person, grantorMemberId: string, subjectMemberIds: string[], categories: DataCategory[] = ['IDENTITY', 'PLAN']) =>
    (
      await api.ok(worker.subject, RecordConsentDocument, {
        input: {
          grantorMemberId,
          subjectMemberIds,
          recipientAgencyId: worker.agencyId,
          categories,
          purposeCode: 'PLAN_COORDINATION',
          purpose: 'Samen werken aan het gezinsplan',
          method: 'WRITTEN',
          evidenceReference: `form-${randomUUID()}`,
        },
      })
    ).recordConsent.id as string;

  /**
   * A family registered by `registrar` (who authored its members, so sees them all) without consents, and
   * `reader`, a colleague assigned to it, who sees a member only under the member's IDENTITY consent.
   */
  async function family(members: ReturnType<typeof parent>[]) {
    const registrar = await world.staff(agency);
    const registered = await world.family(registrar, members, { consentFor: [] });
    const reader = await world.staff(agency);
    await world.assign(agency.admin, registered.id, reader.userId);
    return { registrar, reader, familyId: registered.id, memberIds: registered.memberIds };
  }

  const visibleMemberIds = async (worker: Person, familyId: string): Promise<string[]> =>
    (await api.ok(worker.subject, FamilyMemberIdsDocument, { id: familyId })).family.members.map((m: { id: string }) => m.id);

  // ---------------------------------------------------------------------------------------------
  describe('families(search:)', () => {
    it('matches only members the caller may see: a hidden member is not findable by her name', async () => {
      const label = randomUUID().slice(0, 8);
      const f = await family([parent(`Sara${label}`, `Zichtbaar${label}`), child(`Lien${label}`, `Verborgen${label}`, yearsAgo(15))]);
      const [sara] = f.memberIds as [string, string];
      await consent(f.registrar, sara, [sara]);
      const search = async (subject: string, text: string) =>
        (await api.ok(subject, FamilySearchDocument, { search: text })).families.edges.map((e: { node: { id: string } }) => e.node.id);

      // The reader sees Sara (her IDENTITY consent) and the family, not Lien.
      expect(await visibleMemberIds(f.reader, f.familyId)).toEqual([sara]);
      expect(await search(f.reader.subject, `Zichtbaar${label}`)).toEqual([f.familyId]);
      expect(await search(f.reader.subject, `Sara${label}`)).toEqual([f.familyId]);
      expect(await search(f.reader.subject, `Verborgen${label}`)).toEqual([]);
      expect(await search(f.reader.subject, `Lien${label}`)).toEqual([]);
      // Her registrar, who wrote her details, does find her.
      expect(await search(f.registrar.subject, `Lien${label}`)).toEqual([f.familyId]);

      // Another network, and a portal login of another family, find nothing at all.
      const stranger = await world.staff(await world.agency(await world.network()));
      expect(await search(stranger.subject, `Sara${label}`)).toEqual([]);
      const other = await world.family(f.registrar, [parent(`Ander${label}`, 'Gezin')]);
      const otherLogin = await world.portalLogin(f.registrar, other.memberIds[0]!);
      expect(await search(otherLogin, `Sara${label}`)).toEqual([]);
      expect(await search(otherLogin, `Lien${label}`)).toEqual([]);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('assessCapacity', () => {
    it('answers NOT_FOUND, as for an unknown id, on a member the caller may not see, and changes nothing', async () => {
      const f = await family([parent('Sara', 'Maes'), child('Lien', 'Maes', yearsAgo(15))]);
      const [sara, lien] = f.memberIds as [string, string];
      await consent(f.registrar, sara, [sara]);
      const saraLogin = await world.portalLogin(f.registrar, sara);
      expect(await visibleMemberIds(f.reader, f.familyId)).toEqual([sara]);

      const hidden = await api.gql(f.reader.subject, AssessCapacityOutcomeDocument, { input: { memberId: lien, capable: false, reason: 'Kan niet zelf beslissen' } });
      const unknown = await api.gql(f.reader.subject, AssessCapacityOutcomeDocument, { input: { memberId: randomUUID(), capable: false, reason: 'Kan niet zelf beslissen' } });
      expect(codeOf(hidden)).toBe('NOT_FOUND');
      expect(hidden.errors![0]!.message).toBe(unknown.errors![0]!.message);
      expect(hidden.data).toEqual(unknown.data);
      // Lien still decides for herself: her mother cannot consent for her, and the portal shows no assessment.
      const forLien = await api.gql(f.registrar.subject, RecordConsentDocument, {
        input: {
          grantorMemberId: sara,
          subjectMemberIds: [lien],
          recipientAgencyId: agency.id,
          categories: ['HEALTH'],
          purposeCode: 'PLAN_COORDINATION',
          purpose: 'Zorg',
          method: 'WRITTEN',
          evidenceReference: 'form',
        },
      });
      expect(codeOf(forLien)).toBe('BAD_USER_INPUT');
      expect((await api.ok(saraLogin, MyCapacityAssessmentsDocument)).myFamily.capacityAssessments).toEqual([]);
    });

    it('is refused to a portal login with a coded answer, never INTERNAL_SERVER_ERROR', async () => {
      const f = await family([parent('Sara', 'Maes'), child('Mo', 'Maes', yearsAgo(9))]);
      const [sara, mo] = f.memberIds as [string, string];
      const saraLogin = await world.portalLogin(f.registrar, sara);
      for (const memberId of [mo, sara, randomUUID()]) {
        const result = await api.gql(saraLogin, AssessCapacityOutcomeDocument, { input: { memberId, capable: true, reason: 'Mo beslist zelf' } });
        expect(codeOf(result)).toBe('FORBIDDEN');
      }
    });

    it('shows the assessment to the member and to who speaks for her, in the portal and in the access log', async () => {
      const f = await family([parent('Sara', 'Maes'), child('Lien', 'Maes', yearsAgo(15)), parent('Tom', 'Maes')]);
      const [sara, lien, tom] = f.memberIds as [string, string, string];
      const saraLogin = await world.portalLogin(f.registrar, sara);
      const lienLogin = await world.portalLogin(f.registrar, lien);
      const tomLogin = await world.portalLogin(f.registrar, tom);
      // Seen by her registrar (author of her details): the assessment goes through.
      const { assessCapacity } = await api.ok(f.registrar.subject, AssessCapacityOutcomeDocument, {
        input: { memberId: lien, capable: false, reason: 'Ernstige verstandelijke beperking' },
      });
      expect(assessCapacity).toMatchObject({ memberId: lien, capable: false });

      const agencyName = (await db.query(`SELECT name FROM agency WHERE id = $1`, [agency.id])).rows[0].name;
      const expected = [
        {
          member: { id: lien, givenName: 'Lien' },
          capable: false,
          reason: 'Ernstige verstandelijke beperking',
          assessedAt: expect.any(String),
          assessingAgency: { id: agency.id, name: agencyName },
        },
      ];
      // Lien herself, and her parents who now speak for her.
      expect((await api.ok(lienLogin, MyCapacityAssessmentsDocument)).myFamily.capacityAssessments).toEqual(expected);
      expect((await api.ok(saraLogin, MyCapacityAssessmentsDocument)).myFamily.capacityAssessments).toEqual(expected);
      expect((await api.ok(tomLogin, MyCapacityAssessmentsDocument)).myFamily.capacityAssessments).toEqual(expected);

      // In the access log, in plain words.
      const log = (await api.ok(saraLogin, AccessLogActionsDocument, { f: f.familyId })).accessLog.edges.map((e) => e.node);
      const entry = log.find((e) => e.entityType === 'capacity_assessment')!;
      expect(entry).toBeDefined();
      expect(entry.description).toMatch(/beoordeling of een kind zelf kan beslissen/);
      expect(entry.description).not.toMatch(/capacity_assessment/);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('a consent about several members', () => {
    it('stays visible to and revocable by the parent who gave it after her child is assessed capable', async () => {
      const f = await family([parent('Sara', 'Peeters'), child('Mo', 'Peeters', yearsAgo(9))]);
      const [sara, mo] = f.memberIds as [string, string];
      const both = await consent(f.registrar, sara, [sara, mo]);
      const saraLogin = await world.portalLogin(f.registrar, sara);
      await api.ok(f.registrar.subject, AssessCapacityOutcomeDocument, { input: { memberId: mo, capable: true, reason: 'Mo begrijpt wat hij beslist' } });

      const mine = (await api.ok(saraLogin, MyConsentsDocument)).myFamily.consents;
      expect(mine).toEqual([{ id: both, status: 'ACTIVE', subjectMemberIds: [sara, mo].sort(), withdrawnForMemberIds: [] }]);
      // Sara withdraws what she gave: for herself, and for Mo, who never made it his own.
      const revoked = await api.gql(saraLogin, RevokeConsentWithdrawnDocument, { input: { consentId: both, reason: 'Ik wil dit niet meer' } });
      expect(codeOf(revoked)).toBe('OK');
      expect(revoked.data!.revokeConsent).toEqual({ id: both, status: 'REVOKED', withdrawnForMemberIds: [] });
      expect(await visibleMemberIds(f.reader, f.familyId)).toEqual([]);
    });

    it('a young adult sees, confirms for herself only, and withdraws for herself only a consent her mother gave for several', async () => {
      const f = await family([
        parent('Sara', 'Wouters', '1982-05-01'),
        child('Jonas', 'Wouters', yearsAgo(10)),
        child('Mo', 'Wouters', yearsAgo(9)),
        child('Lien', 'Wouters', yearsAgo(14)),
      ]);
      const [sara, jonas, mo, lien] = f.memberIds as [string, string, string, string];
      const shared = await consent(f.registrar, sara, [sara, jonas, mo]);
      await consent(f.registrar, lien, [lien]);
      const saraLogin = await world.portalLogin(f.registrar, sara);
      const lienLogin = await world.portalLogin(f.registrar, lien);
      // Time passes: Jonas and Mo both turned 18 last week; the consent awaits each one's confirmation.
      await db.query(`UPDATE family_member SET birth_date = $2 WHERE id = ANY($1)`, [[jonas, mo], yearsAgo(18, -7)]);
      const jonasLogin = await world.portalLogin(f.registrar, jonas);

      const jonasView = (await api.ok(jonasLogin, MyConsentsDocument)).myFamily;
      expect(jonasView.consents.map((c: { id: string }) => c.id)).toEqual([shared]);
      expect(jonasView.consentsToConfirm).toEqual([{ id: shared }]);
      // Lien, whom it does not concern, neither sees nor withdraws it.
      expect((await api.ok(lienLogin, MyConsentsDocument)).myFamily.consents.map((c: { id: string }) => c.id)).not.toContain(shared);
      expect(codeOf(await api.gql(lienLogin, RevokeConsentWithdrawnDocument, { input: { consentId: shared, reason: 'Nee' } }))).toBe('NOT_FOUND');

      const confirmed: GraphQLResult = await api.gql(jonasLogin, ConfirmConsentDocument, {
        input: { consentId: shared, memberId: jonas, method: 'FAMILY_PORTAL' },
      });
      expect(codeOf(confirmed)).toBe('OK');
      // For himself only: Mo still has to decide.
      expect(confirmed.data!.confirmConsent).toEqual({ id: shared, status: 'ACTIVE', awaitingConfirmationBy: [mo] });
      expect((await visibleMemberIds(f.reader, f.familyId)).sort()).toEqual([sara, jonas, lien].sort());

      // Jonas withdraws it: for himself only; his mother's own consent goes on.
      const withdrawn = await api.gql(jonasLogin, RevokeConsentWithdrawnDocument, { input: { consentId: shared, reason: 'Ik wil dit zelf niet meer' } });
      expect(codeOf(withdrawn)).toBe('OK');
      expect(withdrawn.data!.revokeConsent).toEqual({ id: shared, status: 'ACTIVE', withdrawnForMemberIds: [jonas] });
      expect((await visibleMemberIds(f.reader, f.familyId)).sort()).toEqual([sara, lien].sort());
      expect(codeOf(await api.gql(jonasLogin, RevokeConsentWithdrawnDocument, { input: { consentId: shared, reason: 'Nog eens' } }))).toBe('INVALID_TRANSITION');
      // Jonas still sees it, and cannot confirm again what he withdrew.
      expect((await api.ok(jonasLogin, MyConsentsDocument)).myFamily.consents).toEqual([
        { id: shared, status: 'ACTIVE', subjectMemberIds: [sara, jonas, mo].sort(), withdrawnForMemberIds: [jonas] },
      ]);

      // Sara, who gave it, withdraws the rest: for herself and for Mo, who never confirmed it.
      const ended = await api.gql(saraLogin, RevokeConsentWithdrawnDocument, { input: { consentId: shared, reason: 'Wij stoppen' } });
      expect(codeOf(ended)).toBe('OK');
      expect(ended.data!.revokeConsent).toMatchObject({ id: shared, status: 'REVOKED' });
      expect(await visibleMemberIds(f.reader, f.familyId)).toEqual([lien]);
    });

    it('a caseworker records a withdrawal for the members the withdrawing member speaks for', async () => {
      const f = await family([parent('Sara', 'Claes'), child('Lien', 'Claes', yearsAgo(16)), child('Mo', 'Claes', yearsAgo(6))]);
      const [sara, lien, mo] = f.memberIds as [string, string, string];
      // Lien (16) gives her own consent; Sara one for herself and Mo.
      const saraAndMo = await consent(f.registrar, sara, [sara, mo]);
      await consent(f.registrar, lien, [lien]);
      // A member the consent does not concern cannot be named as the one who withdrew it.
      const notConcerned = await api.gql(f.registrar.subject, RevokeConsentWithdrawnDocument, { input: { consentId: saraAndMo, reason: 'Nee', revokedByMemberId: lien } });
      expect(codeOf(notConcerned)).toBe('BAD_USER_INPUT');
      expect(notConcerned.errors![0]!.extensions!.field).toBe('revokedByMemberId');
      const { revokeConsent } = await api.ok(f.registrar.subject, RevokeConsentWithdrawnDocument, {
        input: { consentId: saraAndMo, reason: 'Sara stopt', revokedByMemberId: sara },
      });
      expect(revokeConsent).toEqual({ id: saraAndMo, status: 'REVOKED', withdrawnForMemberIds: [] });
      expect(await visibleMemberIds(f.reader, f.familyId)).toEqual([lien]);
    });
  });
});
