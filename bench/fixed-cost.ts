/**
 * `npm run bench:fixed-cost -- [--families N] [--seed S] [--concurrency C] [--duration SECONDS] [--rounds R]
 * [--baseline DIR] [--cpu-prof DIR] [--only TEXT]`: what every request costs before it reads anything. Drives `{ __typename }`
 * and `{ me { subject kind } }` with a caseworker's, a portal login's and an integration client's token, and
 * `plan(id)` (the benchmark's PLAN_QUERY, a compiled read) with a caseworker's who may read the plan
 * (autocannon, as `npm run bench`) and prints, per request, the service's CPU time and PostgreSQL's (Linux
 * /proc, so independent of how busy the machine is) and the SQL statements sent. `--baseline DIR` runs the
 * service built in DIR (`DIR/dist/src/main.js`, e.g. main's) beside this one in alternating rounds, so that a
 * change is measured as a ratio within one run. `--cpu-prof DIR`: this service writes a V8 CPU profile there
 * (bench/cpu-profile-summary.ts breaks it down by package).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import { newId } from '../src/common/ids.js';
import { CLIENT_TOKEN_ISSUER } from '../src/auth/token-verifier.js';
import { benchDatabase } from './bench-database.js';
import { findFixtures, PLAN_QUERY, tokenSigner } from './operations.js';
import { benchServiceEnvironment, cpuSnapshot, cpuUsedBetween, postmasterOf, startProcess } from './processes.js';

const { values: args } = parseArgs({
  options: {
    families: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '10' },
    duration: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '2' },
    baseline: { type: 'string' },
    'cpu-prof': { type: 'string' },
    // Only the cases whose "query caller" contains this, e.g. "me { subject kind } } caseworker".
    only: { type: 'string' },
  },
});
const SECRET = randomBytes(32).toString('hex');
const CLIENT_SECRET = randomBytes(32).toString('hex');
const DURATION = Number(args.duration);

interface Caller {
  name: string;
  token: string;
  agencyId?: string;
  /** The plan `plan(id)` reads as this caller (only the plan reader has one). */
  planId?: string;
}

/** A token of an integration client made for the run, as POST /oauth/token would issue it. */
const clientToken = (clientId: string) =>
  new SignJWT({ client_id: clientId, scope: 'referrals:read', rot: 0 })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(CLIENT_TOKEN_ISSUER)
    .setAudience('gezin1plan-integration')
    .setSubject(`client:${clientId}`)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(CLIENT_SECRET));

async function statementsSent(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^gezin1plan_sql_statements_total (\d+)/m.exec(text)?.[1] ?? NaN);
}

