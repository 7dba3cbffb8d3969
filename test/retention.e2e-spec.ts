import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { chainPendingAuditEntries, verifyAuditChain } from '../src/audit/audit-chain.js';
import { RetentionService } from '../src/retention/retention.service.js';
import {
  AcceptReferralDocument,
  AccessLogActorsDocument,
  AddActionDocument,
  AddGoalDocument,
  AddNoteDocument,
  AddPlanParticipantDocument,
  AssessCapacityDocument,
  AssignTrajectorySupporterDocument,
  BreakGlassDocument,
  CancelHandoverDocument,
  ClosePlanDetailsDocument,
  ConfirmConsentIdDocument,
  CreateReferralDocument,
  DeclineReferralDocument,
  type DataCategory,
  FamilyProbeDocument,
  type LifeDomain,
  MyMemberIdDocument,
  MyNameAndSummaryDocument,
  MyPlanSummaryDocument,
  OpenPlanDocument,
  PlanClosureDocument,
  ReceiveReferralDocument,
  RecordConsentDocument,
  RegisterFamilyDocument,
  RequestErasureDocument,
  SetNotificationChannelDocument,
  RevokeConsentDocument,
  ScheduleHandoverDocument,
  SendReferralDocument,
  UpdateGoalDocument,
  WithdrawReferralDocument,
} from './graphql/generated.js';
import { codeOf, type GraphQLResult, TestApi } from './support/test-app.js';
import { type Agency, type Network, type Person, World } from './support/world.js';
import { fixtureClient } from './support/fixture-client.js';

/**
 * Plan closure and retention (docs/retention.md): closing records the reason code and
 * who agreed; at the end of the retention period every personal field of the family is erased — searched
 * for in every text, JSON and array column of every table — while the audit chain still verifies and the
 * non-personal figures stay; a member's own erasure request follows the same path, where the law allows.
 */

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const RETENTION_DAYS = 1826;

/** A per-test string no other row in the database contains ('q' is not a hex digit: no uuid or hash holds it). */
const newToken = () => `q${randomBytes(4).toString('hex').slice(0, 7)}`;

