import { CompiledStatements } from '../src/audit/compiled-statements.js';
import { CreateReferralDocument, RecordConsentDocument, SendReferralDocument } from './graphql/generated.js';
import { CompiledPaths, integrationClientToken, type Sender } from './support/compiled-paths.js';
import { parent, type Person, World } from './support/world.js';

/**
 * The compiled reads' statements cached per shape (audit/compiled-statements.ts): a repeated request compiles
 * nothing, and what the cache keys on keeps every answer the caller's own — another selection of the same root,
 * another filter, another caller's rights (the Referral's reason under `readDetails`, decided in SQL) each get a
 * statement of their own, and every answer and audit entry is the field resolvers' (COMPILED_READS=false).
 */

const REASON = 'Sara heeft ondersteuning nodig bij de opvoeding';
const WITH_REASON = `query($id: ID!) { referral(id: $id) { id status reason } }`;
const WITH_STEPS = `query($id: ID!) { referral(id: $id) { id status transitions { version reason } toAgency { name } } }`;
const LIST = `query($direction: ReferralDirection!, $first: Int) { referrals(direction: $direction, first: $first) {
  edges { cursor node { id status reason } } pageInfo { hasNextPage endCursor } } }`;

describe('compiled statements: compiled once per shape and caller, never another caller’s or selection’s', () => {
  let paths: CompiledPaths;
  let referrer: Person;
  let colleague: Person;
  let receiver: Person;
  let receiverClient: Sender;
  let outsider: Person;
  let referralId: string;

  beforeAll(async () => {
    paths = await CompiledPaths.start();
    const world = new World(paths.compiled);
    const network = await world.network();
    const agency = await world.agency(network);
    const school = await world.agency(network, 'SCHOOL_GUIDANCE');
    referrer = await world.staff(agency);
    receiver = await world.staff(school);
    // The receiving agency's case system: status and dates, never the reason (no readDetails).
    receiverClient = await integrationClientToken(paths.compiled, school);
    outsider = await world.staff(await world.agency(await world.network()));
    const family = await world.familyWithPlan(referrer, { members: [parent('Sara', 'Wouters')] });
    colleague = await world.staff(agency);
    await world.assign(agency.admin, family.familyId, colleague.userId);
    const { createReferral } = await paths.compiled.ok(referrer.subject, CreateReferralDocument, {
      input: { planId: family.planId, toAgencyId: school.id, memberIds: family.memberIds, reason: REASON, urgency: 'ROUTINE', requestedService: 'Begeleiding' },
    });
    referralId = createReferral.id;
    await paths.compiled.ok(referrer.subject, RecordConsentDocument, {
      input: {
        grantorMemberId: family.memberIds[0]!,
        subjectMemberIds: [family.memberIds[0]!],
        recipientAgencyId: school.id,
        categories: ['REFERRAL'],
        purposeCode: 'REFERRAL',
        purpose: 'Doorverwijzing naar het CLB',
        method: 'WRITTEN',
        evidenceReference: `form-${referralId}`,
      },
    });
    await paths.compiled.ok(referrer.subject, SendReferralDocument, { input: { referralId, expectedVersion: 1 } });
  }, 240_000);

  afterAll(() => paths.stop());

  const nameOf = (who: Person | Sender) => (typeof who === 'string' ? who : 'subject' in who ? who.subject : 'integration client');

  /** Statements compiled while `work` runs, and what it returned. */
  async function compiling<T>(work: () => Promise<T>): Promise<{ compiled: number; result: T }> {
    const statements = paths.compiled.app.get(CompiledStatements);
    const before = statements.compiled;
    const result = await work();
    return { compiled: statements.compiled - before, result };
  }

  /** The request on both paths, alike in answer and audited reads; what it compiled and answered. */
  async function alike(who: Person | Sender, query: string, variables: Record<string, unknown>) {
    const sender = typeof who === 'object' && 'subject' in who ? who.subject : who;
    const { compiled, result } = await compiling(() => paths.both(sender, query, variables));
    expect({ query, who: nameOf(who), answer: result.viaCompiled }).toEqual({ query, who: nameOf(who), answer: result.viaResolvers });
    expect({ query, who: nameOf(who), audit: result.audit.compiled.records }).toEqual({ query, who: nameOf(who), audit: result.audit.resolvers.records });
    return { compiled, data: result.viaCompiled.data, code: result.viaCompiled.errors?.[0]?.extensions?.code, records: result.audit.compiled.records };
  }

  it('compiles a request once: the same request again (its own audit entry, under its own request id) compiles nothing', async () => {
    const first = await alike(referrer, WITH_REASON, { id: referralId });
    const again = await alike(referrer, WITH_REASON, { id: referralId });
    expect(first.compiled).toBe(1);
    expect(first.data).toEqual({ referral: { id: referralId, status: 'SENT', reason: REASON } });
    expect(again).toEqual({ ...first, compiled: 0 });
    // Each request's read is recorded under its own request id (CompiledPaths reads the audit by it).
    expect(again.records.length).toBeGreaterThan(0);
  });

  it('gives another selection of the same root a statement of its own, each answering its own fields', async () => {
    const withReason = await alike(referrer, WITH_REASON, { id: referralId });
    const withSteps = await alike(referrer, WITH_STEPS, { id: referralId });
    expect(withSteps.compiled).toBe(1);
    expect(withSteps.data).toEqual({ referral: { id: referralId, status: 'SENT', transitions: [{ version: 1, reason: null }, { version: 2, reason: null }], toAgency: { name: expect.any(String) } } });
    expect(await alike(referrer, WITH_REASON, { id: referralId })).toEqual({ ...withReason, compiled: 0 });
    expect((await alike(referrer, WITH_STEPS, { id: referralId })).compiled).toBe(0);
  });

  it('never answers a caller from another caller’s statement: the reason only to who holds readDetails, nothing to an outsider', async () => {
    // The callers with the right first: a cache keyed on the selection alone would then show the reason to the
    // receiver's case system, which reads status and dates only. The receiving caseworker reads it under the
    // REFERRAL consent; the referrer's colleague on the team has the referrer's kind of rules over other values.
    const shown = { referral: { id: referralId, status: 'SENT', reason: REASON } };
    const withheld = { referral: { id: referralId, status: 'SENT', reason: null } };
    // Each caller twice at least: a principal's first request reads it, the next ones find it remembered, and a
    // statement carries the check of the principal it was built for (compiled-statements.ts), so a caller may
    // compile once as read and once as remembered, never more, and never none (another caller's statement).
    const sequence: [Person | Sender, unknown][] = [
      [referrer, shown],
      [receiverClient, withheld],
      [receiver, shown],
      [colleague, 'as the resolvers'],
      [outsider, null],
      [receiverClient, withheld],
      [receiver, shown],
      [colleague, 'as the resolvers'],
      [outsider, null],
      [referrer, shown],
      [receiverClient, withheld],
    ];
    const compiledFor = new Map<string, number[]>();
    for (const [who, expected] of sequence) {
      const { data, code, compiled } = await alike(who, WITH_REASON, { id: referralId });
      if (expected === null) expect({ who: nameOf(who), code }).toEqual({ who: nameOf(who), code: 'NOT_FOUND' });
      else if (expected !== 'as the resolvers') expect({ who: nameOf(who), data }).toEqual({ who: nameOf(who), data: expected });
      compiledFor.set(nameOf(who), [...(compiledFor.get(nameOf(who)) ?? []), compiled]);
    }
    // The referrer's statements were compiled by the tests above.
    expect(compiledFor.get(referrer.subject)).toEqual([0, 0]);
    for (const who of [receiverClient, receiver, colleague, outsider]) {
      const counts = compiledFor.get(nameOf(who))!;
      const total = counts.reduce((sum, n) => sum + n, 0);
      expect({ who: nameOf(who), own: total >= 1 && total <= 2, last: counts.at(-1) }).toEqual({ who: nameOf(who), own: true, last: 0 });
    }
  });

  it('compiles a list once per filter that changes its SQL (the direction), not per value (the page size)', async () => {
    const outgoing = await alike(referrer, LIST, { direction: 'OUTGOING', first: 2 });
    expect(outgoing.data).toEqual({ referrals: { edges: [{ cursor: expect.any(String), node: { id: referralId, status: 'SENT', reason: REASON } }], pageInfo: { hasNextPage: false, endCursor: expect.any(String) } } });
    expect((await alike(referrer, LIST, { direction: 'OUTGOING', first: 5 })).compiled).toBe(0);
    const incoming = await alike(referrer, LIST, { direction: 'INCOMING', first: 2 });
    expect(incoming).toMatchObject({ compiled: 1, data: { referrals: { edges: [] } } });
    // The receiver's case system lists it incoming, without the reason, from a statement of its own.
    const received = await alike(receiverClient, LIST, { direction: 'INCOMING', first: 2 });
    expect(received).toMatchObject({ compiled: 1, data: { referrals: { edges: [{ node: { id: referralId, reason: null } }] } } });
  });
});
