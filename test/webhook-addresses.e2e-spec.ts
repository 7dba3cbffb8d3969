import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { assertPublicHost, publicOnlyLookup } from '../src/security/public-address.js';
import { RegisterIntegrationClientIdDocument } from './graphql/generated.js';
import { ReferralScene } from './support/referral-scene.js';
import { type ScratchDatabase, scratchDatabase } from './support/scratch-database.js';
import { TestApi } from './support/test-app.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

/**
 * Webhook URLs cannot reach the internal network (SSRF): with WEBHOOK_ALLOW_PRIVATE_ADDRESSES=false
 * (the production default) a literal non-public address is refused at registration, and a hostname that
 * resolves to one is refused when a delivery connects — the address checked is the address connected to.
 */

describe('webhook destinations: the public internet only', () => {
  describe('addresses', () => {
    it.each([
      ['127.0.0.1', 'loopback'],
      ['10.1.2.3', 'private'],
      ['172.16.0.9', 'private'],
      ['192.168.1.10', 'private'],
      ['169.254.169.254', 'linkLocal'],
      ['100.64.0.1', 'carrierGradeNat'],
      ['0.0.0.0', 'unspecified'],
      ['224.0.0.1', 'multicast'],
      ['[::1]', 'loopback'],
      ['[fd00::1]', 'uniqueLocal'],
      ['[fe80::1]', 'linkLocal'],
      ['[::ffff:127.0.0.1]', 'loopback'],
    ])('refuses %s (%s)', (host, range) => {
      expect(() => assertPublicHost(host)).toThrow(`(${host.replace(/[[\]]/g, '')}: ${range})`);
    });

    it.each(['8.8.8.8', '[2001:4860:4860::8888]', 'hooks.example.org'])('lets %s through (a hostname is checked as it resolves)', (host) => {
      expect(() => assertPublicHost(host)).not.toThrow();
    });

    it('refuses a hostname that resolves to a non-public address, as the socket looks it up', async () => {
      const looked = await new Promise<{ error: Error | null; address: unknown }>((resolve) =>
        publicOnlyLookup('localhost', {}, (error, address) => resolve({ error, address })),
      );
      expect(looked.error?.message).toMatch(/^localhost is not a public address \((127\.0\.0\.1|::1): loopback\)$/);
    });
  });

  /**
   * On a database of its own: the webhook queue is shared by every process on a database, and the other
   * test files' services (which allow private addresses) would deliver this one's jobs.
   */
  describe('through the service, with private addresses not allowed', () => {
    let scratch: ScratchDatabase;
    let api: TestApi;
    let db: DataSource;
    let scene: ReferralScene;
    let hook: WebhookReceiver;

    beforeAll(async () => {
      scratch = await scratchDatabase('webhook_addresses');
      api = await TestApi.start({
        DATABASE_URL: scratch.url,
        WEBHOOK_WORKER: 'true',
        WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'false',
        WEBHOOK_RETRY_LIMIT: '0',
        WEBHOOK_TIMEOUT_SECONDS: '2',
      });
      db = api.db;
      scene = await ReferralScene.create(api);
      hook = await WebhookReceiver.start();
    }, 120_000);
    afterAll(async () => {
      await api?.stop();
      await hook?.stop();
      await scratch?.drop();
    });

    const clientsOf = async (agencyId: string): Promise<number> =>
      (await db.query(`SELECT count(*)::int AS n FROM integration_client WHERE agency_id = $1`, [agencyId]))[0].n;

    it.each(['http://127.0.0.1:8080/hooks', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/hooks', 'https://10.0.0.5/hooks'])(
      'refuses to register %s, naming the field, and stores nothing',
      async (webhookUrl) => {
        const before = await clientsOf(scene.receiver.id);
        const result = await api.gql(scene.receiver.admin.subject, RegisterIntegrationClientIdDocument, {
          input: { agencyId: scene.receiver.id, name: `Dossiersysteem ${randomUUID()}`, scopes: ['REFERRALS_READ'], webhookUrl },
        });
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'webhookUrl' });
        expect(result.errors?.[0]?.message).toMatch(/public internet/);
        expect(await clientsOf(scene.receiver.id)).toBe(before);
      },
    );

    it('registers a public address', async () => {
      const result = await api.ok(scene.receiver.admin.subject, RegisterIntegrationClientIdDocument, {
        input: { agencyId: scene.receiver.id, name: `Dossiersysteem ${randomUUID()}`, scopes: ['REFERRALS_READ'], webhookUrl: 'https://93.184.215.14/hooks' },
      });
      expect(result.registerIntegrationClient.client.id).toEqual(expect.any(String));
    });

    it('does not post to a hostname that resolves to this machine: the attempt is recorded as refused', async () => {
      const client = await scene.client(hook.url.replace('127.0.0.1', 'localhost'));
      const { id } = await scene.draft();
      await scene.step('sendReferral', id, 1);

      const deadline = Date.now() + 20_000;
      let deliveries: { state: string; error: string | null }[] = [];
      while (Date.now() < deadline) {
        deliveries = await db.query(
          `SELECT d.state, a.error FROM webhook_delivery d LEFT JOIN webhook_attempt a ON a.delivery_id = d.id WHERE d.client_id = $1`,
          [client.id],
        );
        if (deliveries.length > 0 && deliveries.every((d) => d.state === 'FAILED')) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(deliveries.length).toBeGreaterThan(0);
      for (const delivery of deliveries) {
        expect(delivery).toEqual({ state: 'FAILED', error: expect.stringMatching(/^localhost is not a public address \(.+: loopback\)$/) });
      }
      expect(hook.received).toEqual([]);
    }, 30_000);
  });
});
