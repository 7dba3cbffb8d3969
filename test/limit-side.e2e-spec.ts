import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { type Answer, type LimitRead, LimitSide, limitPool } from '../bench/limit/limit-side.js';
import { ACCESS_LOG_QUERY, FAMILIES_QUERY, findFixtures, INBOX_QUERY, INCOMING_QUERY, MY_FAMILY_QUERY, NETWORK_INSIGHT_QUERY, PLAN_QUERY } from '../bench/operations.js';
import { seedDatabase } from '../bench/seed/seed-database.js';
import { loadConfig } from '../src/config/app-config.js';
import { dataSourceOptions, migrate } from '../src/database/data-source.js';
import { type ScratchDatabase, scratchDatabase } from './support/scratch-database.js';
import { SetMyLanguageDocument } from './graphql/generated.js';
import { type GraphQLResult, TestApi } from './support/test-app.js';

/**
 * The benchmark's limit side (bench/limit/) is the fair bar only if it does what the service does: for every
 * benchmarked read and a spread of principals, the same answer and the same read-audit entries (every column
 * but the sequence, the time and the request id). On a small seeded database, where consents are given,
 * refused, expired and revoked, goals are about health, volunteers and portal logins read; plus a consent
 * revoked and a break-glass grant made through the API here.
 */

interface Who {
  label: string;
  subject: string;
  agencyId: string | null;
}

const AUDIT_COLUMNS = `actor_subject, actor_user_id, actor_member_id, acting_agency_id, action, entity_type, entity_id, entity_ids,
  family_id, member_ids, categories, legal_basis, consent_ids, parts`;

