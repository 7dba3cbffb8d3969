import type { EntityManager } from 'typeorm';
import { readWithoutAudit } from '../audit/personal-reader.js';
import { agencyWorksIn } from '../policy/network-reach.js';
import { TERMINAL_STATUSES } from './referral-status.js';

/** An open referral left behind by a family's move, and who made it. */
export interface ReferralToReview {
  id: string;
  fromAgencyId: string;
  createdByUserId: string;
}

/**
 * The family's open referrals whose receiving agency does not work in `networkId`: after the family moved
 * there, they keep their state (nothing is dropped silently, the family still decides) and are reviewed by the
 * new supporter and the caseworker who made them (docs/regional-agencies-and-moves.md). Ids only: no personal data.
 */
export function openReferralsOutside(em: EntityManager, familyId: string, networkId: string): Promise<ReferralToReview[]> {
  return readWithoutAudit('a check before a write that answers no personal data', em.query(
    `SELECT r.id, r.from_agency_id AS "fromAgencyId", r.created_by_user_id AS "createdByUserId"
       FROM referral r
      WHERE r.family_id = $1 AND r.status <> ALL($3::text[]) AND NOT ${agencyWorksIn('r.to_agency_id', '$2::uuid')}
      ORDER BY r.id`,
    [familyId, networkId, TERMINAL_STATUSES],
  ));
}
