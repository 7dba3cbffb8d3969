/**
 * The benchmark's floor: the data of each benchmarked operation fetched by hand-written SQL over `pg`
 * in a bare `node:http` handler, with the same authentication (the same JWT, the same principal query)
 * and the same access rule (team ∧ (consent ∨ author ∨ break-glass), filtered in SQL). What it leaves
 * out is what the service adds on top: GraphQL, validation, the policy module, DataLoaders and the
 * audit of reads. Run by `npm run bench` as its own process (PORT, DATABASE_URL, AUTH_DEV_SECRET).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { jwtVerify } from 'jose';
import pg from 'pg';
import { DEV_TOKEN_ISSUER } from '../src/auth/token-verifier.js';
import {
  ACTIVE_PLANS_SQL,
  CONSENTS_REVOKED_SQL,
  OVERDUE_REFERRALS_SQL,
  REFERRAL_FLOWS_SQL,
  REFERRAL_STAGE_HOURS_SQL,
} from '../src/insights/network-insight.queries.js';
import { DEFAULT_LEGAL_TIME_ZONE } from '../src/common/calendar.js';

// The service's session settings too: its dates (current_date in the access rule) are the families'.
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: 10,
  application_name: 'gezin1plan-floor',
  options: `-c TimeZone=${DEFAULT_LEGAL_TIME_ZONE}`,
});
const secret = new TextEncoder().encode(process.env.AUTH_DEV_SECRET);

interface Caller {
  subject: string;
  userId: string;
  agencyId: string;
  networkId: string;
  memberId: string | null;
}

/** The need-to-know team of the family `f` (assignment or supporter of its open plan), for user $1. */
const onTeam = (family: string) => `(EXISTS (SELECT 1 FROM case_assignment ca WHERE ca.family_id = ${family} AND ca.ended_at IS NULL AND ca.user_id = $1)
  OR EXISTS (SELECT 1 FROM trajectory_supporter ts JOIN plan tp ON tp.id = ts.plan_id
             WHERE tp.family_id = ${family} AND tp.status <> 'CLOSED' AND ts.state <> 'ENDED' AND ts.user_id = $1))`;
const grant = (key: string, category: string) => `EXISTS (SELECT 1 FROM consent_grant cg WHERE ${key} AND cg.recipient_agency_id = $2
  AND cg.category = ${category} AND cg.revoked_at IS NULL AND cg.valid_from <= now() AND (cg.valid_until IS NULL OR cg.valid_until > now())
  AND (cg.represented_until IS NULL OR cg.represented_until > current_date))`;
const brokeGlass = (family: string) => `EXISTS (SELECT 1 FROM break_glass_grant bg WHERE bg.family_id = ${family} AND bg.user_id = $1
  AND now() >= bg.starts_at AND now() < bg.expires_at AND NOT EXISTS (SELECT 1 FROM break_glass_revocation bgr WHERE bgr.grant_id = bg.id))`;
const goalCategory = `(CASE g.life_domain WHEN 'HEALTH' THEN 'HEALTH' WHEN 'SAFETY' THEN 'SAFETY' ELSE 'PLAN' END)`;
const goalVisible = `(${grant('cg.family_id = p.family_id', goalCategory)} OR g.created_by_user_id = $1 OR ${brokeGlass('p.family_id')})`;

/** $1 user, $2 agency, $3 network, $4 plan id. */
const PLAN_SQL = `
  SELECT json_build_object('id', p.id, 'status', p.status, 'summary', p.summary,
    'supporter', (SELECT json_build_object('user', json_build_object('id', u.id, 'displayName', u.display_name))
                    FROM trajectory_supporter s JOIN app_user u ON u.id = s.user_id WHERE s.plan_id = p.id AND s.state = 'CURRENT'),
    'participants', (SELECT coalesce(json_agg(json_build_object('contribution', pp.contribution, 'agency', json_build_object('id', a.id, 'name', a.name)) ORDER BY pp.id), '[]')
                       FROM plan_participant pp JOIN agency a ON a.id = pp.agency_id WHERE pp.plan_id = p.id AND pp.removed_at IS NULL),
    'goals', (SELECT coalesce(json_agg(json_build_object('id', g.id, 'description', g.description, 'lifeDomain', g.life_domain, 'status', g.status,
                'actions', (SELECT coalesce(json_agg(json_build_object('id', ac.id, 'title', ac.title, 'status', ac.status, 'dueDate', ac.due_date) ORDER BY ac.id), '[]')
                              FROM action ac WHERE ac.goal_id = g.id)) ORDER BY g.id), '[]')
                FROM goal g WHERE g.plan_id = p.id AND ${goalVisible})) AS plan
    FROM plan p JOIN family f ON f.id = p.family_id
   WHERE p.id = $4 AND f.network_id = $3 AND ${onTeam('p.family_id')}
     AND (${grant('cg.family_id = p.family_id', `'PLAN'`)} OR p.created_by_user_id = $1 OR ${brokeGlass('p.family_id')})`;

