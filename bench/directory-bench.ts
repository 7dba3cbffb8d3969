/**
 * `npm run bench:directory -- [--agencies 4000] [--networks 100] [--per-agency 3] [--external 20] [--concurrency 4]
 * [--duration 8]`: the directory search (`services(…)`, docs/directory.md) at 4,000 agencies with a few services
 * each. Seeds its own database (an embedded cluster kept under `.data/bench-directory-<agencies>-<networks>`, or
 * BENCH_DATABASE_URL) with the organisation of the seed (bench/seed/organisation.ts: networks, agencies, their
 * staff) and the directory (bench/seed/directory.ts), no families; starts the service in this process and asks
 * each search from a caseworker of the largest network, `concurrency` at a time for `duration` seconds. Prints
 * per search its req/s, p50 and p95 latency, SQL statements per request, and the plan of its search statement
 * (auto_explain), which must read by index.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { dataSourceOptions, migrate } from '../src/database/data-source.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { SqlStatementCounter } from '../src/database/sql-statement-counter.js';
import { explainStatements, startInProcessService } from './in-process-service.js';
import { tokenSigner } from './operations.js';
import { directoryServices } from './seed/directory.js';
import { organisation } from './seed/organisation.js';
import { holidaysAround, type RunPlan } from './seed/run-plan.js';
import { DEFAULT_AS_OF, runBatch } from './seed/seed-database.js';
import { generatorFunctions } from './seed/sql.js';

const { values: args } = parseArgs({
  options: {
    agencies: { type: 'string', default: '4000' },
    networks: { type: 'string', default: '100' },
    'per-agency': { type: 'string', default: '3' },
    external: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '4' },
    duration: { type: 'string', default: '8' },
  },
});
const SECRET = randomBytes(32).toString('hex');
const SERVICES_QUERY = `query($networkId: ID!, $search: String, $lifeDomains: [LifeDomain!], $age: Int, $language: String, $postcode: String) {
  services(networkId: $networkId, search: $search, lifeDomains: $lifeDomains, age: $age, language: $language, postcode: $postcode, first: 20) {
    edges { cursor node { id name organisationName lifeDomains minAgeMonths maxAgeMonths languages cost postcode howToRefer } }
    pageInfo { hasNextPage endCursor } } }`;

/** The searches measured: Dutch and French words, a typo, filters alone and together. */
const SEARCHES: [string, Record<string, unknown>][] = [
  ['search "opvoeding"', { search: 'opvoeding' }],
  ['search "parentalite"', { search: 'parentalite' }],
  ['search "soutien parental"', { search: 'soutien parental' }],
  ['search "huiswerkbegleiding" (typo)', { search: 'huiswerkbegleiding' }],
  ['search "begeleiding", age 100, nl', { search: 'begeleiding', age: 100, language: 'nl' }],
  ['filter PARENTING, age -3', { lifeDomains: ['PARENTING'], age: -3 }],
  ['no search, no filter', {}],
];

