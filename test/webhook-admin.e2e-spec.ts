import type { DocumentNode } from 'graphql';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import {
  IncomingReferralProbeDocument,
  type IntegrationClientRecordFragment,
  IntegrationClientsPageDocument,
  RedeliverWebhookDocument,
  RevokeIntegrationClientRecordDocument,
  type WebhookDeliveryRecordFragment,
  type WebhookDeliveryState,
  WebhookDeliveriesPageDocument,
} from './graphql/generated.js';
import { codeOf, type GraphQLResult, queryText, TestApi } from './support/test-app.js';
import { ReferralScene, type SceneClient } from './support/referral-scene.js';
import { signatureValid, WebhookReceiver } from './support/webhook-receiver.js';
import type { Agency, Person } from './support/world.js';

/**
 * How an agency admin manages its partner systems and their webhooks (docs/referrals-and-webhooks.md, "Integration partners"
 * and "Webhooks"): `integrationClients` lists the agency's clients (revoked ones included, never a
 * secret); `revokeIntegrationClient` ends one for good (its tokens stop working, it gets no new
 * deliveries, and a delivery still queued for it is CANCELLED instead of sent); `webhookDeliveries`
 * shows every delivery with its attempts and the exact body the receiver got; `redeliverWebhook`
 * queues a FAILED one again. Only the agency's own admin may do any of this: an admin of another
 * agency gets NOT_FOUND, a caseworker FORBIDDEN; a refused mutation changes nothing in the database.
 *
 * The worker runs in this process with no retries (WEBHOOK_RETRY_LIMIT 0), so a receiver that is
 * 'down' makes a delivery FAILED after one attempt. Test files share the database and the queue (a
 * job may be worked by another file's worker): every test builds its own scene and looks only at its
 * own rows.
 */

const ENV = { WEBHOOK_WORKER: 'true', WEBHOOK_RETRY_LIMIT: '0', WEBHOOK_RETRY_DELAY_SECONDS: '1', WEBHOOK_TIMEOUT_SECONDS: '2' };
/** Setting up scenes and waiting for the worker takes a while. */
const SLOW = 120_000;

type ClientNode = IntegrationClientRecordFragment;
type DeliveryNode = WebhookDeliveryRecordFragment;

interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface DeliveryRow {
  id: string;
  event_id: string;
  state: string;
  attempts: number;
  delivered_at: Date | null;
}

// --- helpers --------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How long a test waits to see that nothing more is sent: ten polls of the worker (WEBHOOK_POLL_INTERVAL_MS 100 in tests). */
const QUIET_MS = 1_000;

