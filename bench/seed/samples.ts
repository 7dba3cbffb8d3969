/** Principals that can exercise the service on seeded data (`npm run token -- <subject>`). */
import type { QueryRunner } from 'typeorm';
import { GRANT_IN_FORCE } from '../../src/policy/subjects.js';

/** Access samples are checked against the clock at the end of the run (consents in force, overdue deadlines). */
export interface SeedSamples {
  /**
   * Caseworkers with a single membership (no X-Acting-Agency needed), assigned to families whose members
   * consented to their agency for plan data: each can list `families` and read `plan(id)` of the families
   * named, whose open plans have goals of plan data with actions.
   */
  caseworkers: CaseworkerSample[];
  /** Caseworkers of receiving agencies with overdue incoming referrals: `referrals(direction: INCOMING, overdue: true)`. */
  incoming: IncomingSample[];
  /** Family members logged in to the portal: `accessLog(familyId)`, `myFamily`. */
  portalMembers: PortalSample[];
}

export interface CaseworkerSample {
  subject: string;
  userId: string;
  agencyId: string;
  familyIds: string[];
  planIds: string[];
}

export interface IncomingSample {
  subject: string;
  agencyId: string;
  /** How many incoming referrals of the agency are overdue; the ids of (at most) five of them. */
  overdue: number;
  overdueReferralIds: string[];
}

export interface PortalSample {
  subject: string;
  memberId: string;
  familyId: string;
}

/** Principals that have something to do on the seeded data, checked against the clock now. */
export async function samples(runner: QueryRunner, networkIds: string[]): Promise<SeedSamples> {
  const singleMembership = (user: string) => `(SELECT count(*) FROM membership x WHERE x.user_id = ${user}) = 1`;
  const caseworkers: CaseworkerSample[] = await runner.query(
    `SELECT u.subject, u.id AS "userId", ca.agency_id AS "agencyId",
            (array_agg(f.id ORDER BY f.id))[1:5] AS "familyIds", (array_agg(p.id ORDER BY f.id))[1:5] AS "planIds"
       FROM case_assignment ca
       JOIN app_user u ON u.id = ca.user_id
       JOIN membership m ON m.user_id = ca.user_id AND m.agency_id = ca.agency_id AND m.role = 'CASEWORKER'
       JOIN family f ON f.id = ca.family_id AND f.network_id = ANY($1)
       JOIN plan p ON p.family_id = f.id AND p.status = 'ACTIVE'
      WHERE ca.ended_at IS NULL AND ${singleMembership('ca.user_id')}
        AND EXISTS (SELECT 1 FROM consent_grant cg WHERE cg.family_id = f.id AND cg.recipient_agency_id = ca.agency_id AND cg.category = 'PLAN'
                     AND ${GRANT_IN_FORCE})
        AND EXISTS (SELECT 1 FROM goal g JOIN action a ON a.goal_id = g.id WHERE g.plan_id = p.id AND g.life_domain NOT IN ('HEALTH', 'SAFETY'))
      GROUP BY u.subject, u.id, ca.agency_id
      ORDER BY count(*) DESC, u.subject LIMIT 25`,
    [networkIds],
  );
  const incoming: IncomingSample[] = await runner.query(
    `SELECT w.subject, o.agency_id AS "agencyId", o.overdue::int AS overdue, o.referral_ids AS "overdueReferralIds"
       FROM (SELECT r.to_agency_id AS agency_id, (array_agg(r.id ORDER BY r.due_at, r.id))[1:5] AS referral_ids, count(*) AS overdue
               FROM referral r JOIN family f ON f.id = r.family_id AND f.network_id = ANY($1)
              WHERE r.sent_at IS NOT NULL AND r.due_at < now()
              GROUP BY r.to_agency_id) o
       CROSS JOIN LATERAL (SELECT u.subject FROM membership m JOIN app_user u ON u.id = m.user_id
                            WHERE m.agency_id = o.agency_id AND m.role = 'CASEWORKER' AND ${singleMembership('m.user_id')}
                            ORDER BY u.subject LIMIT 1) w
      ORDER BY o.overdue DESC, o.agency_id LIMIT 10`,
    [networkIds],
  );
  const portalMembers: PortalSample[] = await runner.query(
    `SELECT fm.portal_subject AS subject, fm.id AS "memberId", fm.family_id AS "familyId"
       FROM family_member fm JOIN family f ON f.id = fm.family_id AND f.network_id = ANY($1)
      WHERE fm.portal_subject IS NOT NULL ORDER BY fm.id LIMIT 20`,
    [networkIds],
  );
  return { caseworkers, incoming, portalMembers };
}
