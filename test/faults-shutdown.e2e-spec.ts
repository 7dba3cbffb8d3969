import { connect, type Socket } from 'node:net';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import type { ReferralScene } from './support/referral-scene.js';
import type { ServiceProcess } from './support/service-process.js';
import type { WebhookReceiver } from './support/webhook-receiver.js';
import { WebhookStage } from './support/webhook-stage.js';

/**
 * Graceful shutdown (issue 7, point 3): on SIGTERM the service stops accepting connections, lets the
 * request in flight answer and the webhook delivery in flight finish and be recorded, and only then
 * exits, with status 0. It starts no delivery once shutdown has begun, not even while requests still
 * drain: an event committed meanwhile waits for the next start.
 *
 * The slow request is a referral step waiting for the row lock a test transaction holds; the slow
 * delivery is a receiver that answers only when the test lets it; a client still sending its request
 * keeps the HTTP server draining after the step answered. The service is a child process on a
 * database of its own (no other test file's worker may take its jobs).
 */

const RECEIVE = `mutation($input: ReceiveReferralInput!) { receiveReferral(input: $input) { version } }`;
const SEND = `mutation($input: SendReferralInput!) { sendReferral(input: $input) { version } }`;

/** Whether a new TCP connection to `port` is refused. */
const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

/** A request whose body is still being sent: it keeps the server draining until the socket ends. */
function unfinishedRequest(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

async function until(what: string, done: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('SIGTERM: graceful shutdown', () => {
  let stage: WebhookStage;
  let db: DataSource;
  let scene: ReferralScene;
  let hook: WebhookReceiver;
  let service: ServiceProcess;
  let locker: pg.Client;

  beforeAll(async () => {
    stage = await WebhookStage.create('faults_shutdown');
    ({ db, scene, hook } = stage);
    // The delivery may hang far longer than the test needs: it ends when the receiver answers.
    service = await stage.service({ WEBHOOK_TIMEOUT_SECONDS: '60' });
    locker = new pg.Client({ connectionString: stage.scratch.url });
    await locker.connect();
  }, 120_000);

  afterAll(async () => {
    await locker?.end();
    await service?.kill();
    await stage?.stop();
  });

  it('refuses new connections, answers the request in flight, finishes the delivery in flight, then exits 0', async () => {
    const client = await scene.client(hook.url);
    const { id } = await scene.draft();
    await service.start();

    // A delivery in flight: the receiver holds the POST of the SENT event.
    hook.mode = 'hang';
    await service.gql(scene.worker.subject, SEND, { input: { referralId: id, expectedVersion: 1 } });
    await hook.until(() => hook.received.length === 1, 30_000);

    const sending = await unfinishedRequest(service.port);
    // A request in flight: the next step waits for the referral's row lock, which the test holds.
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM referral WHERE id = $1 FOR UPDATE', [id]);
    const slow = service.request(scene.intake.subject, RECEIVE, { input: { referralId: id, expectedVersion: 2 } });
    await until('the request to wait for the lock', async () => {
      const [{ waiting }] = (
        await locker.query(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'gezin1plan' AND wait_event_type = 'Lock'`)
      ).rows;
      return waiting === 1;
    });

    service.signal('SIGTERM');
    await until('new connections to be refused', () => refused(service.port));
    expect(service.running).toBe(true);

    await locker.query('COMMIT');
    const answered = await slow;
    expect(answered.status).toBe(200);
    expect(answered.body).toEqual({ data: { receiveReferral: { version: 3 } } });

    // The step's event, committed after SIGTERM, is not posted while the server drains. (A negative: ten
    // polls of the worker, WEBHOOK_POLL_INTERVAL_MS 100 in tests, to post it wrongly.)
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(service.running).toBe(true);
    expect(hook.received).toHaveLength(1);
    // Drained, still running: the delivery has not finished. (A negative: give it a moment to exit wrongly.)
    sending.destroy();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(service.running).toBe(true);
    hook.release(200);
    expect(await service.exited()).toBe(0);

    const deliveries: { state: string; version: number; statuses: (number | null)[] }[] = await db.query(
      `SELECT d.state, e.version, array_agg(a.http_status ORDER BY a.attempt) AS statuses
         FROM webhook_delivery d JOIN outbox_event e ON e.id = d.event_id LEFT JOIN webhook_attempt a ON a.delivery_id = d.id
        WHERE d.client_id = $1 GROUP BY d.state, e.version ORDER BY e.version`,
      [client.id],
    );
    // The delivery in flight was recorded as delivered; the step's own event waits for the next start.
    expect(deliveries).toEqual([
      { state: 'DELIVERED', version: 2, statuses: [200] },
      { state: 'PENDING', version: 3, statuses: [null] },
    ]);
  }, 120_000);
});
