import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { chainPendingAuditEntries, verifyAuditChain } from '../src/audit/audit-chain.js';
import { auditCheckpointKey, chainHead, checkpointFile, readCheckpoint, signCheckpoint, writeCheckpoint } from '../src/audit/audit-checkpoint.js';
import { dataSourceOptions, migrate } from '../src/database/data-source.js';
import { migrations } from '../migrations/index.js';
import {
  AddActionDocument,
  AddGoalDocument,
  AddMembershipUserDocument,
  AddNoteDocument,
  FamilyWithMemberIdsDocument,
  OpenPlanDocument,
  PlanHistoryPageDocument,
  PlanItemIdsDocument,
  RegisterFamilyDocument,
  TwoPlansGoalsDocument,
} from './graphql/generated.js';
import { partsOf, type StoredPart } from './support/audit-parts.js';
import { scratchDatabase } from './support/scratch-database.js';
import { codeOf, TestApi } from './support/test-app.js';
import { type Agency, child, type Network, parent, parentWithTwoChildren, type Person, World } from './support/world.js';

/**
 * The audit trail (docs/audit.md): every read of personal data is audited with
 * its legal basis (and only the rows actually read), every write is audited by the database in the
 * writing transaction (and rolled back with it), the database refuses to change or remove entries and
 * refuses unaudited writes, and the hash chain detects rewritten and removed entries — through
 * verifyAuditChain and through the real `audit:verify` command — and stays one chain under concurrent
 * writers. Other spec files write to the same database at the same time: every assertion filters by
 * ids or request ids this file controls; chain tampering happens on databases of its own.
 */

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** An X-Request-Id no other request uses (the guard accepts [A-Za-z0-9._:-]{8,100}). */
const newRequestId = (label: string) => `audit-${label}-${randomUUID()}`;
const withRequestId = (requestId: string) => ({ 'X-Request-Id': requestId });

interface AuditRow {
  seq: string;
  request_id: string | null;
  actor_subject: string;
  actor_user_id: string | null;
  actor_member_id: string | null;
  acting_agency_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  entity_ids: string[] | null;
  family_id: string | null;
  member_ids: string[];
  categories: string[];
  legal_basis: string;
  consent_ids: string[];
  parts: StoredPart[] | null;
}

const AUDIT_COLUMNS = `seq::text AS seq, request_id, actor_subject, actor_user_id::text AS actor_user_id,
  actor_member_id::text AS actor_member_id, acting_agency_id::text AS acting_agency_id, action, entity_type,
  entity_id::text AS entity_id, entity_ids::text[] AS entity_ids, family_id::text AS family_id, member_ids::text[] AS member_ids,
  categories::text[] AS categories, legal_basis, consent_ids::text[] AS consent_ids, parts`;

const sortedIds = (ids: string[]) => [...ids].sort();