describe('plan closure and retention', () => {
  let api: TestApi;
  let world: World;
  let network: Network;
  let agency: Agency;
  let receiver: Agency;
  let other: Agency;
  let worker: Person;
  let intake: Person;
  let sql: pg.Client;

  beforeAll(async () => {
    api = await TestApi.start();
    world = new World(api);
    network = await world.network();
    agency = await world.agency(network);
    receiver = await world.agency(network, 'SCHOOL_GUIDANCE');
    other = await world.agency(network, 'GENERAL_WELFARE');
    worker = await world.staff(agency);
    intake = await world.staff(receiver);
    sql = await fixtureClient();
  });
  afterAll(async () => {
    await sql.end();
    await api.stop();
  });

  /** `api.ok` for the mutations that take one `input`. */
  const ok = <T, I>(subject: string, document: TypedDocumentNode<T, { input: I }>, input: I): Promise<T> =>
    api.ok(subject, document as TypedDocumentNode<T, Record<string, unknown>>, { input });

  /** Sara (parent), Lien (14: decides for herself), Mo (5) and an unborn child, each name carrying `token`. */
  async function register(token: string) {
    const { registerFamily } = await ok(worker.subject, RegisterFamilyDocument, {
      members: [
        {
          role: 'PARENT',
          givenName: `Sara ${token}`,
          familyName: `Peeters ${token}`,
          birthDate: '1990-04-01',
          email: `sara.${token}@example.org`,
          phone: `+32 4${randomInt(100_000_000, 999_999_999)}`,
          preferredLanguage: `nl-${token}`,
        },
        { role: 'CHILD', givenName: `Lien ${token}`, familyName: `Peeters ${token}`, birthDate: '2012-02-03' },
        { role: 'CHILD', givenName: `Mo ${token}`, familyName: `Peeters ${token}`, birthDate: '2021-06-30' },
        { role: 'UNBORN', givenName: `Baby ${token}`, familyName: `Peeters ${token}`, expectedDate: '2027-03-01' },
      ],
    });
    const [sara, lien, mo, unborn] = registerFamily.members.map((m: { id: string }) => m.id) as string[];
    const family = { id: registerFamily.id as string, members: registerFamily.members, memberIds: [sara!, lien!, mo!, unborn!] };
    await world.consentAll(worker, family, agency.id);
    return { familyId: family.id, sara: sara!, lien: lien!, mo: mo!, unborn: unborn! };
  }

  async function openPlan(familyId: string, token: string): Promise<string> {
    const { openPlan } = await ok(worker.subject, OpenPlanDocument, { familyId, summary: `Rust in huis ${token}`, strengths: `Sterk netwerk ${token}` });
    await ok(worker.subject, AssignTrajectorySupporterDocument, {
      planId: openPlan.id,
      userId: worker.userId,
    });
    return openPlan.id;
  }

  const close = (planId: string, agreedByMemberIds: string[], extra: Record<string, unknown> = {}) =>
    api.gql(worker.subject, ClosePlanDetailsDocument, { input: { planId, reasonCode: 'GOALS_ACHIEVED', agreedByMemberIds, ...extra } });

  /** Moves the plan's closure back beyond the retention period (arrange: time cannot pass in a test). */
  const closedLongAgo = (planId: string) =>
    sql.query(`UPDATE plan SET closed_at = now() - make_interval(days => $2) WHERE id = $1`, [planId, RETENTION_DAYS + 1]);

  /** Every text, character, JSON and array column of every table, in every schema but the catalogs. */
  async function columnsHolding(needle: string): Promise<string[]> {
    const { rows: columns } = await sql.query<{ table_schema: string; table_name: string; column_name: string }>(
      `SELECT c.table_schema, c.table_name, c.column_name
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
          AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')`,
    );
    expect(columns.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const c of columns) {
      const column = `"${c.table_schema}"."${c.table_name}"."${c.column_name}"`;
      const { rows } = await sql.query(
        `SELECT 1 FROM "${c.table_schema}"."${c.table_name}" WHERE "${c.column_name}"::text ILIKE $1 LIMIT 1`,
        [`%${needle}%`],
      );
      if (rows.length > 0) found.push(column);
    }
    return found;
  }

  /** What network insight counts about a family: none of it personal, all of it kept. */
  async function figuresOf(familyId: string) {
    const { rows } = await sql.query(
      `SELECT (SELECT json_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM referral WHERE family_id = $1 GROUP BY status) r) AS referrals_by_status,
              (SELECT json_object_agg(life_domain, n) FROM (SELECT g.life_domain, count(*) AS n FROM goal g JOIN plan p ON p.id = g.plan_id
                 WHERE p.family_id = $1 GROUP BY g.life_domain) g) AS goals_by_domain,
              (SELECT count(*)::int FROM family_member WHERE family_id = $1) AS members,
              (SELECT count(*)::int FROM note n JOIN plan p ON p.id = n.plan_id WHERE p.family_id = $1) AS notes,
              (SELECT count(*)::int FROM consent WHERE family_id = $1) AS consents,
              (SELECT json_agg(closed_at ORDER BY id) FROM plan WHERE family_id = $1) AS closed_at,
              (SELECT json_agg(close_reason_code ORDER BY id) FROM plan WHERE family_id = $1) AS close_reason_codes`,
      [familyId],
    );
    return rows[0];
  }

  // -----------------------------------------------------------------------------------------------
  describe('closing a plan', () => {
    it('records the reason code, who closed it and the family members who agreed', async () => {
      const token = newToken();
      const f = await register(token);
      const planId = await openPlan(f.familyId, token);
      const { closePlan } = await ok(worker.subject, ClosePlanDetailsDocument, {
        planId,
        reasonCode: 'OTHER',
        reason: `Eigen woorden ${token}`,
        agreedByMemberIds: [f.sara, f.lien],
        expectedVersion: 2,
      });
      expect(closePlan).toMatchObject({
        status: 'CLOSED',
        closeReasonCode: 'OTHER',
        closeReason: `Eigen woorden ${token}`,
        closedBy: { id: worker.userId },
      });
      expect(closePlan.agreedBy.map((m: { id: string }) => m.id).sort()).toEqual([f.sara, f.lien].sort());
      // The history keeps codes and ids, not the reason in words.
      expect(closePlan.history.edges.at(-1)!.node).toEqual({
        change: 'PLAN_CLOSED',
        details: { from: 'DRAFT', to: 'CLOSED', reasonCode: 'OTHER', agreedByMemberIds: [f.sara, f.lien] },
      });
      const { rows } = await sql.query(`SELECT member_id FROM plan_closure_agreement WHERE plan_id = $1 ORDER BY member_id`, [planId]);
      expect(rows.map((r) => r.member_id)).toEqual([f.sara, f.lien].sort());
    });

    it('closes as clients of the API contract do, with only a reason in words: code OTHER, and recorded that nobody agreed', async () => {
      const token = newToken();
      const f = await register(token);
      const planId = await openPlan(f.familyId, token);
      const { closePlan } = await api.ok(worker.subject, ClosePlanDetailsDocument, { input: { planId, reason: `Gezin verhuisd, onbereikbaar ${token}` } });
      expect(closePlan).toMatchObject({ status: 'CLOSED', closeReasonCode: 'OTHER', agreedBy: [] });
      expect(closePlan.history.edges.at(-1)!.node.details).toEqual({ from: 'DRAFT', to: 'CLOSED', reasonCode: 'OTHER', agreedByMemberIds: [] });
      const moved = await register(newToken());
      const movedPlan = await openPlan(moved.familyId, token);
      const { closePlan: movedAway } = await api.ok(worker.subject, ClosePlanDetailsDocument, { input: { planId: movedPlan, reasonCode: 'MOVED_AWAY' } });
      expect(movedAway).toMatchObject({ status: 'CLOSED', closeReasonCode: 'MOVED_AWAY', closeReason: null, agreedBy: [] });
    });

    it.each<[string, (f: Awaited<ReturnType<typeof register>>, strangerId: string) => Record<string, unknown>, string, RegExp]>([
      ['a member of another family', (_, strangerId) => ({ agreedByMemberIds: [strangerId] }), 'agreedByMemberIds', /members of this family/],
      ['a child of 5, who cannot agree yet', (f) => ({ agreedByMemberIds: [f.mo] }), 'agreedByMemberIds', /cannot agree yet/],
      ['an unborn child', (f) => ({ agreedByMemberIds: [f.sara, f.unborn] }), 'agreedByMemberIds', /cannot agree yet/],
      ['OTHER without a reason in words', (f) => ({ agreedByMemberIds: [f.sara], reasonCode: 'OTHER' }), 'reason', /reason/],
      ['a blank reason', (f) => ({ agreedByMemberIds: [f.sara], reason: '' }), 'reason', /reason/],
    ])('refuses %s as BAD_USER_INPUT naming the field, and leaves the plan open', async (_, input, field, message) => {
      const token = newToken();
      const f = await register(token);
      const stranger = await register(newToken());
      const planId = await openPlan(f.familyId, token);
      const result = await close(planId, [], input(f, stranger.sara));
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(result.errors?.[0]?.message).toMatch(message);
      expect((await api.ok(worker.subject, PlanClosureDocument, { id: planId })).plan).toEqual({ status: 'DRAFT', closeReasonCode: null, agreedBy: [] });
    });

    it('refuses to close a closed plan, naming its state; a family member in the portal may not close it', async () => {
      const token = newToken();
      const f = await register(token);
      const planId = await openPlan(f.familyId, token);
      const sara = `${token}-sara@portal`;
      await world.portalLogin(worker, f.sara, sara);
      const byFamily = await api.gql(sara, ClosePlanDetailsDocument, { input: { planId, reasonCode: 'GOALS_ACHIEVED', agreedByMemberIds: [f.sara] } });
      expect(codeOf(byFamily)).toBe('FORBIDDEN');

      expect(codeOf(await close(planId, [f.sara]))).toBe('OK');
      const again = await close(planId, [f.sara]);
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'CLOSED' });
    });
  });

  // -----------------------------------------------------------------------------------------------
  describe('erasure at the end of the retention period', () => {
    /** `actor` takes a referral step (its one root field answers the new version); the new version. */
    const step = async <I>(actor: Person, document: TypedDocumentNode<Record<string, { version: number }>, { input: I }>, input: I): Promise<number> =>
      Object.values(await ok(actor.subject, document, input))[0]!.version;

    /** A family with every personal field filled with `token`, its plan closed; ids for the assertions. */
    async function markedFamily(token: string) {
      const f = await register(token);
      const planId = await openPlan(f.familyId, token);
      const lienPortal = `${token}-lien@portal`;
      await world.portalLogin(worker, f.lien, lienPortal);
      // Lien in the portal: her reads are audited under her member id, not her login.
      await api.ok(lienPortal, MyNameAndSummaryDocument);

      await ok(worker.subject, AddPlanParticipantDocument, {
        planId,
        agencyId: other.id,
        contribution: `Budgetbegeleiding ${token}`,
      });
      const goal = async (lifeDomain: LifeDomain) =>
        (await ok(worker.subject, AddGoalDocument, {
          planId,
          lifeDomain,
          owner: 'FAMILY',
          description: `Doel ${lifeDomain} ${token}`,
        })).addGoal.id as string;
      const school = await goal('EDUCATION');
      await goal('HEALTH');
      await ok(worker.subject, UpdateGoalDocument, {
        goalId: school,
        description: `Lien gaat graag naar school ${token}`,
        progressNote: `Eerste week gelukt ${token}`,
      });
      await ok(worker.subject, AddActionDocument, {
        goalId: school,
        title: `Gesprek met de leerkracht ${token}`,
        assigneeMemberId: f.sara,
        dueDate: '2027-01-15',
      });
      for (const memberIds of [[f.lien], undefined]) {
        await ok(worker.subject, AddNoteDocument, {
          planId,
          category: 'NOTES',
          body: `Notitie ${token}`,
          ...(memberIds && { memberIds }),
        });
      }
      const consent = async (grantor: string, subject: string, agencyId: string, categories: DataCategory[]) =>
        (await ok(worker.subject, RecordConsentDocument, {
          grantorMemberId: grantor,
          subjectMemberIds: [subject],
          recipientAgencyId: agencyId,
          categories,
          purposeCode: 'REFERRAL',
          purpose: `Doorverwijzing ${token}`,
          method: 'WRITTEN',
          evidenceReference: `Formulier ${token}`,
        })).recordConsent.id as string;
      await consent(f.lien, f.lien, receiver.id, ['REFERRAL']);
      const revoked = await consent(f.sara, f.sara, other.id, ['PLAN']);
      await ok(worker.subject, RevokeConsentDocument, {
        consentId: revoked,
        reason: `Ingetrokken ${token}`,
        revokedByMemberId: f.sara,
      });
      await ok(worker.subject, AssessCapacityDocument, {
        memberId: f.mo,
        capable: false,
        reason: `Nog te jong ${token}`,
      });
      // Sara consents for Mo; assessed capable later, Mo confirms that consent as his own (on paper).
      const forMo = await consent(f.sara, f.mo, other.id, ['CONTACT']);
      await ok(worker.subject, AssessCapacityDocument, {
        memberId: f.mo,
        capable: true,
        reason: `Beslist nu zelf ${token}`,
      });
      await ok(worker.subject, ConfirmConsentIdDocument, {
        consentId: forMo,
        memberId: f.mo,
        method: 'WRITTEN',
        evidenceReference: `Bevestiging ${token}`,
      });
      await ok(worker.subject, BreakGlassDocument, {
        familyId: f.familyId,
        justification: `Acute zorg om de veiligheid ${token}`,
        hours: 1,
      });

      // Two referrals of Lien: one to a meeting that was cancelled, then withdrawn; one declined.
      const referral = async (key: string) =>
        (await ok(worker.subject, CreateReferralDocument, {
          planId,
          toAgencyId: receiver.id,
          memberIds: [f.lien],
          reason: `Schoolproblemen ${token}`,
          requestedService: `Leerlingenbegeleiding ${token}`,
          urgency: 'ROUTINE',
          idempotencyKey: `${key}-${token}`,
        })).createReferral as { id: string; version: number };
      const first = await referral('first');
      let v = await step(worker, SendReferralDocument, { referralId: first.id, expectedVersion: first.version });
      v = await step(intake, ReceiveReferralDocument, { referralId: first.id, expectedVersion: v });
      v = await step(intake, AcceptReferralDocument, { referralId: first.id, expectedVersion: v, externalReference: `DOS-${token}` });
      v = await step(worker, ScheduleHandoverDocument, {
        referralId: first.id,
        expectedVersion: v,
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        location: `Huis van het Kind, kamer ${token}`,
        attendees: ['FAMILY', 'REFERRER', 'RECEIVER'],
      });
      v = await step(worker, CancelHandoverDocument, { referralId: first.id, expectedVersion: v, reason: `Ziek ${token}` });
      await step(worker, WithdrawReferralDocument, { referralId: first.id, expectedVersion: v, reason: `Niet meer nodig ${token}` });
      const second = await referral('second');
      v = await step(worker, SendReferralDocument, { referralId: second.id, expectedVersion: second.version });
      v = await step(intake, ReceiveReferralDocument, { referralId: second.id, expectedVersion: v });
      await step(intake, DeclineReferralDocument, { referralId: second.id, expectedVersion: v, reason: `Geen plaats ${token}` });

      const { closePlan } = await ok(worker.subject, ClosePlanDetailsDocument, {
        planId,
        reasonCode: 'OTHER',
        reason: `Het gezin is tevreden ${token}`,
        agreedByMemberIds: [f.sara, f.lien],
      });
      expect(closePlan.status).toBe('CLOSED');
      return { ...f, planId, lienPortal };
    }

    it('erases every personal field of a family past its retention period; ids, codes, figures and a verifying audit chain remain', async () => {
      const token = newToken();
      const f = await markedFamily(token);
      const recentToken = newToken();
      const recent = await register(recentToken);
      const recentPlan = await openPlan(recent.familyId, recentToken);
      expect(codeOf(await close(recentPlan, [recent.sara]))).toBe('OK');
      const { rows: phones } = await sql.query(`SELECT phone FROM family_member WHERE id = $1`, [f.sara]);
      const phoneDigits = phones[0].phone.replace(/\D/g, '').slice(-9);

      // The markers are there before (the search can find them), in the tables one expects.
      const before = await columnsHolding(token);
      for (const column of ['family_member"."given_name', 'plan"."summary', 'note"."body', 'consent"."purpose', 'referral"."reason',
        'handover_meeting"."location', 'plan_history"."details', 'break_glass_grant"."justification', 'outbox_event"."body', 'consent_confirmation"."evidence_reference']) {
        expect(before.some((c) => c.includes(column))).toBe(true);
      }
      expect(await columnsHolding(phoneDigits)).toEqual(['"public"."family_member"."phone"']);

      await closedLongAgo(f.planId);
      const figures = await figuresOf(f.familyId);
      const erased = await api.app.get(RetentionService).applyRetention();
      expect(erased).toBeGreaterThanOrEqual(1);

      expect(await columnsHolding(token)).toEqual([]);
      expect(await columnsHolding(phoneDigits)).toEqual([]);
      const { rows: members } = await sql.query(
        `SELECT birth_date, expected_date, portal_subject, erased_at IS NOT NULL AS erased FROM family_member WHERE family_id = $1`,
        [f.familyId],
      );
      expect(members).toEqual(Array(4).fill({ birth_date: null, expected_date: null, portal_subject: null, erased: true }));
      expect(await figuresOf(f.familyId)).toEqual(figures);
      const { rows: families } = await sql.query(`SELECT erased_at IS NOT NULL AS erased FROM family WHERE id = $1`, [f.familyId]);
      expect(families).toEqual([{ erased: true }]);
      // Its case assignments ended with it: the family is gone from its caseworker's view, nothing new starts for it.
      expect(codeOf(await api.gql(worker.subject, FamilyProbeDocument, { id: f.familyId }))).toBe('NOT_FOUND');
      expect(codeOf(await api.gql(worker.subject, OpenPlanDocument, { input: { familyId: f.familyId, summary: 'Opnieuw' } }))).toBe('NOT_FOUND');

      // A family inside its retention period is left as it was.
      expect(await columnsHolding(recentToken)).not.toEqual([]);
      const { rows: recentFamily } = await sql.query(`SELECT erased_at FROM family WHERE id = $1`, [recent.familyId]);
      expect(recentFamily).toEqual([{ erased_at: null }]);

      // The erasure is audited: one ERASE entry by the system actor, and every row it changed.
      const { rows: erasures } = await sql.query(
        `SELECT actor_subject, entity_type, entity_id, legal_basis, request_id FROM audit_event WHERE family_id = $1 AND action = 'ERASE'`,
        [f.familyId],
      );
      expect(erasures).toEqual([
        { actor_subject: 'system:retention', entity_type: 'Family', entity_id: f.familyId, legal_basis: 'ADMINISTRATION', request_id: expect.any(String) },
      ]);
      const { rows: changed } = await sql.query(
        `SELECT DISTINCT entity_type FROM audit_event WHERE request_id = $1 AND family_id = $2 AND action = 'UPDATE' ORDER BY entity_type`,
        [erasures[0].request_id, f.familyId],
      );
      expect(changed.map((r) => r.entity_type)).toEqual(expect.arrayContaining([
        'break_glass_grant', 'capacity_assessment', 'consent', 'family', 'family_member', 'goal', 'note', 'plan', 'plan_history', 'referral',
      ]));

      const db = api.db;
      await chainPendingAuditEntries(db);
      expect((await verifyAuditChain(db)).firstBroken).toBeNull();

      // Run again: nothing more to erase for this family, no second ERASE entry.
      await api.app.get(RetentionService).applyRetention();
      const { rows: [{ n }] } = await sql.query(`SELECT count(*)::int AS n FROM audit_event WHERE family_id = $1 AND action = 'ERASE'`, [f.familyId]);
      expect(n).toBe(1);
    });

    it('keeps append-only tables append-only: only erasure may blank their personal columns, and nothing else', async () => {
      const token = newToken();
      const f = await register(token);
      const planId = await openPlan(f.familyId, token);
      const attempt = async (erasure: boolean, statement: string) => {
        await sql.query('BEGIN');
        try {
          if (erasure) await sql.query(`SELECT set_config('app.erasure', 'on', true)`);
          return await sql.query(statement, [planId]);
        } finally {
          await sql.query('ROLLBACK');
        }
      };
      await expect(attempt(false, `UPDATE plan_history SET details = '{}' WHERE plan_id = $1`)).rejects.toThrow(/append-only: UPDATE refused/);
      await expect(attempt(true, `UPDATE plan_history SET at = now(), details = '{}' WHERE plan_id = $1`)).rejects.toThrow(/append-only/);
      await expect(attempt(true, `DELETE FROM plan_history WHERE plan_id = $1`)).rejects.toThrow(/append-only: DELETE refused/);
      await expect(
        attempt(false, `UPDATE consent SET purpose = '' WHERE family_id = (SELECT family_id FROM plan WHERE id = $1)`),
      ).rejects.toThrow(/append-only/);
      await expect(
        attempt(true, `UPDATE consent SET categories = '{PLAN}' WHERE family_id = (SELECT family_id FROM plan WHERE id = $1)`),
      ).rejects.toThrow(/append-only/);
      // The narrow permission itself: blanking the personal column only.
      expect((await attempt(true, `UPDATE plan_history SET details = '{}' WHERE plan_id = $1`)).rowCount).toBeGreaterThan(0);
    });

    it('is what `npm run retention` does, printing how many families it erased', () => {
      const run = spawnSync('node', ['dist/src/cli/retention.js'], { cwd: REPO_ROOT, env: { ...process.env, NODE_ENV: 'test' }, encoding: 'utf8' });
      expect(run.stderr).not.toMatch(/failed/i);
      expect(run.stdout).toMatch(new RegExp(`Retention \\(${RETENTION_DAYS} days\\): erased the personal data of \\d+ famil(y|ies)`));
      expect(run.status).toBe(0);
    });
  });

  // -----------------------------------------------------------------------------------------------
  describe("a family member's erasure request", () => {
    const linkPortal = (memberId: string, subject: string) => world.portalLogin(worker, memberId, subject);
    const requestsOf = async (memberId: string) =>
      (await sql.query(`SELECT outcome, refusal, reason FROM erasure_request WHERE member_id = $1 ORDER BY requested_at`, [memberId])).rows;

    it('is refused while the plan is open or a referral is under way, naming why, and the refusal is recorded', async () => {
      const token = newToken();
      const f = await register(token);
      const planId = await openPlan(f.familyId, token);
      const lien = `${token}-lien@portal`;
      await linkPortal(f.lien, lien);

      const whileOpen = await api.gql(lien, RequestErasureDocument, { input: { memberId: f.lien, reason: 'Ik wil weg' } });
      expect(whileOpen.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', refusal: 'OPEN_PLAN' });
      expect(whileOpen.errors?.[0]?.message).toMatch(/plan is still open/);

      await world.consentAll(worker, { id: f.familyId, members: [{ id: f.lien, role: 'CHILD', birthDate: '2012-02-03' }], memberIds: [f.lien] }, receiver.id, ['REFERRAL']);
      const { createReferral } = await ok(worker.subject, CreateReferralDocument, {
        planId, toAgencyId: receiver.id, memberIds: [f.lien], reason: 'School', requestedService: 'CLB', urgency: 'ROUTINE',
      });
      await ok(worker.subject, SendReferralDocument, {
        referralId: createReferral.id, expectedVersion: createReferral.version,
      });
      expect(codeOf(await close(planId, [f.sara]))).toBe('OK');
      const whileReferred = await api.gql(lien, RequestErasureDocument, { input: { memberId: f.lien } });
      expect(whileReferred.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', refusal: 'OPEN_REFERRAL' });

      expect(await requestsOf(f.lien)).toEqual([
        { outcome: 'REFUSED', refusal: 'OPEN_PLAN', reason: 'Ik wil weg' },
        { outcome: 'REFUSED', refusal: 'OPEN_REFERRAL', reason: null },
      ]);
      const { rows } = await sql.query(`SELECT given_name, erased_at FROM family_member WHERE id = $1`, [f.lien]);
      expect(rows).toEqual([{ given_name: `Lien ${token}`, erased_at: null }]);
    });

    it("erases the member's own data and the records about that member only, at once and audited; the family's access log still answers", async () => {
      const token = newToken();
      const f = await register(token);
      const planId = await openPlan(f.familyId, token);
      const lien = `${token}-lien@portal`;
      const sara = `${token}-sara@portal`;
      await linkPortal(f.lien, lien);
      await linkPortal(f.sara, sara);
      const note = async (body: string, memberIds?: string[]) =>
        ok(worker.subject, AddNoteDocument, { planId, category: 'NOTES', body, ...(memberIds && { memberIds }) });
      await note(`Over Lien ${token}-lien-only`, [f.lien]);
      await note(`Over Lien en Sara ${token}-shared`, [f.lien, f.sara]);
      const goal = async (description: string, memberIds: string[]) =>
        (await ok(worker.subject, AddGoalDocument, { planId, lifeDomain: 'HEALTH', description, owner: 'FAMILY', memberIds }))
          .addGoal.id as string;
      const liensGoal = await goal(`Lien slaapt beter ${token}-lien-goal`, [f.lien]);
      await ok(worker.subject, UpdateGoalDocument, {
        goalId: liensGoal, description: `Lien slaapt goed ${token}-lien-goal`, progressNote: `Al beter ${token}-lien-progress`,
      });
      await ok(worker.subject, AddActionDocument, {
        goalId: liensGoal, title: `Naar de dokter ${token}-lien-action`, assigneeUserId: worker.userId,
      });
      await goal(`Samen sporten ${token}-shared-goal`, [f.lien, f.sara]);
      // Lien reads the plan in the portal: Sara's access log names her as the reader.
      await api.ok(lien, MyPlanSummaryDocument);
      const actorsSeenBySara = async () =>
        (await api.ok(sara, AccessLogActorsDocument, { f: f.familyId })).accessLog.edges.map((e: { node: { actor: string } }) => e.node.actor) as string[];
      expect(await actorsSeenBySara()).toContain(`Lien ${token}`);
      await api.ok(lien, SetNotificationChannelDocument, { input: { channel: 'IMMEDIATE', email: `${token}-lien-mail@example.test` } });
      expect(codeOf(await close(planId, [f.sara, f.lien]))).toBe('OK');

      const { requestErasure } = await api.ok(lien, RequestErasureDocument, { input: { memberId: f.lien, reason: `Mijn keuze ${token}` } });
      expect(requestErasure).toMatchObject({ memberId: f.lien, erasedAt: expect.any(String) });

      const { rows: members } = await sql.query(
        `SELECT id, given_name, family_name, birth_date IS NULL AS no_birth_date, portal_subject FROM family_member WHERE family_id = $1 ORDER BY given_name`,
        [f.familyId],
      );
      expect(members.find((m) => m.id === f.lien)).toEqual({ id: f.lien, given_name: '[erased]', family_name: '[erased]', no_birth_date: true, portal_subject: null });
      expect(members.find((m) => m.id === f.sara)).toMatchObject({ given_name: `Sara ${token}`, portal_subject: sara });
      expect(await columnsHolding(`${token}-lien-only`)).toEqual([]);
      expect(await columnsHolding(`Lien ${token}`)).toEqual([]);
      expect(await columnsHolding(`Mijn keuze ${token}`)).toEqual([]);
      expect(await columnsHolding(lien)).toEqual([]);
      // Her address for notification e-mails too.
      expect(await columnsHolding(`${token}-lien-mail`)).toEqual([]);
      // A goal about Lien only, with its action, progress and history, goes as her note does.
      for (const needle of ['lien-goal', 'lien-progress', 'lien-action']) expect(await columnsHolding(`${token}-${needle}`)).toEqual([]);
      // A note or goal about Sara too is not only Lien's: it stays.
      expect((await columnsHolding(`${token}-shared`)).sort()).toEqual(['"public"."goal"."description"', '"public"."note"."body"']);
      expect(await requestsOf(f.lien)).toEqual([{ outcome: 'ERASED', refusal: null, reason: null }]);
      const { rows: family } = await sql.query(`SELECT erased_at FROM family WHERE id = $1`, [f.familyId]);
      expect(family).toEqual([{ erased_at: null }]);

      // Lien's login is gone with her data: her token is valid, but names no one any more.
      expect(codeOf(await api.gql(lien, MyMemberIdDocument))).toBe('FORBIDDEN');
      // Sara's access log still answers, with Lien's reads but without her name.
      const actors = await actorsSeenBySara();
      expect(actors).toContain('[erased]');
      expect(actors).not.toContain(`Lien ${token}`);

      const { rows: erasures } = await sql.query(
        `SELECT actor_subject, actor_member_id, entity_id, member_ids, legal_basis FROM audit_event WHERE family_id = $1 AND action = 'ERASE'`,
        [f.familyId],
      );
      expect(erasures).toEqual([
        { actor_subject: `member:${f.lien}`, actor_member_id: f.lien, entity_id: f.lien, member_ids: [f.lien], legal_basis: 'FAMILY_SELF' },
      ]);
      const db = api.db;
      await chainPendingAuditEntries(db);
      expect((await verifyAuditChain(db)).firstBroken).toBeNull();
    });

    it('may be made by the member, by a parent for a child who cannot decide yet, or recorded by a caseworker on the team; by no one else', async () => {
      const token = newToken();
      const f = await register(token);
      await openPlan(f.familyId, token);
      const lien = `${token}-lien@portal`;
      const sara = `${token}-sara@portal`;
      await linkPortal(f.lien, lien);
      await linkPortal(f.sara, sara);
      const volunteer = await world.staff(agency, 'VOLUNTEER');
      await world.assign(agency.admin, f.familyId, volunteer.userId);
      const unassigned = await world.staff(agency);
      const elsewhere = await world.staff(await world.agency(await world.network()));

      // The plan is open: whoever may ask is answered with the refusal of the law, not of the policy.
      const outcome = (result: GraphQLResult) => (result.errors?.[0]?.extensions?.refusal === 'OPEN_PLAN' ? 'may ask' : codeOf(result));
      const ask = async (subject: string, memberId: string) => outcome(await api.gql(subject, RequestErasureDocument, { input: { memberId } }));
      expect({
        'Lien for herself': await ask(lien, f.lien),
        'Sara for herself': await ask(sara, f.sara),
        'Sara for Mo (5)': await ask(sara, f.mo),
        'Sara for Lien (14)': await ask(sara, f.lien),
        'Lien for Sara': await ask(lien, f.sara),
        'the caseworker for Lien': await ask(worker.subject, f.lien),
        'a volunteer on the team': await ask(volunteer.subject, f.lien),
        'an unassigned caseworker': await ask(unassigned.subject, f.lien),
        'a caseworker of another network': await ask(elsewhere.subject, f.lien),
        'the agency admin': await ask(agency.admin.subject, f.lien),
        'the network coordinator': await ask(network.coordinator.subject, f.lien),
      }).toEqual({
        'Lien for herself': 'may ask',
        'Sara for herself': 'may ask',
        'Sara for Mo (5)': 'may ask',
        'Sara for Lien (14)': 'FORBIDDEN',
        'Lien for Sara': 'FORBIDDEN',
        'the caseworker for Lien': 'may ask',
        'a volunteer on the team': 'FORBIDDEN',
        'an unassigned caseworker': 'NOT_FOUND',
        'a caseworker of another network': 'NOT_FOUND',
        'the agency admin': 'FORBIDDEN',
        'the network coordinator': 'FORBIDDEN',
      });
    });
  });
});
