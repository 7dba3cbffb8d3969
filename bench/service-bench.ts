/**
 * `npm run bench -- [--families N] [--seed S] [--concurrency C] [--duration SECONDS] [--only <operation prefixes, comma-separated>]
 * [--cpu-prof DIR] [--node-flags "FLAGS"] [--resolvers]`: the service under
 * load. Seeds its own database (an embedded cluster kept under `.data/bench-<N>-<S>` so that a large
 * seed is made once, or BENCH_DATABASE_URL), starts the service and the other sides (SIDES: the limit side,
 * bench/limit/: the same answer and audit in one prepared statement per read; PostGraphile, bench/postgraphile-side.ts:
 * the peer a user would pick, for the reads it serves) as separate processes, and drives
 * each operation on every side with autocannon at a fixed concurrency, from principals that really have access,
 * each on a settled database (the audit entries pending linking linked first). Prints per operation one line
 * per side (req/s, latency percentiles, SQL statements and rows read per request, the cores the driven process
 * and this cluster's PostgreSQL kept busy, the service's req/s over the side's, and the limit side's over
 * PostGraphile's) and
 * writes it to bench/results/<time>.json with the service's peak RSS and its startup time. With `--resolvers`,
 * the side `resolvers` too: the service again with COMPILED_READS=false (every read through the field
 * resolvers), driven with the service's requests: compiled reads against the path they replace, in the same run.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { DataSource } from 'typeorm';
import {
  ACCESS_LOG_QUERY,
  ADD_ACTION,
  FAMILIES_QUERY,
  type Fixtures,
  FIND_KNOWN_FAMILY,
  findFixtures,
  INBOX_QUERY,
  INCOMING_QUERY,
  MY_FAMILY_QUERY,
  NETWORK_INSIGHT_QUERY,
  type Principal,
  PLAN_QUERY,
  RESCHEDULE,
  tokenSigner,
  unknownNationalNumber,
} from './operations.js';
import { chainPendingAuditEntries } from '../src/audit/audit-chain.js';
import { benchDatabase } from './bench-database.js';
import { postgraphileSide } from './postgraphile-side.js';
import { benchServiceEnvironment, cpuSnapshot, cpuUsedBetween, postmasterOf, startProcess } from './processes.js';

const { values: args } = parseArgs({
  options: {
    families: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '10' },
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    only: { type: 'string' },
    // A directory: the service process writes a V8 CPU profile there when it stops (open it in Chrome's
    // DevTools or summarise it with bench/cpu-profile-summary.ts).
    'cpu-prof': { type: 'string' },
    // Node/V8 flags for the service process after those of `npm start` (space-separated), e.g.
    // "--max-semi-space-size=0": runtime settings compared on the same seeded data.
    'node-flags': { type: 'string' },
    // Server settings for the embedded cluster (space-separated `postgres` flags), e.g. "-c shared_buffers=6GB".
    'postgres-flags': { type: 'string' },
    resolvers: { type: 'boolean', default: false },
    // A directory holding another build of the service (`DIR/dist/src/main.js`, e.g. main's): measured in the
    // same run, sent the service's requests, so that a change is a ratio within one run (side `baseline`).
    baseline: { type: 'string' },
  },
});
const FAMILIES = Number(args.families);
const SEED = Number(args.seed);
const CONCURRENCY = Number(args.concurrency);
const DURATION = Number(args.duration);
const WARMUP = Number(args.warmup);
const SECRET = randomBytes(32).toString('hex');

// ---- processes ----------------------------------------------------------------------------------

const cores = (busy: number) => busy.toFixed(2);

const splitFlags = (flags: string | undefined) => flags?.split(' ').filter(Boolean) ?? [];
const serviceNodeFlags = (JSON.parse(readFileSync('package.json', 'utf8')) as { config: { serviceNodeFlags: string } }).config.serviceNodeFlags;

const processTarget = ({ port, child }: { port: number; child: ChildProcess }) => ({ port, pid: child.pid! });

/** Resident memory of a process (Linux), in MB. */
async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const token = tokenSigner(SECRET);

// ---- operations --------------------------------------------------------------------------------

interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

interface Side {
  /** The request of connection `slot`, n-th time. */
  call(slot: number, n: number): Call & { principal: Principal };
  /** Whether an answer is a success (and what it teaches the next call of this slot). */
  ok(slot: number, body: string): boolean;
  /** Catches up with the database before a run (requests cut off at the end of the last run may have committed). */
  reset?(): Promise<void>;
}

