/**
 * The GraphQL documents of the benchmarked operations (issue 6), shared by `npm run bench` and the
 * test that keeps their SQL statement count constant as the data grows.
 */
import { SignJWT } from 'jose';
import type { DataSource } from 'typeorm';
import { DEV_TOKEN_ISSUER } from '../src/auth/token-verifier.js';
import { GRANT_IN_FORCE } from '../src/policy/subjects.js';
import { BENCH_NATIONAL_NUMBER_KEY, hmacSql, seededNationalNumberSql } from './seed/identities.js';

/** Development tokens (HS256) for `subject`, signed with `secret` (the service's AUTH_DEV_SECRET). */
export const tokenSigner = (secret: string) => (subject: string) =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(subject).setIssuer(DEV_TOKEN_ISSUER).setIssuedAt().setExpirationTime('2h').sign(new TextEncoder().encode(secret));

export const PLAN_QUERY = `query($id: ID!) { plan(id: $id) { id status summary supporter { user { id displayName } }
  participants { contribution agency { id name } } goals { id description lifeDomain status actions { id title status dueDate } } } }`;
export const FAMILIES_QUERY = `{ families(first: 50) { edges { node { id members { id givenName familyName birthDate } } } pageInfo { hasNextPage endCursor } } }`;
/** The portal's own family, as compiled (families/family-read.ts): the member logged in and the members she may see. */
export const MY_FAMILY_QUERY = `{ myFamily { me { id givenName familyName } family { id members { id givenName familyName birthDate } } } }`;
export const INCOMING_QUERY = `{ referrals(direction: INCOMING, overdue: true, first: 50) { edges { node { id status version dueAt urgency } } pageInfo { hasNextPage } } }`;
export const ACCESS_LOG_QUERY = `query($familyId: ID!) { accessLog(familyId: $familyId, first: 50) { edges { node { id action entityType at categories legalBasis } } } }`;
export const INBOX_QUERY = `{ inbox(first: 50) { edges { node { id kind occurredAt read text about { type id } family { id } } } pageInfo { hasNextPage endCursor } } }`;
export const ADD_ACTION = `mutation($input: AddActionInput!) { addAction(input: $input) { id } }`;
export const NETWORK_INSIGHT_QUERY = `query($networkId: ID!) { networkInsight(networkId: $networkId) { activePlans { value suppressed }
  activePlansPerLifeDomain { lifeDomain plans { value } } referralsSent { value } referralFlows { fromAgency { id } toAgency { id } status referrals { value } }
  referralMedianHours { toReceive { hours } toDecide { hours } toHandOver { hours } } overdueReferrals { value }
  overdueReferralsByReceivingAgency { toAgency { id } status referrals { value } } consentsRevoked { value } } }`;
export const FIND_KNOWN_FAMILY = `query($input: FindKnownFamilyInput!) { findKnownFamily(input: $input) { status
  families { handle matchedBy agencies { id name } supporter { agency { id name } name workContact { email phone } } } } }`;
export const RESCHEDULE = `mutation($input: RescheduleHandoverInput!) { rescheduleHandover(input: $input) { id version } }`;

// ---- who benchmarks what: principals with real access, found in the seeded data -------------------

export interface Principal {
  subject: string;
  agencyId: string;
  token: string;
}

export interface Fixtures {
  planReaders: (Principal & { planIds: string[] })[];
  familyReaders: Principal[];
  intakes: Principal[];
  portal: (Principal & { familyId: string })[];
  goalWriters: (Principal & { userId: string; goalIds: string[] })[];
  referrers: (Principal & { referrals: { id: string; version: number }[] })[];
  coordinators: (Principal & { networkId: string })[];
  inboxReaders: Principal[];
  /** Caseworkers who look up families, and national numbers of seeded members (bench/seed/identities.ts). */
  lookups: Principal[];
  knownNumbers: string[];
}

/**
 * Principals that really have access to seeded data, per operation, with their tokens (`tokenOf`);
 * `limit` bounds each list (the referrals list: one referral per principal).
 */
