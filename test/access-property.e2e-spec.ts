import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import {
  AddNoteDocument,
  AddPlanParticipantDocument,
  AssignCaseDocument,
  type DataCategory,
  EndCaseAssignmentDocument,
  FamiliesMemberIdsDocument,
  FamilyWithMemberIdsDocument,
  OpenPlanDocument,
  PlanNotesDocument,
  PlanProbeDocument,
  RecordConsentDocument,
  RegisterFamilyDocument,
  RevokeConsentDocument,
} from './graphql/generated.js';
import { type AnyDocument, codeOf, type GraphQLResult, TestApi } from './support/test-app.js';
import { type Agency, ALL_CATEGORIES, child, type Network, parent, type Person, World } from './support/world.js';

/**
 * The access rule (docs/consent-and-portal.md) as a property: for a caseworker W
 * of agency B on a family's plan team, after ANY sequence of consent changes (recorded, revoked, also
 * consents to another agency) and assignment changes (ended, re-assigned), what W reads through
 * GraphQL is exactly what a tiny model of the rule predicts:
 *
 *   - a member M                     : W assigned ∧ B holds an active IDENTITY consent of M
 *   - the plan                       : W assigned ∧ B holds an active PLAN consent of some member
 *   - a note (category C, about S)   : the plan is readable ∧ B holds an active C consent of every
 *                                      member of S (S = the whole family when the note names nobody)
 *   - the family in `families`       : W assigned (need to know), its members as above
 *
 * W is never author and never breaks the glass, so consent is its only basis. Every returned member,
 * note and plan has a READ audit entry for W under that request's X-Request-Id (legal basis CONSENT,
 * citing exactly the active consents that cover it), and nothing that was not returned was audited.
 *
 * Each fast-check run gets its own caseworkers R and W and its own family, so runs do not interfere
 * (with each other, or with other spec files writing to the same database).
 */

const NUM_RUNS = 25;

/** The three members, by index: 0 the adult parent, 1 a 14-year-old, 2 a 7-year-old. */
const MEMBERS = [0, 1, 2] as const;
type MemberIndex = (typeof MEMBERS)[number];
const ADULT: MemberIndex = 0;

/**
 * Who a consent can be about, each with its one valid grantor: the adult and the 14-year-old for
 * themselves, the adult parent for the 7-year-old (also together with itself, in one consent).
 */
const SUBJECT_SETS: MemberIndex[][] = [[0], [1], [2], [0, 2]];
const grantorOf = (subjects: MemberIndex[]): MemberIndex => (subjects.length === 1 && subjects[0] === 1 ? 1 : ADULT);

const NOTE_CATEGORIES: DataCategory[] = ['NOTES', 'HEALTH', 'SAFETY', 'PLAN', 'IDENTITY'];

type Op =
  | { kind: 'consentB'; subjects: MemberIndex[]; categories: DataCategory[] }
  | { kind: 'consentA'; subjects: MemberIndex[]; categories: DataCategory[] }
  | { kind: 'revoke'; pick: number }
  | { kind: 'endAssignment' }
  | { kind: 'assign' }
  | { kind: 'observe' };

interface NoteSpec {
  category: DataCategory;
  about: MemberIndex[];
}

const categoriesArb = fc.subarray(ALL_CATEGORIES, { minLength: 1 });
const subjectsArb = fc.constantFrom(...SUBJECT_SETS);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('consentB' as const), subjects: subjectsArb, categories: categoriesArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('consentA' as const), subjects: subjectsArb, categories: categoriesArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('revoke' as const), pick: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'endAssignment' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'assign' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'observe' as const }) },
);
const noteArb: fc.Arbitrary<NoteSpec> = fc.record({
  category: fc.constantFrom(...NOTE_CATEGORIES),
  about: fc.subarray([...MEMBERS]),
});
/** Always a family-wide NOTES note, a HEALTH note about the teenager and a NOTES note about parent and child; then some random ones. */
const FIXED_NOTES: NoteSpec[] = [
  { category: 'NOTES', about: [] },
  { category: 'HEALTH', about: [1] },
  { category: 'NOTES', about: [0, 2] },
];

/** A birth date (YYYY-MM-DD) that makes someone `years` old today, some weeks past the birthday. */
function bornYearsAgo(years: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() - 40);
  date.setUTCFullYear(date.getUTCFullYear() - years);
  return date.toISOString().slice(0, 10);
}

const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort();

/** The model's memory of one recorded consent. */
interface ModelConsent {
  id: string;
  toB: boolean;
  subjects: MemberIndex[];
  categories: string[];
  active: boolean;
}