/**
 * The sides measured, in order, each its own process: the service, and what it is measured against — the
 * limit side (every operation) and PostGraphile (the reads it serves: an operation without it has no
 * PostGraphile line). Another side is an entry here and a Side in the operations it serves, or sends another
 * side's (`requests`) to a process with its own `env`. `metrics`: it counts its SQL statements at /metrics.
 */
const SIDES = [
  { name: 'service', script: 'dist/src/main.js', readyPath: '/health/ready', metrics: true },
  { name: 'limit', script: 'dist/bench/limit/server.js', readyPath: '/', metrics: false },
  { name: 'postgraphile', script: postgraphileSide.script, readyPath: postgraphileSide.readyPath, metrics: false },
  // With --resolvers only: the service without compiled reads, sent the service's requests.
  { name: 'resolvers', script: 'dist/src/main.js', readyPath: '/health/ready', metrics: true, env: { COMPILED_READS: 'false' }, requests: 'service' },
  // With --baseline only: another build of the service, sent the service's requests.
  { name: 'baseline', script: join(args.baseline ?? '.', 'dist/src/main.js'), readyPath: '/health/ready', metrics: true, requests: 'service' },
] as const;
type SideName = (typeof SIDES)[number]['name'];
/** The sides with requests of their own (`requests` names whose another side sends). */
type RequestSide = Exclude<(typeof SIDES)[number], { requests: string }>['name'];
const requestsOf = (side: (typeof SIDES)[number]): RequestSide => ('requests' in side ? side.requests : side.name);
const RUN_SIDES = SIDES.filter((side) => (side.name !== 'resolvers' || args.resolvers) && (side.name !== 'baseline' || args.baseline));

/** An operation is measured on the service and on the sides that serve it (PostGraphile only some reads; with --resolvers also the resolvers' path). */
interface Operation {
  name: string;
  sides: Record<'service', Side> & Partial<Record<RequestSide, Side>>;
}

const gql = (query: string, variables: Record<string, unknown>): string => JSON.stringify({ query, variables });
const pick = <T>(list: T[], slot: number): T => {
  if (list.length === 0) throw new Error('The seeded data has no principal for this operation');
  return list[slot % list.length]!;
};
const graphqlOk = (body: string) => {
  const parsed = JSON.parse(body) as { data?: unknown; errors?: unknown[] };
  return !parsed.errors?.length && parsed.data != null;
};

