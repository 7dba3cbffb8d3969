import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../src/config/app-config.js';
import { WorkingCalendar } from '../src/referrals/working-days.js';
import {
  AcceptReferralTimelineDocument,
  type CreateReferralInput,
  CreateReferralReasonDocument,
  CreateReferralTimelineDocument,
  DeclineReferralTimelineDocument,
  EndCaseAssignmentDocument,
  IncomingReferralsDetailsDocument,
  ReceiveReferralTimelineDocument,
  RecordHandoverHeldTimelineDocument,
  ReferralMembersDocument,
  ReferralsPageDocument,
  type ReferralsPageQueryVariables,
  ReferralTimelineDocument,
  ScheduleHandoverTimelineDocument,
  SendReferralTimelineDocument,
  WithdrawReferralTimelineDocument,
} from './graphql/generated.js';
import { codeOf, type GraphQLResult, TestApi } from './support/test-app.js';
import { type Agency, type FamilyWithPlan, type Network, parent, type Person, World } from './support/world.js';

/**
 * Referrals under load and over time (docs/referrals-and-webhooks.md): concurrent transitions
 * (exactly one wins, the others CONFLICT), idempotency keys, overdue signals queryable from the stored
 * deadline without a job, pagination and a statement count bounded by the query's shape, and the audit
 * of reads and transitions in the writing transaction.
 */

interface ReferralView {
  id: string;
  status: string;
  version: number;
  urgency: string;
  overdue: boolean;
  dueAt: string | null;
  sentAt: string | null;
  receivedAt: string | null;
  acceptedAt: string | null;
  transitions: { from: string | null; to: string; version: number }[];
}

