import { randomUUID } from 'node:crypto';
import { ReferralStatus as S } from '../src/referrals/referral-status.js';
import { REFERRAL_STEPS, type ReferralStep, type ReferralStepName } from '../src/referrals/referral-steps.js';
import {
  CreateHandoverReferralDocument,
  type CreateReferralInput,
  HandoverReferralDocument,
  type HandoverReferralFragment,
  SendHandoverReferralDocument,
  ReceiveHandoverReferralDocument,
  AcceptHandoverReferralDocument,
  WaitlistHandoverReferralDocument,
  DeclineHandoverReferralDocument,
  ScheduleHandoverReferralDocument,
  RescheduleHandoverReferralDocument,
  CancelHandoverReferralDocument,
  RecordMissedHandoverReferralDocument,
  RecordHeldHandoverReferralDocument,
  CompleteHandoverReferralDocument,
  WithdrawHandoverReferralDocument,
  AssignTrajectorySupporterDocument,
  type DataCategory,
  FamilyReferralsDocument,
  IncomingReferralsDocument,
  MyFamilyReferralReasonsDocument,
  MyFamilyReferralsDocument,
  RecordConsentDocument,
  RevokeConsentDocument,
} from './graphql/generated.js';
import { type AnyDocument, codeOf, type GraphQLResult, TestApi } from './support/test-app.js';
import { type Agency, child, type Network, parent, type Person, World } from './support/world.js';

/**
 * Warm-handover referrals (docs/referrals-and-webhooks.md; docs/api.md, "Errors"), the edges around
 * the happy path of referrals.e2e-spec.ts: who may take each step, which steps each status refuses,
 * versions, input that names the offending field, the REFERRAL consent gate, the handover meeting's
 * life, and what the family sees in its portal. Each concern is one table; every refused call is
 * followed by a read proving that nothing changed.
 *
 * One network for the whole file (beforeAll). Agencies: R refers, B receives, T is a third agency on
 * the plan team whose caseworker is the plan's trajectory supporter, O is another agency of the same
 * network, X an agency of another network.
 */

type ReferralView = HandoverReferralFragment;

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const ATTENDEES = ['FAMILY', 'REFERRER', 'RECEIVER'];

/** The steps of a referral to an agency on the platform (a logged referral's own: logged-referrals.e2e-spec.ts). */
type PlatformStep = { [K in ReferralStepName]: (typeof REFERRAL_STEPS)[K] extends { receiver: 'EXTERNAL' } ? never : K }[ReferralStepName];

/** Each step of REFERRAL_STEPS as a client calls it, with an input that is valid unless a test overrides it. */
const STEP_OPS: Record<PlatformStep, { document: AnyDocument; input: () => Record<string, unknown> }> = {
  send: { document: SendHandoverReferralDocument, input: () => ({}) },
  receive: { document: ReceiveHandoverReferralDocument, input: () => ({}) },
  accept: { document: AcceptHandoverReferralDocument, input: () => ({}) },
  waitlist: { document: WaitlistHandoverReferralDocument, input: () => ({ reason: 'Wachtlijst tot maart' }) },
  decline: { document: DeclineHandoverReferralDocument, input: () => ({ reason: 'Geen aanbod voor deze vraag' }) },
  scheduleHandover: {
    document: ScheduleHandoverReferralDocument,
    input: () => ({ startsAt: inDays(7), location: 'Huis van het Kind', attendees: ATTENDEES }),
  },
  rescheduleHandover: {
    document: RescheduleHandoverReferralDocument,
    input: () => ({ startsAt: inDays(9), location: 'Bij het gezin thuis', attendees: ATTENDEES }),
  },
  cancelHandover: { document: CancelHandoverReferralDocument, input: () => ({ reason: 'De ouder is ziek' }) },
  recordHandoverMissed: { document: RecordMissedHandoverReferralDocument, input: () => ({ note: 'Niemand kwam' }) },
  recordHandoverHeld: { document: RecordHeldHandoverReferralDocument, input: () => ({}) },
  complete: { document: CompleteHandoverReferralDocument, input: () => ({ outcome: 'SUCCESSFUL' }) },
  withdraw: { document: WithdrawHandoverReferralDocument, input: () => ({ reason: 'Niet meer nodig' }) },
};
const STEP_NAMES = (Object.keys(REFERRAL_STEPS) as ReferralStepName[]).filter(
  (step): step is PlatformStep => (REFERRAL_STEPS[step] as ReferralStep).receiver !== 'EXTERNAL',
);
const takenBy = (step: ReferralStepName, side: 'refer' | 'respond') => (REFERRAL_STEPS[step].by as readonly string[]).includes(side);

