import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { familyBatch, sessionTables } from '../bench/seed/family-batch.js';
import { runPlan } from '../bench/seed/run-plan.js';
import { DEFAULT_AS_OF, seedDatabase, SeedRefusedError, type SeedSummary } from '../bench/seed/seed-database.js';
import { dataSourceOptions, migrate } from '../src/database/data-source.js';
import { REFERRAL_STEPS } from '../src/referrals/referral-steps.js';
import {
  AccessLogDescriptionsDocument,
  FamilyIdsDocument,
  OverdueIncomingReferralsDocument,
  PlanFamilyGoalsActionsDocument,
  PlanProbeDocument,
} from './graphql/generated.js';
import { type ScratchDatabase, scratchDatabase } from './support/scratch-database.js';
import { codeOf, TestApi } from './support/test-app.js';

/** A fresh, migrated database of its own in the test cluster. */
type MigratedScratch = ScratchDatabase & { db: DataSource };

async function migratedScratch(label: string): Promise<MigratedScratch> {
  const scratch = await scratchDatabase(`seed_${label}`);
  const db = await new DataSource(dataSourceOptions(scratch.url)).initialize();
  await migrate(db);
  return { ...scratch, db, drop: () => db.destroy().then(() => scratch.drop()) };
}

const FAMILIES = 300;
/** Several batches, so that batching is exercised too. */
const BATCH = 120;
/** Midnight today: the service's clock runs on from the moment the data describes. */
const AS_OF = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00.000Z');

