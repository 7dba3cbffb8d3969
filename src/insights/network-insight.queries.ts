import { overdueSql } from '../referrals/referral-deadlines.js';

/**
 * The SQL of the network insight, one statement per group of figures. $1 is the network; $2 and $3 the
 * period [from, to) of the flow figures. Every statement starts from the network's families or agencies
 * (indexed by network), so its cost is bounded by the size of one network, never by the whole database;
 * each answers counts (and durations) per cell, never rows about families.
 */

/** Active plans of the network (life_domain NULL), and per life domain those with a goal in it not discontinued. */
export const ACTIVE_PLANS_SQL = `
  WITH active_plan AS (
    SELECT p.id FROM family f JOIN plan p ON p.family_id = f.id WHERE f.network_id = $1 AND p.status = 'ACTIVE')
  SELECT NULL AS life_domain, count(*)::int AS count FROM active_plan
  UNION ALL
  SELECT g.life_domain, count(DISTINCT g.plan_id)::int FROM active_plan ap JOIN goal g ON g.plan_id = ap.id
   WHERE g.status <> 'DISCONTINUED' GROUP BY g.life_domain`;

/** Referrals sent in the period (sent_at is the time of their SENT transition), per agency pair and current status. */
export const REFERRAL_FLOWS_SQL = `
  SELECT r.from_agency_id, r.to_agency_id, r.status, count(*)::int AS count
    FROM agency a JOIN referral r ON r.to_agency_id = a.id AND r.sent_at IS NOT NULL
   WHERE a.network_id = $1 AND r.sent_at >= $2 AND r.sent_at < $3
   GROUP BY r.from_agency_id, r.to_agency_id, r.status`;

/**
 * Of the referrals sent in the period, the median hours of each stage, over the whole network (network_wide)
 * and per receiving agency, with how many referrals each median is taken over (for the suppression only).
 * Stage times are the first transition into each status: a missed meeting that returns a referral to
 * ACCEPTED counts in the time to hand over, as the family waits through it.
 */
export const REFERRAL_STAGE_HOURS_SQL = `
  WITH stage AS (
    SELECT r.to_agency_id,
           min(t.at) FILTER (WHERE t.to_status = 'SENT') AS sent,
           min(t.at) FILTER (WHERE t.to_status = 'RECEIVED') AS received,
           min(t.at) FILTER (WHERE t.to_status IN ('ACCEPTED', 'DECLINED', 'WAITLISTED')) AS decided,
           min(t.at) FILTER (WHERE t.to_status = 'ACCEPTED') AS accepted,
           min(t.at) FILTER (WHERE t.to_status = 'HANDOVER_HELD') AS handover_held
      FROM agency a JOIN referral r ON r.to_agency_id = a.id AND r.sent_at IS NOT NULL
      JOIN referral_transition t ON t.referral_id = r.id
     WHERE a.network_id = $1 AND r.sent_at >= $2 AND r.sent_at < $3
     GROUP BY r.id, r.to_agency_id),
  hours AS (
    SELECT to_agency_id, extract(epoch FROM received - sent) / 3600 AS to_receive,
           extract(epoch FROM decided - received) / 3600 AS to_decide,
           extract(epoch FROM handover_held - accepted) / 3600 AS to_hand_over
      FROM stage)
  SELECT grouping(to_agency_id) = 1 AS network_wide, to_agency_id,
         count(to_receive)::int AS received, percentile_cont(0.5) WITHIN GROUP (ORDER BY to_receive) AS to_receive,
         count(to_decide)::int AS decided, percentile_cont(0.5) WITHIN GROUP (ORDER BY to_decide) AS to_decide,
         count(to_hand_over)::int AS handed_over, percentile_cont(0.5) WITHIN GROUP (ORDER BY to_hand_over) AS to_hand_over
    FROM hours GROUP BY GROUPING SETS ((), (to_agency_id))`;

