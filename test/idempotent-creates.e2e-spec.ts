import { randomUUID } from 'node:crypto';
import {
  AddActionDocument,
  AddFamilyMemberDocument,
  AddGoalDocument,
  AddMembershipUserDocument,
  AddNoteDocument,
  type AddNoteInput,
  AddPlanParticipantDocument,
  AssessCapacityDocument,
  AssignCaseDocument,
  BreakGlassDocument,
  CreateAgencyDocument,
  CreateNetworkDocument,
  EndCaseAssignmentByIdDocument,
  OpenPlanDocument,
  RecordConsentDocument,
  RegisterFamilyDocument,
} from './graphql/generated.js';
import { type AnyDocument, codeOf, PLATFORM_ADMIN, TestApi, uniqueSubject } from './support/test-app.js';
import { type Agency, type FamilyWithPlan, type Network, parent, type Person, World } from './support/world.js';

/**
 * Every mutation that creates a record takes an idempotency key (docs/api.md, "Idempotency"): a repeat with the same key
 * answers the first record and writes nothing; the same key with another payload is CONFLICT and writes
 * nothing; the same key from another caller is that caller's own request.
 */
describe('idempotency keys on create mutations', () => {
  let api: TestApi;
  let world: World;
  let network: Network;
  let agency: Agency;
  let otherAdmin: Person;
  let worker: Person;
  let colleague: Person;
  let responder: Person;
  let responder2: Person;
  let partner: Agency;
  let family: FamilyWithPlan;
  let goalId: string;

  const sql = async (query: string, params: unknown[]) => api.db.query(query, params);

  /** A family of `worker` without a plan, `colleague` assigned too. */
  async function planlessFamily(): Promise<string> {
    const familyId = (await world.family(worker, [parent('Ilse', 'Maes')])).id;
    await world.assign(agency.admin, familyId, colleague.userId);
    return familyId;
  }

  interface Case {
    operation: string;
    /** The mutation, answering the created record's id. */
    document: AnyDocument;
    /** The table written and which of its rows this case can write (a clause with $1 = scope()). */
    table: string;
    where: string;
    scope: () => string;
    caller: () => Person | string;
    /** Another caller who may do the same; none for createNetwork (there is one platform admin here). */
    other?: () => Person | string;
    /** Two different payloads; `b` is what the other caller sends with the same key. */
    input: (variant: 'a' | 'b') => Promise<Record<string, unknown>> | Record<string, unknown>;
    /** The created row's id from the answer's id (addPlanParticipant answers the plan). */
    rowOf?: (resultId: string) => Promise<string>;
  }

  const subjectOf = (who: Person | string) => (typeof who === 'string' ? who : who.subject);
  const planless: Record<'a' | 'b', string> = { a: '', b: '' };

  const cases: Case[] = [
    {
      operation: 'createNetwork',
      document: CreateNetworkDocument,
      table: 'network',
      where: 'name LIKE $1',
      scope: () => `${tag}%`,
      caller: () => PLATFORM_ADMIN,
      input: (v) => ({ name: `${tag} netwerk ${v}` }),
    },
    {
      operation: 'createAgency',
      document: CreateAgencyDocument,
      table: 'agency',
      where: 'network_id = $1',
      scope: () => network.id,
      caller: () => network.coordinator,
      other: () => PLATFORM_ADMIN,
      input: (v) => ({ networkId: network.id, name: `${tag} dienst ${v}`, kind: 'CHILD_WELFARE' }),
    },
    {
      operation: 'addMembership',
      document: AddMembershipUserDocument,
      table: 'membership',
      where: 'agency_id = $1',
      scope: () => agency.id,
      caller: () => agency.admin,
      other: () => otherAdmin,
      input: (v) => ({ agencyId: agency.id, subject: `${tag}-${v}@test`, displayName: `Nieuw ${v}`, role: 'CASEWORKER' }),
    },
    {
      operation: 'assignCase',
      document: AssignCaseDocument,
      table: 'case_assignment',
      where: 'family_id = $1',
      scope: () => family.familyId,
      caller: () => agency.admin,
      other: () => otherAdmin,
      input: (v) => ({ familyId: family.familyId, userId: (v === 'a' ? responder : responder2).userId }),
    },
    {
      operation: 'registerFamily',
      document: RegisterFamilyDocument,
      table: 'family',
      where: 'registered_by_agency_id = $1',
      scope: () => agency.id,
      caller: () => worker,
      other: () => colleague,
      input: (v) => ({ members: [parent(v === 'a' ? 'Anna' : 'Bea', 'Claes')] }),
    },
    {
      operation: 'addFamilyMember',
      document: AddFamilyMemberDocument,
      table: 'family_member',
      where: 'family_id = $1',
      scope: () => family.familyId,
      caller: () => worker,
      other: () => colleague,
      input: (v) => ({ familyId: family.familyId, member: parent(v === 'a' ? 'Koen' : 'Lotte', 'Claes', '1988-02-03') }),
    },
    {
      operation: 'openPlan',
      document: OpenPlanDocument,
      table: 'plan',
      where: 'family_id = ANY($1::uuid[])',
      scope: () => `{${planless.a},${planless.b}}`,
      caller: () => worker,
      other: () => colleague,
      input: async (v) => ({ familyId: planless[v], summary: 'Rust in huis' }),
    },
    {
      operation: 'addPlanParticipant',
      document: AddPlanParticipantDocument,
      table: 'plan_participant',
      where: 'plan_id = $1',
      scope: () => family.planId,
      caller: () => worker,
      other: () => colleague,
      input: (v) => ({ planId: family.planId, agencyId: v === 'a' ? partner.id : network.coordinatingAgencyId, contribution: 'Opvoedingsondersteuning' }),
      rowOf: async () => (await sql(`SELECT id FROM plan_participant WHERE plan_id = $1 ORDER BY added_at LIMIT 1`, [family.planId]))[0].id,
    },
    {
      operation: 'addGoal',
      document: AddGoalDocument,
      table: 'goal',
      where: 'plan_id = $1',
      scope: () => family.planId,
      caller: () => worker,
      other: () => colleague,
      input: (v) => ({ planId: family.planId, lifeDomain: v === 'a' ? 'PARENTING' : 'HEALTH', description: 'Elke avond samen eten', owner: 'FAMILY' }),
    },
    {
      operation: 'addAction',
      document: AddActionDocument,
      table: 'action',
      where: 'goal_id = $1',
      scope: () => goalId,
      caller: () => worker,
      other: () => colleague,
      input: (v) => ({ goalId, title: v === 'a' ? 'Weekmenu maken' : 'Boodschappen doen', assigneeUserId: worker.userId }),
    },
    {
      operation: 'addNote',
      document: AddNoteDocument,
      table: 'note',
      where: 'plan_id = $1',
      scope: () => family.planId,
      caller: () => worker,
      other: () => colleague,
      input: (v) => ({ planId: family.planId, category: 'PLAN', body: v === 'a' ? 'Gezinsoverleg gepland' : 'Gezinsoverleg verzet' }),
    },
    {
      operation: 'recordConsent',
      document: RecordConsentDocument,
      table: 'consent',
      where: 'family_id = $1',
      scope: () => family.familyId,
      caller: () => worker,
      other: () => colleague,
      input: (v) => ({
        grantorMemberId: family.memberIds[0],
        subjectMemberIds: [family.memberIds[0]],
        recipientAgencyId: partner.id,
        categories: v === 'a' ? ['PLAN'] : ['PLAN', 'NOTES'],
        purposeCode: 'PLAN_COORDINATION',
        purpose: 'Samen werken aan het gezinsplan',
        method: 'WRITTEN',
        evidenceReference: 'formulier-17',
      }),
    },
    {
      operation: 'assessCapacity',
      document: AssessCapacityDocument,
      table: 'capacity_assessment',
      where: 'member_id = $1',
      scope: () => family.memberIds[0]!,
      caller: () => worker,
      other: () => colleague,
      input: (v) => ({ memberId: family.memberIds[0], capable: v === 'a', reason: 'Begrijpt waarvoor de hulp dient' }),
    },
    {
      operation: 'breakGlass',
      document: BreakGlassDocument,
      table: 'break_glass_grant',
      where: 'family_id = $1',
      scope: () => family.familyId,
      caller: () => responder,
      other: () => responder2,
      input: (v) => ({ familyId: family.familyId, justification: `Melding van acuut geweld; de school belde om ${v === 'a' ? 9 : 10}u.`, hours: 2 }),
    },
  ];

  const tag = `idem-${randomUUID()}`;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    network = await world.network();
    agency = await world.agency(network);
    partner = await world.agency(network);
    otherAdmin = await world.staff(agency, 'AGENCY_ADMIN');
    worker = await world.staff(agency);
    colleague = await world.staff(agency);
    responder = await world.staff(agency);
    responder2 = await world.staff(agency);
    family = await world.familyWithPlan(worker, { assign: { admin: agency.admin, userIds: [colleague.userId] } });
    const { addGoal } = await api.ok(worker.subject, AddGoalDocument, {
      input: { planId: family.planId, lifeDomain: 'PARENTING', description: 'Structuur in de week', owner: 'FAMILY' },
    });
    goalId = addGoal.id;
    planless.a = await planlessFamily();
    planless.b = await planlessFamily();
  });
  afterAll(() => api.stop());

  const rows = async (c: Case): Promise<string[]> =>
    (await sql(`SELECT id FROM ${c.table} WHERE ${c.where}`, [c.scope()])).map((r: { id: string }) => r.id);
  const auditInserts = async (table: string, id: string): Promise<number> =>
    Number((await sql(`SELECT count(*) AS n FROM audit_event WHERE action = 'INSERT' AND entity_type = $1 AND entity_id = $2`, [table, id]))[0].n);

  describe.each(cases.map((c) => [c.operation, c] as const))('%s', (operation, c) => {
    const send = async (who: Person | string, variant: 'a' | 'b', key: string) =>
      api.gql(subjectOf(who), c.document, { input: { ...(await c.input(variant)), idempotencyKey: key } });

    it('the same key twice: the same record, written once and audited once; another payload: CONFLICT, nothing written; another caller: its own request', async () => {
      const key = `key-${randomUUID()}`;
      const before = await rows(c);
      const first = await send(c.caller(), 'a', key);
      expect(codeOf(first)).toBe('OK');
      const again = await send(c.caller(), 'a', key);
      expect(codeOf(again)).toBe('OK');
      const id: string = first.data![operation].id;
      expect(again.data![operation].id).toBe(id);
      const written = (await rows(c)).filter((r) => !before.includes(r));
      expect(written).toHaveLength(1);
      const rowId = c.rowOf ? await c.rowOf(id) : id;
      expect(written).toEqual([rowId]);
      expect(await auditInserts(c.table, rowId)).toBe(1);

      const other = await send(c.caller(), 'b', key);
      expect(codeOf(other)).toBe('CONFLICT');
      expect((await rows(c)).length).toBe(before.length + 1);

      if (!c.other) return;
      const theirs = await send(c.other(), 'b', key);
      expect(codeOf(theirs)).toBe('OK');
      // addPlanParticipant answers the plan: its own participant row shows in the count below.
      if (!c.rowOf) expect(theirs.data![operation].id).not.toBe(id);
      expect((await rows(c)).length).toBe(before.length + 2);
      // Each caller's repeat still finds its own.
      expect((await send(c.other(), 'b', key)).data![operation].id).toBe(theirs.data![operation].id);
      expect((await send(c.caller(), 'a', key)).data![operation].id).toBe(id);
      expect((await rows(c)).length).toBe(before.length + 2);
    });
  });

  it('a repeat shows the record under the caller’s current rights: a caseworker no longer assigned gets NOT_FOUND', async () => {
    const key = `key-${randomUUID()}`;
    const outsider = await world.staff(agency);
    const assignmentId = await world.assign(agency.admin, family.familyId, outsider.userId);
    const input: AddNoteInput = { planId: family.planId, category: 'PLAN', body: 'Eerste notitie', idempotencyKey: key };
    expect(codeOf(await api.gql(outsider.subject, AddNoteDocument, { input }))).toBe('OK');
    await api.ok(agency.admin.subject, EndCaseAssignmentByIdDocument, { id: assignmentId });
    expect(codeOf(await api.gql(outsider.subject, AddNoteDocument, { input }))).toBe('NOT_FOUND');
  });

  it('concurrent repeats of registerFamily with one key: all answer the same family, registered once', async () => {
    const key = `burst-${randomUUID()}`;
    const mutation = RegisterFamilyDocument;
    const before = await sql(`SELECT count(*)::int AS n FROM family WHERE registered_by_agency_id = $1`, [agency.id]);
    const input = { members: [parent('Dora', 'Wouters')], idempotencyKey: key };
    const results = await Promise.all(Array.from({ length: 6 }, () => api.gql(worker.subject, mutation, { input })));
    expect(results.map(codeOf)).toEqual(Array(6).fill('OK'));
    expect(new Set(results.map((r) => r.data!.registerFamily.id)).size).toBe(1);
    const after = await sql(`SELECT count(*)::int AS n FROM family WHERE registered_by_agency_id = $1`, [agency.id]);
    expect(after[0].n).toBe(before[0].n + 1);
  });

  it('a key costs a constant number of statements, and none without one', async () => {
    const mutation = AddNoteDocument;
    const input: AddNoteInput = { planId: family.planId, category: 'PLAN', body: 'Tellen' };
    const without = await api.countStatements(() => api.ok(worker.subject, mutation, { input }));
    expect(await api.countStatements(() => api.ok(worker.subject, mutation, { input }))).toBe(without);
    const key = `cost-${randomUUID()}`;
    // The first time: the key is claimed and its result recorded.
    expect(await api.countStatements(() => api.ok(worker.subject, mutation, { input: { ...input, idempotencyKey: key } }))).toBe(without + 2);
    // A repeat: the claim, the first result's id and the audited re-read instead of the whole create.
    const repeat = await api.countStatements(() => api.ok(worker.subject, mutation, { input: { ...input, idempotencyKey: key } }));
    expect(repeat).toBeLessThan(without);
  });

  it('keys are not needed: without one, each request creates', async () => {
    const mutation = AddNoteDocument;
    const input: AddNoteInput = { planId: family.planId, category: 'PLAN', body: `Zonder sleutel ${uniqueSubject('n')}` };
    const a = await api.ok(worker.subject, mutation, { input });
    const b = await api.ok(worker.subject, mutation, { input });
    expect(a.addNote.id).not.toBe(b.addNote.id);
  });
});