/** $1 user, $2 agency, $3 network, $4 page size + 1. */
const FAMILIES_SQL = `
  SELECT f.id, (SELECT coalesce(json_agg(json_build_object('id', fm.id, 'givenName', fm.given_name, 'familyName', fm.family_name, 'birthDate', fm.birth_date) ORDER BY fm.id), '[]')
                  FROM family_member fm WHERE fm.family_id = f.id
                   AND (${grant('cg.member_id = fm.id', `'IDENTITY'`)} OR fm.created_by_user_id = $1 OR ${brokeGlass('f.id')})) AS members
    FROM family f WHERE f.network_id = $3 AND ${onTeam('f.id')} ORDER BY f.id LIMIT $4`;

/** $1 user (unused), $2 agency, $3 page size + 1. */
const INCOMING_OVERDUE_SQL = `
  SELECT r.id, r.status, r.version, r.due_at AS "dueAt", r.urgency FROM referral r
   WHERE r.to_agency_id = $2 AND r.sent_at IS NOT NULL AND r.due_at < now() AND $1::uuid IS NOT NULL ORDER BY r.id LIMIT $3`;

/** $1 member, $2 family, $3 page size + 1: the entries about members the caller speaks for. */
const ACCESS_LOG_SQL = `
  SELECT ae.seq AS id, ae.action, ae.entity_type AS "entityType", ae.at, ae.categories, ae.legal_basis AS "legalBasis"
    FROM audit_event ae
   WHERE ae.family_id = $2 AND NOT EXISTS (SELECT 1 FROM unnest(ae.member_ids) m(id) WHERE NOT member_speaks_for($1, m.id))
   ORDER BY ae.seq DESC LIMIT $3`;

/** The same principal query as the service (PrincipalService.resolve), for the acting agency. */
async function callerOf(req: IncomingMessage): Promise<Caller | null> {
  const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!token) return null;
  const subject = (await jwtVerify(token, secret, { issuer: DEV_TOKEN_ISSUER, algorithms: ['HS256'] }).catch(() => null))?.payload.sub;
  if (!subject) return null;
  const { rows } = await pool.query(
    `SELECT u.id AS user_id, m.agency_id, a.network_id, (SELECT fm.id FROM family_member fm WHERE fm.portal_subject = $1) AS member_id
       FROM (SELECT $1::text AS subject) s LEFT JOIN app_user u ON u.subject = s.subject
       LEFT JOIN membership m ON m.user_id = u.id LEFT JOIN agency a ON a.id = m.agency_id`,
    [subject],
  );
  const acting = String(req.headers['x-acting-agency'] ?? rows[0]?.agency_id ?? '');
  const row = rows.find((r) => r.agency_id === acting) ?? rows[0];
  return row ? { subject, userId: row.user_id, agencyId: row.agency_id, networkId: row.network_id, memberId: row.member_id } : null;
}

