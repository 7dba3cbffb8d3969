import {
  AccessLogPageDocument,
  AddGoalDocument,
  AddNoteDocument,
  CreatePortalInvitationDocument,
  type DataCategory,
  FamilyProbeDocument,
  MyFamilyDocument,
  PlanNotesAndGoalsDocument,
  type RecordConsentInput,
  RecordConsentMethodDocument,
  RevokeConsentDocument,
} from './graphql/generated.js';
import { codeOf, TestApi, uniqueSubject } from './support/test-app.js';
import { type Agency, child, parent, type Person, World } from './support/world.js';

describe('the family portal', () => {
  let api: TestApi;
  let world: World;
  let agency: Agency;
  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    agency = await world.agency(await world.network());
  });
  afterAll(() => api.stop());

  /** Sara (adult), Lien (15, decides for herself) and Mo (6); Sara and Lien have portal logins. */
  async function scene() {
    const worker = await world.staff(agency);
    const fifteen = new Date();
    fifteen.setFullYear(fifteen.getFullYear() - 15);
    const { familyId, planId, memberIds } = await world.familyWithPlan(worker, {
      members: [
        { ...parent('Sara', 'Maes'), email: 'sara@example.be' } as ReturnType<typeof parent>,
        { ...child('Lien', 'Maes', fifteen.toISOString().slice(0, 10)), email: 'lien@example.be' } as ReturnType<typeof child>,
        { ...child('Mo', 'Maes', '2020-01-01'), email: 'mo-ouders@example.be' } as ReturnType<typeof child>,
      ],
    });
    const [sara, lien, mo] = memberIds as [string, string, string];
    const saraLogin = uniqueSubject('sara');
    const lienLogin = uniqueSubject('lien');
    await world.portalLogin(worker, sara, saraLogin);
    await world.portalLogin(worker, lien, lienLogin);
    const note = async (category: DataCategory, about: string[]) =>
      (await api.ok(worker.subject, AddNoteDocument, { input: { planId, category, body: `${category} over ${about.length}`, memberIds: about } }))
        .addNote.id as string;
    const notes = {
      lienHealth: await note('HEALTH', [lien]),
      saraPlan: await note('PLAN', [sara]),
      moHealth: await note('HEALTH', [mo]),
      everyone: await note('NOTES', []),
    };
    return { worker, familyId, planId, sara, lien, mo, saraLogin, lienLogin, notes };
  }

  it('shows each member its family and plan, and only the data of the members it speaks for', async () => {
    const s = await scene();
    const saraView = (await api.ok(s.saraLogin, MyFamilyDocument)).myFamily;
    expect(saraView.me).toEqual({ id: s.sara, givenName: 'Sara' });
    expect(saraView.family.id).toBe(s.familyId);
    expect(saraView.family.plan!.id).toBe(s.planId);
    // Names of the household for all; contact details only of herself and the child she speaks for.
    expect(saraView.family.members).toEqual([
      { id: s.sara, givenName: 'Sara', email: 'sara@example.be' },
      { id: s.lien, givenName: 'Lien', email: null },
      { id: s.mo, givenName: 'Mo', email: 'mo-ouders@example.be' },
    ]);
    // Not Lien's health note: a 15-year-old's health is hers to share. Not the note about everyone either.
    expect(saraView.family.plan!.notes.map((n) => n.id).sort()).toEqual([s.notes.saraPlan, s.notes.moHealth].sort());

    const lienView = (await api.ok(s.lienLogin, MyFamilyDocument)).myFamily;
    expect(lienView.family.plan!.notes.map((n) => n.id)).toEqual([s.notes.lienHealth]);
    expect(lienView.family.members.map((m: { email: string | null }) => m.email)).toEqual([null, 'lien@example.be', null]);
  });

  it('lets a member give and withdraw its own consent in the portal, and nobody else’s', async () => {
    const s = await scene();
    const input: RecordConsentInput = {
      grantorMemberId: s.sara,
      subjectMemberIds: [s.sara],
      recipientAgencyId: agency.id,
      categories: ['HEALTH'],
      purposeCode: 'PLAN_COORDINATION',
      purpose: 'Mijn huisarts mag meedenken',
      method: 'FAMILY_PORTAL',
    };
    const { recordConsent } = await api.ok(s.saraLogin, RecordConsentMethodDocument, { input });
    expect(recordConsent).toMatchObject({ status: 'ACTIVE', method: 'FAMILY_PORTAL' });

    expect((await api.gql(s.saraLogin, RecordConsentMethodDocument, { input: { ...input, subjectMemberIds: [s.lien] } })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'grantorMemberId',
    });
    expect((await api.gql(s.saraLogin, RecordConsentMethodDocument, { input: { ...input, method: 'WRITTEN', evidenceReference: 'x' } })).errors?.[0]?.extensions)
      .toMatchObject({ code: 'BAD_USER_INPUT', field: 'method' });
    expect((await api.gql(s.lienLogin, RecordConsentMethodDocument, { input })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'grantorMemberId',
    });

    // Lien does not see (so cannot withdraw) Sara's consent; Sara can.
    const revoke = { consentId: recordConsent.id, reason: 'Ik wil dit toch niet' };
    expect(codeOf(await api.gql(s.lienLogin, RevokeConsentDocument, { input: revoke }))).toBe('NOT_FOUND');
    expect((await api.ok(s.saraLogin, RevokeConsentDocument, { input: revoke })).revokeConsent.status).toBe('REVOKED');
    const consents = (await api.ok(s.lienLogin, MyFamilyDocument)).myFamily.consents;
    expect(consents.every((c: { subjectMemberIds: string[] }) => c.subjectMemberIds.includes(s.lien))).toBe(true);
  });

  it('gives no portal invitation for a child who does not decide for itself, nor to a stranger', async () => {
    const s = await scene();
    const forMo = await api.gql(s.worker.subject, CreatePortalInvitationDocument, { input: { memberId: s.mo } });
    expect(forMo.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberId' });
    const foreign: Person = await world.staff(await world.agency(await world.network()));
    expect(codeOf(await api.gql(foreign.subject, CreatePortalInvitationDocument, { input: { memberId: s.sara } }))).toBe('NOT_FOUND');
  });

  it('shows the family who looked at its data and why, in plain language, and only to the family', async () => {
    const s = await scene();
    for (const description of ['Een eigen woning', 'Werk vinden']) {
      await api.ok(s.worker.subject, AddGoalDocument, { input: { planId: s.planId, lifeDomain: 'HOUSING', description, owner: 'FAMILY' } });
    }
    await api.ok(s.worker.subject, PlanNotesAndGoalsDocument, { id: s.planId });
    const log = (await api.ok(s.saraLogin, AccessLogPageDocument, { f: s.familyId })).accessLog;
    const lines: string[] = log.edges.map((e: { node: { description: string } }) => e.node.description);
    expect(lines.some((l) => /^Test CASEWORKER \(.+\) bekeek het gezinsplan \(gegevens van het plan\), met uw toestemming\.$/.test(l))).toBe(true);
    // Records read at once are one line.
    const goalReads = log.edges.filter((e: { node: { action: string; entityType: string } }) => e.node.action === 'READ' && e.node.entityType === 'Goal');
    expect(goalReads.map((e: { node: { records: number; description: string } }) => e.node)).toEqual([
      expect.objectContaining({ records: 2, description: expect.stringMatching(/^Test CASEWORKER \(.+\) bekeek 2 doelen \(gegevens van het plan\), met uw toestemming\.$/) }),
    ]);
    // The worker read four notes. Sara's log shows the reads of the notes about herself and about Mo
    // (whom she speaks for) — not that Lien's health note, or the note about everyone, was read.
    const noteReads = (entries: { node: { action: string; entityType: string; description: string } }[]) =>
      entries.filter((e) => e.node.action === 'READ' && e.node.entityType === 'Note').map((e) => e.node.description);
    expect(noteReads(log.edges).sort()).toEqual([expect.stringContaining('een notitie (gegevens van het plan)'), expect.stringContaining('een notitie (gezondheidsgegevens)')]);
    const lienLog = (await api.ok(s.lienLogin, AccessLogPageDocument, { f: s.familyId })).accessLog;
    expect(noteReads(lienLog.edges)).toEqual([expect.stringContaining('een notitie (gezondheidsgegevens), met uw toestemming.')]);
    // Her own reads are not news to Sara; Lien's reads of the family's data are.
    await api.ok(s.saraLogin, MyFamilyDocument);
    await api.ok(s.lienLogin, MyFamilyDocument);
    const after = (await api.ok(s.saraLogin, AccessLogPageDocument, { f: s.familyId })).accessLog.edges.map((e: { node: { action: string; actor: string } }) => e.node);
    expect(after.filter((n: { action: string; actor: string }) => n.action === 'READ' && n.actor === 'U')).toEqual([]);
    expect(after.some((n: { action: string; actor: string }) => n.action === 'READ' && n.actor === 'Lien')).toBe(true);

    expect(codeOf(await api.gql(s.worker.subject, AccessLogPageDocument, { f: s.familyId }))).toBe('FORBIDDEN');
    expect(codeOf(await api.gql(s.worker.subject, MyFamilyDocument))).toBe('FORBIDDEN');
    const other = await scene();
    expect(codeOf(await api.gql(other.saraLogin, AccessLogPageDocument, { f: s.familyId }))).toBe('NOT_FOUND');
    expect(codeOf(await api.gql(other.saraLogin, FamilyProbeDocument, { id: s.familyId }))).toBe('NOT_FOUND');
  });
});