/** How the helper drives a new referral (created as DRAFT by R's worker) to each status. */
const PATH_TO: Record<S, PlatformStep[]> = {
  [S.DRAFT]: [],
  [S.SENT]: ['send'],
  [S.RECEIVED]: ['send', 'receive'],
  [S.ACCEPTED]: ['send', 'receive', 'accept'],
  [S.WAITLISTED]: ['send', 'receive', 'waitlist'],
  [S.DECLINED]: ['send', 'receive', 'decline'],
  [S.HANDOVER_SCHEDULED]: ['send', 'receive', 'accept', 'scheduleHandover'],
  [S.HANDOVER_HELD]: ['send', 'receive', 'accept', 'scheduleHandover', 'recordHandoverHeld'],
  [S.COMPLETED]: ['send', 'receive', 'accept', 'scheduleHandover', 'recordHandoverHeld', 'complete'],
  [S.WITHDRAWN]: ['send', 'withdraw'],
};

/** What a refusal must leave untouched. */
const stateOf = (r: ReferralView) => ({
  status: r.status,
  version: r.version,
  transitions: r.transitions.length,
  meetings: r.handoverMeetings.map((m) => m.state),
});

/** The referral a mutation returned; fails the test with the errors otherwise. */
function returned(result: GraphQLResult): ReferralView {
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return Object.values(result.data!)[0] as ReferralView;
}

// --- who may take each step ------------------------------------------------------------------------

const ROLES = [
  'referrer caseworker on the team',
  'trajectory supporter (third agency)',
  'unassigned referrer caseworker',
  'receiver caseworker (unassigned)',
  'receiver agency admin',
  'assigned volunteer of the referrer',
  'caseworker of another agency (same network)',
  'caseworker of another network',
  'parent in the family portal',
  'no token',
] as const;
type Role = (typeof ROLES)[number];

type Outcome = 'OK' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNAUTHENTICATED';
const OK = 'OK';
/** Readable, but not this party's step — or the operation is not for this role at all (guard). */
const FB = 'FORBIDDEN';
/** The caller may not see the referral (or the plan): its existence does not leak. */
const NF = 'NOT_FOUND';
const UA = 'UNAUTHENTICATED';

/**
 * Rows: operation, the status the referral is in (null: createReferral on the plan), and one outcome
 * per role in the order of ROLES. Referrer side (send, schedule, withdraw…): R's caseworkers on the
 * team and the plan's supporter; receiver side: any caseworker of B, once the referral is no DRAFT;
 * the meeting's outcome: either side. Volunteers, admins and the family never take a step. The meeting's
 * outcome is open to whoever reads the referral, which a volunteer does only as its bridge figure: one who
 * is not finds no referral (NOT_FOUND).
 */
type Operation = 'create' | PlatformStep;
const WHO_MAY: [Operation, S | null, Outcome[]][] = [
  //                                                 team supp unas recv radm vol  othA othN fam  none
  ['create', null,                                  [OK,  OK,  NF,  NF,  FB,  FB,  NF,  NF,  FB,  UA]],
  ['send', S.DRAFT,                                 [OK,  OK,  NF,  NF,  FB,  FB,  NF,  NF,  FB,  UA]],
  ['receive', S.SENT,                               [FB,  FB,  NF,  OK,  FB,  FB,  NF,  NF,  FB,  UA]],
  ['accept', S.RECEIVED,                            [FB,  FB,  NF,  OK,  FB,  FB,  NF,  NF,  FB,  UA]],
  ['accept', S.WAITLISTED,                          [FB,  FB,  NF,  OK,  FB,  FB,  NF,  NF,  FB,  UA]],
  ['waitlist', S.RECEIVED,                          [FB,  FB,  NF,  OK,  FB,  FB,  NF,  NF,  FB,  UA]],
  ['decline', S.RECEIVED,                           [FB,  FB,  NF,  OK,  FB,  FB,  NF,  NF,  FB,  UA]],
  ['scheduleHandover', S.ACCEPTED,                  [OK,  OK,  NF,  FB,  FB,  FB,  NF,  NF,  FB,  UA]],
  ['rescheduleHandover', S.HANDOVER_SCHEDULED,      [OK,  OK,  NF,  FB,  FB,  FB,  NF,  NF,  FB,  UA]],
  ['cancelHandover', S.HANDOVER_SCHEDULED,          [OK,  OK,  NF,  FB,  FB,  FB,  NF,  NF,  FB,  UA]],
  ['recordHandoverMissed', S.HANDOVER_SCHEDULED,    [OK,  OK,  NF,  OK,  FB,  NF,  NF,  NF,  FB,  UA]],
  ['recordHandoverHeld', S.HANDOVER_SCHEDULED,      [OK,  OK,  NF,  OK,  FB,  NF,  NF,  NF,  FB,  UA]],
  ['complete', S.HANDOVER_HELD,                     [FB,  FB,  NF,  OK,  FB,  FB,  NF,  NF,  FB,  UA]],
  ['withdraw', S.DRAFT,                             [OK,  OK,  NF,  NF,  FB,  FB,  NF,  NF,  FB,  UA]],
  ['withdraw', S.SENT,                              [OK,  OK,  NF,  FB,  FB,  FB,  NF,  NF,  FB,  UA]],
];
const WHO_MAY_CASES = WHO_MAY.flatMap(([operation, at, outcomes]) =>
  ROLES.map((role, i) => ({ operation, at, role, outcome: outcomes[i]! })),
);