async function bodyOf(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

/** A write as the service makes it: one transaction, the actor named for the audit triggers. */
async function audited<T>(caller: Caller, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `SELECT set_config('app.actor_subject', $1, true), set_config('app.actor_user_id', $2, true),
              set_config('app.acting_agency_id', $3, true), set_config('app.request_id', $4, true), set_config('app.legal_basis', 'ASSIGNMENT', true)`,
      [caller.subject, caller.userId, caller.agencyId, randomUUID()],
    );
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

type Route = (caller: Caller, url: URL, req: IncomingMessage) => Promise<unknown>;

const routes: Record<string, Route> = {
  'GET /plan': async (c, url) => (await pool.query(PLAN_SQL, [c.userId, c.agencyId, c.networkId, url.searchParams.get('id')])).rows[0]?.plan ?? null,
  'GET /families': async (c, url) => (await pool.query(FAMILIES_SQL, [c.userId, c.agencyId, c.networkId, Number(url.searchParams.get('first') ?? 50) + 1])).rows,
  'GET /referrals/incoming-overdue': async (c, url) =>
    (await pool.query(INCOMING_OVERDUE_SQL, [c.userId, c.agencyId, Number(url.searchParams.get('first') ?? 50) + 1])).rows,
  'GET /access-log': async (c, url) =>
    (await pool.query(ACCESS_LOG_SQL, [c.memberId, url.searchParams.get('familyId'), Number(url.searchParams.get('first') ?? 50) + 1])).rows,
  // The insight's own statements (the figures are the same SQL), without the policy, the audit entry, the
  // snapshot transaction and the suppression: for the acting coordinator's network, the last 12 months.
  'GET /network-insight': async (c) => {
    const to = new Date();
    const period = [c.networkId, new Date(to.getTime() - 365 * 86_400_000), to];
    return {
      plans: (await pool.query(ACTIVE_PLANS_SQL, [c.networkId])).rows,
      flows: (await pool.query(REFERRAL_FLOWS_SQL, period)).rows,
      hours: (await pool.query(REFERRAL_STAGE_HOURS_SQL, period)).rows,
      overdue: (await pool.query(OVERDUE_REFERRALS_SQL, [c.networkId])).rows,
      revoked: (await pool.query(CONSENTS_REVOKED_SQL, period)).rows,
    };
  },
  'POST /actions': async (c, _url, req) => {
    const { goalId, title } = await bodyOf(req);
    return audited(c, async (db) => {
      const { rows } = await db.query(
        `SELECT g.id FROM goal g JOIN plan p ON p.id = g.plan_id JOIN family f ON f.id = p.family_id
          WHERE g.id = $4 AND f.network_id = $3 AND ${onTeam('p.family_id')} AND ${goalVisible}`,
        [c.userId, c.agencyId, c.networkId, goalId],
      );
      if (!rows[0]) return null;
      const id = randomUUID();
      await db.query(`INSERT INTO action (id, goal_id, title, assignee_user_id, status) VALUES ($1, $2, $3, $4, 'OPEN')`, [id, goalId, title, c.userId]);
      return { id };
    });
  },
  'POST /referrals/reschedule': async (c, _url, req) => {
    const { referralId, expectedVersion, startsAt, location } = await bodyOf(req);
    return audited(c, async (db) => {
      const { rows } = await db.query(
        `SELECT r.id, r.version, r.status FROM referral r JOIN family f ON f.id = r.family_id
          WHERE r.id = $4 AND f.network_id = $3 AND r.from_agency_id = $2 AND ${onTeam('r.family_id')} FOR UPDATE OF r`,
        [c.userId, c.agencyId, c.networkId, referralId],
      );
      const referral = rows[0];
      if (!referral || referral.version !== expectedVersion || referral.status !== 'HANDOVER_SCHEDULED') return null;
      await db.query(`UPDATE handover_meeting SET state = 'RESCHEDULED', ended_at = now() WHERE referral_id = $1 AND state = 'SCHEDULED'`, [referralId]);
      await db.query(
        `INSERT INTO handover_meeting (id, referral_id, starts_at, location, attendees, state, created_by_user_id)
         VALUES ($1, $2, $3, $4, ARRAY['FAMILY','REFERRER','RECEIVER'], 'SCHEDULED', $5)`,
        [randomUUID(), referralId, startsAt, location, c.userId],
      );
      const version = referral.version + 1;
      await db.query(`UPDATE referral SET version = $2, updated_at = now() WHERE id = $1`, [referralId, version]);
      await db.query(
        `INSERT INTO referral_transition (id, referral_id, from_status, to_status, version, at, actor_user_id, actor_agency_id, details)
         VALUES ($1, $2, 'HANDOVER_SCHEDULED', 'HANDOVER_SCHEDULED', $3, now(), $4, $5, '{}')`,
        [randomUUID(), referralId, version, c.userId, c.agencyId],
      );
      const event = { id: randomUUID(), type: 'referral.status_changed', occurredAt: new Date().toISOString(),
        data: { referralId, externalReference: null, from: 'HANDOVER_SCHEDULED', to: 'HANDOVER_SCHEDULED', version } };
      await db.query(`INSERT INTO outbox_event (id, type, referral_id, version, occurred_at, body) VALUES ($1, $2, $3, $4, now(), $5)`, [
        event.id, event.type, referralId, version, JSON.stringify(event),
      ]);
      return { id: referralId, version };
    });
  },
};

const server = createServer((req, res: ServerResponse) => {
  const url = new URL(req.url ?? '/', 'http://floor');
  const route = routes[`${req.method} ${url.pathname}`];
  void (async () => {
    if (!route) return res.writeHead(404).end();
    const caller = await callerOf(req);
    if (!caller) return res.writeHead(401).end();
    const data = await route(caller, url, req);
    res.writeHead(data === null ? 404 : 200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ data }));
  })().catch((error: unknown) => res.writeHead(500).end(String(error)));
});

server.listen(Number(process.env.PORT ?? 3100), '127.0.0.1', () => console.log('floor ready'));
process.once('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