/** One measured run of `query` as `caller` against the process on `port`. */
async function measure(target: { port: number; pid: number }, postmaster: number | undefined, caller: Caller, query: string, variables: Record<string, unknown>) {
  const opts = {
    url: `http://127.0.0.1:${target.port}/graphql`,
    method: 'POST' as const,
    connections: Number(args.concurrency),
    body: JSON.stringify({ query, variables }),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${caller.token}`, ...(caller.agencyId ? { 'x-acting-agency': caller.agencyId } : {}) },
  };
  await autocannon({ ...opts, duration: Number(args.warmup) });
  const statementsBefore = await statementsSent(target.port);
  const cpuBefore = await cpuSnapshot();
  const result = await autocannon({ ...opts, duration: DURATION });
  const cpu = cpuUsedBetween(cpuBefore, await cpuSnapshot(), target.pid, postmaster);
  const requests = result.requests.total;
  return {
    requests,
    non2xx: result.non2xx + result.errors,
    reqPerSec: requests / DURATION,
    p95: result.latency.p97_5,
    nodeCpuMs: (cpu.process * 1000) / requests,
    postgresCpuMs: (cpu.postgres * 1000) / requests,
    statements: ((await statementsSent(target.port)) - statementsBefore) / requests,
  };
}

async function main(): Promise<void> {
  const { url, db, embedded } = await benchDatabase(Number(args.families), Number(args.seed));
  const children: ChildProcess[] = [];
  try {
    const f = await findFixtures(db, tokenSigner(SECRET), 10);
    // PostgreSQL's CPU is this cluster's only (every PostgreSQL's when the database is not on this machine).
    const postmaster = (await postmasterOf(db)) ?? undefined;
    const caseworker = f.intakes[0]!;
    const clientId = newId();
    await db.transaction(async (em) => {
      await em.query(`SELECT set_config('app.actor_subject', 'bench-setup', true)`);
      await em.query(
        `INSERT INTO integration_client (id, agency_id, name, scopes, secret_hash, created_by_user_id)
         SELECT $1, $2, 'bench', ARRAY['referrals:read'], 'unused', m.user_id FROM membership m WHERE m.agency_id = $2 LIMIT 1`,
        [clientId, caseworker.agencyId],
      );
    });
    const callers: Caller[] = [
      { name: 'caseworker', token: caseworker.token, agencyId: caseworker.agencyId },
      { name: 'portal', token: f.portal[0]!.token },
      { name: 'integration client', token: await clientToken(clientId) },
      { name: 'plan reader', token: f.planReaders[0]!.token, agencyId: f.planReaders[0]!.agencyId, planId: f.planReaders[0]!.planIds[0]! },
    ];
    const env = { ...benchServiceEnvironment(url, SECRET), CLIENT_TOKEN_SECRET: CLIENT_SECRET };
    const start = async (script: string, flags: string[] = []) => {
      const { child, port } = await startProcess(script, env, '/health/ready', flags);
      children.push(child);
      return { port, pid: child.pid! };
    };
    const sides = [{ name: 'this', target: await start('dist/src/main.js', args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : []) }];
    if (args.baseline) sides.push({ name: 'baseline', target: await start(join(args.baseline, 'dist/src/main.js')) });

    console.log(`${'query'.padEnd(28)} ${'caller'.padEnd(20)} side       req/s   p97.5 ms  node CPU ms/req  PG CPU ms/req  stmt/req  errors`);
    for (const query of ['{ __typename }', '{ me { subject kind } }', PLAN_QUERY]) {
      // plan(id) as the plan reader only; the other two as everyone else.
      const askers = callers.filter((c) => (query === PLAN_QUERY) === (c.planId !== undefined));
      const label = query === PLAN_QUERY ? 'plan(id)' : query;
      for (const caller of askers.filter((c) => !args.only || `${label} ${c.name}`.includes(args.only))) {
        const variables = caller.planId ? { id: caller.planId } : {};
        // Alternating order per round, so that neither side always runs second (warmer, or after a busier spell).
        const rounds = Number(args.rounds);
        const totals = new Map<string, ReturnType<typeof emptyTotals>>();
        for (let round = 0; round < rounds; round++) {
          for (const side of round % 2 ? [...sides].reverse() : sides) {
            const m = await measure(side.target, postmaster, caller, query, variables);
            const t = totals.get(side.name) ?? emptyTotals();
            totals.set(side.name, addTo(t, m));
          }
        }
        for (const side of sides) {
          const t = totals.get(side.name)!;
          console.log(
            `${label.padEnd(28)} ${caller.name.padEnd(20)} ${side.name.padEnd(8)} ${(t.reqPerSec / rounds).toFixed(0).padStart(7)} ${(t.p95 / rounds).toFixed(1).padStart(10)} ` +
              `${(t.nodeCpuMs / rounds).toFixed(3).padStart(16)} ${(t.postgresCpuMs / rounds).toFixed(3).padStart(14)} ${(t.statements / rounds).toFixed(2).padStart(9)} ${String(t.non2xx).padStart(7)}`,
          );
        }
        if (args.baseline) {
          const [now, before] = [totals.get('this')!, totals.get('baseline')!];
          console.log(`${''.padEnd(49)} this/baseline: req/s ${(now.reqPerSec / before.reqPerSec).toFixed(2)}×, node CPU per request ${(now.nodeCpuMs / before.nodeCpuMs).toFixed(2)}×`);
        }
      }
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await db.destroy();
    await embedded?.stop();
  }
}

const emptyTotals = () => ({ reqPerSec: 0, p95: 0, nodeCpuMs: 0, postgresCpuMs: 0, statements: 0, non2xx: 0 });
function addTo(t: ReturnType<typeof emptyTotals>, m: Awaited<ReturnType<typeof measure>>) {
  return {
    reqPerSec: t.reqPerSec + m.reqPerSec,
    p95: t.p95 + m.p95,
    nodeCpuMs: t.nodeCpuMs + m.nodeCpuMs,
    postgresCpuMs: t.postgresCpuMs + m.postgresCpuMs,
    statements: t.statements + m.statements,
    non2xx: t.non2xx + m.non2xx,
  };
}

await main();
