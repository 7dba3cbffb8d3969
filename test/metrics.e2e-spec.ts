import request from 'supertest';
import { PLATFORM_ADMIN, TestApi } from './support/test-app.js';

/** `GET /metrics`: Prometheus text with process figures and the SQL statements sent. */
describe('metrics', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start();
  });
  afterAll(() => api.stop());

  const statements = async (): Promise<number> => {
    const res = await request(api.app.getHttpServer()).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^process_resident_memory_bytes \d+/m);
    return Number(/^gezin1plan_sql_statements_total (\d+)/m.exec(res.text)![1]);
  };

  it('counts the SQL statements of the requests served, exactly as the service sent them', async () => {
    const before = await statements();
    const sent = await api.countStatements(() => api.ok(PLATFORM_ADMIN, `{ networks(first: 5) { edges { node { id } } } }`));
    expect(sent).toBeGreaterThan(0);
    expect((await statements()) - before).toBe(sent);
  });
});
