import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditedTransactions } from '../audit/audited-transactions.js';
import type { Caller } from '../auth/caller.decorator.js';
import { DomainError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { familyMergeStatement, memberMergeStatement } from '../database/family-merge-statement.js';
import { type MemberPair, PAIRS, pairColumns } from '../families/member-pair.js';
import { PolicyService } from '../policy/policy.service.js';
import { OPEN_PLAN_SQL, OPEN_REFERRAL_SQL } from './care-in-progress.js';
import type { RequestErasureInput } from './dto/request-erasure.input.js';
import { ErasureRefusal, type ErasureRequest } from './erasure-request.type.js';
import { readWithoutAudit } from '../audit/personal-reader.js';

const REFUSALS: Record<ErasureRefusal, string> = {
  [ErasureRefusal.OPEN_PLAN]: "the family's plan is still open: care is running",
  [ErasureRefusal.OPEN_REFERRAL]: 'a referral of the family is still under way: the receiving agency must be able to act on it',
};

/**
 * A family member's right to erasure: the member's personal data (and the records about that member
 * only) are erased at once, by the same database function as at the end of the retention period, unless
 * the law still requires keeping them. Either way the request is recorded.
 */
@Injectable()
export class ErasureRequestsService {
  constructor(
    private readonly policy: PolicyService,
    private readonly tx: AuditedTransactions,
  ) {}

  async request(caller: Caller, input: RequestErasureInput): Promise<ErasureRequest> {
    const outcome = await this.tx.run(caller, async (em) => {
      const member = await this.policy.authorize(em, caller.ability, 'erase', 'FamilyMember', input.memberId, { lock: true });
      // The family locked as openPlan locks it: no plan opens while this decides.
      const [care]: { open_plan: boolean; open_referral: boolean }[] = await readWithoutAudit('a check before a write that answers no personal data', em.query(
        `SELECT ${OPEN_PLAN_SQL} AS open_plan, ${OPEN_REFERRAL_SQL} AS open_referral FROM family f WHERE f.id = $1 FOR UPDATE`,
        [member.familyId],
      ));
      const refusal = care!.open_plan ? ErasureRefusal.OPEN_PLAN : care!.open_referral ? ErasureRefusal.OPEN_REFERRAL : null;
      const id = newId();
      const [{ requested_at }]: { requested_at: Date }[] = await em.query(
        `INSERT INTO erasure_request (id, family_id, member_id, requested_by_member_id, requested_by_user_id, reason, outcome, refusal)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING requested_at`,
        [
          id,
          member.familyId,
          member.id,
          caller.principal.familyMember?.memberId ?? null,
          caller.principal.userId,
          input.reason ?? null,
          refusal ? 'REFUSED' : 'ERASED',
          refusal,
        ],
      );
      if (!refusal) await em.query(`SELECT erase_personal_data($1, $2)`, [member.familyId, member.id]);
      return { id, refusal, erasedAt: requested_at };
    });
    // Thrown after the commit: the refused request stays on record.
    if (outcome.refusal) {
      throw new DomainError('FORBIDDEN', `Erasure refused: ${REFUSALS[outcome.refusal]}. The request is recorded.`, {
        refusal: outcome.refusal,
      });
    }
    return { id: outcome.id, memberId: input.memberId, erasedAt: outcome.erasedAt };
  }

  /**
   * A merge (docs/family-merge.md): the requests of the absorbed registration are the surviving family's, so that
   * erasing that family erases their reasons too. They are events: only their family changes (familyMergeStatement).
   */
  async moveToFamily(em: EntityManager, fromFamilyId: string, toFamilyId: string): Promise<void> {
    await familyMergeStatement(em, `UPDATE erasure_request SET family_id = $2 WHERE family_id = $1`, [fromFamilyId, toFamilyId]);
  }

  /**
   * A merge of members that are the same person: the requests about or by the absorbed member name the surviving
   * member, the person who asked (and whose erasure erases their reasons); nothing else of them changes
   * (memberMergeStatement). All of them were decided when made: none is pending.
   */
  async mapMembers(em: EntityManager, pairs: readonly MemberPair[]): Promise<void> {
    const surviving = (column: string) => `COALESCE((SELECT p.surviving FROM ${PAIRS} WHERE p.absorbed = r.${column}), r.${column})`;
    await memberMergeStatement(
      em,
      `UPDATE erasure_request r SET member_id = ${surviving('member_id')}, requested_by_member_id = ${surviving('requested_by_member_id')}
        WHERE r.member_id = ANY ($1) OR r.requested_by_member_id = ANY ($1)`,
      pairColumns(pairs),
    );
  }
}
