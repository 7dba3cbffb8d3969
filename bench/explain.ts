/**
 * `npm run bench:explain -- [--families N] [--seed S]`: every list of the API and the main writes, each
 * run twice on the benchmark's database (seeded when empty, see bench-database.ts) with auto_explain,
 * trigger statements included; prints per operation its statements, the slow ones (over 2 ms on the
 * second run) and every sequential scan that removed rows — to show that the lists and the access rule
 * read by index at this size. The writes add a note, a goal, a revoked consent and a sent referral to one
 * family of the benchmark database.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { benchDatabase } from './bench-database.js';
import { explainStatements, startInProcessService } from './in-process-service.js';
import { ACCESS_LOG_QUERY, FAMILIES_QUERY, findFixtures, INCOMING_QUERY, NETWORK_INSIGHT_QUERY, PLAN_QUERY, type Principal, RESCHEDULE, tokenSigner } from './operations.js';

const { values: args } = parseArgs({ options: { families: { type: 'string', default: '2000' }, seed: { type: 'string', default: '1' } } });
const SECRET = randomBytes(32).toString('hex');
const tokenOf = tokenSigner(SECRET);

/** What auto_explain reported for one run of an operation. */
function summarise(plans: string[]): string {
  const statements = plans.filter((p) => !/audit_chain_pending|audit_unchained/.test(p));
  const slow = statements
    .map((p) => ({ ms: Number(/duration: ([\d.]+) ms/.exec(p)?.[1] ?? 0), text: /Query Text: (\S+(?: \S+){0,6})/.exec(p)?.[1] ?? '' }))
    .filter((s) => s.ms > 2)
    .map((s) => `${s.ms.toFixed(1)} ms ${s.text}`);
  const scans = statements.flatMap((p) =>
    [...p.matchAll(/Seq Scan on (\w+)[^\n]*\n(?:[^\n]*\n){0,2}?\s*Rows Removed by Filter: (\d+)/g)].map((m) => `${m[1]} (${m[2]} rows removed)`),
  );
  return [`${statements.length} statements (those of triggers and SQL functions included)`, ...slow.map((s) => `slow: ${s}`), ...[...new Set(scans)].map((s) => `SEQUENTIAL SCAN: ${s}`)].join('\n    ');
}

