import pg from 'pg';
import {
  AddGoalDetailsDocument,
  AddNoteCategoryDocument,
  AssessCapacityDetailsDocument,
  type ConsentRecordFragment,
  type DataCategory,
  FamiliesWithMembersDocument,
  FamilyConsentRecordsDocument,
  FamilyContactsDocument,
  FamilyMemberNamesDocument,
  type LifeDomain,
  PlanContentsDocument,
  type RecordConsentInput,
  RecordConsentRecordDocument,
  RevokeConsentRecordDocument,
} from './graphql/generated.js';
import { type PartedEntry, partsOf } from './support/audit-parts.js';
import { codeOf, type GraphQLResult, TestApi } from './support/test-app.js';
import {
  type Agency,
  child,
  type FamilyMemberInput,
  type Network,
  parent,
  type Person,
  type PlanTeam,
  type PlanTeamActor as Actor,
  subjectOf,
  World,
} from './support/world.js';

/**
 * Consent over GraphQL/HTTP (docs/consent-and-portal.md): who may consent for whom
 * (capacity from 12, rebuttable by an assessment), validation, who may record/revoke/list, the access
 * rule end to end for a caseworker of another agency on the plan team, revocation on the very next
 * request, expiry without a job, the AUTHOR basis, and append-only storage in the database itself.
 */

type Category = DataCategory;
type ConsentNode = ConsentRecordFragment;

/** A birth date (YYYY-MM-DD) that makes a child `years` old today, some weeks past the birthday. */
function bornYearsAgo(years: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() - 40);
  date.setUTCFullYear(date.getUTCFullYear() - years);
  return date.toISOString().slice(0, 10);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectError(result: GraphQLResult, code: string, extensions: Record<string, unknown> = {}) {
  expect(result.errors?.[0]?.extensions).toEqual(expect.objectContaining({ code, ...extensions }));
  expect(result.data ?? null).toBeNull();
}

