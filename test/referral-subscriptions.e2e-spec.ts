import type { FormattedExecutionResult } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { decodeJwt } from 'jose';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import WebSocket from 'ws';
import {
  AcceptReferralDocument,
  AgencyMembershipUsersDocument,
  AssignTrajectorySupporterDocument,
  CreateReferralDocument,
  ReceiveReferralDocument,
  ReferralFamilyDocument,
  ReferralStatusChangedDetailsDocument,
  RemoveMembershipIdDocument,
  RescheduleHandoverDocument,
  ScheduleHandoverDocument,
  SendReferralDocument,
  WithdrawReferralDocument,
} from './graphql/generated.js';
import { ReferralScene } from './support/referral-scene.js';
import { type AnyDocument, codeOf, queryText, TestApi, uniqueSubject } from './support/test-app.js';
import { type Agency, type Person, parentWithTwoChildren, type World } from './support/world.js';

/**
 * Live referral events (`referralStatusChanged`, graphql-ws on /graphql): every committed step of a
 * referral is announced with Postgres NOTIFY (so to every replica) and handed to the subscriptions whose
 * caller, re-resolved from the database when the event arrives, may read the referral (policy/ability.factory.ts):
 * the referring agency's caseworkers on the family's team, the receiving agency (its caseworkers and its
 * REFERRALS_READ integration clients) only once the referral was sent, and the family in its portal. The
 * connection params stand in for the headers (Authorization, X-Acting-Agency); the stream ends when
 * the token expires.
 *
 * Synchronisation: a subscription is attached asynchronously on the server, and the protocol does not
 * acknowledge it. Before the events a test is about, each subscriber is shown to be attached by a
 * "beacon": a referral it may read, in HANDOVER_SCHEDULED, whose meeting is moved (rescheduleHandover,
 * one event each time) until the subscriber has seen one of those moves. Negative assertions ("X got
 * nothing") are made only after a subscriber who may read the same events has received them, and
 * after X was shown attached. Between the steps of a referral whose visibility changes with its status
 * (draft → sent), the test waits until a reference subscriber got the previous step: the service reads
 * the referral's attributes when the event arrives, not as they were at the step.
 *
 * One network for the file (ReferralScene): `worker` of `referrer` refers to `receiver` (its caseworker
 * `intake`), `other` is a third agency of the network. Every test makes its own referrals.
 */

/** The referral steps the tests take; each answers the referral's new version. */
const STEPS = {
  sendReferral: SendReferralDocument,
  receiveReferral: ReceiveReferralDocument,
  acceptReferral: AcceptReferralDocument,
  withdrawReferral: WithdrawReferralDocument,
  scheduleHandover: ScheduleHandoverDocument,
  rescheduleHandover: RescheduleHandoverDocument,
} satisfies Record<string, AnyDocument>;
type StepName = keyof typeof STEPS;

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const meeting = (days: number) => ({ startsAt: inDays(days), location: 'Huis van het Kind', attendees: ['FAMILY', 'REFERRER', 'RECEIVER'] });

/** One event as the subscription delivers it. */
interface Change {
  eventId: string;
  referralId: string;
  externalReference: string | null;
  from: string | null;
  to: string;
  version: number;
  occurredAt: string;
}

/** A referral a test drives, with its current version (updated by `step`). */
interface Ref {
  id: string;
  version: number;
}

/** Status steps of a referral's events, for compact expectations. */
const steps = (changes: Change[]) => changes.map((c) => [c.from, c.to, c.version]);

// --- the subscriber -------------------------------------------------------------------------------

/** One graphql-ws connection with one `referralStatusChanged` subscription, recording all it gets. */
class Subscriber {
  /** Every `next` payload, in the order received. */
  readonly results: FormattedExecutionResult<{ referralStatusChanged: Change }, unknown>[] = [];
  /** What the sink's `error` got (GraphQL errors, a close event, or an Error). */
  readonly errors: unknown[] = [];
  /** Close events of the socket (code and reason). */
  readonly closes: { code: number; reason: string }[] = [];
  /** When the stream completed (ms since the epoch), null while it runs. */
  completedAt: number | null = null;
  private readonly client: Client;
  private readonly unsubscribe: () => void;

