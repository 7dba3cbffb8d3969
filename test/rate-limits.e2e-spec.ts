import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ConfigError, loadConfig } from '../src/config/app-config.js';
import { MySubjectDocument, RegisterIntegrationClientDocument } from './graphql/generated.js';
import { codeOf, queryText, TestApi, uniqueSubject } from './support/test-app.js';
import { World } from './support/world.js';

/**
 * Issue 7, point 1: rate limits. Each block starts its own service with low limits (the defaults are far
 * above what the test suite sends); every request comes from the same address, 127.0.0.1.
 */

const ME = queryText(MySubjectDocument);

function expectThrottled(res: request.Response) {
  expect(res.body.errors).toEqual([
    expect.objectContaining({ message: expect.stringMatching(/^Too many requests: retry in \d+ s$/), path: ['me'], extensions: { code: 'TOO_MANY_REQUESTS', retryAfterSeconds: expect.any(Number) } }),
  ]);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.status).toBe(429);
}

describe('rate limits per principal and per client IP', () => {
  let api: TestApi;
  const gql = async (subject: string | null, query = ME) => {
    const req = request(api.app.getHttpServer()).post('/graphql');
    if (subject !== null) req.set('Authorization', `Bearer ${await TestApi.token(subject)}`);
    return req.send({ query });
  };

  beforeAll(async () => {
    api = await TestApi.start({ RATE_LIMIT_PER_PRINCIPAL: '5', RATE_LIMIT_PER_IP: '3' });
  });
  afterAll(() => api.stop());

  it('refuses a principal its 6th request in a minute with TOO_MANY_REQUESTS; another principal goes on', async () => {
    const busy = uniqueSubject('busy');
    for (let i = 0; i < 5; i++) expect(codeOf((await gql(busy)).body)).toBe('OK');
    expectThrottled(await gql(busy));
    expect(codeOf((await gql(uniqueSubject('calm'))).body)).toBe('OK');
  });

  it('counts an operation once, however many root fields it has', async () => {
    const subject = uniqueSubject('wide');
    const three = '{ a: me { subject } b: me { subject } c: me { subject } }';
    for (let i = 0; i < 5; i++) expect(codeOf((await gql(subject, three)).body)).toBe('OK');
  });

  it('counts requests without a valid token per IP', async () => {
    for (let i = 0; i < 3; i++) expect(codeOf((await gql(null)).body)).toBe('UNAUTHENTICATED');
    expectThrottled(await gql(null));
    // REST too: the same address, the same budget.
    const health = await request(api.app.getHttpServer()).get('/health/live');
    expect(health.status).toBe(429);
    expect(health.body).toMatchObject({ error: 'too_many_requests' });
  });
});

