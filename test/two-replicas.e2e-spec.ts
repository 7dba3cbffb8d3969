import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { LiveReferrals } from './support/live-referrals.js';
import type { ReferralScene } from './support/referral-scene.js';
import type { ServiceProcess } from './support/service-process.js';
import type { WebhookReceiver } from './support/webhook-receiver.js';
import { WebhookStage } from './support/webhook-stage.js';

/**
 * Two replicas (issue 7, point 4): two service processes on one database, both with a webhook worker,
 * work as one service. Each event is delivered once (a queue job is taken by one worker), a step taken
 * on one replica reaches the subscriptions on the other (LISTEN/NOTIFY), an idempotency key sent to both
 * has one effect, and of two steps on the same version through the two replicas one wins and the other
 * is CONFLICT.
 *
 * The database is a scratch one: no worker of another test file takes these jobs.
 */

const INPUT: Record<string, string> = {
  sendReferral: 'SendReferralInput',
  receiveReferral: 'ReceiveReferralInput',
  acceptReferral: 'AcceptReferralInput',
  scheduleHandover: 'ScheduleHandoverInput',
  rescheduleHandover: 'RescheduleHandoverInput',
};
const RECEIVER_STEPS = new Set(['receiveReferral', 'acceptReferral']);
const meeting = (days: number) => ({
  startsAt: new Date(Date.now() + days * 86_400_000).toISOString(),
  location: 'Huis van het Kind',
  attendees: ['FAMILY', 'REFERRER', 'RECEIVER'],
});

