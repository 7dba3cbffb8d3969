import request from 'supertest';
import { TokenVerifier } from '../src/auth/token-verifier.js';
import { AddMembershipDocument, AgencyMembershipsDocument, MeDocument, MyRolesDocument, RegisterIntegrationClientDocument, RemoveMembershipDocument, WhoAmIDocument } from './graphql/generated.js';
import { codeOf, PLATFORM_ADMIN, queryText, TestApi, uniqueSubject } from './support/test-app.js';
import { type Agency, parent, type Person, World } from './support/world.js';

/**
 * What every request costs before it reads anything (docs/benchmarks.md, "Per-request fixed cost"): no
 * statement for a request that reaches no resolver, one (the principal) for `me` whoever asks, and the
 * principal read anew on each request, so that a change of roles counts from the very next one.
 */
describe('per-request fixed cost', () => {
  let api: TestApi;
  let world: World;
  let agency: Agency;
  let worker: Person;
  let portalLogin: string;
  let clientToken: string;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    const network = await world.network();
    agency = await world.agency(network);
    worker = await world.staff(agency);
    const family = await world.family(worker, [parent('Sara', 'Peeters')]);
    portalLogin = await world.portalLogin(worker, family.memberIds[0]!);
    const { registerIntegrationClient } = await api.ok(agency.admin.subject, RegisterIntegrationClientDocument, {
      input: { agencyId: agency.id, name: 'Dossiersysteem', scopes: ['REFERRALS_READ'] },
    });
    clientToken = (
      await request(api.app.getHttpServer())
        .post('/oauth/token')
        .send({ grant_type: 'client_credentials', client_id: registerIntegrationClient.client.id, client_secret: registerIntegrationClient.clientSecret })
    ).body.access_token as string;
  }, 60_000);
  afterAll(() => api.stop());

  /** `query` with an integration client's bearer token (TestApi signs only persons' tokens). */
  const asClient = async (query: string) =>
    (await request(api.app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${clientToken}`).send({ query })).body as {
      data?: Record<string, any>;
      errors?: unknown[];
    };

  it('sends no statement for a request that reaches no resolver, with a token or without', async () => {
    for (const subject of [worker.subject, portalLogin, null]) {
      expect(await api.countStatements(async () => expect(await api.ok(subject, '{ __typename }')).toEqual({ __typename: 'Query' }))).toBe(0);
    }
    expect(await api.countStatements(async () => expect((await asClient('{ __typename }')).data).toEqual({ __typename: 'Query' }))).toBe(0);
  });

  it('reads the principal in one statement for `me`, whoever asks, and the viewer’s records only when selected', async () => {
    const cases: [string, () => Promise<unknown>][] = [
      ['PROFESSIONAL', async () => (await api.ok(worker.subject, WhoAmIDocument)).me.kind],
      ['FAMILY_MEMBER', async () => (await api.ok(portalLogin, WhoAmIDocument)).me.kind],
      ['PLATFORM_ADMIN', async () => (await api.ok(PLATFORM_ADMIN, WhoAmIDocument)).me.kind],
      ['UNREGISTERED', async () => (await api.ok(uniqueSubject('stranger'), WhoAmIDocument)).me.kind],
      ['INTEGRATION_CLIENT', async () => (await asClient(queryText(WhoAmIDocument))).data!.me.kind],
    ];
    for (const [kind, ask] of cases) {
      let answered: unknown;
      expect(await api.countStatements(async () => (answered = await ask()))).toBe(1);
      expect(answered).toBe(kind);
    }
    // The principal, the user, the agencies of the memberships and the acting agency (one batch).
    let me: any;
    expect(await api.countStatements(async () => ({ me } = await api.ok(worker.subject, MeDocument)))).toBe(3);
    expect(me).toEqual({
      subject: worker.subject,
      isPlatformAdmin: false,
      user: { id: worker.userId, displayName: 'Test CASEWORKER' },
      memberships: [{ role: 'CASEWORKER', agency: expect.objectContaining({ id: agency.id }) }],
      actingAgency: { id: agency.id },
    });
    const portal = (await api.ok(portalLogin, MeDocument)).me;
    expect(portal).toEqual({ subject: portalLogin, isPlatformAdmin: false, user: null, memberships: [], actingAgency: null });
  });

  it('still refuses a request without a valid token, and an agency the caller is not a member of', async () => {
    expect(codeOf(await api.gql(null, WhoAmIDocument))).toBe('UNAUTHENTICATED');
    const forged = await request(api.app.getHttpServer())
      .post('/graphql')
      .set('Authorization', `Bearer ${await TestApi.token(worker.subject, { secret: 'x'.repeat(64) })}`)
      .send({ query: queryText(WhoAmIDocument) });
    expect(codeOf(forged.body)).toBe('UNAUTHENTICATED');
    const other = await world.agency(await world.network());
    expect(codeOf(await api.gql(worker.subject, WhoAmIDocument, {}, { 'X-Acting-Agency': other.id }))).toBe('FORBIDDEN');
  });

  /** `query` with the bearer token as it is, no new one signed. */
  const withToken = async (token: string, query: string) =>
    (await request(api.app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${token}`).send({ query })).body as { data?: any; errors?: any[] };

  it('verifies a token once per request and once a minute while it is used, never past its expiry; another signature is checked anew', async () => {
    const verifier = api.app.get(TokenVerifier) as unknown as { verify: (token: string) => Promise<unknown> };
    const verify = verifier.verify;
    let verified = 0;
    verifier.verify = (token) => {
      verified++;
      return verify.call(verifier, token);
    };
    try {
      const token = await TestApi.token(worker.subject, { expiresIn: '3s' });
      // Two root fields: the guards run for each, the token is verified once.
      expect((await withToken(token, '{ a: me { subject } b: me { kind } }')).data).toEqual({ a: { subject: worker.subject }, b: { kind: 'PROFESSIONAL' } });
      expect(verified).toBe(1);
      expect(codeOf(await withToken(token, queryText(WhoAmIDocument)))).toBe('OK');
      expect(verified).toBe(1);
      const [header, payload, signature] = token.split('.');
      const forged = `${header}.${payload}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BA' : 'AA'}`;
      expect(codeOf(await withToken(forged, queryText(WhoAmIDocument)))).toBe('UNAUTHENTICATED');
      expect(verified).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 3_100));
      expect(codeOf(await withToken(token, queryText(WhoAmIDocument)))).toBe('UNAUTHENTICATED');
    } finally {
      verifier.verify = verify;
    }
  });

  it('takes a role change into account on the very next request', async () => {
    const colleague = await world.staff(agency);
    await api.ok(agency.admin.subject, AddMembershipDocument, { input: { agencyId: agency.id, subject: colleague.subject, displayName: 'Test VOLUNTEER', role: 'VOLUNTEER' } });
    const roles = async () => (await api.ok(colleague.subject, MyRolesDocument)).me.memberships.map((m) => m.role).sort();
    expect(await roles()).toEqual(['CASEWORKER', 'VOLUNTEER']);
    const { memberships } = await api.ok(agency.admin.subject, AgencyMembershipsDocument, { a: agency.id });
    const caseworkerRole = memberships.edges.find((e) => e.node.user?.id === colleague.userId && e.node.role === 'CASEWORKER')!.node.id;
    await api.ok(agency.admin.subject, RemoveMembershipDocument, { id: caseworkerRole });
    expect(await roles()).toEqual(['VOLUNTEER']);
    const volunteer = (await api.ok(colleague.subject, MyRolesDocument)).me;
    expect(volunteer).toEqual({ memberships: [{ role: 'VOLUNTEER', agency: { id: agency.id } }], actingAgency: { id: agency.id } });
  });
});
