import fc from 'fast-check';
import pg from 'pg';
import request from 'supertest';
import { CLIENT_CODES } from '../src/graphql/graphql-options.js';
import { type ScratchDatabase, scratchDatabase } from './support/scratch-database.js';
import { TestApi } from './support/test-app.js';
import { type FamilyWithPlan, type Person, World } from './support/world.js';

/**
 * Issue 7, point 2: malformed and random operations, variables and bodies — wrong types, huge strings,
 * unicode, nulls, negative and huge page sizes, forged cursors, ids of another network's records — from
 * a caseworker of network B against the records of network A. Whatever arrives: never a 5xx, every error
 * carries a code we document, nothing internal in the answer, and the database as it was.
 *
 * Its own database, so that "as it was" is not disturbed by the test files running beside it.
 */

/** What formatError lets through, and the body parser's own refusal. */
const KNOWN_CODES = new Set([...CLIENT_CODES, 'PAYLOAD_TOO_LARGE']);

/** What a stack trace, a file or SQL looks like in an answer. */
const INTERNALS = /stacktrace|node_modules|\.[jt]s:\d+|\bat [\w.<>]+ \(|SELECT .+ FROM|INSERT INTO|violates .+ constraint|relation ".+"|QueryFailedError/i;

const OPERATIONS: { query: string; fields: string[] }[] = [
  { query: 'query($id: ID!) { family(id: $id) { id members { id givenName } plan { id } } }', fields: ['id'] },
  { query: 'query($id: ID!) { plan(id: $id) { id goals { id actions { id } } notes { id } } }', fields: ['id'] },
  { query: 'query($id: ID!) { referral(id: $id) { id status } }', fields: ['id'] },
  { query: 'query($first: Int, $after: String) { families(first: $first, after: $after) { edges { cursor } pageInfo { endCursor } } }', fields: ['first', 'after'] },
  { query: 'query($familyId: ID!, $first: Int, $after: String) { accessLog(familyId: $familyId, first: $first, after: $after) { edges { cursor } } }', fields: ['familyId', 'first', 'after'] },
  { query: 'query($d: ReferralDirection!, $first: Int, $after: String) { referrals(direction: $d, first: $first, after: $after) { edges { cursor } } }', fields: ['d', 'first', 'after'] },
  { query: 'mutation($input: AddGoalInput!) { addGoal(input: $input) { id } }', fields: ['input'] },
  { query: 'mutation($input: AddActionInput!) { addAction(input: $input) { id } }', fields: ['input'] },
  { query: 'mutation($input: AddNoteInput!) { addNote(input: $input) { id } }', fields: ['input'] },
  { query: 'mutation($input: AssignCaseInput!) { assignCase(input: $input) { id } }', fields: ['input'] },
  { query: 'mutation($input: BreakGlassInput!) { breakGlass(input: $input) { id } }', fields: ['input'] },
  { query: 'mutation($input: CreateReferralInput!) { createReferral(input: $input) { id } }', fields: ['input'] },
  { query: 'mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }', fields: ['input'] },
  { query: 'mutation($input: OpenPlanInput!) { openPlan(input: $input) { id } }', fields: ['input'] },
  { query: 'mutation($input: ProposeFamilyMergeInput!) { proposeFamilyMerge(input: $input) { id } }', fields: ['input'] },
  { query: 'mutation($input: ConfirmFamilyMergeInput!) { confirmFamilyMerge(input: $input) { id } }', fields: ['input'] },
  { query: 'mutation($input: WithdrawFamilyMergeInput!) { withdrawFamilyMerge(input: $input) { id } }', fields: ['input'] },
  { query: 'mutation($input: DeclineFamilyMergeInput!) { declineFamilyMerge(input: $input) { id } }', fields: ['input'] },
  { query: 'query($familyId: ID!) { familyMergeProposals(familyId: $familyId) { id } }', fields: ['familyId'] },
  { query: 'mutation($input: WithdrawFamilyMoveInput!) { withdrawFamilyMove(input: $input) { planVersion } }', fields: ['input'] },
  { query: 'mutation($input: UpdateFamilyMemberInput!) { updateFamilyMember(input: $input) { id } }', fields: ['input'] },
  { query: 'mutation($input: RecordBirthInput!) { recordBirth(input: $input) { id } }', fields: ['input'] },
  { query: 'mutation($input: MemberLeftHouseholdInput!) { memberLeftHousehold(input: $input) { id } }', fields: ['input'] },
  { query: 'mutation($input: DeclineMemberCorrectionInput!) { declineMemberCorrection(input: $input) { id } }', fields: ['input'] },
  { query: 'query($memberId: ID!) { familyMemberHistory(memberId: $memberId) { id } }', fields: ['memberId'] },
];

describe('fuzzing the API with hostile input', () => {
  let scratch: ScratchDatabase;
  let api: TestApi;
  let db: pg.Client;
  let intruder: Person;
  let victim: FamilyWithPlan & { agencyId: string; userId: string };
  let before: Record<string, unknown>;
  let tokens: Record<'intruder' | 'garbage', string>;

  beforeAll(async () => {
    scratch = await scratchDatabase('fuzz');
    api = await TestApi.start({ DATABASE_URL: scratch.url });
    db = new pg.Client({ connectionString: scratch.url });
    await db.connect();
    const world = new World(api);
    const networkA = await world.network();
    const agencyA = await world.agency(networkA);
    const caseworkerA = await world.staff(agencyA);
    victim = { ...(await world.familyWithPlan(caseworkerA)), agencyId: agencyA.id, userId: caseworkerA.userId };
    intruder = await world.staff(await world.agency(await world.network()));
    tokens = { intruder: await TestApi.token(intruder.subject), garbage: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' };
    before = await snapshot(db);
  }, 120_000);

  afterAll(async () => {
    await db.end();
    await api.stop();
    await scratch.drop();
  });

  // ---- arbitraries -------------------------------------------------------------------------------

  const huge = fc.constantFrom('x'.repeat(20_000), '😀'.repeat(10_001), '\u0000'.repeat(1000), 'ä'.repeat(5000));
  const unicode = fc.string({ unit: 'grapheme', maxLength: 40 });
  const scalar = fc.oneof(fc.string(), unicode, huge, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
  const anything = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string(), scalar, { maxKeys: 3 }));
  const base64Garbage = fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes).toString('base64'));
  const foreignId = () => fc.constantFrom(victim.familyId, victim.planId, victim.agencyId, victim.userId, ...victim.memberIds);
  const id = () => fc.oneof(foreignId(), fc.uuid(), base64Garbage, unicode, fc.constant(''), anything);
  const cursor = () =>
    fc.oneof(base64Garbage, fc.oneof(foreignId(), fc.uuid(), fc.string()).map((v) => Buffer.from(`id:${v}`).toString('base64url')), anything);
  const first = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(-1, 0, 101, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 1e20), anything);
  const text = fc.oneof(fc.string(), unicode, huge, anything);
  const enumish = (...values: string[]) => fc.oneof(fc.constantFrom(...values), anything);
  const date = fc.oneof(fc.constantFrom('2026-02-30', '0000-00-00', '9999-99-99', '2026-01-01T00:00:00Z'), text);

  /** An input object: each field hostile, optional fields sometimes left out, sometimes an extra one. */
  const input = (fields: Record<string, fc.Arbitrary<unknown>>) =>
    fc.oneof({ weight: 5, arbitrary: fc.record(fields, { requiredKeys: [] }) }, { weight: 1, arbitrary: anything });

  const variables = (): Record<string, fc.Arbitrary<unknown>> => ({
    id: id(),
    familyId: id(),
    memberId: id(),
    first,
    after: cursor(),
    d: enumish('INCOMING', 'OUTGOING'),
    input: input({
      planId: id(),
      goalId: id(),
      familyId: id(),
      survivingFamilyId: id(),
      absorbedFamilyId: id(),
      mergeId: id(),
      expectedVersion: first,
      userId: id(),
      toAgencyId: id(),
      grantorMemberId: id(),
      memberId: id(),
      requestId: id(),
      givenName: text,
      familyName: text,
      birthDate: date,
      leftOn: date,
      memberIds: fc.oneof(fc.array(id(), { maxLength: 3 }), anything),
      subjectMemberIds: fc.oneof(fc.array(id(), { maxLength: 3 }), anything),
      recipientAgencyId: id(),
      lifeDomain: enumish('EDUCATION', 'HEALTH', 'SAFETY'),
      owner: enumish('FAMILY', 'AGENCY'),
      category: enumish('PLAN', 'NOTES', 'HEALTH'),
      categories: fc.oneof(fc.array(enumish('PLAN', 'REFERRAL'), { maxLength: 3 }), anything),
      urgency: enumish('NORMAL', 'URGENT'),
      method: enumish('WRITTEN', 'VERBAL', 'FAMILY_PORTAL'),
      description: text,
      title: text,
      body: text,
      summary: text,
      reason: text,
      justification: text,
      purpose: text,
      purposeCode: text,
      requestedService: text,
      evidenceReference: text,
      dueDate: date,
      hours: first,
      idempotencyKey: text,
    }),
  });

  const caller = fc.constantFrom<'intruder' | 'garbage' | null>('intruder', 'intruder', 'intruder', 'garbage', null);

  // ---- the checks --------------------------------------------------------------------------------

  async function send(body: string | object, who: 'intruder' | 'garbage' | null): Promise<request.Response> {
    const req = request(api.app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
    if (who) req.set('Authorization', `Bearer ${tokens[who]}`);
    return req.send(body);
  }

  function expectHandled(res: request.Response, mutation: boolean) {
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toMatch(INTERNALS);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.body as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
    for (const error of body.errors ?? []) expect([...KNOWN_CODES]).toContain(error.extensions?.code);
    if (res.status !== 200) expect(body.errors?.length).toBeGreaterThan(0);
    // Nothing of network A may be changed from network B, or by no one.
    if (mutation) expect(Object.values(body.data ?? {}).filter((v) => v !== null)).toEqual([]);
  }

  it('operations with hostile variables', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPERATIONS), fc.record(variables(), { requiredKeys: [] }), caller, async (op, vars, who) => {
        const res = await send({ query: op.query, variables: vars }, who);
        expectHandled(res, op.query.startsWith('mutation'));
      }),
      { numRuns: 250 },
    );
  }, 120_000);

  it('garbled and random documents', async () => {
    const garbled = fc
      .tuple(fc.constantFrom(...OPERATIONS.map((o) => o.query)), fc.nat(), fc.nat({ max: 20 }), fc.oneof(fc.string({ maxLength: 5 }), unicode, fc.constantFrom('{', '}', '(', '$', '@', '...', '#', '"', '\\')))
      .map(([query, at, cut, insert]) => query.slice(0, at % query.length) + insert + query.slice((at % query.length) + cut));
    const document = fc.oneof(garbled, fc.string(), unicode, fc.string({ unit: 'binary', maxLength: 200 }));
    await fc.assert(
      fc.asyncProperty(document, fc.record(variables(), { requiredKeys: [] }), caller, async (query, vars, who) => {
        expectHandled(await send({ query, variables: vars }, who), /mutation/.test(query));
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('malformed request bodies', async () => {
    const body = fc.oneof(
      fc.string().map((s) => `{"query": ${s}`),
      fc.json(),
      fc.record({ query: anything, variables: anything, operationName: anything, extensions: anything }, { requiredKeys: [] }),
      fc.constantFrom('', 'null', '[]', '{"query": "{ me { subject } }", "variables": "[]"}', '{"query": "query($a: Int) { me { subject } }", "variables": {"a": 1e400}}'),
    );
    await fc.assert(
      fc.asyncProperty(body, caller, async (payload, who) => {
        expectHandled(await send(typeof payload === 'string' ? payload : (payload as object), who), false);
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('leaves the database as it was (read audit aside)', async () => {
    expect(await snapshot(db)).toEqual(before);
  });
});

/**
 * Per table a row count and a checksum of its rows; of the audit trail, the writes only (reads are audited
 * by design, and the chain that links entries, audit_chain and its queue, grows with them).
 */
async function snapshot(db: pg.Client): Promise<Record<string, unknown>> {
  const { rows: tables } = await db.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('audit_event', 'audit_chain', 'audit_unchained') ORDER BY tablename`,
  );
  const result: Record<string, unknown> = {};
  for (const { name } of tables) {
    const { rows } = await db.query(`SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS checksum FROM "${name}" t`);
    result[name] = rows[0];
  }
  const { rows } = await db.query(`SELECT count(*)::int AS rows FROM audit_event WHERE action <> 'READ'`);
  result['audit_event (writes)'] = rows[0];
  return result;
}