function operations(f: Fixtures, db: DataSource): Operation[] {
  const read = (name: string, principals: Principal[], service: (p: any, n: number) => string, limit: (p: any, n: number) => string, limitOk = graphqlOk): Operation => {
    const postgraphile = postgraphileSide.requests[name];
    return {
      name,
      sides: {
        service: { call: (slot, n) => ({ principal: pick(principals, slot), method: 'POST', path: '/graphql', body: service(pick(principals, slot), n) }), ok: (_s, b) => graphqlOk(b) },
        limit: { call: (slot, n) => ({ principal: pick(principals, slot), method: 'GET', path: limit(pick(principals, slot), n) }), ok: (_s, b) => limitOk(b) },
        ...(postgraphile && {
          postgraphile: { call: (slot, n) => ({ principal: pick(principals, slot), ...postgraphile(pick(principals, slot), n) }), ok: (_s, b) => postgraphileSide.ok(b) },
        }),
      },
    };
  };
  /** A lookup by national number (a probe of the identity index, and the lookup recorded), answering `expected`. */
  const lookup = (name: string, numberOf: (n: number) => string, expected: 'KNOWN' | 'NOT_KNOWN'): Operation => {
    const answered = (status: (body: any) => unknown) => (_slot: number, body: string) => status(JSON.parse(body)) === expected;
    return {
      name,
      sides: {
        service: {
          call: (slot, n) => ({
            principal: pick(f.lookups, slot),
            method: 'POST',
            path: '/graphql',
            body: gql(FIND_KNOWN_FAMILY, { input: { nationalNumber: numberOf(n), purpose: 'REFERRAL_INTAKE' } }),
          }),
          ok: answered((b) => b.data?.findKnownFamily?.status),
        },
        limit: {
          call: (slot, n) => ({ principal: pick(f.lookups, slot), method: 'POST', path: '/known-family', body: JSON.stringify({ nationalNumber: numberOf(n), purpose: 'REFERRAL_INTAKE' }) }),
          ok: answered((b) => b.data?.status),
        },
      },
    };
  };
  const versions = new Map<string, number>();
  const referralOf = (slot: number) => pick(f.referrers, slot).referrals[0]!;
  const startsAt = () => new Date(Date.now() + 14 * 86_400_000).toISOString();
  const transitionOk = (slot: number, body: string, path: (d: any) => any) => {
    const data = JSON.parse(body).data;
    const result = data && path(data);
    if (!result) return false;
    versions.set(referralOf(slot).id, result.version);
    return true;
  };
  const versionOf = (slot: number) => versions.get(referralOf(slot).id) ?? referralOf(slot).version;
  const readVersions = async () => {
    const ids = f.referrers.flatMap((p) => p.referrals.map((r) => r.id));
    for (const row of await db.query(`SELECT id, version FROM referral WHERE id = ANY($1)`, [ids])) versions.set(row.id, row.version);
  };
  return [
    read(
      'plan(id) with team, goals, actions',
      f.planReaders,
      (p, n) => gql(PLAN_QUERY, { id: p.planIds[n % p.planIds.length] }),
      (p, n) => `/plan?id=${p.planIds[n % p.planIds.length]}`,
    ),
    read('families(first: 50)', f.familyReaders, () => gql(FAMILIES_QUERY, {}), () => '/families?first=50'),
    read('myFamily (portal)', f.portal, () => gql(MY_FAMILY_QUERY, {}), () => '/my-family'),
    read('referrals(INCOMING, overdue, first: 50)', f.intakes, () => gql(INCOMING_QUERY, {}), () => '/referrals/incoming-overdue?first=50'),
    read('accessLog(first: 50)', f.portal, (p) => gql(ACCESS_LOG_QUERY, { familyId: p.familyId }), (p) => `/access-log?familyId=${p.familyId}&first=50`),
    read('inbox(first: 50)', f.inboxReaders, () => gql(INBOX_QUERY, {}), () => '/inbox?first=50'),
    read('networkInsight (12 months)', f.coordinators, (p) => gql(NETWORK_INSIGHT_QUERY, { networkId: p.networkId }), (p) => `/network-insight?networkId=${p.networkId}`),
    lookup('findKnownFamily (known number)', (n) => f.knownNumbers[n % f.knownNumbers.length]!, 'KNOWN'),
    lookup('findKnownFamily (unknown number)', (n) => unknownNationalNumber(1 + (n % 997)), 'NOT_KNOWN'),
    {
      name: 'addAction',
      sides: {
      service: {
        call: (slot, n) => {
          const p = pick(f.goalWriters, slot);
          return { principal: p, method: 'POST', path: '/graphql', body: gql(ADD_ACTION, { input: { goalId: p.goalIds[n % p.goalIds.length], title: `Stap ${n}`, assigneeUserId: p.userId } }) };
        },
        ok: (_s, b) => graphqlOk(b),
      },
      limit: {
        call: (slot, n) => {
          const p = pick(f.goalWriters, slot);
          return { principal: p, method: 'POST', path: '/actions', body: JSON.stringify({ goalId: p.goalIds[n % p.goalIds.length], title: `Stap ${n}`, assigneeUserId: p.userId }) };
        },
        ok: (_s, b) => graphqlOk(b),
      },
      },
    },
    {
      name: 'rescheduleHandover (transition)',
      sides: {
      service: {
        call: (slot) => ({
          principal: pick(f.referrers, slot),
          method: 'POST',
          path: '/graphql',
          body: gql(RESCHEDULE, {
            input: { referralId: referralOf(slot).id, expectedVersion: versionOf(slot), startsAt: startsAt(), location: 'Huis van het Kind', attendees: ['FAMILY', 'REFERRER', 'RECEIVER'] },
          }),
        }),
        ok: (slot, b) => transitionOk(slot, b, (d) => d.rescheduleHandover),
        reset: readVersions,
      },
      limit: {
        call: (slot) => ({
          principal: pick(f.referrers, slot),
          method: 'POST',
          path: '/referrals/reschedule',
          body: JSON.stringify({ referralId: referralOf(slot).id, expectedVersion: versionOf(slot), startsAt: startsAt(), location: 'Huis van het Kind', attendees: ['FAMILY', 'REFERRER', 'RECEIVER'] }),
        }),
        ok: (slot, b) => transitionOk(slot, b, (d) => d.rescheduleHandover),
        reset: readVersions,
      },
      },
    },
  ];
}

