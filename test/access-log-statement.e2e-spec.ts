import { ACCESS_LOG_QUERY } from '../bench/operations.js';
import { CompiledStatements } from '../src/audit/compiled-statements.js';
import { UnlinkFamilyPortalDocument } from './graphql/generated.js';
import { codeOf, TestApi } from './support/test-app.js';
import { parent, type Person, World } from './support/world.js';

/** Two lines a page, walked by cursor. */
const PAGE = `query($f: ID!, $after: String) { accessLog(familyId: $f, first: 2, after: $after) {
  edges { node { id action } } pageInfo { hasNextPage endCursor } } }`;
const MY_FAMILY = `{ myFamily { me { id } } }`;

interface Page {
  accessLog: { edges: { node: { id: string; action: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/**
 * The access log's statement is built once per caller and shape (worded or not, a cursor or not, a viewer or
 * not: CompiledStatements.query) and sent with each request's family, page size, cursor and viewer bound by
 * name: a repeated request compiles nothing and sends one statement, while what it answers stays the
 * caller's — its own family's lines, NOT_FOUND for another's, FORBIDDEN for a caseworker, the whole log page after page, and nothing once
 * its portal login has ended.
 */
describe('the access log’s statement, built once per caller and shape', () => {
  let api: TestApi;
  let world: World;
  let worker: Person;
  let familyId: string;
  let otherFamilyId: string;
  let memberId: string;
  let login: string;
  let partner: string;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    const agency = await world.agency(await world.network());
    worker = await world.staff(agency);
    const family = await world.familyWithPlan(worker, { members: [parent('Sara', 'Peeters'), parent('Tom', 'Peeters')], summary: 'Plan', supporter: worker });
    [familyId, memberId] = [family.familyId, family.memberIds[0]!];
    otherFamilyId = (await world.familyWithPlan(worker, { members: [parent('Lien', 'Claes')], summary: 'Plan' })).familyId;
    login = await world.portalLogin(worker, memberId);
    partner = await world.portalLogin(worker, family.memberIds[1]!);
    // Her own read, in her family's log: not shown to her (the statement's viewer).
    await api.ok(login, MY_FAMILY);
  }, 120_000);
  afterAll(() => api.stop());

  /** What `work` compiled, the SQL statements it sent, and its answer. */
  async function measured<T>(work: () => Promise<T>): Promise<{ compiled: number; sent: number; result: T }> {
    const statements = api.app.get(CompiledStatements);
    const before = statements.compiled;
    let result: T | undefined;
    const sent = await api.countStatements(async () => (result = await work()));
    return { compiled: statements.compiled - before, sent, result: result! };
  }

  const log = (subject: string, family: string) => api.gql(subject, ACCESS_LOG_QUERY, { familyId: family });
  const ids = (result: { data?: Record<string, unknown> | null }) => (result.data as unknown as Page).accessLog.edges.map((e) => e.node.id);

  it('compiles nothing for a repeated request of the same caller and shape, in one statement, and answers alike', async () => {
    const first = await log(login, familyId);
    const again = await measured(() => log(login, familyId));
    const third = await measured(() => log(login, familyId));
    expect(codeOf(first)).toBe('OK');
    expect(again.compiled).toBeLessThanOrEqual(1);
    expect({ compiled: third.compiled, sent: third.sent }).toEqual({ compiled: 0, sent: 1 });
    expect(ids(third.result)).toEqual(ids(first));
    expect(ids(first).length).toBeGreaterThan(3);
    // Another caller (the other parent in the portal) has a statement of its own, compiled once; a caseworker may not read the log.
    // (Its first request reads its principal, the second checks the remembered one in the statement: each a key of its own.)
    await log(partner, familyId);
    await log(partner, familyId);
    const other = await measured(() => log(partner, familyId));
    expect({ code: codeOf(other.result), compiled: other.compiled, sent: other.sent }).toEqual({ code: 'OK', compiled: 0, sent: 1 });
    const caseworker = await log(worker.subject, familyId);
    expect({ code: codeOf(caseworker), message: caseworker.errors?.[0]?.message }).toEqual({ code: 'FORBIDDEN', message: 'You may not read an AuditEvent' });

    // Another family's id in the same statement: NOT_FOUND, nothing compiled.
    const elsewhere = await measured(() => log(login, otherFamilyId));
    expect({ code: codeOf(elsewhere.result), compiled: elsewhere.compiled, data: elsewhere.result.data?.accessLog ?? null }).toEqual({ code: 'NOT_FOUND', compiled: 0, data: null });
  });

  it('walks the whole log page after page by cursor, the pages after the first from one statement', async () => {
    const whole = ids(await log(login, familyId));
    const pages: string[][] = [];
    const compiledPerPage: number[] = [];
    let after: string | null = null;
    do {
      const { compiled, result } = await measured(() => api.ok(login, PAGE, { f: familyId, after }));
      const page = (result as unknown as Page).accessLog;
      pages.push(page.edges.map((e) => e.node.id));
      compiledPerPage.push(compiled);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(pages.flat()).toEqual(whole);
    expect(pages.length).toBeGreaterThan(2);
    // The first page and the second each compile at most once (a shape of their own); the pages after them nothing.
    expect(compiledPerPage.slice(2).every((n) => n === 0)).toBe(true);
    // Walked again: nothing compiled at all.
    const second = await measured(() => api.ok(login, PAGE, { f: familyId, after: null }));
    const next = await measured(() => api.ok(login, PAGE, { f: familyId, after: (second.result as unknown as Page).accessLog.pageInfo.endCursor }));
    expect([second.compiled, next.compiled]).toEqual([0, 0]);
    expect((next.result as unknown as Page).accessLog.edges.map((e) => e.node.id)).toEqual(pages[1]);
  });

  it('refuses the portal login on the very next request once it ended, from the statement it was built for', async () => {
    const cursor = (await api.ok(login, PAGE, { f: familyId, after: null }) as unknown as Page).accessLog.pageInfo.endCursor;
    expect(codeOf(await log(login, familyId))).toBe('OK');
    await api.ok(worker.subject, UnlinkFamilyPortalDocument, { m: memberId });

    const refused = await log(login, familyId);
    expect({ code: codeOf(refused), data: refused.data?.accessLog ?? null }).toEqual({ code: 'FORBIDDEN', data: null });
    expect(codeOf(await api.gql(login, PAGE, { f: familyId, after: cursor }))).toBe('FORBIDDEN');
    // The other parent still reads it.
    expect(ids(await log(partner, familyId)).length).toBeGreaterThan(3);
  });
});
