import type pg from 'pg';
import { migratedScratchDatabase, type ScratchDatabase } from './support/scratch-database.js';

/**
 * The chainer's statements at a large audit trail: it runs every second, so what it reads must be bounded
 * by the entries it links, not by the table (100 million entries a year is the reference scale). The
 * plans are the real ones of `audit_chain_pending`, captured with auto_explain (nested statements, actual
 * rows and buffers) as notices on the test's session.
 */

const LINKED = 300_000;
const PENDING = 4_500;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  'Actual Total Time': number;
  Plans?: PlanNode[];
}

interface Explained {
  'Query Text': string;
  Plan: PlanNode;
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];
const buffersOf = (node: PlanNode) => node['Shared Hit Blocks'] + node['Shared Read Blocks'];

describe('the audit chainer at a large audit trail', () => {
  let scratch: ScratchDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    ({ scratch, client } = await migratedScratchDatabase('audit_chainer_plan'));
    await client.query(`SELECT set_config('app.actor_subject', 't', false)`);
    const queue = (n: number) =>
      client.query(
        `INSERT INTO audit_event (actor_subject, action, entity_type, entity_id, family_id, legal_basis)
         SELECT 't', 'READ', 'FamilyMember', gen_random_uuid(), gen_random_uuid(), 'ASSIGNMENT' FROM generate_series(1, ${n})`,
      );
    // The chain has begun (a first link) …
    await queue(1);
    await client.query(`SELECT audit_chain_pending(5000)`);
    // … entries were linked long ago, written here behind the queue's trigger (their links do not matter) …, written behind the queue's trigger (their links do not matter here) …
    await client.query(`SET session_replication_role = replica`);
    await client.query(
      `INSERT INTO audit_event (seq, at, actor_subject, action, entity_type, entity_id, family_id, legal_basis)
       SELECT nextval('audit_event_seq'), now() - interval '1 day', 'bulk', 'READ', 'FamilyMember', gen_random_uuid(), gen_random_uuid(), 'ASSIGNMENT'
         FROM generate_series(1, ${LINKED})`,
    );
    await client.query(`SET session_replication_role = origin`);
    await client.query(`VACUUM ANALYZE audit_event`);
    // … and a second's worth of new entries, queued as the service queues them.
    await queue(PENDING);
    await client.query(`ANALYZE audit_unchained`);
  }, 300_000);

  afterAll(async () => {
    await client?.end();
    await scratch?.drop();
  });

  /**
   * The server time per entry, in µs, of reading 20,000 entries, and of reading them and making their digests as the
   * chainer made them before ReadAuditPerFamily (version 2, through audit_entry_digest) and makes them now (best of 3; docs/audit.md).
   */
  async function digestCost(): Promise<Record<string, number>> {
    const cost: Record<string, number> = {};
    for (const [name, expression] of Object.entries({ read: 'e.seq', v2: 'audit_entry_digest(e, 2)', v3: 'audit_event_digest_v3(e)' })) {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const [{ 'QUERY PLAN': [explained] }] = (
          await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(${expression}) FROM audit_event e WHERE e.seq < (SELECT min(seq) + 20000 FROM audit_event)`)
        ).rows;
        times.push(explained['Execution Time']);
      }
      cost[name] = Math.round((Math.min(...times) / 20) * 100) / 100;
    }
    return cost;
  }

  it(`links ${PENDING} queued entries reading only them: index range scans, no walk of the ${LINKED} linked ones`, async () => {
    const plans: Explained[] = [];
    const collect = (notice: { message?: string }) => {
      const json = notice.message?.match(/plan:\s*([\s\S]*)$/)?.[1];
      if (json) plans.push(JSON.parse(json) as Explained);
    };
    client.on('notice', collect);
    await client.query(`LOAD 'auto_explain'`);
    await client.query(`SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET auto_explain.log_analyze = on;
                        SET auto_explain.log_buffers = on; SET auto_explain.log_format = json; SET auto_explain.log_level = notice`);
    const started = performance.now();
    const [{ linked }] = (await client.query(`SELECT audit_chain_pending(5000) AS linked`)).rows;
    const elapsed = performance.now() - started;
    await client.query(`SET auto_explain.log_min_duration = -1`);
    client.off('notice', collect);
    expect(linked).toBe(PENDING);

    const statements = plans.filter((p) => !/audit_chain_pending/.test(p['Query Text']));
    const summary = statements.map((p) => ({
      statement: p['Query Text'].replace(/\s+/g, ' ').slice(0, 80),
      ms: p.Plan['Actual Total Time'],
      buffers: buffersOf(p.Plan), // a node's buffers include its children's
      scans: nodesOf(p.Plan)
        .filter((n) => n['Relation Name'])
        .map((n) => `${n['Node Type']} ${n['Index Name'] ?? n['Relation Name']}${n['Index Cond'] ? ` (${n['Index Cond'].slice(0, 60)})` : ''}`),
    }));
    // The figures of docs/audit.md (`PRINT_PLANS=1`).
    if (process.env.PRINT_PLANS) {
      console.log(`audit_chain_pending(${PENDING} queued, ${LINKED} linked): ${elapsed.toFixed(1)} ms\n${JSON.stringify(summary, null, 1)}`);
      console.log(`digest per entry (server time, best of 3 over 20,000 entries): ${JSON.stringify(await digestCost())}`);
    }

    const trailReads = statements.flatMap((p) => nodesOf(p.Plan)).filter((n) => n['Relation Name'] === 'audit_event');
    expect(trailReads.length).toBeGreaterThan(0);
    for (const scan of trailReads) {
      // Each read of the trail is an index scan bounded by the queued entries' numbers …
      expect(scan).toMatchObject({ 'Node Type': expect.stringMatching(/^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/) });
    }
    // … that touches about the pages those entries fill (a walk of the table: 31,000 buffers here) …
    expect(trailReads.reduce((sum, n) => sum + buffersOf(n), 0)).toBeLessThan(1_000);
    // … and no statement touches more than a couple of buffers per entry it links (one to find it, one to remove it).
    for (const { statement, buffers } of summary) expect({ statement, buffers: buffers <= 2.5 * PENDING }).toEqual({ statement, buffers: true });
  }, 120_000);
});
