import { DataSource } from 'typeorm';
import {
  ACCESS_LOG_QUERY,
  ADD_ACTION,
  FAMILIES_QUERY,
  FIND_KNOWN_FAMILY,
  INBOX_QUERY,
  type Fixtures,
  findFixtures,
  INCOMING_QUERY,
  MY_FAMILY_QUERY,
  NETWORK_INSIGHT_QUERY,
  PLAN_QUERY,
  RESCHEDULE,
  unknownNationalNumber,
} from '../bench/operations.js';
import { BENCH_NATIONAL_NUMBER_KEY } from '../bench/seed/identities.js';
import { seedDatabase } from '../bench/seed/seed-database.js';
import { dataSourceOptions, migrate } from '../src/database/data-source.js';
import { type ScratchDatabase, scratchDatabase } from './support/scratch-database.js';
import { TestApi } from './support/test-app.js';

/**
 * The SQL statements of every benchmarked operation (issue 6) do not grow with the data: the same
 * operations, as `npm run bench` sends them, on seeded databases of 20 and of 200 families, send the
 * same number of statements. Not a timing: a count.
 */

interface Sized {
  scratch: ScratchDatabase;
  api: TestApi;
  db: DataSource;
  fixtures: Fixtures;
}

const SMALL = 20;
const LARGE = SMALL * 10;

async function seededDatabase(families: number): Promise<Sized> {
  const scratch = await scratchDatabase(`bench_ops_${families}`);
  const db = await new DataSource(dataSourceOptions(scratch.url)).initialize();
  await migrate(db);
  await seedDatabase(db, { families, seed: 7 });
  await db.query('ANALYZE');
  // The key the seed hashed its members' national numbers with, so that a seeded number is found.
  const api = await TestApi.start({ DATABASE_URL: scratch.url, NATIONAL_NUMBER_KEY: BENCH_NATIONAL_NUMBER_KEY });
  return { scratch, api, db, fixtures: await findFixtures(db, (subject) => TestApi.token(subject), 5) };
}

/** The operations of the benchmark, each as one request of a principal with access. */
const operations: Record<string, (f: Fixtures) => { subject: string; agencyId: string | null; query: string; variables: Record<string, unknown>; field: string }> = {
  'plan(id)': (f) => ({ ...f.planReaders[0]!, query: PLAN_QUERY, variables: { id: f.planReaders[0]!.planIds[0] }, field: 'plan' }),
  'families(first: 50)': (f) => ({ ...f.familyReaders[0]!, query: FAMILIES_QUERY, variables: {}, field: 'families' }),
  'referrals(INCOMING, overdue)': (f) => ({ ...f.intakes[0]!, query: INCOMING_QUERY, variables: {}, field: 'referrals' }),
  'accessLog(first: 50)': (f) => ({ ...f.portal[0]!, agencyId: null, query: ACCESS_LOG_QUERY, variables: { familyId: f.portal[0]!.familyId }, field: 'accessLog' }),
  'myFamily (portal)': (f) => ({ ...f.portal[0]!, agencyId: null, query: MY_FAMILY_QUERY, variables: {}, field: 'myFamily' }),
  'inbox(first: 50)': (f) => ({ ...f.inboxReaders[0]!, query: INBOX_QUERY, variables: {}, field: 'inbox' }),
  networkInsight: (f) => ({
    ...f.coordinators[0]!,
    query: NETWORK_INSIGHT_QUERY,
    variables: { networkId: f.coordinators[0]!.networkId },
    field: 'networkInsight',
  }),
  addAction: (f) => ({
    ...f.goalWriters[0]!,
    query: ADD_ACTION,
    variables: { input: { goalId: f.goalWriters[0]!.goalIds[0], title: 'Stap', assigneeUserId: f.goalWriters[0]!.userId } },
    field: 'addAction',
  }),
  'findKnownFamily (known number)': (f) => ({
    ...f.lookups[0]!,
    query: FIND_KNOWN_FAMILY,
    variables: { input: { nationalNumber: f.knownNumbers[0], purpose: 'REFERRAL_INTAKE' } },
    field: 'findKnownFamily',
  }),
  'findKnownFamily (unknown number)': (f) => ({
    ...f.lookups[0]!,
    query: FIND_KNOWN_FAMILY,
    variables: { input: { nationalNumber: unknownNationalNumber(1), purpose: 'REFERRAL_INTAKE' } },
    field: 'findKnownFamily',
  }),
  rescheduleHandover: (f) => ({
    ...f.referrers[0]!,
    query: RESCHEDULE,
    variables: {
      input: {
        referralId: f.referrers[0]!.referrals[0]!.id,
        expectedVersion: f.referrers[0]!.referrals[0]!.version,
        startsAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
        location: 'Huis van het Kind',
        attendees: ['FAMILY', 'REFERRER', 'RECEIVER'],
      },
    },
    field: 'rescheduleHandover',
  }),
};

/**
 * The statements of the benchmarked writes (issue 19), the principal's included: `addAction` BEGIN, the goal
 * authorized and locked naming the actor, the action with its history, COMMIT; `rescheduleHandover` BEGIN, the
 * referral authorized, read and locked naming the actor (with its receiver's network), the meeting
 * ended and replaced, the update with its transition and event, the webhook clients, the inbox's recipients
 * (none here: the referral's author steps it herself, so no item is written), the read-back, COMMIT. Lower is
 * welcome; higher is a regression.
 */
const WRITE_STATEMENTS: Record<string, number> = { addAction: 5, rescheduleHandover: 7 };

describe('benchmarked operations: SQL statements constant in data size', () => {
  const sized: Sized[] = [];

  beforeAll(async () => {
    // Built side by side: most of it is PostgreSQL's work, so the two overlap.
    sized.push(...(await Promise.all([seededDatabase(SMALL), seededDatabase(LARGE)])));
  }, 180_000);

  afterAll(async () => {
    for (const s of sized) {
      await s.api.stop();
      await s.db.destroy();
      await s.scratch.drop();
    }
  });

  it.each(Object.keys(operations))('%s sends as many statements on 10× the data', async (name) => {
    const counts: number[] = [];
    const rows: number[] = [];
    for (const s of sized) {
      const op = operations[name]!(s.fixtures);
      const headers: Record<string, string> = op.agencyId ? { 'X-Acting-Agency': op.agencyId } : {};
      let data: Record<string, any> = {};
      // The principal remembered first (a compiled read then checks it in its own statement), whether or not an
      // earlier operation's request already did on this database: the counts compare data sizes, not that.
      await s.api.gql(op.subject, '{ me { __typename } }', {}, headers);
      counts.push(await s.api.countStatements(async () => (data = await s.api.ok(op.subject, op.query, op.variables, headers))));
      const result = data[op.field];
      if (name.startsWith('findKnownFamily')) expect(result.status).toBe(name.includes('unknown') ? 'NOT_KNOWN' : 'KNOWN');
      rows.push(result?.edges?.length ?? result?.goals?.length ?? 1);
    }
    // The larger database answers with at least as much (so the equal count is not an empty answer).
    expect(rows.every((n) => n > 0)).toBe(true);
    expect(counts[1]).toBe(counts[0]);
    if (name in WRITE_STATEMENTS) expect(counts[0]).toBe(WRITE_STATEMENTS[name]);
  });
});