// --- illegal transitions (generated from the state machine) ---------------------------------------

const STATUSES = Object.values(S);
/**
 * Every (status, step) the state machine does not allow, taken by a party who may take the step
 * otherwise: the referrer for its steps and the meeting's outcome, the receiver for its own. The
 * receiver cannot see a DRAFT at all, so there it gets NOT_FOUND.
 */
const ILLEGAL = STATUSES.flatMap((status) =>
  STEP_NAMES.filter((step) => !(REFERRAL_STEPS[step].from as readonly S[]).includes(status)).map((step) => {
    const byReferrer = takenBy(step, 'refer');
    const expected = status === S.DRAFT && !byReferrer ? 'NOT_FOUND' : 'INVALID_TRANSITION';
    return [status, step, expected, byReferrer ? 'referrer' : 'receiver'] as const;
  }),
);

describe('referrals: who may do what, and when', () => {
  let api: TestApi;
  let world: World;
  // The cast, shared by the whole file.
  let network: Network;
  let referrer: Agency; // R
  let receiver: Agency; // B
  let third: Agency; // T: on the plan team, its caseworker is the supporter
  let other: Agency; // O: same network, not on the team
  let foreign: Agency; // X: another network
  let worker: Person; // R's caseworker who registers the families and drives the referrer side
  let intake: Person; // B's caseworker who drives the receiver side
  let people: Record<Exclude<Role, 'parent in the family portal' | 'no token'>, Person>;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    network = await world.network();
    referrer = await world.agency(network);
    receiver = await world.agency(network, 'SCHOOL_GUIDANCE');
    third = await world.agency(network, 'CHILD_AND_FAMILY');
    other = await world.agency(network, 'GENERAL_WELFARE');
    foreign = await world.agency(await world.network());
    worker = await world.staff(referrer);
    intake = await world.staff(receiver);
    people = {
      'referrer caseworker on the team': await world.staff(referrer),
      'trajectory supporter (third agency)': await world.staff(third),
      'unassigned referrer caseworker': await world.staff(referrer),
      'receiver caseworker (unassigned)': await world.staff(receiver),
      'receiver agency admin': receiver.admin,
      'assigned volunteer of the referrer': await world.staff(referrer, 'VOLUNTEER'),
      'caseworker of another agency (same network)': await world.staff(other),
      'caseworker of another network': await world.staff(foreign),
    };
  });
  afterAll(() => api.stop());

  // --- helpers -------------------------------------------------------------------------------------

  /** A family (Sara, and Mo aged 6 whom she speaks for) with its plan and the team around it. */
  interface Scene {
    familyId: string;
    planId: string;
    sara: string;
    mo: string;
    /** Sara's portal login. */
    saraLogin: string;
  }

  /**
   * R's worker registers the family and opens the plan; T joins the team and T's caseworker, assigned
   * by T's admin, becomes the supporter (assignTrajectorySupporter takes only an assigned caseworker);
   * R's admin assigns R's team caseworker and volunteer; Mo's parent gives B the REFERRAL consent.
   */
  async function scene(): Promise<Scene> {
    const supporter = people['trajectory supporter (third agency)'];
    const family = await world.familyWithPlan(worker, {
      members: [parent('Sara', 'Janssens'), child('Mo', 'Janssens', '2020-05-01')],
      participants: [{ agencyId: third.id, contribution: 'Trajectbegeleiding' }],
      assign: { admin: third.admin, userIds: [supporter.userId] },
    });
    const [sara, mo] = family.memberIds as [string, string];
    await api.ok(worker.subject, AssignTrajectorySupporterDocument, { input: { planId: family.planId, userId: supporter.userId } });
    await world.assign(referrer.admin, family.familyId, people['referrer caseworker on the team'].userId);
    await world.assign(referrer.admin, family.familyId, people['assigned volunteer of the referrer'].userId);
    await grant(mo, sara, receiver.id, ['REFERRAL']);
    const saraLogin = await world.portalLogin(worker, sara);
    return { familyId: family.familyId, planId: family.planId, sara, mo, saraLogin };
  }

  /** `grantor` consents, for `member`, that `agencyId` uses `categories`; recorded by R's worker. The consent's id. */
  async function grant(member: string, grantor: string, agencyId: string, categories: DataCategory[]): Promise<string> {
    const { recordConsent } = await api.ok(worker.subject, RecordConsentDocument, {
      input: {
        grantorMemberId: grantor,
        subjectMemberIds: [member],
        recipientAgencyId: agencyId,
        categories,
        purposeCode: 'REFERRAL',
        purpose: 'Doorverwijzing',
        method: 'WRITTEN',
        evidenceReference: `form-${randomUUID()}`,
      },
    });
    return recordConsent.id;
  }

  /** A valid input; `overrides` may make it invalid on purpose. */
  const createInput = (s: Scene, overrides: Record<string, unknown> = {}): CreateReferralInput => ({
    planId: s.planId,
    toAgencyId: receiver.id,
    memberIds: [s.mo],
    reason: 'Mo praat nog weinig',
    urgency: 'ROUTINE' as const,
    requestedService: 'Logopedie',
    ...overrides,
  });

  /** Takes `step` on `r` at the version it has, as `subject` (null: no token), with `overrides` on the valid input. */
  const take = (subject: string | null, step: PlatformStep, r: { id: string; version: number }, overrides: Record<string, unknown> = {}) =>
    api.gql(subject, STEP_OPS[step].document, {
      input: { referralId: r.id, expectedVersion: r.version, ...STEP_OPS[step].input(), ...overrides },
    });

  /** A new referral from R to B about Mo (or `memberIds`), driven through the API to `status`. */
  async function referralIn(s: Scene, status: S, memberIds = [s.mo]): Promise<ReferralView> {
    let r = returned(await api.gql(worker.subject, CreateHandoverReferralDocument, { input: createInput(s, { memberIds }) }));
    for (const step of PATH_TO[status]) r = returned(await take((takenBy(step, 'refer') ? worker : intake).subject, step, r));
    expect(r.status).toBe(status);
    return r;
  }

  /** The referral as R's worker reads it now. */
  const reread = async (id: string): Promise<ReferralView> => (await api.ok(worker.subject, HandoverReferralDocument, { id })).referral;

  async function expectUnchanged(before: ReferralView): Promise<void> {
    expect(stateOf(await reread(before.id))).toEqual(stateOf(before));
  }

  const subjectOf = (role: Role, s: Scene): string | null =>
    role === 'no token' ? null : role === 'parent in the family portal' ? s.saraLogin : people[role].subject;

  // ==================================================================================================
  describe('1. who may take each step', () => {
    // Two families: accepting assigns the accepting caseworker to the family, which would put B's
    // caseworker on the team of the family it then tries to refer from.
    let createScene: Scene;
    let stepScene: Scene;
    beforeAll(async () => {
      createScene = await scene();
      stepScene = await scene();
    });

    it('has a row for every step of the state machine and a column for every role', () => {
      expect(new Set(WHO_MAY.map(([operation]) => operation))).toEqual(new Set(['create', ...STEP_NAMES]));
      for (const [, , outcomes] of WHO_MAY) expect(outcomes).toHaveLength(ROLES.length);
    });

    /** What the family sees of its referrals: every one, whichever agency made it (a refused create adds none). */
    const familyCount = async (s: Scene) => (await api.ok(s.saraLogin, MyFamilyReferralsDocument)).myFamily.family.referrals.length;

    it.each(WHO_MAY_CASES.filter((c) => c.operation === 'create'))('createReferral by $role → $outcome', async ({ role, outcome }) => {
      const s = createScene;
      const before = await familyCount(s);
      const result = await api.gql(subjectOf(role, s), CreateHandoverReferralDocument, { input: createInput(s) });
      expect(codeOf(result)).toBe(outcome);
      if (outcome === OK) {
        // A referral from the caller's acting agency: the supporter refers from T.
        const person = people[role as keyof typeof people];
        expect(returned(result)).toMatchObject({
          status: S.DRAFT,
          version: 1,
          fromAgency: { id: person.agencyId },
          transitions: [{ from: null, to: S.DRAFT, actor: { id: person.userId }, actorAgency: { id: person.agencyId } }],
        });
        expect(await familyCount(s)).toBe(before + 1);
      } else {
        expect(await familyCount(s)).toBe(before);
      }
    });

    // A refusal changes nothing (asserted), so the refused roles of one row share one referral; a
    // referral that did change is not handed on. Each allowed role gets a new one.
    const shared = new Map<string, ReferralView>();

    it.each(WHO_MAY_CASES.filter((c) => c.operation !== 'create'))(
      '$operation from $at by $role → $outcome',
      async ({ operation, at, role, outcome }) => {
        const step = operation as PlatformStep;
        const row = `${operation}@${at}`;
        const before = (outcome !== OK && shared.get(row)) || (await referralIn(stepScene, at!));
        shared.delete(row);
        const result = await take(subjectOf(role, stepScene), step, before);
        expect(codeOf(result)).toBe(outcome);
        if (outcome === OK) {
          const person = people[role as keyof typeof people];
          const after = returned(result);
          expect(after).toMatchObject({ status: REFERRAL_STEPS[step].to, version: before.version + 1 });
          expect(after.transitions).toHaveLength(before.transitions.length + 1);
          expect(after.transitions.at(-1)).toEqual({
            from: at,
            to: REFERRAL_STEPS[step].to,
            actor: { id: person.userId },
            actorAgency: { id: person.agencyId },
          });
        } else {
          await expectUnchanged(before);
          shared.set(row, before);
        }
      },
    );

    // Withdrawing a draft must not show the receiver a referral (its reason, the family) that was never
    // sent to it, nor one the family never gave the REFERRAL consent for.
    it('keeps a draft withdrawn before it was sent invisible to the receiver (it never was sent)', async () => {
      // A receiver of its own, so that its incoming list holds nothing else.
      const lonely = await world.agency(network, 'MENTAL_HEALTH');
      const lonelyCaseworker = await world.staff(lonely);
      const draft = returned(await api.gql(worker.subject, CreateHandoverReferralDocument, { input: createInput(stepScene, { toAgencyId: lonely.id }) }));
      const withdrawn = returned(await take(worker.subject, 'withdraw', draft));
      expect(withdrawn.status).toBe(S.WITHDRAWN);

      const incoming = await api.ok(lonelyCaseworker.subject, IncomingReferralsDocument);
      expect(incoming.referrals.edges).toEqual([]);
      expect(codeOf(await api.gql(lonelyCaseworker.subject, HandoverReferralDocument, { id: draft.id }))).toBe(NF);
      expect(codeOf(await take(lonelyCaseworker.subject, 'receive', withdrawn))).toBe(NF);
    });
  });

  // ==================================================================================================
  describe('2. illegal transitions', () => {
    // A refused step changes nothing, so one referral per status serves every row of that status.
    let s: Scene;
    const at = {} as Record<S, ReferralView>;
    beforeAll(async () => {
      s = await scene();
      for (const status of STATUSES) at[status] = await referralIn(s, status);
    });

    it('covers every status, and every step is refused somewhere', () => {
      expect(new Set(ILLEGAL.map(([status]) => status))).toEqual(new Set(STATUSES));
      expect(new Set(ILLEGAL.map(([, step]) => step))).toEqual(new Set(STEP_NAMES));
    });

    it.each(ILLEGAL)('%s: %s → %s (by the %s)', async (status, step, expected, party) => {
      const result = await take((party === 'referrer' ? worker : intake).subject, step, at[status]);
      if (expected === 'NOT_FOUND') {
        expect(codeOf(result)).toBe(NF);
      } else {
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: status });
      }
      await expectUnchanged(at[status]);
    });

    it.each([S.ACCEPTED, S.HANDOVER_SCHEDULED])('completeReferral from %s without a held meeting → INVALID_TRANSITION', async (status) => {
      const before = await referralIn(s, status);
      const result = await take(intake.subject, 'complete', before);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: status });
      await expectUnchanged(before);
    });

    it.each([
      [S.ACCEPTED, []],
      [S.HANDOVER_SCHEDULED, ['CANCELLED']], // the meeting that will not take place
    ])('completeReferral from %s when the family declined the meeting → COMPLETED, recorded', async (status, meetings) => {
      const before = await referralIn(s, status as S);
      const done = returned(await take(intake.subject, 'complete', before, { familyDeclinedMeeting: true }));
      expect(done).toMatchObject({ status: S.COMPLETED, version: before.version + 1, familyDeclinedMeeting: true, outcome: 'SUCCESSFUL' });
      expect(done.handoverMeetings.map((m) => m.state)).toEqual(meetings);
      expect((await reread(before.id)).familyDeclinedMeeting).toBe(true);
    });
  });

  // ==================================================================================================
  describe('3. versions', () => {
    let s: Scene;
    beforeAll(async () => {
      s = await scene();
    });

    // step, the status it starts from, the expectedVersion sent relative to the real one
    const STALE: [PlatformStep, S, number][] = [
      ['send', S.DRAFT, +1],
      ['receive', S.SENT, -1],
      ['accept', S.RECEIVED, -1],
      ['decline', S.WAITLISTED, -1],
      ['scheduleHandover', S.ACCEPTED, -1],
      ['cancelHandover', S.HANDOVER_SCHEDULED, -2],
      ['recordHandoverHeld', S.HANDOVER_SCHEDULED, -1],
      ['complete', S.HANDOVER_HELD, -1],
      ['withdraw', S.SENT, -1],
    ];
    it.each(STALE)('%s from %s with expectedVersion off by %i → CONFLICT', async (step, status, off) => {
      const before = await referralIn(s, status);
      const by = takenBy(step, 'refer') ? worker : intake;
      const result = await take(by.subject, step, { id: before.id, version: before.version + off });
      expect(codeOf(result)).toBe('CONFLICT');
      await expectUnchanged(before);
    });

    it('lets exactly one of two concurrent transitions from the same version win', async () => {
      const before = await referralIn(s, S.RECEIVED);
      const results = await Promise.all([take(intake.subject, 'accept', before), take(worker.subject, 'withdraw', before)]);
      expect(results.map(codeOf).sort()).toEqual(['CONFLICT', OK]);
      const after = await reread(before.id);
      expect(after.version).toBe(before.version + 1);
      expect(after.transitions).toHaveLength(before.transitions.length + 1);
    });
  });

  // ==================================================================================================
  describe('4. bad input names the field', () => {
    let s: Scene;
    let strangerMember: string; // a member of another family of the same network
    beforeAll(async () => {
      s = await scene();
      strangerMember = (await world.family(worker, [parent('Els', 'Claes')])).memberIds[0]!;
    });

    const referralsOfFamily = async () => (await api.ok(worker.subject, FamilyReferralsDocument, { id: s.familyId })).family.referrals.length;

    // what is wrong, the field named, the input (a function: the cast exists only once beforeAll ran)
    const BAD_CREATE: [string, string, () => Record<string, unknown>][] = [
      ['toAgencyId is the own agency', 'toAgencyId', () => ({ toAgencyId: referrer.id })],
      ['toAgencyId is an agency of another network', 'toAgencyId', () => ({ toAgencyId: foreign.id })],
      ['toAgencyId is no agency', 'toAgencyId', () => ({ toAgencyId: randomUUID() })],
      ['memberIds is empty', 'memberIds', () => ({ memberIds: [] })],
      ['memberIds names a member of another family', 'memberIds', () => ({ memberIds: [s.mo, strangerMember] })],
      ['reason is empty', 'reason', () => ({ reason: '' })],
    ];
    it.each(BAD_CREATE)('createReferral: %s → BAD_USER_INPUT on %s', async (_, field, overrides) => {
      const before = await referralsOfFamily();
      const result = await api.gql(worker.subject, CreateHandoverReferralDocument, { input: createInput(s, overrides()) });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(await referralsOfFamily()).toBe(before);
    });

    interface BadStep {
      name: string;
      step: PlatformStep;
      at: S;
      overrides?: Record<string, unknown>;
      /** Left out of the input altogether: GraphQL itself refuses it (any error code). */
      omit?: string;
      /** The field named (a RegExp when either of two fields is a fair answer). */
      field?: string | RegExp;
    }
    const BAD_STEPS: BadStep[] = [
      { name: 'declineReferral without a reason', step: 'decline', at: S.RECEIVED, omit: 'reason' },
      { name: 'declineReferral with an empty reason', step: 'decline', at: S.RECEIVED, overrides: { reason: '' }, field: 'reason' },
      { name: 'withdrawReferral without a reason', step: 'withdraw', at: S.SENT, omit: 'reason' },
      { name: 'withdrawReferral with an empty reason', step: 'withdraw', at: S.SENT, overrides: { reason: '' }, field: 'reason' },
      { name: 'cancelHandover without a reason', step: 'cancelHandover', at: S.HANDOVER_SCHEDULED, omit: 'reason' },
      {
        name: 'scheduleHandover with both a location and an onlineUrl',
        step: 'scheduleHandover',
        at: S.ACCEPTED,
        overrides: { onlineUrl: 'https://meet.example.be/overdracht' },
        field: /^(location|onlineUrl)$/,
      },
      {
        name: 'scheduleHandover with neither a location nor an onlineUrl',
        step: 'scheduleHandover',
        at: S.ACCEPTED,
        overrides: { location: null },
        field: /^(location|onlineUrl)$/,
      },
      {
        name: 'scheduleHandover starting in the past',
        step: 'scheduleHandover',
        at: S.ACCEPTED,
        overrides: { startsAt: inDays(-1) },
        field: 'startsAt',
      },
      {
        name: 'scheduleHandover with a plain-http onlineUrl',
        step: 'scheduleHandover',
        at: S.ACCEPTED,
        overrides: { location: null, onlineUrl: 'http://meet.example.be/overdracht' },
        field: 'onlineUrl',
      },
      // Rescheduling ends the old meeting before checking the new one: the refusal must roll that back.
      {
        name: 'rescheduleHandover starting in the past',
        step: 'rescheduleHandover',
        at: S.HANDOVER_SCHEDULED,
        overrides: { startsAt: inDays(-1) },
        field: 'startsAt',
      },
      {
        name: 'completeReferral NOT_SUCCESSFUL without an outcomeReason',
        step: 'complete',
        at: S.HANDOVER_HELD,
        overrides: { outcome: 'NOT_SUCCESSFUL' },
        field: 'outcomeReason',
      },
    ];
    it.each(BAD_STEPS)('$name → refused, nothing changed', async ({ step, at, overrides, omit, field }) => {
      const before = await referralIn(s, at);
      const by = takenBy(step, 'refer') ? worker : intake;
      const input: Record<string, unknown> = { referralId: before.id, expectedVersion: before.version, ...STEP_OPS[step].input(), ...overrides };
      if (omit) delete input[omit];
      const result = await api.gql(by.subject, STEP_OPS[step].document, { input });
      if (field) {
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      } else {
        expect(result.errors?.length).toBeGreaterThan(0);
        expect(result.data ?? null).toBeNull();
      }
      await expectUnchanged(before);
    });

    it('receiveReferral with an externalReference already used for another referral to the same agency → CONFLICT', async () => {
      const reference = `CLB-${randomUUID()}`;
      const first = await referralIn(s, S.SENT);
      const second = await referralIn(s, S.SENT);
      expect(returned(await take(intake.subject, 'receive', first, { externalReference: reference })).externalReference).toBe(reference);

      expect(codeOf(await take(intake.subject, 'receive', second, { externalReference: reference }))).toBe('CONFLICT');
      await expectUnchanged(second);
      expect((await reread(second.id)).externalReference).toBeNull();

      // The reference is the receiving agency's own: another agency may use the same string.
      const otherCaseworker = people['caseworker of another agency (same network)'];
      await grant(s.mo, s.sara, other.id, ['REFERRAL']);
      const draft = returned(await api.gql(worker.subject, CreateHandoverReferralDocument, { input: createInput(s, { toAgencyId: other.id }) }));
      const sent = returned(await take(worker.subject, 'send', draft));
      expect(returned(await take(otherCaseworker.subject, 'receive', sent, { externalReference: reference })).externalReference).toBe(reference);
    });
  });

  // ==================================================================================================
  describe('5. the REFERRAL consent gate', () => {
    /** What Mo's side holds, besides nothing at all; Sara's REFERRAL consent to B is always there. */
    const GAPS: [string, (f: { sara: string; mo: string }) => Promise<unknown>][] = [
      ['no consent at all', async () => undefined],
      [
        'a REFERRAL consent that was revoked',
        async ({ sara, mo }) => {
          const consentId = await grant(mo, sara, receiver.id, ['REFERRAL']);
          await api.ok(worker.subject, RevokeConsentDocument, { input: { consentId, reason: 'Sara wil dit niet meer', revokedByMemberId: sara } });
        },
      ],
      ['a consent to B for PLAN only', ({ sara, mo }) => grant(mo, sara, receiver.id, ['PLAN'])],
      ['a REFERRAL consent to another agency', ({ sara, mo }) => grant(mo, sara, other.id, ['REFERRAL'])],
    ];

    it.each(GAPS)('sending about Sara and Mo with, for Mo, %s → CONSENT_REQUIRED for Mo; after his consent it sends', async (_, setUp) => {
      const family = await world.familyWithPlan(worker, { members: [parent('Sara', 'Wouters'), child('Mo', 'Wouters', '2020-05-01')] });
      const [sara, mo] = family.memberIds as [string, string];
      await grant(sara, sara, receiver.id, ['REFERRAL']);
      await setUp({ sara, mo });
      const s: Scene = { familyId: family.familyId, planId: family.planId, sara, mo, saraLogin: '' };
      const before = await referralIn(s, S.DRAFT, [sara, mo]);

      const refused = await take(worker.subject, 'send', before);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONSENT_REQUIRED', category: 'REFERRAL' });
      expect(refused.errors?.[0]?.extensions?.missingMemberIds).toEqual([mo]);
      await expectUnchanged(before);

      await grant(mo, sara, receiver.id, ['REFERRAL']);
      expect(returned(await take(worker.subject, 'send', before))).toMatchObject({ status: S.SENT, version: before.version + 1 });
    });
  });

  // ==================================================================================================
  describe('6. the handover meeting', () => {
    let s: Scene;
    beforeAll(async () => {
      s = await scene();
    });
    const states = (r: ReferralView) => r.handoverMeetings.map((m) => m.state);

    it('rescheduling keeps the earlier meeting as RESCHEDULED and plans the new one', async () => {
      const before = await referralIn(s, S.HANDOVER_SCHEDULED);
      const startsAt = inDays(12);
      const moved = returned(await take(worker.subject, 'rescheduleHandover', before, { startsAt }));
      expect(moved).toMatchObject({ status: S.HANDOVER_SCHEDULED, version: before.version + 1, handover: { state: 'SCHEDULED' } });
      expect(new Date(moved.handover!.startsAt).toISOString()).toBe(startsAt);
      expect(states(moved)).toEqual(['RESCHEDULED', 'SCHEDULED']);
      expect(moved.handoverMeetings[0]!.startsAt).toBe(before.handover!.startsAt);
    });

    it('cancelling returns to ACCEPTED with the meeting CANCELLED, and a new one can be planned', async () => {
      const before = await referralIn(s, S.HANDOVER_SCHEDULED);
      const cancelled = returned(await take(worker.subject, 'cancelHandover', before));
      expect(cancelled).toMatchObject({ status: S.ACCEPTED, version: before.version + 1, handover: { state: 'CANCELLED' } });
      expect(states(cancelled)).toEqual(['CANCELLED']);
      expect(states(returned(await take(worker.subject, 'scheduleHandover', cancelled)))).toEqual(['CANCELLED', 'SCHEDULED']);
    });

    it('a missed meeting returns to ACCEPTED with the meeting MISSED, so that a new one is planned', async () => {
      const before = await referralIn(s, S.HANDOVER_SCHEDULED);
      const missed = returned(await take(intake.subject, 'recordHandoverMissed', before));
      expect(missed).toMatchObject({ status: S.ACCEPTED, version: before.version + 1, handover: { state: 'MISSED' } });
      expect(states(missed)).toEqual(['MISSED']);
      const again = returned(await take(worker.subject, 'scheduleHandover', missed));
      expect(again).toMatchObject({ status: S.HANDOVER_SCHEDULED, handover: { state: 'SCHEDULED' } });
      expect(states(again)).toEqual(['MISSED', 'SCHEDULED']);
    });

    it('withdrawing from HANDOVER_SCHEDULED cancels the meeting', async () => {
      const before = await referralIn(s, S.HANDOVER_SCHEDULED);
      const withdrawn = returned(await take(worker.subject, 'withdraw', before));
      expect(withdrawn).toMatchObject({ status: S.WITHDRAWN, version: before.version + 1, handover: { state: 'CANCELLED' } });
      expect(states(withdrawn)).toEqual(['CANCELLED']);
    });
  });

  // ==================================================================================================
  describe("7. the family's view", () => {
    it('shows a member every referral that concerns her (referred, or speaking for a referred member); the reason only when she speaks for all', async () => {
      const fifteen = new Date();
      fifteen.setFullYear(fifteen.getFullYear() - 15);
      const family = await world.familyWithPlan(worker, {
        members: [parent('Sara', 'Maes'), child('Lien', 'Maes', fifteen.toISOString().slice(0, 10)), child('Mo', 'Maes', '2020-05-01')],
      });
      const [sara, lien, mo] = family.memberIds as [string, string, string];
      const saraLogin = await world.portalLogin(worker, sara);
      const lienLogin = await world.portalLogin(worker, lien);
      await grant(sara, sara, receiver.id, ['REFERRAL']);
      await grant(lien, lien, receiver.id, ['REFERRAL']);
      await grant(mo, sara, receiver.id, ['REFERRAL']);
      const s: Scene = { familyId: family.familyId, planId: family.planId, sara, mo, saraLogin };
      const about = async (memberIds: string[]) => (await referralIn(s, S.SENT, memberIds)).id;
      const refs = { sara: await about([sara]), mo: await about([mo]), lien: await about([lien]), lienAndMo: await about([lien, mo]) };
      const reason = createInput(s).reason;

      const seen = async (login: string) =>
        ((await api.ok(login, MyFamilyReferralReasonsDocument)).myFamily.family.referrals as { id: string; status: string; reason: string | null }[]).sort(
          (a, b) => a.id.localeCompare(b.id),
        );
      const expected = (views: [string, string | null][]) =>
        views.map(([id, shown]) => ({ id, status: S.SENT, reason: shown })).sort((a, b) => a.id.localeCompare(b.id));

      // Sara speaks for herself and Mo (6), not for Lien (15): the referral about Lien and Mo concerns her
      // through Mo, but its reason is Lien's too; Lien's own referral is not hers.
      expect(await seen(saraLogin)).toEqual(expected([[refs.sara, reason], [refs.mo, reason], [refs.lienAndMo, null]]));
      // Lien sees her own, and the one about her and Mo without its reason; not her mother's or her brother's.
      expect(await seen(lienLogin)).toEqual(expected([[refs.lien, reason], [refs.lienAndMo, null]]));
    });
  });
});
