import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DocumentNode } from 'graphql';
import { createHash, randomUUID } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import {
  AcceptReferralStepDocument,
  ClientReferralByReferenceDocument,
  ClientReferralDocument,
  ClientReferralsDocument,
  CompleteReferralStepDocument,
  CreateReferralStatusDocument,
  DeclineReferralStepDocument,
  FamiliesWithMembersDocument,
  FamilyWithGivenNamesDocument,
  PlanParticipantAgenciesDocument,
  PlanStatusDocument,
  ReceiveReferralStepDocument,
  ReferralFamilyAndPlanDocument,
  ReferralReasonsDocument,
  ReferralStatusAndPlanDocument,
  RegisterIntegrationClientDetailsDocument,
  type ClientReferralViewFragment,
  type RegisterIntegrationClientInput,
  RevokeConsentDocument,
  SendReferralStepDocument,
  WithdrawReferralStepDocument,
} from './graphql/generated.js';
import { codeOf, type GraphQLResult, PLATFORM_ADMIN, queryText, TestApi } from './support/test-app.js';
import { type Agency, type Family, type Network, type Person, parentWithTwoChildren, World } from './support/world.js';

/**
 * Integration partners (docs/referrals-and-webhooks.md, "Integration partners"): a
 * receiving agency's admin registers its case system, which gets short-lived tokens by the OAuth 2.0
 * client-credentials grant (POST /oauth/token) and, with them, sees the referrals sent to its agency:
 * status only, unless its scope (referrals:personal) and the family's REFERRAL consent allow the
 * personal content. With referrals:write it receives and accepts them under its own reference.
 *
 * One network for the whole file: R refers, B receives (and registers the clients), O is another
 * agency of the same network, X an agency of another network.
 */

type Scope = 'REFERRALS_READ' | 'REFERRALS_WRITE' | 'REFERRALS_PERSONAL';

interface Client {
  id: string;
  secret: string;
}

interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

type ReferralView = ClientReferralViewFragment;

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const REASON = 'Lien heeft moeite op school en thuis';

