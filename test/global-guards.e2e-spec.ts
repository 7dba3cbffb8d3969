import request from 'supertest';
import { CreateNetworkDocument } from './graphql/generated.js';
import { codeOf, queryText, TestApi, uniqueSubject } from './support/test-app.js';

const guardOrder = { input: { name: 'Guard order' } };

/**
 * The global guards run in the order src/app.module.ts lists them: the rate limit, then authentication,
 * then the operation's policy. Each test answers differently if two of them swap.
 */
describe('global guards, in order', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start({ RATE_LIMIT_PER_PRINCIPAL: '2', RATE_LIMIT_AUTH_FAILURES: '2' });
  });
  afterAll(() => api.stop());

  it('authentication before the policy: no token on an operation with a policy is UNAUTHENTICATED, not FORBIDDEN', async () => {
    expect(codeOf(await api.gql(null, CreateNetworkDocument, guardOrder))).toBe('UNAUTHENTICATED');
  });

  it('the rate limit before the policy: a principal past its limit is TOO_MANY_REQUESTS even where the policy refuses it', async () => {
    const subject = uniqueSubject('not-an-admin');
    for (let i = 0; i < 2; i++) expect(codeOf(await api.gql(subject, CreateNetworkDocument, guardOrder))).toBe('FORBIDDEN');
    expect(codeOf(await api.gql(subject, CreateNetworkDocument, guardOrder))).toBe('TOO_MANY_REQUESTS');
  });

  it('the rate limit before authentication: invalid tokens are counted as failed logins before they are refused', async () => {
    const forged = await TestApi.token('someone', { secret: 'another-secret-of-at-least-32-characters!!' });
    const send = async () =>
      codeOf((await request(api.app.getHttpServer()).post('/graphql').set('Authorization', `Bearer ${forged}`).send({ query: queryText(CreateNetworkDocument), variables: guardOrder })).body);
    for (let i = 0; i < 2; i++) expect(await send()).toBe('UNAUTHENTICATED');
    expect(await send()).toBe('TOO_MANY_REQUESTS');
  });
});
