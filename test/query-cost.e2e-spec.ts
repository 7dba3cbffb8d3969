import { FAMILIES_QUERY, PLAN_QUERY } from '../bench/operations.js';
import { AddActionDocument, AddGoalDocument } from './graphql/generated.js';
import { TestApi } from './support/test-app.js';
import { type Agency, type Network, parent, parentWithTwoChildren, type Person, World } from './support/world.js';

/**
 * The number of SQL statements of a read does not grow with the number of rows: nested fields are
 * loaded in one batched, policy-filtered query per field (DataLoader), never one query per parent.
 * Requests run one after the other: countStatements reads a global counter.
 *
 * The count is bounded by the query's shape, but not always exactly the same for one query: when two
 * fields reach the same loader (User, Agency) from different branches, DataLoader batches them only if
 * both branches' parent rows arrive in the same tick, which depends on database round trips (observed:
 * the same families query on the same data costs 10 or 11 statements). So each read is measured a few
 * times and every measurement must stay within the bound of its shape: one statement per resolver site,
 * whatever the number of rows. One query per parent row would cost 30+ more for 32 families.
 */

const UPDATE_PLAN = `mutation($input: UpdatePlanInput!) { updatePlan(input: $input) { id } }`;
const HAND_OVER = `mutation($input: HandOverTrajectorySupportInput!) { handOverTrajectorySupport(input: $input) { id } }`;
const CONFIRM = `mutation($input: ConfirmSupportHandoverInput!) { confirmSupportHandover(input: $input) { id } }`;

const FAMILIES = `{
  families(first: 50) {
    edges { node {
      id
      members { id givenName email phone }
      caseAssignments { user { id displayName } agency { name } }
      plan { id status supporter { user { id } } participants { agency { id } } }
    } }
  }
}`;

/** principal, families, members, their contact details, caseAssignments, plan, supporters, participants; User ×2 sites, Agency ×2 sites. */
const FAMILIES_SITES = { min: 10, max: 12 };

const PLAN = `query($id: ID!) {
  plan(id: $id) {
    family { members { id } }
    supporter { user { displayName } }
    participants { agency { name } }
    history(first: 50) { edges { node { change actor { id } } } }
  }
}`;

/** Compiled (families/family-read.ts): the family and its members in one statement, the principal checked in it. */
const FAMILY = `query($id: ID!) { family(id: $id) { id createdAt members { id givenName familyName birthDate version } } }`;

