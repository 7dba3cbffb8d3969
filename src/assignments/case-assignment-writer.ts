import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newId } from '../common/ids.js';
import { conflictOnDuplicate } from '../database/postgres-errors.js';
import { agencyWorksIn } from '../policy/network-reach.js';
import { CaseAssignment } from './case-assignment.entity.js';

/**
 * The one writer of `case_assignment` (test/table-owners.spec.ts): each method writes in the caller's
 * transaction, so the audit triggers record it with the caller's actor. Registering a family, accepting a
 * referral and ending a role assign or end through here; the authorization is the calling service's.
 */
@Injectable()
export class CaseAssignmentWriter {
  /** Assigns an admin's pick; CONFLICT when the user already works with the family for this agency. */
  async assign(em: EntityManager, assignment: Omit<CaseAssignment, 'id' | 'createdAt' | 'endedAt'>): Promise<CaseAssignment> {
    const row = em.create(CaseAssignment, { id: newId(), ...assignment });
    await conflictOnDuplicate(em.insert(CaseAssignment, row), 'This user is already assigned to this family');
    return row;
  }

  /**
   * The user assigns herself, for her agency: she registered the family, or accepted its referral. Nothing
   * changes when she already works with the family for that agency.
   */
  assignSelf(em: EntityManager, familyId: string, userId: string, agencyId: string): Promise<void> {
    return this.assignUnlessAssigned(em, { familyId, userId, agencyId, assignedByUserId: userId });
  }

  /** Assigns the user for the agency; nothing changes when she already works with the family for it. */
  async assignUnlessAssigned(em: EntityManager, assignment: Omit<CaseAssignment, 'id' | 'createdAt' | 'endedAt'>): Promise<void> {
    await em.query(
      `INSERT INTO case_assignment (id, family_id, user_id, agency_id, assigned_by_user_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (family_id, user_id, agency_id) WHERE ended_at IS NULL DO NOTHING`,
      [newId(), assignment.familyId, assignment.userId, assignment.agencyId, assignment.assignedByUserId],
    );
  }

  /**
   * A merge of two families: the absorbed family's assignments (ended ones too, as the record of who worked
   * with it) move to the surviving family; one that the surviving family already has for the same user and
   * agency ends instead, so that each still has one open assignment.
   */
  async moveToFamily(em: EntityManager, fromFamilyId: string, toFamilyId: string): Promise<void> {
    await em.query(
      `UPDATE case_assignment a SET ended_at = now()
        WHERE a.family_id = $1 AND a.ended_at IS NULL
          AND EXISTS (SELECT 1 FROM case_assignment s WHERE s.family_id = $2 AND s.user_id = a.user_id
                        AND s.agency_id = a.agency_id AND s.ended_at IS NULL)`,
      [fromFamilyId, toFamilyId],
    );
    await em.query(`UPDATE case_assignment SET family_id = $2 WHERE family_id = $1`, [fromFamilyId, toFamilyId]);
  }

  /**
   * A family moved: the assignments for agencies that do not work in its new network end (the agencies that
   * serve it too keep theirs). The agencies whose assignments ended.
   */
  async endOutsideNetwork(em: EntityManager, familyId: string, networkId: string): Promise<string[]> {
    const [rows]: [{ agency_id: string }[], number] = await em.query(
      `UPDATE case_assignment ca SET ended_at = now()
        WHERE ca.family_id = $1 AND ca.ended_at IS NULL AND NOT ${agencyWorksIn('ca.agency_id', '$2::uuid')}
        RETURNING ca.agency_id`,
      [familyId, networkId],
    );
    return [...new Set(rows.map((r) => r.agency_id))];
  }

  async end(em: EntityManager, assignment: CaseAssignment): Promise<CaseAssignment> {
    assignment.endedAt = new Date();
    await em.update(CaseAssignment, { id: assignment.id }, { endedAt: assignment.endedAt });
    return assignment;
  }

  /** Need to know stops with the job: ends the user's assignments for an agency where she is no caseworker or volunteer any more. */
  async endWithoutCaseRole(em: EntityManager, userId: string, agencyId: string): Promise<void> {
    await em.query(
      `UPDATE case_assignment SET ended_at = now()
        WHERE user_id = $1 AND agency_id = $2 AND ended_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM membership WHERE user_id = $1 AND agency_id = $2 AND role IN ('CASEWORKER', 'VOLUNTEER'))`,
      [userId, agencyId],
    );
  }
}