/** A digest of a table's rows, independent of their physical order. */
async function fingerprints(db: DataSource, tables: string[]): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const table of tables) {
    const [row] = await db.query(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM ${table} t`);
    digests[table] = row.digest;
  }
  return digests;
}

const count = async (db: DataSource, sql: string): Promise<number> => Number((await db.query(sql))[0].n);

/** The columns each table gets from the seed's INSERT statements (those of the organisation and of a batch). */
function columnsTheSeedWrites(): Map<string, Set<string>> {
  const plan = runPlan(1, 1, DEFAULT_AS_OF, { networks: 0, families: 0, users: 0 }, []);
  const statements = [...sessionTables(plan), ...Object.values(familyBatch(plan, 0, 1)).flat()];
  const written = new Map<string, Set<string>>();
  for (const { sql } of statements) {
    const inserts = [...sql.matchAll(/INSERT INTO (\w+) \(([^)]*)\)/g)];
    // An INSERT without a column list would escape the check.
    expect(inserts).toHaveLength(sql.match(/INSERT INTO/g)?.length ?? 0);
    for (const [, table, columns] of inserts) {
      const set = written.get(table!) ?? new Set<string>();
      for (const column of columns!.split(',')) set.add(column.trim());
      written.set(table!, set);
    }
  }
  return written;
}

/**
 * `table.column` of every NOT NULL column of the tables the seed writes that none of its statements names and
 * that the database does not fill either (a default, an identity, a generated column, or a BEFORE INSERT row
 * trigger assigning `NEW.column`, as app_user.subject_digest): a column a new migration adds that the seed
 * would fail on.
 */
async function requiredColumnsTheSeedLeavesOut(query: (sql: string, parameters: unknown[]) => Promise<{ table: string; column: string }[]>): Promise<string[]> {
  const written = columnsTheSeedWrites();
  const required = await query(
    `SELECT table_name AS table, column_name AS column FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ANY($1)
        AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO' AND is_generated = 'NEVER'
        AND NOT EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                         WHERE t.tgrelid = format('%I', table_name)::regclass AND NOT t.tgisinternal
                           AND t.tgtype & 7 = 7 -- a ROW (1), BEFORE (2), INSERT (4) trigger
                           AND p.prosrc ~* ('NEW\\.' || column_name || '\\s*:='))
      ORDER BY table_name, column_name`,
    [[...written.keys()]],
  );
  return required.filter(({ table, column }) => !written.get(table)!.has(column)).map(({ table, column }) => `${table}.${column}`);
}

describe('seed generator', () => {
  let seeded: MigratedScratch;
  let summary: SeedSummary;
  let db: DataSource;

  beforeAll(async () => {
    seeded = await migratedScratch('main');
    db = seeded.db;
    summary = await seedDatabase(db, { families: FAMILIES, seed: 1, asOf: AS_OF, batchSize: BATCH });
  }, 120_000);

  afterAll(async () => {
    await seeded?.drop();
  });

  it('fills every table in proportion to the families, with agencies of every kind', async () => {
    const { counts } = summary;
    expect(counts.family).toBe(FAMILIES);
    expect(counts.plan).toBe(FAMILIES);
    expect(counts.network).toBe(1);
    expect(await count(db, `SELECT count(DISTINCT kind) AS n FROM agency`)).toBe(11);
    expect(counts.app_user).toBeGreaterThanOrEqual(FAMILIES / 4);
    expect(counts.family_member / FAMILIES).toBeGreaterThan(2.5);
    expect(counts.family_member / FAMILIES).toBeLessThan(5);
    expect(counts.referral / FAMILIES).toBeGreaterThan(1.1);
    expect(counts.referral / FAMILIES).toBeLessThan(2);
    expect(counts.audit_event / FAMILIES).toBeGreaterThanOrEqual(3);
    for (const table of ['goal', 'action', 'note', 'note_member', 'plan_history', 'consent_grant', 'consent_revocation', 'handover_meeting', 'outbox_event', 'plan_closure_agreement', 'inbox_item']) {
      expect(counts[table]).toBeGreaterThan(0);
    }
    // What the summary reports is what the tables hold.
    for (const [table, rows] of Object.entries(counts)) {
      expect([table, await count(db, `SELECT count(*) AS n FROM ${table}`)]).toEqual([table, rows]);
    }
    const perPlan = await db.query(`SELECT min(n)::int AS min, max(n)::int AS max FROM (SELECT count(*) AS n FROM goal GROUP BY plan_id) g`);
    expect(perPlan[0].min).toBeGreaterThanOrEqual(2);
    expect(perPlan[0].max).toBeLessThanOrEqual(8);
    expect(await count(db, `SELECT max(n) AS n FROM (SELECT count(*) AS n FROM action GROUP BY goal_id) a`)).toBeLessThanOrEqual(4);
    expect(await count(db, `SELECT count(*) AS n FROM (SELECT family_id FROM family_member GROUP BY family_id HAVING count(*) NOT BETWEEN 1 AND 6) f`)).toBe(0);
  });

  it('gives members realistic ages, and plans, referrals and memberships a realistic mix', async () => {
    const ages: { role: string; min: number; max: number }[] = await db.query(
      `SELECT role, min(date_part('year', age($1::timestamptz, birth_date)))::int AS min, max(date_part('year', age($1::timestamptz, birth_date)))::int AS max
         FROM family_member WHERE role IN ('PARENT', 'CHILD') GROUP BY role ORDER BY role`,
      [AS_OF],
    );
    expect(ages[0]).toMatchObject({ role: 'CHILD' });
    expect(ages[0]!.min).toBeGreaterThanOrEqual(0);
    expect(ages[0]!.max).toBeLessThanOrEqual(17);
    expect(ages[1]!.min).toBeGreaterThanOrEqual(20);
    expect(ages[1]!.max).toBeLessThanOrEqual(60);
    expect(await count(db, `SELECT count(*) AS n FROM family_member WHERE role = 'UNBORN' AND birth_date IS NULL AND expected_date IS NOT NULL`)).toBeGreaterThan(0);

    const plans: { status: string; n: number }[] = await db.query(`SELECT status, count(*)::int AS n FROM plan GROUP BY status`);
    const byStatus = Object.fromEntries(plans.map((p) => [p.status, p.n]));
    expect(byStatus.ACTIVE).toBeGreaterThan(FAMILIES / 2);
    expect(byStatus.CLOSED).toBeGreaterThan(0);

    const statuses: { status: string }[] = await db.query(`SELECT DISTINCT status FROM referral ORDER BY status`);
    expect(statuses.map((s) => s.status)).toEqual(
      ['ACCEPTED', 'COMPLETED', 'DECLINED', 'DRAFT', 'HANDOVER_HELD', 'HANDOVER_SCHEDULED', 'RECEIVED', 'SENT', 'WAITLISTED', 'WITHDRAWN'],
    );
    const roles: { role: string }[] = await db.query(`SELECT DISTINCT role FROM membership ORDER BY role`);
    expect(roles.map((r) => r.role)).toEqual(['AGENCY_ADMIN', 'CASEWORKER', 'NETWORK_COORDINATOR', 'VOLUNTEER']);
  });

  it('records every referral history as a legal path through REFERRAL_STEPS, versions 1..n up to the referral, times increasing', async () => {
    const legal = new Set(Object.values(REFERRAL_STEPS).flatMap((step) => step.from.map((from) => `${from}>${step.to}`)));
    const histories: { status: string; version: number; steps: { from: string | null; to: string; version: number; at: string }[] }[] = await db.query(
      `SELECT r.status, r.version,
              json_agg(json_build_object('from', t.from_status, 'to', t.to_status, 'version', t.version, 'at', t.at) ORDER BY t.version) AS steps
         FROM referral r JOIN referral_transition t ON t.referral_id = r.id GROUP BY r.id`,
    );
    expect(histories).toHaveLength(summary.counts.referral!);
    for (const { status, version, steps } of histories) {
      expect(steps.map((s) => s.version)).toEqual(Array.from({ length: version }, (_, i) => i + 1));
      expect(steps[0]).toMatchObject({ from: null, to: 'DRAFT' });
      for (let i = 1; i < steps.length; i++) {
        expect(steps[i]!.from).toBe(steps[i - 1]!.to);
        expect(legal.has(`${steps[i]!.from}>${steps[i]!.to}`)).toBe(true);
        expect(Date.parse(steps[i]!.at)).toBeGreaterThan(Date.parse(steps[i - 1]!.at));
      }
      expect(steps.at(-1)!.to).toBe(status);
    }
    // One outbox event per transition; a handover meeting where the status says so.
    expect(await count(db, `SELECT count(*) AS n FROM referral_transition t LEFT JOIN outbox_event e ON e.referral_id = t.referral_id AND e.version = t.version
                             WHERE e.id IS NULL OR (e.body::jsonb -> 'data' ->> 'to') <> t.to_status`)).toBe(0);
    expect(await count(db, `SELECT count(*) AS n FROM referral r
                             WHERE (r.status = 'HANDOVER_SCHEDULED') <> EXISTS (SELECT 1 FROM handover_meeting m WHERE m.referral_id = r.id AND m.state = 'SCHEDULED')
                                OR (r.status IN ('HANDOVER_HELD', 'COMPLETED') AND NOT r.family_declined_meeting
                                    AND NOT EXISTS (SELECT 1 FROM handover_meeting m WHERE m.referral_id = r.id AND m.state = 'HELD'))`)).toBe(0);
    expect(await count(db, `SELECT count(*) AS n FROM referral WHERE (due_at IS NOT NULL) <> (status IN ('SENT', 'RECEIVED', 'ACCEPTED', 'HANDOVER_SCHEDULED'))`)).toBe(0);
  });

  it('gives each member referred past DRAFT a REFERRAL consent for the receiver, in force when it was sent', async () => {
    expect(await count(db, `SELECT count(*) AS n FROM referral WHERE sent_at IS NOT NULL`)).toBeGreaterThan(0);
    expect(await count(db, `SELECT count(*) AS n FROM referral r JOIN referral_member rm ON rm.referral_id = r.id
                             WHERE r.sent_at IS NOT NULL AND NOT EXISTS (
                               SELECT 1 FROM consent_grant cg WHERE cg.member_id = rm.member_id AND cg.recipient_agency_id = r.to_agency_id
                                  AND cg.category = 'REFERRAL' AND cg.valid_from <= r.sent_at AND (cg.valid_until IS NULL OR cg.valid_until > r.sent_at)
                                  AND (cg.revoked_at IS NULL OR cg.revoked_at > r.sent_at))`)).toBe(0);
  });

  it('has consents given by the right grantor: members capable at the time for themselves, a parent for the others', async () => {
    // Capable: the latest assessment before the consent, else from the 12th birthday (member_is_capable, at that moment).
    const capable = `coalesce((SELECT ca.capable FROM capacity_assessment ca WHERE ca.member_id = s.id AND ca.assessed_at <= c.valid_from
                                ORDER BY ca.assessed_at DESC LIMIT 1),
                              s.role <> 'UNBORN' AND s.birth_date <= (c.valid_from AT TIME ZONE 'UTC')::date - interval '12 years')`;
    const subjects: { self: boolean; capable: boolean; grantor_is_adult_parent: boolean; child: boolean }[] = await db.query(
      `SELECT g.id = s.id AS self, ${capable} AS capable, s.role = 'CHILD' AS child,
              g.role IN ('PARENT', 'OTHER_CAREGIVER') AND g.birth_date <= (c.valid_from AT TIME ZONE 'UTC')::date - interval '18 years' AS grantor_is_adult_parent
         FROM consent c JOIN consent_subject cs ON cs.consent_id = c.id JOIN family_member s ON s.id = cs.member_id
         JOIN family_member g ON g.id = c.grantor_member_id`,
    );
    expect(subjects.filter((s) => s.capable && !s.self)).toEqual([]);
    expect(subjects.filter((s) => !s.capable && (s.self || !s.grantor_is_adult_parent))).toEqual([]);
    expect(subjects.some((s) => s.child && s.self)).toBe(true);
    expect(subjects.some((s) => s.child && !s.self)).toBe(true);
    expect(await count(db, `SELECT count(*) AS n FROM consent c JOIN family_member g ON g.id = c.grantor_member_id
                             WHERE g.role = 'CHILD' AND g.birth_date > (c.valid_from AT TIME ZONE 'UTC')::date - interval '12 years'
                               AND NOT EXISTS (SELECT 1 FROM capacity_assessment ca WHERE ca.member_id = g.id AND ca.capable)`)).toBe(0);
  });

  it('has consents of every kind: revoked, expired, renewed, refusing health or safety data, and grants derived by the triggers', async () => {
    expect(await count(db, `SELECT count(*) AS n FROM consent_revocation`)).toBeGreaterThan(0);
    expect(await count(db, `SELECT count(*) AS n FROM consent WHERE valid_until < now()`)).toBeGreaterThan(0);
    // Renewed: the same member consents again to the same agency shortly before the earlier consent expires.
    expect(await count(db, `SELECT count(*) AS n FROM consent c JOIN consent r ON r.grantor_member_id = c.grantor_member_id
                             AND r.recipient_agency_id = c.recipient_agency_id AND r.valid_from < c.valid_until AND r.valid_from > c.valid_until - interval '15 days'`)).toBeGreaterThan(0);
    expect(await count(db, `SELECT count(*) AS n FROM consent WHERE NOT 'HEALTH' = ANY (categories) AND purpose_code = 'PLAN_COORDINATION'`)).toBeGreaterThan(0);
    expect(await count(db, `SELECT count(*) AS n FROM consent WHERE NOT 'SAFETY' = ANY (categories) AND purpose_code = 'PLAN_COORDINATION'`)).toBeGreaterThan(0);
    const methods: { method: string }[] = await db.query(`SELECT DISTINCT method FROM consent ORDER BY method`);
    expect(methods.map((m) => m.method)).toEqual(['FAMILY_PORTAL', 'VERBAL_WITH_WITNESS', 'WRITTEN']);
    expect(await count(db, `SELECT count(*) AS n FROM consent_grant`)).toBe(
      await count(db, `SELECT sum(cardinality(c.categories)) AS n FROM consent c JOIN consent_subject cs ON cs.consent_id = c.id`),
    );
    expect(await count(db, `SELECT count(*) AS n FROM consent_grant g JOIN consent_revocation r ON r.consent_id = g.consent_id
                             WHERE g.revoked_at IS DISTINCT FROM r.revoked_at`)).toBe(0);
  });

  it('keeps the rules the schema does not enforce: supporters, teams, authors and versions as the services write them', async () => {
    const violations = {
      closedWithoutAgreement: `SELECT count(*) AS n FROM plan p WHERE p.status = 'CLOSED' AND (p.closed_by_user_id IS NULL
        OR NOT EXISTS (SELECT 1 FROM plan_closure_agreement a JOIN family_member m ON m.id = a.member_id
                        WHERE a.plan_id = p.id AND m.family_id = p.family_id AND m.role = 'PARENT' AND m.birth_date <= current_date - interval '18 years'))`,
      activeWithoutSupporter: `SELECT count(*) AS n FROM plan p WHERE p.status = 'ACTIVE'
        AND NOT EXISTS (SELECT 1 FROM trajectory_supporter s WHERE s.plan_id = p.id AND s.state = 'CURRENT')`,
      supporterNotAssignedCaseworker: `SELECT count(*) AS n FROM trajectory_supporter s JOIN plan p ON p.id = s.plan_id WHERE s.state <> 'ENDED'
        AND NOT EXISTS (SELECT 1 FROM case_assignment ca JOIN membership m ON m.user_id = ca.user_id AND m.agency_id = ca.agency_id AND m.role = 'CASEWORKER'
                         WHERE ca.family_id = p.family_id AND ca.user_id = s.user_id AND ca.ended_at IS NULL)`,
      planVersion: `SELECT count(*) AS n FROM plan p WHERE p.version <> 1 + (SELECT count(*) FROM plan_history h WHERE h.plan_id = p.id
        AND (h.change IN ('SUPPORTER_ASSIGNED', 'SUPPORT_HANDOVER_STARTED', 'SUPPORT_HANDED_OVER', 'PLAN_ACTIVATED', 'PLAN_CLOSED')
             OR (h.change = 'PARTICIPANT_ADDED' AND NOT h.details ? 'referralId')))`,
      goalVersion: `SELECT count(*) AS n FROM goal g WHERE g.version <> 1 + (SELECT count(*) FROM plan_history h WHERE h.plan_id = g.plan_id
        AND h.entity_id = g.id AND h.change = 'GOAL_UPDATED')`,
      assigneeOffTeam: `SELECT count(*) AS n FROM action a JOIN goal g ON g.id = a.goal_id JOIN plan p ON p.id = g.plan_id
        WHERE a.assignee_user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM case_assignment ca WHERE ca.family_id = p.family_id AND ca.user_id = a.assignee_user_id)`,
      assigneeOfAnotherFamily: `SELECT count(*) AS n FROM action a JOIN goal g ON g.id = a.goal_id JOIN plan p ON p.id = g.plan_id
        JOIN family_member m ON m.id = a.assignee_member_id WHERE m.family_id <> p.family_id`,
      noteAuthorOffTeam: `SELECT count(*) AS n FROM note n JOIN plan p ON p.id = n.plan_id WHERE NOT EXISTS (SELECT 1 FROM case_assignment ca
        WHERE ca.family_id = p.family_id AND ca.user_id = n.author_user_id AND ca.agency_id = n.author_agency_id AND ca.created_at <= n.created_at)`,
      volunteerHealthNote: `SELECT count(*) AS n FROM note n JOIN membership m ON m.user_id = n.author_user_id AND m.role = 'VOLUNTEER'
        WHERE n.category IN ('HEALTH', 'SAFETY')`,
      agencyOutsideNetwork: `SELECT count(*) AS n FROM consent c JOIN agency a ON a.id = c.recipient_agency_id JOIN family f ON f.id = c.family_id
        WHERE a.network_id <> f.network_id`,
      historyOutsidePlan: `SELECT count(*) AS n FROM plan_history h JOIN plan p ON p.id = h.plan_id WHERE h.at < p.created_at OR h.at > coalesce(p.closed_at, $1)`,
      acceptedReceiverOffTeam: `SELECT count(*) AS n FROM referral r WHERE r.accepted_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM plan_participant pp WHERE pp.plan_id = r.plan_id AND pp.agency_id = r.to_agency_id)`,
      // Every record an entry names (a read names several: entity_ids).
      auditOfNothing: `SELECT count(*) AS n FROM audit_event a CROSS JOIN unnest(coalesce(a.entity_ids, ARRAY[a.entity_id])) e(id) WHERE NOT CASE a.entity_type
        WHEN 'family' THEN EXISTS (SELECT 1 FROM family x WHERE x.id = e.id AND x.id = a.family_id)
        WHEN 'family_member' THEN EXISTS (SELECT 1 FROM family_member x WHERE x.id = e.id AND x.family_id = a.family_id)
        WHEN 'FamilyMember' THEN EXISTS (SELECT 1 FROM family_member x WHERE x.id = e.id AND x.family_id = a.family_id)
        WHEN 'case_assignment' THEN EXISTS (SELECT 1 FROM case_assignment x WHERE x.id = e.id AND x.family_id = a.family_id)
        WHEN 'plan' THEN EXISTS (SELECT 1 FROM plan x WHERE x.id = e.id AND x.family_id = a.family_id)
        WHEN 'Plan' THEN EXISTS (SELECT 1 FROM plan x WHERE x.id = e.id AND x.family_id = a.family_id)
        WHEN 'plan_history' THEN EXISTS (SELECT 1 FROM plan_history x JOIN plan p ON p.id = x.plan_id WHERE x.id = e.id AND p.family_id = a.family_id)
        WHEN 'break_glass_grant' THEN EXISTS (SELECT 1 FROM break_glass_grant x WHERE x.id = e.id AND x.family_id = a.family_id)
        ELSE false END`,
      auditUnderUnknownConsent: `SELECT count(*) AS n FROM audit_event a CROSS JOIN unnest(a.consent_ids) c(id)
        WHERE NOT EXISTS (SELECT 1 FROM consent x WHERE x.id = c.id AND x.family_id = a.family_id AND x.valid_from <= a.at)`,
    };
    for (const [rule, sql] of Object.entries(violations)) {
      const [{ n }] = await db.query(sql, sql.includes('$1') ? [AS_OF] : []);
      expect([rule, Number(n)]).toEqual([rule, 0]);
    }
  });

  it('names every NOT NULL column without a default of each table it writes', async () => {
    expect(columnsTheSeedWrites().size).toBeGreaterThanOrEqual(29);
    expect(await requiredColumnsTheSeedLeavesOut((sql, parameters) => db.query(sql, parameters))).toEqual([]);
  });

  it('notices a NOT NULL column without a default added to a table it writes', async () => {
    const runner = db.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query(`ALTER TABLE family ADD COLUMN household_size int NOT NULL DEFAULT 1`);
      await runner.query(`ALTER TABLE family ALTER COLUMN household_size DROP DEFAULT`);
      expect(await requiredColumnsTheSeedLeavesOut((sql, parameters) => runner.query(sql, parameters))).toEqual(['family.household_size']);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('turns every trigger back on', async () => {
    expect(await db.query(`SELECT tgrelid::regclass::text AS relation, tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'O'`)).toEqual([]);
  });

  it('keeps the audit trail verifiable (audit:verify)', () => {
    const run = spawnSync(process.execPath, ['dist/src/cli/audit-verify.js'], {
      // A DATA_DIR of its own: the checkpoints of the test services' database are not this database's.
      env: { ...process.env, DATABASE_URL: seeded.url, DATA_DIR: mkdtempSync(join(tmpdir(), 'seed-verify-')) },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Audit chain intact: ${summary.counts.audit_event} entries verified`);
  });

  it('refuses a database that already holds families', async () => {
    await expect(seedDatabase(db, { families: 10, seed: 1 })).rejects.toThrow(SeedRefusedError);
    await expect(seedDatabase(db, { families: 10, seed: 1 })).rejects.toThrow(/already holds 300 families/);
    expect(await count(db, `SELECT count(*) AS n FROM family`)).toBe(FAMILIES);
  });

  it('is deterministic: the same seed writes the same rows, another seed other rows', async () => {
    const tables = Object.keys(summary.counts);
    const [again, other] = await Promise.all([migratedScratch('again'), migratedScratch('other')]);
    try {
      // Side by side: each is seeded in its own database by PostgreSQL's generator functions of its seed.
      await Promise.all([
        seedDatabase(again.db, { families: FAMILIES, seed: 1, asOf: AS_OF, batchSize: BATCH }),
        seedDatabase(other.db, { families: FAMILIES, seed: 2, asOf: AS_OF, batchSize: BATCH }),
      ]);
      const [first, same, different] = await Promise.all([db, again.db, other.db].map((d) => fingerprints(d, tables)));
      expect(same).toEqual(first);
      for (const table of tables) expect([table, different[table]]).not.toEqual([table, first![table]]);
    } finally {
      await again.drop();
      await other.drop();
    }
  }, 120_000);

  describe('the service on the seeded data', () => {
    let api: TestApi;

    beforeAll(async () => {
      api = await TestApi.start({ DATABASE_URL: seeded.url });
    });

    afterAll(async () => {
      await api?.stop();
    });

    it('lets a sampled caseworker list its families and read a plan with goals and actions', async () => {
      expect(summary.caseworkers.length).toBeGreaterThan(0);
      const [worker] = summary.caseworkers;
      const families = await api.ok(worker!.subject, FamilyIdsDocument);
      expect(families.families.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(expect.arrayContaining(worker!.familyIds));
      const { plan } = await api.ok(worker!.subject, PlanFamilyGoalsActionsDocument, {
        id: worker!.planIds[0],
      });
      expect(plan.familyId).toBe(worker!.familyIds[0]);
      expect(plan.goals.length).toBeGreaterThan(0);
      expect(plan.goals.flatMap((g: { actions: unknown[] }) => g.actions).length).toBeGreaterThan(0);
    });

    it('answers NOT_FOUND for that plan to a caseworker of another agency', async () => {
      const [worker] = summary.caseworkers;
      const [outsider] = await db.query(
        `SELECT u.subject FROM membership m JOIN app_user u ON u.id = m.user_id
          WHERE m.role = 'CASEWORKER' AND m.agency_id <> $1 AND (SELECT count(*) FROM membership x WHERE x.user_id = m.user_id) = 1
            AND NOT EXISTS (SELECT 1 FROM case_assignment ca WHERE ca.user_id = m.user_id AND ca.family_id = $2)
          ORDER BY u.subject LIMIT 1`,
        [worker!.agencyId, worker!.familyIds[0]],
      );
      const result = await api.gql(outsider.subject, PlanProbeDocument, { id: worker!.planIds[0] });
      expect(codeOf(result)).toBe('NOT_FOUND');
    });

    it('shows a sampled receiving caseworker its overdue incoming referrals, and a portal member its access log', async () => {
      const [receiver] = summary.incoming;
      const incoming = await api.ok(receiver!.subject, OverdueIncomingReferralsDocument);
      expect(incoming.referrals.edges).toHaveLength(Math.min(receiver!.overdue, 50));
      expect(incoming.referrals.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(expect.arrayContaining(receiver!.overdueReferralIds));

      const [member] = summary.portalMembers;
      const log = await api.ok(member!.subject, AccessLogDescriptionsDocument, {
        f: member!.familyId,
      });
      expect(log.accessLog.edges.length).toBeGreaterThan(0);
    });
  });
});