// ---- measuring ---------------------------------------------------------------------------------

interface Measured {
  requests: number;
  errors: number;
  reqPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  statementsPerRequest: number | null;
  /** Transactions the database committed or rolled back per request (each statement outside a transaction is one). */
  transactionsPerRequest: number;
  rowsPerRequest: number;
  /** Audit entries the run wrote per request (read and write audit). */
  auditEntriesPerRequest: number;
  /** Cores busy during the run (1 = one core all the time), user and system time together. */
  cpu: { process: number; postgres: number; loadGenerator: number };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function statementsSent(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^gezin1plan_sql_statements_total (\d+)/m.exec(text)?.[1] ?? NaN);
}

/**
 * Rows the database returned and fetched and the transactions it ended, as its statistics count them (flushed
 * within a second), and the audit entries written so far.
 */
async function databaseCounts(admin: pg.Client): Promise<{ rows: number; transactions: number; auditEntries: number }> {
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const { rows } = await admin.query(`SELECT (tup_returned + tup_fetched)::float8 AS rows, (xact_commit + xact_rollback)::float8 AS transactions,
      (SELECT last_value FROM audit_event_seq)::float8 AS "auditEntries" FROM pg_stat_database WHERE datname = current_database()`);
  return rows[0];
}

/**
 * A settled database: the audit entries written so far linked to the chain, so that a run does not pay for the
 * backlog of the one before (or of the seed). The service's own chainer links what the run writes, every second.
 */
async function settle(admin: pg.Client): Promise<void> {
  await chainPendingAuditEntries(admin);
  await admin.query('CHECKPOINT').catch(() => undefined);
}

/**
 * Waits (at least 1 s, at most 30 s) until no other connection of the database is in a transaction or running a
 * statement twice in a row 100 ms apart: the requests a run cut off have finished.
 */
