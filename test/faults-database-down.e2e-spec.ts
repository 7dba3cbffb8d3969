import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { LiveReferrals } from './support/live-referrals.js';
import { ReferralScene } from './support/referral-scene.js';
import { freePort } from './support/free-port.js';
import { ServiceProcess, serviceEnv } from './support/service-process.js';
import { TestApi } from './support/test-app.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

/**
 * The database goes away under a running service (issue 7, point 3): readiness fails with 503, GraphQL
 * answers SERVICE_UNAVAILABLE (not an internal error), liveness stays up (do not restart it); when the
 * database returns, the same process serves again by itself — requests, the webhook queue (pg-boss)
 * and the live subscriptions (the LISTEN connection) — without a restart, also when a webhook delivery
 * was in flight as it went.
 *
 * The cluster is one of the test's own (embedded PostgreSQL), stopped with a fast shutdown (every
 * session is terminated) and started again on the same data directory and port.
 */

const WEBHOOK_SECRET_KEY = randomBytes(32).toString('hex');
const RESCHEDULE = `mutation($input: RescheduleHandoverInput!) { rescheduleHandover(input: $input) { version } }`;
const meeting = (days: number) => ({
  startsAt: new Date(Date.now() + days * 86_400_000).toISOString(),
  location: 'Huis van het Kind',
  attendees: ['FAMILY', 'REFERRER', 'RECEIVER'],
});

async function until<T>(what: string, probe: () => Promise<T | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await probe();
    if (result !== false) return result;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('database down under a running service', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gezin1plan-down-'));
  let port: number;
  let cluster: EmbeddedDatabase;
  let scene: ReferralScene;
  let hook: WebhookReceiver;
  let service: ServiceProcess;
  let live: LiveReferrals | undefined;
  const referral = { id: '', version: 0 };
  let clientId: string;

  const startCluster = () => startEmbeddedPostgres({ dataDir, database: 'gezin1plan_down', persistent: true, port });

  /** SQL on the test's cluster, on a connection of its own. */
  async function sql<T>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Moves the handover meeting through the service: one event per call; the response body. */
  async function reschedule() {
    const { body } = await service.request(scene.worker.subject, RESCHEDULE, {
      input: { referralId: referral.id, expectedVersion: referral.version, ...meeting(9) },
    });
    if (body.data?.rescheduleHandover) referral.version = body.data.rescheduleHandover.version;
    return body;
  }

  /** Moves the meeting until the subscription shows one of those moves (it is live after a reconnect). */
  async function rescheduleUntilLive(): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const body = await reschedule();
      expect(body.errors).toBeUndefined();
      if (await live!.waitFor(referral.id, referral.version, 2_000)) return;
    }
    throw new Error(`The subscription got nothing: ${JSON.stringify({ changes: live!.changes, errors: live!.errors })}`);
  }

  beforeAll(async () => {
    port = await freePort();
    cluster = await startCluster();
    // Fixtures through an in-test instance (it migrates the new database); stopped before the outage.
    const api = await TestApi.start({ DATABASE_URL: cluster.url, WEBHOOK_SECRET_KEY });
    try {
      scene = await ReferralScene.create(api);
      hook = await WebhookReceiver.start();
      clientId = (await scene.client(hook.url)).id;
      const { id } = await scene.draft();
      let version = await scene.step('sendReferral', id, 1);
      version = await scene.step('receiveReferral', id, version);
      version = await scene.step('acceptReferral', id, version);
      const data = await api.ok(scene.worker.subject, `mutation($input: ScheduleHandoverInput!) { scheduleHandover(input: $input) { version } }`, {
        input: { referralId: id, expectedVersion: version, ...meeting(7) },
      });
      Object.assign(referral, { id, version: data.scheduleHandover.version });
    } finally {
      await api.stop();
    }
    const servicePort = await freePort();
    service = new ServiceProcess(
      serviceEnv(cluster.url, servicePort, { WEBHOOK_SECRET_KEY, WEBHOOK_WORKER: 'true', WEBHOOK_RETRY_DELAY_SECONDS: '1', WEBHOOK_TIMEOUT_SECONDS: '2' }),
      servicePort,
    );
    await service.start();
  }, 180_000);

  afterAll(async () => {
    await live?.dispose();
    await service?.kill();
    await hook?.stop();
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 and SERVICE_UNAVAILABLE while it is down, and serves again by itself when it is back', async () => {
    live = await LiveReferrals.open(service.port, scene.worker.subject, referral.id);
    await rescheduleUntilLive();

    // A delivery in flight when the database goes: the partner answers only once it is down, so the
    // worker cannot record the attempt nor settle its job (this once ended the process).
    hook.mode = 'hang';
    const inFlight = hook.received.length;
    expect((await reschedule()).errors).toBeUndefined();
    await hook.until(() => hook.received.length > inFlight);
    await cluster.stop();
    hook.release(200);
    hook.mode = 'up';

    const ready = await until('readiness to fail', async () => {
      const res = await service.fetch('/health/ready');
      return res.status === 503 ? res.json() : false;
    });
    expect(ready).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
    expect((await service.fetch('/health/live')).status).toBe(200);

    // A query (its principal is read from the database) and a mutation: a clear, retryable error.
    const query = await service.request(scene.worker.subject, `{ me { subject } }`);
    expect(query.status).toBe(200);
    expect(query.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    const mutation = await reschedule();
    expect(mutation.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(mutation)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);

    cluster = await startCluster();

    await until('readiness to return', async () => (await service.fetch('/health/ready')).status === 200);
    expect(service.running).toBe(true); // the same process: nobody restarted it
    expect((await service.gql(scene.worker.subject, `{ me { subject } }`)).me.subject).toBe(scene.worker.subject);

    // The LISTEN connection is back: steps taken now reach the subscription opened before the outage.
    await rescheduleUntilLive();

    // The queue is back: every delivery, of the events before and after the outage, reaches the partner.
    await until('every delivery to be made', async () => {
      const states = await sql<{ state: string; events: number }>(
        `SELECT state, count(*)::int AS events FROM webhook_delivery WHERE client_id = $1 GROUP BY state`,
        [clientId],
      );
      return states.length === 1 && states[0]!.state === 'DELIVERED' ? states[0]!.events : false;
    });
    const events = await sql<{ id: string }>(`SELECT id FROM outbox_event WHERE referral_id = $1 AND version >= 2`, [referral.id]);
    const received = new Set(hook.eventsOf(referral.id).map((e) => e.id));
    expect([...received].sort()).toEqual(events.map((e) => e.id).sort());
  }, 180_000);
});