describe('referrals: concurrency, idempotency, overdue signals, pagination and audit', () => {
  let api: TestApi;
  let world: World;
  let db: DataSource;
  let network: Network;
  let referrer: Agency;
  let worker: Person;
  let colleague: Person;
  /** The default receiving agency and its caseworkers. */
  let receiver: Agency;
  let intakes: Person[];
  /** A family of one (Sara) with an open plan of `worker`; Sara consents to referral to every receiver below. */
  let family: FamilyWithPlan;
  let sara: string;
  /** Belgian working days (plus any EXTRA_HOLIDAYS the service runs with). */
  let calendar: WorkingCalendar;

  /** Every receiving agency gets Sara's REFERRAL consent, so that referrals to it can be sent. */
  async function receivingAgency(): Promise<Agency> {
    const agency = await world.agency(network, 'SCHOOL_GUIDANCE');
    await world.consentAll(worker, { id: family.familyId, members: family.members, memberIds: family.memberIds }, agency.id, ['REFERRAL']);
    return agency;
  }

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    db = api.db;
    calendar = new WorkingCalendar(api.app.get<AppConfig>(APP_CONFIG).extraHolidays);
    network = await world.network();
    referrer = await world.agency(network);
    worker = await world.staff(referrer);
    colleague = await world.staff(referrer);
    family = await world.familyWithPlan(worker, { members: [parent('Sara', 'Peeters')] });
    sara = family.memberIds[0]!;
    await world.assign(referrer.admin, family.familyId, colleague.userId);
    receiver = await receivingAgency();
    intakes = [];
    for (let i = 0; i < 4; i++) intakes.push(await world.staff(receiver));
  }, 60_000);
  afterAll(() => api.stop());

  // ---- helpers ---------------------------------------------------------------------------------

  const referralInput = (to: Agency, extra: Partial<CreateReferralInput> = {}): CreateReferralInput => ({
    planId: family.planId,
    toAgencyId: to.id,
    memberIds: [sara],
    reason: 'Sara zoekt hulp bij de opvoeding',
    urgency: 'ROUTINE',
    requestedService: 'Opvoedingsondersteuning',
    ...extra,
  });

  async function draft(to: Agency = receiver, extra: Record<string, unknown> = {}): Promise<ReferralView> {
    const { createReferral } = await api.ok(worker.subject, CreateReferralTimelineDocument, { input: referralInput(to, extra) });
    return createReferral;
  }

  async function sent(to: Agency = receiver, extra: Record<string, unknown> = {}): Promise<ReferralView> {
    const created = await draft(to, extra);
    const { sendReferral } = await api.ok(worker.subject, SendReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 1 } });
    return sendReferral;
  }

  async function received(to: Agency, by: Person): Promise<ReferralView> {
    const referral = await sent(to);
    const { receiveReferral } = await api.ok(by.subject, ReceiveReferralTimelineDocument, { input: { referralId: referral.id, expectedVersion: referral.version } });
    return receiveReferral;
  }

  const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();

  /** Direct SQL writes, under a named actor (the audit triggers refuse anonymous writes). */
  const fixture = (work: (em: EntityManager) => Promise<unknown>) =>
    db.transaction(async (em) => {
      await em.query(`SELECT set_config('app.actor_subject', 'test-fixture', true)`);
      await work(em);
    });

  const referralCount = async (planId: string): Promise<number> =>
    Number((await db.query(`SELECT count(*)::int AS n FROM referral WHERE plan_id = $1`, [planId]))[0].n);

  const transitionCount = async (referralId: string): Promise<number> =>
    Number((await db.query(`SELECT count(*)::int AS n FROM referral_transition WHERE referral_id = $1`, [referralId]))[0].n);

  const idempotencyRow = async (subject: string, key: string) =>
    (await db.query(`SELECT operation, result_id FROM idempotency_key WHERE caller_subject = $1 AND key = $2`, [subject, key]))[0] as
      | { operation: string; result_id: string | null }
      | undefined;

  /** All pages of a referrals list, following the cursors. */
  async function listAll(subject: string, args: Omit<ReferralsPageQueryVariables, 'first' | 'after'>): Promise<{ id: string; status: string; overdue: boolean }[]> {
    const nodes: { id: string; status: string; overdue: boolean }[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const { referrals }: { referrals: any } = await api.ok(subject, ReferralsPageDocument, { ...args, first: 100, after });
      nodes.push(...referrals.edges.map((e: { node: { id: string; status: string; overdue: boolean } }) => e.node));
      if (!referrals.pageInfo.hasNextPage) return nodes;
      after = referrals.pageInfo.endCursor;
    }
    throw new Error('too many pages');
  }
  const idsOf = (nodes: { id: string }[]) => nodes.map((n) => n.id);

  const errorOf = (result: GraphQLResult) => result.errors?.[0]?.extensions ?? {};

  /** A freshly planned family of `worker` (`colleague` assigned too), for counting its referrals exactly. */
  async function freshPlan(): Promise<{ planId: string; memberId: string; colleagueAssignmentId: string }> {
    const own = await world.familyWithPlan(worker, { members: [parent('Jan', 'Claes', '1985-01-01')] });
    const colleagueAssignmentId = await world.assign(referrer.admin, own.familyId, colleague.userId);
    const fam = { id: own.familyId, members: own.members, memberIds: own.memberIds };
    await world.consentAll(worker, fam, receiver.id, ['REFERRAL']);
    return { planId: own.planId, memberId: own.memberIds[0]!, colleagueAssignmentId };
  }

  // ---- 1. concurrency ------------------------------------------------------------------------

  describe('concurrency: one version, one winner', () => {
    it('20 concurrent accept/decline with the same expectedVersion: exactly one succeeds, 19 CONFLICT, one transition out of RECEIVED', async () => {
      const referral = await received(receiver, intakes[0]!);
      expect(referral).toMatchObject({ status: 'RECEIVED', version: 3 });

      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => {
          const by = intakes[i % intakes.length]!;
          return i % 2 === 0
            ? api.gql(by.subject, AcceptReferralTimelineDocument, { input: { referralId: referral.id, expectedVersion: 3 } })
            : api.gql(by.subject, DeclineReferralTimelineDocument, { input: { referralId: referral.id, expectedVersion: 3, reason: `Geen plaats (${i})` } });
        }),
      );
      const codes = results.map(codeOf);
      expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
      expect(codes.filter((c) => c === 'CONFLICT')).toHaveLength(19);

      const winner = results.find((r) => codeOf(r) === 'OK')!.data!;
      const won: ReferralView = 'acceptReferral' in winner ? winner.acceptReferral : winner.declineReferral;
      expect(won.version).toBe(4);
      expect(['ACCEPTED', 'DECLINED']).toContain(won.status);

      const { referral: after } = await api.ok(worker.subject, ReferralTimelineDocument, { id: referral.id });
      expect(after).toMatchObject({ version: 4, status: won.status });
      const outOfReceived = after.transitions.filter((t: { from: string | null }) => t.from === 'RECEIVED');
      expect(outOfReceived).toEqual([{ from: 'RECEIVED', to: won.status, version: 4 }]);
      expect(after.transitions).toHaveLength(4);
      expect(await transitionCount(referral.id)).toBe(4);
    });

    it('two concurrent sendReferral by the referrer: one SENT, the other CONFLICT', async () => {
      const created = await draft();
      const results = await Promise.all([
        api.gql(worker.subject, SendReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 1 } }),
        api.gql(worker.subject, SendReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 1 } }),
      ]);
      expect(results.map(codeOf).sort()).toEqual(['CONFLICT', 'OK']);
      const { referral } = await api.ok(worker.subject, ReferralTimelineDocument, { id: created.id });
      expect(referral).toMatchObject({ status: 'SENT', version: 2 });
      expect(referral.transitions.map((t: { from: string | null; to: string }) => [t.from, t.to])).toEqual([
        [null, 'DRAFT'],
        ['DRAFT', 'SENT'],
      ]);
    });
  });

  // ---- 2. idempotency ------------------------------------------------------------------------

  describe('idempotency keys', () => {
    it('createReferral repeated with the same key and payload returns the same referral and creates no second one', async () => {
      const { planId, memberId } = await freshPlan();
      const key = `create-${randomUUID()}`;
      const input = { ...referralInput(receiver), planId, memberIds: [memberId], idempotencyKey: key };
      const { createReferral: first } = await api.ok(worker.subject, CreateReferralTimelineDocument, { input });
      const { createReferral: again } = await api.ok(worker.subject, CreateReferralTimelineDocument, { input });
      const { createReferral: third } = await api.ok(worker.subject, CreateReferralTimelineDocument, { input });
      expect(again.id).toBe(first.id);
      expect(third.id).toBe(first.id);
      expect(again).toMatchObject({ status: 'DRAFT', version: 1 });
      expect(await referralCount(planId)).toBe(1);
      expect(await transitionCount(first.id)).toBe(1);
      // The key is kept, with its result.
      expect(await idempotencyRow(worker.subject, key)).toMatchObject({ result_id: first.id });
    });

    it('10 concurrent createReferral with one key: all succeed with the same id, one row', async () => {
      const { planId, memberId } = await freshPlan();
      const key = `burst-${randomUUID()}`;
      const input = { ...referralInput(receiver), planId, memberIds: [memberId], idempotencyKey: key };
      const results = await Promise.all(Array.from({ length: 10 }, () => api.gql(worker.subject, CreateReferralTimelineDocument, { input })));
      expect(results.map(codeOf)).toEqual(Array(10).fill('OK'));
      const ids = new Set(results.map((r) => r.data!.createReferral.id));
      expect(ids.size).toBe(1);
      expect(await referralCount(planId)).toBe(1);
      const [id] = [...ids];
      expect(await transitionCount(id!)).toBe(1);
      expect(await idempotencyRow(worker.subject, key)).toMatchObject({ result_id: id });
    });

    it('the same key with another payload is CONFLICT (and creates nothing)', async () => {
      const { planId, memberId } = await freshPlan();
      const key = `payload-${randomUUID()}`;
      const input = { ...referralInput(receiver), planId, memberIds: [memberId], idempotencyKey: key };
      const { createReferral: first } = await api.ok(worker.subject, CreateReferralTimelineDocument, { input });
      const other = await api.gql(worker.subject, CreateReferralTimelineDocument, { input: { ...input, reason: 'Een andere reden' } });
      expect(codeOf(other)).toBe('CONFLICT');
      const urgent = await api.gql(worker.subject, CreateReferralTimelineDocument, { input: { ...input, urgency: 'URGENT' } });
      expect(codeOf(urgent)).toBe('CONFLICT');
      expect(await referralCount(planId)).toBe(1);
      expect(await idempotencyRow(worker.subject, key)).toMatchObject({ result_id: first.id });
    });

    it('the same key used by another caseworker is independent: it creates its own referral', async () => {
      const { planId, memberId } = await freshPlan();
      const key = `shared-${randomUUID()}`;
      const input = { ...referralInput(receiver), planId, memberIds: [memberId], idempotencyKey: key };
      const { createReferral: mine } = await api.ok(worker.subject, CreateReferralTimelineDocument, { input });
      const { createReferral: theirs } = await api.ok(colleague.subject, CreateReferralTimelineDocument, { input });
      expect(theirs.id).not.toBe(mine.id);
      expect(await referralCount(planId)).toBe(2);
      // And each caller's repeat still finds its own.
      expect((await api.ok(colleague.subject, CreateReferralTimelineDocument, { input })).createReferral.id).toBe(theirs.id);
      expect((await api.ok(worker.subject, CreateReferralTimelineDocument, { input })).createReferral.id).toBe(mine.id);
      expect(await referralCount(planId)).toBe(2);
      expect(await idempotencyRow(worker.subject, key)).toMatchObject({ result_id: mine.id });
      expect(await idempotencyRow(colleague.subject, key)).toMatchObject({ result_id: theirs.id });
    });

    it('a transition repeated with the same key returns the first result despite the stale expectedVersion, with no second transition', async () => {
      const created = await draft();
      const sendKey = `send-${randomUUID()}`;
      const sendInput = { referralId: created.id, expectedVersion: 1, idempotencyKey: sendKey };
      const { sendReferral: first } = await api.ok(worker.subject, SendReferralTimelineDocument, { input: sendInput });
      expect(first).toMatchObject({ status: 'SENT', version: 2 });
      // Without the key, version 1 is stale now.
      expect(codeOf(await api.gql(worker.subject, SendReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 1 } }))).toBe('CONFLICT');
      const { sendReferral: again } = await api.ok(worker.subject, SendReferralTimelineDocument, { input: sendInput });
      expect(again).toMatchObject({ id: created.id, status: 'SENT', version: 2, sentAt: first.sentAt, dueAt: first.dueAt });
      expect(await transitionCount(created.id)).toBe(2);

      const intake = intakes[1]!;
      await api.ok(intake.subject, ReceiveReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 2 } });
      const acceptKey = `accept-${randomUUID()}`;
      const acceptInput = { referralId: created.id, expectedVersion: 3, idempotencyKey: acceptKey };
      const { acceptReferral: accepted } = await api.ok(intake.subject, AcceptReferralTimelineDocument, { input: acceptInput });
      expect(accepted).toMatchObject({ status: 'ACCEPTED', version: 4 });
      const { acceptReferral: acceptedAgain } = await api.ok(intake.subject, AcceptReferralTimelineDocument, { input: acceptInput });
      expect(acceptedAgain).toMatchObject({ status: 'ACCEPTED', version: 4, acceptedAt: accepted.acceptedAt });
      expect(await transitionCount(created.id)).toBe(4);
      const { referral } = await api.ok(worker.subject, ReferralTimelineDocument, { id: created.id });
      expect(referral.transitions.filter((t: { to: string }) => t.to === 'ACCEPTED')).toHaveLength(1);
      expect(referral.transitions.filter((t: { to: string }) => t.to === 'SENT')).toHaveLength(1);

      // The keys are kept, per caller and operation.
      expect(await idempotencyRow(worker.subject, sendKey)).toMatchObject({ result_id: created.id });
      expect(await idempotencyRow(intake.subject, acceptKey)).toMatchObject({ result_id: created.id });
    });

    it('the same key reused for another operation is CONFLICT', async () => {
      const created = await draft();
      const key = `reuse-${randomUUID()}`;
      await api.ok(worker.subject, SendReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 1, idempotencyKey: key } });
      const claimed = await idempotencyRow(worker.subject, key);
      expect(claimed).toMatchObject({ result_id: created.id });
      const withdraw = await api.gql(worker.subject, WithdrawReferralTimelineDocument, {
        input: { referralId: created.id, expectedVersion: 2, reason: 'Niet meer nodig', idempotencyKey: key },
      });
      expect(codeOf(withdraw)).toBe('CONFLICT');
      const create = await api.gql(worker.subject, CreateReferralTimelineDocument, { input: { ...referralInput(receiver), idempotencyKey: key } });
      expect(codeOf(create)).toBe('CONFLICT');
      const { referral } = await api.ok(worker.subject, ReferralTimelineDocument, { id: created.id });
      expect(referral).toMatchObject({ status: 'SENT', version: 2 });
      // The key still belongs to its first use.
      expect(await idempotencyRow(worker.subject, key)).toEqual(claimed);
    });

    it('a failed first attempt does not burn the key: after consent is given, the same key succeeds', async () => {
      // A receiver Sara has not (yet) consented to.
      const unconsented = await world.agency(network, 'MENTAL_HEALTH');
      const created = await draft(unconsented);
      const key = `retry-${randomUUID()}`;
      const input = { referralId: created.id, expectedVersion: 1, idempotencyKey: key };
      const refused = await api.gql(worker.subject, SendReferralTimelineDocument, { input });
      expect(errorOf(refused)).toMatchObject({ code: 'CONSENT_REQUIRED', missingMemberIds: [sara], category: 'REFERRAL' });
      expect(await idempotencyRow(worker.subject, key)).toBeUndefined();
      // Still refused on a repeat (the failure was not stored as the result).
      expect(codeOf(await api.gql(worker.subject, SendReferralTimelineDocument, { input }))).toBe('CONSENT_REQUIRED');

      await world.consentAll(worker, { id: family.familyId, members: family.members, memberIds: family.memberIds }, unconsented.id, ['REFERRAL']);
      const { sendReferral } = await api.ok(worker.subject, SendReferralTimelineDocument, { input });
      expect(sendReferral).toMatchObject({ status: 'SENT', version: 2 });
      const { sendReferral: again } = await api.ok(worker.subject, SendReferralTimelineDocument, { input });
      expect(again).toMatchObject({ status: 'SENT', version: 2 });
      expect(await transitionCount(created.id)).toBe(2);
      expect(await idempotencyRow(worker.subject, key)).toMatchObject({ result_id: created.id });
    });

    it('10 concurrent sendReferral with one key: all answer the same SENT version 2, one transition', async () => {
      const created = await draft();
      const key = `send-burst-${randomUUID()}`;
      const results = await Promise.all(
        Array.from({ length: 10 }, () => api.gql(worker.subject, SendReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 1, idempotencyKey: key } })),
      );
      expect(results.map(codeOf)).toEqual(Array(10).fill('OK'));
      expect(results.map((r) => [r.data!.sendReferral.status, r.data!.sendReferral.version])).toEqual(Array(10).fill(['SENT', 2]));
      expect(await transitionCount(created.id)).toBe(2);
      expect(await idempotencyRow(worker.subject, key)).toMatchObject({ result_id: created.id });
    });

    it('a repeat does not bypass access: once the caller is no longer on the family, the repeat answers NOT_FOUND', async () => {
      const { planId, memberId, colleagueAssignmentId } = await freshPlan();
      const key = `revoked-${randomUUID()}`;
      const input = { ...referralInput(receiver), planId, memberIds: [memberId], idempotencyKey: key };
      const { createReferral: first } = await api.ok(colleague.subject, CreateReferralTimelineDocument, { input });
      await api.ok(referrer.admin.subject, EndCaseAssignmentDocument, { input: { assignmentId: colleagueAssignmentId } });
      // The colleague lost its need-to-know: the referral is not visible to it any more.
      expect(codeOf(await api.gql(colleague.subject, ReferralTimelineDocument, { id: first.id }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(colleague.subject, CreateReferralTimelineDocument, { input: { ...input, idempotencyKey: undefined } }))).toBe('NOT_FOUND');

      const replay = await api.gql(colleague.subject, CreateReferralReasonDocument, { input });
      expect(codeOf(replay)).toBe('NOT_FOUND');
      expect(replay.data?.createReferral ?? null).toBeNull();
      expect(await referralCount(planId)).toBe(1);
    });
  });

  // ---- 3. overdue signals and deadlines ------------------------------------------------------

  describe('overdue signals, without any job', () => {
    it('overdue: true lists the SENT referral past its deadline, overdue: false the fresh one; the overdue field agrees', async () => {
      const own = await receivingAgency();
      const intake = await world.staff(own);
      const late = await sent(own);
      const fresh = await sent(own);
      const pending = await draft(own);
      await fixture((em) => em.query(`UPDATE referral SET due_at = now() - interval '1 hour' WHERE id = $1`, [late.id]));

      const overdue = await api.ok(intake.subject, ReferralsPageDocument, { direction: 'INCOMING', overdue: true, first: 50 });
      expect(overdue.referrals.edges.map((e: { node: { id: string } }) => e.node)).toEqual([{ id: late.id, status: 'SENT', overdue: true }]);
      const onTime = await api.ok(intake.subject, ReferralsPageDocument, { direction: 'INCOMING', overdue: false, first: 50 });
      expect(onTime.referrals.edges.map((e: { node: { id: string } }) => e.node)).toEqual([{ id: fresh.id, status: 'SENT', overdue: false }]);

      expect((await api.ok(intake.subject, ReferralTimelineDocument, { id: late.id })).referral.overdue).toBe(true);
      expect((await api.ok(intake.subject, ReferralTimelineDocument, { id: fresh.id })).referral.overdue).toBe(false);
      expect((await api.ok(worker.subject, ReferralTimelineDocument, { id: late.id })).referral.overdue).toBe(true);

      // The referrer's side sees the signal too; the draft (no deadline) is never overdue.
      const outgoingOverdue = idsOf(await listAll(worker.subject, { direction: 'OUTGOING', overdue: true }));
      expect(outgoingOverdue).toContain(late.id);
      expect(outgoingOverdue).not.toContain(fresh.id);
      expect(outgoingOverdue).not.toContain(pending.id);
      const outgoingOnTime = idsOf(await listAll(worker.subject, { direction: 'OUTGOING', overdue: false }));
      expect(outgoingOnTime).toEqual(expect.arrayContaining([fresh.id, pending.id]));
      expect(outgoingOnTime).not.toContain(late.id);
    });

    it('OUTGOING includes DRAFTs, INCOMING never shows them; the status filter works', async () => {
      const own = await receivingAgency();
      const intake = await world.staff(own);
      const pending = await draft(own);
      const sentOne = await sent(own);
      const receivedOne = await received(own, intake);

      const incoming = await listAll(intake.subject, { direction: 'INCOMING' });
      expect(idsOf(incoming).sort()).toEqual([sentOne.id, receivedOne.id].sort());
      expect(incoming.some((n) => n.status === 'DRAFT')).toBe(false);
      expect(await listAll(intake.subject, { direction: 'INCOMING', status: 'DRAFT' })).toEqual([]);
      expect(idsOf(await listAll(intake.subject, { direction: 'INCOMING', status: 'SENT' }))).toEqual([sentOne.id]);
      expect(idsOf(await listAll(intake.subject, { direction: 'INCOMING', status: 'RECEIVED' }))).toEqual([receivedOne.id]);
      // The receiver sends nothing itself.
      expect(await listAll(intake.subject, { direction: 'OUTGOING' })).toEqual([]);

      const outgoing = await listAll(worker.subject, { direction: 'OUTGOING' });
      expect(idsOf(outgoing)).toEqual(expect.arrayContaining([pending.id, sentOne.id, receivedOne.id]));
      const drafts = await listAll(worker.subject, { direction: 'OUTGOING', status: 'DRAFT' });
      expect(idsOf(drafts)).toContain(pending.id);
      expect(drafts.every((n) => n.status === 'DRAFT')).toBe(true);
      const received_ = await listAll(worker.subject, { direction: 'OUTGOING', status: 'RECEIVED' });
      expect(idsOf(received_)).toContain(receivedOne.id);
      expect(idsOf(received_)).not.toContain(pending.id);
      expect(received_.every((n) => n.status === 'RECEIVED')).toBe(true);
      // The referrer receives nothing from itself.
      expect(await listAll(worker.subject, { direction: 'INCOMING' })).toEqual([]);
    });

    it('ROUTINE deadlines: 2 working days after sending, 5 after receipt, 10 after acceptance; scheduling keeps it, HANDOVER_HELD clears it', async () => {
      const intake = intakes[2]!;
      const created = await draft();
      expect(created.dueAt).toBeNull();
      const { sendReferral: s } = await api.ok(worker.subject, SendReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 1 } });
      expect(s.sentAt).not.toBeNull();
      expect(s.dueAt).toBe(calendar.addWorkingDays(new Date(s.sentAt!), 2).toISOString());

      const { receiveReferral: r } = await api.ok(intake.subject, ReceiveReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 2 } });
      expect(r.dueAt).toBe(calendar.addWorkingDays(new Date(r.receivedAt!), 5).toISOString());

      const { acceptReferral: a } = await api.ok(intake.subject, AcceptReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 3 } });
      expect(a.dueAt).toBe(calendar.addWorkingDays(new Date(a.acceptedAt!), 10).toISOString());

      const { scheduleHandover: sch } = await api.ok(worker.subject, ScheduleHandoverTimelineDocument, {
        input: { referralId: created.id, expectedVersion: 4, startsAt: inAWeek(), location: 'Huis van het Kind', attendees: ['FAMILY', 'REFERRER', 'RECEIVER'] },
      });
      expect(sch).toMatchObject({ status: 'HANDOVER_SCHEDULED', dueAt: a.dueAt });

      const { recordHandoverHeld: held } = await api.ok(intake.subject, RecordHandoverHeldTimelineDocument, { input: { referralId: created.id, expectedVersion: 5 } });
      expect(held).toMatchObject({ status: 'HANDOVER_HELD', dueAt: null, overdue: false });
    });

    it('URGENT: due 4 hours after sending', async () => {
      const urgent = await sent(receiver, { urgency: 'URGENT' });
      expect(urgent.urgency).toBe('URGENT');
      const expected = new Date(urgent.sentAt!).getTime() + 4 * 3_600_000;
      expect(Math.abs(new Date(urgent.dueAt!).getTime() - expected)).toBeLessThanOrEqual(1000);
      expect(urgent.overdue).toBe(false);
    });
  });

  // ---- 4. pagination and cost ----------------------------------------------------------------

  describe('pagination and query cost', () => {
    it('first: 2 pages through 5 incoming referrals without duplicates or gaps', async () => {
      const own = await receivingAgency();
      const intake = await world.staff(own);
      const created: string[] = [];
      for (let i = 0; i < 5; i++) created.push((await sent(own)).id);

      const seen: string[] = [];
      const pages: number[] = [];
      const more: boolean[] = [];
      let after: string | null = null;
      for (let page = 0; page < 10; page++) {
        const { referrals }: { referrals: any } = await api.ok(intake.subject, ReferralsPageDocument, { direction: 'INCOMING', first: 2, after });
        pages.push(referrals.edges.length);
        more.push(referrals.pageInfo.hasNextPage);
        seen.push(...referrals.edges.map((e: { node: { id: string } }) => e.node.id));
        if (referrals.edges.length) expect(referrals.pageInfo.endCursor).toBe(referrals.edges.at(-1).cursor);
        if (!referrals.pageInfo.hasNextPage) break;
        after = referrals.pageInfo.endCursor;
      }
      expect(pages).toEqual([2, 2, 1]);
      expect(more).toEqual([true, true, false]);
      expect(new Set(seen).size).toBe(5);
      expect([...seen].sort()).toEqual([...created].sort());
    });

    it('first must be 1 to 100 and after a cursor of the list: BAD_USER_INPUT naming the field', async () => {
      const subject = intakes[0]!.subject;
      for (const first of [0, 101, -1]) {
        const result = await api.gql(subject, ReferralsPageDocument, { direction: 'INCOMING', first });
        expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      }
      const forged = [
        'forged',
        Buffer.from('id:not-a-uuid').toString('base64url'),
        Buffer.from(`x:${randomUUID()}`).toString('base64url'),
        "' OR 1=1 --",
      ];
      for (const after of forged) {
        const result = await api.gql(subject, ReferralsPageDocument, { direction: 'INCOMING', first: 2, after });
        expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      }
      // The limits themselves are fine.
      for (const first of [1, 100]) expect(codeOf(await api.gql(subject, ReferralsPageDocument, { direction: 'INCOMING', first }))).toBe('OK');
    });

    it('statements for the incoming list with every nested field: the same for 2 referrals as for 12', async () => {
      /** `count` referrals to a new receiver: every third accepted (by its caseworker) and scheduled, so every nested field has data. */
      const incomingOf = async (count: number) => {
        const own = await receivingAgency();
        const intake = await world.staff(own);
        for (let i = 0; i < count; i++) {
          const referral = await sent(own);
          if (i % 3 === 1) {
            await api.ok(intake.subject, ReceiveReferralTimelineDocument, { input: { referralId: referral.id, expectedVersion: 2 } });
            await api.ok(intake.subject, AcceptReferralTimelineDocument, { input: { referralId: referral.id, expectedVersion: 3 } });
            await api.ok(worker.subject, ScheduleHandoverTimelineDocument, {
              input: { referralId: referral.id, expectedVersion: 4, startsAt: inAWeek(), location: `Lokaal ${i}`, attendees: ['FAMILY', 'RECEIVER'] },
            });
          }
        }
        return intake;
      };
      const measure = async (subject: string, expected: number) => {
        const counts: number[] = [];
        for (let run = 0; run < 3; run++) {
          let data: any;
          counts.push(await api.countStatements(async () => (data = await api.ok(subject, IncomingReferralsDetailsDocument))));
          const nodes = data.referrals.edges.map((e: { node: any }) => e.node);
          expect(nodes).toHaveLength(expected);
          // The nested data is really there (so every loader ran for every referral).
          expect(nodes.every((n: any) => n.fromAgency.name && n.toAgency.name && n.members.length === 1)).toBe(true);
          expect(nodes.every((n: any) => n.transitions.length >= 2 && n.transitions.every((t: any) => t.actor?.displayName))).toBe(true);
          expect(nodes.filter((n: any) => n.handover?.state === 'SCHEDULED')).toHaveLength(Math.floor((expected + 1) / 3));
        }
        return counts;
      };

      const small = await measure((await incomingOf(2)).subject, 2);
      const large = await measure((await incomingOf(12)).subject, 12);
      console.log(`referrals(INCOMING, first: 50): statements for 2 referrals [${small}], for 12 referrals [${large}]`);
      const all = [...small, ...large];
      // One statement per resolver site, whatever the number of rows (±1 for DataLoader tick splits).
      expect(Math.max(...all) - Math.min(...all)).toBeLessThanOrEqual(1);
    }, 60_000);
  });

  // ---- 5. audit ------------------------------------------------------------------------------

  describe('audit', () => {
    it('reading a referral writes a READ audit event about it, category REFERRAL', async () => {
      const referral = await sent();
      const intake = intakes[3]!;
      const [{ seq: before }] = await db.query(`SELECT coalesce(max(seq), 0)::text AS seq FROM audit_event`);
      await api.ok(intake.subject, ReferralTimelineDocument, { id: referral.id });
      const rows = await db.query(
        `SELECT action, entity_type, entity_ids, categories, actor_subject, acting_agency_id, member_ids, family_id, legal_basis
           FROM audit_event WHERE $1 = ANY(entity_ids) AND seq > $2::bigint AND action = 'READ'`,
        [referral.id, before],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        action: 'READ',
        entity_type: 'Referral',
        entity_ids: [referral.id],
        actor_subject: intake.subject,
        acting_agency_id: receiver.id,
        family_id: family.familyId,
        member_ids: [sara],
        legal_basis: 'CONSENT',
      });
      expect(rows[0].categories).toContain('REFERRAL');
    });

    it("the receiver reads the referred members under their REFERRAL consent: audited with basis CONSENT naming that consent", async () => {
      const own = await world.agency(network, 'SCHOOL_GUIDANCE');
      const consentIds = await world.consentAll(worker, { id: family.familyId, members: family.members, memberIds: family.memberIds }, own.id, ['REFERRAL']);
      const intake = await world.staff(own);
      const referral = await sent(own);
      const { referral: read } = await api.ok(intake.subject, ReferralMembersDocument, { id: referral.id });
      expect(read.members).toEqual([{ id: sara, givenName: 'Sara' }]);
      const rows = await db.query(
        `SELECT entity_ids, legal_basis, consent_ids, acting_agency_id FROM audit_event
          WHERE action = 'READ' AND entity_type = 'FamilyMember' AND actor_subject = $1`,
        [intake.subject],
      );
      expect(rows).toEqual([{ entity_ids: [sara], legal_basis: 'CONSENT', consent_ids: consentIds, acting_agency_id: own.id }]);
    });

    it('a page of the list audits exactly the referrals it returns, not the look-ahead row', async () => {
      const own = await receivingAgency();
      const intake = await world.staff(own);
      for (let i = 0; i < 3; i++) await sent(own);
      const { referrals } = await api.ok(intake.subject, ReferralsPageDocument, { direction: 'INCOMING', first: 2 });
      expect(referrals.pageInfo.hasNextPage).toBe(true);
      const rows = await db.query(
        `SELECT r.id FROM audit_event e, unnest(e.entity_ids) AS r(id)
          WHERE e.action = 'READ' AND e.entity_type = 'Referral' AND e.actor_subject = $1 ORDER BY r.id`,
        [intake.subject],
      );
      expect(rows.map((r: { id: string }) => r.id)).toEqual(referrals.edges.map((e: { node: { id: string } }) => e.node.id).sort());
    });

    it('each transition writes the audit of its referral UPDATE in the same transaction; a failed transition writes none', async () => {
      const created = await draft();
      const writes = async () =>
        db.query(
          `SELECT seq::text, xmin::text AS tx, actor_subject, acting_agency_id FROM audit_event
            WHERE entity_id = $1 AND entity_type = 'referral' AND action = 'UPDATE' ORDER BY seq`,
          [created.id],
        ) as Promise<{ seq: string; tx: string; actor_subject: string; acting_agency_id: string }[]>;
      const transitionTx = async (version: number) =>
        (await db.query(`SELECT xmin::text AS tx FROM referral_transition WHERE referral_id = $1 AND version = $2`, [created.id, version]))[0]?.tx;
      const rowTx = async () => (await db.query(`SELECT xmin::text AS tx FROM referral WHERE id = $1`, [created.id]))[0].tx;

      expect(await writes()).toEqual([]);
      await api.ok(worker.subject, SendReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 1 } });
      const afterSend = await writes();
      expect(afterSend).toHaveLength(1);
      expect(afterSend[0]).toMatchObject({ actor_subject: worker.subject, acting_agency_id: referrer.id });
      // The same transaction wrote the referral, its transition and the audit event.
      expect(afterSend[0]!.tx).toBe(await transitionTx(2));
      expect(afterSend[0]!.tx).toBe(await rowTx());

      // Stale version, wrong step, wrong party: refused, and nothing written (no audit, no transition).
      const intake = intakes[0]!;
      expect(codeOf(await api.gql(intake.subject, ReceiveReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 1 } }))).toBe('CONFLICT');
      expect(codeOf(await api.gql(worker.subject, WithdrawReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 1, reason: 'Te laat' } }))).toBe('CONFLICT');
      expect(codeOf(await api.gql(intake.subject, AcceptReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 2 } }))).toBe('INVALID_TRANSITION');
      expect(codeOf(await api.gql(worker.subject, ReceiveReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 2 } }))).toBe('FORBIDDEN');
      expect(await writes()).toEqual(afterSend);
      expect(await transitionCount(created.id)).toBe(2);

      await api.ok(intake.subject, ReceiveReferralTimelineDocument, { input: { referralId: created.id, expectedVersion: 2 } });
      const afterReceive = await writes();
      expect(afterReceive).toHaveLength(2);
      expect(afterReceive[1]).toMatchObject({ actor_subject: intake.subject, acting_agency_id: receiver.id });
      expect(afterReceive[1]!.tx).toBe(await transitionTx(3));
      expect(afterReceive[1]!.tx).not.toBe(afterSend[0]!.tx);
    });
  });
});