describe('the token endpoint and failed logins', () => {
  let api: TestApi;
  let world: World;
  let client: { id: string; secret: string };
  let admin: string;
  let agencyId: string;
  const tokenRequest = (secret: string, clientId = client.id) =>
    request(api.app.getHttpServer()).post('/oauth/token').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });

  beforeEach(async () => {
    // A fresh service (so fresh counters) per test: the limits are per IP, and every test comes from 127.0.0.1.
    api = await TestApi.start({ RATE_LIMIT_TOKEN_ENDPOINT: '6', RATE_LIMIT_AUTH_FAILURES: '3' });
    world = new World(api);
    const network = await world.network();
    const agency = await world.agency(network);
    admin = agency.admin.subject;
    agencyId = agency.id;
    client = await registerClient();
  });
  async function registerClient() {
    const { registerIntegrationClient } = await api.ok(admin, RegisterIntegrationClientDocument, {
      input: { agencyId, name: `Dossiersysteem ${randomUUID()}`, scopes: ['REFERRALS_READ'] },
    });
    return { id: registerIntegrationClient.client.id, secret: registerIntegrationClient.clientSecret };
  }
  afterEach(() => api.stop());

  it('allows 6 token requests a minute per IP, then answers 429 with Retry-After', async () => {
    for (let i = 0; i < 6; i++) expect((await tokenRequest(client.secret)).status).toBe(200);
    const refused = await tokenRequest(client.secret);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ statusCode: 429, error: 'too_many_requests', error_description: expect.stringMatching(/retry in \d+ s/) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('after 3 wrong secrets for a client, that client is blocked from the address, even with the right secret; another client there goes on', async () => {
    const other = await registerClient();
    for (let i = 0; i < 3; i++) expect((await tokenRequest('wrong-secret')).status).toBe(401);
    const refused = await tokenRequest(client.secret);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect((await tokenRequest(other.secret, other.id)).status).toBe(200);
  });

  it('after 3 invalid bearer tokens the 4th is TOO_MANY_REQUESTS; valid tokens and valid client credentials from the address go on', async () => {
    const forged = await TestApi.token('someone', { secret: 'another-secret-of-at-least-32-characters!!' });
    const withToken = (token: string) => request(api.app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${token}`).send({ query: ME });
    for (let i = 0; i < 3; i++) expect(codeOf((await withToken(forged)).body)).toBe('UNAUTHENTICATED');
    expectThrottled(await withToken(forged));
    expect(codeOf((await withToken('not-a-jwt')).body)).toBe('TOO_MANY_REQUESTS');
    expect(codeOf((await withToken(await TestApi.token(uniqueSubject('honest')))).body)).toBe('OK');
    // Another client behind the same address (a shared proxy) still gets its tokens.
    expect((await tokenRequest(client.secret)).status).toBe(200);
  });
});

describe('rate limit settings', () => {
  it('are read from the environment with their defaults, and a bad one is named', () => {
    expect(loadConfig({}).rateLimits).toEqual({ perPrincipal: 600, perIp: 300, tokenEndpoint: 20, authFailures: 10, familyLookupsPerHour: 30, trustedProxies: 0 });
    expect(() => loadConfig({ RATE_LIMIT_FAMILY_LOOKUPS: '0' })).toThrow(/RATE_LIMIT_FAMILY_LOOKUPS must be a whole number from 1 to 1000000/);
    expect(loadConfig({ RATE_LIMIT_PER_PRINCIPAL: '50', TRUST_PROXY_HOPS: '1' }).rateLimits).toMatchObject({ perPrincipal: 50, trustedProxies: 1 });
    expect(() => loadConfig({ RATE_LIMIT_PER_IP: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ RATE_LIMIT_TOKEN_ENDPOINT: 'many' })).toThrow(/RATE_LIMIT_TOKEN_ENDPOINT must be a whole number from 1 to 1000000 \(got "many"\)/);
    expect(() => loadConfig({ TRUST_PROXY_HOPS: '-1' })).toThrow(/TRUST_PROXY_HOPS/);
  });
});

describe('the client address behind a trusted proxy', () => {
  let api: TestApi;
  const from = (address: string) => request(api.app.getHttpServer()).post('/graphql').set('X-Forwarded-For', address).send({ query: ME });

  beforeAll(async () => {
    api = await TestApi.start({ RATE_LIMIT_PER_IP: '1', TRUST_PROXY_HOPS: '1' });
  });
  afterAll(() => api.stop());

  it('is the one X-Forwarded-For names; an IPv6 client counts by its /64', async () => {
    expect(codeOf((await from('203.0.113.7')).body)).toBe('UNAUTHENTICATED');
    expect(codeOf((await from('203.0.113.7')).body)).toBe('TOO_MANY_REQUESTS');
    expect(codeOf((await from('203.0.113.8')).body)).toBe('UNAUTHENTICATED');
    expect(codeOf((await from('2001:db8:1:2::1')).body)).toBe('UNAUTHENTICATED');
    expect(codeOf((await from('2001:db8:1:2:ffff::9')).body)).toBe('TOO_MANY_REQUESTS');
    expect(codeOf((await from('2001:db8:1:3::1')).body)).toBe('UNAUTHENTICATED');
  });
});