async function seededDatabase(): Promise<{ db: DataSource; stop: () => Promise<void>; url: string }> {
  const agencies = Number(args.agencies);
  const networks = Number(args.networks);
  const embedded = process.env.BENCH_DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ dataDir: join('.data', `bench-directory-${agencies}-${networks}`, 'postgres'), database: 'bench', persistent: true });
  const url = process.env.BENCH_DATABASE_URL ?? embedded!.url;
  const db = await new DataSource(dataSourceOptions(url)).initialize();
  await migrate(db);
  const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM directory_service`);
  if (n === 0) {
    const agenciesPerNetwork = Math.ceil(agencies / networks);
    const plan: RunPlan = {
      seed: 1, asOf: DEFAULT_AS_OF, families: 0, networks, agenciesPerNetwork, usersPerNetwork: 3 * agenciesPerNetwork,
      networkBase: 0, familyBase: 0, userBase: 0, holidays: holidaysAround(DEFAULT_AS_OF, []),
    };
    const t0 = performance.now();
    const runner = db.createQueryRunner();
    for (const sql of generatorFunctions(plan.seed)) await runner.query(sql);
    const counts: Record<string, number> = {};
    await runBatch(runner, [...organisation(plan), ...directoryServices(Number(args['per-agency']), Number(args.external))], counts, () => true);
    await runner.release();
    await db.query('VACUUM ANALYZE');
    console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);
  }
  return { db, url, stop: async () => { await db.destroy(); await embedded?.stop(); } };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** One principal asks as fast as it can: without the service's rate limits, as `npm run bench` runs it (bench/processes.ts). */
const UNLIMITED = { RATE_LIMIT_PER_PRINCIPAL: '1000000', RATE_LIMIT_PER_IP: '1000000' };

async function main(): Promise<void> {
  Object.assign(process.env, UNLIMITED);
  const { db, url, stop } = await seededDatabase();
  const [{ services, agencies }] = await db.query(`SELECT (SELECT count(*)::int FROM directory_service) AS services, (SELECT count(*)::int FROM agency) AS agencies`);
  // A caseworker of the network with the most services.
  const [reader] = await db.query(
    `WITH largest AS (SELECT network_id, count(*)::int AS n FROM directory_service GROUP BY network_id ORDER BY n DESC, network_id LIMIT 1)
     SELECT u.subject, l.network_id AS "networkId", l.n AS "inNetwork"
       FROM largest l JOIN agency a ON a.network_id = l.network_id JOIN membership m ON m.agency_id = a.id AND m.role = 'CASEWORKER'
       JOIN app_user u ON u.id = m.user_id ORDER BY u.subject LIMIT 1`,
  );
  console.log(`${agencies} agencies, ${services} services; searching network ${reader.networkId} (${reader.inNetwork} services) as ${reader.subject}`);
  const token = await tokenSigner(SECRET)(reader.subject as string);
  const asker = (endpoint: string) => async (variables: Record<string, unknown>) => {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: SERVICES_QUERY, variables: { networkId: reader.networkId, ...variables } }),
    });
    const body = (await res.json()) as { errors?: unknown[]; data?: { services: { edges: unknown[] } } };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!.services.edges.length;
  };
  try {
    // First each search once under auto_explain (its plan, and how many statements it sends), on a service of
    // its own: auto_explain with timing slows every statement, so the measurement runs on another one after.
    const plans: string[] = [];
    const explained = await startInProcessService(url, SECRET, (a) => explainStatements(a, 0, (plan) => plans.push(plan)));
    const counter = explained.app.get(SqlStatementCounter);
    const described = new Map<string, { found: number; statements: number; plan: string }>();
    for (const [label, variables] of SEARCHES) {
      await asker(explained.endpoint)(variables);
      plans.length = 0;
      const before = counter.count;
      const found = await asker(explained.endpoint)(variables);
      const search = plans.find((p) => p.includes('directory_service ds')) ?? '';
      const plan = search.split('\n').filter((l) => /Scan|Sort|Limit|duration/.test(l)).map((l) => `    ${l.trim()}`).join('\n');
      described.set(label, { found, statements: counter.count - before, plan });
    }
    await explained.app.close();

    const { app, endpoint } = await startInProcessService(url, SECRET);
    const ask = asker(endpoint);
    for (const [label, variables] of SEARCHES) {
      await ask(variables);
      const latencies: number[] = [];
      const until = performance.now() + Number(args.duration) * 1000;
      await Promise.all(
        Array.from({ length: Number(args.concurrency) }, async () => {
          while (performance.now() < until) {
            const t0 = performance.now();
            await ask(variables);
            latencies.push(performance.now() - t0);
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      const { found, statements, plan } = described.get(label)!;
      console.log(
        `${label.padEnd(38)} ${String(found).padStart(2)} found  ${(latencies.length / Number(args.duration)).toFixed(0).padStart(5)} req/s` +
          `  p50 ${percentile(latencies, 50).toFixed(1)} ms  p95 ${percentile(latencies, 95).toFixed(1)} ms  ${statements} statements`,
      );
      console.log(plan);
    }
    await app.close();
  } finally {
    await stop();
  }
  console.log(`load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

await main();
process.exit(0);