  constructor(port: number, connectionParams: Record<string, string>, referralId?: string) {
    this.client = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      on: { closed: (event) => this.closes.push({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason) }) },
    });
    this.unsubscribe = this.client.subscribe<{ referralStatusChanged: Change }>(
      { query: queryText(ReferralStatusChangedDetailsDocument), variables: referralId ? { referralId } : {} },
      {
        next: (result) => void this.results.push(result),
        error: (error) => void this.errors.push(error),
        complete: () => void (this.completedAt = Date.now()),
      },
    );
  }

  /** The changes received, in order. */
  get changes(): Change[] {
    return this.results.flatMap((r) => (r.data?.referralStatusChanged ? [r.data.referralStatusChanged] : []));
  }

  /** The changes of one referral, in the order received. */
  of(referralId: string): Change[] {
    return this.changes.filter((c) => c.referralId === referralId);
  }

  has(ref: Ref, version = ref.version): boolean {
    return this.changes.some((c) => c.referralId === ref.id && c.version === version);
  }

  /** Polls `predicate` until it holds (true) or `timeoutMs` passed (false). */
  async waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  /** Like waitFor, but fails the test with what was received when `predicate` does not come true. */
  async until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (!(await this.waitFor(predicate, timeoutMs))) {
      throw new Error(`Timed out waiting for ${what}; received ${JSON.stringify({ results: this.results, errors: this.errors, closes: this.closes, completedAt: this.completedAt })}`);
    }
  }

  /** Waits until the event of `ref` at `version` (default: its current one) arrived. */
  got(ref: Ref, version = ref.version): Promise<void> {
    return this.until(() => this.has(ref, version), `version ${version} of referral ${ref.id}`);
  }

  /** Waits until the subscription ended with an error or a completion (a refused subscription). */
  ended(): Promise<void> {
    return this.until(() => this.completedAt !== null || this.errors.length > 0, 'the end of the subscription');
  }

  async dispose(): Promise<void> {
    this.unsubscribe();
    await this.client.dispose();
  }
}

// --- the tests ------------------------------------------------------------------------------------

