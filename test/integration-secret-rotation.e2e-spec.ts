import request from 'supertest';
import type { DataSource } from 'typeorm';
import { ReferralScene } from './support/referral-scene.js';
import { RetentionService } from '../src/retention/retention.service.js';
import { MySubjectDocument, RevokeIntegrationClientDocument, RotateIntegrationClientSecretDocument } from './graphql/generated.js';
import { codeOf, queryText, TestApi } from './support/test-app.js';
import { signatureValid, WebhookReceiver } from './support/webhook-receiver.js';

/**
 * Replacing an integration client's secret without missing an event: the new secret is shown once; the
 * replaced one keeps working at the token endpoint, and webhooks carry a second signature with it
 * (`X-Signature-Previous`), until its grace period ends. Only the agency's admin may rotate.
 */

describe('integration client secret rotation', () => {
  let api: TestApi;
  let db: DataSource;
  let scene: ReferralScene;
  let hook: WebhookReceiver;

  beforeAll(async () => {
    // In the file's sandbox: rows read through the app's DataSource hold this file's Date (expect.any(Date)).
    api = await TestApi.startOwn({ WEBHOOK_WORKER: 'true', WEBHOOK_RETRY_DELAY_SECONDS: '1' });
    db = api.db;
    scene = await ReferralScene.create(api);
    hook = await WebhookReceiver.start();
  }, 120_000);
  afterAll(async () => {
    await api.stop();
    await hook.stop();
  });

  /** The token endpoint's answer for a client id and secret. */
  const tokenStatus = async (clientId: string, secret: string) =>
    (await request(api.app.getHttpServer()).post('/oauth/token').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }))
      .status;

  const rotate = (clientId: string, keepPreviousHours?: number) =>
    api.gql(scene.receiver.admin.subject, RotateIntegrationClientSecretDocument, { input: { clientId, ...(keepPreviousHours === undefined ? {} : { keepPreviousHours }) } });

  const storedSecret = async (clientId: string) =>
    (await db.query(`SELECT secret_hash, previous_secret_hash, previous_secret_until FROM integration_client WHERE id = $1`, [clientId]))[0];

  /** A referral step the client's agency may see, and the webhook it causes. */
  async function nextWebhook() {
    const before = hook.received.length;
    const { id } = await scene.draft();
    await scene.step('sendReferral', id, 1);
    await hook.until(() => hook.received.slice(before).some((w) => JSON.parse(w.body).data.referralId === id));
    return hook.received.slice(before).find((w) => JSON.parse(w.body).data.referralId === id)!;
  }

  it('gives a new secret; the replaced one keeps working for the grace period (token endpoint, second webhook signature), then stops', async () => {
    const client = await scene.client(hook.url);
    const { rotateIntegrationClientSecret: rotated } = (await rotate(client.id)).data!;
    expect(rotated.clientSecret).not.toBe(client.secret);
    expect(rotated.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const hours = (new Date(rotated.client.previousSecretUntil!).getTime() - new Date(rotated.client.secretRotatedAt!).getTime()) / 3_600_000;
    expect(hours).toBe(24);

    expect(await tokenStatus(client.id, rotated.clientSecret)).toBe(200);
    expect(await tokenStatus(client.id, client.secret)).toBe(200);
    const during = await nextWebhook();
    expect(signatureValid(during, rotated.clientSecret)).toBe(true);
    expect(signatureValid(during, client.secret, 'x-signature-previous')).toBe(true);

    // The grace period ends (moved by a fixture, an audited actor of its own).
    await db.transaction(async (em) => {
      await em.query(`SELECT set_config('app.actor_subject', 'test-fixture', true)`);
      await em.query(`UPDATE integration_client SET previous_secret_until = now() - interval '1 second' WHERE id = $1`, [client.id]);
    });
    expect(await tokenStatus(client.id, client.secret)).toBe(401);
    expect(await tokenStatus(client.id, rotated.clientSecret)).toBe(200);
    const after = await nextWebhook();
    expect(signatureValid(after, rotated.clientSecret)).toBe(true);
    expect(after.headers['x-signature-previous']).toBeUndefined();

    // Over, it is not kept either: the hourly retention run forgets it, and only it (another is still in its grace period).
    const inGrace = await scene.client(null);
    await rotate(inGrace.id);
    await api.app.get(RetentionService).forgetReplacedSecrets({ subject: 'system:retention', userId: null, memberId: null, agencyId: null, requestId: 'test' });
    expect(await storedSecret(client.id)).toEqual({ secret_hash: expect.any(String), previous_secret_hash: null, previous_secret_until: null });
    expect(await storedSecret(inGrace.id)).toEqual({ secret_hash: expect.any(String), previous_secret_hash: expect.any(String), previous_secret_until: expect.any(Date) });
    const [{ sealed }] = await db.query(`SELECT previous_secret_sealed AS sealed FROM integration_client WHERE id = $1`, [client.id]);
    expect(sealed).toBeNull();
  }, 60_000);

  it('with keepPreviousHours 0 (a leaked secret) the replaced secret stops at once; a second rotation drops the first secret', async () => {
    const client = await scene.client(null);
    const first = (await rotate(client.id, 0)).data!.rotateIntegrationClientSecret;
    expect(first.client.previousSecretUntil).toBeNull();
    expect(await tokenStatus(client.id, client.secret)).toBe(401);
    expect(await tokenStatus(client.id, first.clientSecret)).toBe(200);

    const second = (await rotate(client.id, 2)).data!.rotateIntegrationClientSecret;
    expect(await tokenStatus(client.id, first.clientSecret)).toBe(200);
    expect(await tokenStatus(client.id, second.clientSecret)).toBe(200);
    const third = (await rotate(client.id, 2)).data!.rotateIntegrationClientSecret;
    expect(await tokenStatus(client.id, first.clientSecret)).toBe(401);
    expect(await tokenStatus(client.id, second.clientSecret)).toBe(200);
    expect(await tokenStatus(client.id, third.clientSecret)).toBe(200);
  });

  it('with keepPreviousHours 0 the tokens issued before end at once too; with a grace period they run out as usual', async () => {
    const client = await scene.client(null);
    const tokenOf = async (secret: string) =>
      (await request(api.app.getHttpServer()).post('/oauth/token').send({ grant_type: 'client_credentials', client_id: client.id, client_secret: secret })).body
        .access_token as string;
    const asClient = async (token: string) =>
      codeOf((await request(api.app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${token}`).send({ query: queryText(MySubjectDocument) })).body);
    const before = await tokenOf(client.secret);
    const graced = (await rotate(client.id, 2)).data!.rotateIntegrationClientSecret;
    expect(await asClient(before)).toBe('OK');
    const tokens = [before, await tokenOf(client.secret), await tokenOf(graced.clientSecret)];
    for (const token of tokens) expect(await asClient(token)).toBe('OK');
    const leaked = (await rotate(client.id, 0)).data!.rotateIntegrationClientSecret;
    for (const token of tokens) expect(await asClient(token)).toBe('UNAUTHENTICATED');
    expect(await asClient(await tokenOf(leaked.clientSecret))).toBe('OK');
  });

  it('only the agency’s admin may rotate; another agency’s admin gets NOT_FOUND; nothing changes when refused', async () => {
    const client = await scene.client(null);
    const before = await storedSecret(client.id);
    expect(codeOf(await api.gql(scene.intake.subject, RotateIntegrationClientSecretDocument, { input: { clientId: client.id } }))).toBe('FORBIDDEN');
    expect(codeOf(await api.gql(scene.other.admin.subject, RotateIntegrationClientSecretDocument, { input: { clientId: client.id } }))).toBe('NOT_FOUND');
    expect(codeOf(await api.gql(scene.worker.subject, RotateIntegrationClientSecretDocument, { input: { clientId: client.id } }))).toBe('FORBIDDEN');
    expect(await storedSecret(client.id)).toEqual(before);
    expect(await tokenStatus(client.id, client.secret)).toBe(200);
  });

  it('refuses a grace period out of range (naming the field) and a revoked client (naming its state), changing nothing', async () => {
    const client = await scene.client(null);
    const before = await storedSecret(client.id);
    for (const hours of [-1, 169]) {
      expect((await rotate(client.id, hours)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'keepPreviousHours' });
    }
    await api.ok(scene.receiver.admin.subject, RevokeIntegrationClientDocument, {
      input: { clientId: client.id },
    });
    expect((await rotate(client.id)).errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'REVOKED' });
    expect(await storedSecret(client.id)).toEqual(before);
  });

  it('is audited as a change of the client, by the admin, in the same transaction', async () => {
    const client = await scene.client(null);
    await rotate(client.id);
    const entries = await db.query(
      `SELECT actor_subject, legal_basis FROM audit_event WHERE entity_type = 'integration_client' AND entity_id = $1 AND action = 'UPDATE'`,
      [client.id],
    );
    expect(entries).toEqual([{ actor_subject: scene.receiver.admin.subject, legal_basis: 'ADMINISTRATION' }]);
  });
});