describe('seed generator, when a batch fails', () => {
  let scratch: MigratedScratch;

  beforeEach(async () => {
    scratch = await migratedScratch('failing');
  });

  afterEach(async () => {
    await scratch?.drop();
  });

  /** Makes every insert into `table` fail, as a broken batch would. */
  const breakInserts = (table: string) =>
    scratch.db.query(`
      CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
      CREATE TRIGGER test_refuse BEFORE INSERT ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION test_refuse();`);

  const disabledTriggers = () => scratch.db.query(`SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'O'`);

  it('rolls the families batch back with its triggers switched off', async () => {
    await breakInserts('note');
    await expect(seedDatabase(scratch.db, { families: 60, seed: 1, asOf: AS_OF, batchSize: 30 })).rejects.toThrow(/refused by the test/);
    expect(await disabledTriggers()).toEqual([]);
    expect(await count(scratch.db, `SELECT count(*) AS n FROM family`)).toBe(0);
  });

  it('rolls the consents batch back with its triggers switched off, and stops', async () => {
    await breakInserts('consent_subject');
    await expect(seedDatabase(scratch.db, { families: 150, seed: 1, asOf: AS_OF, batchSize: 30 })).rejects.toThrow(/refused by the test/);
    expect(await disabledTriggers()).toEqual([]);
    expect(await count(scratch.db, `SELECT count(*) AS n FROM consent`)).toBe(0);
    // The families of the batches written before the failure came to light stay, without consents.
    expect(await count(scratch.db, `SELECT count(*) AS n FROM family`)).toBeLessThan(150);
  });
});

