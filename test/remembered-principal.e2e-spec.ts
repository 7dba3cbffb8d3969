import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { v7 } from 'uuid';
import { ACCESS_LOG_QUERY, FAMILIES_QUERY, INBOX_QUERY, INCOMING_QUERY, MY_FAMILY_QUERY, PLAN_QUERY } from '../bench/operations.js';
import { AgencyMembershipsDocument, RegisterIntegrationClientDocument, RemoveMembershipDocument, RevokeIntegrationClientDocument, UnlinkFamilyPortalDocument } from './graphql/generated.js';
import { codeOf, TestApi } from './support/test-app.js';
import { type Agency, parent, type Person, World } from './support/world.js';

const FAMILY_QUERY = `query($id: ID!) { family(id: $id) { id members { id givenName } } }`;
const REFERRAL_QUERY = `query($id: ID!) { referral(id: $id) { id status } }`;
/** Not compiled (a plan's notes): the field resolvers' path, which reads the principal before it reads anything. */
const PLAN_WITH_NOTES = `query($id: ID!) { plan(id: $id) { id notes { id } } }`;

/**
 * A compiled read takes the principal remembered from the caller's last request and checks it in its own
 * statement (src/auth/principal-check.ts): one statement per read, and a revoked membership, an ended portal
 * login or a revoked integration client counts on the very next request — through the replica that made the
 * change, through another replica (another app on the same database, with its own memory) and on the field
 * resolvers' path (COMPILED_READS=false). A refused request reads and audits nothing.
 */
