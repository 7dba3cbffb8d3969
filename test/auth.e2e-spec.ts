import { print } from 'graphql';
import { SignJWT } from 'jose';
import request from 'supertest';
import { DEV_TOKEN_ISSUER } from '../src/auth/token-verifier.js';
import { MeDocument } from './graphql/generated.js';
import { codeOf, PLATFORM_ADMIN, TestApi, uniqueSubject } from './support/test-app.js';
import { World } from './support/world.js';

describe('identity', () => {
  let api: TestApi;
  let world: World;
  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
  });
  afterAll(() => api.stop());

  it('refuses a request without a token as UNAUTHENTICATED', async () => {
    expect(codeOf(await api.gql(null, MeDocument))).toBe('UNAUTHENTICATED');
  });

  it('refuses a token signed with another secret, and an expired token', async () => {
    const forged = await TestApi.token('someone', { secret: 'another-secret-of-at-least-32-characters!!' });
    const expired = await TestApi.token('someone', { expiresIn: '-1m' });
    for (const token of [forged, expired, 'not-a-jwt']) {
      const res = await api.app.getHttpServer();
      const result = await (await import('supertest')).default(res)
        .post('/graphql')
        .set('Authorization', `Bearer ${token}`)
        .send({ query: print(MeDocument) });
      expect(result.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses a token without expiry, issued in the future, or living longer than AUTH_MAX_TOKEN_HOURS (24)', async () => {
    const secret = new TextEncoder().encode(process.env.AUTH_DEV_SECRET!);
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: { iat?: number; exp?: number }) => {
      const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(uniqueSubject('timed')).setIssuer(DEV_TOKEN_ISSUER);
      if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
      if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
      return jwt.sign(secret);
    };
    const send = async (token: string) =>
      codeOf((await request(api.app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${token}`).send({ query: print(MeDocument) })).body);
    expect(await send(await sign({ iat: now }))).toBe('UNAUTHENTICATED');
    expect(await send(await sign({ iat: now + 600, exp: now + 3600 }))).toBe('UNAUTHENTICATED');
    expect(await send(await sign({ iat: now, exp: now + 25 * 3600 }))).toBe('UNAUTHENTICATED');
    expect(await send(await sign({ exp: now + 25 * 3600 }))).toBe('UNAUTHENTICATED');
    // Within the limits, and a clock a few seconds ahead of ours, pass.
    expect(await send(await sign({ iat: now + 5, exp: now + 24 * 3600 }))).toBe('OK');
    expect(await send(await sign({ exp: now + 3600 }))).toBe('OK');
  });

  it('answers me for an unknown subject without user or memberships', async () => {
    const subject = uniqueSubject('stranger');
    const { me } = await api.ok(subject, MeDocument);
    expect(me).toEqual({ subject, isPlatformAdmin: false, user: null, memberships: [], actingAgency: null });
  });

  it('marks platform admins from PLATFORM_ADMIN_SUBJECTS', async () => {
    const { me } = await api.ok(PLATFORM_ADMIN, MeDocument);
    expect(me.isPlatformAdmin).toBe(true);
  });

  it('acts for the only agency by default and for the X-Acting-Agency of several', async () => {
    const network = await world.network();
    const first = await world.agency(network);
    const second = await world.agency(network, 'SCHOOL_GUIDANCE');
    const worker = await world.staff(first);
    const alone = await api.ok(worker.subject, MeDocument);
    expect(alone.me.actingAgency).toEqual({ id: first.id });
    expect(alone.me.memberships).toEqual([{ role: 'CASEWORKER', agency: expect.objectContaining({ id: first.id }) }]);

    await world.member(second.admin.subject, second.id, 'CASEWORKER', worker.subject);
    const undecided = await api.ok(worker.subject, MeDocument);
    expect(undecided.me.actingAgency).toBeNull();
    const chosen = await api.ok(worker.subject, MeDocument, {}, { 'X-Acting-Agency': second.id });
    expect(chosen.me.actingAgency).toEqual({ id: second.id });

    const outsider = await world.agency(network);
    expect(codeOf(await api.gql(worker.subject, MeDocument, {}, { 'X-Acting-Agency': outsider.id }))).toBe('FORBIDDEN');
  });
});