/** Polls `done` until it holds; fails after `timeoutMs` saying what it waited for. */
async function eventually(what: string, done: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Not within ${timeoutMs} ms: ${what}`);
    await sleep(100);
  }
}

const fieldOf = (result: GraphQLResult) => result.errors?.[0]?.extensions?.field as string | undefined;
const currentStatusOf = (result: GraphQLResult) => result.errors?.[0]?.extensions?.currentStatus as string | undefined;
const idsOf = <T extends { id: string }>(page: Page<T>) => page.edges.map((e) => e.node.id);

describe('webhook admin: partner systems and their deliveries, for the agency admin', () => {
  let api: TestApi;
  let db: DataSource;
  let scene: ReferralScene;
  const receivers: WebhookReceiver[] = [];
  const extraApis: TestApi[] = [];

  beforeAll(async () => {
    api = await TestApi.start(ENV);
    db = api.db;
    scene = await ReferralScene.create(api);
  }, SLOW);
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    for (const extra of extraApis) await extra.stop();
    await api?.stop();
  });

  async function receiver(mode: WebhookReceiver['mode'] = 'up'): Promise<WebhookReceiver> {
    const r = await WebhookReceiver.start();
    r.mode = mode;
    receivers.push(r);
    return r;
  }

  const http = () => request(api.app.getHttpServer());

  const tokenRequest = (client: SceneClient) =>
    http().post('/oauth/token').send({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret });

  async function tokenOf(client: SceneClient): Promise<string> {
    const res = await tokenRequest(client);
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  }

  /** One GraphQL operation with a raw bearer token. */
  async function gqlWith(token: string, operation: DocumentNode | string, variables: Record<string, unknown> = {}): Promise<GraphQLResult> {
    const res = await http().post('/graphql').set('Authorization', `Bearer ${token}`).send({ query: queryText(operation), variables });
    if (res.status >= 500) throw new Error(`HTTP ${res.status}: ${res.text}`);
    return res.body as GraphQLResult;
  }

  const listClients = async (admin: Person, agencyId: string, page: { first?: number; after?: string } = {}): Promise<Page<ClientNode>> =>
    (await api.ok(admin.subject, IntegrationClientsPageDocument, { agencyId, ...page })).integrationClients;

  const deliveriesPage = async (
    admin: Person,
    clientId: string,
    args: { state?: WebhookDeliveryState; first?: number; after?: string } = {},
  ): Promise<Page<DeliveryNode>> => (await api.ok(admin.subject, WebhookDeliveriesPageDocument, { clientId, ...args })).webhookDeliveries;

  /** The whole row as JSON: to prove that a refused mutation changed nothing. */
  const clientRow = async (id: string): Promise<Record<string, unknown>> =>
    (await db.query(`SELECT to_jsonb(ic) AS row FROM integration_client ic WHERE id = $1`, [id]))[0]?.row;

  const revokedAtOf = async (id: string): Promise<Date | null> =>
    (await db.query(`SELECT revoked_at FROM integration_client WHERE id = $1`, [id]))[0].revoked_at;

  const deliveriesOf = async (clientId: string): Promise<DeliveryRow[]> =>
    db.query(`SELECT id, event_id, state, attempts, delivered_at FROM webhook_delivery WHERE client_id = $1 ORDER BY id`, [clientId]);

  const attemptsOf = async (deliveryId: string): Promise<{ attempt: number; started_at: Date; http_status: number | null; error: string | null }[]> =>
    db.query(`SELECT attempt, started_at, http_status, error FROM webhook_attempt WHERE delivery_id = $1 ORDER BY attempt`, [deliveryId]);

  /** The delivery, its attempts and its queue jobs, as they are in the database now. */
  const deliverySnapshot = async (deliveryId: string) => ({
    delivery: (await db.query(`SELECT to_jsonb(d) AS row FROM webhook_delivery d WHERE id = $1`, [deliveryId]))[0]?.row,
    attempts: await db.query(`SELECT to_jsonb(a) AS row FROM webhook_attempt a WHERE delivery_id = $1 ORDER BY attempt`, [deliveryId]),
    jobs: Number(
      (await db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'webhook-delivery' AND data->>'deliveryId' = $1`, [deliveryId]))[0].n,
    ),
  });

  /** Waits until every delivery of the client has left PENDING (and there are `count` of them). */
  async function settled(clientId: string, count: number): Promise<DeliveryRow[]> {
    let rows: DeliveryRow[] = [];
    await eventually(`${count} settled deliveries for client ${clientId}`, async () => {
      rows = await deliveriesOf(clientId);
      return rows.length === count && rows.every((d) => d.state !== 'PENDING');
    });
    return rows;
  }

  /** A referral from `s.worker` to `s.receiver`, sent (and, with `steps`, received and accepted). */
  async function referral(s: ReferralScene, steps: 'sent' | 'accepted' = 'sent'): Promise<string> {
    const { id } = await s.draft();
    let version = await s.step('sendReferral', id, 1);
    if (steps === 'accepted') {
      version = await s.step('receiveReferral', id, version, { externalReference: `CLB-${id.slice(0, 8)}` });
      await s.step('acceptReferral', id, version);
    }
    return id;
  }

  const revoke = (admin: Person, clientId: string) => api.gql(admin.subject, RevokeIntegrationClientRecordDocument, { input: { clientId } });

  // ---- 1. integrationClients ------------------------------------------------------------------------

  describe('integrationClients', () => {
    let mine: Agency;
    let caseworker: Person;
    let clients: SceneClient[];
    let names: string[];
    let revokedAt: string;

    beforeAll(async () => {
      // An agency of its own, so that the list holds exactly the clients made here.
      mine = await scene.world.agency(scene.network, 'SCHOOL_GUIDANCE');
      caseworker = await scene.world.staff(mine);
      clients = [
        await scene.client(null, ['REFERRALS_READ'], mine),
        await scene.client('https://clb.example/hooks/gezin1plan', ['REFERRALS_READ', 'REFERRALS_WRITE'], mine),
        await scene.client(null, ['REFERRALS_READ', 'REFERRALS_PERSONAL'], mine),
      ];
      names = (await db.query(`SELECT name FROM integration_client WHERE id = ANY($1) ORDER BY id`, [clients.map((c) => c.id)])).map(
        (r: { name: string }) => r.name,
      );
      const revoked = await api.ok(mine.admin.subject, RevokeIntegrationClientRecordDocument, { input: { clientId: clients[1]!.id } });
      revokedAt = revoked.revokeIntegrationClient.revokedAt!;
    }, SLOW);

    it("the agency's admin lists all its clients, revoked ones included, page by page in the order they were registered", async () => {
      const first = await listClients(mine.admin, mine.id, { first: 2 });
      expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[1]!.cursor });
      const second = await listClients(mine.admin, mine.id, { first: 2, after: first.pageInfo.endCursor! });
      expect(second.pageInfo).toEqual({ hasNextPage: false, endCursor: second.edges[0]!.cursor });

      const nodes = [...first.edges, ...second.edges].map((e) => e.node);
      expect(nodes).toEqual([
        { id: clients[0]!.id, agencyId: mine.id, name: names[0], scopes: ['REFERRALS_READ'], webhookUrl: null, createdAt: expect.any(String), revokedAt: null },
        {
          id: clients[1]!.id,
          agencyId: mine.id,
          name: names[1],
          scopes: ['REFERRALS_READ', 'REFERRALS_WRITE'],
          webhookUrl: 'https://clb.example/hooks/gezin1plan',
          createdAt: expect.any(String),
          revokedAt,
        },
        { id: clients[2]!.id, agencyId: mine.id, name: names[2], scopes: ['REFERRALS_READ', 'REFERRALS_PERSONAL'], webhookUrl: null, createdAt: expect.any(String), revokedAt: null },
      ]);
      expect(new Date(revokedAt).getTime()).toBe((await revokedAtOf(clients[1]!.id))!.getTime());
      // Without paging arguments: the same three, on one page.
      expect(idsOf(await listClients(mine.admin, mine.id))).toEqual(clients.map((c) => c.id));
    });

    it('the list never carries a secret: IntegrationClient has no secret field, and the answer holds none', async () => {
      const { __schema } = await api.ok(mine.admin.subject, `{ __schema { types { name fields { name } } } }`);
      const fieldsOf = (type: string): string[] =>
        __schema.types.find((t: { name: string }) => t.name === type).fields.map((f: { name: string }) => f.name).sort();
      expect(fieldsOf('IntegrationClient')).toEqual([
        'agencyId',
        'createdAt',
        'id',
        'name',
        'previousSecretUntil',
        'revokedAt',
        'scopes',
        'secretRotatedAt',
        'webhookUrl',
      ]);
      const everyField: string[] = __schema.types.flatMap((t: { fields: { name: string }[] | null }) => (t.fields ?? []).map((f) => f.name));
      for (const secret of ['secretHash', 'secretSealed', 'previousSecretHash', 'previousSecretSealed']) expect(everyField).not.toContain(secret);

      const asked = await api.gql(mine.admin.subject, `query($agencyId: ID!) { integrationClients(agencyId: $agencyId) { edges { node { id secretHash } } } }`, {
        agencyId: mine.id,
      });
      expect(codeOf(asked)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(asked.data ?? null).toBeNull();

      const answer = JSON.stringify(await listClients(mine.admin, mine.id));
      for (const client of clients) expect(answer).not.toContain(client.secret);
      const rows: { secret_hash: string; secret_sealed: string }[] = await db.query(
        `SELECT secret_hash, secret_sealed FROM integration_client WHERE id = ANY($1)`,
        [clients.map((c) => c.id)],
      );
      for (const row of rows) {
        expect(answer).not.toContain(row.secret_hash);
        expect(answer).not.toContain(row.secret_sealed);
      }
    });

    it("an admin of another agency asking for this agency's clients gets an empty list (filtered in the query), in the network or outside it", async () => {
      const elsewhere = await scene.world.agency(await scene.world.network());
      for (const admin of [scene.other.admin, scene.receiver.admin, elsewhere.admin]) {
        expect(await listClients(admin, mine.id)).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
      }
      // Their own agency's list is theirs, and does not include these clients either.
      const own = await listClients(elsewhere.admin, elsewhere.id);
      expect(own.edges).toEqual([]);
    });

    it('a caseworker of the agency may not list its clients (FORBIDDEN)', async () => {
      for (const subject of [caseworker.subject, scene.intake.subject]) {
        const result = await api.gql(subject, IntegrationClientsPageDocument, { agencyId: mine.id });
        expect(codeOf(result)).toBe('FORBIDDEN');
        expect(result.data?.integrationClients ?? null).toBeNull();
      }
    });

    it('without a token the list is refused (UNAUTHENTICATED)', async () => {
      const result = await api.gql(null, IntegrationClientsPageDocument, { agencyId: mine.id });
      expect(codeOf(result)).toBe('UNAUTHENTICATED');
      expect(result.data?.integrationClients ?? null).toBeNull();
    });

    it('a malformed agency id is BAD_USER_INPUT naming agencyId', async () => {
      const result = await api.gql(mine.admin.subject, IntegrationClientsPageDocument, { agencyId: 'not-a-uuid' });
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(fieldOf(result)).toBe('agencyId');
    });

    it('a cursor that is not one of this list is bad input naming `after`', async () => {
      const result = await api.gql(mine.admin.subject, IntegrationClientsPageDocument, { agencyId: mine.id, after: 'bm90LWEtY3Vyc29y' });
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(fieldOf(result)).toBe('after');
    });
  });

  // ---- 2. revokeIntegrationClient -------------------------------------------------------------------

  describe('revokeIntegrationClient', () => {
    it("the agency's admin revokes a client: revokedAt is set, its token is refused on the next request, and it gets no new token", async () => {
      const client = await scene.client(null);
      const token = await tokenOf(client);
      expect(codeOf(await gqlWith(token, IncomingReferralProbeDocument))).toBe('OK');

      const result = await revoke(scene.receiver.admin, client.id);
      expect(codeOf(result)).toBe('OK');
      const revoked: ClientNode = result.data!.revokeIntegrationClient;
      expect(revoked).toMatchObject({ id: client.id, agencyId: scene.receiver.id, revokedAt: expect.any(String) });
      const inDb = await revokedAtOf(client.id);
      expect(inDb).not.toBeNull();
      expect(new Date(revoked.revokedAt!).getTime()).toBe(inDb!.getTime());

      const after = await gqlWith(token, IncomingReferralProbeDocument);
      expect(codeOf(after)).toBe('UNAUTHENTICATED');
      expect(after.data?.referrals ?? null).toBeNull();
      const res = await tokenRequest(client);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'invalid_client' });
      expect(res.body.access_token).toBeUndefined();

      // Still listed, as revoked.
      const listed = (await listClients(scene.receiver.admin, scene.receiver.id, { first: 100 })).edges.find((e) => e.node.id === client.id);
      expect(listed?.node.revokedAt).toBe(revoked.revokedAt);
    });

    it('revoking a revoked client again is INVALID_TRANSITION (currentStatus REVOKED) and keeps the first revokedAt', async () => {
      const client = await scene.client(null);
      expect(codeOf(await revoke(scene.receiver.admin, client.id))).toBe('OK');
      const before = await clientRow(client.id);
      const again = await revoke(scene.receiver.admin, client.id);
      expect(codeOf(again)).toBe('INVALID_TRANSITION');
      expect(currentStatusOf(again)).toBe('REVOKED');
      expect(again.data?.revokeIntegrationClient ?? null).toBeNull();
      expect(await clientRow(client.id)).toEqual(before);
    });

    it('two admins revoking the same client at once: one succeeds, the other is INVALID_TRANSITION (REVOKED); revokedAt is the first', async () => {
      const client = await scene.client(null);
      const secondAdmin = await scene.world.staff(scene.receiver, 'AGENCY_ADMIN');
      const results = await Promise.all([revoke(scene.receiver.admin, client.id), revoke(secondAdmin, client.id)]);
      expect(results.map(codeOf).sort()).toEqual(['INVALID_TRANSITION', 'OK']);
      const refused = results.find((r) => codeOf(r) !== 'OK')!;
      expect(currentStatusOf(refused)).toBe('REVOKED');
      const done = results.find((r) => codeOf(r) === 'OK')!;
      expect(new Date(done.data!.revokeIntegrationClient.revokedAt!).getTime()).toBe((await revokedAtOf(client.id))!.getTime());
    });

    it("an admin of another agency may not revoke the agency's client (NOT_FOUND), and nothing changes", async () => {
      const client = await scene.client(null);
      const token = await tokenOf(client);
      const before = await clientRow(client.id);
      const elsewhere = await scene.world.agency(await scene.world.network());
      for (const admin of [scene.other.admin, scene.referrer.admin, elsewhere.admin]) {
        const result = await revoke(admin, client.id);
        expect(codeOf(result)).toBe('NOT_FOUND');
        expect(result.data?.revokeIntegrationClient ?? null).toBeNull();
      }
      expect(await clientRow(client.id)).toEqual(before);
      expect(before.revoked_at).toBeNull();
      // The client still works.
      expect(codeOf(await gqlWith(token, IncomingReferralProbeDocument))).toBe('OK');
      expect((await tokenRequest(client)).status).toBe(200);
    });

    it("a caseworker of the agency may not revoke its client (FORBIDDEN), and nothing changes", async () => {
      const client = await scene.client(null);
      const before = await clientRow(client.id);
      for (const subject of [scene.intake.subject, scene.worker.subject]) {
        const result = await api.gql(subject, RevokeIntegrationClientRecordDocument, { input: { clientId: client.id } });
        expect(codeOf(result)).toBe('FORBIDDEN');
        expect(result.data?.revokeIntegrationClient ?? null).toBeNull();
      }
      expect(await clientRow(client.id)).toEqual(before);
      expect((await tokenRequest(client)).status).toBe(200);
    });

    it('the client itself may not revoke itself with its token (FORBIDDEN), and nothing changes', async () => {
      const client = await scene.client(null, ['REFERRALS_READ', 'REFERRALS_WRITE']);
      const before = await clientRow(client.id);
      const result = await gqlWith(await tokenOf(client), RevokeIntegrationClientRecordDocument, { input: { clientId: client.id } });
      expect(codeOf(result)).toBe('FORBIDDEN');
      expect(await clientRow(client.id)).toEqual(before);
    });

    it('an unknown client id is NOT_FOUND', async () => {
      const result = await revoke(scene.receiver.admin, randomUUID());
      expect(codeOf(result)).toBe('NOT_FOUND');
      expect(result.data?.revokeIntegrationClient ?? null).toBeNull();
    });

    it('without a token revoking is refused (UNAUTHENTICATED), and nothing changes', async () => {
      const client = await scene.client(null);
      const before = await clientRow(client.id);
      const result = await api.gql(null, RevokeIntegrationClientRecordDocument, { input: { clientId: client.id } });
      expect(codeOf(result)).toBe('UNAUTHENTICATED');
      expect(await clientRow(client.id)).toEqual(before);
    });

    it('a malformed client id is BAD_USER_INPUT naming clientId', async () => {
      const result = await revoke(scene.receiver.admin, 'not-a-uuid');
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(fieldOf(result)).toBe('clientId');
      expect(result.data?.revokeIntegrationClient ?? null).toBeNull();
    });
  });

  // ---- 3. Revocation stops webhooks ---------------------------------------------------------------

  describe('revocation stops webhooks', () => {
    it('a transition after the revocation creates no delivery for the revoked client (its sibling still gets one)', async () => {
      const s = await ReferralScene.create(api);
      const [revokedHook, liveHook] = [await receiver(), await receiver()];
      const revokedClient = await s.client(revokedHook.url);
      const liveClient = await s.client(liveHook.url);
      expect(codeOf(await revoke(s.receiver.admin, revokedClient.id))).toBe('OK');

      const id = await referral(s);
      // The live client hears of it, so the fan-out ran for this transition.
      await liveHook.until(() => liveHook.eventsOf(id).length === 1);
      expect(await settled(liveClient.id, 1)).toMatchObject([{ state: 'DELIVERED' }]);
      expect(await deliveriesOf(revokedClient.id)).toEqual([]);
      expect(revokedHook.received).toEqual([]);
      expect((await deliveriesPage(s.receiver.admin, revokedClient.id)).edges).toEqual([]);
    }, SLOW);

    it('a delivery still queued (waiting for its retry) when its client is revoked is CANCELLED, not sent again', async () => {
      // Deterministic: the delivery's job is queued with one retry 3–6 s after the first attempt
      // (retry settings travel with the job, so a second app with WEBHOOK_WORKER=false queues it; any
      // worker runs it). The client is revoked in that gap; the retry then finds revoked_at set.
      const RETRY_DELAY_SECONDS = 3;
      const queuing = await TestApi.start({ ...ENV, WEBHOOK_WORKER: 'false', WEBHOOK_RETRY_LIMIT: '1', WEBHOOK_RETRY_DELAY_SECONDS: String(RETRY_DELAY_SECONDS) });
      extraApis.push(queuing);
      const s = await ReferralScene.create(queuing);
      const hook = await receiver('down');
      const client = await s.client(hook.url);
      const id = await referral(s);

      let first: DeliveryRow | undefined;
      await eventually('the first attempt', async () => {
        [first] = await deliveriesOf(client.id);
        return first?.attempts === 1;
      });
      expect(first).toMatchObject({ state: 'PENDING', attempts: 1 });
      const [attempt] = await attemptsOf(first!.id);
      expect(attempt).toMatchObject({ attempt: 1, http_status: 503, error: 'HTTP 503' });

      expect(codeOf(await revoke(s.receiver.admin, client.id))).toBe('OK');
      // The revocation committed before the retry could start (it waits at least the retry delay).
      expect(Date.now()).toBeLessThan(attempt!.started_at.getTime() + RETRY_DELAY_SECONDS * 1000);

      await eventually('the delivery to be CANCELLED', async () => (await deliveriesOf(client.id))[0]?.state === 'CANCELLED', 30_000);
      const [cancelled] = await deliveriesOf(client.id);
      expect(cancelled).toMatchObject({ id: first!.id, state: 'CANCELLED', attempts: 1, delivered_at: null });
      expect((await attemptsOf(first!.id)).map((a) => [a.attempt, a.http_status])).toEqual([[1, 503]]);
      expect(hook.eventsOf(id)).toHaveLength(1);

      // The admin sees it so, and it cannot be redelivered.
      const { edges } = await deliveriesPage(s.receiver.admin, client.id);
      expect(edges.map((e) => [e.node.id, e.node.state, e.node.attempts, e.node.attemptLog.length])).toEqual([[first!.id, 'CANCELLED', 1, 1]]);
      const before = await deliverySnapshot(first!.id);
      const redelivered = await api.gql(s.receiver.admin.subject, RedeliverWebhookDocument, { input: { deliveryId: first!.id } });
      expect(codeOf(redelivered)).toBe('INVALID_TRANSITION');
      expect(currentStatusOf(redelivered)).toBe('CANCELLED');
      expect(await deliverySnapshot(first!.id)).toEqual(before);
    }, SLOW);
  });

  // ---- 4. webhookDeliveries -----------------------------------------------------------------------

  describe('webhookDeliveries', () => {
    /** `client` of `s.receiver` has 4 deliveries: 3 DELIVERED (sent, received, accepted) then 1 FAILED. */
    let s: ReferralScene;
    let hook: WebhookReceiver;
    let client: SceneClient;
    let rows: DeliveryRow[];
    /** `single` of `one.receiver` has 1 DELIVERED delivery. */
    let one: ReferralScene;
    let singleHook: WebhookReceiver;
    let single: SceneClient;

    beforeAll(async () => {
      s = await ReferralScene.create(api);
      hook = await receiver('up');
      client = await s.client(hook.url);
      await referral(s, 'accepted');
      await settled(client.id, 3);
      hook.mode = 'down';
      await referral(s);
      rows = await settled(client.id, 4);

      one = await ReferralScene.create(api);
      singleHook = await receiver('up');
      single = await one.client(singleHook.url);
      await referral(one);
      await settled(single.id, 1);
    }, SLOW);

    it('the admin sees a delivery as it was sent: DELIVERED, one attempt with 200, the exact body received, its id as eventId', async () => {
      const page = await deliveriesPage(one.receiver.admin, single.id);
      expect(singleHook.received).toHaveLength(1);
      const [webhook] = singleHook.received;
      const sent = JSON.parse(webhook!.body);
      const [row] = await deliveriesOf(single.id);
      expect(page).toEqual({
        edges: [
          {
            cursor: expect.any(String),
            node: {
              id: row!.id,
              eventId: sent.id,
              clientId: single.id,
              url: singleHook.url,
              state: 'DELIVERED',
              attempts: 1,
              createdAt: expect.any(String),
              deliveredAt: row!.delivered_at!.toISOString(),
              attemptLog: [{ attempt: 1, startedAt: expect.any(String), durationMs: expect.any(Number), httpStatus: 200, error: null }],
              body: webhook!.body,
            },
          },
        ],
        pageInfo: { hasNextPage: false, endCursor: page.edges[0]!.cursor },
      });
      expect(webhook!.headers['x-webhook-id']).toBe(sent.id);
      expect(signatureValid(webhook!, single.secret)).toBe(true);
    });

    it('every delivery of a client is listed, oldest first, each with its own body and attempts (FAILED ones too)', async () => {
      const page = await deliveriesPage(s.receiver.admin, client.id);
      expect(idsOf(page)).toEqual(rows.map((r) => r.id));
      expect(page.pageInfo.hasNextPage).toBe(false);
      for (const { node } of page.edges) {
        // The receiver got exactly these bytes under this event id.
        const got = hook.received.filter((w) => w.headers['x-webhook-id'] === node.eventId);
        expect(got).toHaveLength(1);
        expect(node.body).toBe(got[0]!.body);
        expect(JSON.parse(node.body).id).toBe(node.eventId);
        expect(node).toMatchObject({ clientId: client.id, url: hook.url, attempts: 1 });
      }
      expect(page.edges.map((e) => [e.node.state, e.node.attemptLog.map((a) => [a.attempt, a.httpStatus, a.error]), e.node.deliveredAt === null])).toEqual([
        ['DELIVERED', [[1, 200, null]], false],
        ['DELIVERED', [[1, 200, null]], false],
        ['DELIVERED', [[1, 200, null]], false],
        ['FAILED', [[1, 503, 'HTTP 503']], true],
      ]);
      expect(page.edges.map((e) => JSON.parse(e.node.body).data.to)).toEqual(['SENT', 'RECEIVED', 'ACCEPTED', 'SENT']);
    });

    it('the state filter lists only deliveries in that state', async () => {
      const byState = async (state: WebhookDeliveryState) => idsOf(await deliveriesPage(s.receiver.admin, client.id, { state }));
      expect(await byState('FAILED')).toEqual([rows[3]!.id]);
      expect(await byState('DELIVERED')).toEqual(rows.slice(0, 3).map((r) => r.id));
      expect(await byState('PENDING')).toEqual([]);
      expect(await byState('CANCELLED')).toEqual([]);
      const failed = (await deliveriesPage(s.receiver.admin, client.id, { state: 'FAILED' })).edges[0]!.node;
      expect(failed).toMatchObject({ state: 'FAILED', attempts: 1, deliveredAt: null, attemptLog: [{ attempt: 1, httpStatus: 503, error: 'HTTP 503' }] });
    });

    it('pages with first/after follow each other without gap or overlap, also with the state filter', async () => {
      const first = await deliveriesPage(s.receiver.admin, client.id, { first: 3 });
      expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[2]!.cursor });
      const second = await deliveriesPage(s.receiver.admin, client.id, { first: 3, after: first.pageInfo.endCursor! });
      expect(second.pageInfo).toEqual({ hasNextPage: false, endCursor: second.edges[0]!.cursor });
      expect([...idsOf(first), ...idsOf(second)]).toEqual(rows.map((r) => r.id));

      const delivered1 = await deliveriesPage(s.receiver.admin, client.id, { state: 'DELIVERED', first: 2 });
      const delivered2 = await deliveriesPage(s.receiver.admin, client.id, { state: 'DELIVERED', first: 2, after: delivered1.pageInfo.endCursor! });
      expect(delivered1.pageInfo.hasNextPage).toBe(true);
      expect(delivered2.pageInfo.hasNextPage).toBe(false);
      expect([...idsOf(delivered1), ...idsOf(delivered2)]).toEqual(rows.slice(0, 3).map((r) => r.id));
    });

    it("an admin of another agency may not see the client's deliveries (NOT_FOUND)", async () => {
      const elsewhere = await s.world.agency(await s.world.network());
      for (const admin of [s.other.admin, s.referrer.admin, one.receiver.admin, elsewhere.admin]) {
        const result = await api.gql(admin.subject, WebhookDeliveriesPageDocument, { clientId: client.id });
        expect(codeOf(result)).toBe('NOT_FOUND');
        expect(result.data?.webhookDeliveries ?? null).toBeNull();
      }
    });

    it("the agency's caseworkers, and the client itself, may not see its deliveries (FORBIDDEN); no token is UNAUTHENTICATED", async () => {
      for (const subject of [s.intake.subject, s.worker.subject]) {
        const result = await api.gql(subject, WebhookDeliveriesPageDocument, { clientId: client.id });
        expect(codeOf(result)).toBe('FORBIDDEN');
        expect(result.data?.webhookDeliveries ?? null).toBeNull();
      }
      const asClient = await gqlWith(await tokenOf(client), WebhookDeliveriesPageDocument, { clientId: client.id });
      expect(codeOf(asClient)).toBe('FORBIDDEN');
      expect(asClient.data?.webhookDeliveries ?? null).toBeNull();
      const anonymous = await api.gql(null, WebhookDeliveriesPageDocument, { clientId: client.id });
      expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
    });

    it('an unknown client is NOT_FOUND; a malformed client id is BAD_USER_INPUT naming clientId', async () => {
      expect(codeOf(await api.gql(s.receiver.admin.subject, WebhookDeliveriesPageDocument, { clientId: randomUUID() }))).toBe('NOT_FOUND');
      const malformed = await api.gql(s.receiver.admin.subject, WebhookDeliveriesPageDocument, { clientId: 'not-a-uuid' });
      expect(codeOf(malformed)).toBe('BAD_USER_INPUT');
      expect(fieldOf(malformed)).toBe('clientId');
    });

    it('the statements per request do not grow with the deliveries: 1 or 4, with attemptLog and body', async () => {
      // The worker in this process may work another file's job meanwhile (its SQL is counted too):
      // each side is measured three times and its smallest count is compared.
      const measure = async (admin: Person, clientId: string, expected: number) => {
        const counts: number[] = [];
        for (let run = 0; run < 3; run++) {
          let page: Page<DeliveryNode> | undefined;
          counts.push(await api.countStatements(async () => (page = (await api.ok(admin.subject, WebhookDeliveriesPageDocument, { clientId })).webhookDeliveries)));
          expect(page!.edges).toHaveLength(expected);
          expect(page!.edges.every((e) => e.node.attemptLog.length === 1 && e.node.body.length > 0)).toBe(true);
        }
        return counts;
      };
      const forOne = await measure(one.receiver.admin, single.id, 1);
      const forFour = await measure(s.receiver.admin, client.id, 4);
      expect(Math.min(...forFour)).toBe(Math.min(...forOne));
      // principal, authorize, deliveries, attempts, bodies: a handful, not one per delivery.
      expect(Math.min(...forFour)).toBeLessThanOrEqual(6);
    });
  });

  // ---- 5. redeliverWebhook ------------------------------------------------------------------------

  describe('redeliverWebhook', () => {
    /**
     * One referral sent to `s.receiver`, whose clients are: `failing` (down: FAILED, to redeliver),
     * `refused` (down: FAILED, for the refusals), `revoked` (down: FAILED, then revoked), `delivered`
     * (up: DELIVERED), `stillDown` (down: FAILED, redelivered while still down), `twice` (down:
     * FAILED, redelivered twice at once) and `header` (down: FAILED, redelivered once up).
     */
    let s: ReferralScene;
    const NAMES = ['failing', 'refused', 'revoked', 'delivered', 'stillDown', 'twice', 'header'] as const;
    const hooks: Record<(typeof NAMES)[number], WebhookReceiver> = {} as never;
    const clients: Record<keyof typeof hooks, SceneClient> = {} as never;
    const deliveryOf: Record<keyof typeof hooks, string> = {} as never;
    let referralId: string;

    beforeAll(async () => {
      s = await ReferralScene.create(api);
      for (const name of NAMES) {
        hooks[name] = await receiver(name === 'delivered' ? 'up' : 'down');
        clients[name] = await s.client(hooks[name].url);
      }
      referralId = await referral(s);
      for (const name of NAMES) {
        const [row] = await settled(clients[name].id, 1);
        expect(row!.state).toBe(name === 'delivered' ? 'DELIVERED' : 'FAILED');
        deliveryOf[name] = row!.id;
      }
      expect(codeOf(await revoke(s.receiver.admin, clients.revoked.id))).toBe('OK');
    }, SLOW);

    const redeliver = (subject: string | null, deliveryId: string) => api.gql(subject, RedeliverWebhookDocument, { input: { deliveryId } });

    it('the admin redelivers a FAILED delivery once the receiver is back: DELIVERED, with both attempts in attemptLog', async () => {
      const hook = hooks.failing;
      expect(hook.eventsOf(referralId)).toHaveLength(1);
      hook.mode = 'up';
      const result = await redeliver(s.receiver.admin.subject, deliveryOf.failing);
      expect(codeOf(result)).toBe('OK');
      expect(result.data!.redeliverWebhook).toEqual({ id: deliveryOf.failing, state: 'PENDING', attempts: 1 });

      await eventually('the redelivery', async () => (await deliveriesOf(clients.failing.id))[0]?.state === 'DELIVERED');
      const { edges } = await deliveriesPage(s.receiver.admin, clients.failing.id);
      expect(edges).toHaveLength(1);
      const node = edges[0]!.node;
      expect(node).toMatchObject({ id: deliveryOf.failing, state: 'DELIVERED', attempts: 2, deliveredAt: expect.any(String) });
      expect(node.attemptLog.map((a) => [a.attempt, a.httpStatus, a.error])).toEqual([
        [1, 503, 'HTTP 503'],
        [2, 200, null],
      ]);
      expect(new Date(node.attemptLog[1]!.startedAt).getTime()).toBeGreaterThan(new Date(node.attemptLog[0]!.startedAt).getTime());
      // The same event, byte for byte and signed, both times.
      const posts = hook.received.filter((w) => w.headers['x-webhook-id'] === node.eventId);
      expect(posts).toHaveLength(2);
      expect(posts.map((w) => w.body)).toEqual([node.body, node.body]);
      expect(posts.every((w) => signatureValid(w, clients.failing.secret))).toBe(true);
    });

    it('a redelivered POST says which attempt it is: X-Webhook-Attempt matches its attempt number in attemptLog', async () => {
      // The attempt is numbered over the delivery's life, not within the queue job (which starts
      // again after redeliverWebhook): the partner can match it with attemptLog.
      hooks.header.mode = 'up';
      expect(codeOf(await redeliver(s.receiver.admin.subject, deliveryOf.header))).toBe('OK');
      await eventually('the redelivery', async () => (await deliveriesOf(clients.header.id))[0]?.state === 'DELIVERED');
      const node = (await deliveriesPage(s.receiver.admin, clients.header.id)).edges[0]!.node;
      expect(node.attemptLog.map((a) => [a.attempt, a.httpStatus])).toEqual([
        [1, 503],
        [2, 200],
      ]);
      const posts = hooks.header.received.filter((w) => w.headers['x-webhook-id'] === node.eventId);
      expect(posts.map((w) => w.headers['x-webhook-attempt'])).toEqual(['1', '2']);
    });

    it('a redelivery that fails again is FAILED again with the new attempt recorded, and may be redelivered once more', async () => {
      const result = await redeliver(s.receiver.admin.subject, deliveryOf.stillDown);
      expect(codeOf(result)).toBe('OK');
      await eventually('the second attempt', async () => (await deliveriesOf(clients.stillDown.id))[0]?.attempts === 2);
      await eventually('FAILED again', async () => (await deliveriesOf(clients.stillDown.id))[0]?.state === 'FAILED');
      const node = (await deliveriesPage(s.receiver.admin, clients.stillDown.id)).edges[0]!.node;
      expect(node).toMatchObject({ state: 'FAILED', attempts: 2, deliveredAt: null });
      expect(node.attemptLog.map((a) => [a.attempt, a.httpStatus, a.error])).toEqual([
        [1, 503, 'HTTP 503'],
        [2, 503, 'HTTP 503'],
      ]);
      hooks.stillDown.mode = 'up';
      expect(codeOf(await redeliver(s.receiver.admin.subject, deliveryOf.stillDown))).toBe('OK');
      await eventually('the third attempt', async () => (await deliveriesOf(clients.stillDown.id))[0]?.state === 'DELIVERED');
      const after = (await deliveriesPage(s.receiver.admin, clients.stillDown.id)).edges[0]!.node;
      expect(after.attemptLog.map((a) => [a.attempt, a.httpStatus])).toEqual([
        [1, 503],
        [2, 503],
        [3, 200],
      ]);
      expect(hooks.stillDown.eventsOf(referralId)).toHaveLength(3);
    });

    it('two redeliveries of one FAILED delivery at once queue it once: one succeeds, the other is INVALID_TRANSITION', async () => {
      hooks.twice.mode = 'up';
      const before = await deliverySnapshot(deliveryOf.twice);
      const results = await Promise.all([redeliver(s.receiver.admin.subject, deliveryOf.twice), redeliver(s.receiver.admin.subject, deliveryOf.twice)]);
      expect(results.map(codeOf).sort()).toEqual(['INVALID_TRANSITION', 'OK']);
      // The loser waited for the winner's lock and saw its PENDING (or, if the worker was that fast, DELIVERED).
      expect(['PENDING', 'DELIVERED']).toContain(currentStatusOf(results.find((r) => codeOf(r) !== 'OK')!));
      expect((await deliverySnapshot(deliveryOf.twice)).jobs).toBe(before.jobs + 1);
      await eventually('the redelivery', async () => (await deliveriesOf(clients.twice.id))[0]?.state === 'DELIVERED');
      await sleep(QUIET_MS);
      expect(await deliveriesOf(clients.twice.id)).toMatchObject([{ state: 'DELIVERED', attempts: 2 }]);
      expect(hooks.twice.eventsOf(referralId)).toHaveLength(2);
    });

    it('redelivering a DELIVERED delivery is INVALID_TRANSITION (currentStatus DELIVERED), and nothing changes or is sent', async () => {
      const before = await deliverySnapshot(deliveryOf.delivered);
      const result = await redeliver(s.receiver.admin.subject, deliveryOf.delivered);
      expect(codeOf(result)).toBe('INVALID_TRANSITION');
      expect(currentStatusOf(result)).toBe('DELIVERED');
      expect(result.data?.redeliverWebhook ?? null).toBeNull();
      await sleep(QUIET_MS);
      expect(await deliverySnapshot(deliveryOf.delivered)).toEqual(before);
      expect(hooks.delivered.eventsOf(referralId)).toHaveLength(1);
    });

    it("an admin of another agency may not redeliver the agency's delivery (NOT_FOUND), and nothing changes", async () => {
      const before = await deliverySnapshot(deliveryOf.refused);
      const elsewhere = await s.world.agency(await s.world.network());
      for (const admin of [s.other.admin, s.referrer.admin, elsewhere.admin]) {
        const result = await redeliver(admin.subject, deliveryOf.refused);
        expect(codeOf(result)).toBe('NOT_FOUND');
        expect(result.data?.redeliverWebhook ?? null).toBeNull();
      }
      expect(await deliverySnapshot(deliveryOf.refused)).toEqual(before);
      expect(before.delivery.state).toBe('FAILED');
    });

    it("the agency's caseworkers and the client itself may not redeliver (FORBIDDEN), and nothing changes", async () => {
      const before = await deliverySnapshot(deliveryOf.refused);
      for (const subject of [s.intake.subject, s.worker.subject]) {
        const result = await redeliver(subject, deliveryOf.refused);
        expect(codeOf(result)).toBe('FORBIDDEN');
        expect(result.data?.redeliverWebhook ?? null).toBeNull();
      }
      const asClient = await gqlWith(await tokenOf(clients.refused), RedeliverWebhookDocument, { input: { deliveryId: deliveryOf.refused } });
      expect(codeOf(asClient)).toBe('FORBIDDEN');
      expect(codeOf(await redeliver(null, deliveryOf.refused))).toBe('UNAUTHENTICATED');
      expect(await deliverySnapshot(deliveryOf.refused)).toEqual(before);
    });

    it('a FAILED delivery of a revoked client cannot be redelivered: INVALID_TRANSITION (currentStatus REVOKED), and nothing changes', async () => {
      const before = await deliverySnapshot(deliveryOf.revoked);
      expect(before.delivery.state).toBe('FAILED');
      const result = await redeliver(s.receiver.admin.subject, deliveryOf.revoked);
      expect(codeOf(result)).toBe('INVALID_TRANSITION');
      expect(currentStatusOf(result)).toBe('REVOKED');
      expect(await deliverySnapshot(deliveryOf.revoked)).toEqual(before);
      expect(hooks.revoked.eventsOf(referralId)).toHaveLength(1);
    });

    it('an unknown delivery is NOT_FOUND; a malformed delivery id is BAD_USER_INPUT naming deliveryId', async () => {
      expect(codeOf(await redeliver(s.receiver.admin.subject, randomUUID()))).toBe('NOT_FOUND');
      const malformed = await redeliver(s.receiver.admin.subject, 'not-a-uuid');
      expect(codeOf(malformed)).toBe('BAD_USER_INPUT');
      expect(fieldOf(malformed)).toBe('deliveryId');
    });
  });
});