describe('consents', () => {
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

  /** A well-formed recordConsent input: `grantor` agrees for `subjects` that `recipientAgencyId` uses `categories`. */
  function consentInput(grantorMemberId: string, subjectMemberIds: string[], recipientAgencyId: string, overrides: Partial<RecordConsentInput> = {}): RecordConsentInput {
    return {
      grantorMemberId,
      subjectMemberIds,
      recipientAgencyId,
      categories: ['PLAN'],
      purposeCode: 'PLAN_COORDINATION',
      purpose: 'Samen werken aan het gezinsplan',
      method: 'WRITTEN',
      evidenceReference: `form-${grantorMemberId}`,
      ...overrides,
    };
  }

  const record = (subject: string | null, input: RecordConsentInput) => api.gql(subject, RecordConsentRecordDocument, { input });

  async function recordOk(subject: string, input: RecordConsentInput): Promise<ConsentNode> {
    return (await api.ok(subject, RecordConsentRecordDocument, { input })).recordConsent;
  }

  async function consentsOf(subject: string, familyId: string): Promise<ConsentNode[]> {
    return (await api.ok(subject, FamilyConsentRecordsDocument, { familyId })).consents;
  }

  // -----------------------------------------------------------------------------------------------
  describe('recordConsent: validation and capacity', () => {
    /**
     * A family without any consent, registered by a new caseworker: Sara (adult parent), Noor (15),
     * Lien (14), Mo (10) and Nina (5).
     */
    async function setUp() {
      const worker = await world.staff(agency);
      const family = await world.family(
        worker,
        [
          parent('Sara', 'Claes'),
          child('Noor', 'Claes', bornYearsAgo(15)),
          child('Lien', 'Claes', bornYearsAgo(14)),
          child('Mo', 'Claes', bornYearsAgo(10)),
          child('Nina', 'Claes', bornYearsAgo(5)),
        ],
        { consentFor: [] },
      );
      const [sara, noor, lien, mo, nina] = family.memberIds as [string, string, string, string, string];
      expect(await consentsOf(worker.subject, family.id)).toEqual([]);
      return { worker, family, sara, noor, lien, mo, nina };
    }

    /** The refusal names `field`, and the family's consents are exactly as before. */
    async function expectRefused(worker: Person, familyId: string, result: GraphQLResult, field: string) {
      const before = await consentsOf(worker.subject, familyId);
      expectError(result, 'BAD_USER_INPUT', { field });
      expect(await consentsOf(worker.subject, familyId)).toEqual(before);
    }

    /** Sends `input` and checks it is refused naming `field`, with nothing recorded. */
    async function expectRecordRefused(worker: Person, familyId: string, input: RecordConsentInput, field: string) {
      const before = await consentsOf(worker.subject, familyId);
      const result = await record(worker.subject, input);
      expectError(result, 'BAD_USER_INPUT', { field });
      expect(await consentsOf(worker.subject, familyId)).toEqual(before);
    }

    it('an adult consents for itself', async () => {
      const { worker, family, sara } = await setUp();
      const consent = await recordOk(worker.subject, consentInput(sara, [sara], agency.id, { categories: ['IDENTITY', 'PLAN'] }));
      expect(consent).toMatchObject({
        familyId: family.id,
        status: 'ACTIVE',
        grantor: { id: sara },
        subjectMemberIds: [sara],
        recipientAgency: { id: agency.id },
        categories: ['IDENTITY', 'PLAN'],
        method: 'WRITTEN',
        revokedAt: null,
        revocationReason: null,
      });
      expect((await consentsOf(worker.subject, family.id)).map((c) => c.id)).toEqual([consent.id]);
    });

    it('a parent consents for a child under 12', async () => {
      const { worker, family, sara, mo, nina } = await setUp();
      const consent = await recordOk(worker.subject, consentInput(sara, [mo, nina], agency.id));
      expect(consent.subjectMemberIds).toEqual([mo, nina].sort());
      expect(consent.grantor).toEqual({ id: sara });
      expect(await consentsOf(worker.subject, family.id)).toHaveLength(1);
    });

    it('a parent may not consent for a 14-year-old (grantorMemberId)', async () => {
      const { worker, family, sara, lien } = await setUp();
      await expectRecordRefused(worker, family.id, consentInput(sara, [lien], agency.id), 'grantorMemberId');
      // Nor for several subjects when one of them decides for itself.
      await expectRecordRefused(worker, family.id, consentInput(sara, [sara, lien], agency.id), 'grantorMemberId');
    });

    it('a 14-year-old consents for itself', async () => {
      const { worker, family, lien } = await setUp();
      const consent = await recordOk(worker.subject, consentInput(lien, [lien], agency.id));
      expect(consent).toMatchObject({ status: 'ACTIVE', grantor: { id: lien }, subjectMemberIds: [lien] });
      expect(await consentsOf(worker.subject, family.id)).toHaveLength(1);
    });

    it('a 14-year-old is no legal representative of a younger sibling (grantorMemberId)', async () => {
      const { worker, family, lien, mo } = await setUp();
      await expectRecordRefused(worker, family.id, consentInput(lien, [mo], agency.id), 'grantorMemberId');
    });

    it('a child under 12 may not consent for itself (grantorMemberId)', async () => {
      const { worker, family, mo, nina } = await setUp();
      await expectRecordRefused(worker, family.id, consentInput(mo, [mo], agency.id), 'grantorMemberId');
      await expectRecordRefused(worker, family.id, consentInput(nina, [nina], agency.id), 'grantorMemberId');
    });

    it('after an assessment "capable", a 10-year-old consents for itself and the parent no longer can', async () => {
      const { worker, family, sara, mo } = await setUp();
      const { assessCapacity } = await api.ok(worker.subject, AssessCapacityDetailsDocument, {
        input: { memberId: mo, capable: true, reason: 'Mo begrijpt goed waarvoor de hulp dient' },
      });
      expect(assessCapacity).toMatchObject({ memberId: mo, capable: true });

      await expectRecordRefused(worker, family.id, consentInput(sara, [mo], agency.id), 'grantorMemberId');
      const consent = await recordOk(worker.subject, consentInput(mo, [mo], agency.id));
      expect(consent).toMatchObject({ status: 'ACTIVE', grantor: { id: mo }, subjectMemberIds: [mo] });
      expect(await consentsOf(worker.subject, family.id)).toHaveLength(1);
    });

    it('after an assessment "not capable", the parent consents for a 15-year-old (who no longer can itself)', async () => {
      const { worker, family, sara, noor } = await setUp();
      await api.ok(worker.subject, AssessCapacityDetailsDocument, {
        input: { memberId: noor, capable: false, reason: 'Noor kan de gevolgen nu niet overzien' },
      });
      await expectRecordRefused(worker, family.id, consentInput(noor, [noor], agency.id), 'grantorMemberId');
      const consent = await recordOk(worker.subject, consentInput(sara, [noor], agency.id));
      expect(consent).toMatchObject({ status: 'ACTIVE', grantor: { id: sara }, subjectMemberIds: [noor] });
      expect(await consentsOf(worker.subject, family.id)).toHaveLength(1);
    });

    it('refuses subjects of another family (subjectMemberIds)', async () => {
      const { worker, family, sara } = await setUp();
      const other = await world.family(worker, [parent('Els', 'Wouters')], { consentFor: [] });
      await expectRecordRefused(worker, family.id, consentInput(sara, [sara, other.memberIds[0]!], agency.id), 'subjectMemberIds');
      expect(await consentsOf(worker.subject, other.id)).toEqual([]);
    });

    it('answers a member of an invisible family exactly as a member that does not exist (no existence leak)', async () => {
      const { worker, family, sara } = await setUp();
      const stranger = await world.staff(await world.agency(await world.network()));
      const noSuchMember = '00000000-0000-4000-8000-000000000000';
      const strip = (result: GraphQLResult) => ({ data: result.data ?? null, extensions: result.errors?.[0]?.extensions });

      const invisible = await record(stranger.subject, consentInput(sara, [sara], stranger.agencyId));
      const absent = await record(stranger.subject, consentInput(noSuchMember, [noSuchMember], stranger.agencyId));
      expect(codeOf(invisible)).not.toBe('OK');
      expect(strip(invisible)).toEqual(strip(absent));

      const assessInvisible = await api.gql(stranger.subject, AssessCapacityDetailsDocument, { input: { memberId: sara, capable: true, reason: 'x' } });
      const assessAbsent = await api.gql(stranger.subject, AssessCapacityDetailsDocument, { input: { memberId: noSuchMember, capable: true, reason: 'x' } });
      expect(codeOf(assessInvisible)).not.toBe('OK');
      expect(strip(assessInvisible)).toEqual(strip(assessAbsent));

      expect(await consentsOf(worker.subject, family.id)).toEqual([]);
    });

    it('refuses a recipient agency of another network (recipientAgencyId)', async () => {
      const { worker, family, sara } = await setUp();
      const elsewhere = await world.agency(await world.network());
      await expectRecordRefused(worker, family.id, consentInput(sara, [sara], elsewhere.id), 'recipientAgencyId');
    });

    it('refuses a WRITTEN consent without evidenceReference (evidenceReference)', async () => {
      const { worker, family, sara } = await setUp();
      await expectRecordRefused(worker, family.id, consentInput(sara, [sara], agency.id, { evidenceReference: null }), 'evidenceReference');
      await expectRecordRefused(worker, family.id, consentInput(sara, [sara], agency.id, { evidenceReference: '   ' }), 'evidenceReference');
      await expectRecordRefused(
        worker,
        family.id,
        consentInput(sara, [sara], agency.id, { method: 'VERBAL_WITH_WITNESS', evidenceReference: null }),
        'evidenceReference',
      );
    });

    it('refuses validUntil before validFrom (validUntil)', async () => {
      const { worker, family, sara } = await setUp();
      const validFrom = new Date(Date.now() + 24 * 3600_000);
      const validUntil = new Date(Date.now() + 3600_000);
      await expectRecordRefused(
        worker,
        family.id,
        consentInput(sara, [sara], agency.id, { validFrom: validFrom.toISOString(), validUntil: validUntil.toISOString() }),
        'validUntil',
      );
      // validFrom defaults to now: a validUntil in the past is before it.
      await expectRecordRefused(
        worker,
        family.id,
        consentInput(sara, [sara], agency.id, { validUntil: new Date(Date.now() - 60_000).toISOString() }),
        'validUntil',
      );
    });

    it('refuses method FAMILY_PORTAL recorded by a caseworker (method)', async () => {
      const { worker, family, sara } = await setUp();
      await expectRecordRefused(
        worker,
        family.id,
        consentInput(sara, [sara], agency.id, { method: 'FAMILY_PORTAL', evidenceReference: null }),
        'method',
      );
    });

    it('refuses empty categories (categories)', async () => {
      const { worker, family, sara } = await setUp();
      const result = await record(worker.subject, consentInput(sara, [sara], agency.id, { categories: [] }));
      await expectRefused(worker, family.id, result, 'categories');
    });
  });

  // -----------------------------------------------------------------------------------------------
  describe('who may record, revoke and list', () => {
    let team: PlanTeam;

    beforeAll(async () => {
      team = await world.planTeam();
    });

    type Who = Actor | 'no token';
    const subject = (who: Who) => (who === 'no token' ? null : subjectOf(team, who));

    it.each<[Who, 'OK' | 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHENTICATED']>([
      ['caseworker', 'OK'],
      ['unassigned caseworker (same agency)', 'NOT_FOUND'],
      ['caseworker of another network', 'NOT_FOUND'],
      ['volunteer', 'FORBIDDEN'],
      ['agency admin', 'FORBIDDEN'],
      ['no token', 'UNAUTHENTICATED'],
    ])('%s → %s', async (who, expected) => {
      // A family of the team's caseworker (so assigned to it), the team's volunteer assigned too.
      const family = await world.family(team.caseworker, [parent('Sara', 'Maes')], { consentFor: [] });
      await world.assign(team.agency.admin, family.id, team.volunteer.userId);
      const [sara] = family.memberIds as [string];
      const [existing] = await world.consentAll(team.caseworker, family, team.agency.id, ['PLAN']);
      const as = subject(who);

      // record
      const recorded = await record(as, consentInput(sara, [sara], team.agency.id, { categories: ['NOTES'] }));
      const afterRecord = await consentsOf(team.caseworker.subject, family.id);
      if (expected === 'OK') {
        expect(recorded.errors).toBeUndefined();
        expect(afterRecord.map((c) => c.id).sort()).toEqual([existing, recorded.data!.recordConsent.id].sort());
      } else {
        expectError(recorded, expected);
        expect(afterRecord.map((c) => c.id)).toEqual([existing]);
      }

      // list
      const listed = await api.gql(as, FamilyConsentRecordsDocument, { familyId: family.id });
      if (expected === 'OK') {
        expect(listed.errors).toBeUndefined();
        expect(listed.data!.consents).toHaveLength(2);
      } else {
        expectError(listed, expected);
      }

      // revoke
      const revoked = await api.gql(as, RevokeConsentRecordDocument, { input: { consentId: existing, reason: 'Sara wil dit niet meer', revokedByMemberId: sara } });
      const status = (await consentsOf(team.caseworker.subject, family.id)).find((c) => c.id === existing)!.status;
      if (expected === 'OK') {
        expect(revoked.errors).toBeUndefined();
        expect(revoked.data!.revokeConsent).toMatchObject({ id: existing, status: 'REVOKED', revocationReason: 'Sara wil dit niet meer' });
        expect(status).toBe('REVOKED');
      } else {
        expectError(revoked, expected);
        expect(status).toBe('ACTIVE');
      }

      // assessCapacity follows the same rule as recording
      const assessed = await api.gql(as, AssessCapacityDetailsDocument, { input: { memberId: sara, capable: true, reason: 'test' } });
      expect(codeOf(assessed)).toBe(expected);
    });
  });

  // -----------------------------------------------------------------------------------------------
  describe('the access rule for a caseworker of another agency on the plan team', () => {
    /**
     * Agency A's caseworker registers Sara and Youssef (adults, with contact details) and Mo (7), all
     * consenting to A; A opens a plan with A as supporter, adds agency B (same network) to the team
     * without any consent for B, and B's admin assigns B's caseworker to the family. A adds goals
     * in PARENTING, HEALTH and SAFETY.
     */
    async function setUp() {
      const a = await world.staff(agency);
      const agencyB = await world.agency(network, 'SCHOOL_GUIDANCE');
      const b = await world.staff(agencyB);
      const sara: FamilyMemberInput & { email: string; phone: string; preferredLanguage: string } = {
        ...parent('Sara', 'Janssens'),
        email: 'sara.janssens@example.be',
        phone: '+32470000001',
        preferredLanguage: 'nl',
      };
      const youssef: FamilyMemberInput & { email: string } = { ...parent('Youssef', 'Janssens'), email: 'youssef@example.be' };
      const { familyId, planId, memberIds } = await world.familyWithPlan(a, {
        members: [sara, youssef, child('Mo', 'Janssens', bornYearsAgo(7))],
        supporter: a,
        participants: [{ agencyId: agencyB.id, contribution: 'Schoolbegeleiding voor Mo' }],
        consentForParticipants: false,
        assign: { admin: agencyB.admin, userIds: [b.userId] },
      });
      const [saraId, youssefId, moId] = memberIds as [string, string, string];
      const goals: Record<string, string> = {};
      // The health and safety goals are about Youssef (one naming nobody would need every member's consent).
      for (const [lifeDomain, memberIds] of [['PARENTING', []], ['HEALTH', [youssefId]], ['SAFETY', [youssefId]]] as [LifeDomain, string[]][]) {
        const { addGoal } = await api.ok(a.subject, AddGoalDetailsDocument, {
          input: { planId, lifeDomain, description: `Doel ${lifeDomain}`, owner: 'FAMILY', memberIds },
        });
        goals[lifeDomain] = addGoal.id;
      }
      return { a, b, agencyB, familyId, planId, sara: saraId, youssef: youssefId, mo: moId, goals };
    }

    /** A note by A on the plan, in `category`, concerning `memberIds`. */
    async function note(a: Person, planId: string, category: Category, memberIds: string[]): Promise<string> {
      const { addNote } = await api.ok(a.subject, AddNoteCategoryDocument, { input: { planId, category, body: `Notitie ${category}`, memberIds } });
      return addNote.id;
    }

    /** One consent by an adult for itself, recorded by A, for agency B. */
    const grant = (a: Person, agencyBId: string, member: string, categories: Category[]) =>
      recordOk(a.subject, consentInput(member, [member], agencyBId, { categories }));

    async function planAs(subject: string, planId: string) {
      return (await api.ok(subject, PlanContentsDocument, { id: planId })).plan;
    }
    async function familyAs(subject: string, familyId: string) {
      return (await api.ok(subject, FamilyContactsDocument, { id: familyId })).family;
    }

    it('without consent: the plan is NOT_FOUND and the family shows no members', async () => {
      const { a, b, familyId, planId, sara } = await setUp();
      await note(a, planId, 'PLAN', []);

      expectError(await api.gql(b.subject, PlanContentsDocument, { id: planId }), 'NOT_FOUND');
      const family = await familyAs(b.subject, familyId);
      expect(family.members).toEqual([]);
      expect(family.plan).toBeNull();

      // A, who holds the family's consent, sees it all.
      const ofA = await planAs(a.subject, planId);
      expect(ofA.family.members).toHaveLength(3);
      expect(ofA.goals).toHaveLength(3);
      expect(ofA.notes).toHaveLength(1);
      expect((await familyAs(a.subject, familyId)).members.find((m) => m.id === sara)!.email).toBe(
        'sara.janssens@example.be',
      );
    });

    it('with PLAN consent: the plan and its non-health goals, but no identities and no NOTES notes', async () => {
      const { a, b, agencyB, familyId, planId, goals } = await setUp();
      const notesNote = await note(a, planId, 'NOTES', []);
      const family = await world.membersOf(a, familyId);
      await world.consentAll(a, family, agencyB.id, ['PLAN']);

      const plan = await planAs(b.subject, planId);
      expect(plan.id).toBe(planId);
      expect(plan.goals.map((g: { id: string }) => g.id)).toEqual([goals.PARENTING]);
      expect(plan.family.members).toEqual([]);
      expect(plan.notes.map((n: { id: string }) => n.id)).not.toContain(notesNote);
      expect(plan.notes).toEqual([]);
      expect((await familyAs(b.subject, familyId)).members).toEqual([]);

      // The consent is the agency's, but need to know is the person's: B's colleague, not assigned, sees nothing.
      const colleague = await world.staff(agencyB);
      expectError(await api.gql(colleague.subject, PlanContentsDocument, { id: planId }), 'NOT_FOUND');
      expectError(await api.gql(colleague.subject, FamilyContactsDocument, { id: familyId }), 'NOT_FOUND');
    });

    it('with IDENTITY of one member: that member only, its contact details only with CONTACT too', async () => {
      const { a, b, agencyB, familyId, sara, youssef } = await setUp();

      // CONTACT alone shows nobody: reading a member at all needs IDENTITY.
      await grant(a, agencyB.id, youssef, ['CONTACT']);
      expect((await familyAs(b.subject, familyId)).members).toEqual([]);

      await grant(a, agencyB.id, sara, ['IDENTITY']);
      expect((await familyAs(b.subject, familyId)).members).toEqual([
        { id: sara, givenName: 'Sara', email: null, phone: null, preferredLanguage: null },
      ]);

      await grant(a, agencyB.id, sara, ['CONTACT']);
      expect((await familyAs(b.subject, familyId)).members).toEqual([
        { id: sara, givenName: 'Sara', email: 'sara.janssens@example.be', phone: '+32470000001', preferredLanguage: 'nl' },
      ]);
    });

    it('reads contact details only when a client asks for them, and audits that read as CONTACT under the CONTACT consent', async () => {
      const { a, b, agencyB, familyId, sara, youssef } = await setUp();
      await grant(a, agencyB.id, sara, ['IDENTITY']);
      await grant(a, agencyB.id, youssef, ['IDENTITY']);
      const saraContact = (await grant(a, agencyB.id, sara, ['CONTACT'])).id;
      const client = new pg.Client(process.env.DATABASE_URL);
      await client.connect();
      try {
        /** What B's reads of the family's members since `after` recorded: per entry, its parts' records, categories, basis, consents. */
        const readsSince = async (after: string) =>
          (
            await client.query<PartedEntry>(
              `SELECT entity_type, entity_ids::text[] AS entity_ids, member_ids::text[] AS member_ids, categories, legal_basis,
                      consent_ids::text[] AS consent_ids, parts FROM audit_event
                WHERE seq > $1 AND action = 'READ' AND entity_type = 'FamilyMember' AND actor_user_id = $2 ORDER BY seq`,
              [after, b.userId],
            )
          ).rows.map((entry) => partsOf(entry).map(({ records, categories, basis, consents }) => ({ records, categories, basis, consents })));
        const lastSeq = async () => (await client.query(`SELECT coalesce(max(seq), 0)::text AS seq FROM audit_event`)).rows[0].seq as string;

        // Names only: no contact data read, none recorded.
        let before = await lastSeq();
        const names = (await api.ok(b.subject, FamilyMemberNamesDocument, { id: familyId })).family;
        expect(names.members.map((m: { id: string }) => m.id).sort()).toEqual([sara, youssef].sort());
        expect((await readsSince(before)).map((parts) => parts.map((p) => p.categories))).toEqual([[['IDENTITY'], ['IDENTITY']]]);

        // With contact details: Sara's (CONTACT consent) read and recorded as such; Youssef's not read at all.
        before = await lastSeq();
        const members = (await familyAs(b.subject, familyId)).members as { id: string; email: string | null }[];
        expect(Object.fromEntries(members.map((m) => [m.id, m.email]))).toEqual({ [sara]: 'sara.janssens@example.be', [youssef]: null });
        const contactReads = (await readsSince(before)).flat().filter((p) => p.categories.includes('CONTACT'));
        expect(contactReads).toEqual([{ records: [sara], categories: ['CONTACT'], basis: 'CONSENT', consents: [saraContact] }]);
      } finally {
        await client.end();
      }
    });

    it('a note is visible only when every member it concerns consented for its category', async () => {
      const { a, b, agencyB, planId, sara, youssef, mo } = await setUp();
      const aboutSara = await note(a, planId, 'NOTES', [sara]);
      const aboutBoth = await note(a, planId, 'NOTES', [sara, youssef]);
      const aboutFamily = await note(a, planId, 'NOTES', []);
      const healthOfSara = await note(a, planId, 'HEALTH', [sara]);
      const visibleNotes = async () => ((await planAs(b.subject, planId)).notes as { id: string }[]).map((n) => n.id).sort();

      // The plan itself with Sara's PLAN consent: no notes yet.
      await grant(a, agencyB.id, sara, ['PLAN']);
      expect(await visibleNotes()).toEqual([]);

      await grant(a, agencyB.id, sara, ['NOTES']);
      expect(await visibleNotes()).toEqual([aboutSara]);

      await grant(a, agencyB.id, youssef, ['NOTES']);
      expect(await visibleNotes()).toEqual([aboutSara, aboutBoth].sort());

      // A note naming nobody concerns the whole family: Mo's consent (through Sara) completes it.
      await recordOk(a.subject, consentInput(sara, [mo], agencyB.id, { categories: ['NOTES'] }));
      expect(await visibleNotes()).toEqual([aboutSara, aboutBoth, aboutFamily].sort());

      // NOTES consent does not reach a HEALTH note.
      expect(await visibleNotes()).not.toContain(healthOfSara);
      await grant(a, agencyB.id, sara, ['HEALTH']);
      expect(await visibleNotes()).toEqual([aboutSara, aboutBoth, aboutFamily, healthOfSara].sort());
    });

    it('a HEALTH goal needs HEALTH consent (and a SAFETY goal SAFETY consent)', async () => {
      const { a, b, agencyB, planId, youssef, goals } = await setUp();
      const visibleGoals = async () => ((await planAs(b.subject, planId)).goals as { id: string }[]).map((g) => g.id).sort();

      await grant(a, agencyB.id, youssef, ['PLAN']);
      expect(await visibleGoals()).toEqual([goals.PARENTING]);

      await grant(a, agencyB.id, youssef, ['HEALTH']);
      expect(await visibleGoals()).toEqual([goals.PARENTING, goals.HEALTH].sort());

      await grant(a, agencyB.id, youssef, ['SAFETY']);
      expect(await visibleGoals()).toEqual([goals.PARENTING, goals.HEALTH, goals.SAFETY].sort());
    });

    // -----------------------------------------------------------------------------------------------
    it('records a withdrawal by a caseworker only with the family member who withdrew', async () => {
      const { a, agencyB, familyId, sara } = await setUp();
      const consent = await grant(a, agencyB.id, sara, ['PLAN']);
      const anonymous = await api.gql(a.subject, RevokeConsentRecordDocument, { input: { consentId: consent.id, reason: 'Zomaar' } });
      expectError(anonymous, 'BAD_USER_INPUT', { field: 'revokedByMemberId' });
      expect((await consentsOf(a.subject, familyId)).find((c) => c.id === consent.id)!.status).toBe('ACTIVE');
    });

    // -----------------------------------------------------------------------------------------------
    it('revocation takes effect on the very next request, and the history is kept', async () => {
      const { a, b, agencyB, familyId, planId, sara } = await setUp();
      const consent = await grant(a, agencyB.id, sara, ['PLAN', 'IDENTITY']);

      expect((await planAs(b.subject, planId)).id).toBe(planId);
      const before = (await api.ok(b.subject, FamiliesWithMembersDocument)).families.edges.map((e: any) => e.node);
      expect(before).toEqual([{ id: familyId, members: [{ id: sara, givenName: 'Sara' }] }]);

      const { revokeConsent } = await api.ok(a.subject, RevokeConsentRecordDocument, {
        input: { consentId: consent.id, reason: 'Sara trekt haar toestemming in', revokedByMemberId: sara },
      });
      expect(revokeConsent).toMatchObject({ id: consent.id, status: 'REVOKED', revocationReason: 'Sara trekt haar toestemming in' });

      // The very next request.
      expectError(await api.gql(b.subject, PlanContentsDocument, { id: planId }), 'NOT_FOUND');
      const after = (await api.ok(b.subject, FamiliesWithMembersDocument)).families.edges.map((e: any) => e.node);
      expect(after).toEqual([{ id: familyId, members: [] }]);

      const twice = await api.gql(a.subject, RevokeConsentRecordDocument, { input: { consentId: consent.id, reason: 'Nog eens' } });
      expectError(twice, 'INVALID_TRANSITION', { currentStatus: 'REVOKED' });

      const listed = await consentsOf(a.subject, familyId);
      const revoked = listed.find((c) => c.id === consent.id)!;
      expect(revoked).toMatchObject({
        status: 'REVOKED',
        revocationReason: 'Sara trekt haar toestemming in',
        categories: ['PLAN', 'IDENTITY'],
        subjectMemberIds: [sara],
        recipientAgency: { id: agencyB.id },
      });
      expect(new Date(revoked.revokedAt!).getTime()).toBeGreaterThan(new Date(revoked.validFrom).getTime());
      // A's own consents (three members, all categories) are untouched and listed too.
      expect(listed.filter((c) => c.recipientAgency?.id === agency.id).map((c) => c.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    });

    it('a consent expires at validUntil without any job', async () => {
      const { a, b, agencyB, familyId, planId, sara } = await setUp();
      const validUntil = new Date(Date.now() + 3000);
      const consent = await recordOk(
        a.subject,
        consentInput(sara, [sara], agencyB.id, { categories: ['PLAN'], validUntil: validUntil.toISOString() }),
      );
      expect(consent.status).toBe('ACTIVE');
      expect((await planAs(b.subject, planId)).id).toBe(planId);

      await sleep(Math.max(0, validUntil.getTime() - Date.now()) + 500);

      expectError(await api.gql(b.subject, PlanContentsDocument, { id: planId }), 'NOT_FOUND');
      const listed = (await consentsOf(a.subject, familyId)).find((c) => c.id === consent.id)!;
      expect(listed).toMatchObject({ status: 'EXPIRED', revokedAt: null, revocationReason: null });
      // Expired is not revoked: there is nothing left to revoke.
      expectError(await api.gql(a.subject, RevokeConsentRecordDocument, { input: { consentId: consent.id, reason: 'Te laat' } }), 'INVALID_TRANSITION', {
        currentStatus: 'EXPIRED',
      });
    });
  });

  // -----------------------------------------------------------------------------------------------
  describe('authorship', () => {
    it('the caseworker who registered the family reads its members without consent; an assigned colleague does not', async () => {
      const [author, colleague] = await world.staffTogether(agency, ['CASEWORKER', 'CASEWORKER']);
      const { familyId, planId, memberIds } = await world.familyWithPlan(author, {
        members: [parent('An', 'Mertens'), child('Jonas', 'Mertens', bornYearsAgo(6))],
        consentFor: [],
      });
      await world.assign(agency.admin, familyId, colleague.userId);
      expect(await consentsOf(author.subject, familyId)).toEqual([]);

      const ofAuthor = (await api.ok(author.subject, FamilyContactsDocument, { id: familyId })).family;
      expect(ofAuthor.members.map((m: { id: string }) => m.id).sort()).toEqual([...memberIds].sort());
      expect((await api.ok(author.subject, PlanContentsDocument, { id: planId })).plan.id).toBe(planId);

      expectError(await api.gql(colleague.subject, PlanContentsDocument, { id: planId }), 'NOT_FOUND');
      const ofColleague = (await api.ok(colleague.subject, FamilyContactsDocument, { id: familyId })).family;
      expect(ofColleague.members).toEqual([]);
      expect(ofColleague.plan).toBeNull();
    });
  });

  // -----------------------------------------------------------------------------------------------
  describe('append-only storage', () => {
    it('the database refuses UPDATE and DELETE on consent, consent_subject and consent_revocation', async () => {
      const worker = await world.staff(agency);
      const family = await world.family(worker, [parent('Sara', 'Goossens')], { consentFor: [] });
      const [sara] = family.memberIds as [string];
      const consent = await recordOk(worker.subject, consentInput(sara, [sara], agency.id, { categories: ['PLAN'] }));
      await api.ok(worker.subject, RevokeConsentRecordDocument, { input: { consentId: consent.id, reason: 'Ingetrokken', revokedByMemberId: sara } });
      const before = await consentsOf(worker.subject, family.id);

      const client = new pg.Client(process.env.DATABASE_URL);
      await client.connect();
      try {
        for (const sql of [
          `UPDATE consent SET categories = ARRAY['PLAN','HEALTH'] WHERE id = $1`,
          `UPDATE consent SET valid_until = now() WHERE id = $1`,
          `DELETE FROM consent WHERE id = $1`,
          `UPDATE consent_subject SET member_id = member_id WHERE consent_id = $1`,
          `DELETE FROM consent_subject WHERE consent_id = $1`,
          `UPDATE consent_revocation SET reason = 'vervalst' WHERE consent_id = $1`,
          `DELETE FROM consent_revocation WHERE consent_id = $1`,
        ]) {
          await expect(client.query(sql, [consent.id])).rejects.toThrow(/append-only/);
        }
      } finally {
        await client.end();
      }
      expect(await consentsOf(worker.subject, family.id)).toEqual(before);
      expect(before[0]).toMatchObject({ status: 'REVOKED', categories: ['PLAN'], subjectMemberIds: [sara] });
    });

    it('the grants derived from consents cannot be written directly: a forged grant would open data without consent', async () => {
      const worker = await world.staff(agency);
      const family = await world.family(worker, [parent('Lotte', 'Maes')], { consentFor: [] });
      const [lotte] = family.memberIds as [string];
      const consent = await recordOk(worker.subject, consentInput(lotte, [lotte], agency.id, { categories: ['PLAN'] }));
      await api.ok(worker.subject, RevokeConsentRecordDocument, { input: { consentId: consent.id, reason: 'Ingetrokken', revokedByMemberId: lotte } });

      const client = new pg.Client(process.env.DATABASE_URL);
      await client.connect();
      try {
        for (const sql of [
          `INSERT INTO consent_grant (consent_id, member_id, category, family_id, recipient_agency_id, valid_from)
             SELECT id, grantor_member_id, 'HEALTH', family_id, recipient_agency_id, now() FROM consent WHERE id = $1`,
          `UPDATE consent_grant SET revoked_at = NULL WHERE consent_id = $1`,
          `DELETE FROM consent_grant WHERE consent_id = $1`,
        ]) {
          await expect(client.query(sql, [consent.id])).rejects.toThrow(/derived from consent events/);
        }
        const grants = await client.query(`SELECT category, revoked_at IS NOT NULL AS revoked FROM consent_grant WHERE consent_id = $1`, [consent.id]);
        expect(grants.rows).toEqual([{ category: 'PLAN', revoked: true }]);
      } finally {
        await client.end();
      }
    });
  });
});
