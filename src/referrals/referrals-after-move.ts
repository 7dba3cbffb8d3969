import type { EntityManager } from 'typeorm';
import { readWithoutAudit } from '../audit/personal-reader.js';
import { agencyWorksIn } from '../policy/network-reach.js';
import { TERMINAL_STATUSES } from './referral-status.js';

/** An open referral left behind by a family's move, and who made it. */
export interface ReferralToReview {
  id: string;
  fromAgencyId: string;
  createdByUserId: string;
  /** Null for a logged referral, to an organisation outside the platform: no receiving agency to tell. */
  toAgencyId: string | null;
  /** Sent to the receiving agency (not a draft): the agency knows of it, and is told it can no longer take it further. */
  sent: boolean;
}

/**
 * The family's open referrals whose receiving agency does not work in `networkId`: after the family moved
 * there, they keep their state (nothing is dropped silently, the family still decides) and are reviewed by the
 * new supporter and the caseworker who made them, and the receiving agency is told (docs/regional-agencies-and-moves.md).
 * Ids only: no personal data.
 */
export function openReferralsOutside(em: EntityManager, familyId: string, networkId: string): Promise<ReferralToReview[]> {
  return readWithoutAudit('a check before a write that answers no personal data', em.query(
    `SELECT r.id, r.from_agency_id AS "fromAgencyId", r.created_by_user_id AS "createdByUserId", r.to_agency_id AS "toAgencyId",
            r.sent_at IS NOT NULL AS sent
       FROM referral r
      WHERE r.family_id = $1 AND r.status <> ALL($3::text[]) AND NOT ${agencyWorksIn('r.to_agency_id', '$2::uuid')}
      ORDER BY r.id`,
    [familyId, networkId, TERMINAL_STATUSES],
  ));
}