async function untilSettled(admin: pg.Client): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  for (let quiet = 0, tries = 0; quiet < 2 && tries < 290; tries++) {
    const { rows } = await admin.query(`SELECT count(*)::int AS busy FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND backend_type = 'client backend' AND (state = 'idle in transaction' OR (state = 'active' AND query NOT LIKE 'LISTEN%'))`);
    quiet = rows[0].busy === 0 ? quiet + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends `side`'s requests to `port` for `duration` seconds at the run's concurrency. */
async function fire(port: number, side: Side, duration: number) {
  const latencies: number[] = [];
  let errors = 0;
  let slots = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONCURRENCY,
    duration,
    setupClient: (client: any) => {
      const slot = slots++;
      let n = 0;
      client.setRequests([
        {
          setupRequest: (req: any) => {
            const call = side.call(slot, n++);
            return { ...req, method: call.method, path: call.path, body: call.body, headers: { 'content-type': 'application/json', authorization: `Bearer ${call.principal.token}`, ...(call.principal.agencyId ? { 'x-acting-agency': call.principal.agencyId } : {}) } };
          },
          onResponse: (status: number, body: string) => {
            if (status === 200 && side.ok(slot, body)) return;
            // The first failure of a run shown, so that an error count says what failed.
            if (errors++ === 0) console.log(`    first failure: ${status} ${body.slice(0, 300)}`);
          },
        },
      ]);
      client.on('response', (_status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
    },
  } as any);
  return { result, errors, latencies };
}

/**
 * Measures `side` on `target` for `duration` seconds, after WARMUP seconds of the same requests unmeasured
 * (the database's and the system's caches, V8's compiled code and each connection's prepared statements).
 */
async function drive(target: { port: number; pid: number }, side: Side, admin: pg.Client, metricsPort?: number, duration = DURATION): Promise<Measured> {
  await side.reset?.();
  await fire(target.port, side, WARMUP);
  // The requests the warm-up cut off may still commit: let them, then catch up with the database (a
  // transition read its version before they committed would fail as stale for the whole run).
  await untilSettled(admin);
  await side.reset?.();
  await settle(admin);
  const postmaster = await postmasterOf(admin);
  const statementsBefore = metricsPort ? await statementsSent(metricsPort) : 0;
  const before = await databaseCounts(admin);
  const cpuBefore = await cpuSnapshot();
  const loadBefore = process.cpuUsage();
  const { result, errors, latencies } = await fire(target.port, side, duration);
  const load = process.cpuUsage(loadBefore);
  const cpu = cpuUsedBetween(cpuBefore, await cpuSnapshot(), target.pid, postmaster ?? undefined);
  const statements = metricsPort ? (await statementsSent(metricsPort)) - statementsBefore : NaN;
  const after = await databaseCounts(admin);
  latencies.sort((a, b) => a - b);
  const requests = result.requests.total;
  return {
    requests,
    errors: errors + result.errors + result.timeouts,
    reqPerSec: requests / duration,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    statementsPerRequest: metricsPort ? statements / requests : null,
    // The admin connection's own statements (two counts) are noise next to thousands of requests.
    transactionsPerRequest: (after.transactions - before.transactions) / requests,
    rowsPerRequest: (after.rows - before.rows) / requests,
    auditEntriesPerRequest: (after.auditEntries - before.auditEntries) / requests,
    cpu: {
      process: cpu.process / duration,
      postgres: cpu.postgres / duration,
      loadGenerator: (load.user + load.system) / 1e6 / duration,
    },
  };
}

/**
 * What consent filtering costs end to end: plan(id) on the real service with its policy, and on the
 * same service with the rules stripped of their access basis (bench/policy-server.ts), in alternating
 * rounds so that neither side always runs warmer.
 */
async function measureConsentCost(env: Record<string, string>, side: Side, admin: pg.Client) {
  const full = await startProcess('dist/bench/policy-server.js', { ...env, BENCH_POLICY: 'full' }, '/health/ready');
  const teamOnly = await startProcess('dist/bench/policy-server.js', { ...env, BENCH_POLICY: 'team-only' }, '/health/ready');
  const rounds = 3;
  const samples = { full: [] as Measured[], teamOnly: [] as Measured[] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const which of round % 2 ? (['teamOnly', 'full'] as const) : (['full', 'teamOnly'] as const)) {
        samples[which].push(await drive(processTarget(which === 'full' ? full : teamOnly), side, admin, undefined, Math.max(2, Math.round(DURATION / 2))));
      }
    }
  } finally {
    full.child.kill('SIGTERM');
    teamOnly.child.kill('SIGTERM');
  }
  const mean = (list: Measured[], key: 'p50' | 'reqPerSec') => list.reduce((sum, m) => sum + m[key], 0) / list.length;
  const summary = (list: Measured[]) => ({ p50: mean(list, 'p50'), reqPerSec: mean(list, 'reqPerSec'), errors: list.reduce((n, m) => n + m.errors, 0) });
  const result = { rounds, full: summary(samples.full), teamOnly: summary(samples.teamOnly) };
  return { ...result, p50Ratio: result.full.p50 / result.teamOnly.p50, throughputRatio: result.teamOnly.reqPerSec / result.full.reqPerSec };
}