/** principal, plan, family, members, supporters, participants, history; User ×2 sites, Agency ×1. */
const PLAN_SITES = { min: 8, max: 10 };
const INBOX = `{
  inbox(first: 50) {
    edges { node { id kind text occurredAt read about { type id } family { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const RECORD_CONSENT = `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`;
const REVOKE_CONSENT = `mutation($input: RevokeConsentInput!) { revokeConsent(input: $input) { id } }`;
const BREAK_GLASS = `mutation($input: BreakGlassInput!) { breakGlass(input: $input) { id } }`;
const CREATE_REFERRAL = `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id version } }`;
const REFERRAL_STEP = (step: string) => `mutation($input: ${step[0]!.toUpperCase()}${step.slice(1)}Input!) { ${step}(input: $input) { id version } }`;

const RUNS = 3;

/** Building 30 families with plans through the API takes a while. */
const SLOW = 180_000;

describe('query cost: statements per request do not grow with the rows', () => {
  let api: TestApi;
  let world: World;
  let network: Network;
  let agency: Agency;
  let partners: Agency[];

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    network = await world.network();
    agency = await world.agency(network);
    partners = [await world.agency(network, 'SCHOOL_GUIDANCE'), await world.agency(network, 'MENTAL_HEALTH'), await world.agency(network)];
  }, SLOW);
  afterAll(() => api.stop());

  /** Statement counts of `runs` sequential requests, and the data of the last one. */
  async function measure(subject: string, query: string, variables: Record<string, unknown> = {}, runs = RUNS) {
    const counts: number[] = [];
    let data: any;
    for (let i = 0; i < runs; i++) counts.push(await api.countStatements(async () => (data = await api.ok(subject, query, variables))));
    return { counts, data };
  }

  const expectWithin = (counts: number[], sites: { min: number; max: number }) => {
    for (const count of counts) {
      expect(count).toBeGreaterThanOrEqual(sites.min);
      expect(count).toBeLessThanOrEqual(sites.max);
    }
  };

  /**
   * A compiled read is ONE statement once the caller's principal is remembered (its check is part of the
   * statement: src/auth/principal-check.ts); the caller's first request with its headers reads it first.
   */
  const expectCompiled = (counts: number[]) => {
    expect(counts[0]).toBeLessThanOrEqual(2);
    expect(counts.slice(1)).toEqual(counts.slice(1).map(() => 1));
  };

  /** A family of three with an open plan, `worker` its supporter and `partnerCount` agencies on the team. */
  const familyWithPlan = (worker: Person, label: string, partnerCount: number) =>
    world.familyWithPlan(worker, {
      members: parentWithTwoChildren(label),
      summary: `Plan ${label}`,
      supporter: worker,
      participants: partners.slice(0, partnerCount).map((partner) => ({ agencyId: partner.id, contribution: `Hulp ${label}` })),
    });

  it('families(first: 50) with members, assignments, plan, supporter and team: 2 families vs 32', async () => {
    const worker = await world.staff(agency);
    const colleague = await world.staff(agency);
    const volunteer = await world.staff(agency, 'VOLUNTEER');
    const first = await familyWithPlan(worker, 'a', 1);
    await familyWithPlan(worker, 'b', 0);
    // Several assignments (users and agencies) per family, as there will be later.
    await world.assign(agency.admin, first.familyId, colleague.userId);
    await world.assign(agency.admin, first.familyId, volunteer.userId);

    const small = await measure(worker.subject, FAMILIES);
    expect(small.data.families.edges).toHaveLength(2);
    // Compiled: the benchmark's page.
    const smallCompiled = await measure(worker.subject, FAMILIES_QUERY);

    for (let i = 0; i < 30; i++) {
      const { familyId } = await familyWithPlan(worker, `n${i}`, i % 4);
      if (i % 3 === 0) await world.assign(agency.admin, familyId, colleague.userId);
      if (i % 5 === 0) await world.assign(agency.admin, familyId, volunteer.userId);
    }

    const large = await measure(worker.subject, FAMILIES);
    const nodes = large.data.families.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(32);
    // The data is really there (so the loaders did run for every family).
    expect(nodes.every((n: any) => n.members.length === 3 && n.plan?.supporter?.user.id === worker.userId)).toBe(true);
    expect(nodes.reduce((sum: number, n: any) => sum + n.caseAssignments.length, 0)).toBe(4 + 30 + 10 + 6); // first two: 3 + 1; then the worker, colleague, volunteer
    expect(nodes.reduce((sum: number, n: any) => sum + n.plan.participants.length, 0)).toBe(1 + 43); // Σ i % 4 for i < 30

    // And one family, of one member, then of three.
    const single = await world.family(worker, [parent('Jan', 'Claes', '1985-01-01')]);
    const oneMember = await measure(worker.subject, FAMILY, { id: single.id });
    const largeCompiled = await measure(worker.subject, FAMILIES_QUERY);
    const threeMembers = await measure(worker.subject, FAMILY, { id: first.familyId });
    expect(smallCompiled.data.families.edges).toHaveLength(2);
    expect(largeCompiled.data.families.edges).toHaveLength(33);
    expect(largeCompiled.data.families.edges.every((e: any) => e.node.members.length > 0)).toBe(true);
    expect([oneMember.data.family.members.length, threeMembers.data.family.members.length]).toEqual([1, 3]);

    console.log(`families(first: 50): statements for 2 families [${small.counts}], for 32 families [${large.counts}]`);
    // 16 times the rows, the same bound.
    expectWithin(small.counts, FAMILIES_SITES);
    expectWithin(large.counts, FAMILIES_SITES);
    // Compiled: one statement (the principal remembered and checked in it), for 3 families as for 33, for one member as for three.
    for (const { counts } of [smallCompiled, largeCompiled, oneMember, threeMembers]) expectCompiled(counts);
  }, SLOW);

  it('plan(id) with family, supporter, team and history(first: 50): 1 and 3 history entries vs 12', async () => {
    const worker = await world.staff(agency);
    const successor = await world.staff(agency);

    // A plan just opened: one history entry, no supporter, no team yet.
    const fresh = await world.familyWithPlan(worker, { members: [parent('Jan', 'Claes', '1985-01-01')], summary: 'Net geopend' });
    // The smallest plan with every nested field non-empty: supporter and one agency (three entries).
    const small = await familyWithPlan(worker, 'small', 1);
    // A busy plan: three agencies on the team, updates and a handover to another caseworker (12 entries).
    const busy = await familyWithPlan(worker, 'busy', 3);
    for (let i = 0; i < 4; i++) {
      await api.ok(worker.subject, UPDATE_PLAN, { input: { planId: busy.planId, summary: `Bijgewerkt ${i}` } });
    }
    await world.assign(agency.admin, busy.familyId, successor.userId);
    await api.ok(worker.subject, HAND_OVER, { input: { planId: busy.planId, toUserId: successor.userId } });
    await api.ok(worker.subject, CONFIRM, {
      input: { planId: busy.planId, confirmedByMemberId: busy.memberIds[0], method: 'WRITTEN', evidenceReference: 'form-1' },
    });
    // The new supporter updates the plan too: the history names two actors.
    await api.ok(successor.subject, UPDATE_PLAN, { input: { planId: busy.planId, summary: 'Bijgewerkt door de nieuwe begeleider' } });

    const read = async (planId: string) => {
      const { counts, data } = await measure(worker.subject, PLAN, { id: planId });
      return { plan: data.plan, counts, entries: data.plan.history.edges.length as number };
    };
    const one = await read(fresh.planId);
    const three = await read(small.planId);
    const many = await read(busy.planId);

    expect(one.plan.history.edges.map((e: any) => e.node.change)).toEqual(['PLAN_OPENED']);
    expect(one.plan).toMatchObject({ supporter: null, participants: [], family: { members: [{ id: expect.any(String) }] } });
    expect(three.entries).toBe(3);
    expect(three.plan.participants).toHaveLength(1);
    expect(many.entries).toBe(12);
    expect(new Set(many.plan.history.edges.map((e: any) => e.node.actor.id))).toEqual(new Set([worker.userId, successor.userId]));
    expect(many.plan.participants).toHaveLength(3);
    expect(many.plan.family.members).toHaveLength(3);
    expect(many.plan.supporter).toEqual({ user: { displayName: 'Test CASEWORKER' } });

    console.log(
      `plan(id): statements for 1 history entry (no supporter, no team) [${one.counts}], ` +
        `for 3 entries (supporter, 1 agency) [${three.counts}], for 12 entries (3 agencies, 2 actors) [${many.counts}]`,
    );
    // 12 entries, 3 agencies and 2 actors: the same bound as 1 or 3 entries.
    for (const read of [one, three, many]) expectWithin(read.counts, PLAN_SITES);
  }, SLOW);

  it('plan(id) compiled (the benchmark’s shape: team, goals, actions): one statement, 0 goals vs 12 with 36 actions', async () => {
    const worker = await world.staff(agency);
    const empty = await familyWithPlan(worker, 'leeg', 1);
    const busy = await familyWithPlan(worker, 'druk', 3);
    for (let i = 0; i < 12; i++) {
      const { addGoal } = await api.ok(worker.subject, AddGoalDocument, {
        input: { planId: busy.planId, lifeDomain: i % 2 ? 'HOUSING' : 'EDUCATION', description: `Doel ${i}`, owner: 'FAMILY' },
      });
      for (let j = 0; j < 3; j++) await api.ok(worker.subject, AddActionDocument, { input: { goalId: addGoal.id, title: `Stap ${j}`, assigneeUserId: worker.userId } });
    }
    const small = await measure(worker.subject, PLAN_QUERY, { id: empty.planId });
    const large = await measure(worker.subject, PLAN_QUERY, { id: busy.planId });
    expect(small.data.plan).toMatchObject({ goals: [], participants: [{}], supporter: { user: { id: worker.userId } } });
    expect(large.data.plan.goals).toHaveLength(12);
    expect(large.data.plan.goals.flatMap((g: any) => g.actions)).toHaveLength(36);
    expect(large.data.plan.participants).toHaveLength(3);

    console.log(`plan(id) compiled: statements for no goals [${small.counts}], for 12 goals and 36 actions [${large.counts}]`);
    // The principal, then the compiled statement (the resolvers' path takes 8: PLAN_QUERY's sites).
    for (const counts of [small.counts, large.counts]) expectCompiled(counts);
  }, SLOW);

  it('inbox(first: 50) with family and record: 5 items, one of each kind of record, vs 29', async () => {
    const supporter = await world.staff(agency);
    const second = await world.staff(agency);
    const colleague = await world.staff(agency);
    const intake = await world.staff(partners[0]!);
    const { familyId, planId, memberIds } = await world.familyWithPlan(supporter, {
      members: [parent('Els', 'Wouters', '1988-05-05')],
      supporter,
      assign: { admin: agency.admin, userIds: [second.userId, colleague.userId] },
    });
    const els = memberIds[0]!;
    /** A consent of Els recorded and withdrawn by the colleague: an item for the supporter. */
    const consentWithdrawn = async (recipientAgencyId: string, withdraw = true) => {
      const { recordConsent } = await api.ok(colleague.subject, RECORD_CONSENT, {
        input: {
          grantorMemberId: els, subjectMemberIds: [els], recipientAgencyId, categories: ['PLAN', 'REFERRAL'],
          purposeCode: 'PLAN_COORDINATION', purpose: 'Samenwerken', method: 'WRITTEN', evidenceReference: 'form',
        },
      });
      if (withdraw) await api.ok(colleague.subject, REVOKE_CONSENT, { input: { consentId: recordConsent.id, reason: 'Liever niet', revokedByMemberId: els } });
    };
    /** The supporter hands over to `to` and the colleague records the family's agreement: an item for the other one. */
    const handOver = async (from: Person, to: Person) => {
      await api.ok(from.subject, HAND_OVER, { input: { planId, toUserId: to.userId } });
      await api.ok(colleague.subject, CONFIRM, { input: { planId, confirmedByMemberId: els, method: 'WRITTEN', evidenceReference: 'form' } });
    };

    // One of each: a referral she made taken in by the receiver, a consent withdrawn, a handover, a break-glass.
    await consentWithdrawn(partners[0]!.id, false);
    const { createReferral } = await api.ok(supporter.subject, CREATE_REFERRAL, {
      input: { planId, toAgencyId: partners[0]!.id, memberIds: [els], reason: 'Schulden', urgency: 'ROUTINE', requestedService: 'Budgetbegeleiding' },
    });
    const sent = await api.ok(supporter.subject, REFERRAL_STEP('sendReferral'), { input: { referralId: createReferral.id, expectedVersion: createReferral.version } });
    await api.ok(intake.subject, REFERRAL_STEP('receiveReferral'), { input: { referralId: createReferral.id, expectedVersion: sent.sendReferral.version } });
    await consentWithdrawn(partners[1]!.id);
    await handOver(supporter, second);
    await handOver(second, supporter);
    await api.ok(colleague.subject, BREAK_GLASS, { input: { familyId, justification: 'Acute melding van de school.', hours: 1 } });
    const small = await measure(supporter.subject, INBOX);
    const kinds = (data: any) => data.inbox.edges.map((e: any) => e.node.kind).sort();
    // Two handovers: she stepped back, then took over again.
    expect(kinds(small.data)).toEqual(['BREAK_GLASS_USED', 'CONSENT_WITHDRAWN', 'REFERRAL_STATUS_CHANGED', 'SUPPORT_HANDED_OVER', 'SUPPORT_HANDED_OVER']);

    for (let i = 0; i < 24; i++) await consentWithdrawn(partners[i % partners.length]!.id);
    const large = await measure(supporter.subject, INBOX);
    expect(large.data.inbox.edges).toHaveLength(29);
    expect(large.data.inbox.edges.every((e: any) => e.node.family?.id === familyId)).toBe(true);

    console.log(`inbox(first: 50): statements for 5 items [${small.counts}], for 29 items [${large.counts}]`);
    // Compiled (inbox/inbox-read.ts): the page, its records' audit and families in one statement, the principal checked in it.
    for (const counts of [small.counts, large.counts]) expectCompiled(counts);
  }, SLOW);
  it('referrals(OUTGOING) and referral(id) compiled, with agencies, steps and meetings: one statement, 1 referral vs 9', async () => {
    const referrer = await world.agency(network);
    const worker = await world.staff(referrer);
    const { planId, memberIds } = await world.familyWithPlan(worker, { members: parentWithTwoChildren('verwezen') });
    const refer = async () =>
      (await api.ok(worker.subject, CREATE_REFERRAL, {
        input: { planId, toAgencyId: partners[0]!.id, memberIds: [memberIds[0]], reason: 'Schulden', urgency: 'ROUTINE', requestedService: 'Budgetbegeleiding' },
      })).createReferral.id as string;
    const LIST = `{ referrals(direction: OUTGOING, first: 50) { edges { cursor node { id status reason dueAt fromAgency { id } toAgency { name }
      transitions { version reason actorAgency { id } } handoverMeetings { state location } } } pageInfo { hasNextPage endCursor } } }`;
    const ONE = `query($id: ID!) { referral(id: $id) { id status reason transitions { version at } fromAgency { name } } }`;
    const first = await refer();
    const small = await measure(worker.subject, LIST);
    const one = await measure(worker.subject, ONE, { id: first });
    for (let i = 0; i < 8; i++) await refer();
    const large = await measure(worker.subject, LIST);
    expect(small.data.referrals.edges).toHaveLength(1);
    expect(large.data.referrals.edges).toHaveLength(9);
    expect(one.data.referral).toMatchObject({ id: first, reason: 'Schulden', transitions: [{ version: 1 }] });

    console.log(`referrals(OUTGOING) compiled: statements for 1 referral [${small.counts}], for 9 [${large.counts}]; referral(id) [${one.counts}]`);
    for (const counts of [small.counts, large.counts, one.counts]) expectCompiled(counts);
  }, SLOW);

  it('accessLog(familyId, first: 50): one statement, a short log vs a long one', async () => {
    const worker = await world.staff(agency);
    const { familyId, planId, memberIds } = await world.familyWithPlan(worker, { members: [parent('Ann', 'Maes', '1985-02-02')] });
    const login = await world.portalLogin(worker, memberIds[0]!);
    const LOG = `query($familyId: ID!) { accessLog(familyId: $familyId, first: 50) { edges { node { id actor description } } pageInfo { hasNextPage } } }`;
    const small = await measure(login, LOG, { familyId });
    for (let i = 0; i < 30; i++) await api.ok(worker.subject, PLAN, { id: planId });
    const large = await measure(login, LOG, { familyId });
    expect(large.data.accessLog.edges.length).toBeGreaterThan(small.data.accessLog.edges.length + 20);

    console.log(`accessLog: statements for a short log [${small.counts}], for a long one [${large.counts}]`);
    for (const counts of [small.counts, large.counts]) expectCompiled(counts);
  }, SLOW);
});