describe('a remembered principal, checked by the compiled read', () => {
  let api: TestApi;
  let replica: TestApi;
  let resolvers: TestApi;
  let sql: pg.Pool;
  let world: World;
  let agency: Agency;
  let worker: Person;
  let familyId: string;
  let planId: string;
  let memberId: string;

  beforeAll(async () => {
    api = await TestApi.start();
    [replica, resolvers] = [await TestApi.start({ COMPILED_READS: 'true' }), await TestApi.start({ COMPILED_READS: 'false' })];
    sql = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
    world = new World(api);
    const network = await world.network();
    agency = await world.agency(network);
    worker = await world.staff(agency);
    const family = await world.familyWithPlan(worker, { members: [parent('Sara', 'Peeters')], summary: 'Plan', supporter: worker });
    [familyId, planId, memberId] = [family.familyId, family.planId, family.memberIds[0]!];
  }, 120_000);
  afterAll(async () => {
    await sql?.end();
    await Promise.all([replica?.stop(), resolvers?.stop()]);
    await api.stop();
  });

  const apps = () => ({ api, replica, resolvers });

  /** An inbox item about the plan (a supporter handed over) for a user acting for an agency, or for a portal member. */
  async function planItem(recipient: { userId: string; agencyId: string } | { memberId: string }, family: string, plan: string): Promise<void> {
    await sql.query(
      `INSERT INTO inbox_item (id, event_id, kind, recipient_user_id, recipient_agency_id, recipient_member_id, family_id, subject_type, subject_id, params, occurred_at)
       VALUES ($1, $2, 'SUPPORT_HANDED_OVER', $3, $4, $5, $6, 'Plan', $7, '{}', now())`,
      [v7(), randomUUID(), 'userId' in recipient ? recipient.userId : null, 'userId' in recipient ? recipient.agencyId : null, 'memberId' in recipient ? recipient.memberId : null, family, plan],
    );
  }

  /** `query` as `subject` on `app` under a request id of its own: its error code (or null) and the read audit entries it wrote. */
  async function inboxOn(app: TestApi, subject: string): Promise<{ code: string; items: number; audited: number }> {
    const requestId = `inbox-${randomUUID()}`;
    const result = await app.gql(subject, INBOX_QUERY, {}, { 'X-Request-Id': requestId });
    const { rows } = await sql.query(`SELECT 1 FROM audit_event WHERE request_id = $1 AND action = 'READ'`, [requestId]);
    return { code: codeOf(result), items: (result.data?.inbox as { edges: unknown[] } | undefined)?.edges.length ?? 0, audited: rows.length };
  }

  /** The statements of `query` as `subject`, after one request that remembers the principal. */
  async function statementsOnceRemembered(subject: string, query: string, variables: Record<string, unknown> = {}): Promise<number> {
    await api.gql(subject, query, variables);
    return api.countStatements(() => api.gql(subject, query, variables));
  }

  it('answers each compiled read in one statement, the principal checked inside it', async () => {
    const portal = await world.portalLogin(worker, memberId);
    const reads: [string, string, Record<string, unknown>][] = [
      [worker.subject, PLAN_QUERY, { id: planId }],
      [worker.subject, FAMILY_QUERY, { id: familyId }],
      [worker.subject, FAMILIES_QUERY, {}],
      [worker.subject, REFERRAL_QUERY, { id: randomUUID() }],
      [worker.subject, INCOMING_QUERY, {}],
      [portal, ACCESS_LOG_QUERY, { familyId }],
      [portal, MY_FAMILY_QUERY, {}],
      [worker.subject, INBOX_QUERY, {}],
      [portal, INBOX_QUERY, {}],
    ];
    const counts = [];
    for (const [subject, query, variables] of reads) counts.push(await statementsOnceRemembered(subject, query, variables));
    expect(counts).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1]);
    // `me` and the resolvers' path read the principal first, as before.
    expect(await statementsOnceRemembered(worker.subject, PLAN_WITH_NOTES, { id: planId })).toBeGreaterThan(2);
  });

  it('refuses a professional whose membership was removed on the very next request, on every replica and path', async () => {
    const colleague = await world.staff(agency);
    // Registered by the colleague (assigned), not its trajectory supporter: a supporter's membership is not removed before a handover.
    const { planId: own, familyId: ownFamily } = await world.familyWithPlan(colleague, { members: [parent('Lien', 'Claes')], summary: 'Plan' });
    await planItem({ userId: colleague.userId, agencyId: agency.id }, ownFamily, own);
    for (const app of Object.values(apps())) {
      expect((await app.ok(colleague.subject, PLAN_QUERY, { id: own })).plan.id).toBe(own);
      expect((await app.ok(colleague.subject, FAMILY_QUERY, { id: ownFamily })).family.id).toBe(ownFamily);
      expect((await app.ok(colleague.subject, PLAN_WITH_NOTES, { id: own })).plan.id).toBe(own);
      expect(await inboxOn(app, colleague.subject)).toEqual({ code: 'OK', items: 1, audited: 1 });
    }
    // Remembered by each app; the other worker of the agency is untouched by what follows.
    const { memberships } = await api.ok(agency.admin.subject, AgencyMembershipsDocument, { a: agency.id });
    const membership = memberships.edges.find((e) => e.node.user?.id === colleague.userId)!.node.id;
    await api.ok(agency.admin.subject, RemoveMembershipDocument, { id: membership });

    for (const [name, app] of Object.entries(apps())) {
      expect([name, codeOf(await app.gql(colleague.subject, PLAN_QUERY, { id: own }))]).toEqual([name, 'FORBIDDEN']);
      expect([name, codeOf(await app.gql(colleague.subject, FAMILY_QUERY, { id: ownFamily }))]).toEqual([name, 'FORBIDDEN']);
      expect([name, codeOf(await app.gql(colleague.subject, PLAN_WITH_NOTES, { id: own }))]).toEqual([name, 'FORBIDDEN']);
      expect([name, await inboxOn(app, colleague.subject)]).toEqual([name, { code: 'FORBIDDEN', items: 0, audited: 0 }]);
      expect((await app.ok(worker.subject, PLAN_QUERY, { id: planId })).plan.id).toBe(planId);
    }
  });

  it('answers the inbox of a professional refused on what she was (two agencies, none chosen) once one membership is removed', async () => {
    const second = await world.agency(await world.network());
    const person = await world.staff(agency);
    const { planId: own, familyId: ownFamily } = await world.familyWithPlan(person, { members: [parent('Noor', 'Wuyts')], summary: 'Plan' });
    await world.member(second.admin.subject, second.id, 'CASEWORKER', person.subject);
    await planItem({ userId: person.userId, agencyId: agency.id }, ownFamily, own);
    // Two agencies and no X-Acting-Agency: she acts for none, so she has no inbox (remembered so by each app).
    for (const [name, app] of Object.entries(apps())) expect([name, await inboxOn(app, person.subject)]).toEqual([name, { code: 'FORBIDDEN', items: 0, audited: 0 }]);
    const { memberships } = await api.ok(second.admin.subject, AgencyMembershipsDocument, { a: second.id });
    await api.ok(second.admin.subject, RemoveMembershipDocument, { id: memberships.edges.find((e) => e.node.user?.id === person.userId)!.node.id });

    // One agency left: she acts for it, and reads its inbox on the very next request.
    for (const [name, app] of Object.entries(apps())) expect([name, await inboxOn(app, person.subject)]).toEqual([name, { code: 'OK', items: 1, audited: 1 }]);
  });

  it('refuses a portal login that was unlinked on the very next request, on every replica and path', async () => {
    const { familyId: family, planId: plan, memberIds } = await world.familyWithPlan(worker, { members: [parent('An', 'Maes')], summary: 'Plan' });
    const login = await world.portalLogin(worker, memberIds[0]!);
    await planItem({ memberId: memberIds[0]! }, family, plan);
    for (const app of Object.values(apps())) {
      expect((await app.ok(login, MY_FAMILY_QUERY)).myFamily.me.id).toBe(memberIds[0]);
      expect((await app.ok(login, ACCESS_LOG_QUERY, { familyId: family })).accessLog.edges.length).toBeGreaterThan(0);
      expect(await inboxOn(app, login)).toEqual({ code: 'OK', items: 1, audited: 1 });
    }
    await api.ok(worker.subject, UnlinkFamilyPortalDocument, { m: memberIds[0]! });

    for (const [name, app] of Object.entries(apps())) {
      expect([name, codeOf(await app.gql(login, MY_FAMILY_QUERY))]).toEqual([name, 'FORBIDDEN']);
      expect([name, codeOf(await app.gql(login, ACCESS_LOG_QUERY, { familyId: family }))]).toEqual([name, 'FORBIDDEN']);
      expect([name, await inboxOn(app, login)]).toEqual([name, { code: 'FORBIDDEN', items: 0, audited: 0 }]);
    }
  });

  it('refuses a revoked integration client on the very next request, on every replica and path', async () => {
    const { registerIntegrationClient } = await api.ok(agency.admin.subject, RegisterIntegrationClientDocument, {
      input: { agencyId: agency.id, name: `Dossiersysteem ${randomUUID()}`, scopes: ['REFERRALS_READ'] },
    });
    const token = (
      await request(api.app.getHttpServer())
        .post('/oauth/token')
        .send({ grant_type: 'client_credentials', client_id: registerIntegrationClient.client.id, client_secret: registerIntegrationClient.clientSecret })
    ).body.access_token as string;
    const asClient = async (app: TestApi) =>
      (await request(app.app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${token}`).send({ query: INCOMING_QUERY })).body;
    for (const app of Object.values(apps())) expect((await asClient(app)).data.referrals.edges).toEqual([]);
    await api.ok(agency.admin.subject, RevokeIntegrationClientDocument, { input: { clientId: registerIntegrationClient.client.id } });

    for (const [name, app] of Object.entries(apps())) expect([name, codeOf(await asClient(app))]).toEqual([name, 'UNAUTHENTICATED']);
  });
});