describe('audit trail', () => {
  let api: TestApi;
  let world: World;
  let network: Network;
  let agency: Agency;
  /** Reads the shared test database directly, as an auditor would. */
  let sql: pg.Pool;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    sql = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
    network = await world.network();
    agency = await world.agency(network);
  });
  afterAll(async () => {
    await sql.end();
    await api.stop();
  });

  /** Every audit entry made under `requestId`, in chain order. */
  async function entriesOf(requestId: string): Promise<AuditRow[]> {
    const { rows } = await sql.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_event WHERE request_id = $1 ORDER BY seq`, [
      requestId,
    ]);
    return rows;
  }

  /** The READ entries made under `requestId`. */
  const readsOf = async (requestId: string) => (await entriesOf(requestId)).filter((e) => e.action === 'READ');

  /** A family of `worker` (author of its members) whose consents to the worker's agency are recorded here; one consent id per member. */
  async function consentingFamily(worker: Person) {
    const family = await world.family(worker, [parent('Sara', 'Peeters'), child('Mo', 'Peeters', '2021-06-30')], { consentFor: [] });
    const consentIds = await world.consentAll(worker, family, worker.agencyId);
    return { family, consentIds };
  }

  // -----------------------------------------------------------------------------------------------
  describe('reads of personal data are audited with their legal basis', () => {
    it('reading a family’s members: one READ for the family, a part per member (the members concerned differ), under CONSENT with the member’s consent id', async () => {
      const a = await world.staff(agency);
      const { family, consentIds } = await consentingFamily(a);
      const requestId = newRequestId('read-consent');

      const read = await api.ok(a.subject, FamilyWithMemberIdsDocument, { id: family.id }, withRequestId(requestId));
      expect(sortedIds(read.family.members.map((m: { id: string }) => m.id))).toEqual(sortedIds(family.memberIds));

      const reads = await readsOf(requestId);
      expect(reads).toEqual([
        expect.objectContaining({
          request_id: requestId,
          actor_subject: a.subject,
          actor_user_id: a.userId,
          actor_member_id: null,
          acting_agency_id: a.agencyId,
          action: 'READ',
          entity_type: 'FamilyMember',
          entity_id: null,
          family_id: family.id,
          categories: ['IDENTITY'],
          legal_basis: 'CONSENT',
        }),
      ]);
      expect(sortedIds(reads[0]!.member_ids)).toEqual(sortedIds(family.memberIds));
      expect(sortedIds(reads[0]!.consent_ids)).toEqual(sortedIds(consentIds));
      expect(sortedIds(partsOf(reads[0]!).map((p) => JSON.stringify(p)))).toEqual(
        sortedIds(
          family.memberIds.map((memberId, i) =>
            JSON.stringify({ type: 'FamilyMember', records: [memberId], members: [memberId], basis: 'CONSENT', categories: ['IDENTITY'], consents: [consentIds[i]] }),
          ),
        ),
      );
    });

    it('without any consent the author reads its own records under AUTHOR, with no consent ids', async () => {
      const a = await world.staff(agency);
      const family = await world.family(a, [parent('Sara', 'Peeters'), child('Mo', 'Peeters', '2021-06-30')], { consentFor: [] });
      const requestId = newRequestId('read-author');

      const read = await api.ok(a.subject, FamilyWithMemberIdsDocument, { id: family.id }, withRequestId(requestId));
      expect(read.family.members).toHaveLength(2);

      const reads = await readsOf(requestId);
      expect(sortedIds(reads.flatMap((e) => e.entity_ids!))).toEqual(sortedIds(family.memberIds));
      for (const entry of reads) {
        expect(entry).toMatchObject({
          actor_subject: a.subject,
          acting_agency_id: a.agencyId,
          entity_type: 'FamilyMember',
          family_id: family.id,
          member_ids: entry.entity_ids,
          categories: ['IDENTITY'],
          legal_basis: 'AUTHOR',
          consent_ids: [],
        });
      }
    });

    it('records read under different bases in one statement: one entry of SEVERAL bases, a part per basis naming its own records', async () => {
      const a = await world.staff(agency);
      const family = await world.family(a, [parent('Sara', 'Peeters'), child('Mo', 'Peeters', '2021-06-30')], { consentFor: [] });
      const [sara, mo] = family.members;
      const [saraConsent] = await world.consentAll(a, { ...family, members: [sara!], memberIds: [sara!.id] }, a.agencyId);
      const requestId = newRequestId('read-two-bases');

      await api.ok(a.subject, FamilyWithMemberIdsDocument, { id: family.id }, withRequestId(requestId));

      const reads = await readsOf(requestId);
      expect(reads).toHaveLength(1);
      expect(reads[0]).toMatchObject({ legal_basis: 'SEVERAL', consent_ids: [saraConsent] });
      const parts = partsOf(reads[0]!);
      expect(parts.map((p) => p.basis).sort()).toEqual(['AUTHOR', 'CONSENT']);
      expect(parts.find((p) => p.basis === 'CONSENT')).toMatchObject({ records: [sara!.id], members: [sara!.id], consents: [saraConsent] });
      expect(parts.find((p) => p.basis === 'AUTHOR')).toMatchObject({ records: [mo!.id], members: [mo!.id], consents: [] });
    });

    it('records about the same members in one statement: one entry per family, one part naming them all', async () => {
      const a = await world.staff(agency);
      const first = await world.familyWithPlan(a, { supporter: a });
      const second = await world.familyWithPlan(a, { supporter: a });
      const goalsOf = async (planId: string) => {
        const ids: string[] = [];
        for (const description of ['Een eigen woning', 'Werk vinden', 'Rust in huis']) {
          ids.push((await api.ok(a.subject, AddGoalDocument, { input: { planId, lifeDomain: 'HOUSING', description, owner: 'FAMILY' } })).addGoal.id);
        }
        return ids;
      };
      const goals = { [first.familyId]: await goalsOf(first.planId), [second.familyId]: await goalsOf(second.planId) };
      const requestId = newRequestId('read-grouped');

      await api.ok(a.subject, TwoPlansGoalsDocument, {
        a: first.planId,
        b: second.planId,
      }, withRequestId(requestId));

      // Each plan(id) is one compiled statement (audit/compiled-read.ts): one entry per family, the plan and its
      // three goals (family data, about the same members: none) a part each. A page of several families in one
      // statement: test/read-audit-shape.e2e-spec.ts.
      const reads = await readsOf(requestId);
      expect(reads.map((e) => e.family_id).sort()).toEqual([first.familyId, second.familyId].sort());
      for (const { familyId, planId } of [first, second]) {
        expect(partsOf(reads.find((e) => e.family_id === familyId)!)).toEqual([
          expect.objectContaining({ type: 'Plan', records: [planId], members: [], basis: 'CONSENT' }),
          expect.objectContaining({ type: 'Goal', records: goals[familyId], members: [], basis: 'CONSENT' }),
        ]);
      }
    });

    /** A's family with a plan; agency B (same network) on the team, B's caseworker assigned, no consent for B yet. */
    async function otherAgencyOnTheTeam() {
      const a = await world.staff(agency);
      const agencyB = await world.agency(network, 'SCHOOL_GUIDANCE');
      const b = await world.staff(agencyB);
      const { familyId, members, memberIds } = await world.familyWithPlan(a, {
        members: [parent('Sara', 'Janssens'), parent('Youssef', 'Janssens')],
        participants: [{ agencyId: agencyB.id, contribution: 'Schoolbegeleiding' }],
        consentForParticipants: false,
        assign: { admin: agencyB.admin, userIds: [b.userId] },
      });
      return { a, b, agencyB, family: { id: familyId, members, memberIds } };
    }

    it('a caseworker of another agency reads under CONSENT, with its own agency’s consent ids', async () => {
      const { a, b, agencyB, family } = await otherAgencyOnTheTeam();
      const consentIdsForB = await world.consentAll(a, family, agencyB.id);
      const requestId = newRequestId('read-other-agency');

      const read = await api.ok(b.subject, FamilyWithMemberIdsDocument, { id: family.id }, withRequestId(requestId));
      expect(sortedIds(read.family.members.map((m: { id: string }) => m.id))).toEqual(sortedIds(family.memberIds));

      const reads = await readsOf(requestId);
      expect(reads).toHaveLength(1);
      expect(reads[0]).toMatchObject({
        actor_subject: b.subject,
        actor_user_id: b.userId,
        acting_agency_id: agencyB.id,
        entity_type: 'FamilyMember',
        family_id: family.id,
        legal_basis: 'CONSENT',
      });
      family.memberIds.forEach((memberId, i) => {
        expect(partsOf(reads[0]!).find((p) => p.records.includes(memberId))).toMatchObject({
          records: [memberId],
          members: [memberId],
          basis: 'CONSENT',
          consents: [consentIdsForB[i]],
        });
      });
    });

    it('rows the caller may not see are not audited as read', async () => {
      const { a, b, agencyB, family } = await otherAgencyOnTheTeam();
      const [sara, youssef] = family.members;
      // Only Sara consents to B.
      await world.consentAll(a, { ...family, members: [sara!], memberIds: [sara!.id] }, agencyB.id);
      const requestId = newRequestId('read-filtered');

      const read = await api.ok(b.subject, FamilyWithMemberIdsDocument, { id: family.id }, withRequestId(requestId));
      expect(read.family.members).toEqual([{ id: sara!.id }]);

      const reads = await readsOf(requestId);
      expect(reads.map((e) => e.entity_ids)).toEqual([[sara!.id]]);
      expect(reads.some((e) => e.entity_ids?.includes(youssef!.id) || e.member_ids.includes(youssef!.id))).toBe(false);

      // Someone who may not see the family at all leaves no read of its members either.
      const stranger = await world.staff(await world.agency(await world.network()));
      const strangerRequest = newRequestId('read-stranger');
      const result = await api.gql(stranger.subject, FamilyWithMemberIdsDocument, { id: family.id }, withRequestId(strangerRequest));
      expect(codeOf(result)).toBe('NOT_FOUND');
      expect(await readsOf(strangerRequest)).toEqual([]);
    });

    it('reading a plan audits the plan, its goals, actions, notes and history entries', async () => {
      const a = await world.staff(agency);
      const { familyId, planId } = await world.familyWithPlan(a, { supporter: a });
      const goalId: string = (
        await api.ok(a.subject, AddGoalDocument, { input: { planId, lifeDomain: 'HOUSING', description: 'Een eigen woning', owner: 'FAMILY' } })
      ).addGoal.id;
      const actionId: string = (
        await api.ok(a.subject, AddActionDocument, { input: { goalId, title: 'Bellen met de woonmaatschappij', assigneeUserId: a.userId } })
      ).addAction.id;
      const noteId: string = (await api.ok(a.subject, AddNoteDocument, { input: { planId, category: 'PLAN', body: 'Eerste gesprek' } })).addNote
        .id;
      const requestId = newRequestId('read-plan');

      const { plan } = await api.ok(a.subject, PlanItemIdsDocument, { id: planId }, withRequestId(requestId));
      expect(plan.goals).toEqual([{ id: goalId, actions: [{ id: actionId }] }]);
      expect(plan.notes).toEqual([{ id: noteId }]);
      const historyIds: string[] = plan.history.edges.map((e: { node: { id: string } }) => e.node.id);
      expect(historyIds.length).toBeGreaterThanOrEqual(4);

      const reads = await readsOf(requestId);
      const ofType = (type: string) => reads.filter((e) => e.entity_type === type);
      expect(ofType('Plan').map((e) => e.entity_ids)).toEqual([[planId]]);
      expect(ofType('Goal').map((e) => e.entity_ids)).toEqual([[goalId]]);
      expect(ofType('Action').map((e) => e.entity_ids)).toEqual([[actionId]]);
      expect(ofType('Note').map((e) => e.entity_ids)).toEqual([[noteId]]);
      expect(ofType('PlanHistoryEntry').map((e) => sortedIds(e.entity_ids!))).toEqual([sortedIds(historyIds)]);
      expect(new Set(reads.map((e) => e.entity_type))).toEqual(new Set(['Plan', 'Goal', 'Action', 'Note', 'PlanHistoryEntry']));
      for (const entry of reads) {
        expect(entry).toMatchObject({ actor_subject: a.subject, acting_agency_id: a.agencyId, family_id: familyId, legal_basis: 'CONSENT' });
        expect(entry.consent_ids.length).toBeGreaterThan(0);
      }
      expect(ofType('Plan')[0]!.categories).toEqual(['PLAN']);
      expect(ofType('Goal')[0]!.categories).toEqual(['PLAN']);
      expect(ofType('Note')[0]!.categories).toEqual(['PLAN']);
    });

    it('a page of the plan history audits only the entries on the page', async () => {
      const a = await world.staff(agency);
      const { planId } = await world.familyWithPlan(a, { supporter: a });
      await api.ok(a.subject, AddGoalDocument, { input: { planId, lifeDomain: 'HOUSING', description: 'Een eigen woning', owner: 'FAMILY' } });
      const requestId = newRequestId('read-history-page');

      const { plan } = await api.ok(a.subject, PlanHistoryPageDocument, { id: planId, first: 1 }, withRequestId(requestId));
      expect(plan.history.pageInfo.hasNextPage).toBe(true);
      const shown: string[] = plan.history.edges.map((e: { node: { id: string } }) => e.node.id);
      expect(shown).toHaveLength(1);

      const historyReads = (await readsOf(requestId)).filter((e) => e.entity_type === 'PlanHistoryEntry');
      expect(historyReads.map((e) => e.entity_ids)).toEqual([shown]);
    });
  });

  // -----------------------------------------------------------------------------------------------
  describe('writes are audited in the writing transaction', () => {
    it('openPlan: an INSERT entry for the plan, in the same transaction, under ASSIGNMENT', async () => {
      const a = await world.staff(agency);
      const family = await world.family(a);
      const requestId = newRequestId('write-open-plan');

      const { openPlan } = await api.ok(a.subject, OpenPlanDocument, { input: { familyId: family.id, summary: 'Rust in huis' } }, withRequestId(requestId));

      const entries = await entriesOf(requestId);
      expect(entries).toContainEqual(
        expect.objectContaining({
          request_id: requestId,
          actor_subject: a.subject,
          actor_user_id: a.userId,
          acting_agency_id: a.agencyId,
          action: 'INSERT',
          entity_type: 'plan',
          entity_id: openPlan.id,
          family_id: family.id,
          legal_basis: 'ASSIGNMENT',
        }),
      );
      for (const entry of entries) expect(entry).toMatchObject({ actor_subject: a.subject, legal_basis: 'ASSIGNMENT' });
      // Written by the very transaction that wrote the plan.
      const { rows } = await sql.query(
        `SELECT (SELECT xmin::text FROM plan WHERE id = $1) AS plan_tx,
                (SELECT xmin::text FROM audit_event WHERE request_id = $2 AND entity_type = 'plan' AND entity_id = $1) AS audit_tx`,
        [openPlan.id, requestId],
      );
      expect(rows[0].audit_tx).toBe(rows[0].plan_tx);
    });

    it('a mutation that fails leaves no audit entry', async () => {
      const a = await world.staff(agency);
      const { familyId, planId } = await world.familyWithPlan(a);

      const conflictRequest = newRequestId('write-conflict');
      const second = await api.gql(a.subject, OpenPlanDocument, { input: { familyId, summary: 'Nog een plan' } }, withRequestId(conflictRequest));
      expect(codeOf(second)).toBe('CONFLICT');
      expect(await entriesOf(conflictRequest)).toEqual([]);

      const invalidRequest = newRequestId('write-invalid');
      const invalid = await api.gql(
        a.subject,
        AddNoteDocument,
        { input: { planId, category: 'PLAN', body: 'Over iemand anders', memberIds: [randomUUID()] } },
        withRequestId(invalidRequest),
      );
      expect(codeOf(invalid)).toBe('BAD_USER_INPUT');
      expect(await entriesOf(invalidRequest)).toEqual([]);
    });

    it('an administrative write is audited under ADMINISTRATION', async () => {
      const subject = `audit-new-${randomUUID()}@test`;
      const requestId = newRequestId('write-admin');

      const { addMembership } = await api.ok(
        agency.admin.subject,
        AddMembershipUserDocument,
        { input: { agencyId: agency.id, subject, displayName: 'Nieuwe collega', role: 'CASEWORKER' } },
        withRequestId(requestId),
      );

      const entries = await entriesOf(requestId);
      expect(entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ action: 'INSERT', entity_type: 'app_user', entity_id: addMembership.user!.id }),
          expect.objectContaining({ action: 'INSERT', entity_type: 'membership', entity_id: addMembership.id }),
        ]),
      );
      for (const entry of entries) {
        expect(entry).toMatchObject({
          actor_subject: agency.admin.subject,
          actor_user_id: agency.admin.userId,
          acting_agency_id: agency.id,
          legal_basis: 'ADMINISTRATION',
        });
      }
    });
  });

  // -----------------------------------------------------------------------------------------------
  describe('the database guards the trail', () => {
    it('refuses to update, delete or truncate audit entries and their links in the chain', async () => {
      const a = await world.staff(agency);
      const requestId = newRequestId('guard');
      await api.ok(a.subject, RegisterFamilyDocument, { input: { members: [parent('Sara', 'Peeters')] } }, withRequestId(requestId));
      const [entry] = await entriesOf(requestId);
      expect(entry).toBeDefined();

      // Each attempt in a transaction that is rolled back anyway: a missing guard must not cost the shared trail.
      const client = await sql.connect();
      const attempt = async (statement: string, params: unknown[] = []) => {
        await client.query('BEGIN');
        try {
          return await client.query(statement, params);
        } finally {
          await client.query('ROLLBACK');
        }
      };
      try {
        await expect(attempt(`UPDATE audit_event SET actor_subject = 'mallory' WHERE seq = $1`, [entry!.seq])).rejects.toThrow(
          /append-only/,
        );
        await expect(attempt(`DELETE FROM audit_event WHERE seq = $1`, [entry!.seq])).rejects.toThrow(/append-only/);
        await expect(attempt(`TRUNCATE audit_event, audit_chain`)).rejects.toThrow(/append-only/);
        await chainPendingAuditEntries(sql);
        const [link] = (await sql.query(`SELECT pos FROM audit_chain WHERE $1 = ANY (seqs)`, [entry!.seq])).rows;
        expect(link).toBeDefined();
        await expect(attempt(`UPDATE audit_chain SET hash = 'forged' WHERE pos = $1`, [link.pos])).rejects.toThrow(/append-only/);
        await expect(attempt(`DELETE FROM audit_chain WHERE pos = $1`, [link.pos])).rejects.toThrow(/append-only/);
        await expect(attempt(`TRUNCATE audit_chain`)).rejects.toThrow(/append-only/);
      } finally {
        client.release();
      }
      expect((await entriesOf(requestId))[0]).toEqual(entry);
    });

    it('refuses a write to a domain table without an audited actor', async () => {
      const client = new pg.Client(process.env.DATABASE_URL);
      await client.connect();
      try {
        const id = randomUUID();
        await expect(client.query(`INSERT INTO network (id, name) VALUES ($1, 'Zonder actor')`, [id])).rejects.toThrow(
          /without an audited actor/,
        );
        // An empty actor is no actor.
        await client.query(`SELECT set_config('app.actor_subject', '', false)`);
        await expect(client.query(`INSERT INTO network (id, name) VALUES ($1, 'Zonder actor')`, [id])).rejects.toThrow(
          /without an audited actor/,
        );
        expect((await client.query(`SELECT 1 FROM network WHERE id = $1`, [id])).rowCount).toBe(0);
      } finally {
        await client.end();
      }
    });
  });

  // -----------------------------------------------------------------------------------------------
  describe('the hash chain', () => {
    const urlOf = (name: string) => Object.assign(new URL(process.env.DATABASE_URL!), { pathname: `/${name}` }).toString();
    const asAdmin = async (sql: string) => {
      const admin = new pg.Client(process.env.DATABASE_URL);
      await admin.connect();
      await admin.query(sql).finally(() => admin.end());
    };
    let template: Promise<string> | undefined;
    /**
     * Every migration applied once, in a database the tests that need them all copy (`CREATE DATABASE … TEMPLATE`
     * copies its files instead of replaying 48 migrations each time). The tests given `before` migrate from empty.
     */
    function migratedTemplate(): Promise<string> {
      return (template ??= (async () => {
        const name = `audit_template_${randomUUID().replace(/-/g, '')}`;
        await asAdmin(`CREATE DATABASE ${name}`);
        const db = await new DataSource(dataSourceOptions(urlOf(name))).initialize();
        await migrate(db).finally(() => db.destroy());
        return name;
      })());
    }
    afterAll(async () => {
      if (template) await asAdmin(`DROP DATABASE ${await template} WITH (FORCE)`);
    });

    /**
     * A migrated database of its own, dropped by `drop`; `client` is one superuser session on it. With
     * `before`, migrated only up to that migration (excluded); `migrate()` applies the rest.
     */
    async function freshDatabase(before?: string) {
      const name = `audit_chain_${randomUUID().replace(/-/g, '')}`;
      const admin = new pg.Client(process.env.DATABASE_URL);
      await admin.connect();
      await admin.query(before === undefined ? `CREATE DATABASE ${name} TEMPLATE ${await migratedTemplate()}` : `CREATE DATABASE ${name}`);
      const url = new URL(urlOf(name));
      const until = before === undefined ? migrations.length : migrations.findIndex((m) => m.name === before);
      if (until < 0) throw new Error(`no migration ${before}`);
      const db = await new DataSource({ ...dataSourceOptions(url.toString()), migrations: migrations.slice(0, until) }).initialize();
      const client = new pg.Client(url.toString());
      try {
        await migrate(db);
        await client.connect();
      } catch (error) {
        await db.destroy();
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
        await admin.end();
        throw error;
      }
      return {
        url: url.toString(),
        db,
        client,
        /** Applies the migrations not applied yet (with `before`, up to that one, excluded). */
        async migrate(before?: string) {
          const upTo = before === undefined ? migrations.length : migrations.findIndex((m) => m.name === before);
          const full = await new DataSource({ ...dataSourceOptions(url.toString()), migrations: migrations.slice(0, upTo) }).initialize();
          try {
            await migrate(full);
          } finally {
            await full.destroy();
          }
        },
        async drop() {
          await client.end().catch(() => undefined);
          await db.destroy();
          await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
          await admin.end();
        },
      };
    }

    /** Six entries, written as the service writes them (triggers under a named actor) and as it reads; their seqs (the last two name several records). */
    async function writeEntries(client: pg.Client): Promise<string[]> {
      await client.query(`SELECT set_config('app.actor_subject', 't', false), set_config('app.request_id', 'chain-test', false)`);
      const first = randomUUID();
      await client.query(`INSERT INTO network (id, name) VALUES ($1, 'Netwerk 1'), ($2, 'Netwerk 2')`, [first, randomUUID()]);
      await client.query(`UPDATE network SET name = 'Netwerk één' WHERE id = $1`, [first]);
      // A read of one record, as reads were recorded before entries named several (entity_id) …
      await client.query(
        `INSERT INTO audit_event (request_id, actor_subject, action, entity_type, entity_id, member_ids, categories, legal_basis, consent_ids)
         VALUES ('chain-test', 't', 'READ', 'Test', gen_random_uuid(), '{}', ARRAY['IDENTITY'], 'ASSIGNMENT', '{}')`,
      );
      // … and reads as they are recorded now: one entry per family naming every record read (entity_ids).
      for (let i = 0; i < 2; i++) {
        await client.query(
          `INSERT INTO audit_event (request_id, actor_subject, action, entity_type, entity_ids, categories, legal_basis)
           VALUES ('chain-test', 't', 'READ', 'Test', ARRAY[gen_random_uuid(), gen_random_uuid()], ARRAY['IDENTITY'], 'ASSIGNMENT')`,
        );
      }
      const { rows } = await client.query<{ seq: string }>(`SELECT seq::text AS seq FROM audit_event ORDER BY seq`);
      return rows.map((r) => r.seq);
    }

    /**
     * Runs `npm run audit:verify` as an operator would (the compiled command), against `url`, with `args`;
     * its DATA_DIR is `dataDir` (default: a new empty one, so no checkpoint of another database is found there).
     */
    function auditVerify(url: string, args: string[] = [], dataDir = mkdtempSync(join(tmpdir(), 'audit-verify-'))) {
      return spawnSync(process.execPath, ['dist/src/cli/audit-verify.js', ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, NODE_OPTIONS: '' },
        encoding: 'utf8',
        timeout: 60_000,
      });
    }

    /** Changes the trail behind the triggers' back, as a superuser could. */
    async function tamper(client: pg.Client, statement: string, params: unknown[] = []) {
      await client.query('ALTER TABLE audit_event DISABLE TRIGGER USER; ALTER TABLE audit_chain DISABLE TRIGGER USER');
      try {
        await client.query(statement, params);
      } finally {
        await client.query('ALTER TABLE audit_event ENABLE TRIGGER USER; ALTER TABLE audit_chain ENABLE TRIGGER USER');
      }
    }

    it('links written entries after they commit; intact as linked, and a rewritten entry breaks it at that entry (verifyAuditChain and audit:verify)', async () => {
      const fresh = await freshDatabase();
      try {
        const seqs = await writeEntries(fresh.client);
        expect(seqs).toHaveLength(6);
        expect(await verifyAuditChain(fresh.db)).toEqual({ checked: 0, pending: 6, firstBroken: null });
        expect(await chainPendingAuditEntries(fresh.db)).toBe(6);
        expect(await verifyAuditChain(fresh.db)).toEqual({ checked: 6, pending: 0, firstBroken: null });
        const intact = auditVerify(fresh.url);
        expect(intact.status).toBe(0);
        expect(intact.stdout).toMatch(/intact: 6 entries/);

        const forged = seqs[3]!;
        await tamper(fresh.client, `UPDATE audit_event SET actor_subject = 'someone-else' WHERE seq = $1`, [forged]);

        expect(await verifyAuditChain(fresh.db)).toEqual({
          checked: 0,
          pending: 0,
          firstBroken: { seq: forged, reason: expect.stringMatching(/content/) },
        });
        const broken = auditVerify(fresh.url);
        expect(broken.status).toBe(1);
        expect(broken.stdout).toContain(`BROKEN at entry ${forged}`);
      } finally {
        await fresh.drop();
      }
    });

    it('the hash covers the records a read names, and entries naming one record keep the hash they were written with', async () => {
      const fresh = await freshDatabase();
      try {
        const seqs = await writeEntries(fresh.client);
        // The content digest as the first audit migration defined it, before entries could name several records.
        const { rows } = await fresh.client.query<{ seq: string; same: boolean }>(
          `SELECT e.seq::text AS seq, audit_event_digest(e, NULL) = encode(sha256(convert_to(concat_ws('|', e.seq,
                    to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), e.request_id, e.actor_subject, e.actor_user_id,
                    e.actor_member_id, e.acting_agency_id, e.action, e.entity_type, e.entity_id, e.family_id,
                    array_to_string(e.member_ids, ','), array_to_string(e.categories, ','), e.legal_basis,
                    array_to_string(e.consent_ids, ','), 'GENESIS'), 'UTF8')), 'hex') AS same
             FROM audit_event e ORDER BY e.seq`,
        );
        expect(rows.map((r) => r.same)).toEqual([true, true, true, true, false, false]);

        await chainPendingAuditEntries(fresh.db);
        const renamed = seqs[5]!;
        await tamper(fresh.client, `UPDATE audit_event SET entity_ids = entity_ids[1:1] WHERE seq = $1`, [renamed]);
        expect(await verifyAuditChain(fresh.db)).toEqual({
          checked: 0,
          pending: 0,
          firstBroken: { seq: renamed, reason: expect.stringMatching(/content/) },
        });
      } finally {
        await fresh.drop();
      }
    });

    it('audit:verify links what is still queued before it verifies', async () => {
      const fresh = await freshDatabase();
      try {
        await writeEntries(fresh.client);
        const run = auditVerify(fresh.url);
        expect(run.status).toBe(0);
        expect(run.stdout).toMatch(/intact: 6 entries/);
        expect(await verifyAuditChain(fresh.db)).toEqual({ checked: 6, pending: 0, firstBroken: null });
      } finally {
        await fresh.drop();
      }
    });

    it('moving a value between nullable columns of an entry (entity_id, entity_ids, family_id) breaks the chain at that entry', async () => {
      const fresh = await freshDatabase();
      try {
        const seqs = await writeEntries(fresh.client);
        await chainPendingAuditEntries(fresh.db);
        const shifted = seqs[3]!; // a read naming one record: entity_id set, entity_ids and family_id empty
        const shifts = [
          ['the record as a list of records', `entity_ids = ARRAY[entity_id], entity_id = NULL`, `entity_id = entity_ids[1], entity_ids = NULL`],
          ['the record as the family (the family’s access log gains or loses the entry)', `family_id = entity_id, entity_id = NULL`, `entity_id = family_id, family_id = NULL`],
        ];
        for (const [what, shift, back] of shifts) {
          await tamper(fresh.client, `UPDATE audit_event SET ${shift} WHERE seq = $1`, [shifted]);
          expect({ what, report: await verifyAuditChain(fresh.db) }).toEqual({
            what,
            report: { checked: 0, pending: 0, firstBroken: { seq: shifted, reason: expect.stringMatching(/content/) } },
          });
          const broken = auditVerify(fresh.url);
          expect(broken.status).toBe(1);
          expect(broken.stdout).toContain(`BROKEN at entry ${shifted}`);
          await tamper(fresh.client, `UPDATE audit_event SET ${back} WHERE seq = $1`, [shifted]);
          expect(await verifyAuditChain(fresh.db)).toEqual({ checked: 6, pending: 0, firstBroken: null });
        }
      } finally {
        await fresh.drop();
      }
    });

    it('the digest of new links covers every column of an entry: setting any one column to NULL changes it', async () => {
      const id = () => randomUUID();
      const entry: Record<string, unknown> = {
        seq: 42, at: '2026-01-01T00:00:00Z', request_id: 'r', actor_subject: 's', actor_user_id: id(), actor_member_id: id(),
        acting_agency_id: id(), action: 'READ', entity_type: 'T', entity_id: id(), entity_ids: [id()], family_id: id(), member_ids: [id()],
        categories: ['IDENTITY'], legal_basis: 'CONSENT', consent_ids: [id()], parts: [{ records: 1, members: [1], basis: 'CONSENT' }], prev_hash: 'p', hash: 'h',
      };
      const columns: string[] = (
        await sql.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'audit_event'`)
      ).rows.map((r) => r.column_name);
      // A column added to the trail needs a digest version that covers it (and its place in this entry).
      expect([...columns].sort()).toEqual(Object.keys(entry).sort());
      const { rows } = await sql.query(
        `SELECT c AS column, audit_entry_digest(jsonb_populate_record(NULL::audit_event, $1::jsonb), 3)
                          = audit_entry_digest(jsonb_populate_record(NULL::audit_event, $1::jsonb || jsonb_build_object(c, NULL)), 3) AS same
           FROM unnest($2::text[]) c`,
        [entry, columns],
      );
      expect(rows.filter((r) => r.same).map((r) => r.column)).toEqual([]);
    });

    it('entries linked under an earlier digest keep verifying under the digest they were linked with; later links use the newest', async () => {
      const fresh = await freshDatabase('AuditDigestUnambiguous1766400000000');
      try {
        const before = await writeEntries(fresh.client);
        await chainPendingAuditEntries(fresh.db);
        await fresh.migrate('ReadAuditPerFamily1766720000000');
        await writeEntries(fresh.client);
        await chainPendingAuditEntries(fresh.db);
        await fresh.migrate();
        await writeEntries(fresh.client);
        // A read of records about two members, as reads are recorded now: a part each.
        const [{ seq: parted }] = (
          await fresh.client.query(
            `INSERT INTO audit_event (request_id, actor_subject, action, entity_type, entity_ids, member_ids, categories, legal_basis, parts)
             VALUES ('chain-test', 't', 'READ', 'Test', ARRAY[gen_random_uuid(), gen_random_uuid()], ARRAY[gen_random_uuid(), gen_random_uuid()],
                     ARRAY['IDENTITY'], 'ASSIGNMENT', $1) RETURNING seq::text AS seq`,
            [JSON.stringify([1, 2].map((i) => ({ records: 1, members: [i], basis: 'ASSIGNMENT', categories: [1], consents: [] })))],
          )
        ).rows;
        await chainPendingAuditEntries(fresh.db);
        expect(await verifyAuditChain(fresh.db)).toEqual({ checked: 19, pending: 0, firstBroken: null });
        const { rows } = await fresh.client.query(`SELECT pos::int AS pos, digest_version, seqs[1]::text AS first FROM audit_chain ORDER BY pos`);
        expect(rows.map(({ pos, digest_version }) => ({ pos, digest_version }))).toEqual([
          { pos: 1, digest_version: 1 },
          { pos: 2, digest_version: 2 },
          { pos: 3, digest_version: 3 },
        ]);

        // An entry of the oldest link is still checked (under its digest) …
        await tamper(fresh.client, `UPDATE audit_event SET actor_subject = 'someone-else' WHERE seq = $1`, [before[1]]);
        expect((await verifyAuditChain(fresh.db)).firstBroken).toEqual({ seq: before[1], reason: expect.stringMatching(/content/) });
        await tamper(fresh.client, `UPDATE audit_event SET actor_subject = 't' WHERE seq = $1`, [before[1]]);
        // … a part said to be about another member breaks the newest …
        await tamper(fresh.client, `UPDATE audit_event SET parts = jsonb_set(parts, '{0,members}', '[2]') WHERE seq = $1`, [parted]);
        expect((await verifyAuditChain(fresh.db)).firstBroken).toEqual({ seq: parted, reason: expect.stringMatching(/content/) });
        await tamper(fresh.client, `UPDATE audit_event SET parts = jsonb_set(parts, '{0,members}', '[1]') WHERE seq = $1`, [parted]);
        expect((await verifyAuditChain(fresh.db)).firstBroken).toBeNull();
        // … and claiming an older digest for a newer link does not let a shift through.
        const shifted = rows[1].first;
        await tamper(
          fresh.client,
          `UPDATE audit_event SET family_id = entity_id, entity_id = NULL WHERE seq = ${shifted}; UPDATE audit_chain SET digest_version = 1 WHERE pos = 2`,
        );
        expect((await verifyAuditChain(fresh.db)).firstBroken).toEqual({ seq: shifted, reason: expect.stringMatching(/content/) });
      } finally {
        await fresh.drop();
      }
    });

    describe('the chain head, anchored by signed checkpoints outside the database', () => {
      /** Two links of six entries; a checkpoint of the head written to `<dataDir>/audit-checkpoint.json`, as the service writes it. */
      async function checkpointedChain() {
        const fresh = await freshDatabase();
        try {
          const dataDir = mkdtempSync(join(tmpdir(), 'audit-checkpoint-'));
          await writeEntries(fresh.client);
          await chainPendingAuditEntries(fresh.db);
          const kept = (await chainHead(fresh.db))!;
          await writeEntries(fresh.client);
          await chainPendingAuditEntries(fresh.db);
          const checkpoint = signCheckpoint((await chainHead(fresh.db))!, auditCheckpointKey({ auditCheckpointKey: undefined, dataDir }));
          writeCheckpoint(checkpointFile(dataDir), checkpoint);
          expect(await verifyAuditChain(fresh.db, checkpoint)).toEqual({ checked: 12, pending: 0, firstBroken: null });
          const intact = auditVerify(fresh.url, [], dataDir);
          expect(intact.status).toBe(0);
          expect(intact.stdout).toMatch(/intact: 12 entries verified, up to and beyond the checkpoint of /);
          return { fresh, dataDir, kept, checkpoint };
        } catch (error) {
          await fresh.drop();
          throw error;
        }
      }

      it('a cut tail (the last links and their entries removed) is reported against the latest checkpoint, by verifyAuditChain and audit:verify', async () => {
        const { fresh, dataDir, checkpoint } = await checkpointedChain();
        try {
          await tamper(fresh.client, `DELETE FROM audit_event WHERE seq IN (SELECT unnest(seqs) FROM audit_chain WHERE pos = 2); DELETE FROM audit_chain WHERE pos = 2`);
          // The chain itself still links: only the checkpoint shows what is missing.
          expect(await verifyAuditChain(fresh.db)).toEqual({ checked: 6, pending: 0, firstBroken: null });
          expect(await verifyAuditChain(fresh.db, checkpoint)).toEqual({
            checked: 6,
            pending: 0,
            firstBroken: { seq: checkpoint.seq, reason: expect.stringMatching(/cut tail/) },
          });
          // The default checkpoint under DATA_DIR, and one given as an argument.
          const cut = auditVerify(fresh.url, [], dataDir);
          expect(cut.status).toBe(1);
          expect(cut.stdout).toContain(`BROKEN at entry ${checkpoint.seq}`);
          expect(cut.stdout).toMatch(/cut tail/);
          const kept = join(mkdtempSync(join(tmpdir(), 'audit-checkpoint-copy-')), 'kept.json');
          copyFileSync(checkpointFile(dataDir), kept);
          const given = auditVerify(fresh.url, [kept], dataDir);
          expect(given.status).toBe(1);
          expect(given.stdout).toMatch(/cut tail/);
        } finally {
          await fresh.drop();
        }
      });

      it('a head link rewritten with its entries (digests and hash recomputed) is reported: the checkpoint’s hash is not on the chain', async () => {
        const { fresh, checkpoint } = await checkpointedChain();
        try {
          await tamper(
            fresh.client,
            `UPDATE audit_event SET actor_subject = 'someone-else' WHERE seq IN (SELECT unnest(seqs) FROM audit_chain WHERE pos = 2);
             UPDATE audit_chain c SET digests = ARRAY(SELECT audit_entry_digest(e, c.digest_version) FROM unnest(c.seqs) WITH ORDINALITY AS s(seq, i)
                                                        JOIN audit_event e ON e.seq = s.seq ORDER BY s.i) WHERE pos = 2;
             UPDATE audit_chain SET hash = audit_link_hash(prev_hash, digests) WHERE pos = 2`,
          );
          expect(await verifyAuditChain(fresh.db)).toEqual({ checked: 12, pending: 0, firstBroken: null });
          expect(await verifyAuditChain(fresh.db, checkpoint)).toEqual({
            checked: 6,
            pending: 0,
            firstBroken: { seq: checkpoint.seq, reason: expect.stringMatching(/checkpoint/) },
          });
        } finally {
          await fresh.drop();
        }
      });

      it('a checkpoint not signed with the checkpoint key (forged to match a cut chain) is refused', async () => {
        const { fresh, dataDir, kept, checkpoint } = await checkpointedChain();
        try {
          await tamper(fresh.client, `DELETE FROM audit_event WHERE seq IN (SELECT unnest(seqs) FROM audit_chain WHERE pos = 2); DELETE FROM audit_chain WHERE pos = 2`);
          writeFileSync(checkpointFile(dataDir), JSON.stringify({ ...checkpoint, ...kept }));
          const forged = auditVerify(fresh.url, [], dataDir);
          expect(forged.status).toBe(1);
          expect(forged.stdout).toMatch(/checkpoint .* is not signed with the audit checkpoint key/);
        } finally {
          await fresh.drop();
        }
      });

      it('the running service writes a signed checkpoint of the chain head under its DATA_DIR within seconds', async () => {
        // A database of its own: on the shared one every test file's service links entries, and this one's
        // checkpoint follows only the links it made.
        const scratch = await scratchDatabase('checkpoint');
        const dataDir = mkdtempSync(join(tmpdir(), 'audit-checkpoint-service-'));
        const service = await TestApi.start({ DATA_DIR: dataDir, DATABASE_URL: scratch.url });
        const db = new pg.Client({ connectionString: scratch.url });
        await db.connect();
        try {
          const own = new World(service);
          const a = await own.staff(await own.agency(await own.network()));
          const requestId = newRequestId('checkpoint');
          await service.ok(a.subject, RegisterFamilyDocument, { input: { members: [parent('Lotte', 'Claes')] } }, withRequestId(requestId));
          const [{ last }] = (await db.query(`SELECT max(seq)::text AS last FROM audit_event WHERE request_id = $1`, [requestId])).rows;
          const key = auditCheckpointKey({ auditCheckpointKey: undefined, dataDir });
          const latest = () => (existsSync(checkpointFile(dataDir)) ? readCheckpoint(checkpointFile(dataDir), key) : null);
          const deadline = Date.now() + 15_000;
          while (BigInt(latest()?.seq ?? 0) < BigInt(last) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
          const checkpoint = latest()!;
          expect(BigInt(checkpoint.seq)).toBeGreaterThanOrEqual(BigInt(last));
          expect((await db.query(`SELECT hash FROM audit_chain WHERE pos = $1`, [checkpoint.pos])).rows[0].hash).toBe(checkpoint.hash);
        } finally {
          await db.end();
          await service.stop();
          await scratch.drop();
        }
      });
    });

    it('a removed entry breaks the chain at that entry', async () => {
      const fresh = await freshDatabase();
      try {
        const seqs = await writeEntries(fresh.client);
        await chainPendingAuditEntries(fresh.db);
        await tamper(fresh.client, `DELETE FROM audit_event WHERE seq = $1`, [seqs[2]]);

        expect(await verifyAuditChain(fresh.db)).toEqual({
          checked: 0,
          pending: 0,
          firstBroken: { seq: seqs[2], reason: expect.stringMatching(/removed/) },
        });
        const broken = auditVerify(fresh.url);
        expect(broken.status).toBe(1);
        expect(broken.stdout).toContain(`BROKEN at entry ${seqs[2]}`);
      } finally {
        await fresh.drop();
      }
    });

    it('an entry rewritten together with its link breaks the chain at the next link', async () => {
      const fresh = await freshDatabase();
      try {
        const seqs = await writeEntries(fresh.client);
        await chainPendingAuditEntries(fresh.db);
        await writeEntries(fresh.client);
        await chainPendingAuditEntries(fresh.db);
        const [{ next }] = (await fresh.client.query(`SELECT seqs[1]::text AS next FROM audit_chain WHERE pos = 2`)).rows;
        // The forger recomputes the entry's digest and the hash of its link, but cannot reach the next link.
        await tamper(fresh.client, `UPDATE audit_event SET actor_subject = 'someone-else' WHERE seq = $1`, [seqs[2]]);
        await tamper(
          fresh.client,
          `UPDATE audit_chain c SET digests[3] = (SELECT audit_entry_digest(e, c.digest_version) FROM audit_event e WHERE e.seq = $1) WHERE pos = 1;
           UPDATE audit_chain SET hash = audit_link_hash(prev_hash, digests) WHERE pos = 1`.replace(/\$1/g, seqs[2]!),
        );

        expect(await verifyAuditChain(fresh.db)).toEqual({
          checked: 6,
          pending: 0,
          firstBroken: { seq: next, reason: expect.stringMatching(/link/) },
        });
      } finally {
        await fresh.drop();
      }
    });

    it('an entry inserted behind the triggers (neither linked nor queued) breaks the chain', async () => {
      const fresh = await freshDatabase();
      try {
        await writeEntries(fresh.client);
        await chainPendingAuditEntries(fresh.db);
        await tamper(
          fresh.client,
          `INSERT INTO audit_event (seq, actor_subject, action, entity_type, legal_basis) VALUES (nextval('audit_event_seq'), 'mallory', 'READ', 'Test', 'ASSIGNMENT')`,
        );
        const [{ seq }] = (await fresh.client.query(`SELECT max(seq)::text AS seq FROM audit_event`)).rows;

        expect(await verifyAuditChain(fresh.db)).toEqual({
          checked: 6,
          pending: 0,
          firstBroken: { seq, reason: expect.stringMatching(/neither linked nor queued/) },
        });
      } finally {
        await fresh.drop();
      }
    });

    it('writers do not wait for each other, and an entry committed after a later one is linked after it, not skipped', async () => {
      const fresh = await freshDatabase();
      const first = new pg.Client(fresh.url);
      const second = new pg.Client(fresh.url);
      await first.connect();
      await second.connect();
      try {
        const actor = `SELECT set_config('app.actor_subject', 't', true)`;
        await first.query('BEGIN');
        await first.query(actor);
        await first.query(`INSERT INTO network (id, name) VALUES ($1, 'Eerste')`, [randomUUID()]);
        // The second writer draws a later number and commits while the first is still open: no lock to wait for.
        await second.query('BEGIN');
        await second.query(actor);
        await second.query(`INSERT INTO network (id, name) VALUES ($1, 'Tweede')`, [randomUUID()]);
        await second.query('COMMIT');

        expect(await chainPendingAuditEntries(fresh.db)).toBe(1);
        await first.query(`INSERT INTO network (id, name) VALUES ($1, 'Derde')`, [randomUUID()]);
        await first.query('COMMIT');
        expect(await verifyAuditChain(fresh.db)).toEqual({ checked: 1, pending: 2, firstBroken: null });
        expect(await chainPendingAuditEntries(fresh.db)).toBe(2);

        expect(await verifyAuditChain(fresh.db)).toEqual({ checked: 3, pending: 0, firstBroken: null });
        const { rows } = await fresh.client.query(
          `SELECT n.name FROM audit_chain c CROSS JOIN unnest(c.seqs) WITH ORDINALITY AS s(seq, i)
             JOIN audit_event e ON e.seq = s.seq JOIN network n ON n.id = e.entity_id ORDER BY c.pos, s.i`,
        );
        expect(rows.map((r) => r.name)).toEqual(['Tweede', 'Eerste', 'Derde']);
      } finally {
        await first.end().catch(() => undefined);
        await second.end().catch(() => undefined);
        await fresh.drop();
      }
    });

    it('the running service links what it writes to the chain within seconds, without being asked', async () => {
      const a = await world.staff(agency);
      const requestId = newRequestId('chainer');
      await api.ok(a.subject, RegisterFamilyDocument, { input: { members: [parent('Lotte', 'Claes')] } }, withRequestId(requestId));
      const seqs = (await sql.query(`SELECT seq FROM audit_event WHERE request_id = $1`, [requestId])).rows.map((r) => r.seq);
      expect(seqs.length).toBeGreaterThan(0);
      const linked = async () =>
        (await sql.query(`SELECT count(*)::int AS n FROM audit_chain c CROSS JOIN unnest(c.seqs) s(seq) WHERE s.seq = ANY($1::bigint[])`, [seqs])).rows[0].n;
      const deadline = Date.now() + 15_000;
      while ((await linked()) < seqs.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await linked()).toBe(seqs.length);
      expect((await sql.query(`SELECT count(*)::int AS n FROM audit_unchained WHERE seq = ANY($1::bigint[])`, [seqs])).rows[0].n).toBe(0);
    });

    it('stays one intact chain under 20 concurrent mutations through the API (shared database)', async () => {
      const a = await world.staff(agency);
      const requestIds = Array.from({ length: 20 }, (_, i) => newRequestId(`concurrent-${i}`));
      const results = await Promise.all(
        requestIds.map((requestId, i) =>
          api.gql(a.subject, RegisterFamilyDocument, { input: { members: parentWithTwoChildren(`gelijktijdig ${i}`) } }, withRequestId(requestId)),
        ),
      );
      expect(results.map(codeOf)).toEqual(requestIds.map(() => 'OK'));
      for (const requestId of requestIds) {
        // family, three members, the case assignment
        expect((await entriesOf(requestId)).filter((e) => e.action === 'INSERT')).toHaveLength(5);
      }

      const db = await new DataSource(dataSourceOptions(process.env.DATABASE_URL!)).initialize();
      try {
        await chainPendingAuditEntries(db);
        const report = await verifyAuditChain(db);
        if (report.firstBroken) {
          // Say which request wrote the entry that does not link, to tell this test's writers from others.
          const { rows } = await sql.query(`SELECT request_id, action, entity_type FROM audit_event WHERE seq = $1`, [report.firstBroken.seq]);
          expect({ ...report.firstBroken, entry: rows[0], ourRequest: requestIds.includes(rows[0]?.request_id) }).toBeNull();
        }
        expect(report.firstBroken).toBeNull();
        expect(report.checked).toBeGreaterThanOrEqual(100);
      } finally {
        await db.destroy();
      }
    });
  });
});