interface AuditRow {
  request_id: string;
  actor_subject: string;
  actor_user_id: string | null;
  acting_agency_id: string | null;
  entity_type: string;
  entity_ids: string[];
  family_id: string | null;
  member_ids: string[];
  legal_basis: string;
  consent_ids: string[];
}

describe('access rule (property): what a caseworker of another agency on the team sees is exactly what the consents allow', () => {
  let api: TestApi;
  let world: World;
  let sql: pg.Pool;
  let network: Network;
  let agencyA: Agency;
  let agencyB: Agency;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    sql = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
    network = await world.network();
    agencyA = await world.agency(network, 'CHILD_AND_FAMILY');
    agencyB = await world.agency(network, 'SCHOOL_GUIDANCE');
  });
  afterAll(async () => {
    await sql.end();
    await api.stop();
  });

  /** One run's world: R (agency A) registered the family, opened its plan, wrote the notes; B is on the team and W assigned. */
  interface Run {
    r: Person;
    w: Person;
    familyId: string;
    planId: string;
    memberIds: [string, string, string];
    notes: (NoteSpec & { id: string })[];
    consents: ModelConsent[];
    assigned: boolean;
    /** The current assignment of W, or its last (ended) one. */
    assignmentId: string;
    /** Every X-Request-Id W used. */
    requestIds: string[];
  }

  async function setUpRun(extraNotes: NoteSpec[]): Promise<Run> {
    const r = await world.staff(agencyA);
    const w = await world.staff(agencyB);
    const label = randomUUID().slice(0, 8);
    const { registerFamily } = await api.ok(r.subject, RegisterFamilyDocument, {
      input: {
        members: [
          parent(`Sara ${label}`, 'Prop', bornYearsAgo(35)),
          child(`Lien ${label}`, 'Prop', bornYearsAgo(14)),
          child(`Mo ${label}`, 'Prop', bornYearsAgo(7)),
        ],
      },
    });
    // No consent at all (as World.family with consentFor: []): R reads only as the author of its records.
    const familyId: string = registerFamily.id;
    const memberIds = registerFamily.members.map((m: { id: string }) => m.id) as [string, string, string];
    expect(memberIds).toHaveLength(3);
    const { openPlan } = await api.ok(r.subject, OpenPlanDocument, { input: { familyId, summary: 'Wij willen rust in huis.' } });
    const planId: string = openPlan.id;
    await api.ok(r.subject, AddPlanParticipantDocument, { input: { planId, agencyId: agencyB.id, contribution: 'Schoolbegeleiding' } });
    const notes: Run['notes'] = [];
    for (const spec of [...FIXED_NOTES, ...extraNotes]) {
      const { addNote } = await api.ok(r.subject, AddNoteDocument, {
        input: { planId, category: spec.category, body: `Notitie ${spec.category}`, memberIds: spec.about.map((i) => memberIds[i]) },
      });
      notes.push({ ...spec, id: addNote.id });
    }
    const assignmentId = await world.assign(agencyB.admin, familyId, w.userId);
    return { r, w, familyId, planId, memberIds, notes, consents: [], assigned: true, assignmentId, requestIds: [] };
  }

  async function apply(run: Run, op: Op): Promise<void> {
    switch (op.kind) {
      case 'consentA':
      case 'consentB': {
        const toB = op.kind === 'consentB';
        const grantor = run.memberIds[grantorOf(op.subjects)];
        const { recordConsent } = await api.ok(run.r.subject, RecordConsentDocument, {
          input: {
            grantorMemberId: grantor,
            subjectMemberIds: op.subjects.map((i) => run.memberIds[i]),
            recipientAgencyId: toB ? agencyB.id : agencyA.id,
            categories: op.categories,
            purposeCode: 'PLAN_COORDINATION',
            purpose: 'Samen werken aan het gezinsplan',
            method: 'WRITTEN',
            evidenceReference: `form-${randomUUID()}`,
          },
        });
        expect(recordConsent.status).toBe('ACTIVE');
        run.consents.push({ id: recordConsent.id, toB, subjects: op.subjects, categories: op.categories, active: true });
        return;
      }
      case 'revoke': {
        const active = run.consents.filter((c) => c.active);
        if (active.length === 0) return;
        const consent = active[op.pick % active.length]!;
        const revokedBy = run.memberIds[grantorOf(consent.subjects)];
        const { revokeConsent } = await api.ok(run.r.subject, RevokeConsentDocument, {
          input: { consentId: consent.id, reason: 'De familie trekt de toestemming in', revokedByMemberId: revokedBy },
        });
        expect(revokeConsent).toEqual({ id: consent.id, status: 'REVOKED' });
        consent.active = false;
        return;
      }
      case 'endAssignment': {
        const result = await api.gql(agencyB.admin.subject, EndCaseAssignmentDocument, { input: { assignmentId: run.assignmentId } });
        // Ending an assignment that already ended is refused and changes nothing.
        expect(codeOf(result)).toBe(run.assigned ? 'OK' : 'CONFLICT');
        run.assigned = false;
        return;
      }
      case 'assign': {
        const result = await api.gql(agencyB.admin.subject, AssignCaseDocument, { input: { familyId: run.familyId, userId: run.w.userId } });
        // A second active assignment of the same person is refused and changes nothing.
        expect(codeOf(result)).toBe(run.assigned ? 'CONFLICT' : 'OK');
        if (!run.assigned) run.assignmentId = result.data!.assignCase.id;
        run.assigned = true;
        return;
      }
      case 'observe':
        await observe(run);
        return;
    }
  }

  // --- the model -----------------------------------------------------------------------------------

  /** B's active consents that cover `category` for one of `members`. */
  function covering(run: Run, members: readonly MemberIndex[], category: string): ModelConsent[] {
    return run.consents.filter((c) => c.toB && c.active && c.categories.includes(category) && c.subjects.some((s) => members.includes(s)));
  }
  const holds = (run: Run, member: MemberIndex, category: string) => covering(run, [member], category).length > 0;
  const concerned = (note: NoteSpec): readonly MemberIndex[] => (note.about.length ? note.about : MEMBERS);

  interface Expected {
    /** null: the family is NOT_FOUND for W. */
    members: string[] | null;
    plan: boolean;
    /** Only reachable through a readable plan. */
    notes: string[];
    families: { id: string; members: string[] }[];
    /** What each readable record's audit entry must cite. */
    consentIdsOf: Map<string, string[]>;
  }

  function expected(run: Run): Expected {
    const consentIdsOf = new Map<string, string[]>();
    const visibleMembers = MEMBERS.filter((m) => run.assigned && holds(run, m, 'IDENTITY'));
    for (const m of visibleMembers) consentIdsOf.set(run.memberIds[m], sorted(covering(run, [m], 'IDENTITY').map((c) => c.id)));
    const plan = run.assigned && MEMBERS.some((m) => holds(run, m, 'PLAN'));
    if (plan) consentIdsOf.set(run.planId, sorted(covering(run, MEMBERS, 'PLAN').map((c) => c.id)));
    const notes = run.notes.filter((n) => plan && concerned(n).every((m) => holds(run, m, n.category)));
    for (const n of notes) consentIdsOf.set(n.id, sorted(covering(run, concerned(n), n.category).map((c) => c.id)));
    const members = visibleMembers.map((m) => run.memberIds[m]);
    return {
      members: run.assigned ? sorted(members) : null,
      plan,
      notes: sorted(notes.map((n) => n.id)),
      families: run.assigned ? [{ id: run.familyId, members: sorted(members) }] : [],
      consentIdsOf,
    };
  }

  // --- the service, as W sees it --------------------------------------------------------------------

  /** W sends `query`; returns the result and the request id it used. */
  async function asW(run: Run, query: AnyDocument, variables: Record<string, unknown> = {}) {
    const requestId = `access-prop-${randomUUID()}`;
    run.requestIds.push(requestId);
    const result: GraphQLResult = await api.gql(run.w.subject, query, variables, { 'X-Request-Id': requestId });
    return { result, requestId };
  }

  function expectNotFound(result: GraphQLResult) {
    expect(codeOf(result)).toBe('NOT_FOUND');
    expect(result.data ?? null).toBeNull();
  }

  function expectOk(result: GraphQLResult) {
    expect(result.errors).toBeUndefined();
    return result.data!;
  }

  /**
   * The READ entries under `requestId` name exactly `returnedIds`, one entry per kind of record and set of
   * members concerned (one family, one basis), each W's, under CONSENT citing the model's consents of the
   * records it names.
   */
  async function expectReadsAudited(run: Run, requestId: string, returnedIds: string[], want: Expected) {
    const { rows } = await sql.query<AuditRow>(
      `SELECT request_id, actor_subject, actor_user_id::text AS actor_user_id, acting_agency_id::text AS acting_agency_id,
              entity_type, entity_ids::text[] AS entity_ids, family_id::text AS family_id, member_ids::text[] AS member_ids, legal_basis,
              consent_ids::text[] AS consent_ids
         FROM audit_event WHERE request_id = $1 AND action = 'READ' ORDER BY seq`,
      [requestId],
    );
    expect(sorted(rows.flatMap((e) => e.entity_ids))).toEqual(sorted(returnedIds));
    const typeOf = (id: string) => (id === run.planId ? 'Plan' : run.memberIds.includes(id) ? 'FamilyMember' : 'Note');
    const groups = rows.map((e) => `${e.entity_type} ${sorted(e.member_ids).join(',')}`);
    expect(new Set(groups).size).toBe(groups.length);
    for (const entry of rows) {
      const { member_ids: _grouping, ...audited } = entry;
      expect({ ...audited, consent_ids: sorted(entry.consent_ids) }).toEqual({
        request_id: requestId,
        actor_subject: run.w.subject,
        actor_user_id: run.w.userId,
        acting_agency_id: agencyB.id,
        entity_type: typeOf(entry.entity_ids[0]!),
        entity_ids: entry.entity_ids,
        family_id: run.familyId,
        legal_basis: 'CONSENT',
        consent_ids: sorted([...new Set(entry.entity_ids.flatMap((id) => want.consentIdsOf.get(id) ?? []))]),
      });
      expect(new Set(entry.entity_ids.map(typeOf))).toEqual(new Set([entry.entity_type]));
    }
  }

  /** Reads as W through GraphQL and compares everything with the model. */
  async function observe(run: Run): Promise<void> {
    const want = expected(run);

    // plan(id): NOT_FOUND, or the plan.
    {
      const { result, requestId } = await asW(run, PlanProbeDocument, { id: run.planId });
      if (want.plan) expect(expectOk(result).plan).toEqual({ id: run.planId });
      else expectNotFound(result);
      await expectReadsAudited(run, requestId, want.plan ? [run.planId] : [], want);
    }

    // family(id) { members }: NOT_FOUND without need to know, else exactly the members with IDENTITY consent.
    {
      const { result, requestId } = await asW(run, FamilyWithMemberIdsDocument, { id: run.familyId });
      if (want.members === null) {
        expectNotFound(result);
        await expectReadsAudited(run, requestId, [], want);
      } else {
        const family = expectOk(result).family;
        expect(family.id).toBe(run.familyId);
        const got = family.members.map((m: { id: string }) => m.id);
        expect(got).toHaveLength(new Set(got).size);
        expect(sorted(got)).toEqual(want.members);
        await expectReadsAudited(run, requestId, got, want);
      }
    }

    // plan(id) { notes }: the notes every concerned member consented to, in their category.
    {
      const { result, requestId } = await asW(run, PlanNotesDocument, { id: run.planId });
      if (want.plan) {
        const plan = expectOk(result).plan;
        const got = plan.notes.map((n: { id: string }) => n.id);
        expect(got).toHaveLength(new Set(got).size);
        expect(sorted(got)).toEqual(want.notes);
        await expectReadsAudited(run, requestId, [run.planId, ...got], want);
      } else {
        expectNotFound(result);
        await expectReadsAudited(run, requestId, [], want);
      }
    }

    // families: W (a fresh user per run) works with this family only, and only while assigned.
    {
      const { result, requestId } = await asW(run, FamiliesMemberIdsDocument);
      const nodes = expectOk(result).families.edges.map((e: { node: { id: string; members: { id: string }[] } }) => e.node);
      const got = nodes.map((n: { id: string; members: { id: string }[] }) => ({ id: n.id, members: sorted(n.members.map((m) => m.id)) }));
      expect(got).toEqual(want.families);
      const returnedMembers = nodes.flatMap((n: { members: { id: string }[] }) => n.members.map((m) => m.id));
      expect(returnedMembers).toHaveLength(new Set(returnedMembers).size);
      await expectReadsAudited(run, requestId, returnedMembers, want);
    }
  }

  it(
    'after any sequence of consent and assignment changes, W reads exactly the model’s records, each audited, nothing else',
    async () => {
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(noteArb, { minLength: 0, maxLength: 4 }),
          fc.array(opArb, { minLength: 1, maxLength: 12 }),
          async (extraNotes, ops) => {
            runs++;
            const run = await setUpRun(extraNotes);
            for (const op of ops) await apply(run, op);
            await observe(run);

            // W read nothing outside the requests checked above (e.g. under another request id).
            const { rows } = await sql.query<{ n: string }>(
              `SELECT count(*)::text AS n FROM audit_event
                WHERE actor_subject = $1 AND action = 'READ' AND (request_id IS NULL OR NOT (request_id = ANY($2::text[])))`,
              [run.w.subject, run.requestIds],
            );
            expect(rows[0]!.n).toBe('0');
          },
        ),
        { numRuns: NUM_RUNS, interruptAfterTimeLimit: 240_000, markInterruptAsFailure: false },
      );
      // Shrinking aside, every generated run really ran.
      expect(runs).toBeGreaterThanOrEqual(NUM_RUNS);
    },
    300_000,
  );
});