describe('integration clients: registration, client credentials and the status-only view of referrals', () => {
  let api: TestApi;
  let world: World;
  let db: DataSource;
  let network: Network;
  let referrer: Agency;
  let receiver: Agency;
  let other: Agency;
  let elsewhere: Agency;
  let worker: Person;
  let intake: Person;
  /** Clients of the receiving agency, one per combination of scopes the tests need. */
  let readClient: Client;
  let personalClient: Client;
  let writeClient: Client;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    db = api.db;
    network = await world.network();
    referrer = await world.agency(network);
    receiver = await world.agency(network, 'SCHOOL_GUIDANCE');
    other = await world.agency(network, 'SCHOOL_GUIDANCE');
    elsewhere = await world.agency(await world.network());
    worker = await world.staff(referrer);
    intake = await world.staff(receiver);
    readClient = await register(receiver.admin, ['REFERRALS_READ']);
    personalClient = await register(receiver.admin, ['REFERRALS_READ', 'REFERRALS_PERSONAL']);
    writeClient = await register(receiver.admin, ['REFERRALS_READ', 'REFERRALS_WRITE']);
  }, 120_000);
  afterAll(() => api.stop());

  // ---- helpers ---------------------------------------------------------------------------------

  const http = () => request(api.app.getHttpServer());

  async function register(admin: Person, scopes: Scope[], extra: Record<string, unknown> = {}): Promise<Client> {
    const { registerIntegrationClient } = await api.ok(admin.subject, RegisterIntegrationClientDetailsDocument, {
      input: { agencyId: receiver.id, name: `Dossiersysteem ${randomUUID()}`, scopes, ...extra },
    });
    return { id: registerIntegrationClient.client.id, secret: registerIntegrationClient.clientSecret };
  }

  async function tokenOf(client: Client): Promise<string> {
    const res = await http()
      .post('/oauth/token')
      .send({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret });
    expect(res.status).toBe(200);
    return (res.body as TokenResponse).access_token;
  }

  /** One GraphQL operation with a raw bearer token (null: none), on the same path TestApi uses. */
  async function gqlWith(token: string | null, operation: DocumentNode | string, variables: Record<string, unknown> = {}): Promise<GraphQLResult> {
    const req = http().post('/graphql');
    if (token !== null) req.set('Authorization', `Bearer ${token}`);
    const res = await req.send({ query: queryText(operation), variables });
    if (res.status >= 500) throw new Error(`HTTP ${res.status}: ${res.text}`);
    return res.body as GraphQLResult;
  }

  async function asClient(client: Client, operation: DocumentNode | string, variables: Record<string, unknown> = {}): Promise<GraphQLResult> {
    return gqlWith(await tokenOf(client), operation, variables);
  }

  /** Like asClient, but fails on any error. */
  async function okAsClient<R, V extends Record<string, unknown>>(client: Client, operation: TypedDocumentNode<R, V>, variables: V): Promise<R> {
    const result = await asClient(client, operation, variables);
    if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data as R;
  }

  /**
   * A family of three with a plan of `worker`; Lien (the first child) consents to referral to the
   * receiver and to `other`. Returns the family and the REFERRAL consent ids of Lien per agency.
   */
  async function family(): Promise<{ family: Family; planId: string; lien: string; sara: string; consentTo: Record<string, string> }> {
    const f = await world.familyWithPlan(worker, { members: parentWithTwoChildren() });
    const fam: Family = { id: f.familyId, members: f.members, memberIds: f.memberIds };
    const lien = f.memberIds[1]!;
    const onlyLien = { ...fam, members: fam.members.filter((m) => m.id === lien) };
    const consentTo: Record<string, string> = {};
    for (const agency of [receiver, other]) {
      [consentTo[agency.id]] = await world.consentAll(worker, onlyLien, agency.id, ['REFERRAL']);
    }
    return { family: fam, planId: f.planId, lien, sara: f.memberIds[0]!, consentTo };
  }

  async function draft(to: Agency = receiver): Promise<{ id: string; version: number; lien: string; sara: string; consentTo: Record<string, string> }> {
    const { planId, lien, sara, consentTo } = await family();
    const { createReferral } = await api.ok(worker.subject, CreateReferralStatusDocument, {
      input: { planId, toAgencyId: to.id, memberIds: [lien], reason: REASON, urgency: 'ROUTINE', requestedService: 'Leerlingenbegeleiding' },
    });
    expect(createReferral).toMatchObject({ status: 'DRAFT', version: 1 });
    return { id: createReferral.id, version: 1, lien, sara, consentTo };
  }

  async function sent(to: Agency = receiver) {
    const created = await draft(to);
    const { sendReferral } = await api.ok(worker.subject, SendReferralStepDocument, { input: { referralId: created.id, expectedVersion: 1 } });
    expect(sendReferral).toMatchObject({ status: 'SENT', version: 2 });
    return { ...created, version: 2 };
  }

  /** The referral as the referring caseworker sees it: proves what a refused call did not change. */
  async function asReferrer(id: string): Promise<ReferralView> {
    const { referral } = await api.ok(worker.subject, ClientReferralDocument, { id });
    return referral;
  }

  const clientRows = async (name: string): Promise<number> =>
    Number((await db.query(`SELECT count(*)::int AS n FROM integration_client WHERE name = $1`, [name]))[0].n);

  async function revoke(clientId: string): Promise<void> {
    await db.transaction(async (em) => {
      await em.query(`SELECT set_config('app.actor_subject', 'test-fixture', true)`);
      await em.query(`UPDATE integration_client SET revoked_at = now() WHERE id = $1`, [clientId]);
    });
  }

  // ---- 1. registerIntegrationClient ---------------------------------------------------------------

  describe('registerIntegrationClient', () => {
    it("the agency's admin registers a client: the secret is shown once, the database keeps only its sha256", async () => {
      const name = `Dossiersysteem ${randomUUID()}`;
      const { registerIntegrationClient: registered } = await api.ok(receiver.admin.subject, RegisterIntegrationClientDetailsDocument, {
        input: { agencyId: receiver.id, name, scopes: ['REFERRALS_READ', 'REFERRALS_WRITE'], webhookUrl: 'https://clb.example/hooks/gezin1plan' },
      });
      expect(registered.client).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        agencyId: receiver.id,
        name,
        scopes: ['REFERRALS_READ', 'REFERRALS_WRITE'],
        webhookUrl: 'https://clb.example/hooks/gezin1plan',
        createdAt: expect.any(String),
        revokedAt: null,
      });
      const secret: string = registered.clientSecret;
      // 256 random bits, base64url.
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const rows: { secret_hash: string; agency_id: string; scopes: string[]; created_by_user_id: string }[] = await db.query(
        `SELECT secret_hash, agency_id, scopes, created_by_user_id FROM integration_client WHERE id = $1`,
        [registered.client.id],
      );
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(row.secret_hash).not.toContain(secret);
      expect(row.secret_hash).toBe(sha256Hex(secret));
      expect(row).toMatchObject({ agency_id: receiver.id, scopes: ['referrals:read', 'referrals:write'], created_by_user_id: receiver.admin.userId });
      // No other column holds the secret either.
      const [whole] = await db.query(`SELECT to_jsonb(ic)::text AS text FROM integration_client ic WHERE id = $1`, [registered.client.id]);
      expect(whole.text).not.toContain(secret);

      // The secret it showed is the one that works.
      const res = await http()
        .post('/oauth/token')
        .send({ grant_type: 'client_credentials', client_id: registered.client.id, client_secret: secret });
      expect(res.status).toBe(200);
    });

    const refused: [string, string, () => string | null][] = [
      ['a caseworker of the agency', 'FORBIDDEN', () => intake.subject],
      ['the admin of another agency of the same network', 'FORBIDDEN', () => other.admin.subject],
      ['the admin of an agency of another network', 'NOT_FOUND', () => elsewhere.admin.subject],
      ['a platform admin', 'FORBIDDEN', () => PLATFORM_ADMIN],
      ['the network coordinator', 'FORBIDDEN', () => network.coordinator.subject],
      ['nobody (no token)', 'UNAUTHENTICATED', () => null],
    ];
    it.each(refused)('%s may not register a client for the agency (%s)', async (_who, code, subjectOf) => {
      const name = `Geweigerd ${randomUUID()}`;
      const result = await api.gql(subjectOf(), RegisterIntegrationClientDetailsDocument, { input: { agencyId: receiver.id, name, scopes: ['REFERRALS_READ'] } });
      expect(codeOf(result)).toBe(code);
      expect(result.data?.registerIntegrationClient ?? null).toBeNull();
      expect(await clientRows(name)).toBe(0);
    });

    it.each<[string, Partial<RegisterIntegrationClientInput>]>([
      ['name', { name: '' }],
      ['scopes', { scopes: [] }],
      ['webhookUrl', { webhookUrl: 'not a url' }],
      ['agencyId', { agencyId: 'not-a-uuid' }],
    ])('bad input names the field: %s', async (field, override) => {
      const name = `Fout ${randomUUID()}`;
      const input: RegisterIntegrationClientInput = { agencyId: receiver.id, name, scopes: ['REFERRALS_READ'], ...override };
      const result = await api.gql(receiver.admin.subject, RegisterIntegrationClientDetailsDocument, { input });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(await clientRows(name)).toBe(0);
    });
  });

  // ---- 2. POST /oauth/token -------------------------------------------------------------------

  describe('POST /oauth/token', () => {
    const expectToken = (res: request.Response, scope: string) => {
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope });
      const claims = decodeJwt(res.body.access_token);
      expect(claims.exp! - claims.iat!).toBe(900);
    };

    it('issues a token for credentials in a form-encoded body', async () => {
      const res = await http()
        .post('/oauth/token')
        .type('form')
        .send(
          `grant_type=client_credentials&client_id=${encodeURIComponent(writeClient.id)}&client_secret=${encodeURIComponent(writeClient.secret)}`,
        );
      expectToken(res, 'referrals:read referrals:write');
      // The token works on /graphql.
      const listed = await gqlWith(res.body.access_token, ClientReferralsDocument, { direction: 'INCOMING' });
      expect(codeOf(listed)).toBe('OK');
    });

    it('issues a token for credentials in a JSON body', async () => {
      const res = await http()
        .post('/oauth/token')
        .send({ grant_type: 'client_credentials', client_id: readClient.id, client_secret: readClient.secret });
      expectToken(res, 'referrals:read');
      expect(codeOf(await gqlWith(res.body.access_token, ClientReferralsDocument, { direction: 'INCOMING' }))).toBe('OK');
    });

    it('issues a token for HTTP Basic credentials', async () => {
      const res = await http().post('/oauth/token').auth(personalClient.id, personalClient.secret).type('form').send('grant_type=client_credentials');
      expectToken(res, 'referrals:read referrals:personal');
      expect(codeOf(await gqlWith(res.body.access_token, ClientReferralsDocument, { direction: 'INCOMING' }))).toBe('OK');
    });

    it.each([
      ['a wrong secret', () => ({ client_id: readClient.id, client_secret: `${readClient.secret}x` })],
      ["another client's secret", () => ({ client_id: readClient.id, client_secret: writeClient.secret })],
      ['an unknown client id', () => ({ client_id: randomUUID(), client_secret: readClient.secret })],
      ['a malformed client id', () => ({ client_id: 'not-a-uuid', client_secret: readClient.secret })],
    ])('%s → 401 invalid_client', async (_case, credentials) => {
      const res = await http()
        .post('/oauth/token')
        .send({ grant_type: 'client_credentials', ...credentials() });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'invalid_client' });
      expect(res.body.access_token).toBeUndefined();
    });

    it('a wrong secret over HTTP Basic → 401 invalid_client', async () => {
      const res = await http().post('/oauth/token').auth(readClient.id, 'wrong').send({ grant_type: 'client_credentials' });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'invalid_client' });
    });

    it('HTTP Basic credentials that are not valid percent-encoding → an OAuth error, not a server error', async () => {
      const basic = Buffer.from(`${readClient.id}:%E0%A4%A`).toString('base64');
      const res = await http().post('/oauth/token').set('Authorization', `Basic ${basic}`).send({ grant_type: 'client_credentials' });
      expect([400, 401]).toContain(res.status);
      expect(['invalid_request', 'invalid_client']).toContain(res.body.error);
    });

    it.each([
      ['password', { grant_type: 'password' }],
      ['authorization_code', { grant_type: 'authorization_code' }],
      ['none', {}],
    ])('grant_type %s → 400 unsupported_grant_type', async (_case, grant) => {
      const res = await http()
        .post('/oauth/token')
        .send({ ...grant, client_id: readClient.id, client_secret: readClient.secret });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'unsupported_grant_type' });
      expect(res.body.access_token).toBeUndefined();
    });

    it.each([
      ['no secret', () => ({ client_id: readClient.id })],
      ['an empty secret', () => ({ client_id: readClient.id, client_secret: '' })],
      ['no client id', () => ({ client_secret: readClient.secret })],
    ])('%s → 400 invalid_request', async (_case, credentials) => {
      const res = await http()
        .post('/oauth/token')
        .send({ grant_type: 'client_credentials', ...credentials() });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_request' });
      expect(res.body.access_token).toBeUndefined();
    });

    it('a revoked client gets no token, and a token it already holds stops working at once', async () => {
      const referral = await sent();
      const client = await register(receiver.admin, ['REFERRALS_READ']);
      const token = await tokenOf(client);
      const before = await gqlWith(token, ClientReferralDocument, { id: referral.id });
      expect(codeOf(before)).toBe('OK');
      expect(before.data!.referral).toMatchObject({ id: referral.id, status: 'SENT' });

      await revoke(client.id);

      const after = await gqlWith(token, ClientReferralDocument, { id: referral.id });
      expect(codeOf(after)).toBe('UNAUTHENTICATED');
      expect(after.data?.referral ?? null).toBeNull();
      const res = await http()
        .post('/oauth/token')
        .send({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'invalid_client' });
      // The other clients of the agency are untouched.
      expect(codeOf(await asClient(readClient, ClientReferralDocument, { id: referral.id }))).toBe('OK');
    });

    it('a client token is refused once tampered with', async () => {
      const token = await tokenOf(readClient);
      const [header, payload, signature] = token.split('.');
      const other = Buffer.from(JSON.stringify({ ...decodeJwt(token), client_id: writeClient.id })).toString('base64url');
      expect(codeOf(await gqlWith(`${header}.${other}.${signature}`, ClientReferralsDocument, { direction: 'INCOMING' }))).toBe('UNAUTHENTICATED');
      expect(codeOf(await gqlWith(`${header}.${payload}.${signature}`, ClientReferralsDocument, { direction: 'INCOMING' }))).toBe('OK');
    });
  });

  // ---- 3. With the token on /graphql -----------------------------------------------------------

  describe('a client of the receiving agency on /graphql', () => {
    it('with REFERRALS_READ sees a referral sent to its agency by id, in INCOMING and by external reference: status only', async () => {
      const referral = await sent();
      const reference = `CLB-${randomUUID()}`;
      await api.ok(intake.subject, ReceiveReferralStepDocument, { input: { referralId: referral.id, expectedVersion: 2, externalReference: reference } });

      const { referral: seen } = await okAsClient(readClient, ClientReferralDocument, { id: referral.id });
      expect(seen).toEqual({
        id: referral.id,
        status: 'RECEIVED',
        version: 3,
        urgency: 'ROUTINE',
        reason: null,
        externalReference: reference,
        sentAt: expect.any(String),
        receivedAt: expect.any(String),
        acceptedAt: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        fromAgency: { id: referrer.id },
        toAgency: { id: receiver.id },
        members: [],
      });
      // Nothing of the family's personal content in the whole answer.
      expect(JSON.stringify(seen)).not.toContain('Lien');
      expect(JSON.stringify(seen)).not.toContain('Peeters');

      const { referralByExternalReference: byReference } = await okAsClient(readClient, ClientReferralByReferenceDocument, { ref: reference });
      expect(byReference).toEqual(seen);

      const { referrals } = await okAsClient(readClient, ClientReferralsDocument, { direction: 'INCOMING' });
      const nodes: ReferralView[] = referrals.edges.map((e: { node: ReferralView }) => e.node);
      expect(nodes.find((n) => n.id === referral.id)).toEqual(seen);
      for (const node of nodes) {
        expect(node.toAgency?.id).toBe(receiver.id);
        expect(node.status).not.toBe('DRAFT');
        expect(node.reason).toBeNull();
        expect(node.members).toEqual([]);
      }
      // Its reads are audited under its own name, for its agency.
      const audited: { n: number }[] = await db.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE action = 'READ' AND entity_type = 'Referral' AND $1 = ANY(entity_ids)
           AND actor_subject = $2 AND acting_agency_id = $3 AND actor_user_id IS NULL`,
        [referral.id, `client:${readClient.id}`, receiver.id],
      );
      expect(audited[0]!.n).toBeGreaterThanOrEqual(3);
      // The receiving agency's own caseworker does see the reason (the blanking is the client's).
      expect((await api.ok(intake.subject, ClientReferralDocument, { id: referral.id })).referral.reason).toBe(REASON);
    });

    it('status only hides the free text written about the family too (withdraw and decline reasons, step reasons)', async () => {
      const FREE_TEXT = ReferralReasonsDocument;
      const withdrawn = await sent();
      await api.ok(worker.subject, WithdrawReferralStepDocument, {
        input: { referralId: withdrawn.id, expectedVersion: 2, reason: 'Sara is met de kinderen verhuisd naar Gent' },
      });
      const declined = await sent();
      await api.ok(intake.subject, ReceiveReferralStepDocument, { input: { referralId: declined.id, expectedVersion: 2 } });
      await api.ok(intake.subject, DeclineReferralStepDocument, { input: { referralId: declined.id, expectedVersion: 3, reason: 'Lien krijgt al therapie bij het CGG' } });
      // The personal client with the consent sees them (the referring caseworker wrote them for the receiver).
      expect((await okAsClient(personalClient, FREE_TEXT, { id: withdrawn.id })).referral.withdrawReason).toMatch(/Gent/);

      for (const [id, status] of [[withdrawn.id, 'WITHDRAWN'], [declined.id, 'DECLINED']] as const) {
        const { referral } = await okAsClient(readClient, FREE_TEXT, { id });
        expect(referral).toMatchObject({ id, status, reason: null, withdrawReason: null, declineReason: null, outcomeNote: null });
        expect(referral.transitions.map((t: { reason: string | null }) => t.reason)).toEqual(referral.transitions.map(() => null));
        expect(JSON.stringify(referral)).not.toMatch(/Sara|Lien|Gent|CGG/);
      }
    });

    it('with REFERRALS_PERSONAL and the REFERRAL consent sees the reason and the referred members (only those)', async () => {
      const referral = await sent();
      const { referral: seen } = await okAsClient(personalClient, ClientReferralDocument, { id: referral.id });
      expect(seen).toMatchObject({ id: referral.id, status: 'SENT', version: 2, reason: REASON });
      expect(seen.members).toEqual([{ id: referral.lien, givenName: 'Lien', familyName: 'Peeters' }]);
      expect(seen.members.some((m: { id: string }) => m.id === referral.sara)).toBe(false);

      const { referrals } = await okAsClient(personalClient, ClientReferralsDocument, { direction: 'INCOMING' });
      const node = referrals.edges.map((e: { node: ReferralView }) => e.node).find((n: ReferralView) => n.id === referral.id);
      expect(node).toMatchObject({ reason: REASON, members: [{ id: referral.lien }] });

      // Without the personal scope, the same referral stays status only.
      const { referral: statusOnly } = await okAsClient(readClient, ClientReferralDocument, { id: referral.id });
      expect(statusOnly).toMatchObject({ id: referral.id, status: 'SENT', reason: null, members: [] });
    });

    it('with REFERRALS_PERSONAL but the REFERRAL consent revoked sees status only again', async () => {
      const referral = await sent();
      expect((await okAsClient(personalClient, ClientReferralDocument, { id: referral.id })).referral.reason).toBe(REASON);
      await api.ok(worker.subject, RevokeConsentDocument, {
        input: { consentId: referral.consentTo[receiver.id], reason: 'Lien wil dit niet meer delen', revokedByMemberId: referral.lien },
      });
      const { referral: seen } = await okAsClient(personalClient, ClientReferralDocument, { id: referral.id });
      expect(seen).toMatchObject({ id: referral.id, status: 'SENT', reason: null, members: [] });
    });

    it('does not see a DRAFT referral to its agency (not yet sent)', async () => {
      const created = await draft();
      for (const client of [readClient, personalClient, writeClient]) {
        const result = await asClient(client, ClientReferralDocument, { id: created.id });
        expect(codeOf(result)).toBe('NOT_FOUND');
        expect(result.data?.referral ?? null).toBeNull();
        const { referrals } = await okAsClient(client, ClientReferralsDocument, { direction: 'INCOMING' });
        expect(referrals.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(created.id);
      }
      // The referrer still has it, as a draft.
      expect((await asReferrer(created.id)).status).toBe('DRAFT');
    });

    it('does not see a referral sent to another agency', async () => {
      const toOther = await sent(other);
      const reference = `O-${randomUUID()}`;
      await api.ok(await world.staff(other).then((p) => p.subject), ReceiveReferralStepDocument, {
        input: { referralId: toOther.id, expectedVersion: 2, externalReference: reference },
      });
      for (const client of [readClient, personalClient, writeClient]) {
        expect(codeOf(await asClient(client, ClientReferralDocument, { id: toOther.id }))).toBe('NOT_FOUND');
        expect(codeOf(await asClient(client, ClientReferralByReferenceDocument, { ref: reference }))).toBe('NOT_FOUND');
        const { referrals } = await okAsClient(client, ClientReferralsDocument, { direction: 'INCOMING' });
        expect(referrals.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(toOther.id);
      }
    });

    it('OUTGOING lists nothing (its agency refers nobody through it)', async () => {
      // A referral made by the receiving agency itself exists, so that OUTGOING has something to hide.
      const outgoingWorker = await world.staff(receiver);
      const f = await world.familyWithPlan(outgoingWorker, { members: parentWithTwoChildren() });
      await api.ok(outgoingWorker.subject, CreateReferralStatusDocument, {
        input: { planId: f.planId, toAgencyId: other.id, memberIds: [f.memberIds[0]], reason: REASON, urgency: 'ROUTINE', requestedService: 'Opvoeding' },
      });
      expect((await api.ok(outgoingWorker.subject, ClientReferralsDocument, { direction: 'OUTGOING' })).referrals.edges.length).toBeGreaterThan(0);
      for (const client of [readClient, personalClient, writeClient]) {
        const { referrals } = await okAsClient(client, ClientReferralsDocument, { direction: 'OUTGOING' });
        expect(referrals.edges).toEqual([]);
      }
    });

    it('with REFERRALS_WRITE receives a referral under its own reference, then finds it by that reference', async () => {
      const referral = await sent();
      const reference = `CLB-${randomUUID()}`;
      const received = await asClient(writeClient, ReceiveReferralStepDocument, { input: { referralId: referral.id, expectedVersion: 2, externalReference: reference } });
      expect(received.errors ?? []).toEqual([]);
      expect(received.data!.receiveReferral).toMatchObject({ status: 'RECEIVED', version: 3, externalReference: reference, reason: null, members: [] });
      // The step is the receiving agency's, taken by no person.
      expect(received.data!.receiveReferral.transitions.at(-1)).toEqual({ from: 'SENT', to: 'RECEIVED', actor: null, actorAgency: { id: receiver.id } });

      const { referralByExternalReference: found } = await okAsClient(writeClient, ClientReferralByReferenceDocument, { ref: reference });
      expect(found).toMatchObject({ id: referral.id, status: 'RECEIVED', version: 3, externalReference: reference, reason: null });
      expect(await asReferrer(referral.id)).toMatchObject({ status: 'RECEIVED', version: 3, externalReference: reference });
    });

    it('with REFERRALS_WRITE accepts a received referral under its own reference: the agency joins the plan team', async () => {
      const referral = await sent();
      await api.ok(intake.subject, ReceiveReferralStepDocument, { input: { referralId: referral.id, expectedVersion: 2 } });
      const reference = `CLB-${randomUUID()}`;
      const accepted = await asClient(writeClient, AcceptReferralStepDocument, { input: { referralId: referral.id, expectedVersion: 3, externalReference: reference } });
      expect(accepted.errors ?? []).toEqual([]);
      expect(accepted.data!.acceptReferral).toMatchObject({ status: 'ACCEPTED', version: 4, externalReference: reference, reason: null, members: [] });
      expect(accepted.data!.acceptReferral.transitions.at(-1)).toEqual({ from: 'RECEIVED', to: 'ACCEPTED', actor: null, actorAgency: { id: receiver.id } });

      const { referralByExternalReference: found } = await okAsClient(writeClient, ClientReferralByReferenceDocument, { ref: reference });
      expect(found).toMatchObject({ id: referral.id, status: 'ACCEPTED', version: 4, externalReference: reference });
      const { referral: full } = await api.ok(worker.subject, ReferralStatusAndPlanDocument, { id: referral.id });
      expect(full.status).toBe('ACCEPTED');
      const { plan } = await api.ok(worker.subject, PlanParticipantAgenciesDocument, { id: full.planId });
      expect(plan.participants).toContainEqual({ agency: { id: receiver.id } });
    });

    it('with REFERRALS_WRITE takes a referral from SENT to ACCEPTED by itself', async () => {
      const referral = await sent();
      const reference = `CLB-${randomUUID()}`;
      const received = await asClient(writeClient, ReceiveReferralStepDocument, { input: { referralId: referral.id, expectedVersion: 2, externalReference: reference } });
      expect(codeOf(received)).toBe('OK');
      const accepted = await asClient(writeClient, AcceptReferralStepDocument, { input: { referralId: referral.id, expectedVersion: 3 } });
      expect(codeOf(accepted)).toBe('OK');
      const { referralByExternalReference: found } = await okAsClient(writeClient, ClientReferralByReferenceDocument, { ref: reference });
      expect(found).toMatchObject({ id: referral.id, status: 'ACCEPTED', version: 4, externalReference: reference });
    });

    it('with REFERRALS_WRITE may not decline, complete or send (FORBIDDEN), and nothing changes', async () => {
      const toDecline = await sent();
      await api.ok(intake.subject, ReceiveReferralStepDocument, { input: { referralId: toDecline.id, expectedVersion: 2 } });
      const declined = await asClient(writeClient, DeclineReferralStepDocument, { input: { referralId: toDecline.id, expectedVersion: 3, reason: 'Geen plaats' } });
      expect(codeOf(declined)).toBe('FORBIDDEN');
      expect(await asReferrer(toDecline.id)).toMatchObject({ status: 'RECEIVED', version: 3 });

      const toComplete = await sent();
      await api.ok(intake.subject, ReceiveReferralStepDocument, { input: { referralId: toComplete.id, expectedVersion: 2 } });
      await api.ok(intake.subject, AcceptReferralStepDocument, { input: { referralId: toComplete.id, expectedVersion: 3 } });
      const completed = await asClient(writeClient, CompleteReferralStepDocument, {
        input: { referralId: toComplete.id, expectedVersion: 4, outcome: 'SUCCESSFUL', familyDeclinedMeeting: true },
      });
      expect(codeOf(completed)).toBe('FORBIDDEN');
      expect(await asReferrer(toComplete.id)).toMatchObject({ status: 'ACCEPTED', version: 4 });

      const toSend = await draft();
      const sentByClient = await asClient(writeClient, SendReferralStepDocument, { input: { referralId: toSend.id, expectedVersion: 1 } });
      expect(codeOf(sentByClient)).toBe('FORBIDDEN');
      expect(await asReferrer(toSend.id)).toMatchObject({ status: 'DRAFT', version: 1 });
    });

    it('with REFERRALS_READ only may not receive or accept (FORBIDDEN), and nothing changes', async () => {
      const referral = await sent();
      const received = await asClient(readClient, ReceiveReferralStepDocument, { input: { referralId: referral.id, expectedVersion: 2, externalReference: `R-${randomUUID()}` } });
      expect(codeOf(received)).toBe('FORBIDDEN');
      expect(await asReferrer(referral.id)).toMatchObject({ status: 'SENT', version: 2, externalReference: null });

      await api.ok(intake.subject, ReceiveReferralStepDocument, { input: { referralId: referral.id, expectedVersion: 2 } });
      const accepted = await asClient(readClient, AcceptReferralStepDocument, { input: { referralId: referral.id, expectedVersion: 3 } });
      expect(codeOf(accepted)).toBe('FORBIDDEN');
      expect(await asReferrer(referral.id)).toMatchObject({ status: 'RECEIVED', version: 3 });
    });

    it('reads no families, family or plan: nothing of the family leaks', async () => {
      const referral = await sent();
      const { referral: full } = await api.ok(worker.subject, ReferralFamilyAndPlanDocument, { id: referral.id });
      for (const client of [readClient, personalClient, writeClient]) {
        const families = await asClient(client, FamiliesWithMembersDocument);
        // Either refused outright or an empty list: never a family.
        if (families.errors?.length) {
          expect(codeOf(families)).toBe('FORBIDDEN');
          expect(families.data?.families ?? null).toBeNull();
        } else {
          expect(families.data!.families.edges).toEqual([]);
        }
        const familyById = await asClient(client, FamilyWithGivenNamesDocument, { id: full.familyId });
        expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(familyById));
        expect(familyById.data?.family ?? null).toBeNull();

        const plan = await asClient(client, PlanStatusDocument, { id: full.planId });
        expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(plan));
        expect(plan.data?.plan ?? null).toBeNull();

        for (const answer of [families, familyById, plan]) {
          expect(JSON.stringify(answer)).not.toMatch(/Sara|Lien|Peeters|rust in huis/);
        }
      }
    });
  });

  // ---- 4. A person's token is never a client token ----------------------------------------------

  describe('client identity comes only from a client token', () => {
    it("a person's dev token whose sub is client:<id> does not act as that client", async () => {
      const referral = await sent();
      // The real client reads it.
      expect(codeOf(await asClient(writeClient, ClientReferralDocument, { id: referral.id }))).toBe('OK');

      const subject = `client:${writeClient.id}`;
      const read = await api.gql(subject, ClientReferralDocument, { id: referral.id });
      expect(['FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED']).toContain(codeOf(read));
      expect(read.data?.referral ?? null).toBeNull();

      const listed = await api.gql(subject, ClientReferralsDocument, { direction: 'INCOMING' });
      if (listed.errors?.length) expect(listed.data?.referrals ?? null).toBeNull();
      else expect(listed.data!.referrals.edges).toEqual([]);

      const received = await api.gql(subject, ReceiveReferralStepDocument, { input: { referralId: referral.id, expectedVersion: 2, externalReference: `F-${randomUUID()}` } });
      expect(['FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED']).toContain(codeOf(received));
      expect(await asReferrer(referral.id)).toMatchObject({ status: 'SENT', version: 2, externalReference: null });
    });

    it('a token made like a client token but signed with the development secret is refused', async () => {
      const referral = await sent();
      const forged = await new SignJWT({ client_id: writeClient.id, scope: 'referrals:read referrals:write referrals:personal' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('gezin1plan')
        .setAudience('gezin1plan-integration')
        .setSubject(`client:${writeClient.id}`)
        .setIssuedAt()
        .setExpirationTime('15m')
        .sign(new TextEncoder().encode(process.env.AUTH_DEV_SECRET!));
      const read = await gqlWith(forged, ClientReferralDocument, { id: referral.id });
      expect(codeOf(read)).toBe('UNAUTHENTICATED');
      expect(read.data?.referral ?? null).toBeNull();
    });
  });
});
