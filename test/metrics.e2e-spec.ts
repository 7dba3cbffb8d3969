import request from 'supertest';
import { MySubjectDocument, OneNetworkDocument, SomeNetworksDocument } from './graphql/generated.js';
import { codeOf, PLATFORM_ADMIN, TestApi } from './support/test-app.js';

/**
 * `GET /metrics`: Prometheus text with process figures, the SQL statements sent, HTTP latency, GraphQL
 * operations by type and outcome, errors by code, the request pool and the webhook queue.
 */
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
    const sent = await api.countStatements(() => api.ok(PLATFORM_ADMIN, SomeNetworksDocument));
    expect(sent).toBeGreaterThan(0);
    expect((await statements()) - before).toBe(sent);
  });

  /** The value of one series (name with its labels exactly as exposed), 0 when absent. */
  const series = async (name: string): Promise<number> => {
    const res = await request(api.app.getHttpServer()).get('/metrics');
    const line = res.text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.slice(name.length + 1)) : 0;
  };

  it('counts GraphQL operations by type and outcome, errors by code, and HTTP latency by route', async () => {
    const success = 'gezin1plan_graphql_operations_total{type="query",outcome="success"}';
    const failure = 'gezin1plan_graphql_operations_total{type="query",outcome="error"}';
    const unauthenticated = 'gezin1plan_graphql_errors_total{code="UNAUTHENTICATED"}';
    const latency = 'gezin1plan_http_request_duration_seconds_count{route="/graphql",method="POST",status="200"}';
    const before = { success: await series(success), failure: await series(failure), unauthenticated: await series(unauthenticated), latency: await series(latency) };

    await api.ok(PLATFORM_ADMIN, OneNetworkDocument);
    expect(codeOf(await api.gql(null, MySubjectDocument))).toBe('UNAUTHENTICATED');

    expect(await series(success)).toBe(before.success + 1);
    expect(await series(failure)).toBe(before.failure + 1);
    expect(await series(unauthenticated)).toBe(before.unauthenticated + 1);
    expect(await series(latency)).toBe(before.latency + 2);
  });

  it('shows the request pool, the webhook queue and the audit entries not yet linked', async () => {
    const res = await request(api.app.getHttpServer()).get('/metrics');
    expect(res.text).toMatch(/^gezin1plan_db_pool_connections\{state="total"\} [1-9]\d*$/m);
    expect(res.text).toMatch(/^gezin1plan_db_pool_connections\{state="idle"\} \d+$/m);
    expect(res.text).toMatch(/^gezin1plan_db_pool_connections\{state="waiting"\} \d+$/m);
    expect(res.text).toMatch(/^gezin1plan_webhook_jobs\{state="waiting"\} \d+$/m);
    expect(res.text).toMatch(/^gezin1plan_webhook_jobs\{state="active"\} \d+$/m);
    expect(res.text).toMatch(/^gezin1plan_audit_entries_unlinked \d+$/m);
    // Without SMTP_URL no e-mail queue, and no figures of one (with it: test/notification-email.e2e-spec.ts).
    expect(res.text).not.toMatch(/^gezin1plan_email_/m);
  });
});
