/**
 * `npm run bench`: what consent filtering costs. Seeds an embedded PostgreSQL (or BENCH_DATABASE_URL)
 * with families whose plans have goals, actions, notes and consents, then reads the plan tree of
 * `plan(id)` — plan, members, goals, actions, notes, each filtered in SQL by the policy — once with the
 * service's real ability (team ∧ (consent ∨ author ∨ break-glass)) and once with an ability that checks
 * the team only, alternating, and reports latencies and their ratio measured in the same run.
 * Audit writes are left out on both sides: this isolates the filter.
 */
import { AbilityBuilder, createMongoAbility } from '@casl/ability';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import type { Principal } from '../src/auth/principal.js';
import { SubjectKind } from '../src/auth/subject-kind.js';
import { dataSourceOptions, migrate } from '../src/database/data-source.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { type AppAbility, defineAbilityFor } from '../src/policy/ability.factory.js';
import { scopeToSql, SqlParams } from '../src/policy/sql-scope.js';
import { fromClause, SUBJECTS, type SubjectName } from '../src/policy/subjects.js';
import { MembershipRole } from '../src/users/membership-role.js';

const FAMILIES = Number(process.env.BENCH_FAMILIES ?? 2000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 1500);
const WARMUP = 200;

async function seed(db: DataSource): Promise<{ principal: Principal; planIds: string[] }> {
  await db.transaction(async (em) => {
    await em.query(`SELECT set_config('app.actor_subject', 'bench-seed', true)`);
    await em.query(`
      INSERT INTO network (id, name) VALUES ('00000000-0000-7000-8000-000000000001', 'Bench');
      INSERT INTO agency (id, network_id, name, kind) VALUES ('00000000-0000-7000-8000-000000000002', '00000000-0000-7000-8000-000000000001', 'Bench agency', 'CHILD_WELFARE');
      INSERT INTO app_user (id, subject, display_name) VALUES
        ('00000000-0000-7000-8000-000000000003', 'bench-worker', 'Worker'), ('00000000-0000-7000-8000-000000000004', 'bench-author', 'Author');
      INSERT INTO membership (id, user_id, agency_id, role) VALUES (gen_random_uuid(), '00000000-0000-7000-8000-000000000003', '00000000-0000-7000-8000-000000000002', 'CASEWORKER');
    `);
    await em.query(
      `
      WITH fam AS (
        INSERT INTO family (id, network_id, registered_by_agency_id)
        SELECT gen_random_uuid(), '00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000002' FROM generate_series(1, $1)
        RETURNING id
      ), mem AS (
        INSERT INTO family_member (id, family_id, role, given_name, family_name, birth_date, email, created_by_user_id)
        SELECT gen_random_uuid(), fam.id, r.role, 'Naam', 'Familie', r.birth, 'x@example.be', '00000000-0000-7000-8000-000000000004'
          FROM fam, (VALUES ('PARENT', date '1988-01-01'), ('CHILD', date '2012-01-01'), ('CHILD', date '2019-01-01')) r(role, birth)
        RETURNING id, family_id
      ), asg AS (
        INSERT INTO case_assignment (id, family_id, user_id, agency_id)
        SELECT gen_random_uuid(), fam.id, '00000000-0000-7000-8000-000000000003', '00000000-0000-7000-8000-000000000002' FROM fam
      ), con AS (
        INSERT INTO consent (id, family_id, grantor_member_id, recipient_agency_id, categories, purpose_code, purpose, valid_from, method, evidence_reference)
        SELECT gen_random_uuid(), mem.family_id, mem.id, '00000000-0000-7000-8000-000000000002',
               ARRAY['IDENTITY','CONTACT','PLAN','NOTES','HEALTH','SAFETY','REFERRAL'], 'PLAN_COORDINATION', 'bench', now() - interval '1 day', 'WRITTEN', 'form'
          FROM mem
        RETURNING id, grantor_member_id
      )
      INSERT INTO consent_subject (consent_id, member_id) SELECT id, grantor_member_id FROM con`,
      [FAMILIES],
    );
    await em.query(`
      INSERT INTO plan (id, family_id, status, summary, created_by_user_id)
        SELECT gen_random_uuid(), id, 'ACTIVE', 'Plan', '00000000-0000-7000-8000-000000000004' FROM family;
      INSERT INTO goal (id, plan_id, life_domain, description, owner_kind, status, created_by_user_id)
        SELECT gen_random_uuid(), p.id, (ARRAY['PARENTING','HEALTH','HOUSING','EDUCATION'])[1 + g % 4], 'Doel', 'FAMILY', 'ACTIVE', '00000000-0000-7000-8000-000000000004'
          FROM plan p, generate_series(1, 10) g;
      INSERT INTO action (id, goal_id, title, assignee_user_id, status, created_by_user_id)
        SELECT gen_random_uuid(), g.id, 'Stap', '00000000-0000-7000-8000-000000000003', 'OPEN', '00000000-0000-7000-8000-000000000004'
          FROM goal g, generate_series(1, 5);
      INSERT INTO note (id, plan_id, category, body, author_user_id, author_agency_id)
        SELECT gen_random_uuid(), p.id, (ARRAY['PLAN','NOTES','HEALTH','SAFETY'])[1 + n % 4], 'Notitie',
               '00000000-0000-7000-8000-000000000004', '00000000-0000-7000-8000-000000000002'
          FROM plan p, generate_series(1, 20) n;
      INSERT INTO note_member (note_id, member_id)
        SELECT DISTINCT ON (n.id) n.id, fm.id FROM note n JOIN plan p ON p.id = n.plan_id JOIN family_member fm ON fm.family_id = p.family_id
         WHERE hashtext(n.id::text) % 2 = 0 ORDER BY n.id, fm.id;
    `);
  });
  await db.query('ANALYZE');
  const planIds = (await db.query(`SELECT id FROM plan`)).map((r: { id: string }) => r.id);
  const principal: Principal = {
    subject: 'bench-worker',
    kind: SubjectKind.PROFESSIONAL,
    userId: '00000000-0000-7000-8000-000000000003',
    isPlatformAdmin: false,
    memberships: [],
    acting: {
      agencyId: '00000000-0000-7000-8000-000000000002',
      networkId: '00000000-0000-7000-8000-000000000001',
      servedNetworkIds: [],
      roles: [MembershipRole.CASEWORKER],
    },
    familyMember: null,
    integrationClient: null,
  };
  return { principal, planIds };
}