async function main(): Promise<void> {
  const { url, db, embedded } = await benchDatabase(Number(args.families), Number(args.seed));
  const f = await findFixtures(db, tokenOf, 1);
  const one = async <T>(sql: string, values: unknown[] = []): Promise<T> => ((await db.query(sql, values)) as T[])[0]!;
  const reader = f.planReaders[0]!;
  const planId = reader.planIds[0]!;
  const { familyId } = await one<{ familyId: string }>(`SELECT family_id AS "familyId" FROM plan WHERE id = $1`, [planId]);
  const adult = await one<{ id: string }>(`SELECT id FROM family_member WHERE family_id = $1 AND birth_date <= now() - interval '18 years' ORDER BY id LIMIT 1`, [familyId]);
  const other = await one<{ id: string }>(
    `SELECT a.id FROM agency a JOIN agency mine ON mine.network_id = a.network_id WHERE mine.id = $1 AND a.id <> $1 ORDER BY a.id LIMIT 1`,
    [reader.agencyId],
  );
  const admin = await one<{ subject: string; agencyId: string }>(
    `SELECT u.subject, m.agency_id AS "agencyId" FROM membership m JOIN app_user u ON u.id = m.user_id WHERE m.role = 'AGENCY_ADMIN' AND m.agency_id = $1`,
    [reader.agencyId],
  );
  const supporter = await one<{ subject: string; agencyId: string }>(
    `SELECT u.subject, ts.agency_id AS "agencyId" FROM trajectory_supporter ts JOIN app_user u ON u.id = ts.user_id
      WHERE ts.state = 'CURRENT' GROUP BY u.subject, ts.agency_id ORDER BY count(*) DESC, u.subject LIMIT 1`,
  );
  const as = async (p: { subject: string; agencyId: string | null }): Promise<Principal> => ({ subject: p.subject, agencyId: p.agencyId ?? '', token: await tokenOf(p.subject) });

  let plans: string[] = [];
  const { app, endpoint } = await startInProcessService(url, SECRET, (created) => explainStatements(created, 0, (plan) => plans.push(plan)));

  /** Runs the operation (twice when `twice`: the second, warm run is reported) and prints what it read. */
  async function run(name: string, who: Principal, query: string, variables: Record<string, unknown> = {}, twice = true) {
    let body: { data?: Record<string, any>; errors?: unknown[] } = {};
    for (let i = 0; i < (twice ? 2 : 1); i++) {
      plans = [];
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${who.token}`, ...(who.agencyId ? { 'x-acting-agency': who.agencyId } : {}) };
      body = (await (await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify({ query, variables }) })).json()) as typeof body;
    }
    console.log(`${name}: ${body.errors ? `ERROR ${JSON.stringify(body.errors).slice(0, 200)}` : summarise(plans)}`);
    return body.data ?? {};
  }

  const worker = await as(reader);
  console.log(`\n== lists and reads (${args.families} families)`);
  await run('plan(id)', worker, PLAN_QUERY, { id: planId });
  await run('plan notes and history', worker, `query($id: ID!) { plan(id: $id) { notes { id } history(first: 50) { edges { node { id } } } } }`, { id: planId });
  await run('family(id) with members', worker, `query($id: ID!) { family(id: $id) { members { id givenName } } }`, { id: familyId });
  await run('families(first: 50)', worker, FAMILIES_QUERY);
  await run('families(search)', worker, `{ families(first: 50, search: "an") { edges { node { id } } } }`);
  await run('consents(familyId)', worker, `query($id: ID!) { consents(familyId: $id) { id subjectMemberIds } }`, { id: familyId });
  await run('consentsToConfirm(memberId)', worker, `query($id: ID!) { consentsToConfirm(memberId: $id) { id } }`, { id: adult.id });
  await run('referrals(OUTGOING)', worker, `{ referrals(direction: OUTGOING, first: 50) { edges { node { id } } } }`);
  await run('referrals(INCOMING, overdue)', f.intakes[0]!, INCOMING_QUERY);
  await run('upcomingTransitions', await as(supporter), `{ upcomingTransitions(first: 50) { edges { node { member { id } } } } }`);
  await run('accessLog (portal)', f.portal[0]!, ACCESS_LOG_QUERY, { familyId: f.portal[0]!.familyId });
  await run('myFamily (portal)', f.portal[0]!, `{ myFamily { me { id } consents { id } consentsToConfirm { id } } }`);
  const agencyAdmin = await as(admin);
  await run('memberships(agencyId)', agencyAdmin, `query($id: ID!) { memberships(agencyId: $id, first: 50) { edges { node { id } } } }`, { id: admin.agencyId });
  await run('integrationClients(agencyId)', agencyAdmin, `query($id: ID!) { integrationClients(agencyId: $id, first: 50) { edges { node { id } } } }`, { id: admin.agencyId });
  await run('networkInsight', f.coordinators[0]!, NETWORK_INSIGHT_QUERY, { networkId: f.coordinators[0]!.networkId });

  console.log('\n== writes (once each)');
  await run('addNote', worker, `mutation($i: AddNoteInput!) { addNote(input: $i) { id } }`, { i: { planId, category: 'PLAN', body: 'bench:explain' } }, false);
  await run('addGoal', worker, `mutation($i: AddGoalInput!) { addGoal(input: $i) { id } }`, { i: { planId, lifeDomain: 'HOUSING', description: 'bench:explain', owner: 'FAMILY' } }, false);
  const consent = { grantorMemberId: adult.id, subjectMemberIds: [adult.id], recipientAgencyId: other.id, method: 'WRITTEN', purpose: 'bench:explain', evidenceReference: 'bench' };
  const recorded = await run('recordConsent', worker, `mutation($i: RecordConsentInput!) { recordConsent(input: $i) { id } }`, { i: { ...consent, categories: ['PLAN'], purposeCode: 'PLAN_COORDINATION' } }, false);
  await run('revokeConsent', worker, `mutation($i: RevokeConsentInput!) { revokeConsent(input: $i) { id } }`, { i: { consentId: recorded.recordConsent?.id, reason: 'bench:explain', revokedByMemberId: adult.id } }, false);
  await run('recordConsent (referral)', worker, `mutation($i: RecordConsentInput!) { recordConsent(input: $i) { id } }`, { i: { ...consent, categories: ['REFERRAL'], purposeCode: 'REFERRAL' } }, false);
  const created = await run('createReferral', worker, `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id version } }`, {
    i: { planId, toAgencyId: other.id, memberIds: [adult.id], reason: 'bench:explain', urgency: 'ROUTINE', requestedService: 'bench:explain' },
  }, false);
  const referrer = f.referrers[0]!;
  const handover = referrer.referrals[0]!;
  let version = handover.version;
  for (let i = 0; i < 2; i++) {
    const input = { referralId: handover.id, expectedVersion: version, startsAt: new Date(Date.now() + 14 * 86_400_000).toISOString(), location: 'bench:explain', attendees: ['FAMILY', 'REFERRER'] };
    const rescheduled = await run(`rescheduleHandover (${i === 0 ? 'cold' : 'warm'})`, referrer, RESCHEDULE, { input }, false);
    version = rescheduled.rescheduleHandover?.version ?? version;
  }
  await run('sendReferral', worker, `mutation($i: SendReferralInput!) { sendReferral(input: $i) { id } }`, { i: { referralId: created.createReferral?.id, expectedVersion: created.createReferral?.version } }, false);

  await app.close();
  await db.destroy();
  await embedded?.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