describe('the limit side answers and audits as the service', () => {
  let scratch: ScratchDatabase;
  let db: DataSource;
  let api: TestApi;
  let pool: pg.Pool;
  let customPlanPool: pg.Pool;
  let limit: LimitSide;
  let professionals: Who[];
  let portal: (Who & { familyId: string })[];
  let planIds: string[];
  let inboxReaders: Who[];
  /** What the comparisons met: answers, audit bases and entries of several parts, to show the matrix is not empty. */
  const seen = new Map<string, number>();
  const count = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);

  beforeAll(async () => {
    scratch = await scratchDatabase('limit_side');
    db = await new DataSource(dataSourceOptions(scratch.url)).initialize();
    await migrate(db);
    await seedDatabase(db, { families: 30, seed: 11 });
    await db.query('ANALYZE');
    api = await TestApi.start({ DATABASE_URL: scratch.url });
    pool = limitPool(scratch.url);
    customPlanPool = limitPool(scratch.url, 'custom');
    limit = new LimitSide(pool, loadConfig({ ...process.env, DATABASE_URL: scratch.url }), customPlanPool);

    const fixtures = await findFixtures(db, (subject) => TestApi.token(subject), 4);
    const portalLinks = await linkPortal(db);
    planIds = (await db.query(`SELECT id FROM plan ORDER BY id`)).map((r: { id: string }) => r.id);
    const volunteers = await db.query(`
      SELECT DISTINCT ON (u.id) 'volunteer' AS label, u.subject, m.agency_id AS "agencyId" FROM membership m JOIN app_user u ON u.id = m.user_id
        JOIN case_assignment ca ON ca.user_id = u.id AND ca.ended_at IS NULL WHERE m.role = 'VOLUNTEER' ORDER BY u.id LIMIT 2`);
    // Caseworkers of the network on no family's team (they see families' existence nowhere), and the intakes.
    const outsiders = await db.query(`
      SELECT 'caseworker, no team' AS label, u.subject, m.agency_id AS "agencyId" FROM membership m JOIN app_user u ON u.id = m.user_id
       WHERE m.role = 'CASEWORKER' AND NOT EXISTS (SELECT 1 FROM case_assignment ca WHERE ca.user_id = u.id AND ca.ended_at IS NULL)
       ORDER BY u.id LIMIT 2`);
    const breaker = await breakGlass(db, api);
    const revoked = await revokePlanConsent(db, api, fixtures.planReaders.at(-1)!);
    professionals = [
      ...fixtures.planReaders.slice(0, 3).map((p) => ({ label: 'consented caseworker', subject: p.subject, agencyId: p.agencyId })),
      { label: 'caseworker whose plan consent was just revoked', ...revoked },
      { label: 'caseworker who broke the glass', ...breaker },
      ...fixtures.intakes.slice(0, 2).map((p) => ({ label: 'receiving caseworker', subject: p.subject, agencyId: p.agencyId })),
      ...volunteers,
      ...outsiders,
    ];
    portal = portalLinks;
    inboxReaders = fixtures.inboxReaders.slice(0, 3).map((p) => ({ label: 'professional with inbox items', subject: p.subject, agencyId: p.agencyId }));
    expect(professionals.length).toBeGreaterThanOrEqual(9);
    expect(portal.map((p) => p.label).sort()).toEqual(['portal, 15 years old', 'portal, adult']);
  }, 240_000);

  afterAll(async () => {
    await pool?.end();
    await customPlanPool?.end();
    await api?.stop();
    await db?.destroy();
    await scratch?.drop();
  });

  /** One read on both sides as `who`: the answers and the audit entries each wrote. */
  async function both(who: Who, read: LimitRead, query: string, variables: Record<string, unknown>, args: Record<string, string>) {
    const serviceRequest = `limit-eq-${randomUUID()}`;
    const headers: Record<string, string> = { 'X-Request-Id': serviceRequest, ...(who.agencyId ? { 'X-Acting-Agency': who.agencyId } : {}) };
    const service = await api.gql(who.subject, query, variables, headers);
    const caller = await limit.callerOf({ authorization: `Bearer ${await TestApi.token(who.subject)}`, 'x-acting-agency': who.agencyId ?? undefined });
    const limitRequest = `limit-eq-${randomUUID()}`;
    const limited = await limit.read(read, { ...caller!, requestId: limitRequest }, args);
    const audit = async (requestId: string) =>
      (await db.query(`SELECT ${AUDIT_COLUMNS} FROM audit_event WHERE request_id = $1`, [requestId]))
        .map((row: Record<string, unknown>) => JSON.stringify(row))
        .sort();
    return { service, limited, serviceAudit: await audit(serviceRequest), limitAudit: await audit(limitRequest) };
  }

  /** The same outcome on both sides; counted per read, answer code, answered edges and audit basis. */
  function expectSame(label: string, read: LimitRead, result: Awaited<ReturnType<typeof both>>) {
    const { service, limited, serviceAudit, limitAudit } = result;
    const outcome = (answer: GraphQLResult | Answer) => ({ data: answer.data ?? null, code: answer.errors?.[0]?.extensions?.code ?? 'OK' });
    expect({ label, ...outcome(limited), audit: limitAudit }).toEqual({ label, ...outcome(service), audit: serviceAudit });
    const answered = Object.values(service.data ?? {})[0] as { edges?: { node: { id?: string } }[] } | undefined;
    count(`${read} ${outcome(service).code}${answered?.edges?.length ? ' with edges' : ''}`);
    // An access-log line of an entry's part is numbered `seq.part`.
    if (answered?.edges?.some((edge) => edge.node.id?.includes('.'))) count(`${read} line of a part`);
    for (const entry of serviceAudit.map((text: string) => JSON.parse(text) as { legal_basis: string; parts: unknown[] | null })) {
      count(`${read} basis ${entry.legal_basis}`);
      if (entry.parts) count(`${read} entry with parts`);
    }
  }

  it('plan(id): every plan, as every principal', async () => {
    for (const who of [...professionals, ...portal]) {
      for (const id of planIds) {
        expectSame(`${who.label} reads plan ${id}`, 'plan', await both(who, 'plan', PLAN_QUERY, { id }, { id }));
      }
    }
    // The matrix met readable and unreadable plans, the bases of the access rule, and entries of several parts.
    expect([...seen.keys()]).toEqual(
      expect.arrayContaining(['plan OK', 'plan NOT_FOUND', 'plan basis CONSENT', 'plan basis BREAK_GLASS', 'plan basis FAMILY_SELF', 'plan basis AUTHOR', 'plan entry with parts']),
    );
  }, 300_000);

  it('families(first: 50)', async () => {
    for (const who of [...professionals, ...portal]) {
      expectSame(`${who.label} lists families`, 'families', await both(who, 'families', FAMILIES_QUERY, {}, { first: '50' }));
    }
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['families OK with edges', 'families OK', 'families basis CONSENT', 'families basis FAMILY_SELF', 'families entry with parts']));
  }, 120_000);

  it('referrals(INCOMING, overdue, first: 50)', async () => {
    for (const who of [...professionals, ...portal]) {
      expectSame(`${who.label} lists overdue incoming referrals`, 'referrals/incoming-overdue', await both(who, 'referrals/incoming-overdue', INCOMING_QUERY, {}, { first: '50' }));
    }
    // A volunteer reads only the referrals she accompanies as bridge figure: an empty page, not FORBIDDEN.
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['referrals/incoming-overdue OK with edges', 'referrals/incoming-overdue OK']));
    expect([...seen.keys()].filter((key) => key.startsWith('referrals/incoming-overdue basis')).length).toBeGreaterThan(0);
  }, 120_000);

  it('accessLog(first: 50): of the own family, of another, as a caseworker', async () => {
    const other = portal[0]!.familyId === portal[1]!.familyId ? planFamily(planIds) : portal[1]!.familyId;
    for (const who of [...portal, ...professionals.slice(0, 3)]) {
      for (const familyId of [portal[0]!.familyId, await other]) {
        expectSame(`${who.label} reads the access log of ${familyId}`, 'access-log', await both(who, 'access-log', ACCESS_LOG_QUERY, { familyId }, { familyId, first: '50' }));
      }
    }
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['access-log OK with edges', 'access-log line of a part', 'access-log NOT_FOUND', 'access-log FORBIDDEN']));
  }, 120_000);

  it('inbox(first: 50): items shown, none, and items about records the reader may not see (now)', async () => {
    // The caseworker on no team gets, as a producer would have delivered them, an item about a referral of a
    // family she may not see and one about her own agency (no personal data: shown, not audited).
    const outsider = professionals.find((p) => p.label === 'caseworker, no team')!;
    const [{ id: userId }] = await db.query(`SELECT id FROM app_user WHERE subject = $1`, [outsider.subject]);
    const [referral] = await db.query(`SELECT id, family_id FROM referral ORDER BY id LIMIT 1`);
    await db.query(
      `INSERT INTO inbox_item (id, event_id, kind, recipient_user_id, recipient_agency_id, family_id, subject_type, subject_id, params, occurred_at)
       VALUES ($1, $2, 'REFERRAL_RECEIVED', $3, $4, $5, 'Referral', $6, '{}', now()), ($7, $8, 'WEBHOOK_DELIVERY_FAILED', $3, $4, $5, 'Agency', $4, '{}', now())`,
      [randomUUID(), randomUUID(), userId, outsider.agencyId, referral.family_id, referral.id, randomUUID(), randomUUID()],
    );
    const stored = async (who: Who) => {
      const member = who.subject.startsWith('limit-portal-') ? who.subject.slice('limit-portal-'.length) : null;
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM inbox_item ii LEFT JOIN app_user u ON u.id = ii.recipient_user_id
                                        WHERE (u.subject = $1 AND ii.recipient_agency_id = $2) OR ii.recipient_member_id = $3`, [who.subject, who.agencyId, member]);
      return n as number;
    };
    // The texts in the reader's language: one reader reads in French (the others as the seed left them).
    const french = { ...inboxReaders[1]!, label: 'professional with inbox items, in French' };
    await api.ok(french.subject, SetMyLanguageDocument, { language: 'FR_BE' });
    for (const who of [...inboxReaders.filter((r) => r.subject !== french.subject), french, ...professionals, ...portal]) {
      const result = await both(who, 'inbox', INBOX_QUERY, {}, { first: '50' });
      expectSame(`${who.label} reads the inbox`, 'inbox', result);
      // One entry per family on the page (its items the parts), on both sides.
      const families = result.serviceAudit.map((entry: string) => (JSON.parse(entry) as { family_id: string }).family_id);
      expect({ who: who.label, families }).toEqual({ who: who.label, families: [...new Set(families)] });
      if (families.length > 1) count('inbox page of several families');
      const edges = (result.service.data as { inbox?: { edges: { node: { text: string } }[] } } | null)?.inbox?.edges ?? [];
      if (edges.length < 50 && edges.length < (await stored(who))) count('inbox items filtered away');
      if (who === french) {
        // The seeded kinds (REFERRAL_RECEIVED, REFERRAL_STATUS_CHANGED, BREAK_GLASS_USED, ACTION_OVERDUE), in French.
        expect(edges.length).toBeGreaterThan(0);
        for (const { node } of edges) expect(node.text).toMatch(/^(Une nouvelle orientation |Votre orientation est passée |Quelqu’un a ouvert |Une action du plan devait )/);
      }
    }
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['inbox OK with edges', 'inbox OK', 'inbox items filtered away', 'inbox page of several families']));
    expect([...seen.keys()].filter((key) => key.startsWith('inbox basis')).length).toBeGreaterThan(0);
  }, 120_000);

  it('myFamily: the portal adult, the 15-year-old, another family’s member, an ended portal login, professionals', async () => {
    // Another family's member in the portal, and one whose login ended: she left the household (left_on), so
    // her principal is no family member any more (the service's FORBIDDEN).
    const linked = await db.transaction(async (em) => {
      await em.query(`SELECT set_config('app.actor_subject', 'limit-side-test', true)`);
      const [rows] = await em.query(`
        UPDATE family_member fm SET portal_subject = 'limit-portal-' || fm.id, left_on = CASE WHEN chosen.ended THEN current_date END
          FROM (SELECT m.id, row_number() OVER (ORDER BY m.id) = 2 AS ended FROM family_member m
                 WHERE m.birth_date <= now() - interval '18 years' AND m.portal_subject IS NULL AND m.left_on IS NULL
                   AND m.family_id <> ALL($1::uuid[]) ORDER BY m.id LIMIT 2) chosen
         WHERE fm.id = chosen.id
         RETURNING CASE WHEN chosen.ended THEN 'portal, login ended' ELSE 'portal, another family' END AS label, fm.portal_subject AS subject, NULL AS "agencyId"`,
        [portal.map((p) => p.familyId)]);
      return rows as Who[];
    });
    expect(linked.map((w) => w.label).sort()).toEqual(['portal, another family', 'portal, login ended']);
    for (const who of [...portal, ...linked, ...professionals.slice(0, 3)]) {
      expectSame(`${who.label} reads myFamily`, 'my-family', await both(who, 'my-family', MY_FAMILY_QUERY, {}, {}));
    }
    // Answered with the member and her family (audited as FAMILY_SELF: one entry of her family), and refused.
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['my-family OK', 'my-family FORBIDDEN', 'my-family basis FAMILY_SELF']));
  }, 120_000);

  it('networkInsight: the figures, suppressed alike, and the aggregate read recorded', async () => {
    const coordinators = (await findFixtures(db, (subject) => TestApi.token(subject), 2)).coordinators;
    // The cells of a figure table come in the database's order on both sides: compared as sets.
    const cellsSorted = (result: Awaited<ReturnType<typeof both>>) => {
      for (const answer of [result.service, result.limited]) {
        const insight = (answer.data as { networkInsight?: Record<string, unknown[]> } | null)?.networkInsight;
        for (const table of ['referralFlows', 'overdueReferralsByReceivingAgency']) insight?.[table]?.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      }
      return result;
    };
    const asked = [
      ...coordinators.map((c) => ({ who: { label: 'network coordinator', subject: c.subject, agencyId: c.agencyId }, networkId: c.networkId })),
      { who: { label: 'network coordinator, another network', subject: coordinators[0]!.subject, agencyId: coordinators[0]!.agencyId }, networkId: randomUUID() },
      ...[professionals[0]!, portal[0]!].map((who) => ({ who, networkId: coordinators[0]!.networkId })),
    ];
    for (const { who, networkId } of asked) {
      expectSame(`${who.label} reads the insight of ${networkId}`, 'network-insight', cellsSorted(await both(who, 'network-insight', NETWORK_INSIGHT_QUERY, { networkId }, { networkId })));
    }
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['network-insight OK', 'network-insight NOT_FOUND', 'network-insight FORBIDDEN', 'network-insight basis ADMINISTRATION']));
  }, 120_000);

  it('addAction: the same checks, rows and audit entries', async () => {
    // Goals of every plan, each written to by every principal with a user: refused or written alike.
    const goals: { id: string }[] = await db.query(`SELECT g.id FROM goal g ORDER BY g.id LIMIT 40`);
    const users: Record<string, string> = Object.fromEntries(
      (await db.query(`SELECT subject, id FROM app_user WHERE subject = ANY($1)`, [professionals.map((p) => p.subject)])).map((u: { subject: string; id: string }) => [u.subject, u.id]),
    );
    const ADD_ACTION = `mutation($input: AddActionInput!) { addAction(input: $input) { id } }`;
    const written = async (actionId: string | undefined, requestId: string) => ({
      action: actionId
        ? (await db.query(`SELECT goal_id, title, assignee_user_id, assignee_member_id, due_date::text, status, completed_at, created_by_user_id FROM action WHERE id = $1`, [actionId]))[0]
        : null,
      history: actionId
        ? (await db.query(`SELECT plan_id, actor_user_id, acting_agency_id, entity_type, change, details FROM plan_history WHERE entity_id = $1`, [actionId]))
        : [],
      audit: (await db.query(`SELECT ${AUDIT_COLUMNS.replace('entity_id, ', '')} FROM audit_event WHERE request_id = $1`, [requestId]))
        .map((row: Record<string, unknown>) => JSON.stringify(row))
        .sort(),
    });
    for (const who of professionals) {
      for (const goal of goals.filter((_g, i) => i % 4 === professionals.indexOf(who) % 4)) {
        const input = { goalId: goal.id, title: 'Samen naar de huisarts', assigneeUserId: users[who.subject]!, dueDate: '2027-01-15' };
        const serviceRequest = `limit-eq-${randomUUID()}`;
        const service = await api.gql(who.subject, ADD_ACTION, { input }, { 'X-Request-Id': serviceRequest, ...(who.agencyId ? { 'X-Acting-Agency': who.agencyId } : {}) });
        const caller = await limit.callerOf({ authorization: `Bearer ${await TestApi.token(who.subject)}`, 'x-acting-agency': who.agencyId ?? undefined });
        const limitRequest = `limit-eq-${randomUUID()}`;
        const limited = await limit.addAction({ ...caller!, requestId: limitRequest }, input);
        const code = (answer: GraphQLResult | Answer) => answer.errors?.[0]?.extensions?.code ?? 'OK';
        const idOf = (answer: GraphQLResult | Answer) => (answer.data as { addAction?: { id: string } } | null)?.addAction?.id;
        const label = `${who.label} adds an action to goal ${goal.id}`;
        expect({ label, code: code(limited), ...(await written(idOf(limited), limitRequest)) })
          .toEqual({ label, code: code(service), ...(await written(idOf(service), serviceRequest)) });
        count(`addAction ${code(service)}`);
      }
    }
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['addAction OK', 'addAction NOT_FOUND', 'addAction FORBIDDEN']));
  }, 180_000);

  it('rescheduleHandover: the same checks, meetings, transition, event, inbox item and audit entries', async () => {
    const RESCHEDULE = `mutation($input: RescheduleHandoverInput!) { rescheduleHandover(input: $input) { id version } }`;
    // Scheduled handovers (each with a caseworker of the referring agency on the team), and referrals in other states.
    const referrers = (await findFixtures(db, (subject) => TestApi.token(subject), 6)).referrers;
    // Referrals accepted or sent, each with a caseworker of the referring agency on the team (who may refer them, but not reschedule now).
    const others: (Who & { id: string })[] = await db.query(`
      SELECT DISTINCT ON (r.id) 'referring caseworker, no meeting scheduled' AS label, u.subject, r.from_agency_id AS "agencyId", r.id
        FROM referral r JOIN case_assignment ca ON ca.family_id = r.family_id AND ca.agency_id = r.from_agency_id AND ca.ended_at IS NULL
        JOIN membership m ON m.user_id = ca.user_id AND m.agency_id = r.from_agency_id AND m.role = 'CASEWORKER' JOIN app_user u ON u.id = ca.user_id
       WHERE r.status IN ('ACCEPTED', 'SENT') ORDER BY r.id, u.subject LIMIT 2`);
    expect(referrers.length).toBeGreaterThanOrEqual(2);
    const startsAt = new Date(Date.now() + 14 * 86_400_000).toISOString();
    /**
     * What one request wrote, the new ids and the version aside: the referral's state, the meeting it ended and
     * the one it made, its transition (the details naming those two), its event, the inbox items and webhook
     * deliveries of that event, and its audit entries (every column but the entity's id, which is a new row's).
     */
    const effects = async (referralId: string, before: { version: number; scheduled: string | null }, requestId: string) => {
      const [transition] = await db.query(
        `SELECT from_status, to_status, actor_user_id, actor_agency_id, reason, details FROM referral_transition WHERE referral_id = $1 AND version = $2`,
        [referralId, before.version + 1]);
      const meetingId = transition?.details.meetingId ?? null;
      const meeting = async (id: string | null, columns: string) => id && (await db.query(`SELECT ${columns} FROM handover_meeting WHERE id = $1`, [id]))[0];
      const [event] = await db.query(`SELECT id, type, body::jsonb->'data' AS data FROM outbox_event WHERE referral_id = $1 AND version = $2`, [referralId, before.version + 1]);
      return {
        referral: (await db.query(`SELECT status, version - $2 AS "versionAfter", due_at FROM referral WHERE id = $1`, [referralId, before.version]))[0],
        transition: transition && { ...transition, details: { endedTheScheduled: transition.details.previousMeetingId === before.scheduled, keys: Object.keys(transition.details).sort() } },
        ended: await meeting(before.scheduled, 'state, note, ended_at IS NOT NULL AS ended, bridge_figure_present'),
        made: await meeting(meetingId, 'state, starts_at, location, online_url, attendees, created_by_user_id, ended_at, bridge_figure_present'),
        event: event && { type: event.type, data: { ...event.data, version: event.data.version - before.version } },
        inbox: event ? await db.query(`SELECT kind, recipient_user_id, recipient_agency_id, recipient_member_id, family_id, subject_type, subject_id, params FROM inbox_item WHERE event_id = $1`, [event.id]) : [],
        webhooks: event ? (await db.query(`SELECT count(*)::int AS n FROM webhook_delivery WHERE event_id = $1`, [event.id]))[0].n : 0,
        audit: (await db.query(`SELECT ${AUDIT_COLUMNS.replace('entity_id, ', '')} FROM audit_event WHERE request_id = $1`, [requestId]))
          .map((row: Record<string, unknown>) => JSON.stringify(row)).sort(),
      };
    };
    const stateOf = async (referralId: string) => {
      const [row] = await db.query(`SELECT r.version, (SELECT hm.id FROM handover_meeting hm WHERE hm.referral_id = r.id AND hm.state = 'SCHEDULED') AS scheduled
                                     FROM referral r WHERE r.id = $1`, [referralId]);
      // An unknown referral: nothing to find on either side.
      return (row ?? { version: 1, scheduled: null }) as { version: number; scheduled: string | null };
    };
    const code = (answer: GraphQLResult | Answer) => answer.errors?.[0]?.extensions?.code ?? 'OK';
    /** The service, then the limit side from the state the service left (a step taken moved the version on), each as `who`. */
    const both = async (who: Who, referralId: string, change: (input: Record<string, unknown>) => Record<string, unknown> = (input) => input) => {
      const input = (version: number) => change({ referralId, expectedVersion: version, startsAt, location: 'Huis van het Kind', attendees: ['FAMILY', 'REFERRER', 'RECEIVER'] });
      const headers = (requestId: string) => ({ 'X-Request-Id': requestId, ...(who.agencyId ? { 'X-Acting-Agency': who.agencyId } : {}) });
      const serviceBefore = await stateOf(referralId);
      const serviceRequest = `limit-eq-${randomUUID()}`;
      const service = await api.gql(who.subject, RESCHEDULE, { input: input(serviceBefore.version) }, headers(serviceRequest));
      const serviceWrote = await effects(referralId, serviceBefore, serviceRequest);
      const limitBefore = await stateOf(referralId);
      const caller = await limit.callerOf({ authorization: `Bearer ${await TestApi.token(who.subject)}`, 'x-acting-agency': who.agencyId ?? undefined });
      const limitRequest = `limit-eq-${randomUUID()}`;
      const limited = caller ? await limit.rescheduleHandover({ ...caller, requestId: limitRequest }, input(limitBefore.version) as never) : { data: null, errors: [{ message: '', extensions: { code: 'UNAUTHENTICATED' } }] };
      const label = `${who.label} reschedules ${referralId}`;
      expect({ label, code: code(limited), version: (limited.data as any)?.rescheduleHandover?.version - limitBefore.version, ...(await effects(referralId, limitBefore, limitRequest)) })
        .toEqual({ label, code: code(service), version: (service.data as any)?.rescheduleHandover?.version - serviceBefore.version, ...serviceWrote });
      count(`rescheduleHandover ${code(service)}`);
      for (const entry of serviceWrote.audit.map((text: string) => JSON.parse(text) as { action: string; legal_basis: string })) count(`rescheduleHandover ${entry.action} ${entry.legal_basis}`);
    };
    const mine = referrers.map((r) => ({ who: { label: 'referring caseworker', subject: r.subject, agencyId: r.agencyId }, referralId: r.referrals[0]!.id }));
    // Who may: the referring caseworker, twice in a row (the second from the version the first left).
    for (const { who, referralId } of mine) {
      await both(who, referralId);
      await both(who, referralId);
    }
    // Who may not: everyone else on each scheduled handover, and anyone on a referral in another state.
    for (const who of [...professionals, ...portal, ...mine.slice(1).map((m) => m.who), ...others]) {
      await both(who, mine[0]!.referralId);
      for (const { id } of others) await both(who, id);
    }
    // A stale version (CONFLICT), no place (BAD_USER_INPUT), a time past (BAD_USER_INPUT), an unknown referral (NOT_FOUND).
    const { who, referralId } = mine[0]!;
    await both(who, referralId, (input) => ({ ...input, expectedVersion: (input.expectedVersion as number) - 1 }));
    await both(who, referralId, (input) => ({ ...input, location: null }));
    await both(who, referralId, (input) => ({ ...input, startsAt: new Date(Date.now() - 86_400_000).toISOString() }));
    await both(who, randomUUID());
    expect([...seen.keys()]).toEqual(expect.arrayContaining([
      'rescheduleHandover OK', 'rescheduleHandover NOT_FOUND', 'rescheduleHandover FORBIDDEN', 'rescheduleHandover CONFLICT',
      'rescheduleHandover INVALID_TRANSITION', 'rescheduleHandover BAD_USER_INPUT',
    ]));
    // The read-back audited, and the write audit of the triggers.
    expect([...seen.keys()].filter((key) => key.startsWith('rescheduleHandover READ ')).length).toBeGreaterThan(0);
    expect([...seen.keys()].filter((key) => /^rescheduleHandover (INSERT|UPDATE|CREATE)/.test(key)).length).toBeGreaterThan(0);
  }, 240_000);

  async function planFamily(ids: string[]): Promise<string> {
    return (await db.query(`SELECT family_id FROM plan WHERE id = $1`, [ids.at(-1)]))[0].family_id;
  }
});

/** Portal logins, linked as a caseworker would: an adult and a 15-year-old, of families with audit entries. */
async function linkPortal(db: DataSource): Promise<(Who & { familyId: string })[]> {
  return db.transaction(async (em) => {
    await em.query(`SELECT set_config('app.actor_subject', 'limit-side-test', true)`);
    return em.query(`
      UPDATE family_member fm SET portal_subject = 'limit-portal-' || fm.id
        FROM (SELECT 'portal, adult' AS label, (SELECT m.id FROM family_member m WHERE m.birth_date <= now() - interval '18 years'
                AND EXISTS (SELECT 1 FROM audit_event ae WHERE ae.family_id = m.family_id) ORDER BY m.id LIMIT 1) AS id
              UNION ALL
              SELECT 'portal, 15 years old', (SELECT m.id FROM family_member m WHERE m.birth_date BETWEEN now() - interval '16 years' AND now() - interval '15 years'
                ORDER BY m.id LIMIT 1)) chosen
       WHERE fm.id = chosen.id
       RETURNING chosen.label, fm.portal_subject AS subject, NULL AS "agencyId", fm.family_id AS "familyId"`);
  }).then((rows) => rows[0] ?? rows);
}

/** A caseworker on a family's team breaks the glass for it (through the API): her reads there rest on it. */
async function breakGlass(db: DataSource, api: TestApi): Promise<Omit<Who, 'label'>> {
  const [row] = await db.query(`
    SELECT u.subject, ca.agency_id AS "agencyId", ca.family_id AS "familyId" FROM case_assignment ca JOIN app_user u ON u.id = ca.user_id
      JOIN membership m ON m.user_id = u.id AND m.agency_id = ca.agency_id AND m.role = 'CASEWORKER'
     WHERE ca.ended_at IS NULL AND EXISTS (SELECT 1 FROM plan p WHERE p.family_id = ca.family_id)
     ORDER BY (EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.family_id = ca.family_id AND cg.recipient_agency_id = ca.agency_id AND cg.category = 'PLAN'
                AND cg.revoked_at IS NULL AND (cg.valid_until IS NULL OR cg.valid_until > now()))), u.subject LIMIT 1`);
  await api.ok(row.subject, `mutation($input: BreakGlassInput!) { breakGlass(input: $input) { id } }`,
    { input: { familyId: row.familyId, justification: 'Acute zorg om de veiligheid van de kinderen vandaag.' } }, { 'X-Acting-Agency': row.agencyId });
  return { subject: row.subject, agencyId: row.agencyId };
}

/** A consented caseworker's agency loses the family's PLAN consents (revoked through the API, as recorded by her). */
async function revokePlanConsent(db: DataSource, api: TestApi, reader: { subject: string; agencyId: string; planIds: string[] }): Promise<Omit<Who, 'label'>> {
  const consents = await db.query(`
    SELECT DISTINCT c.id, c.grantor_member_id AS "grantorId" FROM consent c JOIN consent_grant cg ON cg.consent_id = c.id JOIN plan p ON p.family_id = cg.family_id
     WHERE p.id = $1 AND cg.recipient_agency_id = $2 AND cg.category = 'PLAN' AND cg.revoked_at IS NULL`, [reader.planIds[0], reader.agencyId]);
  for (const consent of consents) {
    await api.ok(reader.subject, `mutation($input: RevokeConsentInput!) { revokeConsent(input: $input) { id } }`,
      { input: { consentId: consent.id, reason: 'Wil het plan niet meer delen', revokedByMemberId: consent.grantorId } }, { 'X-Acting-Agency': reader.agencyId });
  }
  expect(consents.length).toBeGreaterThan(0);
  return { subject: reader.subject, agencyId: reader.agencyId };
}