describe('seed command', () => {
  let scratch: MigratedScratch;

  beforeAll(async () => {
    scratch = await migratedScratch('cli');
  });

  afterAll(async () => {
    await scratch?.drop();
  });

  const seed = (...args: string[]) =>
    spawnSync(process.execPath, ['dist/bench/seed/cli.js', '--as-of', AS_OF.toISOString().slice(0, 10), ...args], {
      env: { ...process.env, DATABASE_URL: scratch.url },
      encoding: 'utf8',
    });

  it('seeds, prints a summary with principals to try, and refuses a second run without --append', () => {
    const first = seed('--families', '30', '--seed', '5');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`Seeded 30 families (seed 5, as of ${AS_OF.toISOString().slice(0, 10)})`);
    expect(first.stdout).toMatch(/caseworker-\d+@seed5\.1g1p\.example/);
    expect(first.stderr).toContain('30/30 families');

    const refused = seed('--families', '30', '--seed', '5');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('already holds 30 families');

    const appended = seed('--families', '10', '--seed', '5', '--append');
    expect(appended.status).toBe(0);
    expect(appended.stdout).toMatch(/^Seeded 10 families/);
  }, 60_000);

  it('rejects arguments that are not whole numbers', () => {
    const run = seed('--families', 'many');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('--families must be a whole number');
  });
});
