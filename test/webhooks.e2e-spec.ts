import type { DataSource } from 'typeorm';
import { InboxDocument, SendReferralDocument } from './graphql/generated.js';
import { codeOf, TestApi } from './support/test-app.js';
import { ReferralScene, type SceneClient } from './support/referral-scene.js';
import { signatureValid, WebhookReceiver } from './support/webhook-receiver.js';

/**
 * Webhooks of referral status changes (docs/referrals-and-webhooks.md, "Webhooks and the live subscription"; issue 5): every transition writes an
 * outbox event in its own transaction; the in-process worker POSTs it, signed with the client's
 * secret, to the partner systems that may read the referral, at least once, with exponential backoff,
 * recording every attempt. Real HTTP receivers on localhost; the queue and database are real.
 */

const RETRY_DELAY_SECONDS = 1;
const RETRY_LIMIT = 2;
const TIMEOUT_SECONDS = 2;

interface AttemptRow {
  attempt: number;
  started_at: Date;
  http_status: number | null;
  error: string | null;
}

describe('webhooks: outbox, signed delivery, retries', () => {
  let api: TestApi;
  let db: DataSource;
  let scene: ReferralScene;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    // In the file's sandbox: rows read through the app's DataSource hold this file's Date (expect.any(Date)).
    api = await TestApi.startOwn({
      WEBHOOK_WORKER: 'true',
      WEBHOOK_RETRY_DELAY_SECONDS: String(RETRY_DELAY_SECONDS),
      WEBHOOK_RETRY_LIMIT: String(RETRY_LIMIT),
      WEBHOOK_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
    });
    db = api.db;
    scene = await ReferralScene.create(api);
  }, 120_000);
  afterAll(async () => {
    await api.stop();
    await Promise.all(receivers.map((r) => r.stop()));
  });

  async function receiver(): Promise<WebhookReceiver> {
    const r = await WebhookReceiver.start();
    receivers.push(r);
    return r;
  }

  const outboxOf = async (referralId: string): Promise<{ id: string; version: number; body: string }[]> =>
    db.query(`SELECT id, version, body FROM outbox_event WHERE referral_id = $1 ORDER BY version`, [referralId]);

  const deliveriesOf = async (clientId: string): Promise<{ id: string; event_id: string; state: string; attempts: number }[]> =>
    db.query(`SELECT id, event_id, state, attempts FROM webhook_delivery WHERE client_id = $1 ORDER BY created_at, id`, [clientId]);

  const attemptsOf = async (deliveryId: string): Promise<AttemptRow[]> =>
    db.query(`SELECT attempt, started_at, http_status, error FROM webhook_attempt WHERE delivery_id = $1 ORDER BY attempt`, [deliveryId]);

  /** A referral sent, received and accepted, with a client of the receiver listening at `hook`. */
  async function acceptedWith(hook: WebhookReceiver): Promise<{ referralId: string; client: SceneClient }> {
    const client = await scene.client(hook.url);
    const { id } = await scene.draft();
    let version = await scene.step('sendReferral', id, 1);
    version = await scene.step('receiveReferral', id, version, { externalReference: `CLB-${id.slice(0, 8)}` });
    await scene.step('acceptReferral', id, version);
    return { referralId: id, client };
  }

  it('each transition the receiver may see is POSTed once, as the contract specifies, signed with the client secret', async () => {
    const hook = await receiver();
    const { referralId, client } = await acceptedWith(hook);
    await hook.until(() => hook.eventsOf(referralId).length >= 3);
    // The receiver has the POSTs; the worker records each delivery once the answer is back (seen PENDING here).
    await hook.until(async () => (await deliveriesOf(client.id)).every((d) => d.state !== 'PENDING'));

    // The outbox holds every transition, the creation of the draft included.
    const outbox = await outboxOf(referralId);
    const transitions = await db.query(`SELECT version, from_status, to_status, at FROM referral_transition WHERE referral_id = $1 ORDER BY version`, [referralId]);
    expect(outbox.map((e) => e.version)).toEqual(transitions.map((t: { version: number }) => t.version));
    expect(outbox).toHaveLength(4);

    // The receiver's system hears of what happened since it was sent, not of the draft. Deliveries run
    // in parallel, so they may arrive out of order: `version` orders them.
    const events = hook.eventsOf(referralId).sort((a, b) => Number(a.data.version) - Number(b.data.version));
    expect(events).toEqual([
      { id: outbox[1]!.id, type: 'referral.status_changed', occurredAt: transitions[1].at.toISOString(), data: { referralId, externalReference: null, from: 'DRAFT', to: 'SENT', version: 2 } },
      { id: outbox[2]!.id, type: 'referral.status_changed', occurredAt: transitions[2].at.toISOString(), data: { referralId, externalReference: `CLB-${referralId.slice(0, 8)}`, from: 'SENT', to: 'RECEIVED', version: 3 } },
      { id: outbox[3]!.id, type: 'referral.status_changed', occurredAt: transitions[3].at.toISOString(), data: { referralId, externalReference: `CLB-${referralId.slice(0, 8)}`, from: 'RECEIVED', to: 'ACCEPTED', version: 4 } },
    ]);
    for (const webhook of hook.received) {
      expect(webhook.headers['content-type']).toBe('application/json');
      expect(signatureValid(webhook, client.secret)).toBe(true);
      // The signature is of these bytes: another secret, or another body, does not verify.
      expect(signatureValid(webhook, `${client.secret}x`)).toBe(false);
      expect(signatureValid({ ...webhook, body: webhook.body.replace('"version":', '"version": ') }, client.secret)).toBe(false);
      expect(webhook.headers['x-webhook-id']).toBe(JSON.parse(webhook.body).id);
      // The exact body stored in the outbox, byte for byte.
      expect(outbox.map((e) => e.body)).toContain(webhook.body);
    }

    const deliveries = await deliveriesOf(client.id);
    expect(deliveries.map((d) => [d.event_id, d.state, d.attempts])).toEqual(outbox.slice(1).map((e) => [e.id, 'DELIVERED', 1]));
    for (const d of deliveries) {
      expect(await attemptsOf(d.id)).toEqual([{ attempt: 1, started_at: expect.any(Date), http_status: 200, error: null }]);
    }
  });

  it('a draft withdrawn before it was sent reaches no partner; a step refused writes no event', async () => {
    const hook = await receiver();
    const client = await scene.client(hook.url);
    const { id } = await scene.draft();
    // A stale version is refused: no transition, no event, no delivery.
    const stale = await api.gql(scene.worker.subject, SendReferralDocument, {
      input: { referralId: id, expectedVersion: 7 },
    });
    expect(codeOf(stale)).toBe('CONFLICT');
    expect(await outboxOf(id)).toHaveLength(1);
    await scene.step('withdrawReferral', id, 1, { reason: 'Gezin verhuisd' });
    expect((await outboxOf(id)).map((e) => JSON.parse(e.body).data.to)).toEqual(['DRAFT', 'WITHDRAWN']);
    expect(await deliveriesOf(client.id)).toEqual([]);
    // A later referral does reach it (the client is listening), so silence above was not a slow worker.
    const sent = await scene.draft();
    await scene.step('sendReferral', sent.id, 1);
    await hook.until(() => hook.eventsOf(sent.id).length === 1);
    expect(hook.eventsOf(id)).toEqual([]);
  });

  it('only partner systems that may read the referral get it: not another agency, not a revoked client, not one without a URL', async () => {
    const [mine, otherAgency, revoked] = [await receiver(), await receiver(), await receiver()];
    const mineClient = await scene.client(mine.url);
    const otherClient = await scene.client(otherAgency.url, ['REFERRALS_READ'], scene.other);
    const revokedClient = await scene.client(revoked.url);
    const silentClient = await scene.client(null);
    await db.transaction(async (em) => {
      await em.query(`SELECT set_config('app.actor_subject', 'test-fixture', true)`);
      await em.query(`UPDATE integration_client SET revoked_at = now() WHERE id = $1`, [revokedClient.id]);
    });
    const { id } = await scene.draft();
    await scene.step('sendReferral', id, 1);
    await mine.until(() => mine.eventsOf(id).length === 1);
    expect(signatureValid(mine.received.at(-1)!, mineClient.secret)).toBe(true);
    for (const c of [otherClient, revokedClient, silentClient]) expect(await deliveriesOf(c.id)).toEqual([]);
    expect(otherAgency.eventsOf(id)).toEqual([]);
    expect(revoked.eventsOf(id)).toEqual([]);
  });

  it('a receiver that is down gets the event once it is back, after retries with growing delays, all recorded', async () => {
    const hook = await receiver();
    hook.mode = 'down';
    const client = await scene.client(hook.url);
    const { id } = await scene.draft();
    await scene.step('sendReferral', id, 1);
    // Down for the first two attempts, up for the third (the last one the retry limit allows).
    await hook.until(() => hook.received.length >= 2, 15_000);
    hook.mode = 'up';
    await hook.until(async () => (await deliveriesOf(client.id))[0]?.state === 'DELIVERED', 15_000);

    const [delivery] = await deliveriesOf(client.id);
    expect(delivery).toMatchObject({ state: 'DELIVERED', attempts: 3 });
    const attempts = await attemptsOf(delivery!.id);
    expect(attempts.map((a) => [a.attempt, a.http_status, a.error])).toEqual([
      [1, 503, 'HTTP 503'],
      [2, 503, 'HTTP 503'],
      [3, 200, null],
    ]);
    // Backoff: the n-th retry waits at least RETRY_DELAY × 2^(n-1) (plus jitter up to as much again).
    const gaps = attempts.slice(1).map((a, i) => a.started_at.getTime() - attempts[i]!.started_at.getTime());
    expect(gaps[0]).toBeGreaterThanOrEqual(RETRY_DELAY_SECONDS * 1000 - 50);
    expect(gaps[1]).toBeGreaterThanOrEqual(2 * RETRY_DELAY_SECONDS * 1000 - 50);
    // Every attempt carried the same event (the same id and signed bytes): receivers drop duplicates by id.
    const sameEvent = hook.received.filter((r) => JSON.parse(r.body).data.referralId === id);
    expect(new Set(sameEvent.map((r) => r.body)).size).toBe(1);
    expect(sameEvent.map((r) => r.headers['x-webhook-attempt'])).toEqual(['1', '2', '3']);
    expect(sameEvent.every((r) => signatureValid(r, client.secret))).toBe(true);
  }, 40_000);

  it('a receiver that stays down exhausts the retries: the delivery is FAILED with every attempt recorded', async () => {
    const hook = await receiver();
    hook.mode = 'down';
    const client = await scene.client(hook.url);
    const { id } = await scene.draft();
    await scene.step('sendReferral', id, 1);
    await hook.until(async () => (await deliveriesOf(client.id))[0]?.state === 'FAILED', 20_000);
    const [delivery] = await deliveriesOf(client.id);
    expect(delivery!.attempts).toBe(RETRY_LIMIT + 1);
    expect((await attemptsOf(delivery!.id)).map((a) => a.http_status)).toEqual([503, 503, 503]);
    // No further attempt after the last one.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(hook.eventsOf(id)).toHaveLength(RETRY_LIMIT + 1);

    // The admins of the client's agency are told, in the transaction that marked it FAILED (docs/inbox.md); no one else.
    const failedItems = async (subject: string) =>
      (await api.ok(subject, InboxDocument, { first: 100 })).inbox.edges.map((e) => e.node).filter((i) => i.kind === 'WEBHOOK_DELIVERY_FAILED' && i.about.id === client.id);
    expect(await failedItems(scene.receiver.admin.subject)).toEqual([
      expect.objectContaining({ text: 'Een bericht naar het dossiersysteem van deze koppeling kwam niet aan, ook niet na de laatste poging.', about: { type: 'IntegrationClient', id: client.id }, family: null }),
    ]);
    for (const subject of [scene.intake.subject, scene.worker.subject, scene.referrer.admin.subject, scene.other.admin.subject, scene.network.coordinator.subject]) {
      expect(await failedItems(subject)).toEqual([]);
    }
  }, 40_000);

  it('a receiver that does not answer times out: the attempt is recorded as such and retried', async () => {
    const hook = await receiver();
    hook.mode = 'hang';
    const client = await scene.client(hook.url);
    const { id } = await scene.draft();
    await scene.step('sendReferral', id, 1);
    await hook.until(() => hook.received.length >= 1);
    hook.mode = 'up';
    await hook.until(async () => (await deliveriesOf(client.id))[0]?.state === 'DELIVERED', 20_000);
    const [delivery] = await deliveriesOf(client.id);
    const attempts = await attemptsOf(delivery!.id);
    expect(attempts[0]).toMatchObject({ attempt: 1, http_status: null, error: 'timeout' });
    expect(attempts.at(-1)).toMatchObject({ http_status: 200, error: null });
  }, 40_000);

  it('the outbox is append-only', async () => {
    const { id } = await scene.draft();
    const [event] = await outboxOf(id);
    await expect(db.query(`UPDATE outbox_event SET body = '{}' WHERE id = $1`, [event!.id])).rejects.toThrow(/append-only/i);
    await expect(db.query(`DELETE FROM outbox_event WHERE id = $1`, [event!.id])).rejects.toThrow(/append-only/i);
  });
});
