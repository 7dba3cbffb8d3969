/**
 * `npm run bench:profile -- [--families N] [--seed S] [--only <operation prefix>] [--requests R] [--concurrency C]`: where the
 * time of each benchmarked operation goes inside PostgreSQL. Runs the service in this process on the
 * benchmark's database (seeded when empty, see bench-database.ts) with pg_stat_statements
 * loaded, sends R requests of each operation at C concurrent clients (`--concurrency`, default 10), and prints the statements by
 * total execution time: calls, mean ms, rows, planning share. `--explain` also prints the plans of slow statements.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { benchDatabase } from './bench-database.js';
import { explainStatements, startInProcessService } from './in-process-service.js';
import { ACCESS_LOG_QUERY, ADD_ACTION, FAMILIES_QUERY, findFixtures, INCOMING_QUERY, PLAN_QUERY, tokenSigner } from './operations.js';

const { values: args } = parseArgs({
  options: {
    families: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    only: { type: 'string' },
    requests: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '10' },
    explain: { type: 'boolean', default: false },
  },
});
const REQUESTS = Number(args.requests);
const FAMILIES = Number(args.families);
const SEED = Number(args.seed);
const SECRET = randomBytes(32).toString('hex');
const token = tokenSigner(SECRET);

/** Loads pg_stat_statements into the benchmark's cluster (a restart, once). */
async function withStatementStatistics(): Promise<Awaited<ReturnType<typeof benchDatabase>>> {
  const first = await benchDatabase(FAMILIES, SEED);
  const [{ setting }] = await first.db.query(`SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries'`);
  if ((setting as string).includes('pg_stat_statements') || !first.embedded) return first;
  await first.db.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
  await first.db.query(`ALTER SYSTEM SET pg_stat_statements.track_planning = on`);
  await first.db.destroy();
  await first.embedded.stop();
  return benchDatabase(FAMILIES, SEED);
}

async function main(): Promise<void> {
  const { url, db, embedded } = await withStatementStatistics();
  const admin = new pg.Client(url);
  await admin.connect();
  await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const f = await findFixtures(db, token, 10);
  const { app, endpoint } = await startInProcessService(url, SECRET, (created) => {
    if (args.explain) explainStatements(created, 5, printOncePerShape());
  });

  const operations: [string, (n: number) => { token: string; agencyId?: string; query: string; variables: Record<string, unknown> }][] = [
    // The fixed cost of a request (token, principal, GraphQL, audit context), to set the others against.
    ['me', (n) => ({ ...f.intakes[n % f.intakes.length]!, query: '{ me { subject } }', variables: {} })],
    ['typename', (n) => ({ ...f.intakes[n % f.intakes.length]!, query: '{ __typename }', variables: {} })],
    ['plan', (n) => { const p = f.planReaders[n % f.planReaders.length]!; return { token: p.token, agencyId: p.agencyId, query: PLAN_QUERY, variables: { id: p.planIds[n % p.planIds.length] } }; }],
    ['families', (n) => ({ ...f.familyReaders[n % f.familyReaders.length]!, query: FAMILIES_QUERY, variables: {} })],
    ['referrals', (n) => ({ ...f.intakes[n % f.intakes.length]!, query: INCOMING_QUERY, variables: {} })],
    ['accessLog', (n) => { const p = f.portal[n % f.portal.length]!; return { token: p.token, query: ACCESS_LOG_QUERY, variables: { familyId: p.familyId } }; }],
    ['addAction', (n) => { const p = f.goalWriters[n % f.goalWriters.length]!; return { token: p.token, agencyId: p.agencyId, query: ADD_ACTION, variables: { input: { goalId: p.goalIds[n % p.goalIds.length], title: `Stap ${n}`, assigneeUserId: p.userId } } }; }],
  ];
  for (const [name, request] of operations.filter(([name]) => !args.only || name.startsWith(args.only))) {
    await admin.query('SELECT pg_stat_statements_reset()');
    let next = 0;
    let errors = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: Number(args.concurrency) }, async () => {
        while (next < REQUESTS) {
          const { token: bearer, agencyId, query, variables } = request(next++);
          const body = (await (await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, ...(agencyId ? { 'x-acting-agency': agencyId } : {}) }, body: JSON.stringify({ query, variables }) })).json()) as { errors?: unknown[] };
          if (body.errors) { errors++; if (errors === 1) console.error(JSON.stringify(body.errors).slice(0, 500)); }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`\n== ${name}: ${REQUESTS} requests in ${seconds.toFixed(1)} s (${(REQUESTS / seconds).toFixed(0)} req/s), ${errors} errors`);
    const { rows } = await admin.query(`
      SELECT calls, round((total_exec_time / nullif(calls, 0))::numeric, 2) AS mean_ms, round(total_exec_time::numeric) AS total_ms,
             round((total_plan_time / nullif(calls, 0))::numeric, 2) AS plan_ms, rows / nullif(calls, 0) AS rows, shared_blks_hit / nullif(calls, 0) AS blocks,
             regexp_replace(query, '\\s+', ' ', 'g') AS query
        FROM pg_stat_statements WHERE calls > 0 AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY total_exec_time DESC LIMIT 12`);
    for (const r of rows) console.log(`${String(r.calls).padStart(6)} ${String(r.mean_ms).padStart(8)} ms ${String(r.plan_ms).padStart(6)} plan ${String(r.rows).padStart(6)} rows ${String(r.blocks).padStart(7)} blk  ${r.query.slice(0, 260)}`);
  }
  await app.close();
  await db.destroy();
  await admin.end();
  await embedded?.stop();
}

/**
 * `--explain`: the plan of every statement of the service that runs 5 ms or longer, with actual rows and
 * times, printed once per statement shape.
 */
function printOncePerShape(): (plan: string) => void {
  const seen = new Set<string>();
  return (plan) => {
    const shape = plan.split('\n').slice(0, 3).join(' ').replace(/[\d.]+/g, '#');
    if (seen.has(shape)) return;
    seen.add(shape);
    console.log(plan);
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