/** The same reads with the team check only: what the service would do without consent. */
function teamOnlyAbility(principal: Principal): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  const onTeam = { networkId: principal.acting!.networkId, teamUserIds: principal.userId! };
  can('read', ['Family', 'FamilyMember', 'Plan', 'Goal', 'Action', 'Note'], onTeam);
  return build();
}

/** The five statements of the plan tree, shaped as the service's loaders send them, for one ability. */
function planTreeQueries(db: DataSource, ability: AppAbility): ((planId: string) => Promise<number>) {
  const scoped = (subject: SubjectName, where: string) => {
    const def = SUBJECTS[subject];
    const params = new SqlParams();
    const sql = `SELECT ${def.alias}.* FROM ${fromClause(subject)} WHERE ${where} AND ${scopeToSql(ability, 'read', subject, params)}`;
    const [query, values] = db.driver.escapeQueryWithParameters(sql.replace(':planId', '$PLAN'), params.values);
    const planParam = `$${values.length + 1}`;
    return { query: query.replace('$PLAN', planParam), values };
  };
  // As the loaders do: plan by id, then members by family, goals and notes by plan, actions by goal ids.
  const plan = scoped('Plan', 'p.id = :planId');
  const members = scoped('FamilyMember', 'fm.family_id = :planId');
  const goals = scoped('Goal', 'g.plan_id = :planId');
  const actions = scoped('Action', 'a.goal_id = ANY(:planId)');
  const notes = scoped('Note', 'nt.plan_id = :planId');
  const run = async (s: { query: string; values: unknown[] }, key: unknown) => db.query(s.query, [...s.values, key]);
  return async (planId) => {
    const [found] = await run(plan, planId);
    if (!found) return 0;
    const [memberRows, goalRows, noteRows] = await Promise.all([run(members, found.family_id), run(goals, planId), run(notes, planId)]);
    const actionRows = await run(actions, goalRows.map((g: { id: string }) => g.id));
    return 1 + memberRows.length + goalRows.length + noteRows.length + actionRows.length;
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const dataDir = process.env.BENCH_DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'gezin1plan-bench-'));
  const embedded = dataDir ? await startEmbeddedPostgres({ dataDir, database: 'bench', persistent: false }) : undefined;
  const db = await new DataSource(dataSourceOptions(process.env.BENCH_DATABASE_URL ?? embedded!.url)).initialize();
  try {
    await migrate(db);
    const started = performance.now();
    const { principal, planIds } = await seed(db);
    console.log(`Seeded ${FAMILIES} families (3 members, 10 goals × 5 actions, 20 notes each) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const withConsent = planTreeQueries(db, defineAbilityFor(principal));
    const teamOnly = planTreeQueries(db, teamOnlyAbility(principal));
    const samples = { withConsent: [] as number[], teamOnly: [] as number[] };
    let rowsWith = 0;
    let rowsWithout = 0;
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      const planId = planIds[Math.floor(Math.random() * planIds.length)]!;
      // Alternate the order so that neither side always runs on a warmer cache.
      for (const side of i % 2 ? (['withConsent', 'teamOnly'] as const) : (['teamOnly', 'withConsent'] as const)) {
        const t0 = performance.now();
        const rows = await (side === 'withConsent' ? withConsent : teamOnly)(planId);
        const elapsed = performance.now() - t0;
        if (i >= WARMUP) {
          samples[side].push(elapsed);
          if (side === 'withConsent') rowsWith += rows;
          else rowsWithout += rows;
        }
      }
    }
    const report = Object.fromEntries(
      Object.entries(samples).map(([side, values]) => {
        const sorted = [...values].sort((a, b) => a - b);
        return [side, { p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean: values.reduce((a, b) => a + b, 0) / values.length }];
      }),
    ) as Record<keyof typeof samples, { p50: number; p95: number; mean: number }>;
    console.log(`\nplan(id) tree (plan, members, goals, actions, notes): ${ITERATIONS} reads per side, alternating`);
    console.log('side                      p50 ms   p95 ms   mean ms   rows/read');
    console.log(`team only (no consent)  ${report.teamOnly.p50.toFixed(3).padStart(7)}  ${report.teamOnly.p95.toFixed(3).padStart(7)}  ${report.teamOnly.mean.toFixed(3).padStart(8)}   ${(rowsWithout / ITERATIONS).toFixed(1)}`);
    console.log(`with consent filtering  ${report.withConsent.p50.toFixed(3).padStart(7)}  ${report.withConsent.p95.toFixed(3).padStart(7)}  ${report.withConsent.mean.toFixed(3).padStart(8)}   ${(rowsWith / ITERATIONS).toFixed(1)}`);
    console.log(`ratio (consent / team only): p50 ${(report.withConsent.p50 / report.teamOnly.p50).toFixed(2)}×, mean ${(report.withConsent.mean / report.teamOnly.mean).toFixed(2)}×`);
  } finally {
    await db.destroy();
    await embedded?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(0);
}

await main();