describe('referralStatusChanged: live referral events, for whoever may read the referral when it happens', () => {
  let api: TestApi;
  let port: number;
  let db: DataSource;
  let scene: ReferralScene;
  let world: World;
  /** A caseworker of the third agency, `other`. */
  let otherWorker: Person;
  /** Beacon of the worker's referral to the receiver: seen by the worker, receiver caseworkers and receiver clients. */
  let toReceiver: Beacon;
  /** Beacon of the worker's referral to `other`: seen by the worker and by `other`'s caseworkers and clients. */
  let toOther: Beacon;
  /** Subscribers opened by the running test; disposed after it. */
  let open: Subscriber[] = [];

  beforeAll(async () => {
    api = await TestApi.start();
    port = api.port;
    db = api.db;
    scene = await ReferralScene.create(api);
    world = scene.world;
    otherWorker = await world.staff(scene.other);
    toReceiver = await Beacon.create({ referrer: scene.worker, to: scene.receiver, intake: scene.intake });
    toOther = await Beacon.create({ referrer: scene.worker, to: scene.other, intake: otherWorker });
  }, 120_000);

  afterEach(async () => {
    await Promise.all(open.map((s) => s.dispose()));
    open = [];
  });

  afterAll(() => api.stop());

  // ---- helpers -----------------------------------------------------------------------------------

  /** Subscribes with `token` (null: no Authorization) and extra connection params, on `onPort` (default: this file's app). */
  function subscribeWith(token: string | null, options: { referralId?: string; params?: Record<string, string>; onPort?: number } = {}): Subscriber {
    const params = { ...(token === null ? {} : { Authorization: `Bearer ${token}` }), ...options.params };
    const subscriber = new Subscriber(options.onPort ?? port, params, options.referralId);
    open.push(subscriber);
    return subscriber;
  }

  /** Subscribes as `person` with a development token valid for an hour. */
  async function subscribe(person: Person | string, options: { referralId?: string; params?: Record<string, string>; onPort?: number } = {}) {
    return subscribeWith(await TestApi.token(typeof person === 'string' ? person : person.subject), options);
  }

  /** An integration client's access token (client-credentials grant). */
  async function clientToken(client: { id: string; secret: string }): Promise<string> {
    const res = await request(api.app.getHttpServer())
      .post('/oauth/token')
      .send({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  }

  /** `actor` takes one step of `ref` (through `via`, default this file's app); `ref.version` follows. */
  async function step(actor: Person, name: StepName, ref: Ref, extra: Record<string, unknown> = {}, via: TestApi = api): Promise<Ref> {
    const data = await via.ok(actor.subject, STEPS[name] as AnyDocument, { input: { referralId: ref.id, expectedVersion: ref.version, ...extra } });
    expect(data[name].version).toBe(ref.version + 1);
    ref.version = data[name].version;
    return ref;
  }

  /**
   * A DRAFT referral by `referrer` to `to`: for the first child of a new family of `referrer` (who
   * consented to it), or for `about` (members of an existing plan whose REFERRAL consent is given).
   */
  async function draft(referrer: Person, to: Agency, about?: { planId: string; memberIds: string[] }): Promise<Ref> {
    let target = about;
    if (!target) {
      const f = await world.familyWithPlan(referrer, { members: parentWithTwoChildren() });
      const child = f.memberIds[1]!;
      await world.consentAll(referrer, { id: f.familyId, members: f.members.filter((m) => m.id === child), memberIds: [child] }, to.id, ['REFERRAL']);
      target = { planId: f.planId, memberIds: [child] };
    }
    const { createReferral } = await api.ok(referrer.subject, CreateReferralDocument, {
      input: { planId: target.planId, toAgencyId: to.id, memberIds: target.memberIds, reason: 'Schoolproblemen', urgency: 'ROUTINE', requestedService: 'Begeleiding' },
    });
    expect(createReferral.version).toBe(1);
    return { id: createReferral.id, version: 1 };
  }

  /**
   * A referral in HANDOVER_SCHEDULED whose meeting `referrer` moves on each `pulse()`: one event
   * (HANDOVER_SCHEDULED → HANDOVER_SCHEDULED) per pulse, as often as needed.
   */
  class Beacon implements Ref {
    private constructor(
      readonly id: string,
      public version: number,
      private readonly referrer: Person,
    ) {}

    static async create(options: { referrer: Person; to: Agency; intake: Person; about?: { planId: string; memberIds: string[] } }): Promise<Beacon> {
      const ref = await draft(options.referrer, options.to, options.about);
      await step(options.referrer, 'sendReferral', ref);
      await step(options.intake, 'receiveReferral', ref);
      await step(options.intake, 'acceptReferral', ref);
      await step(options.referrer, 'scheduleHandover', ref, meeting(7));
      return new Beacon(ref.id, ref.version, options.referrer);
    }

    /** Moves the meeting: one new event; its version. */
    async pulse(): Promise<number> {
      await step(this.referrer, 'rescheduleHandover', this, meeting(8));
      return this.version;
    }
  }

  /**
   * Proves that each subscriber's subscription is attached on the server: pulses `beacon` (which they
   * may all read) until every one of them has received one of these pulses.
   */
  async function attach(beacon: Beacon, ...subscribers: Subscriber[]): Promise<void> {
    const pulsed: number[] = [];
    const seen = (s: Subscriber) => s.of(beacon.id).some((c) => pulsed.includes(c.version));
    for (let attempt = 0; attempt < 5; attempt++) {
      pulsed.push(await beacon.pulse());
      if (await subscribers[0]!.waitFor(() => subscribers.every(seen), 2_000)) return;
    }
    throw new Error(`Subscribers not attached after 5 pulses of ${beacon.id}: ${JSON.stringify(subscribers.map((s) => ({ results: s.results, errors: s.errors, closes: s.closes })))}`);
  }

  /** The event rows of a referral as the database holds them: outbox event and transition, by version. */
  async function storedEvents(referralId: string): Promise<{ eventId: string; version: number; from: string | null; to: string; at: Date; occurredAt: Date }[]> {
    const rows: { event_id: string; version: number; from_status: string | null; to_status: string; at: Date; occurred_at: Date }[] = await db.query(
      `SELECT o.id AS event_id, t.version, t.from_status, t.to_status, t.at, o.occurred_at
         FROM referral_transition t JOIN outbox_event o ON o.referral_id = t.referral_id AND o.version = t.version
        WHERE t.referral_id = $1 ORDER BY t.version`,
      [referralId],
    );
    return rows.map((r) => ({ eventId: r.event_id, version: r.version, from: r.from_status, to: r.to_status, at: r.at, occurredAt: r.occurred_at }));
  }

  /**
   * How a refused subscription ends, as graphql-ws delivers it: the guard's error comes as the one
   * `next` payload (GraphQL errors, no data), followed by `complete`; the sink's `error` is not called
   * and no event follows. Returns the errors' codes and messages.
   */
  async function refusal(subscriber: Subscriber): Promise<{ code: unknown; message: string }[]> {
    await subscriber.ended();
    expect(subscriber.completedAt).not.toBeNull();
    expect(subscriber.errors).toEqual([]);
    expect(subscriber.results).toEqual([{ errors: [expect.objectContaining({ path: ['referralStatusChanged'] })] }]);
    return subscriber.results[0]!.errors!.map((e) => ({ code: e.extensions?.code, message: e.message }));
  }

  // ---- 1. the referring side -----------------------------------------------------------------------

  it("the referring caseworker receives every step of its referral, its creation included, with the outbox event's id and the transition's time", async () => {
    const worker = await subscribe(scene.worker);
    await attach(toReceiver, worker);

    const ref = await draft(scene.worker, scene.receiver);
    await step(scene.worker, 'sendReferral', ref);
    await step(scene.intake, 'receiveReferral', ref, { externalReference: `CLB-${ref.id.slice(0, 8)}` });
    await step(scene.intake, 'acceptReferral', ref);
    await worker.got(ref, 4);

    const stored = await storedEvents(ref.id);
    expect(stored.map((e) => [e.from, e.to, e.version])).toEqual([
      [null, 'DRAFT', 1],
      ['DRAFT', 'SENT', 2],
      ['SENT', 'RECEIVED', 3],
      ['RECEIVED', 'ACCEPTED', 4],
    ]);
    const reference = `CLB-${ref.id.slice(0, 8)}`;
    // Exactly one delivery per step, in order, each the outbox event of that version at the transition's time.
    expect(worker.of(ref.id)).toEqual(
      stored.map((e) => ({
        eventId: e.eventId,
        referralId: ref.id,
        externalReference: e.version >= 3 ? reference : null,
        from: e.from,
        to: e.to,
        version: e.version,
        occurredAt: e.at.toISOString(),
      })),
    );
    expect(stored.every((e) => e.occurredAt.getTime() === e.at.getTime())).toBe(true);
  }, 60_000);

  it('a step is announced once: not again when repeated with its idempotency key, not at all when refused', async () => {
    const worker = await subscribe(scene.worker);
    await attach(toReceiver, worker);
    const ref = await draft(scene.worker, scene.receiver);
    await worker.got(ref);

    const send = { input: { referralId: ref.id, expectedVersion: 1, idempotencyKey: `send-${ref.id}` } };
    expect((await api.ok(scene.worker.subject, SendReferralDocument, send)).sendReferral.version).toBe(2);
    expect((await api.ok(scene.worker.subject, SendReferralDocument, send)).sendReferral.version).toBe(2); // the replay
    const stale = await api.gql(scene.worker.subject, WithdrawReferralDocument, { input: { referralId: ref.id, expectedVersion: 1, reason: 'Oud' } });
    expect(codeOf(stale)).toBe('CONFLICT');
    ref.version = 2;
    await step(scene.worker, 'withdrawReferral', ref, { reason: 'Niet meer nodig' });
    await worker.got(ref, 3);

    expect(steps(worker.of(ref.id))).toEqual([
      [null, 'DRAFT', 1],
      ['DRAFT', 'SENT', 2],
      ['SENT', 'WITHDRAWN', 3],
    ]);
    expect((await storedEvents(ref.id)).map((e) => e.eventId)).toEqual(worker.of(ref.id).map((c) => c.eventId));
  }, 60_000);

  // ---- 2. the receiving side -----------------------------------------------------------------------

  it("the receiving agency's caseworker sees a referral from SENT on: not its draft's creation, not a draft withdrawn before sending", async () => {
    const worker = await subscribe(scene.worker);
    const intake = await subscribe(scene.intake);
    await attach(toReceiver, worker, intake);

    // A draft withdrawn unsent: never the receiver's business.
    const unsent = await draft(scene.worker, scene.receiver);
    await worker.got(unsent);
    await step(scene.worker, 'withdrawReferral', unsent, { reason: 'Toch niet nodig' });
    await worker.got(unsent);

    // A draft that is sent: the receiver follows it from SENT (each step waits for the worker's copy of the last).
    const sent = await draft(scene.worker, scene.receiver);
    await worker.got(sent);
    await step(scene.worker, 'sendReferral', sent);
    await worker.got(sent);
    await step(scene.intake, 'receiveReferral', sent);
    await worker.got(sent);
    await step(scene.intake, 'acceptReferral', sent);
    await worker.got(sent);
    await intake.got(sent);

    expect(steps(worker.of(unsent.id))).toEqual([
      [null, 'DRAFT', 1],
      ['DRAFT', 'WITHDRAWN', 2],
    ]);
    expect(intake.of(unsent.id)).toEqual([]);
    expect(steps(intake.of(sent.id))).toEqual([
      ['DRAFT', 'SENT', 2],
      ['SENT', 'RECEIVED', 3],
      ['RECEIVED', 'ACCEPTED', 4],
    ]);
    // The same events as the referring side got, not copies with other ids.
    expect(intake.of(sent.id)).toEqual(worker.of(sent.id).slice(1));
  }, 60_000);

  // ---- 3. one referral -----------------------------------------------------------------------------

  it('with referralId, only the events of that referral are delivered', async () => {
    const followed = await Beacon.create({ referrer: scene.worker, to: scene.receiver, intake: scene.intake });
    const another = await draft(scene.worker, scene.receiver);
    const one = await subscribe(scene.worker, { referralId: followed.id });
    const all = await subscribe(scene.worker);
    await attach(followed, one);
    await attach(toReceiver, all);

    await step(scene.worker, 'sendReferral', another);
    await followed.pulse();
    await all.got(another);
    await all.got(followed);
    await one.got(followed);

    // `all` may also catch the draft's creation (its notice can arrive just after `all` subscribed); it got
    // the sending exactly once.
    expect(all.of(another.id).filter((c) => c.to === 'SENT')).toHaveLength(1);
    expect(one.of(another.id)).toEqual([]);
    // Nor the pulses of the other beacon, which came while `one` was attached.
    expect(all.of(toReceiver.id).length).toBeGreaterThan(0);
    expect(one.of(toReceiver.id)).toEqual([]);
    expect(one.changes.every((c) => c.referralId === followed.id)).toBe(true);
  }, 60_000);

  // ---- 4. who may not --------------------------------------------------------------------------------

  it("neither another agency's caseworker, nor a caseworker of the referring agency who is not on the family's team, nor one of its volunteers receives a referral's events", async () => {
    // Both are attached by a referral they may read: `other` receives the worker's referrals too, and the
    // outsider refers a family of its own.
    const outsider = await world.staff(scene.referrer);
    const outsiderBeacon = await Beacon.create({ referrer: outsider, to: scene.receiver, intake: scene.intake });
    const worker = await subscribe(scene.worker);
    const otherAgency = await subscribe(otherWorker);
    const notOnTeam = await subscribe(outsider);
    // A volunteer may subscribe (she reads the referrals she accompanies as bridge figure), and gets no other.
    const volunteer = await subscribe(await world.staff(scene.referrer, 'VOLUNTEER'));
    await attach(toReceiver, worker);
    await attach(toOther, otherAgency);
    await attach(outsiderBeacon, notOnTeam);

    const ref = await draft(scene.worker, scene.receiver);
    await step(scene.worker, 'sendReferral', ref);
    await step(scene.intake, 'receiveReferral', ref);
    await worker.got(ref, 3);

    expect(steps(worker.of(ref.id))).toEqual([
      [null, 'DRAFT', 1],
      ['DRAFT', 'SENT', 2],
      ['SENT', 'RECEIVED', 3],
    ]);
    expect(otherAgency.of(ref.id)).toEqual([]);
    expect(notOnTeam.of(ref.id)).toEqual([]);
    expect(volunteer.of(ref.id)).toEqual([]);
    expect(volunteer.completedAt).toBeNull();
    // Nor the worker's beacon to the receiver, which neither may read.
    expect(otherAgency.of(toReceiver.id)).toEqual([]);
    expect(notOnTeam.of(toReceiver.id)).toEqual([]);
  }, 60_000);

  it("the plan's trajectory supporter from a third agency receives the events of the family's referrals, from the draft on, and no others", async () => {
    const supporter = await world.staff(scene.other);
    const family = await world.familyWithPlan(scene.worker, {
      members: parentWithTwoChildren(),
      participants: [{ agencyId: scene.other.id, contribution: 'Trajectbegeleiding' }],
      assign: { admin: scene.other.admin, userIds: [supporter.userId] },
    });
    await api.ok(scene.worker.subject, AssignTrajectorySupporterDocument, { input: { planId: family.planId, userId: supporter.userId } });
    await world.consentAll(scene.worker, { id: family.familyId, members: family.members, memberIds: family.memberIds }, scene.receiver.id, ['REFERRAL']);
    const [, lien, mo] = family.memberIds as [string, string, string];
    const familyBeacon = await Beacon.create({ referrer: scene.worker, to: scene.receiver, intake: scene.intake, about: { planId: family.planId, memberIds: [lien] } });

    const supporting = await subscribe(supporter);
    const worker = await subscribe(scene.worker);
    await attach(familyBeacon, supporting, worker);

    const ref = await draft(scene.worker, scene.receiver, { planId: family.planId, memberIds: [mo] });
    await step(scene.worker, 'sendReferral', ref);
    const pulse = await toReceiver.pulse(); // a referral of another family
    await supporting.got(ref, 2);
    await worker.got(toReceiver, pulse);

    expect(steps(supporting.of(ref.id))).toEqual([
      [null, 'DRAFT', 1],
      ['DRAFT', 'SENT', 2],
    ]);
    expect(supporting.of(toReceiver.id)).toEqual([]);
  }, 90_000);

  it('the family receives, in its portal, the events of the referrals about the members it speaks for (a parent not those of a child of 12 or older)', async () => {
    const family = await world.familyWithPlan(scene.worker, { members: parentWithTwoChildren() });
    const [sara, lien, mo] = family.memberIds as [string, string, string];
    await world.consentAll(scene.worker, { id: family.familyId, members: family.members, memberIds: family.memberIds }, scene.receiver.id, ['REFERRAL']);
    const saraLogin = uniqueSubject('sara');
    const lienLogin = uniqueSubject('lien');
    await world.portalLogin(scene.worker, sara, saraLogin);
    await world.portalLogin(scene.worker, lien, lienLogin);
    const aboutLien = { planId: family.planId, memberIds: [lien] };
    const lienBeacon = await Beacon.create({ referrer: scene.worker, to: scene.receiver, intake: scene.intake, about: aboutLien });
    const moBeacon = await Beacon.create({ referrer: scene.worker, to: scene.receiver, intake: scene.intake, about: { planId: family.planId, memberIds: [mo] } });

    const lienSubscriber = await subscribe(lienLogin);
    const saraSubscriber = await subscribe(saraLogin);
    await attach(lienBeacon, lienSubscriber);
    await attach(moBeacon, saraSubscriber);

    // A new referral about Lien: she follows it from its draft on; her mother, who does not speak for her, does not.
    const ref = await draft(scene.worker, scene.receiver, aboutLien);
    await step(scene.worker, 'sendReferral', ref);
    await lienSubscriber.got(ref, 2);
    await moBeacon.pulse();
    await saraSubscriber.got(moBeacon);

    expect(steps(lienSubscriber.of(ref.id))).toEqual([
      [null, 'DRAFT', 1],
      ['DRAFT', 'SENT', 2],
    ]);
    expect(saraSubscriber.of(ref.id)).toEqual([]);
    expect(saraSubscriber.of(lienBeacon.id)).toEqual([]);
    // Lien does not speak for her brother.
    expect(lienSubscriber.of(moBeacon.id)).toEqual([]);
  }, 90_000);

  // ---- 5. refused subscriptions ------------------------------------------------------------------------

  // In development (tests sign with AUTH_DEV_SECRET) the refusal names the secret the service uses.
  const INVALID =
    'The bearer token is invalid or expired (development: this service verifies tokens with AUTH_DEV_SECRET; `npm run token` must run with the same DATA_DIR and AUTH_DEV_SECRET)';
  it.each([
    ['without a token', async () => null, 'A valid bearer token is required'],
    ['with a token that is not a JWT', async () => 'not-a-jwt', INVALID],
    ['with a token signed with another secret', async () => TestApi.token(scene.worker.subject, { secret: 'another-secret-of-at-least-32-bytes!!' }), INVALID],
    ['with an expired token', async () => TestApi.token(scene.worker.subject, { expiresIn: '10s ago' }), INVALID],
  ])('a subscription %s is refused with UNAUTHENTICATED', async (_, makeToken, message) => {
    const refused = subscribeWith(await makeToken());

    expect(await refusal(refused)).toEqual([{ code: 'UNAUTHENTICATED', message }]);
  });

  it.each([
    ['an integration client without REFERRALS_READ', async () => clientToken(await scene.client(null, ['REFERRALS_WRITE']))],
    ["the receiving agency's admin", async () => TestApi.token(scene.receiver.admin.subject)],
    ['a valid token of a subject that is no user', async () => TestApi.token(uniqueSubject('stranger'))],
  ])('%s, who may read no referral, may not subscribe (FORBIDDEN)', async (_, makeToken) => {
    const refused = subscribeWith(await makeToken());

    expect(await refusal(refused)).toEqual([{ code: 'FORBIDDEN', message: 'You may not read a Referral' }]);
  });

  it('X-Acting-Agency in the connection params chooses the agency a member of two agencies subscribes for (without it: FORBIDDEN)', async () => {
    const subject = uniqueSubject('two-hats');
    await world.member(scene.receiver.admin.subject, scene.receiver.id, 'CASEWORKER', subject);
    await world.member(scene.other.admin.subject, scene.other.id, 'CASEWORKER', subject);

    const undecided = await subscribe(subject);
    expect(await refusal(undecided)).toEqual([{ code: 'FORBIDDEN', message: 'Choose the agency you act for with the X-Acting-Agency header' }]);

    const asReceiver = await subscribe(subject, { params: { 'X-Acting-Agency': scene.receiver.id } });
    const asOther = await subscribe(subject, { params: { 'X-Acting-Agency': scene.other.id } });
    await attach(toReceiver, asReceiver);
    await attach(toOther, asOther);
    await toReceiver.pulse();
    await asReceiver.got(toReceiver);

    expect(asReceiver.of(toOther.id)).toEqual([]);
    expect(asOther.of(toReceiver.id)).toEqual([]);
  }, 60_000);

  // ---- 6. rights are checked per event ------------------------------------------------------------------

  it("a referring caseworker assigned to the family mid-stream receives the referral's steps from then on", async () => {
    const joining = await world.staff(scene.referrer);
    const ownBeacon = await Beacon.create({ referrer: joining, to: scene.receiver, intake: scene.intake });
    const worker = await subscribe(scene.worker);
    const subscriber = await subscribe(joining);
    await attach(toReceiver, worker);
    await attach(ownBeacon, subscriber);

    const ref = await draft(scene.worker, scene.receiver);
    await step(scene.worker, 'sendReferral', ref);
    await worker.got(ref, 2);
    const { referral } = await api.ok(scene.worker.subject, ReferralFamilyDocument, { id: ref.id });
    await world.assign(scene.referrer.admin, referral.familyId, joining.userId);
    await step(scene.intake, 'receiveReferral', ref);
    await worker.got(ref, 3);
    await subscriber.got(ref, 3);

    expect(steps(subscriber.of(ref.id))).toEqual([['SENT', 'RECEIVED', 3]]);
  }, 60_000);

  it("a receiving caseworker whose membership ends mid-stream receives no further events", async () => {
    const leaving = await world.staff(scene.receiver);
    const worker = await subscribe(scene.worker);
    const subscriber = await subscribe(leaving);
    await attach(toReceiver, worker, subscriber);

    const ref = await draft(scene.worker, scene.receiver);
    await worker.got(ref);
    await step(scene.worker, 'sendReferral', ref);
    await subscriber.got(ref); // while a member: received

    const { memberships } = await api.ok(scene.receiver.admin.subject, AgencyMembershipUsersDocument, { a: scene.receiver.id });
    const membershipId = memberships.edges.find((e) => e.node.user?.id === leaving.userId)!.node.id;
    await api.ok(scene.receiver.admin.subject, RemoveMembershipIdDocument, { id: membershipId });

    await step(scene.worker, 'withdrawReferral', ref, { reason: 'Het gezin verhuist' });
    const pulse = await toReceiver.pulse();
    await worker.got(ref, 3);
    await worker.got(toReceiver, pulse);

    expect(steps(subscriber.of(ref.id))).toEqual([['DRAFT', 'SENT', 2]]);
    expect(subscriber.has(toReceiver, pulse)).toBe(false);
  }, 60_000);

  it('an integration client revoked mid-stream receives no further events, though its token has not expired', async () => {
    const client = await scene.client(null, ['REFERRALS_READ']);
    const worker = await subscribe(scene.worker);
    const subscriber = subscribeWith(await clientToken(client));
    await attach(toReceiver, worker, subscriber);

    const ref = await draft(scene.worker, scene.receiver);
    await worker.got(ref);
    await step(scene.worker, 'sendReferral', ref);
    await subscriber.got(ref); // while in force: received

    await db.transaction(async (em) => {
      await em.query(`SELECT set_config('app.actor_subject', 'test-fixture', true)`);
      await em.query(`UPDATE integration_client SET revoked_at = now() WHERE id = $1`, [client.id]);
    });

    await step(scene.worker, 'withdrawReferral', ref, { reason: 'Het gezin verhuist' });
    const pulse = await toReceiver.pulse();
    await worker.got(ref, 3);
    await worker.got(toReceiver, pulse);

    expect(steps(subscriber.of(ref.id))).toEqual([['DRAFT', 'SENT', 2]]);
    expect(subscriber.has(toReceiver, pulse)).toBe(false);
  }, 60_000);

  // ---- 7. integration clients ------------------------------------------------------------------------------

  it("the receiving agency's REFERRALS_READ client follows a referral from SENT on; another agency's client does not", async () => {
    const ours = subscribeWith(await clientToken(await scene.client(null, ['REFERRALS_READ'])));
    const theirs = subscribeWith(await clientToken(await scene.client(null, ['REFERRALS_READ'], scene.other)));
    const worker = await subscribe(scene.worker);
    await attach(toReceiver, worker, ours);
    await attach(toOther, theirs);

    const ref = await draft(scene.worker, scene.receiver);
    await worker.got(ref);
    await step(scene.worker, 'sendReferral', ref);
    await worker.got(ref);
    await step(scene.intake, 'receiveReferral', ref, { externalReference: `DOS-${ref.id.slice(0, 8)}` });
    await worker.got(ref);
    await step(scene.intake, 'acceptReferral', ref);
    await worker.got(ref);
    await ours.got(ref);

    expect(ours.of(ref.id).map((c) => [c.from, c.to, c.version, c.externalReference])).toEqual([
      ['DRAFT', 'SENT', 2, null],
      ['SENT', 'RECEIVED', 3, `DOS-${ref.id.slice(0, 8)}`],
      ['RECEIVED', 'ACCEPTED', 4, `DOS-${ref.id.slice(0, 8)}`],
    ]);
    expect(ours.of(ref.id)).toEqual(worker.of(ref.id).slice(1));
    expect(theirs.of(ref.id)).toEqual([]);
    expect(theirs.of(toReceiver.id)).toEqual([]);
  }, 60_000);

  // ---- 8. across processes --------------------------------------------------------------------------------

  it('a step taken through another instance of the service reaches the subscribers of this one, and the other way round (LISTEN/NOTIFY)', async () => {
    const api2 = await TestApi.startOwn();
    try {
      const onFirst = await subscribe(scene.worker);
      const onSecond = await subscribe(scene.worker, { onPort: api2.port });
      await attach(toReceiver, onFirst, onSecond);

      const ref = await draft(scene.worker, scene.receiver);
      await onFirst.got(ref);
      await step(scene.worker, 'sendReferral', ref, {}, api2); // written by the second instance
      await onFirst.got(ref);
      await step(scene.intake, 'receiveReferral', ref, {}, api); // written by the first
      await onSecond.got(ref);
      await onFirst.got(ref);

      const stored = await storedEvents(ref.id);
      expect(stored.map((e) => e.version)).toEqual([1, 2, 3]);
      // Once each, on both instances, the same events.
      expect(onFirst.of(ref.id).map((c) => [c.eventId, c.to])).toEqual(stored.map((e) => [e.eventId, e.to]));
      expect(onSecond.of(ref.id)).toEqual(onFirst.of(ref.id));
    } finally {
      await Promise.all(open.map((s) => s.dispose()));
      open = [];
      await api2.stop();
    }
  }, 90_000);

  // ---- 9. token expiry ---------------------------------------------------------------------------------------

  it('the stream completes when the token expires, and nothing is delivered after', async () => {
    const token = await TestApi.token(scene.worker.subject, { expiresIn: '3s' });
    const expiresAt = decodeJwt(token).exp! * 1000;
    const expiring = subscribeWith(token);
    const worker = await subscribe(scene.worker);
    await attach(toReceiver, expiring, worker);
    expect(expiring.completedAt).toBeNull();

    await expiring.until(() => expiring.completedAt !== null, 'completion at expiry', expiresAt - Date.now() + 3_000);
    // Not before the expiry (a timer may fire a few ms early against the wall clock), and soon after it.
    expect(expiring.completedAt!).toBeGreaterThanOrEqual(expiresAt - 50);
    expect(expiring.completedAt!).toBeLessThan(expiresAt + 2_000);
    expect(expiring.errors).toEqual([]);

    const received = expiring.results.length;
    const pulse = await toReceiver.pulse();
    await worker.got(toReceiver, pulse);
    expect(expiring.results).toHaveLength(received);
    expect(expiring.has(toReceiver, pulse)).toBe(false);
  }, 60_000);
});