export async function findFixtures(db: DataSource, tokenOf: (subject: string) => Promise<string>, limit = 40): Promise<Fixtures> {
  const withTokens = async <T extends { subject: string }>(rows: T[]) => Promise.all(rows.map(async (r) => ({ ...r, token: await tokenOf(r.subject) })));
  // Caseworkers assigned to families whose members consented PLAN data to their agency, with their plans.
  const planReaders = await db.query(`
    SELECT u.subject, ca.agency_id AS "agencyId", array_agg(p.id ORDER BY p.id) AS "planIds"
      FROM case_assignment ca JOIN app_user u ON u.id = ca.user_id
      JOIN membership m ON m.user_id = u.id AND m.agency_id = ca.agency_id AND m.role = 'CASEWORKER'
      JOIN plan p ON p.family_id = ca.family_id AND p.status = 'ACTIVE'
     WHERE ca.ended_at IS NULL AND EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.family_id = ca.family_id AND cg.recipient_agency_id = ca.agency_id
       AND cg.category = 'PLAN' AND ${GRANT_IN_FORCE})
     GROUP BY u.subject, ca.agency_id ORDER BY count(*) DESC, u.subject LIMIT ${limit}`);
  const goalWriters = await db.query(`
    SELECT u.subject, u.id AS "userId", ca.agency_id AS "agencyId", array_agg(g.id ORDER BY g.id) AS "goalIds"
      FROM case_assignment ca JOIN app_user u ON u.id = ca.user_id
      JOIN membership m ON m.user_id = u.id AND m.agency_id = ca.agency_id AND m.role = 'CASEWORKER'
      JOIN plan p ON p.family_id = ca.family_id AND p.status = 'ACTIVE' JOIN goal g ON g.plan_id = p.id AND g.status = 'ACTIVE' AND g.life_domain NOT IN ('HEALTH', 'SAFETY')
     WHERE ca.ended_at IS NULL AND EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.family_id = ca.family_id AND cg.recipient_agency_id = ca.agency_id
       AND cg.category = 'PLAN' AND ${GRANT_IN_FORCE})
     GROUP BY u.subject, u.id, ca.agency_id ORDER BY count(*) DESC, u.subject LIMIT ${limit}`);
  const intakes = await db.query(`
    SELECT u.subject, r.to_agency_id AS "agencyId" FROM referral r
      JOIN membership m ON m.agency_id = r.to_agency_id AND m.role = 'CASEWORKER' JOIN app_user u ON u.id = m.user_id
     WHERE r.sent_at IS NOT NULL AND r.due_at < now()
     GROUP BY u.subject, r.to_agency_id ORDER BY count(DISTINCT r.id) DESC, u.subject LIMIT ${limit}`);
  // Referrals with a meeting scheduled, each with a caseworker of the referring agency on the family's team.
  const referrers = await db.query(`
    SELECT DISTINCT ON (r.id) u.subject, r.from_agency_id AS "agencyId", json_build_array(json_build_object('id', r.id, 'version', r.version)) AS referrals
      FROM referral r JOIN case_assignment ca ON ca.family_id = r.family_id AND ca.agency_id = r.from_agency_id AND ca.ended_at IS NULL
      JOIN membership m ON m.user_id = ca.user_id AND m.agency_id = r.from_agency_id AND m.role = 'CASEWORKER' JOIN app_user u ON u.id = ca.user_id
     WHERE r.status = 'HANDOVER_SCHEDULED' ORDER BY r.id, u.subject LIMIT ${limit}`);
  const coordinators = await db.query(`
    SELECT u.subject, m.agency_id AS "agencyId", a.network_id AS "networkId" FROM membership m
      JOIN app_user u ON u.id = m.user_id JOIN agency a ON a.id = m.agency_id
     WHERE m.role = 'NETWORK_COORDINATOR' ORDER BY u.subject LIMIT ${limit}`);
  // Professionals with the most inbox items in an agency they act for.
  const inboxReaders = await db.query(`
    SELECT u.subject, ii.recipient_agency_id AS "agencyId" FROM inbox_item ii JOIN app_user u ON u.id = ii.recipient_user_id
     WHERE ii.recipient_user_id IS NOT NULL AND EXISTS (SELECT 1 FROM membership m WHERE m.user_id = u.id AND m.agency_id = ii.recipient_agency_id)
     GROUP BY u.subject, ii.recipient_agency_id ORDER BY count(*) DESC, u.subject LIMIT ${limit}`);
  // Family members of 12 and more log in to the portal: link some, as a caseworker would.
  const portal = await db.transaction(async (em) => {
    await em.query(`SELECT set_config('app.actor_subject', 'bench-setup', true)`);
    return em.query(`
      UPDATE family_member fm SET portal_subject = 'bench-portal-' || fm.id
        FROM (SELECT DISTINCT ON (m.family_id) m.id FROM family_member m
               WHERE m.birth_date <= now() - interval '18 years' AND EXISTS (SELECT 1 FROM audit_event ae WHERE ae.family_id = m.family_id)
               ORDER BY m.family_id, m.id LIMIT ${limit}) chosen
       WHERE fm.id = chosen.id
       RETURNING fm.portal_subject AS subject, fm.family_id AS "familyId", NULL AS "agencyId"`);
  });
  // Numbers whose key the seed stored (a member whose number collided with another's has none).
  const known: { number: string }[] = await db.query(`
    SELECT ${seededNationalNumberSql('fm.birth_date', 'fm.id')} AS number FROM family_member_identity fmi JOIN family_member fm ON fm.id = fmi.member_id
     WHERE fmi.national_number_hash = ${hmacSql(BENCH_NATIONAL_NUMBER_KEY, 'national-number', seededNationalNumberSql('fm.birth_date', 'fm.id'))}
     ORDER BY fmi.member_id LIMIT 500`);
  return {
    lookups: await withTokens(planReaders),
    knownNumbers: known.map((k) => k.number),
    planReaders: await withTokens(planReaders),
    familyReaders: await withTokens(planReaders),
    intakes: await withTokens(intakes),
    portal: await withTokens(portal[0] ?? portal),
    goalWriters: await withTokens(goalWriters),
    referrers: await withTokens(referrers),
    coordinators: await withTokens(coordinators),
    inboxReaders: await withTokens(inboxReaders),
  };
}

/** A valid INSZ number of someone born on 1 January 1901 (`serial` 1–997): no seeded member is that old. */
export function unknownNationalNumber(serial: number): string {
  const body = `010101${String(serial).padStart(3, '0')}`;
  return body + String(97 - (Number(body) % 97)).padStart(2, '0');
}