/** Referrals to the network's agencies overdue now (the referral lists' own definition), per agency and stage. */
export const OVERDUE_REFERRALS_SQL = `
  SELECT r.to_agency_id, r.status, count(*)::int AS count
    FROM agency a JOIN referral r ON r.to_agency_id = a.id
   WHERE a.network_id = $1 AND ${overdueSql('r')}
   GROUP BY r.to_agency_id, r.status`;

/**
 * Consents to the network's agencies, or to organisations outside the platform in its directory (a logged referral's
 * consent), revoked in the period (for everyone they name), per recipient. Each consent's
 * revocation is looked up by the consent (a scalar subquery, which the planner keeps per row): as a join,
 * the planner read the period's revocations of every network first (the figures: docs/decisions.md,
 * "Every list and the access rule by index").
 */
const REVOKED = `tstzrange($2, $3) @> (SELECT cr.revoked_at FROM consent_revocation cr WHERE cr.consent_id = c.id AND cr.member_ids IS NULL)`;
export const CONSENTS_REVOKED_SQL = `
  SELECT c.recipient_agency_id, NULL::uuid AS recipient_directory_service_id, count(*)::int AS count
    FROM agency a JOIN consent c ON c.recipient_agency_id = a.id
   WHERE a.network_id = $1 AND ${REVOKED}
   GROUP BY c.recipient_agency_id
  UNION ALL
  SELECT NULL, c.recipient_directory_service_id, count(*)::int
    FROM directory_service ds JOIN consent c ON c.recipient_directory_service_id = ds.id
   WHERE ds.network_id = $1 AND ${REVOKED}
   GROUP BY c.recipient_directory_service_id`;

/**
 * Of the referrals sent in the period, those whose first meeting was held with the bridge figure there: the handover
 * meeting of a referral to one of the network's agencies, or the first visit of a logged referral to an organisation
 * outside the platform in its directory (recorded by the referrer), which has no receiving agency.
 */
export const ACCOMPANIED_FIRST_VISITS_SQL = `
  WITH sent AS (
    SELECT r.id FROM agency a JOIN referral r ON r.to_agency_id = a.id AND r.sent_at IS NOT NULL
     WHERE a.network_id = $1 AND r.sent_at >= $2 AND r.sent_at < $3
    UNION ALL
    SELECT r.id FROM directory_service ds JOIN referral r ON r.directory_service_id = ds.id AND r.to_agency_id IS NULL AND r.sent_at IS NOT NULL
     WHERE ds.network_id = $1 AND r.sent_at >= $2 AND r.sent_at < $3)
  SELECT count(*)::int AS count FROM sent
   WHERE EXISTS (SELECT 1 FROM handover_meeting hm WHERE hm.referral_id = sent.id AND hm.state = 'HELD' AND hm.bridge_figure_present)`;

/** Unmet needs: referrals sent in the period that are declined or waitlisted now, per life domain (NULL: none named) and status. */
export const UNMET_NEEDS_SQL = `
  SELECT r.life_domain, r.status, count(*)::int AS count
    FROM agency a JOIN referral r ON r.to_agency_id = a.id AND r.sent_at IS NOT NULL
   WHERE a.network_id = $1 AND r.sent_at >= $2 AND r.sent_at < $3 AND r.status IN ('DECLINED', 'WAITLISTED')
   GROUP BY r.life_domain, r.status`;

/**
 * Referrals sent (or, logged, passed on) in the period that name a service of the network's directory, per
 * service, and whether they are logged (no receiving agency: the service is an organisation's outside the
 * platform): from the network's services, so that logged referrals, which have no receiving agency, count too.
 */
export const DIRECTORY_SERVICE_REFERRALS_SQL = `
  SELECT ds.id AS directory_service_id, r.to_agency_id IS NULL AS logged, count(*)::int AS count
    FROM directory_service ds JOIN referral r ON r.directory_service_id = ds.id AND r.sent_at IS NOT NULL
   WHERE ds.network_id = $1 AND r.sent_at >= $2 AND r.sent_at < $3
   GROUP BY ds.id, r.to_agency_id IS NULL`;
