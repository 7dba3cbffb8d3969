/**
 * The limit side's HTTP server (`npm run bench` starts it as its own process: PORT, DATABASE_URL, AUTH_DEV_SECRET):
 * a bare `node:http` handler. Reads, `GET /<read>?<arguments>`, and the writes `POST /actions` and
 * `POST /referrals/reschedule` go through LimitSide (./limit-side.ts: the service's token check, principal and
 * policy, one prepared statement that answers or writes and audits, held to the service by
 * test/limit-side.e2e-spec.ts). The national-number lookup is a hand-written route, not held to it by a test.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import type { Caller as ServiceCaller } from '../../src/auth/caller.decorator.js';
import { loadConfig } from '../../src/config/app-config.js';
import { DEFAULT_LEGAL_TIME_ZONE } from '../../src/common/calendar.js';
import { KNOWN_FAMILY_ANSWER } from '../../src/families/known-families.js';
import { IdentityHasher, parseNationalNumber } from '../../src/families/national-number.js';
import { LIMIT_READS, type LimitRead, LimitSide, limitPool } from './limit-side.js';

const limit = new LimitSide(limitPool(process.env.DATABASE_URL!), loadConfig(process.env), limitPool(process.env.DATABASE_URL!, 'custom'));
const identityHasher = new IdentityHasher(new TextEncoder().encode(process.env.NATIONAL_NUMBER_KEY ?? ''));
// The lookup's transaction: the families' time zone.
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: 10,
  application_name: 'gezin1plan-limit-floor',
  options: `-c TimeZone=${DEFAULT_LEGAL_TIME_ZONE}`,
});

/** What the hand-written writes below need of the caller. */
interface Caller {
  subject: string;
  userId: string;
  agencyId: string;
  networkId: string;
}
const writer = ({ principal }: ServiceCaller): Caller | null =>
  principal.userId && principal.acting
    ? { subject: principal.subject, userId: principal.userId, agencyId: principal.acting.agencyId, networkId: principal.acting.networkId }
    : null;

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

/** The writes held to the service (LimitSide), by path. */
const WRITES: Record<string, (caller: ServiceCaller, body: Record<string, any>) => Promise<unknown>> = {
  actions: (caller, body) => limit.addAction(caller, body as Parameters<LimitSide['addAction']>[1]),
  'referrals/reschedule': (caller, body) => limit.rescheduleHandover(caller, body as Parameters<LimitSide['rescheduleHandover']>[1]),
};

type Route = (caller: Caller, url: URL, req: IncomingMessage) => Promise<unknown>;

const routes: Record<string, Route> = {
  // The lookup as the service makes it (KnownFamilies): the number's key, the same one answering statement, the
  // lookup recorded (one row, audited by its trigger) in the same transaction.
  'POST /known-family': async (c, _url, req) => {
    const { nationalNumber, purpose } = await bodyOf(req);
    const number = parseNationalNumber(String(nationalNumber));
    if (!number) return null;
    return audited(c, async (db) => {
      const { rows } = await db.query(KNOWN_FAMILY_ANSWER, [[identityHasher.nationalNumber(number)], []]);
      await db.query(
        `INSERT INTO family_lookup (id, family_id, user_id, agency_id, purpose, matched_by)
         SELECT gen_random_uuid(), l.family_id, $2, $3, $4, CASE WHEN l.family_id IS NOT NULL THEN 'NATIONAL_NUMBER' END FROM unnest($1::uuid[]) AS l(family_id)`,
        [rows.length ? rows.map((r: { family_id: string }) => r.family_id) : [null], c.userId, c.agencyId, purpose],
      );
      return { status: rows.length ? 'KNOWN' : 'NOT_KNOWN', families: rows };
    });
  },
};

const server = createServer((req, res: ServerResponse) => {
  const url = new URL(req.url ?? '/', 'http://limit');
  const path = url.pathname.slice(1);
  const route = routes[`${req.method} ${url.pathname}`];
  void (async () => {
    if (req.method === 'GET' && LIMIT_READS.includes(path)) {
      const answer = await limit.answer(path as LimitRead, req.headers, Object.fromEntries(url.searchParams));
      return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
    }
    const write = req.method === 'POST' && WRITES[path];
    if (write) {
      const caller = await limit.callerOf(req.headers);
      const answer = caller ? await write(caller, await bodyOf(req)) : { data: null };
      return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
    }
    if (!route) return res.writeHead(404).end();
    const caller = await limit.callerOf(req.headers);
    const acting = caller && writer(caller);
    if (!acting) return res.writeHead(401).end();
    const data = await route(acting, url, req);
    res.writeHead(data === null ? 404 : 200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ data }));
  })().catch((error: unknown) => res.writeHead(500).end(String(error)));
});

server.listen(Number(process.env.PORT ?? 3100), '127.0.0.1', () => console.log('limit side ready'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