// ---- the run -----------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { url, db, embedded } = await benchDatabase(FAMILIES, SEED, splitFlags(args['postgres-flags']));
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const children: ChildProcess[] = [];
  try {
    const f = await findFixtures(db, token, Math.max(40, CONCURRENCY * 4));

    // Rate limits off: the limit side has none, and a few principals drive all the load.
    const env = benchServiceEnvironment(url, SECRET);
    // The service runs with the V8 flags `npm start` gives it (package.json, config.serviceNodeFlags); V8 takes
    // the last value of a flag, so --node-flags can set them back (`=0` is V8's default).
    const runtimeFlags = [...splitFlags(serviceNodeFlags), ...splitFlags(args['node-flags'])];
    const serviceFlags = [...runtimeFlags, ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [])];
    const started = {} as Record<SideName, Awaited<ReturnType<typeof startProcess>>>;
    for (const side of RUN_SIDES) {
      const flags = side.name === 'service' ? serviceFlags : side.name === 'resolvers' || side.name === 'baseline' ? runtimeFlags : [];
      started[side.name] = await startProcess(side.script, { ...env, ...('env' in side ? side.env : {}) }, side.readyPath, flags);
      children.push(started[side.name].child);
    }
    const service = started.service;
    let peakRss = await rssOf(service.child.pid!);
    const sampler = setInterval(() => void rssOf(service.child.pid!).then((mb) => (peakRss = Math.max(peakRss, mb))), 250);

    const table: Record<string, unknown>[] = [];
    for (const op of operations(f, db).filter((o) => !args.only || args.only.split(',').some((prefix) => o.name.startsWith(prefix)))) {
      const sides = RUN_SIDES.filter((side) => op.sides[requestsOf(side)]);
      const measured: Partial<Record<SideName, Measured>> = {};
      for (const side of sides) {
        measured[side.name] = await drive(processTarget(started[side.name]), op.sides[requestsOf(side)]!, admin, side.metrics ? started[side.name].port : undefined);
      }
      // Throughput ratios: the service against each other side, and the limit side against PostGraphile.
      const per = (a: SideName, b: SideName) => (measured[a] && measured[b] ? measured[a].reqPerSec / measured[b].reqPerSec : undefined);
      const ratios = {
        limit: per('service', 'limit'),
        postgraphile: per('service', 'postgraphile'),
        limitToPostgraphile: per('limit', 'postgraphile'),
        resolvers: per('service', 'resolvers'),
        baseline: per('service', 'baseline'),
      };
      // `ratio`: the service against the limit side, as results before it had against the floor.
      table.push({ operation: op.name, ...measured, ratio: ratios.limit, ratios });
      console.log(op.name);
      for (const side of sides) {
        const m = measured[side.name]!;
        const against =
          side.name === 'limit' ? `  → service ${ratios.limit!.toFixed(2)}× limit`
          : side.name === 'postgraphile' ? `  → service ${ratios.postgraphile!.toFixed(2)}×, limit ${ratios.limitToPostgraphile!.toFixed(2)}× postgraphile`
          : side.name === 'resolvers' ? `  → service ${ratios.resolvers!.toFixed(2)}× resolvers`
          : side.name === 'baseline' ? `  → service ${ratios.baseline!.toFixed(2)}× baseline`
          : '';
        console.log(
          `  ${side.name.padEnd(12)} ${m.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${m.p50.toFixed(1).padStart(6)}  p95 ${m.p95.toFixed(1).padStart(6)}  p99 ${m.p99.toFixed(1).padStart(6)} ms  ` +
            `${m.statementsPerRequest === null ? '    -' : m.statementsPerRequest.toFixed(1).padStart(5)} stmt/req  ${m.transactionsPerRequest.toFixed(1).padStart(5)} xact/req  ` +
            `${m.rowsPerRequest.toFixed(0).padStart(6)} rows/req  ${m.auditEntriesPerRequest.toFixed(1).padStart(5)} audit/req  errors ${m.errors}  ` +
            `cores: process ${cores(m.cpu.process)} postgres ${cores(m.cpu.postgres)}  ` +
            // CPU per request holds on a loaded machine, where req/s follows what the other jobs leave.
            `CPU ms/req: process ${((m.cpu.process * 1000) / m.reqPerSec).toFixed(2)} postgres ${((m.cpu.postgres * 1000) / m.reqPerSec).toFixed(2)}${against}`,
        );
      }
    }
    clearInterval(sampler);
    // Measured only in a whole run: `--only` asks for the operations it names.
    const consentCost = args.only ? null : await measureConsentCost(env, operations(f, db)[0]!.sides.service, admin);
    const report = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      families: FAMILIES,
      seed: SEED,
      concurrency: CONCURRENCY,
      durationSeconds: DURATION,
      serviceStartupMs: Math.round(service.readyMs),
      servicePeakRssMb: Math.round(peakRss),
      operations: table,
      consentCost,
    };
    if (consentCost) console.log(
      `\nconsent cost, plan(id) through the service with and without the access basis (${consentCost.rounds} alternating rounds): ` +
        `p50 ${consentCost.full.p50.toFixed(1)} vs ${consentCost.teamOnly.p50.toFixed(1)} ms = ${consentCost.p50Ratio.toFixed(2)}×, ` +
        `throughput ${consentCost.full.reqPerSec.toFixed(0)} vs ${consentCost.teamOnly.reqPerSec.toFixed(0)} req/s = ${consentCost.throughputRatio.toFixed(2)}×`,
    );
    console.log(`\nservice: ready ${report.serviceStartupMs} ms after start (migrated database), peak RSS ${report.servicePeakRssMb} MB`);
    mkdirSync('bench/results', { recursive: true });
    const file = join('bench/results', `${report.at.replace(/[:.]/g, '-')}-${FAMILIES}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`written: ${file}`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await admin.end();
    await db.destroy();
    await embedded?.stop();
  }
  process.exit(0);
}

await main();
