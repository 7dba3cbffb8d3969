import type { DataSource } from 'typeorm';
import type { ReferralScene } from './support/referral-scene.js';
import type { ServiceProcess } from './support/service-process.js';
import { signatureValid, type WebhookReceiver } from './support/webhook-receiver.js';
import { WebhookStage } from './support/webhook-stage.js';

/**
 * At-least-once delivery survives the process (issue 5): the service is killed with SIGKILL while
 * deliveries are queued and in flight, and one more transition may or may not have committed; after
 * a restart every committed event reaches the partner, and nothing that was not committed does.
 *
 * The service runs as a real child process (`node dist/src/main.js`) on a database of its own, so
 * that no worker of another test file can deliver in its place while it is down.
 */

const step = (mutation: string, input: string) => `mutation($input: ${input}!) { ${mutation}(input: $input) { version } }`;

describe('webhooks survive SIGKILL between commit and delivery', () => {
  let stage: WebhookStage;
  let db: DataSource;
  let scene: ReferralScene;
  let hook: WebhookReceiver;
  let service: ServiceProcess;

  beforeAll(async () => {
    stage = await WebhookStage.create('webhook_restart');
    ({ db, scene, hook } = stage);
    service = await stage.service({ WEBHOOK_RETRY_DELAY_SECONDS: '1', WEBHOOK_TIMEOUT_SECONDS: '2' });
  }, 120_000);

  afterAll(async () => {
    await service?.kill();
    await stage?.stop();
  });

  it('every committed event is delivered after the restart, signed, and no other', async () => {
    const client = await scene.client(hook.url);
    const { id } = await scene.draft();
    await service.start();

    // The receiver accepts connections but never answers: deliveries are in flight when the kill comes.
    hook.mode = 'hang';
    let version = (await service.gql(scene.worker.subject, step('sendReferral', 'SendReferralInput'), { input: { referralId: id, expectedVersion: 1 } })).sendReferral.version;
    version = (await service.gql(scene.intake.subject, step('receiveReferral', 'ReceiveReferralInput'), { input: { referralId: id, expectedVersion: version } })).receiveReferral.version;
    version = (await service.gql(scene.intake.subject, step('acceptReferral', 'AcceptReferralInput'), { input: { referralId: id, expectedVersion: version } })).acceptReferral.version;
    await hook.until(() => hook.received.length >= 1);
    // One more step is under way when the process dies: it may or may not have committed.
    const inFlight = service
      .gql(scene.worker.subject, step('withdrawReferral', 'WithdrawReferralInput'), { input: { referralId: id, expectedVersion: version, reason: 'Gezin verhuisd' } })
      .catch(() => null);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await service.kill();
    await inFlight;

    const before: { state: string }[] = await db.query(`SELECT state FROM webhook_delivery WHERE client_id = $1`, [client.id]);
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(before.every((d) => d.state === 'PENDING')).toBe(true);

    hook.mode = 'up';
    await service.start();
    await hook.until(async () => {
      const states: { state: string }[] = await db.query(`SELECT state FROM webhook_delivery WHERE client_id = $1`, [client.id]);
      return states.every((d) => d.state === 'DELIVERED');
    }, 60_000);

    // What was committed: the transitions, each with exactly one outbox event.
    const committed: { version: number; to_status: string }[] = await db.query(
      `SELECT version, to_status FROM referral_transition WHERE referral_id = $1 ORDER BY version`,
      [id],
    );
    const outbox: { id: string; version: number; body: string }[] = await db.query(
      `SELECT id, version, body FROM outbox_event WHERE referral_id = $1 ORDER BY version`,
      [id],
    );
    expect(outbox.map((e) => e.version)).toEqual(committed.map((t) => t.version));
    expect(committed.slice(0, 4).map((t) => t.to_status)).toEqual(['DRAFT', 'SENT', 'RECEIVED', 'ACCEPTED']);

    // Delivered: every committed event after sending, at least once, and nothing else.
    const received = hook.received.filter((r) => JSON.parse(r.body).data.referralId === id);
    const expected = outbox.filter((e) => e.version >= 2);
    expect([...new Set(received.map((r) => JSON.parse(r.body).id))].sort()).toEqual(expected.map((e) => e.id).sort());
    for (const r of received) {
      expect(expected.map((e) => e.body)).toContain(r.body);
      expect(signatureValid(r, client.secret)).toBe(true);
    }
    const attempts: { status: number | null }[] = await db.query(
      `SELECT a.http_status AS status FROM webhook_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id WHERE d.client_id = $1`,
      [client.id],
    );
    expect(attempts.filter((a) => a.status === 200)).toHaveLength(expected.length);
    await service.kill();
  }, 120_000);
});