describe('two replicas on one database', () => {
  let stage: WebhookStage;
  let db: DataSource;
  let scene: ReferralScene;
  let hook: WebhookReceiver;
  let clientId: string;
  let a: ServiceProcess;
  let b: ServiceProcess;
  let live: LiveReferrals | undefined;

  /** One step of a referral through `replica`, as the party whose step it is; the response body. */
  async function step(replica: ServiceProcess, name: string, input: Record<string, unknown>) {
    const actor = RECEIVER_STEPS.has(name) ? scene.intake : scene.worker;
    const { body } = await replica.request(actor.subject, `mutation($input: ${INPUT[name]}!) { ${name}(input: $input) { version } }`, { input });
    return body;
  }

  /** Like step, but fails on an error; the new version. */
  async function stepOk(replica: ServiceProcess, name: string, input: Record<string, unknown>): Promise<number> {
    const body = await step(replica, name, input);
    if (body.errors?.length) throw new Error(`${name}: ${JSON.stringify(body.errors)}`);
    return body.data![name].version;
  }

  beforeAll(async () => {
    stage = await WebhookStage.create('two_replicas');
    ({ db, scene, hook } = stage);
    clientId = (await scene.client(hook.url)).id;
    const env = { WEBHOOK_RETRY_DELAY_SECONDS: '1', WEBHOOK_TIMEOUT_SECONDS: '5' };
    [a, b] = [await stage.service(env), await stage.service(env)];
    // Started together: migrations and the queue's creation must cope with a second replica starting at once.
    await Promise.all([a.start(), b.start()]);
  }, 180_000);

  afterAll(async () => {
    await live?.dispose();
    await a?.kill();
    await b?.kill();
    await stage?.stop();
  });

  it('delivers each event once, though both replicas work the queue', async () => {
    const referrals = await Promise.all(Array.from({ length: 6 }, () => scene.draft()));
    // Steps alternate between the replicas; the referrals advance side by side.
    await Promise.all(
      referrals.map(async ({ id }, i) => {
        const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
        let version = await stepOk(first, 'sendReferral', { referralId: id, expectedVersion: 1 });
        version = await stepOk(second, 'receiveReferral', { referralId: id, expectedVersion: version });
        await stepOk(first, 'acceptReferral', { referralId: id, expectedVersion: version });
      }),
    );
    const ids = referrals.map((r) => r.id);
    const events: { id: string }[] = await db.query(`SELECT id FROM outbox_event WHERE referral_id = ANY($1) AND version >= 2`, [ids]);
    expect(events).toHaveLength(18);

    await hook.until(async () => {
      const [{ pending }] = await db.query(`SELECT count(*)::int AS pending FROM webhook_delivery WHERE client_id = $1 AND state <> 'DELIVERED'`, [clientId]);
      return pending === 0;
    }, 60_000);
    // Late duplicates would come within a poll or two of a worker: wait for quiet (ten polls, as service
    // processes in tests poll every 100 ms) before counting.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const received = ids.flatMap((id) => hook.eventsOf(id).map((e) => e.id));
    expect(received.sort()).toEqual(events.map((e) => e.id).sort());
    const attempts: { n: number }[] = await db.query(
      `SELECT count(*)::int AS n FROM webhook_attempt t JOIN webhook_delivery d ON d.id = t.delivery_id WHERE d.client_id = $1 GROUP BY d.id`,
      [clientId],
    );
    expect(attempts.every((x) => x.n === 1)).toBe(true);
  }, 120_000);

  it('a step taken on one replica reaches a subscription on the other (LISTEN/NOTIFY)', async () => {
    const { id } = await scene.draft();
    let version = await stepOk(a, 'sendReferral', { referralId: id, expectedVersion: 1 });
    version = await stepOk(a, 'receiveReferral', { referralId: id, expectedVersion: version });
    version = await stepOk(a, 'acceptReferral', { referralId: id, expectedVersion: version });
    version = await stepOk(a, 'scheduleHandover', { referralId: id, expectedVersion: version, ...meeting(7) });

    live = await LiveReferrals.open(a.port, scene.worker.subject, id);
    // The subscription attaches asynchronously (the protocol does not acknowledge it): move the meeting
    // through B until A's subscriber has seen one of those moves.
    let seen = false;
    for (let attempt = 0; attempt < 20 && !seen; attempt++) {
      version = await stepOk(b, 'rescheduleHandover', { referralId: id, expectedVersion: version, ...meeting(8) });
      seen = await live.waitFor(id, version, 2_000);
    }
    expect(seen).toBe(true);
    version = await stepOk(b, 'rescheduleHandover', { referralId: id, expectedVersion: version, ...meeting(9) });
    expect(await live.waitFor(id, version, 10_000)).toBe(true);
    expect(live.changes.filter((c) => c.version === version)).toHaveLength(1);
  }, 120_000);

  it('an idempotency key sent to both replicas at once has one effect; reused for another request it is CONFLICT', async () => {
    const { id } = await scene.draft();
    const idempotencyKey = randomUUID();
    const input = { referralId: id, expectedVersion: 1, idempotencyKey };
    const [onA, onB] = await Promise.all([step(a, 'sendReferral', input), step(b, 'sendReferral', input)]);
    expect(onA).toEqual({ data: { sendReferral: { version: 2 } } });
    expect(onB).toEqual(onA);
    const transitions: { to_status: string }[] = await db.query(`SELECT to_status FROM referral_transition WHERE referral_id = $1 ORDER BY version`, [id]);
    expect(transitions.map((t) => t.to_status)).toEqual(['DRAFT', 'SENT']);

    const other = await step(b, 'sendReferral', { ...input, expectedVersion: 2 });
    expect(other.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  }, 60_000);

  it('of two steps on the same version through the two replicas, one wins and the other is CONFLICT', async () => {
    for (let round = 0; round < 3; round++) {
      const { id } = await scene.draft();
      const version = await stepOk(a, 'sendReferral', { referralId: id, expectedVersion: 1 });
      const results = await Promise.all([a, b].map((replica) => step(replica, 'receiveReferral', { referralId: id, expectedVersion: version })));
      const codes = results.map((r) => (r.errors?.length ? r.errors[0]!.extensions?.code : 'OK')).sort();
      expect(codes).toEqual(['CONFLICT', 'OK']);
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM referral_transition WHERE referral_id = $1 AND to_status = 'RECEIVED'`, [id]);
      expect(n).toBe(1);
    }
  }, 60_000);
});
